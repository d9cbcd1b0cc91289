"""The findings of a batch, in the engine's order, from the columns the evaluator left: bad
input values, table gaps and conflicts, missing inputs, and the rules that fired. Each is built
with the one builder of ``core.findings`` and the one message of ``core.messages`` that one case
gets from ``core.engine``."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from zorgregels.catalogue.compile import CompiledRule
from zorgregels.catalogue.fields import FIELDS
from zorgregels.core.advice import judges_advice
from zorgregels.core.exprs import INDEX, cond_expr
from zorgregels.core.facts import InputColumns, error_column, raw_column
from zorgregels.core.findings import (
    INVALID_VALUE,
    MISSING_INPUTS,
    SEQ_INPUT,
    SEQ_MISSING,
    SEQ_RULE,
    SEQ_TABLE,
    finding_exprs,
    of_rule,
    table_conflict,
    table_gap,
)
from zorgregels.core.messages import (
    conflict_message_expr,
    display_expr,
    gap_message_expr,
    invalid_value_message_expr,
    message_expr,
    missing_message_expr,
)
from zorgregels.core.semantics import (
    INPUT_BASIS,
    MASK_ROWS,
    TableColumns,
    compared,
    matched_rows,
    missing_inputs_expr,
)

#: the inputs the tables lacked, per row (only rows where some table lacked inputs)
MISSING = "__missing"


def fired_column(i: int) -> str:
    return f"__fire_{i}"


def rule_flags(rules: Sequence[CompiledRule]) -> list[pl.Expr]:
    """A rule fires when every field under ``requires`` is present and its condition holds."""
    c = pl.col
    return [pl.all_horizontal([c(f).is_not_null() for f in rule.requires] + [cond_expr(rule.cond)])
            .alias(fired_column(i)) for i, rule in enumerate(rules)]


def batch_findings(facts: pl.DataFrame, inputs: InputColumns, tables: Sequence[TableColumns],
                   rules: Sequence[CompiledRule]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(findings sorted by row and ``seq``, the missing inputs of the rows that lacked some)."""
    c = pl.col
    lf = facts.lazy()
    frames: list[pl.LazyFrame] = []
    for k, name in enumerate(inputs.present):
        if name not in inputs.bad:
            continue
        err = c(error_column(name))
        frames.append(lf.filter(err.is_not_null()).select(finding_exprs(
            INVALID_VALUE, seq=SEQ_INPUT + k, message=invalid_value_message_expr(name, err),
            basis=INPUT_BASIS, actual=c(raw_column(name)), value_type="str")))
    for j, tc in enumerate(tables):
        t, status = tc.table, c(tc.status)
        shown = [(f, c(tc.snapshot(f))) for f in compared(t)]
        rows_text = (c(tc.rows).map_elements(matched_rows, return_dtype=pl.Utf8)
                     if len(t.rows) <= MASK_ROWS else c(tc.rows))
        frames.append(lf.filter(status == "no_rule_matched").select(finding_exprs(
            table_gap(t), seq=SEQ_TABLE + 2 * j, message=gap_message_expr(t, shown), basis=t.basis)))
        frames.append(lf.filter(status == "conflict").select(finding_exprs(
            table_conflict(t), seq=SEQ_TABLE + 2 * j + 1, message=conflict_message_expr(t, rows_text),
            basis=t.basis)))
    # the list is built only for rows where some table lacked inputs (usually few)
    any_missing = (pl.any_horizontal([c(tc.status) == "missing" for tc in tables]) if tables
                   else pl.lit(False))
    missing = (facts.filter(any_missing)
               .select(INDEX, "decision_id", missing_inputs_expr(tables).alias(MISSING)))
    frames.append(missing.lazy().filter(c(MISSING).list.len() > 0).select(finding_exprs(
        MISSING_INPUTS, seq=SEQ_MISSING, message=missing_message_expr(c(MISSING)), basis=INPUT_BASIS)))
    for i, rule in enumerate(rules):
        shows = rule.expected or rule.actual
        frames.append(lf.filter(c(fired_column(i))).select(finding_exprs(
            of_rule(rule), seq=SEQ_RULE + i, message=message_expr(rule.message, judges_advice(rule)),
            basis=rule.basis,
            expected=display_expr(rule.expected, style="value") if rule.expected else None,
            actual=display_expr(rule.actual, style="value") if rule.actual else None,
            value_type=(FIELDS[shows].type if shows in FIELDS else "str") if shows else None)))
    findings = pl.concat(frames, how="vertical").sort([INDEX, "seq"]).collect()
    return findings, missing.select(INDEX, MISSING)


__all__ = ["MISSING", "batch_findings", "fired_column", "rule_flags"]
