"""The facts the engine derives from a decision record, each declared once.

A ``Derivation`` names a derived fact, the fields it reads, its scalar form (one case's typed
values, for ``Engine.evaluate``) and its expression form (a batch's fact-form columns, for the
columnar evaluator), side by side. ``derive_case`` and ``derive_columns`` both walk the one list
``DERIVATIONS``; changing what a fact means is one edit here, and ``tests/test_conformance.py``
holds the two forms to the same answers.

Names that start with ``__`` are steps shared by several facts (the reference date, the decided
code, its tariff on the decision date); they are never facts themselves.

Vocabulary comes from ``catalogue/fields.py`` and ``catalogue/ijw.py``, figures from
``core/tariffs.py``: the expression forms are built by asking the scalar declarations for their
constants (per code, frequency and unit), never by restating them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import polars as pl

from zorgregels.catalogue import ijw
from zorgregels.catalogue.catalogue import Catalogue
from zorgregels.catalogue.fields import (
    CLOSED_CARE_ORDERS,
    FREQUENCIES,
    PROVIDER_TYPES,
    SCALE,
    UNITS,
)
from zorgregels.core.exprs import INDEX, as_date, half_up_div
from zorgregels.core.periods import (
    HALF_YEAR_MONTHS,
    months_spanned,
    months_spanned_expr,
    within_months,
    within_months_expr,
)
from zorgregels.core.tariffs import volume_norm_factor, volume_norm_pct

#: scaled volumes beyond this are computed by the scalar form (no int64 overflow)
MAX_SAFE_VOLUME = 10**11


@dataclass(frozen=True)
class CaseBasis:
    """What a derivation reads besides the record, for one case."""

    catalogue: Catalogue
    as_of: dt.date | None  # None only for the advice's facts, which read the code alone


@dataclass(frozen=True)
class CodeTable:
    """The catalogue's codes as small arrays a batch gathers from by code number (the index in
    ``codes``); built once per evaluator, never per batch."""

    codes: tuple[str, ...]
    index: dict[str, int]
    level: list[int]
    perceel: list[int | None]
    unit: list[str]
    category: list[str]
    has_provider_types: list[bool]
    provider_pairs: frozenset[int]  # code number x provider type, see _pair
    volume_num: dict[int, int]  # (code, frequency, unit) key -> percentage factor, numerator
    volume_den: dict[int, int]  # ... and denominator (volume in fact form: scaled by 10**4)
    volume_spread: frozenset[int]  # keys whose factor still divides by the period in days
    band_low: list[int | None]
    band_high: list[int | None]

    @classmethod
    def of(cls, catalogue: Catalogue) -> CodeTable:
        codes = tuple(sorted(catalogue.codes))
        cat = [catalogue.codes[c] for c in codes]
        num: dict[int, int] = {}
        den: dict[int, int] = {}
        spread: set[int] = set()
        for ci, code in enumerate(cat):
            for frequency in FREQUENCIES:
                for unit in UNITS:
                    factor = volume_norm_factor(code, frequency, unit)
                    if factor is None:
                        continue
                    key = _volume_key(ci, frequency, unit)
                    k = factor[0] / SCALE
                    num[key], den[key] = k.numerator, k.denominator
                    if factor[1]:
                        spread.add(key)
        return cls(
            codes=codes,
            index={c: i for i, c in enumerate(codes)},
            level=[c.level for c in cat],
            perceel=[c.perceel for c in cat],
            unit=[c.unit for c in cat],
            category=[c.category for c in cat],
            has_provider_types=[bool(c.provider_types) for c in cat],
            provider_pairs=frozenset(_pair(ci, PROVIDER_TYPES.index(p), len(PROVIDER_TYPES))
                                     for ci, c in enumerate(cat) for p in c.provider_types),
            volume_num=num, volume_den=den, volume_spread=frozenset(spread),
            band_low=[c.norm.band_pct[0] if c.norm else None for c in cat],
            band_high=[c.norm.band_pct[1] if c.norm else None for c in cat],
        )


@dataclass(frozen=True)
class BatchBasis:
    """What a derivation reads besides its columns, for a batch: ``frame`` holds the facts
    derived so far, for lookups keyed on the batch's distinct values."""

    catalogue: Catalogue
    table: CodeTable
    as_of: dt.date | None
    frame: pl.DataFrame


Values = Mapping[str, Any]


