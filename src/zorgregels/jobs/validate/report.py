"""The result of a batch validation and its writing: findings.jsonl, decisions.csv, summary.json and report.html.

The folder is written next to its destination under a temporary name and renamed into place
only when every file is complete, so a crash never leaves a half report that looks whole.
findings.jsonl and summary.json carry no timestamps and are sorted, so the same input and
rules give byte-identical files.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from zorgregels.catalogue.catalogue import Catalogue
from zorgregels.core.findings import findings_as_written
from zorgregels.core.receipt import BatchReceipt
from zorgregels.core.results import NotEvaluable
from zorgregels.io.columns import ERROR, chunked_like
from zorgregels.io.outdir import Protected, atomic_folder
from zorgregels.io.privacy import mask_bsns_frame
from zorgregels.io.source import DecisionSource
from zorgregels.jobs.validate.page import render_html

FILES = ("findings.jsonl", "decisions.csv", "summary.json", "report.html")
#: rows of decisions.csv read, masked and written at a time
DECISION_SLICE = 100_000
COLUMNS = ["decision_id", "check", "severity", "rule", "message", "expected", "actual", "source", "row"]


@dataclass
class ValidationReport:
    """The result of one batch: decisions with their verdicts, all findings, notes and a summary."""

    verdicts: pl.DataFrame  # per input row, in order: verdict, finding_count
    source: DecisionSource = field(repr=False)  # the input, read again slice by slice for ``decisions``
    findings: pl.DataFrame = field(repr=False)  # FINDING_COLUMNS (+ ``__i``, the 0-based batch row), sorted
    not_evaluable: list[NotEvaluable] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)
    rules_hash: str = ""
    receipt: BatchReceipt | None = None  # versions, rules hash, as-of, input hash, rows
    facts: pl.DataFrame | None = field(default=None, repr=False)  # typed facts per row (for reports)
    links: dict[str, str] = field(default_factory=dict)  # citation in words -> its link (pages)
    catalogue: Catalogue | None = field(default=None, repr=False)  # names, remedies, tariffs (report.html)

    _decisions: pl.DataFrame | None = field(default=None, init=False, repr=False)

    @property
    def decisions(self) -> pl.DataFrame:
        """Every input column (bsn masked), ``_source``, ``_row``, ``verdict`` and
        ``finding_count``: decisions.csv as a table (read into memory on first use)."""
        if self._decisions is None:
            self._decisions = pl.concat(list(self.decision_slices()), how="vertical")
        return self._decisions

    def decision_slices(self) -> Iterator[pl.DataFrame]:
        """``decisions`` a slice at a time, read again from the input: what decisions.csv is
        written from without the whole table in memory."""
        start = 0
        for part in self.source.slices(DECISION_SLICE):
            verdicts = self.verdicts.slice(start, part.height).get_columns()
            start += part.height
            # every output masked: a bsn column whole, any other BSN-looking text value by value
            yield mask_bsns_frame(part.with_columns(chunked_like(part, verdicts)).drop(ERROR))

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
        findings = findings_as_written(report.findings)
        # polars writes without the GIL: the two big files are written side by side
        with ThreadPoolExecutor(max_workers=2) as pool:
            jobs = [pool.submit(findings.write_ndjson, tmp / "findings.jsonl"),
                    pool.submit(_write_decisions, report, tmp / "decisions.csv")]
            (tmp / "summary.json").write_text(
                json.dumps(report.summary, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
                encoding="utf-8")
            (tmp / "report.html").write_text(render_html(report), encoding="utf-8")
            for job in jobs:
                job.result()
    return Path(out_dir)


def _write_decisions(report: ValidationReport, path: Path) -> None:
    """decisions.csv, a slice at a time (the same bytes as one ``write_csv`` of ``decisions``)."""
    if report._decisions is not None:
        report._decisions.write_csv(path)
        return
    with path.open("wb") as fh:
        for i, part in enumerate(report.decision_slices()):
            # polars hands a Python file its text one batch at a time: 1,024 rows by default
            # made writing 1M rows cost twice the CPU of writing them to a path
            part.write_csv(fh, include_header=i == 0, batch_size=65_536)
