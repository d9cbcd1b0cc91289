"""The columnar evaluator: the same compiled rules as ``Engine.evaluate``, as polars expressions.

durable-rules stays the engine of record for one case and its explanation; a batch of a
million decisions needs the rules applied column-wise. Everything here is generated from
``CompiledRules`` (compile.py) and the condition tree (conditions.py), never from rule text,
and ``tests/test_conformance.py`` holds both paths to identical findings and outputs.

Meaning kept identical to the durable path:

* input parsing: a value is parsed exactly as ``facts._parse`` parses it. Non-text fields
  are parsed once per *distinct* value with ``facts._parse`` itself (a year of decisions has
  a few thousand distinct dates, codes or volumes), so the accepted spellings and the error
  messages cannot drift; free-text fields are stripped column-wise with Python's own
  whitespace set.
* derived facts (``facts.derive``) column-wise: age at the start (or decision) date, terms,
  durations, the catalogue join on the decided code with the tariff in force on each row's
  own decision date, and the volume as a percentage of the norm in exact integer arithmetic
  (rational constants per code, half-up rounding), never float.
* conditions (two-valued): a comparison on an absent value is false, ``not`` negates.
* decision tables with their hit policy and "never overwrite a given value" exactly as
  ``engine.resolve_table``; ``engine.post_derive`` after every table stage.
* a rule fires when every field under ``requires`` is present and its condition holds.

All values are in fact form (fields.py): dates as ordinals, money and decimals as integers
scaled by 10**4.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import polars as pl

from zorgregels.catalogue.catalogue import Catalogue
from zorgregels.catalogue.compile import POST_DERIVED, CompiledRules, CompiledTable
from zorgregels.catalogue.conditions import (
    All,
    AnyOf,
    Cmp,
    Cond,
    Const,
    Contains,
    Not,
    OneOf,
    Present,
    Ref,
    fields_of,
)
from zorgregels.catalogue.fields import FIELDS, INPUT_FIELDS, SCALE, TABLE_OUTPUTS
from zorgregels.core.derived import CodeTable, derive_columns
from zorgregels.core.facts import check_vocabulary, parse_value
from zorgregels.core.semantics import INPUT_BASIS

#: Python's ``str.isspace`` characters: ``str.strip()`` removes exactly these.
PY_WHITESPACE = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())
#: ``date.toordinal()`` of 1970-01-01: polars dates count days from there.
EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()
INDEX = "__i"

_DTYPES: dict[str, pl.DataType] = {
    "str": pl.Utf8(), "int": pl.Int64(), "bool": pl.Boolean(), "date": pl.Int64(),
    "decimal": pl.Int64(), "money": pl.Int64(), "list": pl.List(pl.Utf8()),
}

SEQ_INPUT, SEQ_TABLE, SEQ_MISSING, SEQ_RULE = 0, 1000, 2000, 3000


def dtype_of(name: str) -> pl.DataType:
    return _DTYPES[FIELDS[name].type]


# ------------------------------------------------------------------ conditions


def _lit(name: str, value: Any) -> pl.Expr:
    return pl.lit(value, dtype=dtype_of(name))


def cond_expr(cond: Cond) -> pl.Expr:
    """A condition as a boolean polars expression that is never null (two-valued)."""
    if isinstance(cond, Cmp):
        left = pl.col(cond.field)
        right = pl.col(cond.value.field) if isinstance(cond.value, Ref) else _lit(cond.field, cond.value)
        op = {"eq": left.__eq__, "ne": left.__ne__, "lt": left.__lt__, "le": left.__le__,
              "gt": left.__gt__, "ge": left.__ge__}[cond.op]
        return op(right).fill_null(False)
    if isinstance(cond, OneOf):
        return pl.col(cond.field).is_in(list(cond.values)).fill_null(False)
    if isinstance(cond, Contains):
        col = pl.col(cond.field)
        parts = [col.list.contains(pl.lit(v, dtype=pl.Utf8)).fill_null(False) for v in cond.values]
        if cond.all:
            return pl.all_horizontal(parts) & (col.list.len() > 0).fill_null(False)
        return pl.any_horizontal(parts)
    if isinstance(cond, Present):
        present = pl.col(cond.field).is_not_null()
        return present if cond.present else ~present
    if isinstance(cond, All):
        return pl.all_horizontal([cond_expr(c) for c in cond.items])
    if isinstance(cond, AnyOf):
        return pl.any_horizontal([cond_expr(c) for c in cond.items])
    if isinstance(cond, Not):
        return ~cond_expr(cond.item)
    if isinstance(cond, Const):
        return pl.lit(cond.value)
    raise TypeError(cond)


# ------------------------------------------------------------------ display (engine.display)


def _money_text(col: pl.Expr, money: bool) -> pl.Expr:
    """``from_fact_value`` of a scaled integer, as text, with integer arithmetic only."""
    sign = pl.when(col < 0).then(pl.lit("-")).otherwise(pl.lit(""))
    a = col.abs()
    whole = (a // SCALE).cast(pl.Utf8)
    frac4 = (a % SCALE).cast(pl.Utf8).str.zfill(4)
    normal = pl.when(a % SCALE == 0).then(whole).otherwise(
        pl.concat_str([whole, pl.lit("."), frac4.str.strip_chars_end("0")]))
    if money:
        cents = pl.concat_str([whole, pl.lit("."), frac4.str.slice(0, 2)])
        text = pl.when(a % 100 == 0).then(cents).otherwise(normal)
    else:
        text = normal
    # Decimal('-0') never arises: 0 has no sign
    return pl.concat_str([pl.when(a == 0).then(pl.lit("")).otherwise(sign), text])


def display_expr(name: str, col: pl.Expr | None = None, style: str = "message") -> pl.Expr:
    """Text of a fact value as the engine shows it; null when absent.

    style "message": ``format_message`` (bools ja/nee, lists joined with ", ");
    style "repr": ``str(display(...))`` in an f-string (True/False, a list's repr);
    style "value": ``display`` for expected/actual (bools True/False).
    """
    col = pl.col(name) if col is None else col
    f = FIELDS.get(name)
    if f is None:
        return pl.lit(None, dtype=pl.Utf8)
    t = f.type
    if t == "str":
        return col
    if t == "int":
        return col.cast(pl.Utf8)
    if t == "bool":
        yes, no = ("ja", "nee") if style == "message" else ("True", "False")
        return pl.when(col.is_null()).then(None).when(col).then(pl.lit(yes)).otherwise(pl.lit(no))
    if t == "date":
        return (col - EPOCH_ORDINAL).cast(pl.Date).dt.strftime("%Y-%m-%d")
    if t in ("money", "decimal"):
        return _money_text(col, t == "money")
    if t == "list":
        if style == "repr":
            return col.map_elements(lambda v: repr(list(v)), return_dtype=pl.Utf8)
        return col.list.join(", ")
    raise TypeError(t)


def message_expr(template: str) -> pl.Expr:
    """``engine.format_message`` as an expression."""
    import re

    parts: list[pl.Expr] = []
    pos = 0
    for m in re.finditer(r"\{([a-z_]+)\}", template):
        if m.start() > pos:
            parts.append(pl.lit(template[pos:m.start()]))
        name = m.group(1)
        if name in FIELDS:
            parts.append(display_expr(name).fill_null("(leeg)"))
        else:
            parts.append(pl.lit("(leeg)"))
        pos = m.end()
    if pos < len(template):
        parts.append(pl.lit(template[pos:]))
    if not parts:
        return pl.lit("")
    return pl.concat_str(parts) if len(parts) > 1 else parts[0]


# ------------------------------------------------------------------ input parsing


def _fact_value(name: str, parsed: Any) -> Any:
    t = FIELDS[name].type
    if t == "date":
        return parsed.toordinal()
    if t in ("decimal", "money"):
        return int(parsed * SCALE)
    return parsed


def _strip(col: pl.Expr) -> pl.Expr:
    s = col.str.strip_chars(PY_WHITESPACE)
    return pl.when(s == "").then(None).otherwise(s)


def parse_column(df: pl.DataFrame, name: str, vocabulary: dict[str, set[str]] | None = None,
                 ) -> tuple[pl.Series, pl.Series | None]:
    """(fact values, error message or null) of one text column, row for row."""
    f = FIELDS[name]
    raw = df.get_column(name).cast(pl.Utf8)
    dtype = dtype_of(name)
    if f.type == "str" and not f.values and name not in ("referrer_type", "unit"):
        values = df.select(_strip(pl.col(name).cast(pl.Utf8)).alias(name)).to_series()
        return values, None
    uniques = raw.drop_nulls().unique().to_list()
    keys: list[str] = []
    vals: list[Any] = []
    err_keys: list[str] = []
    errs: list[str] = []
    for u in uniques:
        try:
            p = parse_value(name, u)
            check_vocabulary(name, p, vocabulary)
        except ValueError as exc:
            err_keys.append(u)
            errs.append(str(exc))
            continue
        if p is not None:
            keys.append(u)
            vals.append(_fact_value(name, p))
    if keys:
        values = raw.replace_strict(keys, vals, default=None, return_dtype=dtype)
    else:
        values = pl.Series(name, dtype=dtype).extend_constant(None, df.height)
    if err_keys:
        errors = raw.replace_strict(err_keys, errs, default=None, return_dtype=pl.Utf8)
    else:
        errors = None  # no bad value in this column: no error column at all
    return values.alias(name), errors.alias(name) if errors is not None else None


# ------------------------------------------------------------------ results


@dataclass
class ColumnarResult:
    """``rows``: one row per input row (``__i``), the final facts plus outcome, advised code,
    level, perceel, ``result`` (the engine outcome: ok, error, incomplete, ...) and per rule
    ``__fire_<i>``/``__ne_<i>`` flags; ``findings``: one row per finding, in the
    engine's order (``__i``, ``seq``)."""

    rows: pl.DataFrame
    findings: pl.DataFrame


FINDING_SCHEMA = {
    INDEX: pl.Int64, "seq": pl.Int64, "decision_id": pl.Utf8, "rule": pl.Utf8, "check": pl.Utf8,
    "severity": pl.Utf8, "message": pl.Utf8, "basis": pl.Utf8, "expected": pl.Utf8,
    "actual": pl.Utf8, "value_type": pl.Utf8,
}


class ColumnarEvaluator:
    def __init__(self, compiled: CompiledRules, catalogue: Catalogue):
        self.compiled = compiled
        self.catalogue = catalogue
        self._code_consts()

    # -------------------------------------------------------------- catalogue constants

    def _code_consts(self) -> None:
        cat = self.catalogue
        self.codes = sorted(cat.codes)
        self.code_level = {c: cat.codes[c].level for c in self.codes}
        self.code_perceel = {c: cat.codes[c].perceel for c in self.codes if cat.codes[c].perceel is not None}
        self.code_table = CodeTable.of(cat)

    # -------------------------------------------------------------- parse + derive

    def facts(self, df: pl.DataFrame, as_of: dt.date | None = None) -> tuple[pl.DataFrame, list[str]]:
        """Fact columns (one per input and derived field) and an error column ``__err_<field>``
        per parsed input column present in ``df`` (in ``df``'s column order)."""
        present = [c for c in df.columns if c in FIELDS and not FIELDS[c].derived]
        cols: dict[str, pl.Series] = {INDEX: pl.Series(INDEX, range(df.height), dtype=pl.Int64)}
        self._bad: list[str] = []  # columns with at least one bad value (they get ``__err_<field>``)
        for name in present:
            values, errors = parse_column(df, name, self.catalogue.vocabulary())
            cols[name] = values
            if errors is not None:
                cols[f"__err_{name}"] = errors
                self._bad.append(name)
            cols[f"__raw_{name}"] = df.get_column(name).cast(pl.Utf8).alias(f"__raw_{name}")
        out = pl.DataFrame(cols)
        missing_cols = [pl.lit(None, dtype=dtype_of(n)).alias(n) for n in FIELDS if n not in present]
        out = out.with_columns(missing_cols)
        # situation flags: not recorded means "no", unless the value was malformed
        defaults = []
        for n in INPUT_FIELDS:
            f = FIELDS[n]
            if f.default is not None:
                bad = pl.col(f"__err_{n}").is_not_null() if n in self._bad else pl.lit(False)
                defaults.append(pl.when(pl.col(n).is_null() & ~bad).then(pl.lit(f.default))
                                .otherwise(pl.col(n)).alias(n))
        out = out.with_columns(defaults)
        out = derive_columns(out, self.catalogue, self.code_table, as_of)
        return out, present

    # -------------------------------------------------------------- tables

    def _table_exprs(self, t: CompiledTable, ti: str) -> tuple[list[pl.Expr], list[pl.Expr], dict[str, pl.Expr]]:
        """Columns of one table (``resolve_table``): first the match flags per row (materialised
        once), then status, matched-row bitmask and per output the value (by index into the
        table's distinct values, so list literals are never broadcast row by row)."""
        c = pl.col
        flags = [cond_expr(r.cond).alias(f"__m_{ti}_{j}") for j, r in enumerate(t.rows)]
        matched = [c(f"__m_{ti}_{j}") for j in range(len(t.rows))]
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
                pieces = [pl.when(m).then(_lit(o, v)).otherwise(_lit(o, [])) for v, m in zip(vals, matched)]
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
        if len(t.rows) <= 62:
            mask = pl.sum_horizontal([m.cast(pl.Int64) * (1 << j) for j, m in enumerate(matched)]) \
                if matched else pl.lit(0, dtype=pl.Int64)
        else:  # wide tables: the matched rows as text
            mask = pl.concat_list([pl.when(m).then(pl.lit(str(j + 1))) for j, m in enumerate(matched)]
                                  ).list.drop_nulls().list.join(", ")
        reads = list(t.inputs) + [f for f in (fields_of(t.applies_when) if t.applies_when else [])
                                  if f not in t.inputs]
        # the values the table compared, kept as they were at this stage (for the gap message)
        snaps = [c(f).alias(f"__snap_{ti}_{f}") for f in reads]
        cols = [status.alias(f"__status_{ti}"), mask.alias(f"__rows_{ti}"), *snaps]
        return flags, cols, outputs

    # -------------------------------------------------------------- evaluation

    def evaluate(self, df: pl.DataFrame, as_of: dt.date | None = None) -> ColumnarResult:
        """Evaluate every row of a table of text columns; each row as of its own decision date
        (``as_of`` only for rows without one)."""
        facts, present = self.facts(df, as_of)
        c = pl.col
        table_meta: list[tuple[str, CompiledTable, int]] = []
        last = len(self.compiled.stages) - 1
        for stage in self.compiled.stages[:-1] if self.compiled.stages else []:
            status_cols: list[pl.Expr] = []
            outs: list[tuple[str, pl.Expr]] = []
            for ti, t in enumerate(stage.tables):
                key = f"{stage.index}_{ti}"
                flags, cols, outputs = self._table_exprs(t, key)
                facts = facts.with_columns(flags)
                status_cols += cols
                for o, e in outputs.items():
                    outs.append((o, pl.when(c(f"__status_{key}") == "applied").then(e).alias(f"__out_{key}_{o}")))
                table_meta.append((key, t, stage.index))
                # missing inputs at this stage (before its outputs are applied)
                status_cols += [c(f).is_null().alias(f"__miss_{key}_{f}") for f in t.inputs]
            facts = facts.with_columns(status_cols)
            facts = facts.with_columns([e for _, e in outs])
            # apply outputs: a given value is never overwritten; later tables win among outputs
            by_field: dict[str, list[str]] = {}
            for ti, t in enumerate(stage.tables):
                for o in t.outputs:
                    by_field.setdefault(o, []).append(f"__out_{stage.index}_{ti}_{o}")
            facts = facts.with_columns([pl.coalesce([c(o)] + [c(x) for x in reversed(xs)]).alias(o)
                                        for o, xs in by_field.items()])
            facts = self._post_derive(facts)
        if not self.compiled.stages or self.compiled.stages[last].tables:
            raise ValueError("de laatste fase hoort de validatieregels te bevatten")
        rules = self.compiled.stages[last].rules
        fire_cols = []
        for ri, rule in enumerate(rules):
            req = [c(f).is_not_null() for f in rule.requires]
            fire_cols.append(pl.all_horizontal(req + [cond_expr(rule.cond)]).alias(f"__fire_{ri}"))
            if rule.requires:
                fire_cols.append(pl.any_horizontal([c(f).is_null() for f in rule.requires])
                                 .alias(f"__ne_{ri}"))
            else:
                fire_cols.append(pl.lit(False).alias(f"__ne_{ri}"))
        facts = facts.with_columns(fire_cols)
        findings = self._findings(facts, present, table_meta, rules)
        rows = self._outcomes(facts, findings, table_meta)
        # the bookkeeping columns of tables and parsing are not needed past this point
        scratch = ("__m_", "__snap_", "__raw_", "__err_", "__miss_", "__rows_", "__out_")
        rows = rows.select([c for c in rows.columns if not c.startswith(scratch)])
        return ColumnarResult(rows=rows, findings=findings)

    def _post_derive(self, df: pl.DataFrame) -> pl.DataFrame:
        c = pl.col
        perceel_of = {lvl: p.perceel for lvl, p in self.catalogue.ladder.items() if p.perceel is not None}
        new = c("level").replace_strict(perceel_of, default=None, return_dtype=pl.Int64)
        return df.with_columns(
            pl.when(c("advised_perceel").is_null() & c("level").is_not_null()).then(new)
            .otherwise(c("advised_perceel")).alias("advised_perceel"),
            pl.when(c("code_allowed").is_null() & c("allowed_codes").is_not_null() & c("code").is_not_null())
            .then(c("allowed_codes").list.contains(c("code")))
            .otherwise(c("code_allowed")).alias("code_allowed"),
        )

    def _findings(self, facts: pl.DataFrame, present: list[str],
                  table_meta: list[tuple[str, CompiledTable, int]], rules: Any) -> pl.DataFrame:
        c = pl.col
        frames: list[pl.LazyFrame] = []
        lf = facts.lazy()

        def frame(mask: pl.Expr, seq: int, rule: pl.Expr | str, check: str, severity: str,
                  message: pl.Expr, basis: str, expected: pl.Expr | None = None,
                  actual: pl.Expr | None = None, value_type: str | None = None) -> pl.LazyFrame:
            return lf.filter(mask).select(
                c(INDEX), pl.lit(seq, dtype=pl.Int64).alias("seq"), c("decision_id"),
                (pl.lit(rule) if isinstance(rule, str) else rule).alias("rule"),
                pl.lit(check).alias("check"), pl.lit(severity).alias("severity"),
                message.alias("message"), pl.lit(basis).alias("basis"),
                (expected if expected is not None else pl.lit(None, dtype=pl.Utf8)).alias("expected"),
                (actual if actual is not None else pl.lit(None, dtype=pl.Utf8)).alias("actual"),
                pl.lit(value_type, dtype=pl.Utf8).alias("value_type"),
            )

        for k, name in enumerate(present):
            if name not in self._bad:
                continue
            err = c(f"__err_{name}")
            frames.append(frame(err.is_not_null(), SEQ_INPUT + k, "input.invalid_value", "input", "error",
                                pl.concat_str([pl.lit(f"{name}: "), err]), INPUT_BASIS,
                                actual=c(f"__raw_{name}"), value_type="str"))
        for j, (key, t, _stage) in enumerate(table_meta):
            st = c(f"__status_{key}")
            reads = list(t.inputs) + [f for f in (fields_of(t.applies_when) if t.applies_when else [])
                                      if f not in t.inputs]
            shown = pl.concat_str(
                [x for i, f in enumerate(reads) for x in
                 ([pl.lit(", ")] if i else []) + [pl.lit(f"{f}="), display_expr(
                     f, c(f"__snap_{key}_{f}"), style="repr").fill_null("None")]]) if reads else pl.lit("")
            rows_text = (c(f"__rows_{key}").map_elements(_mask_rows, return_dtype=pl.Utf8)
                         if len(t.rows) <= 62 else c(f"__rows_{key}"))
            frames.append(frame(st == "no_rule_matched", SEQ_TABLE + 2 * j, f"{t.id}.no_rule_matched",
                                "code_fit", "error",
                                pl.concat_str([pl.lit(f"Geen rij van tabel '{t.name}' past bij "),
                                               shown,
                                               pl.lit("; de regels geven hier geen advies (lacune in de regels).")]),
                                t.basis))
            frames.append(frame(st == "conflict", SEQ_TABLE + 2 * j + 1, f"{t.id}.conflict", "code_fit",
                                "error",
                                pl.concat_str([pl.lit("Rijen "), rows_text,
                                               pl.lit(f" van tabel '{t.name}' geven verschillende uitkomsten "
                                                      f"({t.hit_policy}).")]),
                                t.basis))
        # missing root inputs, in first-seen order over the tables (engine: a derived input
        # names the inputs it is computed from; a table output is reported by its own table)
        pieces = []
        for key, t, _stage in table_meta:
            for f in t.inputs:
                spec = FIELDS[f]
                if f in TABLE_OUTPUTS and not spec.sources:
                    continue
                lacks = (c(f"__status_{key}") == "missing") & c(f"__miss_{key}_{f}")
                for src in spec.sources:
                    pieces.append(pl.when(lacks & c(src).is_null()).then(pl.lit(src)))
                if spec.sources:
                    lacks = lacks & pl.all_horizontal([c(src).is_not_null() for src in spec.sources])
                pieces.append(pl.when(lacks).then(pl.lit(f)))
        # the list is built only for rows where some table lacked inputs (usually few)
        any_missing = pl.any_horizontal([c(f"__status_{key}") == "missing" for key, _, _ in table_meta]) \
            if table_meta else pl.lit(False)
        if pieces:
            missing = pl.concat_list(pieces).list.drop_nulls().list.unique(maintain_order=True)
        else:
            missing = pl.lit([], dtype=pl.List(pl.Utf8))
        full_lf = lf
        lf = lf.filter(any_missing).with_columns(missing.alias("__missing"))
        frames.append(frame(c("__missing").list.len() > 0, SEQ_MISSING, "input.missing", "input", "error",
                            pl.concat_str([pl.lit("Ontbrekende gegevens; zonder deze geven de regels geen "
                                                  "advies: "), c("__missing").list.join(", ")]),
                            INPUT_BASIS))
        self._missing = lf.select(INDEX, "__missing")
        lf = full_lf
        for ri, rule in enumerate(rules):
            exp = display_expr(rule.expected, style="value") if rule.expected else None
            act = display_expr(rule.actual, style="value") if rule.actual else None
            vt = None
            if rule.expected or rule.actual:
                vt = FIELDS[rule.expected or rule.actual].type if (rule.expected or rule.actual) in FIELDS else "str"
            frames.append(frame(c(f"__fire_{ri}"), SEQ_RULE + ri, rule.id, rule.check, rule.severity,
                                message_expr(rule.message), rule.basis, exp, act, vt))
        out = pl.concat(frames, how="vertical").sort([INDEX, "seq"]).collect()
        return out

    def _outcomes(self, facts: pl.DataFrame, findings: pl.DataFrame,
                  table_meta: list[tuple[str, CompiledTable, int]]) -> pl.DataFrame:
        c = pl.col
        sev = findings.group_by(INDEX).agg(
            (c("severity") == "error").any().alias("__has_error"),
            (c("severity") == "warning").any().alias("__has_warning"),
            pl.len().cast(pl.Int64).alias("finding_count"),
        )
        stats = [c(f"__status_{k}") for k, _, _ in table_meta]
        conflict = pl.any_horizontal([s == "conflict" for s in stats]) if stats else pl.lit(False)
        gap = pl.any_horizontal([s == "no_rule_matched" for s in stats]) if stats else pl.lit(False)
        missing = self._missing.collect()
        slim = (facts.select(INDEX).join(missing, on=INDEX, how="left", maintain_order="left")
                .join(sev, on=INDEX, how="left", maintain_order="left")
                .with_columns(c("__has_error").fill_null(False), c("__has_warning").fill_null(False),
                              c("finding_count").fill_null(0)))
        df = facts.with_columns(slim.drop(INDEX).get_columns())
        outcome = (pl.when((c("__missing").list.len() > 0).fill_null(False)).then(pl.lit("incomplete"))
                   .when(conflict).then(pl.lit("conflict"))
                   .when(gap).then(pl.lit("no_rule_matched"))
                   .when(c("__has_error")).then(pl.lit("error"))
                   .when(c("__has_warning")).then(pl.lit("warning"))
                   .otherwise(pl.lit("ok")))
        adv_known = c("advised_code").is_in(self.codes).fill_null(False)
        level = pl.when(adv_known).then(c("advised_code").replace_strict(self.code_level, default=None,
                                                                            return_dtype=pl.Int64)
                                        ).otherwise(c("level"))
        perceel = pl.when(adv_known).then(c("advised_code").replace_strict(
            self.code_perceel, default=None, return_dtype=pl.Int64)).otherwise(c("advised_perceel"))
        return df.with_columns(outcome.alias("result"), level.alias("advised_level"),
                               perceel.alias("advised_code_perceel"))


def _mask_rows(mask: int) -> str:
    return ", ".join(str(j + 1) for j in range(63) if mask >> j & 1)


def finding_value(value_type: str | None, text: str | None) -> Any:
    """expected/actual back to the engine's Python value (``display``)."""
    if text is None:
        return None
    if value_type == "int":
        return int(text)
    if value_type == "bool":
        return text == "True"
    return text


__all__ = ["ColumnarEvaluator", "ColumnarResult", "cond_expr", "display_expr", "finding_value",
           "message_expr", "POST_DERIVED"]
