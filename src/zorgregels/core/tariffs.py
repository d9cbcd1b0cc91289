"""Tariffs in one unit: the cost of a 3-month treatment and the direct hours a family can expect.

domain.md §4, as one explicit normalisation. Three months are 13 weeks = 91 days = 3 months.

Every quantity is first turned into *units of the code's own iJw unit per 3 months*; cost and
hours follow from it::

    units_3m  = volume x F(frequency)
    cost_3m   = units_3m x unit tariff              (exact)
    tariff_3m = cost_3m rounded half-up to cents    (the one rounding, at the end)
    hours_3m  = units_3m x hours per unit

with the frequency factor F (iJw WMO757):

    ======================  ==========================================================
    frequency               units in 3 months
    ======================  ==========================================================
    1 per dag               volume x 91
    2 per week              volume x 13
    4 per maand             volume x 3
    6 totaal, trajectory    volume x min(1, 3 / D)  (D = norm duration in months of one
                            trajectory of unit 82/84; a trajectory shorter than 3 months
                            counts once)
    6 totaal, period        volume x 91 / period in days  (pro rata over the allocation)
    ======================  ==========================================================

A code's **norm** is a volume at norm intensity in the same terms: ``per_week: n`` is volume n at
frequency 2, ``per_month: n`` is volume n at frequency 4 (for euro (83): the monthly budget) and
``duration_months: D`` is one trajectory (volume 1, frequency 6) of D months.

Hours per unit (iJw WJ756): minute (01) 1/60, hour (04) 1, dagdeel (16) 4: fixed by the unit.
Etmaal (14), stuks output (82), stuks inspanning (84) and euro (83) say nothing about time: the
catalogue states the direct hours per unit (``hours_per_unit``), or the hours are given with a
reason why not.

The arithmetic is exact (``fractions.Fraction`` over the ``Decimal`` inputs, so 3/7 of a
trajectory or 91/30 of a total volume loses nothing); money leaves this module as ``Decimal``
rounded half-up (away from zero on a tie) to cents, once. Floats are refused.

A figure that cannot be given is ``None`` with a Dutch ``reason``; nothing is skipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

from zorgregels.catalogue.ijw import FREQUENCIES, UNITS
from zorgregels.catalogue.model import Code, Norm

WEEKS_3M = Decimal(13)
DAYS_3M = Decimal(91)
MONTHS_3M = Decimal(3)
CENT = Decimal("0.01")

Number = Decimal | int | Fraction

#: direct hours in one unit, where the unit itself says it (minute, hour, dagdeel of 4 hours)
FIXED_HOURS: dict[str, Fraction] = {
    "01": Fraction(1, 60),
    "04": Fraction(1),
    "16": Fraction(4),
}
#: the same, as Decimal (kept for callers of the first version of this module)
FIXED_HOURS_PER_UNIT: dict[str, Decimal] = {
    "01": Decimal(1) / Decimal(60),
    "04": Decimal(1),
    "16": Decimal(4),
}

#: frequency (WMO757) -> units in 3 months per unit of volume; "6" (total) depends on a period
FREQUENCY_FACTOR: dict[str, Fraction] = {
    "1": Fraction(91),
    "2": Fraction(13),
    "4": Fraction(3),
}

#: frequency (WMO757) "totaal binnen geldigheidsduur": a volume for the whole allocation period
TOTAL = "6"

#: units whose volume is counted in pieces (trajectories)
PIECE_UNITS = frozenset({"82", "84"})
#: units that carry time per unit fixed by the unit itself
TIME_UNITS = frozenset(FIXED_HOURS)


@dataclass(frozen=True)
class UnitSpec:
    """How one iJw unit is normalised (the table of domain.md §4, as data)."""

    code: str
    name: str
    norm_as: str  # how the catalogue gives the norm for this unit
    hours: str  # where the direct hours per unit come from


UNIT_TABLE: dict[str, UnitSpec] = {
    "01": UnitSpec("01", UNITS["01"], "minuten per week (per_week)", "1/60 uur per minuut"),
    "04": UnitSpec("04", UNITS["04"], "uren per week (per_week)", "1 uur per uur"),
    "14": UnitSpec("14", UNITS["14"], "etmalen per week (per_week; 7 bij doorlopend verblijf)",
                   "hours_per_unit uit de catalogus"),
    "16": UnitSpec("16", UNITS["16"], "dagdelen per week (per_week)", "4 uur per dagdeel"),
    "82": UnitSpec("82", UNITS["82"], "normduur van een traject in maanden (duration_months)",
                   "hours_per_unit (directe uren per traject) uit de catalogus"),
    "83": UnitSpec("83", UNITS["83"], "budget in euro per maand (per_month)",
                   "hours_per_unit uit de catalogus; anders niet af te leiden"),
    "84": UnitSpec("84", UNITS["84"], "normduur van een traject in maanden (duration_months), "
                   "of stuks per week/maand", "hours_per_unit uit de catalogus"),
}


# ---------------------------------------------------------------- exact numbers and rounding


def exact(value: Number) -> Fraction:
    """An exact rational from a Decimal, int or Fraction; floats and non-finite values refused."""
    if type(value) is Fraction:  # immutable: no copy needed (a batch asks this a lot)
        return value
    if isinstance(value, (bool, float)):
        raise TypeError(f"verwacht Decimal, int of Fraction, kreeg {value!r}")
    if isinstance(value, Decimal) and not value.is_finite():
        raise ValueError(f"{value} is geen eindig getal")
    return Fraction(value)


def round_half_up(value: Number, places: int = 2) -> Decimal:
    """Round exactly, half-up (ties away from zero, like ``ROUND_HALF_UP``), to ``places`` decimals."""
    q = exact(value)
    scale = 10**places
    scaled = abs(q) * scale
    n = (scaled.numerator * 2 + scaled.denominator) // (2 * scaled.denominator)  # floor(x + 1/2)
    if q < 0:
        n = -n
    return Decimal(n).scaleb(-places)


def round_money(amount: Number) -> Decimal:
    """Money to cents, half-up. The only rounding money undergoes."""
    if isinstance(amount, Decimal):
        return amount.quantize(CENT, rounding=ROUND_HALF_UP)
    return round_half_up(amount, 2)


def to_decimal(value: Fraction, places: int | None = None) -> Decimal:
    """A Fraction as Decimal: exact when it terminates, else to 28 significant digits.

    With ``places`` rounded half-up to that many decimals and trailing zeros removed (for
    quantities shown to a person, never for money before it is summed).
    """
    if places is not None:
        d = round_half_up(value, places)
        return d.normalize() if d != d.to_integral_value() else d.quantize(Decimal(1))
    den = value.denominator
    for p in (2, 5):
        while den % p == 0:
            den //= p
    if den == 1:  # terminating: exact
        with localcontext() as ctx:
            ctx.prec = max(28, len(str(value.numerator)) + len(str(value.denominator)) + 2)
            d = Decimal(value.numerator) / Decimal(value.denominator)
        return d
    return Decimal(value.numerator) / Decimal(value.denominator)


# ---------------------------------------------------------------- the normalisation


@dataclass(frozen=True)
class Normalised:
    """One quantity of an iJw unit, normalised to a 3-month treatment (exact values)."""

    unit: str
    units_3m: Fraction | None
    hours_per_unit: Fraction | None
    hours_3m: Fraction | None
    cost_3m: Fraction | None  # exact; round with round_money once, at the end
    reasons: tuple[str, ...] = ()

    @property
    def tariff_3m(self) -> Decimal | None:
        return round_money(self.cost_3m) if self.cost_3m is not None else None

    @property
    def reason(self) -> str | None:
        return "; ".join(self.reasons) or None


def frequency_factor(frequency: str, trajectory_months: Number | None = None,
                     ) -> tuple[Fraction, bool] | str:
    """Units in 3 months per unit of volume at ``frequency`` (WMO757), and whether that still
    divides by the allocation period in days (total, spread pro rata); or why it cannot be given.

    The one declaration of the module table: ``units_3m`` (one case) and the batch expressions
    (volume percentage, 3-month cost) are both built from it.
    """
    if frequency in FREQUENCY_FACTOR:
        return FREQUENCY_FACTOR[frequency], False
    if frequency != TOTAL:
        known = ", ".join(f"{k} ({n})" for k, n in FREQUENCIES.items())
        return f"onbekende frequentie {frequency!r} (bekend: {known})"
    if trajectory_months is not None:
        d = exact(trajectory_months)
        if d <= 0:
            return "de normduur van het traject is 0 maanden"
        return min(Fraction(1), Fraction(3) / d), False
    return Fraction(91), True


def units_3m(volume: Number, frequency: str, *, period_days: int | None = None,
             trajectory_months: Number | None = None) -> tuple[Fraction | None, str | None]:
    """Units per 3 months of ``volume`` at ``frequency`` (WMO757); see the module table.

    For frequency 6 (total) a trajectory duration (``trajectory_months``) takes precedence over
    the allocation period (``period_days``): n trajectories of D months are n x min(1, 3/D).
    """
    v = exact(volume)
    factor = frequency_factor(frequency, trajectory_months)
    if isinstance(factor, str):
        return None, factor
    per_unit, spread = factor
    if not spread:
        return v * per_unit, None
    if period_days is None:
        return None, "frequentie totaal zonder looptijd: per 3 maanden niet te bepalen"
    if period_days <= 0:
        return None, "frequentie totaal met een looptijd van 0 dagen"
    return v * per_unit / period_days, None


def unit_hours(unit: str, hours_per_unit: Number | None = None) -> tuple[Fraction | None, str | None]:
    """Direct hours in one unit: fixed for minute/hour/dagdeel, else as the catalogue states."""
    if unit in FIXED_HOURS:
        return FIXED_HOURS[unit], None
    if hours_per_unit is not None:
        return exact(hours_per_unit), None
    if unit == "83":
        return None, ("budget in euro: de directe tijd voor het gezin volgt niet uit het bedrag "
                      "en de catalogus geeft geen directe uren (hours_per_unit)")
    if unit not in UNITS:
        return None, f"onbekende eenheid {unit!r}"
    return None, f"de catalogus geeft geen directe uren per {UNITS[unit]} (hours_per_unit)"


def normalise(unit: str, volume: Number, frequency: str, unit_tariff: Number | None, *,
              period_days: int | None = None, trajectory_months: Number | None = None,
              hours_per_unit: Number | None = None) -> Normalised:
    """THE normalisation of domain.md §4: a volume of an iJw unit at an iJw frequency, at a
    tariff per unit, to units, cost and direct hours per 3 months (exact; see module doc)."""
    reasons: list[str] = []
    if unit not in UNITS:
        known = ", ".join(f"{k} ({n})" for k, n in UNITS.items())
        return Normalised(unit, None, None, None, None, (f"onbekende eenheid {unit!r} (bekend: {known})",))
    if trajectory_months is not None and unit not in PIECE_UNITS:
        trajectory_months = None  # a duration only makes pieces into trajectories
    n, why = units_3m(volume, frequency, period_days=period_days, trajectory_months=trajectory_months)
    if n is None:
        return Normalised(unit, None, None, None, None, (why or "",))
    per_unit, why_hours = unit_hours(unit, hours_per_unit)
    hours = n * per_unit if per_unit is not None else None
    if why_hours:
        reasons.append(why_hours)
    cost = None
    if unit_tariff is None:
        reasons.append("geen tarief geldig op deze datum")
    else:
        cost = n * exact(unit_tariff)
    return Normalised(unit, n, per_unit, hours, cost, tuple(reasons))


def norm_volume(code: Code) -> tuple[tuple[Fraction, str, Fraction | None] | None, str | None]:
    """The code's norm as (volume, frequency, trajectory months), or None with a reason."""
    norm: Norm | None = code.norm
    if norm is None:
        if code.unit == "83":
            return None, ("budget in euro zonder maandbedrag of looptijd (norm): het bedrag per "
                          "3 maanden is niet af te leiden")
        return None, "de catalogus geeft geen norm-intensiteit voor deze code"
    if norm.per_week is not None:
        return (exact(norm.per_week), "2", None), None
    if norm.per_month is not None:
        return (exact(norm.per_month), "4", None), None
    assert norm.duration_months is not None
    if code.unit not in PIECE_UNITS:
        what = "een budget in euro" if code.unit == "83" else f"eenheid {UNITS[code.unit]}"
        return None, (f"alleen een normduur ({norm.duration_months} maanden) bij {what}: zonder "
                      "aantal per week of maand is de omvang per 3 maanden niet af te leiden")
    if norm.duration_months <= 0:
        return None, "de normduur van het traject is 0 maanden"
    return (Fraction(1), TOTAL, exact(norm.duration_months)), None


