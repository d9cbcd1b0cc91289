"""The meaning every backend shares, each in its scalar form (one case: durable-rules through
``core.engine``, and the verifier) and its expression form (a batch: ``core.columnar``) side
by side: how a table's hit policy resolves matched rows, how a stage's outputs are applied
(a given value is never overwritten), the facts that follow from a table's output, and which
inputs a table lacked (the inputs a finding of ``input.missing`` names).

Message rendering lives in ``core.messages``; the outcome ladder in ``core.outcome``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from zorgregels.catalogue.catalogue import Catalogue
from zorgregels.catalogue.compile import CompiledTable
from zorgregels.catalogue.conditions import fields_of
from zorgregels.catalogue.fields import FIELDS, TABLE_OUTPUTS
from zorgregels.core.advice import derive_advice
from zorgregels.core.exprs import cond_expr, dtype_of, fact_lit

INPUT_BASIS = "Awb art. 3:2 (zorgvuldige voorbereiding: de feiten moeten vaststaan)"
#: up to this many rows a table's matched rows travel as a bitmask, beyond it as text
MASK_ROWS = 62


def compared(table: CompiledTable) -> list[str]:
    """The fields a table compares, in order: its inputs, then what ``applies_when`` reads."""
    reads = list(table.inputs)
    if table.applies_when is not None:
        reads += [f for f in fields_of(table.applies_when) if f not in reads]
    return reads


# ------------------------------------------------------------------ hit policies: one case


@dataclass
class TableResult:
    table: CompiledTable
    stage: int
    status: str  # applied, given, skipped, missing, no_rule_matched, conflict
    rows: list[int] = field(default_factory=list)  # 0-based matched rows
    outputs: dict[str, Any] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)


def resolve_table(table: CompiledTable, fact: dict[str, Any], matched: list[int],
                  applies: bool) -> TableResult:
    """Apply a table's hit policy to the rows durable-rules matched (or any backend matched).

    The hit policy and the "never overwrite a given value" rule are meaning, not matching;
    ``table_exprs`` is the same for a batch.
    """
    values = {f: fact.get(f) for f in compared(table)}
    res = TableResult(table, 0, "applied", values=values)
    missing = [f for f in table.inputs if f not in fact]
    if missing:
        res.status, res.missing = "missing", missing
        return res
    if not applies:
        res.status = "skipped"
        return res
    rows = sorted(matched)
    res.rows = rows
    if not rows:
        res.status = "no_rule_matched"
        return res
    by_index = {r.index: r for r in table.rows}
    if table.hit_policy == "first":
        outputs = dict(by_index[rows[0]].outputs)
        res.rows = rows[:1]
    else:
        outputs = {}
        for o in table.outputs:
            vals = [by_index[r].outputs[o] for r in rows]
            if table.hit_policy == "collect" and all(isinstance(v, list) for v in vals):
                merged: list[Any] = []
                for v in vals:
                    merged += [x for x in v if x not in merged]
                outputs[o] = merged
            elif all(v == vals[0] for v in vals):
                outputs[o] = vals[0]
            else:
                res.status = "conflict"
                return res
    given = {o: fact[o] for o in outputs if o in fact}
    res.outputs = {o: v for o, v in outputs.items() if o not in given}
    if given and not res.outputs:
        res.status = "given"
    return res


# ------------------------------------------------------------------ hit policies: a batch


@dataclass(frozen=True)
class TableColumns:
    """The bookkeeping columns of one table in a batch (``key``: stage and table number)."""

    table: CompiledTable
    key: str

    @property
    def status(self) -> str:
        return f"__status_{self.key}"

    @property
    def rows(self) -> str:
        """Matched rows: a bitmask (``MASK_ROWS`` rows or fewer) or their 1-based numbers as text."""
        return f"__rows_{self.key}"

    def match(self, j: int) -> str:
        return f"__m_{self.key}_{j}"

    def snapshot(self, name: str) -> str:
        """The value a table compared, as it was at the table's stage (for the gap message)."""
        return f"__snap_{self.key}_{name}"

    def lacks(self, name: str) -> str:
        return f"__miss_{self.key}_{name}"

    def output(self, name: str) -> str:
        return f"__out_{self.key}_{name}"


#: prefixes of the bookkeeping columns above (dropped once the findings are built)
TABLE_SCRATCH = ("__m_", "__snap_", "__miss_", "__rows_", "__out_")


