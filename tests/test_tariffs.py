"""The normalisation of domain.md §4, unit by unit, with the reasons when a figure cannot be given."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from zorgregels.catalogue.ijw import UNITS
from zorgregels.catalogue.model import Code
from zorgregels.core.tariffs import (
    UNIT_TABLE,
    convert_volume,
    decided_units_3m,
    hours_per_unit,
    norm_units_3m,
    normalise,
    normalise_decision,
    round_half_up,
    round_money,
    three_months,
    to_decimal,
    units_3m,
    volume_norm_pct,
)

D = Decimal


def code(unit: str, norm: dict | None, hours: str | None = None, id_: str = "45B99") -> Code:
    data: dict = {"id": id_, "name": "test", "category": id_[:2], "unit": unit, "level": 2}
    if norm is not None:
        data["norm"] = norm
    if hours is not None:
        data["hours_per_unit"] = hours
    return Code.model_validate(data)


def test_every_ijw_unit_has_a_row_in_the_normalisation_table():
    assert set(UNIT_TABLE) == set(UNITS)


@pytest.mark.parametrize(
    "unit, norm, hours, tariff, units, hours_3m, tariff_3m",
    [
        ("01", {"per_week": "60"}, None, "2.06", "780", "13", "1606.80"),  # minutes
        ("04", {"per_week": "1.5"}, None, "81.46", "19.5", "19.5", "1588.47"),  # hours
        ("16", {"per_week": "4"}, None, "154.40", "52", "208", "8028.80"),  # dagdeel = 4 hours
        ("14", {"per_week": "7"}, "0.25", "64.83", "91", "22.75", "5899.53"),  # etmaal
        ("82", {"duration_months": "12"}, "40", "3792.35", "0.25", "10", "948.09"),  # 1/4 trajectory
        ("82", {"duration_months": "2"}, "10", "1288.36", "1", "10", "1288.36"),  # shorter: once
        ("82", {"duration_months": "5"}, "80", "12312.15", "0.6", "48", "7387.29"),
        ("83", {"per_month": "1500"}, None, "1.00", "4500", None, "4500.00"),  # budget per month
        ("84", {"per_week": "2"}, "1.5", "55.00", "26", "39", "1430.00"),  # sessions per week
        ("84", {"duration_months": "6"}, "20", "2400.00", "0.5", "10", "1200.00"),
        ("04", {"per_month": "8"}, None, "70.00", "24", "24", "1680.00"),
    ],
)
def test_norm_per_unit(unit, norm, hours, tariff, units, hours_3m, tariff_3m):
    tm = three_months(code(unit, norm, hours), D(tariff))
    assert tm.units_3m == D(units)
    assert tm.hours_3m == (D(hours_3m) if hours_3m is not None else None)
    assert tm.tariff_3m == D(tariff_3m)
    assert str(tm.tariff_3m) == tariff_3m  # two decimals, as money
    assert (tm.reason is None) == (hours_3m is not None)


def test_a_trajectory_of_seven_months_is_exactly_three_sevenths():
    tm = three_months(code("82", {"duration_months": "7"}, "70"), D("1000.00"))
    assert tm.cost_3m == Fraction(3000, 7)
    assert tm.tariff_3m == D("428.57")
    assert tm.hours_3m == D(30)


@pytest.mark.parametrize(
    "unit, norm, hours, needle",
    [
        ("83", None, None, "budget in euro zonder maandbedrag of looptijd"),
        ("83", {"duration_months": "6"}, None, "alleen een normduur"),
        ("04", {"duration_months": "6"}, None, "alleen een normduur"),
        ("04", None, None, "geen norm-intensiteit"),
    ],
)
def test_codes_that_cannot_be_normalised_get_a_reason(unit, norm, hours, needle):
    tm = three_months(code(unit, norm, hours), D("10.00"))
    assert tm.tariff_3m is None and tm.units_3m is None and tm.hours_3m is None
    assert needle in (tm.reason or "")


def test_missing_hours_and_missing_tariff_each_get_a_reason_but_keep_the_other_figure():
    no_hours = three_months(code("14", {"per_week": "7"}), D("100.00"))
    assert no_hours.tariff_3m == D("9100.00") and no_hours.hours_3m is None
    assert "hours_per_unit" in (no_hours.reason or "")
    no_tariff = three_months(code("04", {"per_week": "2"}), None)
    assert no_tariff.tariff_3m is None and no_tariff.hours_3m == D(26)
    assert "geen tarief" in (no_tariff.reason or "")
    budget = three_months(code("83", {"per_month": "900"}), D("1"))
    assert budget.tariff_3m == D("2700.00") and "budget in euro" in (budget.reason or "")


@pytest.mark.parametrize(
    "frequency, period, months, expected",
    [("1", None, None, 91 * 2), ("2", None, None, 13 * 2), ("4", None, None, 3 * 2),
     ("6", 182, None, 1), ("6", 91, None, 2), ("6", None, 12, Fraction(1, 2)), ("6", 30, 1, 2)],
)
def test_frequencies(frequency, period, months, expected):
    n, why = units_3m(D(2), frequency, period_days=period, trajectory_months=months)
    assert why is None and n == expected


def test_frequency_total_without_a_period_and_unknown_codes_are_reasons():
    assert units_3m(D(5), "6")[0] is None and "looptijd" in units_3m(D(5), "6")[1]
    assert "0 dagen" in units_3m(D(5), "6", period_days=0)[1]
    assert "onbekende frequentie" in units_3m(D(5), "3")[1]
    assert "onbekende eenheid" in (normalise("99", D(1), "2", D(1)).reason or "")


def test_floats_are_refused():
    with pytest.raises(TypeError):
        normalise("04", 1.5, "2", D("10"))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "value, expected",
    [(D("0.005"), "0.01"), (D("-0.005"), "-0.01"), (D("2.675"), "2.68"), (D("2.6749"), "2.67"),
     (Fraction(1, 3), "0.33"), (Fraction(2, 3), "0.67"), (Fraction(1, 200), "0.01"), (0, "0.00")],
)
def test_round_half_up_to_cents(value, expected):
    assert str(round_money(value)) == expected
    assert str(round_half_up(value, 2)) == expected


def test_to_decimal_is_exact_when_the_fraction_terminates():
    assert to_decimal(Fraction(39, 4)) == D("9.75")
    assert to_decimal(Fraction(10**30 + 1, 4)) == D("250000000000000000000000000000.25")
    assert to_decimal(Fraction(3, 7), 4) == D("0.4286")
    assert str(to_decimal(Fraction(26), 2)) == "26"


def test_minutes_and_hours_convert():
    assert convert_volume(D(90), "01", "04") == Fraction(3, 2)
    assert convert_volume(D(2), "16", "04") == 8
    assert convert_volume(D(2), "14", "04") is None


def test_decided_volume_as_percentage_of_the_norm():
    hour = code("04", {"per_week": "2"})
    assert volume_norm_pct(D(2), "2", 91, "04", hour) == 100
    assert volume_norm_pct(D(120), "2", 91, "01", hour) == 100  # minutes for an hour code
    assert volume_norm_pct(D(8), "4", None, "04", hour) == 92  # 24 / 26 per 3 months
    assert volume_norm_pct(D(26), "6", 91, "04", hour) == 100
    assert volume_norm_pct(D(26), "6", None, "04", hour) is None  # total without a period
    assert volume_norm_pct(D(2), "2", 91, "14", hour) is None  # etmaal for an hour code
    dys = code("82", {"duration_months": "12"}, "40", "54B03")
    assert volume_norm_pct(D(1), "6", 365, "82", dys) == 100  # one trajectory
    assert volume_norm_pct(D(2), "6", 365, "82", dys) == 200
    assert decided_units_3m(D(1), "6", 365, "82", dys) == D("0.25")


def test_decided_allocation_cost_uses_the_same_normalisation():
    c = code("04", {"per_week": "2"})
    n = normalise_decision(c, D(3), "2", "04", D("72.52"), duration_days=182)
    assert n.tariff_3m == D("2828.28") and n.hours_3m == 39


def test_the_old_entry_points_still_answer():
    c = code("01", {"per_week": "45"})
    assert norm_units_3m(c) == (D(585), None)
    assert hours_per_unit(c) == to_decimal(Fraction(1, 60))
    assert hours_per_unit(code("14", {"per_week": "7"}, "2")) == D(2)


@pytest.mark.parametrize(
    "volume, unit, pct, fired",
    [("2", "04", 100, set()), ("4", "04", 200, {"tariff.volume_above_norm"}),
     ("120", "01", 100, {"tariff.unit_differs"}), ("0.5", "04", 25, {"tariff.volume_below_norm"})],
)
def test_the_tariff_check_of_a_decision_uses_the_same_normalisation(volume, unit, pct, fired):
    from pathlib import Path

    from zorgregels import Engine

    engine = Engine.from_path(Path(__file__).resolve().parents[1] / "rules")
    record = {"decision_id": "d1", "birth_date": "2012-05-01", "domains": ["gedrag"],
              "severity": "matig", "referrer_type": "02", "decision_date": "2025-02-01",
              "request_date": "2025-01-15", "outcome": "granted", "code": "45B10", "perceel": 2,
              "provider_type": "instelling", "volume": volume, "unit": unit, "frequency": "2",
              "tariff": "72.52", "start_date": "2025-02-01", "end_date": "2025-07-31"}
    d = engine.evaluate(record)
    assert d.facts["volume_norm_pct"] == pct
    assert {f.rule for f in d.findings if f.check == "tariff"} == fired