def normalise_norm(code: Code, unit_tariff: Number | None) -> Normalised:
    """The code at norm intensity for 3 months (the overview's figures)."""
    nv, why = norm_volume(code)
    if nv is None:
        per_unit, why_hours = unit_hours(code.unit, code.hours_per_unit)
        reasons = (why or "",) + ((why_hours,) if why_hours and code.unit == "83" else ())
        return Normalised(code.unit, None, per_unit, None, None, reasons)
    volume, frequency, months = nv
    return normalise(code.unit, volume, frequency, unit_tariff, trajectory_months=months,
                     hours_per_unit=code.hours_per_unit)


# ---------------------------------------------------------------- the API the engine uses


@dataclass(frozen=True)
class ThreeMonths:
    """The normalised figures of one code at norm intensity (None with a reason when not known)."""

    units_3m: Decimal | None
    hours_3m: Decimal | None
    tariff_3m: Decimal | None  # rounded to cents
    reason: str | None = None
    cost_3m: Fraction | None = None  # exact, before rounding
    hours_per_unit: Decimal | None = None


def three_months(code: Code, unit_tariff: Decimal | None) -> ThreeMonths:
    """Tariff and family hours per 3-month treatment at the code's norm."""
    n = normalise_norm(code, unit_tariff)
    return ThreeMonths(
        units_3m=to_decimal(n.units_3m) if n.units_3m is not None else None,
        hours_3m=to_decimal(n.hours_3m) if n.hours_3m is not None else None,
        tariff_3m=n.tariff_3m,
        reason=n.reason,
        cost_3m=n.cost_3m,
        hours_per_unit=to_decimal(n.hours_per_unit) if n.hours_per_unit is not None else None,
    )


