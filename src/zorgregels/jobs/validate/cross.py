"""The checks that need the whole batch: iJw's no-stacking rule, help from several providers
one after the other (``sequential_help``) and the budget ceiling per code, municipality and
quarter. A decision that lacks a fact a check needs is counted in a "not evaluable" note,
never judged.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import polars as pl

from zorgregels.catalogue.catalogue import Catalogue
from zorgregels.catalogue.ijw import WITHDRAWN_CHANGE_REASONS
from zorgregels.core import nl
from zorgregels.core.cost import cost_3m_cents_expr
from zorgregels.core.exprs import INDEX, as_date, iso_date
from zorgregels.core.findings import SEQ_CROSS, Kind, finding_exprs, findings_frame
from zorgregels.core.messages import display_expr
from zorgregels.core.results import NotEvaluable

STACKING_BASIS = ("iJw 3.2 OP259 / TR302 (geen stapeling: hetzelfde product niet meer dan eens voor "
                  "dezelfde client en aanbieder in (deels) dezelfde periode; een verwijderde toewijzing, "
                  "reden wijziging 13 of 01 met einddatum gelijk aan ingangsdatum, telt niet mee)")
SEQUENTIAL_BASIS = ("Participatieraad Zuid-Kennemerland/IJmond, Ongevraagd advies evaluatie "
                    "jeugdhulpverlening §2 (integrale hulp in samenhang in plaats van hulp van "
                    "verschillende aanbieders na elkaar)")
# a remedy ('wat te doen') is never a column of the batch's findings; a report finds it by rule id
NO_STACKING = Kind("dates.ijw_no_stacking", "dates", "error",
                   "Beëindig de eerdere toewijzing of laat de nieuwe later ingaan, zodat ze niet overlappen.")
SEQUENTIAL_HELP = Kind("sequential_help.providers_in_sequence", "sequential_help", "info",
                       "Bespreek met de aanbieders of de hulp samen en tegelijk kan in plaats van na elkaar.")
BUDGET_CEILING = Kind("budget_ceiling.exceeded", "budget_ceiling", "warning",
                      "Bespreek de uitputting met de contractmanager; weiger geen noodzakelijke hulp om het plafond.")
#: the cross-decision checks' kinds, by rule id
CROSS_KINDS = {k.rule: k for k in (NO_STACKING, SEQUENTIAL_HELP, BUDGET_CEILING)}

_OPEN_END = dt.date(9999, 12, 31).toordinal()


def granted() -> pl.Expr:
    """A decision counts as help given unless it was rejected."""
    return (pl.col("outcome") != "rejected").fill_null(True)


def granted_cost_3m_cents(catalogue: Catalogue) -> pl.Expr:
    """The 3-month cost in cents of a granted decision at the catalogue's tariff on its decision
    date (``core.cost``; null for a rejection or where the cost means nothing): what ``diff``
    compares and what validate's report counts as money at stake. Reads the batch's facts."""
    return pl.when(granted()).then(cost_3m_cents_expr(catalogue, pl.col("code_tariff"))).cast(pl.Int64)


def evaluable(facts: pl.DataFrame, need: list[str], kind: Kind,
              notes: list[NotEvaluable]) -> pl.DataFrame:
    """The granted decisions that have every fact a cross-decision check needs; the others are
    counted in a "not evaluable" note, never judged."""
    given = facts.filter(granted())
    ok = pl.all_horizontal([pl.col(f).is_not_null() for f in need])
    lacking = given.filter(~ok)
    if lacking.height:
        notes.append(NotEvaluable(
            rule=kind.rule, check=kind.check, rows=lacking.height,
            missing=[f for f in need if lacking.get_column(f).null_count()],
            reason="ontbrekende gegevens: " + ", ".join(need)))
    return given.filter(ok)


def withdrawn() -> pl.Expr:
    """TR302: an allocation sent with reason 13 (verwijderd) or 01 (administratieve correctie
    (vervallen)) and an end date equal to its start date is withdrawn."""
    return (pl.col("change_reason").is_in(sorted(WITHDRAWN_CHANGE_REASONS))
            & (pl.col("end_date") == pl.col("start_date"))).fill_null(False)


def current_allocations(facts: pl.DataFrame) -> pl.DataFrame:
    """The allocations OP259/TR302 compare, one row each.

    An allocation is its allocation number within its municipality (TR332); a change message
    repeats the number, so of an allocation's messages only the latest counts (by decision date,
    then by order in the batch). An allocation withdrawn by any of its messages does not count
    at all. A row without an allocation number is an allocation of its own.
    """
    key = pl.when(pl.col("allocation_number").is_not_null()).then(pl.concat_str(
        [pl.col("municipality").fill_null(""), pl.col("allocation_number")], separator="\x1f"))
    f = facts.with_columns(key.alias("__alloc"), withdrawn().alias("__withdrawn"))
    gone = f.filter(pl.col("__withdrawn") & pl.col("__alloc").is_not_null()).get_column("__alloc").unique()
    numbered = (f.filter(pl.col("__alloc").is_not_null() & ~pl.col("__alloc").is_in(gone.implode()))
                .sort(["__alloc", "decision_date", INDEX], nulls_last=False)
                .filter(pl.col("__alloc").is_last_distinct()))
    loose = f.filter(pl.col("__alloc").is_null() & ~pl.col("__withdrawn"))
    return pl.concat([loose, numbered]).drop("__alloc", "__withdrawn")


def no_stacking(facts: pl.DataFrame, notes: list[NotEvaluable]) -> pl.DataFrame:
    """iJw OP259/TR302: the same product for the same client and provider in overlapping periods,
    over the current allocations (``current_allocations``). The client is ``client_id``, or the
    ``bsn`` where a record has no pseudonym (an iJw message carries only the BSN); neither is
    ever shown in a finding."""
    need = ["client_id", "provider", "code", "start_date"]
    keys = ["client_id", "provider", "code"]
    facts = _reading(facts, *need, "bsn", "end_date", "decision_date", "municipality",
                     "allocation_number", "change_reason")
    current = current_allocations(facts).with_columns(pl.coalesce("client_id", "bsn").alias("client_id"))
    g = (evaluable(current, need, NO_STACKING, notes)
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
    open_end = pl.col("__prev_end") == _OPEN_END
    msg = pl.concat_str([
        pl.lit("Product "), pl.col("code"), pl.lit(" is voor dezelfde client en aanbieder "),
        pl.col("provider"), pl.lit(" al toegewezen tot "),
        pl.when(open_end).then(pl.lit("onbepaalde tijd")).otherwise(display_expr("end_date", pl.col("__prev_end"))),
        pl.lit(" (besluit "), pl.col("__prev_id").fill_null("(leeg)"), pl.lit("); deze toewijzing start "),
        display_expr("start_date"), pl.lit(" en overlapt daarmee (stapeling).")])
    return hit.select(finding_exprs(
        NO_STACKING, seq=SEQ_CROSS, message=msg, basis=STACKING_BASIS,
        expected=pl.when(open_end).then(None).otherwise(iso_date(pl.col("__prev_end"))),
        actual=iso_date(pl.col("start_date"))))


def sequential_help(facts: pl.DataFrame, notes: list[NotEvaluable], gap_days: int) -> pl.DataFrame:
    """One client, several providers one after the other (not at the same time)."""
    need = ["client_id", "provider", "start_date", "end_date"]
    facts = _reading(facts, *need)
    g = (evaluable(facts, need, SEQUENTIAL_HELP, notes).select(INDEX, "decision_id", *need)
         .sort(["client_id", "start_date", "end_date", INDEX]))
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
        pl.lit("De client krijgt vanaf "), display_expr("start_date"), pl.lit(" hulp van aanbieder "),
        pl.col("provider"), pl.lit(", na hulp van aanbieder "), pl.col("__prev_provider"),
        pl.lit(" die eindigde op "), display_expr("end_date", pl.col("__prev_end")),
        pl.lit(": aanbieders na elkaar in plaats van tegelijk ("), pl.col("__providers").cast(pl.Utf8),
        pl.lit(" aanbieders in deze batch).")])
    return hit.select(finding_exprs(SEQUENTIAL_HELP, seq=SEQ_CROSS + 1, message=msg,
                                    basis=SEQUENTIAL_BASIS, actual=pl.col("provider")))


def _reading(facts: pl.DataFrame, *names: str) -> pl.DataFrame:
    """Only the columns a cross-decision check reads (with the row, the decision id and what
    ``granted`` reads), before it filters and sorts: a million rows of the other facts are not
    copied along."""
    read = {INDEX, "decision_id", *names, *granted().meta.root_names()}
    return facts.select(c for c in facts.columns if c in read)


def _quarter(col: pl.Expr) -> pl.Expr:
    d = as_date(col)
    return d.dt.year().cast(pl.Int64) * 4 + (d.dt.month().cast(pl.Int64) - 1) // 3


def budget_ceiling(facts: pl.DataFrame, catalogue: Catalogue, notes: list[NotEvaluable]) -> pl.DataFrame:
    """Cost per quarter (3 months) per code and municipality against the declared ceilings.

    The 3-month cost of one decision is ``core.cost`` at the applied tariff (the catalogue
    tariff when none is given). A decision counts in every quarter its period touches (an open
    end: the start quarter only). Warning only: a ceiling is never a ground to refuse necessary
    care.
    """
    ceilings = list(catalogue.budget_ceilings)
    if not ceilings:
        notes.append(NotEvaluable(rule=BUDGET_CEILING.rule, check=BUDGET_CEILING.check,
                                  rows=facts.height, reason="de catalogus declareert geen budgetplafonds"))
        return findings_frame()
    codes = sorted({c.code for c in ceilings})
    need = ["code", "municipality", "volume", "frequency", "unit", "start_date"]
    keep = granted() & pl.col("code").is_in(codes).fill_null(False)
    cents = cost_3m_cents_expr(catalogue, pl.coalesce("tariff", "code_tariff")).alias("__cents")
    # the columns read, before the filter copies rows (most decisions are granted)
    read = {*need, "end_date", *keep.meta.root_names(), *cents.meta.root_names()}
    rel = facts.select(c for c in facts.columns if c in read).filter(keep).with_columns(cents)
    ok = pl.col("__cents").is_not_null() & pl.all_horizontal([pl.col(f).is_not_null() for f in need])
    lacking = rel.filter(~ok)
    if lacking.height:
        notes.append(NotEvaluable(
            rule=BUDGET_CEILING.rule, check=BUDGET_CEILING.check, rows=lacking.height,
            missing=[f for f in need if lacking.get_column(f).null_count()],
            reason="ontbrekende of onbruikbare gegevens: " + ", ".join(need)
            + ", tarief, eenheid gelijk aan die van de code"))
    # only what the sums read: a decision is counted in every quarter it touches (exploded)
    rel = rel.filter(ok).select("code", "municipality", "__cents",
        _quarter(pl.col("start_date")).alias("__q0"),
        pl.when(pl.col("end_date").is_not_null() & (pl.col("end_date") >= pl.col("start_date")))
        .then(_quarter(pl.col("end_date"))).otherwise(_quarter(pl.col("start_date"))).alias("__q1"))
    rel = rel.with_columns(pl.int_ranges("__q0", pl.col("__q1") + 1).alias("__q")).explode("__q")
    groups = (rel.group_by("code", "municipality", "__q")
              .agg(pl.col("__cents").sum().alias("__cents"), pl.len().alias("__n"))
              .sort("code", "municipality", "__q"))
    names = {m.code: m.name for m in catalogue.region.municipalities} if catalogue.region else {}
    by_name = {v: k for k, v in names.items()}
    rows: list[dict[str, Any]] = []
    for code, muni, q, total, count in groups.iter_rows():
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
                    "rule": BUDGET_CEILING.rule, "check": BUDGET_CEILING.check,
                    "severity": BUDGET_CEILING.severity,
                    "message": (f"Kosten van {code} in {names.get(cbs, muni)} in {year}-K{quarter + 1}: "
                                f"{nl.money(amount)} over {count} besluiten, boven het budgetplafond van "
                                f"{nl.money(c.amount_3m)} ({nl.money(over)} erboven). Een plafond is "
                                "geen grond om noodzakelijke zorg te weigeren."),
                    "basis": c.basis, "expected": _money(c.amount_3m), "actual": _money(amount),
                    "scope": f"code={code};municipality={muni};quarter={year}-K{quarter + 1}",
                })
            break
    return findings_frame(rows)


def _money(d: Decimal) -> str:
    return str(Decimal(d).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


__all__ = ["BUDGET_CEILING", "CROSS_KINDS", "NO_STACKING", "SEQUENTIAL_HELP", "budget_ceiling", "current_allocations",
           "evaluable", "granted", "granted_cost_3m_cents", "no_stacking", "sequential_help", "withdrawn"]
