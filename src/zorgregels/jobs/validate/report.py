"""The result of a batch validation and its writing: findings.jsonl, decisions.csv, summary.json and report.html.

The folder is written next to its destination under a temporary name and renamed into place
only when every file is complete, so a crash never leaves a half report that looks whole.
findings.jsonl and summary.json carry no timestamps and are sorted, so the same input and
rules give byte-identical files.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from zorgregels.catalogue.ijw import REFERRER_TYPES
from zorgregels.core.columnar import INDEX
from zorgregels.core.receipt import BatchReceipt
from zorgregels.core.results import NotEvaluable
from zorgregels.io.outdir import Protected, atomic_folder
from zorgregels.render.charts import BarChart, counts_chart
from zorgregels.render.pages import render_page

FILES = ("findings.jsonl", "decisions.csv", "summary.json", "report.html")
HTML_TABLE_LIMIT = 5000
COLUMNS = ["decision_id", "check", "severity", "rule", "message", "expected", "actual", "source", "row"]


@dataclass
class ValidationReport:
    """The result of one batch: decisions with their verdicts, all findings, notes and a summary."""

    decisions: pl.DataFrame  # every input column (bsn masked), _source, _row, verdict, finding_count
    findings: pl.DataFrame  # FINDING_COLUMNS (+ ``__i``, the 0-based batch row), sorted deterministically
    not_evaluable: list[NotEvaluable]
    summary: dict[str, Any]
    rules_hash: str = ""
    receipt: BatchReceipt | None = None  # versions, rules hash, as-of, input hash, rows
    facts: pl.DataFrame | None = field(default=None, repr=False)  # typed facts per row (for reports)
    links: dict[str, str] = field(default_factory=dict)  # citation in words -> its link (pages)

    @property
    def rows_in(self) -> int:
        return int(self.summary["rows_in"])

    @property
    def has_errors(self) -> bool:
        return bool(self.summary["by_severity"].get("error", 0))

    def write(self, out_dir: str | Path, *, force: bool = False, protect: Iterable[Protected] = ()) -> Path:
        """findings.jsonl, decisions.csv, summary.json and report.html, written atomically into a
        new folder or one zorgregels wrote (``force``: replace another folder too; never one of
        ``protect``, the working directory or a file). Raises ``InputError`` otherwise."""
        return write_report(self, out_dir, force=force, protect=protect)



def write_report(report: ValidationReport, out_dir: str | Path, *, force: bool = False,
                 protect: Iterable[Protected] = ()) -> Path:
    with atomic_folder(out_dir, command="validate", force=force, protect=protect) as tmp:
        findings = report.findings.drop(INDEX) if INDEX in report.findings.columns else report.findings
        # a text field without a value is "" (never null): a reader that infers types from the
        # first lines (polars.read_ndjson, pandas) would otherwise type a column null that holds
        # text further on (``scope`` is set only on the batch findings at the end)
        findings = findings.with_columns(pl.col(pl.Utf8).fill_null(""))
        # polars writes without the GIL: the two big files are written side by side
        with ThreadPoolExecutor(max_workers=2) as pool:
            jobs = [pool.submit(findings.write_ndjson, tmp / "findings.jsonl"),
                    pool.submit(report.decisions.write_csv, tmp / "decisions.csv")]
            (tmp / "summary.json").write_text(
                json.dumps(report.summary, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
                encoding="utf-8")
            (tmp / "report.html").write_text(render_html(report), encoding="utf-8")
            for job in jobs:
                job.result()
    return Path(out_dir)


def _counts(df: pl.DataFrame, col: str) -> list[tuple[str, int]]:
    if df.height == 0 or col not in df.columns:
        return []
    g = df.group_by(col).len().sort(["len", col], descending=[True, False], nulls_last=True)
    return [("(leeg)" if k is None else str(k), int(n)) for k, n in g.iter_rows()]


def _charts(report: ValidationReport) -> list[BarChart]:
    f = report.findings
    per_row = f.filter(pl.col(INDEX).is_not_null()) if INDEX in f.columns else f
    if report.facts is not None:
        ctx = report.facts.select(INDEX, "municipality", "referrer_type", "code")
        joined = per_row.join(ctx, on=INDEX, how="left")
    else:
        joined = per_row.with_columns(pl.lit(None, dtype=pl.Utf8).alias(c)
                                      for c in ("municipality", "referrer_type", "code"))
    joined = joined.with_columns(
        pl.concat_str([pl.col("referrer_type").fill_null("(leeg)"), pl.lit(" "),
                       pl.col("referrer_type").replace_strict(REFERRER_TYPES, default="")]).alias("__ref"))
    volume = ["tariff.volume_above_norm", "tariff.volume_below_norm"]
    return [
        counts_chart("Bevindingen per controle", _counts(f, "check"), "#2b6cb0"),
        counts_chart("Bevindingen per ernst", _counts(f, "severity"), "#c05621"),
        counts_chart("Bevindingen per gemeente", _counts(joined, "municipality"), "#2f855a"),
        counts_chart("Bevindingen per verwijzer", _counts(joined, "__ref"), "#6b46c1"),
        counts_chart("Tariefafwijkingen per code (tariff.differs)",
                     _counts(joined.filter(pl.col("rule") == "tariff.differs"), "code"), "#b7791f"),
        counts_chart("Omvang boven of onder de norm per code",
                     _counts(joined.filter(pl.col("rule").is_in(volume)), "code"), "#975a16"),
    ]


def _bases(findings: pl.DataFrame) -> list[tuple[str, str, int, str]]:
    """Every rule with findings in the batch: check, rule, how many, and its basis."""
    if findings.is_empty():
        return []
    per_rule = (findings.group_by("check", "rule", "basis").agg(pl.len().alias("n"))
                .sort(["n", "rule"], descending=[True, False]))
    return [(c, r, n, b) for c, r, b, n in per_rule.select("check", "rule", "basis", "n").iter_rows()]


def render_html(report: ValidationReport) -> str:
    f = report.findings
    return render_page(
        "report.html.j2",
        summary=report.summary,
        rules_hash=report.summary["rules_hash"],
        charts=_charts(report),
        checks=sorted({c for c in f.get_column("check").unique().to_list() if c}),
        columns=COLUMNS,
        rows=f.head(HTML_TABLE_LIMIT).select(COLUMNS).iter_rows(),
        bases=_bases(f),
        links=report.links,
        total=f.height,
        limit=HTML_TABLE_LIMIT,
    )