def norm_units_3m(code: Code) -> tuple[Decimal | None, str | None]:
    """Units of the code's own unit in 3 months at norm intensity."""
    n = normalise_norm(code, None)
    if n.units_3m is None:
        return None, n.reason
    return to_decimal(n.units_3m), None


def hours_per_unit(code: Code) -> Decimal | None:
    h, _ = unit_hours(code.unit, code.hours_per_unit)
    return to_decimal(h) if h is not None else None


def convert_volume(volume: Number, from_unit: str, to_unit: str) -> Fraction | None:
    """A volume in one time unit expressed in another (60 minutes = 1 hour; a dagdeel is 4
    hours); None when the units are not both fixed-time units."""
    if from_unit == to_unit:
        return exact(volume)
    if from_unit in FIXED_HOURS and to_unit in FIXED_HOURS:
        return exact(volume) * FIXED_HOURS[from_unit] / FIXED_HOURS[to_unit]
    return None


def trajectory_months(code: Code, unit: str) -> Number | None:
    """The norm duration that makes pieces of ``unit`` into trajectories of ``code``, if any."""
    if unit in PIECE_UNITS and code.norm is not None and code.norm.duration_months is not None:
        return code.norm.duration_months
    return None


def decided_units_factor(code: Code, frequency: str, unit: str) -> tuple[Fraction, bool] | None:
    """Units of the code's own unit per 3 months for one unit of a decided volume in ``unit``,
    and whether that still divides by the allocation period in days; None when the decided
    unit does not convert to the code's or the frequency gives no figure."""
    v = convert_volume(1, unit, code.unit)
    if v is None:
        return None
    factor = frequency_factor(frequency, trajectory_months(code, code.unit))
    if isinstance(factor, str):
        return None
    return v * factor[0], factor[1]


