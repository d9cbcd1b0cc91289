"""Property tests of the 3-month normalisation (domain.md §4).

The oracle below is written from the table in domain.md §4, independently of
``zorgregels.tariffs``: units per 3 months, then cost = units x tariff, rounded half-up to cents
once (via ``Decimal`` at 80 digits, which is exact enough for these denominators).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from zorgregels.catalogue.model import Code
from zorgregels.core.tariffs import (
    normalise,
    normalise_norm,
    round_half_up,
    round_money,
    three_months,
    volume_norm_pct,
)

UNITS = ["01", "04", "14", "16", "82", "83", "84"]
FREQS = ["1", "2", "4", "6"]
HALF_CENT = Fraction(1, 200)


def decimals(lo: str, hi: str, places: int) -> st.SearchStrategy[Decimal]:
    return st.decimals(min_value=Decimal(lo), max_value=Decimal(hi), places=places,
                       allow_nan=False, allow_infinity=False)


volumes = decimals("0", "5000", 2)
tariffs = decimals("0", "20000", 2)
periods = st.integers(min_value=1, max_value=1100)
months = decimals("0.5", "36", 1)
hours = decimals("0", "24", 2)


def oracle_units(unit: str, volume: Decimal, frequency: str, period: int, months_: Decimal | None) -> Fraction:
    v = Fraction(volume)
    if frequency == "1":
        return v * 91
    if frequency == "2":
        return v * 13
    if frequency == "4":
        return v * 3
    if unit in ("82", "84") and months_ is not None:
        return v * min(Fraction(1), Fraction(3) / Fraction(months_))
    return v * Fraction(91, period)


def oracle_round(q: Fraction) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 80
        return (Decimal(q.numerator) / Decimal(q.denominator)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


FIXED = {"01": Fraction(1, 60), "04": Fraction(1), "16": Fraction(4)}


@settings(max_examples=400)
@given(st.sampled_from(UNITS), volumes, st.sampled_from(FREQS), tariffs, periods,
       st.one_of(st.none(), months), st.one_of(st.none(), hours))
def test_three_month_figure_is_the_formula_of_domain_4(unit, volume, frequency, tariff, period,
                                                       months_, hpu):
    n = normalise(unit, volume, frequency, tariff, period_days=period, trajectory_months=months_,
                  hours_per_unit=hpu)
    units = oracle_units(unit, volume, frequency, period, months_)
    assert n.units_3m == units
    assert n.cost_3m == units * Fraction(tariff)
    assert n.tariff_3m == oracle_round(units * Fraction(tariff))
    per_unit = FIXED.get(unit, Fraction(hpu) if hpu is not None else None)
    assert n.hours_3m == (units * per_unit if per_unit is not None else None)
    assert (n.hours_3m is None) == bool(n.reason)


@settings(max_examples=300)
@given(volumes, st.sampled_from(FREQS), tariffs, periods)
def test_invariant_under_converting_minutes_to_hours(volume, frequency, tariff, period):
    hour = normalise("04", volume, frequency, tariff, period_days=period)
    # 60 minutes at t/60 equal 1 hour at t: exactly, before rounding
    minute = normalise("01", volume * 60, frequency, Fraction(tariff) / 60, period_days=period)
    assert minute.cost_3m == hour.cost_3m
    assert minute.hours_3m == hour.hours_3m
    assert minute.tariff_3m == hour.tariff_3m
    # with the per-minute tariff as a Decimal (28 digits), after rounding within half a cent
    minute_d = normalise("01", volume * 60, frequency, tariff / 60, period_days=period)
    assert abs(Fraction(minute_d.tariff_3m) - hour.cost_3m) <= HALF_CENT + Fraction(1, 10**15)
    assert minute_d.hours_3m == hour.hours_3m


@given(volumes, st.sampled_from(FREQS), tariffs, periods)
def test_a_dagdeel_is_four_hours(volume, frequency, tariff, period):
    hours_ = normalise("04", volume * 4, frequency, tariff, period_days=period)
    dagdeel = normalise("16", volume, frequency, tariff * 4, period_days=period)
    assert dagdeel.cost_3m == hours_.cost_3m and dagdeel.hours_3m == hours_.hours_3m


@settings(max_examples=400)
@given(st.sampled_from(UNITS), volumes, st.sampled_from(FREQS), tariffs, periods,
       st.one_of(st.none(), months))
def test_rounding_never_drifts_more_than_half_a_cent(unit, volume, frequency, tariff, period, months_):
    n = normalise(unit, volume, frequency, tariff, period_days=period, trajectory_months=months_)
    assert n.tariff_3m is not None and n.cost_3m is not None
    assert abs(Fraction(n.tariff_3m) - n.cost_3m) <= HALF_CENT
    assert n.tariff_3m == n.tariff_3m.quantize(Decimal("0.01"))


@given(st.fractions(min_value=-10**6, max_value=10**6, max_denominator=10**6))
def test_round_half_up_is_exact_and_within_half_a_cent(q):
    r = round_half_up(q, 2)
    assert abs(Fraction(r) - q) <= HALF_CENT
    assert r == oracle_round(q)


@given(decimals("-100000", "100000", 6))
def test_round_money_agrees_with_decimal_half_up(d):
    assert round_money(d) == d.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert round_half_up(d, 2) == d.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@given(st.sampled_from(UNITS), volumes, volumes, st.sampled_from(["1", "2", "4"]), tariffs)
def test_rounding_happens_once_at_the_end(unit, v1, v2, frequency, tariff):
    a = normalise(unit, v1, frequency, tariff)
    b = normalise(unit, v2, frequency, tariff)
    both = normalise(unit, v1 + v2, frequency, tariff)
    assert both.cost_3m == a.cost_3m + b.cost_3m  # exact, so sums do not accumulate rounding
    assert abs(Fraction(both.tariff_3m) - (a.cost_3m + b.cost_3m)) <= HALF_CENT


norms = st.one_of(
    decimals("0.25", "60", 2).map(lambda v: {"per_week": str(v)}),
    decimals("1", "5000", 2).map(lambda v: {"per_month": str(v)}),
    months.map(lambda v: {"duration_months": str(v)}),
)


@settings(max_examples=300)
@given(st.sampled_from(UNITS), norms, st.one_of(st.none(), hours), tariffs)
def test_norm_is_a_volume_at_norm_intensity(unit, norm, hpu, tariff):
    data = {"id": "45B99", "name": "t", "category": "45", "unit": unit, "level": 2, "norm": norm}
    if hpu is not None:
        data["hours_per_unit"] = str(hpu)
    c = Code.model_validate(data)
    tm = three_months(c, tariff)
    n = normalise_norm(c, tariff)
    if "duration_months" in norm and unit not in ("82", "84"):
        assert tm.tariff_3m is None and tm.reason  # a duration alone says nothing per 3 months
        return
    key, value = next(iter(norm.items()))
    freq = {"per_week": "2", "per_month": "4", "duration_months": "6"}[key]
    volume = Decimal(value) if key != "duration_months" else Decimal(1)
    months_ = Decimal(value) if key == "duration_months" else None
    units = oracle_units(unit, volume, freq, 91, months_)
    assert n.units_3m == units
    assert tm.tariff_3m == oracle_round(units * Fraction(tariff))
    # the norm volume, as a decision, is exactly 100% of the norm
    assert volume_norm_pct(volume, freq, 365, unit, c) == 100
