"""Dutch numbers, money, percentages and dates: the one formatter every output uses (Babel's
``nl_NL``). Rounding is ours (half up, as money is rounded everywhere in this project); Babel
only writes the digits the Dutch way: ``€ 1.885,52``, ``1.234,5``, ``10,7%``, ``1 maart 2025``.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from babel.dates import format_date
from babel.numbers import format_decimal

LOCALE = "nl_NL"


def _fixed(d: Decimal, places: int) -> str:
    q = d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    pattern = "#,##0" + ("." + "0" * places if places > 0 else "")
    return str(format_decimal(q, format=pattern, locale=LOCALE, decimal_quantization=True))


def number(value: Decimal | int | None, places: int | None = None) -> str:
    """1234.5 -> '1.234,5'; with ``places`` that many decimals, rounded half up ('1.234,50').
    Without ``places`` a Decimal keeps the decimals it was written with; '' for None."""
    if value is None:
        return ""
    d = Decimal(value)
    if places is None:
        exponent = d.as_tuple().exponent
        places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return _fixed(d, places)


def money(value: Decimal | int | None) -> str:
    """Euro with cents: '€ 1.885,52' ('' for None)."""
    return "" if value is None else f"€ {number(value, 2)}"


def money_cents(cents: int | None) -> str:
    """An amount in eurocent as euro: 188552 -> '€ 1.885,52'."""
    return "" if cents is None else money(Decimal(cents) / 100)


def percent(fraction: Decimal | float | None, places: int = 1) -> str:
    """0.107 -> '10,7%' ('' for None)."""
    if fraction is None:
        return ""
    return number(Decimal(str(fraction)) * 100, places) + "%"


def date(value: dt.date | None, style: str = "long") -> str:
    """'1 maart 2025' (long) or '1-3-2025' (short); '' for None."""
    if value is None:
        return ""
    return str(format_date(value, format="d MMMM y" if style == "long" else "d-M-y", locale=LOCALE))


__all__ = ["LOCALE", "date", "money", "money_cents", "number", "percent"]