def _decided_units(volume: Number, frequency: str, duration_days: int | None, unit: str,
                   code: Code) -> Fraction | None:
    factor = decided_units_factor(code, frequency, unit)
    if factor is None:
        return None
    per_unit, spread = factor
    if not spread:
        return exact(volume) * per_unit
    if duration_days is None or duration_days <= 0:
        return None
    return exact(volume) * per_unit / duration_days


def decided_units_3m(volume: Decimal, frequency: str, duration_days: int | None,
                     unit: str, code: Code) -> Decimal | None:
    """The intensity of a decided volume, in units of the code's unit per 3 months.

    Frequency 1 per day, 2 per week, 4 per month; 6 total counts whole trajectories for a
    trajectory code (unit 82/84 with a norm duration), else is spread over the allocation
    period (``duration_days``). A volume in minutes for an hour code (or the reverse) is
    converted; other unit mismatches give None.
    """
    n = _decided_units(volume, frequency, duration_days, unit, code)
    return to_decimal(n) if n is not None else None


def normalise_decision(code: Code, volume: Number, frequency: str, unit: str,
                       unit_tariff: Number | None, duration_days: int | None = None) -> Normalised:
    """A decided allocation (volume, unit, frequency, applied tariff, period) per 3 months.

    The same normalisation as the overview's norm figures; for batch checks such as the budget
    ceiling (cost of the batch per 3 months) and the volume band of the ``tariff`` check.
    """
    months = trajectory_months(code, unit)
    hpu = code.hours_per_unit if unit == code.unit else None
    return normalise(unit, volume, frequency, unit_tariff, period_days=duration_days,
                     trajectory_months=months, hours_per_unit=hpu)


