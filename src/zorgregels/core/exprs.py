"""The fact form (fields.py) as polars columns: the primitives every expression form builds on.

A batch is a table with one row per decision: dates as ordinals (``Int64``), money and
decimals as integers scaled by 10**4, lists of strings. The scalar forms of the same meanings
work on one case's values; each module that declares a meaning keeps both forms side by side
and builds its expressions from these.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl

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
)
from zorgregels.catalogue.fields import FIELDS

#: the 0-based row of a decision in its batch
INDEX = "__i"
#: ``date.toordinal()`` of 1970-01-01: polars dates count days from there.
EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()

_DTYPES: dict[str, pl.DataType] = {
    "str": pl.Utf8(), "int": pl.Int64(), "bool": pl.Boolean(), "date": pl.Int64(),
    "decimal": pl.Int64(), "money": pl.Int64(), "list": pl.List(pl.Utf8()),
}


def dtype_of(name: str) -> pl.DataType:
    """The column type of a field in fact form."""
    return _DTYPES[FIELDS[name].type]


def fact_lit(name: str, value: Any) -> pl.Expr:
    """A fact-form literal typed as the field's column."""
    return pl.lit(value, dtype=dtype_of(name))


def as_date(col: pl.Expr) -> pl.Expr:
    """An ordinal column as a polars date."""
    return (col - EPOCH_ORDINAL).cast(pl.Date)


def iso_date(col: pl.Expr) -> pl.Expr:
    """An ordinal column as ISO text (``date.isoformat``)."""
    return as_date(col).dt.strftime("%Y-%m-%d")


def cond_expr(cond: Cond) -> pl.Expr:
    """A condition as a boolean polars expression that is never null (two-valued, like
    ``conditions.holds``: a comparison on an absent value is false, ``not`` negates)."""
    if isinstance(cond, Cmp):
        left = pl.col(cond.field)
        right = pl.col(cond.value.field) if isinstance(cond.value, Ref) else fact_lit(cond.field, cond.value)
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


def half_up_div(num: pl.Expr, den: pl.Expr) -> pl.Expr:
    """``num / den`` rounded half-up (away from zero on .5) in integer arithmetic, sign-safe;
    the expression form of ``tariffs.round_half_up(Fraction(num, den), 0)``."""
    sign = pl.when((num < 0) != (den < 0)).then(-1).otherwise(1)
    an, ad = num.abs(), den.abs()
    return sign * ((2 * an + ad) // (2 * ad))


__all__ = ["EPOCH_ORDINAL", "INDEX", "as_date", "cond_expr", "dtype_of", "fact_lit",
           "half_up_div", "iso_date"]