def table_exprs(tc: TableColumns) -> tuple[list[pl.Expr], list[pl.Expr], list[pl.Expr]]:
    """``resolve_table`` for a batch, in three groups to add in order: the match flag per row
    (materialised once), then status, matched rows, snapshots and missing flags, then per
    output its value where the table applied (by index into the table's distinct values, so
    list literals are never broadcast row by row)."""
    t, c = tc.table, pl.col
    flags = [cond_expr(r.cond).alias(tc.match(j)) for j, r in enumerate(t.rows)]
    matched = [c(tc.match(j)) for j in range(len(t.rows))]
    miss = pl.any_horizontal([c(f).is_null() for f in t.inputs]) if t.inputs else pl.lit(False)
    applies = cond_expr(t.applies_when) if t.applies_when is not None else pl.lit(True)
    n_matched = pl.sum_horizontal([m.cast(pl.Int32) for m in matched]) if matched else pl.lit(0)
    conflict = pl.lit(False)
    outputs: dict[str, pl.Expr] = {}

    def by_index(o: str, idx: pl.Expr, distinct: list[Any]) -> pl.Expr:
        mapping = {i: v for i, v in enumerate(distinct) if v is not None}
        return idx.replace_strict(mapping, default=None, return_dtype=dtype_of(o))

    for o in t.outputs:
        vals = [r.outputs.get(o) for r in t.rows]
        distinct: list[Any] = []
        for v in vals:
            if v not in distinct:
                distinct.append(v)
        if t.hit_policy == "first":
            idx = pl.lit(None, dtype=pl.Int64)
            for v, m in reversed(list(zip(vals, matched))):
                idx = pl.when(m).then(pl.lit(distinct.index(v), dtype=pl.Int64)).otherwise(idx)
            outputs[o] = by_index(o, idx, distinct)
            continue
        if t.hit_policy == "collect" and all(isinstance(v, list) for v in vals):
            pieces = [pl.when(m).then(fact_lit(o, v)).otherwise(fact_lit(o, [])) for v, m in zip(vals, matched)]
            outputs[o] = pl.concat_list(pieces).list.unique(maintain_order=True)
            continue
        has = [(k, pl.any_horizontal([m for m, w in zip(matched, vals) if w == v]))
               for k, v in enumerate(distinct)]
        n_distinct = pl.sum_horizontal([h.cast(pl.Int32) for _, h in has])
        conflict = conflict | (n_distinct > 1)
        idx = pl.lit(None, dtype=pl.Int64)
        for k, h in reversed(has):
            idx = pl.when(h).then(pl.lit(k, dtype=pl.Int64)).otherwise(idx)
        outputs[o] = by_index(o, idx, distinct)
    status = (pl.when(miss).then(pl.lit("missing"))
              .when(~applies).then(pl.lit("skipped"))
              .when(n_matched == 0).then(pl.lit("no_rule_matched"))
              .when(conflict).then(pl.lit("conflict"))
              .otherwise(pl.lit("applied")))
    if len(t.rows) <= MASK_ROWS:
        mask = pl.sum_horizontal([m.cast(pl.Int64) * (1 << j) for j, m in enumerate(matched)]) \
            if matched else pl.lit(0, dtype=pl.Int64)
    else:
        mask = pl.concat_list([pl.when(m).then(pl.lit(str(j + 1))) for j, m in enumerate(matched)]
                              ).list.drop_nulls().list.join(", ")
    state = [status.alias(tc.status), mask.alias(tc.rows),
             *[c(f).alias(tc.snapshot(f)) for f in compared(t)],
             *[c(f).is_null().alias(tc.lacks(f)) for f in t.inputs]]
    applied = [pl.when(c(tc.status) == "applied").then(e).alias(tc.output(o)) for o, e in outputs.items()]
    return flags, state, applied


def matched_rows(mask: int) -> str:
    """The 1-based numbers of the rows in a bitmask, as the engine lists them."""
    return ", ".join(str(j + 1) for j in range(MASK_ROWS + 1) if mask >> j & 1)


# ------------------------------------------------------------------ applying a stage