def _norm_units(code: Code) -> Fraction | None:
    # the units of ``normalise_norm`` without its hours and cost: asked once per case
    nv, _ = norm_volume(code)
    if nv is None:
        return None
    volume, frequency, months = nv
    return units_3m(volume, frequency, trajectory_months=months)[0]


def volume_norm_factor(code: Code, frequency: str, unit: str) -> tuple[Fraction, bool] | None:
    """The decided intensity as a percentage of the code's norm for one unit of volume (and
    whether it still divides by the allocation period in days); None when there is no norm to
    compare with or the decided volume gives no figure. ``volume_norm_pct`` of one case and
    the batch expression are both this factor, rounded half-up. Worked out once per (frozen)
    code, frequency and unit: its exact fractions cost a case more than its other facts."""
    key = (id(code), frequency, unit)
    known = _FACTORS.get(key)
    if known is not None and known[0] is code:  # kept with its code: never a reused id
        return known[1]
    if len(_FACTORS) >= 16_384:  # catalogues loaded one after another: start over
        _FACTORS.clear()
    factor = _FACTORS[key] = (code, _volume_norm_factor(code, frequency, unit))
    return factor[1]


_FACTORS: dict[tuple[int, str, str], tuple[Code, tuple[Fraction, bool] | None]] = {}


def _volume_norm_factor(code: Code, frequency: str, unit: str) -> tuple[Fraction, bool] | None:
    norm = _norm_units(code)
    factor = decided_units_factor(code, frequency, unit)
    if norm is None or norm == 0 or factor is None:
        return None
    return factor[0] * 100 / norm, factor[1]


def volume_norm_pct(volume: Decimal, frequency: str, duration_days: int | None,
                    unit: str, code: Code) -> int | None:
    """Decided intensity as a whole percentage (half-up) of the code's norm."""
    factor = volume_norm_factor(code, frequency, unit)
    if factor is None:
        return None
    pct, spread = factor
    if spread:
        if duration_days is None or duration_days <= 0:
            return None
        pct = pct / duration_days
    return int(round_half_up(exact(volume) * pct, 0))


__all__ = [
    "CENT",
    "DAYS_3M",
    "FIXED_HOURS",
    "FREQUENCY_FACTOR",
    "MONTHS_3M",
    "UNIT_TABLE",
    "WEEKS_3M",
    "Normalised",
    "TOTAL",
    "ThreeMonths",
    "convert_volume",
    "decided_units_3m",
    "decided_units_factor",
    "frequency_factor",
    "hours_per_unit",
    "norm_units_3m",
    "norm_volume",
    "normalise",
    "normalise_decision",
    "normalise_norm",
    "round_half_up",
    "round_money",
    "three_months",
    "to_decimal",
    "trajectory_months",
    "unit_hours",
    "units_3m",
    "volume_norm_factor",
    "volume_norm_pct",
]
