"""The cost of a decided allocation per 3 months, declared once: the scalar form for one
decision (``cost_3m``) and the expression form for a batch (``cost_3m_cents_expr``, used by the
budget ceiling of ``validate`` and by ``diff``) side by side, both built on
``tariffs.decided_units_factor`` (units of the code's unit per 3 months per unit of volume).

    cost_3m = volume x units per 3 months x tariff, rounded half-up to cents once

It is given only where it means one thing: the decided unit is the code's own unit, and a
volume in total (frequency 6) comes with a positive allocation period, also for a trajectory
(the period says which quarters the decision touches). Otherwise it is absent.
"""

from __future__ import annotations

from decimal import Decimal

import polars as pl

from zorgregels.catalogue.catalogue import Catalogue
from zorgregels.catalogue.fields import FREQUENCIES
from zorgregels.catalogue.model import Code
from zorgregels.core.exprs import half_up_div
from zorgregels.core.tariffs import TOTAL, Number, decided_units_factor, normalise_decision

#: the facts a 3-month cost reads besides the tariff and the code's unit
COST_NEEDS = ("code", "volume", "frequency", "unit")


def cost_3m(code: Code, volume: Number, frequency: str, unit: str, tariff: Number | None,
            duration_days: int | None) -> Decimal | None:
    """One decision's cost per 3 months in euro (rounded half-up to cents), or None."""
    if tariff is None or unit != code.unit:
        return None
    if frequency == TOTAL and not (duration_days is not None and duration_days > 0):
        return None
    return normalise_decision(code, volume, frequency, unit, tariff, duration_days).tariff_3m


def cost_3m_cents_expr(catalogue: Catalogue, tariff: pl.Expr) -> pl.Expr:
    """``cost_3m`` in cents per row of a batch (fact form: ``tariff`` and ``volume`` scaled by
    10**4), in exact integer arithmetic: volume x tariff x p / (q [x period days]) with p/q the
    factor per code and frequency. Reads ``COST_NEEDS``, ``code_unit`` and ``duration_days``."""
    c = pl.col
    codes = sorted(catalogue.codes)
    width = len(FREQUENCIES)
    num: dict[int, int] = {}
    den: dict[int, int] = {}
    spread: list[int] = []
    for ci, cid in enumerate(codes):
        for fi, frequency in enumerate(FREQUENCIES):
            factor = decided_units_factor(catalogue.codes[cid], frequency, catalogue.codes[cid].unit)
            if factor is None:
                continue
            key = ci * width + fi
            num[key], den[key] = factor[0].numerator, factor[0].denominator
            if factor[1]:
                spread.append(key)
    code_no = c("code").replace_strict({cid: i for i, cid in enumerate(codes)}, default=None,
                                       return_dtype=pl.Int64)
    freq_no = c("frequency").replace_strict({f: i for i, f in enumerate(FREQUENCIES)}, default=None,
                                            return_dtype=pl.Int64)
    key_no = code_no * width + freq_no
    p = key_no.replace_strict(num, default=None, return_dtype=pl.Int64)
    q = key_no.replace_strict(den, default=None, return_dtype=pl.Int64)
    ok = (pl.all_horizontal([c(f).is_not_null() for f in COST_NEEDS]) & tariff.is_not_null()
          & (c("unit") == c("code_unit")).fill_null(False)
          & ((c("frequency") != TOTAL) | (c("duration_days") > 0)).fill_null(False))
    period = pl.when(key_no.is_in(spread)).then(c("duration_days")).otherwise(1)
    # volume x tariff carries 10**8; cents are 10**2: divide by 10**6 more. Both may reach 10**13
    # (facts.MAX_MAGNITUDE in fact form): the product is exact in 128 bits, never wraps around
    wide = pl.Int128()
    return pl.when(ok).then(half_up_div(c("volume").cast(wide) * tariff.cast(wide) * p.cast(wide),
                                        q.cast(wide) * period.cast(wide) * 1_000_000))


__all__ = ["COST_NEEDS", "cost_3m", "cost_3m_cents_expr"]
