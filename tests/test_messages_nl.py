"""Money, decimals and dates in a finding's message read Dutch (issue 12), the same in the
scalar form (``format_message``, one case) and the polars form (``message_expr``, a batch),
while expected/actual keep the machine form (a contract of findings.jsonl)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import polars as pl
from hypothesis import example, given, settings
from hypothesis import strategies as st

from zorgregels.catalogue.fields import SCALE
from zorgregels.core import nl
from zorgregels.core.messages import (
    Style,
    display,
    display_expr,
    dutch,
    format_message,
    message_expr,
)

#: scaled integers (ten-thousandths): negatives, zero, cents only, more decimals, and amounts
#: large enough for several thousands separators
SCALED = st.one_of(st.integers(-10**15, 10**15), st.integers(-10**9, 10**9).map(lambda c: c * 100),
                   st.sampled_from([0, 1, -1, 5, 9_999, 10_000, 725_200, -725_200, 9_999_999_999]))
DATES = st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31))
TEMPLATE = "Tarief {tariff} (catalogus {code_tariff}), omvang {volume}, per {start_date}; budget {budget}."


def _batch(name: str, values: list[Any], style: Style = "message") -> list[str | None]:
    frame = pl.DataFrame({name: values}, schema={name: pl.Int64})
    return frame.select(display_expr(name, style=style).alias("x"))["x"].to_list()


def _money_oracle(scaled: int) -> str:
    d = Decimal(scaled) / SCALE
    if d == d.quantize(Decimal("0.01")):
        return nl.money(d)
    return nl.EURO + nl.number(d.normalize())


@settings(max_examples=60, deadline=None)
@given(st.lists(SCALED, min_size=1, max_size=40))
@example([800_000, 12_345_678_912, -12_345_678_912, 0, 725_234, 10_000_000])
def test_money_reads_dutch_alike_in_both_forms(values: list[int]) -> None:
    scalar = [dutch("tariff", v) for v in values]
    assert _batch("tariff", values) == scalar
    assert scalar == [_money_oracle(v) for v in values]


def test_money_examples() -> None:
    assert [dutch("tariff", v) for v in (800_000, 12_345_678_912, -800_000, 0, 725_234)] == [
        "€ 80,00", "€ 1.234.567,8912", "€ -80,00", "€ 0,00", "€ 72,5234"]


@settings(max_examples=60, deadline=None)
@given(st.lists(SCALED, min_size=1, max_size=40))
@example([15_000, 12_345_000, -12_345_000, 0, 1, 10_000_000_000])
def test_decimal_reads_dutch_alike_in_both_forms(values: list[int]) -> None:
    scalar = [dutch("volume", v) for v in values]
    assert _batch("volume", values) == scalar
    assert scalar == [nl.number((Decimal(v) / SCALE).normalize()) for v in values]


def test_decimal_examples() -> None:
    assert [dutch("volume", v) for v in (15_000, 12_345_000, -12_345_000, 0, 1_000_000_000)] == [
        "1,5", "1.234,5", "-1.234,5", "0", "100.000"]


@settings(max_examples=60, deadline=None)
@given(st.lists(DATES, min_size=1, max_size=40))
@example([dt.date(2025, 3, 3), dt.date(2024, 12, 31), dt.date(1, 1, 1)])
def test_date_reads_dutch_alike_in_both_forms(dates: list[dt.date]) -> None:
    ordinals = [d.toordinal() for d in dates]
    scalar = [dutch("start_date", o) for o in ordinals]
    assert _batch("start_date", ordinals) == scalar
    assert scalar == [nl.date(d) for d in dates]
    assert dutch("start_date", dt.date(2025, 3, 3).toordinal()) == "3 maart 2025"


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.none() | SCALED, st.none() | SCALED, st.none() | SCALED,
                          st.none() | DATES.map(dt.date.toordinal), st.none() | SCALED),
                min_size=1, max_size=20))
def test_a_message_reads_alike_in_both_forms(rows: list[tuple[Any, ...]]) -> None:
    names = ("tariff", "code_tariff", "volume", "start_date", "budget")
    facts = [dict(zip(names, r)) for r in rows]
    frame = pl.DataFrame(facts, schema={n: pl.Int64 for n in names}, orient="row")
    batch = frame.select(message_expr(TEMPLATE).alias("m"))["m"].to_list()
    assert batch == [format_message(TEMPLATE, f) for f in facts]


def test_the_old_sentence_now_reads_dutch() -> None:
    fact = {"tariff": 800_000, "code_tariff": 725_200, "volume": 12_345_000,
            "start_date": dt.date(2025, 3, 3).toordinal(), "budget": None}
    assert format_message(TEMPLATE, fact) == (
        "Tarief € 80,00 (catalogus € 72,52), omvang 1.234,5, per 3 maart 2025; budget (leeg).")


@settings(max_examples=30, deadline=None)
@given(st.lists(SCALED, min_size=1, max_size=20), st.lists(DATES, min_size=1, max_size=20))
def test_expected_and_actual_keep_the_machine_form(values: list[int], dates: list[dt.date]) -> None:
    for name in ("tariff", "volume"):
        expected = [display(name, v) for v in values]
        assert _batch(name, values, style="value") == expected
        assert all("," not in e and "€" not in e for e in expected)
    ordinals = [d.toordinal() for d in dates]
    assert _batch("start_date", ordinals, style="value") == [d.isoformat() for d in dates]
    assert display("tariff", 800_000) == "80.00" and display("volume", 15_000) == "1.5"
