"""Batch validation of referral decisions: every single-decision check through the columnar
evaluator (the same compiled rules as ``Engine.evaluate``), plus the cross-decision checks
that need the whole batch: ``budget_ceiling``, ``sequential_help`` and iJw's no-stacking rule.

Nothing is lost: rows in equals rows reported; a malformed row becomes ``input`` findings;
unknown columns pass through; a ``bsn`` column is masked in every output, and so is every
other value that looks like a BSN (``io.privacy``). A check that lacks
the facts it needs gives an explicit "not evaluable" note, never a false finding.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import polars as pl

from zorgregels.core.columnar import ColumnarResult
from zorgregels.core.engine import CoreEngine
from zorgregels.core.exprs import INDEX
from zorgregels.core.findings import MALFORMED_ROW, SEQ_MALFORMED, finding_exprs, locate
from zorgregels.core.outcome import (
    RANKED_SEVERITIES,
    Signal,
    has_severity,
    severity_flags,
    verdict_expr,
)
from zorgregels.core.receipt import batch_receipt
from zorgregels.core.results import FINDING_COLUMNS, NotEvaluable
from zorgregels.core.semantics import INPUT_BASIS
from zorgregels.io.columns import ERROR, SOURCE, SOURCE_ROW
from zorgregels.io.frame import Records
from zorgregels.io.privacy import SEALED, mask_bsns_frame, mask_bsns_in
from zorgregels.io.source import DecisionSource, NotSliceable, open_source
from zorgregels.jobs.validate.cross import budget_ceiling, no_stacking, sequential_help
from zorgregels.jobs.validate.report import ValidationReport

Progress = Callable[[str, int, int], None]
#: the facts the cross-decision checks read (never filter the wide fact table itself)
CROSS_FACTS = ("decision_id", "outcome", "client_id", "bsn", "provider", "code", "municipality",
               "volume", "frequency", "unit", "code_unit", "tariff", "code_tariff",
               "decision_date", "start_date", "end_date", "duration_days",
               "allocation_number", "change_reason")
#: the facts report.html reads
PAGE_FACTS = ("municipality", "referrer_type", "code", "outcome", "volume",
              "frequency", "unit", "code_unit", "code_tariff", "duration_days")
#: the input columns (as text) report.html reads that are no facts
PAGE_INPUTS = ("provider", "team")
#: rows evaluated at a time: the wide table of facts is held for one slice, not the batch
SLICE_ROWS = 100_000


def validate(engine: CoreEngine, records: Records, *, columns: str | Path | None = None,
             as_of: dt.date | None = None, progress: Progress | None = None,
             sequential_gap_days: int = 183) -> ValidationReport:
    """Validate a batch of decisions; each as of its own decision date (``as_of`` only for rows
    without one)."""
    def step(name: str, i: int, n: int) -> None:
        if progress is not None:
            progress(name, i, n)

    step("lezen", 0, 5)
    source = open_source(records, columns)
    step("regels per besluit", 1, 5)
    try:
        tap, res = _evaluate(engine, source, as_of)
    except NotSliceable:  # a CSV that is not one record a line after all: read it whole
        source = source.framed()
        tap, res = _evaluate(engine, source, as_of)
    rows_in = source.height
    facts = res.rows
    notes: list[NotEvaluable] = []
    step("controles over besluiten heen", 2, 5)
    where = pl.concat(tap.where, how="vertical")
    malformed = (pl.concat(tap.errors, how="vertical")
                 .join(facts.select(INDEX, "decision_id"), on=INDEX, how="left")
                 .select(finding_exprs(MALFORMED_ROW, seq=SEQ_MALFORMED, basis=INPUT_BASIS,
                                       message=pl.concat_str([pl.lit("Onleesbare rij: "), pl.col(ERROR)]))))
    slim = facts.select(INDEX, *CROSS_FACTS)
    cross = [no_stacking(slim, notes), sequential_help(slim, notes, sequential_gap_days)]
    budget = budget_ceiling(slim, engine.catalogue, notes)
    notes += res.not_evaluable
    step("oordeel per besluit", 3, 5)
    findings_rows = locate(pl.concat([res.findings, malformed, *cross], how="vertical"), where
                           ).sort([INDEX, "seq"])
    per_row = findings_rows.group_by(INDEX).agg(pl.len().cast(pl.Int64).alias("finding_count"),
                                                *severity_flags())
    # scatter the per-row counts into full columns (rows are 0..n-1): no join, no sort of n rows
    idx = per_row.get_column(INDEX)
    counts = [pl.repeat(0, rows_in, dtype=pl.Int64, eager=True)
              .scatter(idx, per_row.get_column("finding_count")).alias("finding_count")]
    counts += [pl.repeat(False, rows_in, dtype=pl.Boolean, eager=True)
               .scatter(idx, per_row.get_column(has_severity(s))).alias(has_severity(s))
               for s in RANKED_SEVERITIES]
    result = pl.col("result")
    signals: dict[Signal, pl.Expr] = {"missing": result == "incomplete", "conflict": result == "conflict",
                                      "gap": result == "no_rule_matched"}
    verdicts = (facts.select("result").with_columns(counts)
                .select(verdict_expr(signals).alias("verdict"), "finding_count"))
    # every output masked: a bsn column whole, any other BSN-looking text value by value
    findings = mask_bsns_frame(pl.concat([findings_rows, budget], how="vertical")
                               .select(*FINDING_COLUMNS, INDEX))
    step("samenvatting", 4, 5)
    receipt = batch_receipt(source.in_memory, rows=rows_in, rules_hash=engine.rules_hash, as_of=as_of,
                            versions=engine.versions, files=source.files)
    sources = sorted({s for s in where.get_column("source").unique().to_list() if s is not None})
    summary = mask_bsns_in(_summary(rows_in, verdicts, sources, findings, notes, engine), keep=SEALED)
    summary["receipt"] = receipt.model_dump(mode="json")
    step("klaar", 5, 5)
    page = facts.select(INDEX, *PAGE_FACTS)
    if tap.inputs:
        page = page.with_columns(pl.concat(tap.inputs, how="vertical").get_columns())
    return ValidationReport(verdicts=verdicts, source=source, findings=findings, not_evaluable=notes,
                            summary=summary, rules_hash=engine.rules_hash, receipt=receipt,
                            facts=mask_bsns_frame(page),
                            links=engine.catalogue.citation_links(), catalogue=engine.catalogue)


def _evaluate(engine: CoreEngine, source: DecisionSource, as_of: dt.date | None) -> tuple[_Tap, ColumnarResult]:
    """Every single-decision check over the batch, a slice at a time, and what ``_Tap`` keeps."""
    tap = _Tap()
    res = engine.columnar.evaluate_parts(tap.data(source.slices(SLICE_ROWS)), as_of,
                                         keep=["result", *CROSS_FACTS, *PAGE_FACTS])
    return tap, res


class _Tap:
    """What validate keeps of each slice of the input besides its facts: where each row came
    from, why a row could not be read, and the input text the report page reads
    (``PAGE_INPUTS``); the slice itself is let go."""

    def __init__(self) -> None:
        self.where: list[pl.DataFrame] = []
        self.errors: list[pl.DataFrame] = []
        self.inputs: list[pl.DataFrame] = []
        self.start = 0

    def data(self, slices: Iterable[pl.DataFrame]) -> Iterator[pl.DataFrame]:
        for part in slices:
            index = pl.int_range(self.start, self.start + part.height, dtype=pl.Int64).alias(INDEX)
            self.where.append(part.select(index, pl.col(SOURCE).alias("source"), pl.col(SOURCE_ROW).alias("row")))
            self.errors.append(part.select(index, pl.col(ERROR)).filter(pl.col(ERROR).is_not_null()))
            names = [c for c in PAGE_INPUTS if c in part.columns]
            if names:
                self.inputs.append(part.select(names))
            self.start += part.height
            yield part.select(c for c in part.columns if c not in (SOURCE, SOURCE_ROW, ERROR))


def _summary(rows_in: int, verdicts: pl.DataFrame, sources: list[str], findings: pl.DataFrame,
             notes: list[NotEvaluable], engine: CoreEngine) -> dict[str, Any]:
    by_check: dict[str, dict[str, int]] = {}
    for check, sev, n in findings.group_by("check", "severity").len().iter_rows():
        by_check.setdefault(check, {})[sev] = int(n)
    by_sev = {s: int(n) for s, n in findings.group_by("severity").len().iter_rows()}
    by_rule = {r: int(n) for r, n in findings.group_by("rule").len().iter_rows()}
    by_verdict = {v: int(n) for v, n in verdicts.group_by("verdict").len().iter_rows()}
    return {
        "rows_in": rows_in,
        "rows_reported": verdicts.height,
        "findings": findings.height,
        "by_check": {k: dict(sorted(v.items())) for k, v in sorted(by_check.items())},
        "by_severity": dict(sorted(by_sev.items())),
        "by_rule": dict(sorted(by_rule.items())),
        "verdicts": dict(sorted(by_verdict.items())),
        "not_evaluable": [n.model_dump() for n in sorted(notes, key=lambda n: (n.check, n.rule))],
        "rules_hash": engine.rules_hash,
        "sources": [Path(s).name if not s.startswith("<") else s for s in sources],
    }


__all__ = ["Progress", "ValidationReport", "validate"]