def apply_stage(fact: Mapping[str, Any], results: Sequence[TableResult],
                catalogue: Catalogue) -> dict[str, Any]:
    """The fact after a stage: each table's outputs in table order (a later table wins; a given
    value was never among them), then the post-derived facts, then, for a care question
    whose code the tables now advise, the facts of the advised code (``core.advice``)."""
    nxt = dict(fact)
    for res in results:
        nxt.update(res.outputs)
    nxt.update(post_derive(nxt, catalogue))
    nxt.update(derive_advice(nxt, catalogue))
    return nxt


def apply_stage_exprs(tables: Sequence[TableColumns]) -> list[pl.Expr]:
    """``apply_stage`` without the post-derivation and the advice (``post_derive_exprs``, then
    ``core.advice.derive_advice_columns``), for a batch: a given value is never overwritten,
    later tables win among outputs."""
    by_field: dict[str, list[str]] = {}
    for tc in tables:
        for o in tc.table.outputs:
            by_field.setdefault(o, []).append(tc.output(o))
    return [pl.coalesce([pl.col(o)] + [pl.col(x) for x in reversed(xs)]).alias(o)
            for o, xs in by_field.items()]


def post_derive(fact: Mapping[str, Any], catalogue: Catalogue) -> dict[str, Any]:
    """Facts that follow directly from a table's output (advised perceel; decided code allowed)."""
    extra: dict[str, Any] = {}
    if "level" in fact and "advised_perceel" not in fact:
        p = catalogue.perceel_of_level(fact["level"])
        if p is not None:
            extra["advised_perceel"] = p
    if "allowed_codes" in fact and "code" in fact and "code_allowed" not in fact:
        extra["code_allowed"] = fact["code"] in fact["allowed_codes"]
    return extra


def post_derive_exprs(catalogue: Catalogue) -> list[pl.Expr]:
    """``post_derive`` for a batch."""
    c = pl.col
    perceel_of = {lvl: p.perceel for lvl, p in catalogue.ladder.items() if p.perceel is not None}
    perceel = c("level").replace_strict(perceel_of, default=None, return_dtype=pl.Int64)
    return [
        pl.when(c("advised_perceel").is_null() & c("level").is_not_null()).then(perceel)
        .otherwise(c("advised_perceel")).alias("advised_perceel"),
        pl.when(c("code_allowed").is_null() & c("allowed_codes").is_not_null() & c("code").is_not_null())
        .then(c("allowed_codes").list.contains(c("code")))
        .otherwise(c("code_allowed")).alias("code_allowed"),
    ]


# ------------------------------------------------------------------ inputs a table lacked


def _reported(name: str) -> bool:
    """A table output without sources is reported by the table that produces it, not as missing."""
    return not (name in TABLE_OUTPUTS and not FIELDS[name].sources)


def missing_inputs(results: Sequence[TableResult], given: Mapping[str, Any]) -> list[str]:
    """The inputs without which the tables gave no advice, in first-seen order: a derived input
    is named by the sources it is computed from (those not ``given``), else by itself."""
    missing: list[str] = []
    for res in results:
        if res.status != "missing":
            continue
        for f in res.missing:
            if not _reported(f):
                continue
            roots = [s for s in FIELDS[f].sources if s not in given] or [f]
            missing += [r for r in roots if r not in missing]
    return missing


def missing_inputs_expr(tables: Sequence[TableColumns]) -> pl.Expr:
    """``missing_inputs`` for a batch: a list per row (empty where nothing lacked)."""
    c = pl.col
    pieces = []
    for tc in tables:
        for f in tc.table.inputs:
            if not _reported(f):
                continue
            sources = FIELDS[f].sources
            lacks = (c(tc.status) == "missing") & c(tc.lacks(f))
            for src in sources:
                pieces.append(pl.when(lacks & c(src).is_null()).then(pl.lit(src)))
            if sources:
                lacks = lacks & pl.all_horizontal([c(src).is_not_null() for src in sources])
            pieces.append(pl.when(lacks).then(pl.lit(f)))
    if not pieces:
        return pl.lit([], dtype=pl.List(pl.Utf8))
    return pl.concat_list(pieces).list.drop_nulls().list.unique(maintain_order=True)


__all__ = ["INPUT_BASIS", "TABLE_SCRATCH", "TableColumns", "TableResult", "apply_stage",
           "apply_stage_exprs", "compared", "matched_rows",
           "missing_inputs", "missing_inputs_expr", "post_derive", "post_derive_exprs",
           "resolve_table", "table_exprs"]