@dataclass(frozen=True)
class Derivation:
    """One derived fact: what it reads, its value for one case and its column for a batch.

    ``scalar`` returns the typed value or None (absent); ``expr`` the fact-form column, null
    where absent. With ``given_wins`` a value the record itself gives is kept.
    """

    name: str
    reads: tuple[str, ...]
    scalar: Callable[[Values, CaseBasis], Any]
    expr: Callable[[BatchBasis], pl.Expr]
    given_wins: bool = False

    @property
    def step(self) -> bool:
        """A shared step, not a fact."""
        return self.name.startswith("__")


def _gather(values: list[Any], dtype: pl.DataType) -> pl.Expr:
    """A catalogue attribute of the decided code: a gather from a small array by code number."""
    return pl.lit(pl.Series(values, dtype=dtype)).gather(pl.col("__code"))


def _pair(a: int, b: int, width: int) -> int:
    return a * width + b


def _vocab_index(name: str, vocabulary: tuple[str, ...]) -> pl.Expr:
    return pl.col(name).replace_strict({v: i for i, v in enumerate(vocabulary)}, default=None,
                                       return_dtype=pl.Int64)


def _volume_key(ci: int, frequency: str, unit: str) -> int:
    return (ci * len(FREQUENCIES) + FREQUENCIES.index(frequency)) * len(UNITS) + UNITS.index(unit)


