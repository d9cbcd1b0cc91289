"""One meaning of "cost per 3 months" (``core.cost``): the expression used by the budget ceiling
and by ``zorgregels diff`` gives the cents of its scalar form ``cost_3m``, and both give those of
``tariffs.normalise_decision`` on every decision."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from zorgregels import Engine
from zorgregels.catalogue.fields import SCALE
from zorgregels.core.cost import cost_3m, cost_3m_cents_expr
from zorgregels.core.tariffs import normalise_decision

ROOT = Path(__file__).resolve().parents[1]
ENGINE = Engine.from_path(ROOT / "rules")
CAT = ENGINE.catalogue


def reference_cents(code: str, volume: int, frequency: str, unit: str, tariff: int,
                    duration: int | None) -> int | None:
    c = CAT.codes[code]
    if unit != c.unit or (frequency == "6" and not (duration and duration > 0)):
        return None
    n = normalise_decision(c, Decimal(volume) / SCALE, frequency, unit, Decimal(tariff) / SCALE,
                           duration_days=duration)
    return None if n.tariff_3m is None else int(n.tariff_3m * 100)


def columnar_cents(rows: list[dict]) -> list[int | None]:
    df = pl.DataFrame(rows, schema={"code": pl.Utf8, "volume": pl.Int64, "frequency": pl.Utf8,
                                    "unit": pl.Utf8, "code_unit": pl.Utf8, "code_tariff": pl.Int64,
                                    "duration_days": pl.Int64})
    return df.select(cost_3m_cents_expr(CAT, pl.col("code_tariff")).alias("c"))["c"].to_list()


def scalar_cents(code: str, volume: int, frequency: str, unit: str, tariff: int,
                 duration: int | None) -> int | None:
    euro = cost_3m(CAT.codes[code], Decimal(volume) / SCALE, frequency, unit, Decimal(tariff) / SCALE,
                   duration)
    return None if euro is None else int(euro * 100)


codes = st.sampled_from(sorted(CAT.codes))


@settings(max_examples=300, deadline=None)
@given(code=codes, volume=st.integers(1, 400 * SCALE), frequency=st.sampled_from(["1", "2", "4", "6"]),
       tariff=st.integers(1, 600 * SCALE), duration=st.one_of(st.none(), st.integers(-5, 400)),
       same_unit=st.booleans())
def test_cost_expression_equals_the_reference_normalisation(code, volume, frequency, tariff, duration, same_unit):
    unit = CAT.codes[code].unit if same_unit else "04"
    row = {"code": code, "volume": volume, "frequency": frequency, "unit": unit,
           "code_unit": CAT.codes[code].unit, "code_tariff": tariff, "duration_days": duration}
    expected = reference_cents(code, volume, frequency, unit, tariff, duration)
    assert scalar_cents(code, volume, frequency, unit, tariff, duration) == expected
    assert columnar_cents([row]) == [expected]


def test_a_trajectory_per_week_is_not_counted_as_a_share_of_one_trajectory():
    # 54B03 is a trajectory of 12 months: "1 per week" is 13 per 3 months, "1 in total" is 1/4
    row = {"code": "54B03", "volume": SCALE, "unit": "82", "code_unit": "82",
           "code_tariff": 100 * SCALE, "duration_days": 365}
    week, total = columnar_cents([{**row, "frequency": "2"}, {**row, "frequency": "6"}])
    assert (week, total) == (130000, 2500)


def test_example_year_budget_costs_match_the_reference():
    report = ENGINE.validate(ROOT / "fixtures" / "decisions" / "example_2025.csv")
    f = report.facts.with_columns(cost_3m_cents_expr(CAT, pl.col("code_tariff")).alias("c"))
    checked = 0
    for r in f.filter(pl.col("c").is_not_null()).iter_rows(named=True):
        args = (r["code"], r["volume"], r["frequency"], r["unit"], r["code_tariff"], r["duration_days"])
        assert r["c"] == reference_cents(*args) == scalar_cents(*args)
        checked += 1
    assert checked > 2000


@settings(max_examples=200, deadline=None)
@given(code=codes, volume=st.integers(-400 * SCALE, -1), frequency=st.sampled_from(["1", "2", "4", "6"]),
       tariff=st.integers(1, 600 * SCALE), duration=st.integers(1, 400))
def test_a_negative_volume_rounds_as_the_scalar_form_does(code, volume, frequency, tariff, duration):
    # half-up is away from zero on a tie, for the expression as for Decimal's ROUND_HALF_UP
    unit = CAT.codes[code].unit
    row = {"code": code, "volume": volume, "frequency": frequency, "unit": unit, "code_unit": unit,
           "code_tariff": tariff, "duration_days": duration}
    assert columnar_cents([row]) == [scalar_cents(code, volume, frequency, unit, tariff, duration)]


def test_without_the_code_unit_or_a_period_there_is_no_cost():
    c = CAT.codes["45B10"]
    other = "01" if c.unit != "01" else "04"
    assert cost_3m(c, Decimal(2), "2", other, Decimal("72.52"), 90) is None
    assert cost_3m(c, Decimal(2), "6", c.unit, Decimal("72.52"), None) is None
    assert cost_3m(c, Decimal(2), "6", c.unit, Decimal("72.52"), 0) is None
    assert cost_3m(c, Decimal(2), "2", c.unit, None, 90) is None


@settings(max_examples=100, deadline=None)
@given(code=codes, volume=st.integers(10**8, 10**9), frequency=st.sampled_from(["1", "2", "4", "6"]),
       tariff=st.integers(10**8, 10**9), duration=st.integers(1, 400))
def test_the_largest_accepted_volumes_and_tariffs_never_wrap_around(code, volume, frequency, tariff,
                                                                     duration):
    """Volume and tariff up to facts.MAX_MAGNITUDE (10**9, 10**13 in fact form): the batch cost
    stays exact and positive (it once wrapped around in 64 bits to minus 19,9 billion euro)."""
    unit = CAT.codes[code].unit
    row = {"code": code, "volume": volume * SCALE, "frequency": frequency, "unit": unit,
           "code_unit": unit, "code_tariff": tariff * SCALE, "duration_days": duration}
    expected = scalar_cents(code, volume * SCALE, frequency, unit, tariff * SCALE, duration)
    (got,) = columnar_cents([row])
    assert got == expected and (got is None or got > 0)
