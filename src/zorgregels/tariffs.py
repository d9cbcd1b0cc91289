"""Tariffs in one unit: the cost of a 3-month treatment and the direct hours a family can expect.

domain.md §4. Three months are 13 weeks = 91 days = 3 months. All arithmetic is ``Decimal``;
money is rounded half-up to cents once, at the end.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .model import Code

WEEKS_3M = Decimal(13)
DAYS_3M = Decimal(91)
MONTHS_3M = Decimal(3)
CENT = Decimal("0.01")

#: direct hours in one unit, where the unit itself says it (minute, hour, dagdeel of 4 hours)
FIXED_HOURS_PER_UNIT: dict[str, Decimal] = {
    "01": Decimal(1) / Decimal(60),
    "04": Decimal(1),
    "16": Decimal(4),
}


def round_money(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class ThreeMonths:
    """The normalised figures of one code at norm intensity (None with a reason when not known)."""

    units_3m: Decimal | None
    hours_3m: Decimal | None
    tariff_3m: Decimal | None  # rounded to cents
    reason: str | None = None


def norm_units_3m(code: Code) -> tuple[Decimal | None, str | None]:
    """Units of the code's own unit in 3 months at norm intensity."""
    norm = code.norm
    if norm is None:
        return None, "de catalogus geeft geen norm-intensiteit voor deze code"
    if norm.per_week is not None:
        return norm.per_week * WEEKS_3M, None
    if norm.per_month is not None:
        return norm.per_month * MONTHS_3M, None
    assert norm.duration_months is not None
    if norm.duration_months <= 0:
        return None, "normduur van het traject is 0"
    # one trajectory of D months: a 3-month treatment is min(1, 3/D) of it
    return min(Decimal(1), MONTHS_3M / norm.duration_months), None


def hours_per_unit(code: Code) -> Decimal | None:
    if code.unit in FIXED_HOURS_PER_UNIT:
        return FIXED_HOURS_PER_UNIT[code.unit]
    return code.hours_per_unit


def three_months(code: Code, unit_tariff: Decimal | None) -> ThreeMonths:
    """Tariff and family hours per 3-month treatment at the code's norm."""
    units, reason = norm_units_3m(code)
    if units is None:
        return ThreeMonths(None, None, None, reason)
    per_unit = hours_per_unit(code)
    hours = units * per_unit if per_unit is not None else None
    tariff = round_money(units * unit_tariff) if unit_tariff is not None else None
    reasons = []
    if hours is None:
        reasons.append("de catalogus geeft geen directe uren per eenheid (hours_per_unit)")
    if unit_tariff is None:
        reasons.append("geen tarief geldig op deze datum")
    return ThreeMonths(units, hours, tariff, "; ".join(reasons) or None)


def decided_units_3m(volume: Decimal, frequency: str, duration_days: int | None,
                     unit: str, code: Code) -> Decimal | None:
    """The intensity of a decided volume, expressed in units per 3 months.

    Frequency 1 per day, 2 per week, 4 per month, 6 total over the allocation period (spread
    over its duration; a trajectory unit counts whole trajectories).
    """
    if unit in ("82", "84") and code.norm is not None and code.norm.duration_months is not None:
        # trajectories: n trajectories of D months give n * min(1, 3/D) per 3 months
        units, _ = norm_units_3m(code)
        return volume * units if units is not None else None
    if frequency == "1":
        return volume * DAYS_3M
    if frequency == "2":
        return volume * WEEKS_3M
    if frequency == "4":
        return volume * MONTHS_3M
    if frequency == "6":
        if not duration_days or duration_days <= 0:
            return None
        return volume * DAYS_3M / Decimal(duration_days)
    return None


def volume_norm_pct(volume: Decimal, frequency: str, duration_days: int | None,
                    unit: str, code: Code) -> int | None:
    """Decided intensity as a whole percentage (half-up) of the code's norm."""
    if unit != code.unit:
        return None
    norm, _ = norm_units_3m(code)
    decided = decided_units_3m(volume, frequency, duration_days, unit, code)
    if norm is None or decided is None or norm == 0:
        return None
    return int((decided * 100 / norm).quantize(Decimal(1), rounding=ROUND_HALF_UP))