def years_between(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


# ------------------------------------------------------------------ shared steps


def _tariff_amounts(b: BatchBasis) -> pl.Expr:
    """The tariff in force on each row's own decision date: ``Catalogue.tariff_on`` once per
    distinct (code, date) of the batch (a few thousand for a year), then an integer-keyed lookup."""
    pairs = (b.frame.select("__code", "__on").drop_nulls().unique())
    keys: list[int] = []
    amounts: list[int | None] = []
    for ci, on in pairs.iter_rows():
        t = b.catalogue.tariff_on(b.table.codes[ci], dt.date.fromordinal(on))
        keys.append(ci * (1 << 32) + on)
        amounts.append(int(t.amount * SCALE) if t is not None else None)
    key = pl.col("__code") * (1 << 32) + pl.col("__on")
    return key.replace_strict(keys, amounts, default=None, return_dtype=pl.Int64)


def _on_expr(b: BatchBasis) -> pl.Expr:
    return pl.coalesce(pl.col("decision_date"), _as_of(b))


def _ref_expr(b: BatchBasis) -> pl.Expr:
    return pl.coalesce(pl.col("start_date"), pl.col("decision_date"), _as_of(b))


def _as_of(b: BatchBasis) -> pl.Expr:
    return pl.lit(b.as_of.toordinal() if b.as_of else None, dtype=pl.Int64)


def _code(v: Values, b: CaseBasis) -> Any:
    return b.catalogue.codes.get(v["code"]) if "code" in v else None


def _tariff(v: Values, b: CaseBasis) -> Any:
    code = v.get("__code")
    return b.catalogue.tariff_on(code.id, v["__on"]) if code is not None else None


# ------------------------------------------------------------------ facts


def _years(b: BatchBasis) -> pl.Expr:
    return _years_expr("__ref")


def _years_expr(on: str) -> pl.Expr:
    """``years_between(birth_date, on)`` for a batch."""
    born, ref = as_date(pl.col("birth_date")), as_date(pl.col(on))
    before_birthday = ((ref.dt.month() < born.dt.month())
                       | ((ref.dt.month() == born.dt.month()) & (ref.dt.day() < born.dt.day())))
    return (ref.dt.year().cast(pl.Int64) - born.dt.year().cast(pl.Int64)
            - before_birthday.cast(pl.Int64))


def _unit_frequency_valid(b: BatchBasis) -> pl.Expr:
    # the pairs iJw allows, asked of ijw.unit_frequency_valid itself
    width = len(FREQUENCIES)
    valid = [_pair(ui, fi, width) for ui, u in enumerate(UNITS) for fi, f in enumerate(FREQUENCIES)
             if ijw.unit_frequency_valid(u, f)]
    key = _vocab_index("unit", UNITS) * width + _vocab_index("frequency", FREQUENCIES)
    return (pl.when(pl.col("unit").is_not_null() & pl.col("frequency").is_not_null())
            .then(key.is_in(valid).fill_null(False)))


def _provider_type_allowed(v: Values, b: CaseBasis) -> bool | None:
    code = v.get("__code")
    if code is None or "provider_type" not in v or not code.provider_types:
        return None
    return bool(v["provider_type"] in code.provider_types)


def _provider_type_allowed_expr(b: BatchBasis) -> pl.Expr:
    ptype = _vocab_index("provider_type", PROVIDER_TYPES)
    ci = pl.col("__code")
    has = _gather(b.table.has_provider_types, pl.Boolean())
    return (pl.when(ci.is_not_null() & ptype.is_not_null() & has)
            .then((ci * len(PROVIDER_TYPES) + ptype).is_in(list(b.table.provider_pairs))))


def _volume_pct(v: Values, b: CaseBasis) -> int | None:
    code = v.get("__code")
    if code is None or not {"volume", "frequency", "unit"} <= v.keys():
        return None
    return volume_norm_pct(v["volume"], v["frequency"], v.get("duration_days"), v["unit"], code)


def _volume_pct_expr(b: BatchBasis) -> pl.Expr:
    """``volume_norm_pct`` per row: volume x factor [/ period days], half-up, in integers; rows
    whose scaled volume could overflow int64 are given the scalar form's own answer. Computed
    here in steps (the key, the factor, the fraction), each once, and handed over as a column."""
    t = b.table
    c = pl.col
    if not t.volume_num:
        return pl.lit(None, dtype=pl.Int64)
    key = (c("__code") * len(FREQUENCIES) + _vocab_index("frequency", FREQUENCIES)) * len(UNITS) \
        + _vocab_index("unit", UNITS)
    steps = (b.frame.select(INDEX, "volume", "duration_days", key.alias("key"))
             .with_columns(c("key").replace_strict(t.volume_num, default=None, return_dtype=pl.Int64).alias("p"),
                           c("key").replace_strict(t.volume_den, default=None, return_dtype=pl.Int64).alias("q"),
                           c("key").is_in(list(t.volume_spread)).alias("spread")))
    ok = (c("volume").is_not_null() & c("p").is_not_null()
          & (~c("spread") | (c("duration_days") > 0)).fill_null(False))
    steps = steps.with_columns(
        pl.when(ok).then(c("volume") * c("p")).alias("num"),
        pl.when(ok).then(pl.when(c("spread")).then(c("duration_days") * c("q")).otherwise(c("q"))).alias("den"))
    pct = steps.select(half_up_div(c("num"), c("den"))).to_series()
    big = steps.filter(c("den").is_not_null() & (c("volume").abs() > MAX_SAFE_VOLUME))
    if big.height:
        fixed = b.frame.filter(c(INDEX).is_in(big.get_column(INDEX).implode())).select(
            INDEX, "__code", "volume", "frequency", "unit", "duration_days")
        for i, ci, volume, frequency, unit, days in fixed.iter_rows():
            pct = pct.scatter(i, volume_norm_pct(Decimal(volume) / SCALE, frequency, days, unit,
                                                 b.catalogue.codes[t.codes[ci]]))
    return pl.lit(pct)


def _band(pct: int, low: int, high: int) -> str:
    return "below" if pct < low else "above" if pct > high else "within"


def _band_scalar(v: Values, b: CaseBasis) -> str | None:
    code = v.get("__code")
    if "volume_norm_pct" not in v or code is None or code.norm is None:
        return None
    return _band(v["volume_norm_pct"], *code.norm.band_pct)


def _band_expr(b: BatchBasis) -> pl.Expr:
    p = pl.col("volume_norm_pct")
    low = _gather(b.table.band_low, pl.Int64())
    high = _gather(b.table.band_high, pl.Int64())
    return (pl.when(p.is_null()).then(None).when(p < low).then(pl.lit("below"))
            .when(p > high).then(pl.lit("above")).otherwise(pl.lit("within")))


def _code_attribute(name: str, attr: str, dtype: pl.DataType) -> Derivation:
    def scalar(v: Values, b: CaseBasis) -> Any:
        code = v.get("__code")
        return getattr(code, attr) if code is not None else None

    def expr(b: BatchBasis) -> pl.Expr:
        return _gather(getattr(b.table, attr), dtype)

    return Derivation(name, ("__code",), scalar, expr)


#: iJw TR381 without a product code list: the national form NN[A|B]NN, whose first two digits
#: are the productcategorie
DEFAULT_CATEGORY_CHARS = 2


def _list_category(v: Values, b: CaseBasis) -> str | None:
    """TR381 "according to the product code list in use": the category the region's catalogue
    states for the code; a code not in the list falls back to the national form's first two
    characters (the documented default)."""
    if "code" not in v:
        return None
    code = v.get("__code")
    return str(code.category) if code is not None else str(v["code"][:DEFAULT_CATEGORY_CHARS])


def _list_category_expr(b: BatchBasis) -> pl.Expr:
    return pl.when(pl.col("code").is_not_null()).then(
        pl.coalesce(_gather(b.table.category, pl.Utf8()), pl.col("code").str.slice(0, DEFAULT_CATEGORY_CHARS)))


# ------------------------------------------------------------------ legal edges (issue 10)


def _code_declared(name: str, attr: str, dtype: pl.DataType) -> Derivation:
    """A declaration of the decided code (its ``id``, ``care_form``, ``wlz_covered``), gathered
    from the catalogue's codes in the code table's order."""
    def scalar(v: Values, b: CaseBasis) -> Any:
        return getattr(v["__code"], attr) if v.get("__code") is not None else None

    return Derivation(name, ("__code",), scalar, lambda b: _gather(
        [getattr(b.catalogue.codes[c], attr) for c in b.table.codes], dtype))


#: the derived facts of the legal edges, each its own entry (appended to ``DERIVATIONS``)
LEGAL_DERIVATIONS: tuple[Derivation, ...] = (
    _code_declared("code_id", "id", pl.Utf8()),
    _code_declared("code_care_form", "care_form", pl.Utf8()),
    _code_declared("code_wlz_covered", "wlz_covered", pl.Boolean()),
    Derivation("closed_care_authorisation", ("court_orders", "court_authorisation"),
               lambda v, b: bool(set(v.get("court_orders") or ()) & set(CLOSED_CARE_ORDERS))
               or v.get("court_authorisation") is True,
               lambda b: pl.col("court_orders").list.eval(pl.element().is_in(list(CLOSED_CARE_ORDERS)))
               .list.any().fill_null(False) | pl.col("court_authorisation").fill_null(False)),
    Derivation("age_at_end", ("birth_date", "end_date"),
               lambda v, b: years_between(v["birth_date"], v["end_date"])
               if {"birth_date", "end_date"} <= v.keys() else None,
               lambda b: _years_expr("end_date")),
    Derivation("resumed_within_half_year", ("previous_care_end_date", "__ref"),
               lambda v, b: within_months(v["__ref"], v["previous_care_end_date"], HALF_YEAR_MONTHS)
               if "previous_care_end_date" in v else None,
               lambda b: within_months_expr(pl.col("__ref"), pl.col("previous_care_end_date"),
                                            HALF_YEAR_MONTHS)),
    Derivation("duration_months", ("start_date", "end_date"),
               lambda v, b: months_spanned(v["start_date"], v["end_date"])
               if {"start_date", "end_date"} <= v.keys() and v["end_date"] >= v["start_date"] else None,
               lambda b: months_spanned_expr(pl.col("start_date"), pl.col("end_date"))),
)


def _both(*names: str) -> pl.Expr:
    return pl.all_horizontal([pl.col(n).is_not_null() for n in names])


DERIVATIONS: tuple[Derivation, ...] = (
    Derivation("__on", ("decision_date",),
               lambda v, b: v.get("decision_date") or b.as_of, _on_expr),
    Derivation("__ref", ("start_date", "decision_date"),
               lambda v, b: v.get("start_date") or v.get("decision_date") or b.as_of, _ref_expr),
    Derivation("__code", ("code",), _code,
               lambda b: pl.col("code").replace_strict(b.table.index, default=None,
                                                       return_dtype=pl.Int64)),
    Derivation("__tariff", ("__code", "__on"), _tariff, _tariff_amounts),
    Derivation("age", ("birth_date", "__ref"),
               lambda v, b: years_between(v["birth_date"], v["__ref"]) if "birth_date" in v else None,
               _years, given_wins=True),
    Derivation("domain_count", ("domains",),
               lambda v, b: len(v["domains"]) if v.get("domains") else None,
               lambda b: pl.when(pl.col("domains").is_not_null())
               .then(pl.col("domains").list.len().cast(pl.Int64))),
    Derivation("primary_domain", ("domains",),
               lambda v, b: v["domains"][0] if v.get("domains") else None,
               lambda b: pl.col("domains").list.first()),
    Derivation("decision_term_days", ("decision_date", "request_date"),
               lambda v, b: (v["decision_date"] - v["request_date"]).days
               if {"decision_date", "request_date"} <= v.keys() else None,
               lambda b: pl.col("decision_date") - pl.col("request_date")),
    Derivation("duration_days", ("start_date", "end_date"),
               lambda v, b: (v["end_date"] - v["start_date"]).days + 1
               if {"start_date", "end_date"} <= v.keys() else None,
               lambda b: pl.col("end_date") - pl.col("start_date") + 1),
    Derivation("code_unit_frequency_valid", ("unit", "frequency"),
               lambda v, b: ijw.unit_frequency_valid(v["unit"], v["frequency"])
               if {"unit", "frequency"} <= v.keys() else None,
               _unit_frequency_valid),
    Derivation("code_known", ("code", "__code"),
               lambda v, b: v.get("__code") is not None if "code" in v else None,
               lambda b: pl.when(pl.col("code").is_not_null()).then(pl.col("__code").is_not_null())),
    _code_attribute("code_level", "level", pl.Int64()),
    _code_attribute("code_perceel", "perceel", pl.Int64()),
    _code_attribute("code_unit", "unit", pl.Utf8()),
    _code_attribute("code_category", "category", pl.Utf8()),
    Derivation("code_list_category", ("code", "__code"), _list_category, _list_category_expr),
    Derivation("code_category_match", ("code_list_category", "product_category"),
               lambda v, b: v["code_list_category"] == v["product_category"]
               if {"code_list_category", "product_category"} <= v.keys() else None,
               lambda b: pl.when(_both("code_list_category", "product_category"))
               .then(pl.col("code_list_category") == pl.col("product_category"))),
    Derivation("code_in_force", ("__code", "__on", "__tariff"),
               lambda v, b: v.get("__tariff") is not None if v.get("__code") is not None else None,
               lambda b: pl.when(_both("__code", "__on")).then(pl.col("__tariff").is_not_null())),
    Derivation("code_tariff", ("__tariff",),
               lambda v, b: v["__tariff"].amount if v.get("__tariff") is not None else None,
               lambda b: pl.col("__tariff")),
    Derivation("provider_type_allowed", ("provider_type", "__code"), _provider_type_allowed,
               _provider_type_allowed_expr),
    Derivation("volume_norm_pct", ("volume", "frequency", "unit", "duration_days", "__code"),
               _volume_pct, _volume_pct_expr),
    Derivation("volume_band", ("volume_norm_pct", "__code"), _band_scalar, _band_expr),
) + LEGAL_DERIVATIONS


def layers(derivations: tuple[Derivation, ...]) -> tuple[tuple[Derivation, ...], ...]:
    """Consecutive derivations that read nothing derived in their own group: one
    ``with_columns`` each (polars evaluates a group side by side)."""
    layers: list[list[Derivation]] = [[]]
    for d in derivations:
        if any(r in {x.name for x in layers[-1]} for r in d.reads):
            layers.append([])
        layers[-1].append(d)
    return tuple(tuple(layer) for layer in layers)


LAYERS = layers(DERIVATIONS)
STEPS = tuple(d.name for d in DERIVATIONS if d.step)
_CASE_PLAN = tuple((d, d.step) for d in DERIVATIONS)


def derive_case(typed: Mapping[str, Any], catalogue: Catalogue, as_of: dt.date) -> dict[str, Any]:
    """The derived facts of one case (typed values, not yet in fact form), in declaration order."""
    basis = CaseBasis(catalogue, as_of)
    values = dict(typed)  # what the next derivation reads: the record and the facts so far
    derived: dict[str, Any] = {}
    for d, step in _CASE_PLAN:
        if d.given_wins and d.name in typed:
            continue
        value = d.scalar(values, basis)
        if value is not None:
            values[d.name] = value
            if not step:
                derived[d.name] = value
    return derived


def derive_columns(frame: pl.DataFrame, catalogue: Catalogue, table: CodeTable,
                   as_of: dt.date | None) -> pl.DataFrame:
    """The derived facts of a batch in fact form: one column per derivation (each row as of its
    own decision date, ``as_of`` for rows without one)."""
    for layer in LAYERS:
        basis = BatchBasis(catalogue, table, as_of, frame)
        frame = frame.with_columns(e.alias(name) for name, e in layer_exprs(layer, basis))
    return frame.drop(STEPS)


def layer_exprs(layer: tuple[Derivation, ...], basis: BatchBasis) -> list[tuple[str, pl.Expr]]:
    """Each derivation of one layer as its expression (a given value wins where it may), for
    ``derive_columns`` and for the advice, which applies the same layers to the advised code."""
    out = []
    for d in layer:
        e = d.expr(basis)
        out.append((d.name, pl.coalesce(pl.col(d.name), e) if d.given_wins else e))
    return out


__all__ = ["DERIVATIONS", "LEGAL_DERIVATIONS", "BatchBasis", "CaseBasis", "CodeTable", "Derivation",
           "derive_case", "derive_columns", "layer_exprs", "layers", "years_between"]
