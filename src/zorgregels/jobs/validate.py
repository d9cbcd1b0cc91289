"""Batch validation of referral decisions: every single-decision check through the columnar
evaluator (the same compiled rules as ``Engine.evaluate``), plus the cross-decision checks
that need the whole batch: ``budget_ceiling``, ``sequential_help`` and iJw's no-stacking rule.

Nothing is lost: rows in equals rows reported; a malformed row becomes ``input`` findings;
unknown columns pass through; a ``bsn`` column is masked in every output. A check that lacks
the facts it needs gives an explicit "not evaluable" note, never a false finding.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import polars as pl

from zorgregels.catalogue.fields import FIELDS, SCALE
from zorgregels.core.columnar import INDEX
from zorgregels.core.engine import CoreEngine
from zorgregels.core.semantics import INPUT_BASIS
from zorgregels.core.tariffs import PIECE_UNITS
from zorgregels.io.columns import ERROR, SOURCE, SOURCE_ROW
from zorgregels.io.frame import Records, frame_records
from zorgregels.io.privacy import mask_bsn_column

Progress = Callable[[str, int, int], None]

STACKING_BASIS = "iJw 3.2 OP259 / TR302 (geen stapeling: zelfde product, client en aanbieder niet overlappend)"
SEQUENTIAL_BASIS = ("000_6addc916605f6708.txt §2 (integrale hulp in samenhang in plaats van hulp van "
                    "verschillende aanbieders na elkaar)")
MALFORMED_BASIS = INPUT_BASIS
FINDING_COLUMNS = ["decision_id", "rule", "check", "severity", "message", "basis", "expected",
                   "actual", "source", "row", "scope"]
SEVERITY_RANK = {"error": 3, "warning": 2, "info": 1}


@dataclass
class NotEvaluable:
    check: str
    rule: str
    rows: int
    reason: str


@dataclass
class ValidationReport:
    """The result of one batch: decisions with their verdicts, all findings, notes and a summary."""

    decisions: pl.DataFrame  # every input column (bsn masked), _source, _row, verdict, finding_count
    findings: pl.DataFrame  # FINDING_COLUMNS (+ ``__i``, the 0-based batch row), sorted deterministically
    not_evaluable: list[NotEvaluable]
    summary: dict[str, Any]
    rules_hash: str = ""
    facts: pl.DataFrame | None = field(default=None, repr=False)  # typed facts per row (for reports)

    @property
    def rows_in(self) -> int:
        return int(self.summary["rows_in"])

    @property
    def has_errors(self) -> bool:
        return bool(self.summary["by_severity"].get("error", 0))

    def write(self, out_dir: str | Path) -> Path:
        from zorgregels.render.report import write_report

        return write_report(self, Path(out_dir))


# ------------------------------------------------------------------ inputs


# ------------------------------------------------------------------ validate


def validate(engine: CoreEngine, records: Records, *, columns: str | Path | None = None,
             as_of: dt.date | None = None, progress: Progress | None = None,
             sequential_gap_days: int = 183) -> ValidationReport:
    """Validate a batch of decisions; each as of its own decision date (``as_of`` only for rows
    without one)."""
    def step(name: str, i: int, n: int) -> None:
        if progress is not None:
            progress(name, i, n)

    step("lezen", 0, 5)
    df = frame_records(records, columns)
    rows_in = df.height
    ev = engine.columnar
    step("regels per besluit", 1, 5)
    data_cols = [c for c in df.columns if c not in (SOURCE, SOURCE_ROW, ERROR)]
    res = ev.evaluate(df.select(data_cols), as_of=as_of)
    facts = res.rows
    step("controles over besluiten heen", 2, 5)
    src = df.select(pl.int_range(0, df.height, dtype=pl.Int64).alias(INDEX),
                    pl.col(SOURCE).alias("source"), pl.col(SOURCE_ROW).alias("row"), pl.col(ERROR))
    single = (res.findings.join(src.select(INDEX, "source", "row"), on=INDEX, how="left")
              .with_columns(pl.lit(None, dtype=pl.Utf8).alias("scope")))
    malformed = (src.filter(pl.col(ERROR).is_not_null())
                 .join(facts.select(INDEX, "decision_id"), on=INDEX, how="left")
                 .select(INDEX, pl.lit(-1, dtype=pl.Int64).alias("seq"), "decision_id",
                         pl.lit("input.malformed_row").alias("rule"), pl.lit("input").alias("check"),
                         pl.lit("error").alias("severity"),
                         pl.concat_str([pl.lit("Onleesbare rij: "), pl.col(ERROR)]).alias("message"),
                         pl.lit(MALFORMED_BASIS).alias("basis"),
                         pl.lit(None, dtype=pl.Utf8).alias("expected"),
                         pl.lit(None, dtype=pl.Utf8).alias("actual"),
                         pl.lit(None, dtype=pl.Utf8).alias("value_type"),
                         "source", "row", pl.lit(None, dtype=pl.Utf8).alias("scope")))
    notes: list[NotEvaluable] = []
    # the cross-decision checks read a few columns; never filter the wide fact table itself
    slim = facts.select(INDEX, "decision_id", "outcome", "client_id", "provider", "code", "municipality",
                        "volume", "frequency", "unit", "code_unit", "tariff", "code_tariff",
                        "start_date", "end_date", "duration_days")
    cross = [
        _no_stacking(slim, notes),
        _sequential_help(slim, notes, sequential_gap_days),
    ]
    cross = [c.join(src.select(INDEX, "source", "row"), on=INDEX, how="left").select(single.columns)
             for c in cross]
    budget = _budget_ceiling(slim, engine.catalogue, notes)
    step("oordeel per besluit", 3, 5)
    per_row = pl.concat([single.select(malformed.columns), malformed] + cross, how="vertical")
    findings_rows = per_row.sort([INDEX, "seq"])
    counts = findings_rows.group_by(INDEX).agg(
        pl.len().cast(pl.Int64).alias("finding_count"),
        pl.col("severity").replace_strict(SEVERITY_RANK, return_dtype=pl.Int64).max().alias("__rank"))
    # scatter the per-row counts into full columns (rows are 0..n-1): no join, no sort of n rows
    idx = counts.get_column(INDEX)
    count_col = pl.repeat(0, df.height, dtype=pl.Int64, eager=True).scatter(idx, counts.get_column("finding_count"))
    rank_col = pl.repeat(0, df.height, dtype=pl.Int64, eager=True).scatter(idx, counts.get_column("__rank"))
    outcome = facts.select(pl.col("result").alias("__outcome")).with_columns(
        rank_col.alias("__rank"), count_col.alias("finding_count"))
    verdict = (pl.when(pl.col("__outcome") == "incomplete").then(pl.lit("incomplete"))
               .when(pl.col("__rank") == 3).then(pl.lit("error"))
               .when(pl.col("__rank") == 2).then(pl.lit("warning"))
               .otherwise(pl.lit("ok")))
    outcome = outcome.select(verdict.alias("verdict"), "finding_count")
    decisions = df.with_columns(outcome.get_column("verdict"), outcome.get_column("finding_count"))
    for name in decisions.columns:
        if name.lower() == "bsn":
            decisions = decisions.with_columns(mask_bsn_column(pl.col(name)).alias(name))
    decisions = decisions.drop(ERROR)
    # per-rule "not evaluable" counts from the single-decision rules
    rules = ev.compiled.stages[-1].rules
    ne_counts = facts.select([pl.col(f"__ne_{i}").sum().alias(str(i)) for i in range(len(rules))]).row(0) \
        if rules else ()
    for i, rule in enumerate(rules):
        if ne_counts[i]:
            notes.append(NotEvaluable(rule.check, rule.id, int(ne_counts[i]),
                                      "ontbrekende gegevens: " + ", ".join(rule.requires)))
    budget = budget.with_columns(pl.lit(None, dtype=pl.Int64).alias(INDEX))
    findings = pl.concat([findings_rows.select(FINDING_COLUMNS + [INDEX]),
                          budget.select(FINDING_COLUMNS + [INDEX])], how="vertical")
    step("samenvatting", 4, 5)
    summary = _summary(rows_in, decisions, findings, notes, engine)
    step("klaar", 5, 5)
    return ValidationReport(decisions=decisions, findings=findings, not_evaluable=notes,
                            summary=summary, rules_hash=engine.rules_hash,
                            facts=facts.select(INDEX, "municipality", "referrer_type", "code", "outcome",
                                               "volume", "frequency", "unit", "code_unit",
                                               "code_tariff", "duration_days"))


def _summary(rows_in: int, decisions: pl.DataFrame, findings: pl.DataFrame,
             notes: list[NotEvaluable], engine: CoreEngine) -> dict[str, Any]:
    by_check: dict[str, dict[str, int]] = {}
    for check, sev, n in findings.group_by("check", "severity").len().iter_rows():
        by_check.setdefault(check, {})[sev] = int(n)
    by_sev = {s: int(n) for s, n in findings.group_by("severity").len().iter_rows()}
    by_rule = {r: int(n) for r, n in findings.group_by("rule").len().iter_rows()}
    verdicts = {v: int(n) for v, n in decisions.group_by("verdict").len().iter_rows()}
    sources = sorted({s for s in decisions.get_column(SOURCE).unique().to_list() if s is not None})
    return {
        "rows_in": rows_in,
        "rows_reported": decisions.height,
        "findings": findings.height,
        "by_check": {k: dict(sorted(v.items())) for k, v in sorted(by_check.items())},
        "by_severity": dict(sorted(by_sev.items())),
        "by_rule": dict(sorted(by_rule.items())),
        "verdicts": dict(sorted(verdicts.items())),
        "not_evaluable": [n.__dict__ for n in sorted(notes, key=lambda n: (n.check, n.rule))],
        "rules_hash": engine.rules_hash,
        "sources": [Path(s).name if not s.startswith("<") else s for s in sources],
    }


# ------------------------------------------------------------------ cross-decision checks


def _finding_frame(df: pl.DataFrame, rule: str, check: str, severity: str, message: pl.Expr,
                   basis: str, seq: int, expected: pl.Expr | None = None,
                   actual: pl.Expr | None = None) -> pl.DataFrame:
    return df.select(
        pl.col(INDEX), pl.lit(seq, dtype=pl.Int64).alias("seq"), pl.col("decision_id"),
        pl.lit(rule).alias("rule"), pl.lit(check).alias("check"), pl.lit(severity).alias("severity"),
        message.alias("message"), pl.lit(basis).alias("basis"),
        (expected if expected is not None else pl.lit(None, dtype=pl.Utf8)).alias("expected"),
        (actual if actual is not None else pl.lit(None, dtype=pl.Utf8)).alias("actual"),
        pl.lit(None, dtype=pl.Utf8).alias("value_type"), pl.lit(None, dtype=pl.Utf8).alias("scope"))


def _iso(col: str) -> pl.Expr:
    from zorgregels.core.columnar import EPOCH_ORDINAL

    return (pl.col(col) - EPOCH_ORDINAL).cast(pl.Date).dt.strftime("%Y-%m-%d")


_OPEN_END = dt.date(9999, 12, 31).toordinal()


def _granted(facts: pl.DataFrame) -> pl.Expr:
    return (pl.col("outcome") != "rejected").fill_null(True)


def _evaluable(facts: pl.DataFrame, need: list[str], check: str, rule: str,
               notes: list[NotEvaluable]) -> pl.DataFrame:
    """The granted decisions that have every fact a cross-decision check needs; the others are
    counted in a "not evaluable" note, never judged."""
    granted = facts.filter(_granted(facts))
    ok = pl.all_horizontal([pl.col(f).is_not_null() for f in need])
    lacking = granted.filter(~ok).height
    if lacking:
        notes.append(NotEvaluable(check, rule, lacking, "ontbrekende gegevens: " + ", ".join(need)))
    return granted.filter(ok)


def _no_stacking(facts: pl.DataFrame, notes: list[NotEvaluable]) -> pl.DataFrame:
    """iJw OP259/TR302: the same product for the same client and provider in overlapping periods."""
    need = ["client_id", "provider", "code", "start_date"]
    keys = ["client_id", "provider", "code"]
    g = (_evaluable(facts, need, "dates", "dates.ijw_no_stacking", notes)
         .select(INDEX, "decision_id", *need, pl.col("end_date").fill_null(_OPEN_END).alias("__end"))
         .sort([*keys, "start_date", INDEX]))
    # segmented running maximum without a window over string keys: groups are contiguous after
    # the sort, so (group number << 32) + end rises across groups and its running max stays
    # inside the current group
    new_group = pl.any_horizontal([pl.col(k) != pl.col(k).shift(1) for k in keys]).fill_null(True)
    g = g.with_columns(new_group.cum_sum().cast(pl.Int64).alias("__gid"))
    comb = (pl.col("__gid") * (1 << 32) + pl.col("__end")).cum_max().shift(1)
    g = g.with_columns(
        pl.when((comb // (1 << 32)) == pl.col("__gid")).then(comb % (1 << 32)).alias("__prev_end"),
        pl.when(~new_group).then(pl.col("decision_id").shift(1)).alias("__prev_id"))
    hit = g.filter((pl.col("start_date") <= pl.col("__prev_end")).fill_null(False))
    msg = pl.concat_str([
        pl.lit("Product "), pl.col("code"), pl.lit(" is voor dezelfde client en aanbieder "),
        pl.col("provider"), pl.lit(" al toegewezen tot "),
        pl.when(pl.col("__prev_end") == _OPEN_END).then(pl.lit("onbepaalde tijd")).otherwise(_iso("__prev_end")),
        pl.lit(" (besluit "), pl.col("__prev_id").fill_null("(leeg)"), pl.lit("); deze toewijzing start "),
        _iso("start_date"), pl.lit(" en overlapt daarmee (stapeling).")])
    return _finding_frame(hit, "dates.ijw_no_stacking", "dates", "error", msg, STACKING_BASIS, 5000,
                          expected=pl.when(pl.col("__prev_end") == _OPEN_END).then(None)
                          .otherwise(_iso("__prev_end")), actual=_iso("start_date"))


def _sequential_help(facts: pl.DataFrame, notes: list[NotEvaluable], gap_days: int) -> pl.DataFrame:
    """One client, several providers one after the other (not at the same time)."""
    need = ["client_id", "provider", "start_date", "end_date"]
    g = (_evaluable(facts, need, "sequential_help", "sequential_help.providers_in_sequence", notes).select(INDEX, "decision_id", *need).sort(["client_id", "start_date", "end_date", INDEX]))
    same = (pl.col("client_id") == pl.col("client_id").shift(1)).fill_null(False)
    g = g.with_columns(
        pl.when(same).then(pl.col("end_date").shift(1)).alias("__prev_end"),
        pl.when(same).then(pl.col("provider").shift(1)).alias("__prev_provider"),
    )
    gap = pl.col("start_date") - pl.col("__prev_end")
    hit = g.filter(((gap > 0) & (gap <= gap_days + 1) & (pl.col("provider") != pl.col("__prev_provider")))
                   .fill_null(False))
    providers = (g.filter(pl.col("client_id").is_in(hit["client_id"].unique().implode()))
                 .group_by("client_id").agg(pl.col("provider").n_unique().alias("__providers")))
    hit = hit.join(providers, on="client_id", how="left")
    msg = pl.concat_str([
        pl.lit("De client krijgt vanaf "), _iso("start_date"), pl.lit(" hulp van aanbieder "),
        pl.col("provider"), pl.lit(", na hulp van aanbieder "), pl.col("__prev_provider"),
        pl.lit(" die eindigde op "), _iso("__prev_end"),
        pl.lit(": aanbieders na elkaar in plaats van tegelijk ("), pl.col("__providers").cast(pl.Utf8),
        pl.lit(" aanbieders in deze batch).")])
    return _finding_frame(hit, "sequential_help.providers_in_sequence", "sequential_help", "info", msg,
                          SEQUENTIAL_BASIS, 5001, expected=None, actual=pl.col("provider"))


def _quarter(col: pl.Expr) -> pl.Expr:
    from zorgregels.core.columnar import EPOCH_ORDINAL

    d = (col - EPOCH_ORDINAL).cast(pl.Date)
    return d.dt.year().cast(pl.Int64) * 4 + (d.dt.month().cast(pl.Int64) - 1) // 3


COST_NEEDS = ("code", "volume", "frequency", "unit")


def cost_3m_cents(catalogue: Any, tariff: pl.Expr) -> pl.Expr:
    """Cost per 3 months, in cents, of each decision: its volume per 3 months times ``tariff``
    (a fact-form money column), rounded half-up once. Null where a fact lacks, where the unit is
    not the code's, or for frequency 6 without a positive duration.

    The columnar form of ``tariffs.normalise_decision`` (units_3m: 1 day x 91, 2 week x 13,
    4 month x 3, 6 total: a trajectory code counts min(1, 3/D) of a trajectory, any other code
    is spread over its duration), in exact integer arithmetic; tests/test_cost.py holds the
    two to the same cents. Used by the budget ceiling and by ``zorgregels diff``.
    """
    c = pl.col
    traj: dict[str, Fraction] = {}
    for cid, code in catalogue.codes.items():
        if code.unit in PIECE_UNITS and code.norm is not None and code.norm.duration_months:
            traj[cid] = min(Fraction(1), Fraction(3) / Fraction(code.norm.duration_months))
    ok = (pl.all_horizontal([c(f).is_not_null() for f in COST_NEEDS]) & tariff.is_not_null()
          & (c("unit") == c("code_unit")).fill_null(False)
          & ((c("frequency") != "6") | (c("duration_days") > 0)).fill_null(False))
    num = c("volume") * tariff  # scale 10**8
    factor = (pl.when(c("frequency") == "1").then(91).when(c("frequency") == "2").then(13)
              .when(c("frequency") == "4").then(3).otherwise(91))
    by_traj = c("code").is_in(list(traj)) & (c("frequency") == "6")
    tn = c("code").replace_strict({k: f.numerator for k, f in traj.items()}, default=1, return_dtype=pl.Int64)
    td = c("code").replace_strict({k: f.denominator for k, f in traj.items()}, default=1, return_dtype=pl.Int64)
    den = pl.when(c("frequency") == "6").then(c("duration_days")).otherwise(1)
    n = pl.when(by_traj).then(num * tn).otherwise(num * factor)
    d = pl.when(by_traj).then(td).otherwise(den) * 1_000_000  # 10**8 scale -> cents
    return pl.when(ok).then((2 * n + d) // (2 * d))


def _budget_ceiling(facts: pl.DataFrame, catalogue: Any, notes: list[NotEvaluable]) -> pl.DataFrame:
    """Cost per quarter (3 months) per code and municipality against the declared ceilings.

    The 3-month cost of one decision is ``cost_3m_cents`` at the applied tariff (the catalogue
    tariff when none is given). A decision counts in every quarter its period touches (an open end: the
    start quarter only). Warning only: a ceiling is never a ground to refuse necessary care.
    """
    empty = pl.DataFrame(schema={c: pl.Utf8 for c in FINDING_COLUMNS}).with_columns(pl.col("row").cast(pl.Int64))
    ceilings = list(catalogue.budget_ceilings)
    if not ceilings:
        notes.append(NotEvaluable("budget_ceiling", "budget_ceiling.exceeded", facts.height,
                                  "de catalogus declareert geen budgetplafonds"))
        return empty
    codes = sorted({c.code for c in ceilings})
    need = ["code", "municipality", "volume", "frequency", "unit", "start_date"]
    rel = facts.filter(_granted(facts) & pl.col("code").is_in(codes).fill_null(False))
    tariff = pl.coalesce("tariff", "code_tariff")
    ok = pl.all_horizontal([pl.col(f).is_not_null() for f in need]) & tariff.is_not_null() \
        & (pl.col("unit") == pl.col("code_unit")).fill_null(False) \
        & ((pl.col("frequency") != "6") | (pl.col("duration_days") > 0)).fill_null(False)
    lacking = rel.filter(~ok).height
    if lacking:
        notes.append(NotEvaluable("budget_ceiling", "budget_ceiling.exceeded", lacking,
                                  "ontbrekende of onbruikbare gegevens: " + ", ".join(need)
                                  + ", tarief, eenheid gelijk aan die van de code"))
    rel = rel.filter(ok)
    cents = cost_3m_cents(catalogue, tariff)
    rel = rel.with_columns(cents.alias("__cents"),
                           _quarter(pl.col("start_date")).alias("__q0"),
                           pl.when(pl.col("end_date").is_not_null() & (pl.col("end_date") >= pl.col("start_date")))
                           .then(_quarter(pl.col("end_date"))).otherwise(_quarter(pl.col("start_date")))
                           .alias("__q1"))
    rel = rel.with_columns(pl.int_ranges("__q0", pl.col("__q1") + 1).alias("__q")).explode("__q")
    groups = (rel.group_by("code", "municipality", "__q")
              .agg(pl.col("__cents").sum().alias("__cents"), pl.len().alias("__n"),
                   pl.col("decision_id").drop_nulls().sort().first().alias("__first"))
              .sort("code", "municipality", "__q"))
    names = {m.code: m.name for m in catalogue.region.municipalities} if catalogue.region else {}
    by_name = {v: k for k, v in names.items()}
    rows = []
    for code, muni, q, total, count, _first in groups.iter_rows():
        year, quarter = divmod(q, 4)
        q_start = dt.date(year, quarter * 3 + 1, 1)
        cbs = muni if muni in names else by_name.get(muni, muni)
        for c in ceilings:
            if c.code != code or (c.municipality is not None and c.municipality not in (cbs, names.get(cbs))):
                continue
            if not (c.valid_from <= q_start and (c.valid_to is None or q_start <= c.valid_to)):
                continue
            amount = Decimal(total) / 100
            if amount > c.amount_3m:
                over = amount - c.amount_3m
                rows.append({
                    "decision_id": None, "rule": "budget_ceiling.exceeded", "check": "budget_ceiling",
                    "severity": "warning",
                    "message": (f"Kosten van {code} in {muni} in {year}-K{quarter + 1}: EUR "
                                f"{_money(amount)} over {count} besluiten, boven het budgetplafond van "
                                f"EUR {_money(c.amount_3m)} (EUR {_money(over)} erboven). Een plafond is "
                                "geen grond om noodzakelijke zorg te weigeren."),
                    "basis": c.basis, "expected": _money(c.amount_3m), "actual": _money(amount),
                    "source": None, "row": None,
                    "scope": f"code={code};municipality={muni};quarter={year}-K{quarter + 1}",
                })
            break
    if not rows:
        return empty
    return pl.DataFrame(rows, schema={**{c: pl.Utf8 for c in FINDING_COLUMNS}, "row": pl.Int64})


def _money(d: Decimal) -> str:
    return str(Decimal(d).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


__all__ = ["NotEvaluable", "ValidationReport", "validate", "FIELDS", "SCALE"]
