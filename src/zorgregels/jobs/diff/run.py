"""diff: a rule change over a batch: validate the same decisions under two catalogues and report the change.

A region that considers a rule change (seed 000 asks to revisit the one-way referral between
perceel 1 and 2) runs last year's decisions through the current and the proposed rules and
sees first what changed in the rules themselves (``rules_change``: codes, tariffs, table rows,
rules), then per decision, check and municipality, which verdicts change, which findings appear
and disappear, and what the decisions cost per 3 months at each catalogue's tariffs.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl

from zorgregels.catalogue.catalogue import Catalogue
from zorgregels.core.engine import CoreEngine
from zorgregels.core.exprs import INDEX
from zorgregels.io.columns import SOURCE, SOURCE_ROW
from zorgregels.io.frame import Records, frame_records
from zorgregels.io.privacy import SEALED, mask_bsns_frame, mask_bsns_in
from zorgregels.jobs.diff.report import DiffReport
from zorgregels.jobs.diff.rules_change import rule_changes
from zorgregels.jobs.validate import ValidationReport, validate
from zorgregels.jobs.validate.cross import granted_cost_3m_cents

VERDICT_ORDER = ["ok", "warning", "error", "incomplete"]
KEY = ["__key"]


def _finding_keys(findings: pl.DataFrame) -> pl.DataFrame:
    """A finding is the same under both catalogues when rule, decision row and scope agree
    (the message may word a changed value differently)."""
    return findings.with_columns(
        pl.concat_str([pl.col("rule"), pl.col(INDEX).cast(pl.Utf8).fill_null("-"),
                       pl.col("scope").fill_null("-")], separator="|").alias("__key"))


def _costs(report: ValidationReport, catalogue: Catalogue) -> pl.Series:
    """Cost per 3 months, in cents, of every granted decision at the catalogue's tariff on its
    decision date: the cost of ``core.cost``, as for the budget ceiling."""
    facts = report.facts
    assert facts is not None
    return facts.sort(INDEX).select(granted_cost_3m_cents(catalogue).alias("c")).get_column("c")


def diff(old: CoreEngine, new: CoreEngine, records: Records, *, columns: str | Path | None = None,
         as_of: dt.date | None = None) -> DiffReport:
    """Validate ``records`` under the ``old`` and the ``new`` engine and compare."""
    frame = frame_records(records, columns)
    a = validate(old, frame, as_of=as_of)
    b = validate(new, frame, as_of=as_of)
    n = frame.height

    fa, fb = _finding_keys(a.findings), _finding_keys(b.findings)
    appeared = fb.join(fa.select(KEY), on=KEY, how="anti").drop("__key").sort([INDEX, "rule", "scope"], nulls_last=True)
    disappeared = fa.join(fb.select(KEY), on=KEY, how="anti").drop("__key").sort([INDEX, "rule", "scope"], nulls_last=True)

    def per_row(findings: pl.DataFrame, name: str) -> pl.DataFrame:
        return (findings.filter(pl.col(INDEX).is_not_null())
                .group_by(INDEX).agg(pl.col("rule").sort().str.join(";").alias(name)))

    ids = frame.columns
    base = pl.DataFrame({
        INDEX: pl.int_range(0, n, dtype=pl.Int64, eager=True),
        "decision_id": frame.get_column("decision_id") if "decision_id" in ids else pl.Series([None] * n, dtype=pl.Utf8),
        "municipality": frame.get_column("municipality") if "municipality" in ids else pl.Series([None] * n, dtype=pl.Utf8),
        "source": frame.get_column(SOURCE),
        "row": frame.get_column(SOURCE_ROW),
        "verdict_old": a.verdicts.get_column("verdict"),
        "verdict_new": b.verdicts.get_column("verdict"),
        "findings_old": a.verdicts.get_column("finding_count"),
        "findings_new": b.verdicts.get_column("finding_count"),
        "cost_3m_old": _costs(a, old.catalogue),
        "cost_3m_new": _costs(b, new.catalogue),
    })
    decisions = (base
                 .join(per_row(appeared, "appeared"), on=INDEX, how="left")
                 .join(per_row(disappeared, "disappeared"), on=INDEX, how="left")
                 .with_columns(
                     (pl.col("verdict_old") != pl.col("verdict_new")).alias("verdict_changed"),
                     (pl.col("cost_3m_new").fill_null(0) - pl.col("cost_3m_old").fill_null(0)).alias("cost_3m_delta"))
                 .with_columns((pl.col("verdict_changed") | pl.col("appeared").is_not_null()
                                | pl.col("disappeared").is_not_null()
                                | (pl.col("cost_3m_delta") != 0)).alias("changed"))
                 .sort(INDEX))
    # the findings come masked from validate; the decision ids and municipalities from the input
    decisions = mask_bsns_frame(decisions)
    summary = _summary(decisions, appeared, disappeared, a, b)
    summary["rule_changes"] = rule_changes(old.catalogue, new.catalogue)
    summary = mask_bsns_in(summary, keep=SEALED)
    names = {m.code: m.name for cat in (old.catalogue, new.catalogue) for m in cat.region.municipalities}
    return DiffReport(decisions=decisions, appeared=appeared, disappeared=disappeared, summary=summary,
                      municipality_names=names)


def _euro(cents: int | float | Decimal | None) -> str | None:
    return None if cents is None else str((Decimal(cents) / 100).quantize(Decimal("0.01")))


def _summary(decisions: pl.DataFrame, appeared: pl.DataFrame, disappeared: pl.DataFrame,
             a: ValidationReport, b: ValidationReport) -> dict[str, Any]:
    transitions: dict[str, int] = {}
    for old_v, new_v, count in (decisions.filter(pl.col("verdict_changed"))
                                .group_by("verdict_old", "verdict_new").len()
                                .sort("verdict_old", "verdict_new").iter_rows()):
        transitions[f"{old_v}->{new_v}"] = int(count)

    def by(frame: pl.DataFrame, key: str) -> dict[str, int]:
        if frame.is_empty():
            return {}
        return {str(k): int(v) for k, v in frame.group_by(key).len().sort(key).iter_rows()}

    per_check = {}
    for check in sorted(set(by(appeared, "check")) | set(by(disappeared, "check"))):
        per_check[check] = {"appeared": by(appeared, "check").get(check, 0),
                            "disappeared": by(disappeared, "check").get(check, 0)}
    muni_rows = (decisions.group_by("municipality")
                 .agg(pl.col("verdict_changed").sum().alias("verdict_changed"),
                      pl.col("appeared").str.split(";").list.len().fill_null(0).sum().alias("appeared"),
                      pl.col("disappeared").str.split(";").list.len().fill_null(0).sum().alias("disappeared"),
                      pl.col("cost_3m_old").sum().alias("old"), pl.col("cost_3m_new").sum().alias("new"))
                 .sort("municipality", nulls_last=True))
    per_muni = {}
    for m, changed, app, dis, old_c, new_c in muni_rows.iter_rows():
        per_muni[str(m)] = {"verdict_changed": int(changed), "findings_appeared": int(app),
                            "findings_disappeared": int(dis), "cost_3m_old": _euro(old_c),
                            "cost_3m_new": _euro(new_c), "cost_3m_delta": _euro((new_c or 0) - (old_c or 0))}
    old_total = int(decisions.get_column("cost_3m_old").sum() or 0)
    new_total = int(decisions.get_column("cost_3m_new").sum() or 0)
    return {
        "rows_in": decisions.height,
        "rows_reported": decisions.height,
        "rules_old": a.rules_hash,
        "rules_new": b.rules_hash,
        "receipts": {"old": a.summary["receipt"], "new": b.summary["receipt"]},
        "decisions_changed": int(decisions.get_column("changed").sum()),
        "verdict_changed": int(decisions.get_column("verdict_changed").sum()),
        "verdicts_old": {v: int(c) for v, c in decisions.group_by("verdict_old").len().sort("verdict_old").iter_rows()},
        "verdicts_new": {v: int(c) for v, c in decisions.group_by("verdict_new").len().sort("verdict_new").iter_rows()},
        "verdict_transitions": transitions,
        "findings_appeared": appeared.height,
        "findings_disappeared": disappeared.height,
        "per_check": per_check,
        "per_municipality": per_muni,
        "cost_3m_old": _euro(old_total),
        "cost_3m_new": _euro(new_total),
        "cost_3m_delta": _euro(new_total - old_total),
    }
