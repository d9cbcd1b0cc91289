"""Dutch numbers, money, percentages and dates: the one formatter every output uses (Babel's
``nl_NL``). Rounding is ours (half up, as money is rounded everywhere in this project); Babel
only writes the digits the Dutch way: ``€ 1.885,52``, ``1.234,5``, ``10,7%``, ``1 maart 2025``.

``signed=True`` writes a change: ``+€ 2,42``, ``-€ 2,42``, ``+3,90%`` (zero has no sign).
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from babel import Locale
from babel.dates import format_date
from babel.numbers import NumberPattern, parse_pattern

LOCALE = "nl_NL"
# parsed once: Babel's format_decimal parses the locale and the pattern on every call, four
# times the work of writing the digits (a page writes thousands of amounts)
_NL = Locale.parse(LOCALE)
_PATTERNS: tuple[NumberPattern, ...] = tuple(
    parse_pattern("#,##0" + ("." + "0" * places if places else "")) for places in range(7))

Number = Decimal | int | float

#: the signs and names Babel writes for ``nl_NL``, for the expression forms that write the
#: same text for a batch (``core.messages``): '1.234,5', '€ 80,00', '3 maart 2025'
DECIMAL_SIGN = str(_NL.number_symbols["latn"]["decimal"])
GROUP_SIGN = str(_NL.number_symbols["latn"]["group"])
MINUS_SIGN = str(_NL.number_symbols["latn"]["minusSign"])
EURO = "€ "
#: the month names of a long date, January first
MONTHS: tuple[str, ...] = tuple(str(_NL.months["format"]["wide"][m]) for m in range(1, 13))


def _decimal(value: Number) -> Decimal:
    # str() first: Decimal(0.1) would carry the float's binary expansion into the text
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _round(d: Decimal, places: int) -> Decimal:
    q = d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    # an amount that rounds to zero is written without a minus ('0,00', not '-0,00')
    return abs(q) if q == 0 else q


def _digits(q: Decimal, places: int) -> str:
    pattern = (_PATTERNS[places] if places < len(_PATTERNS)
               else parse_pattern("#,##0." + "0" * places))
    return str(pattern.apply(q, _NL, decimal_quantization=True))


def _places(d: Decimal) -> int:
    exponent = d.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def number(value: Number | None, places: int | None = None, *, signed: bool = False) -> str:
    """1234.5 -> '1.234,5'; with ``places`` that many decimals, rounded half up ('1.234,50').
    Without ``places`` a Decimal keeps the decimals it was written with; '' for None."""
    if value is None:
        return ""
    d = _decimal(value)
    places = _places(d) if places is None else places
    q = _round(d, places)
    return ("+" if signed and q > 0 else "") + _digits(q, places)


def money(value: Number | None, *, signed: bool = False) -> str:
    """Euro with cents: '€ 1.885,52' ('' for None); signed: '+€ 2,42' or '-€ 2,42'."""
    if value is None:
        return ""
    q = _round(_decimal(value), 2)
    if not signed:
        return EURO + _digits(q, 2)
    return ("+" if q > 0 else "-" if q < 0 else "") + EURO + _digits(abs(q), 2)


def money_cents(cents: int | None, *, signed: bool = False) -> str:
    """An amount in eurocent as euro: 188552 -> '€ 1.885,52'."""
    return "" if cents is None else money(Decimal(cents) / 100, signed=signed)


def percent(fraction: Number | None, places: int = 1, *, signed: bool = False) -> str:
    """0.107 -> '10,7%' ('' for None); signed: '+10,7%'."""
    if fraction is None:
        return ""
    return number(_decimal(fraction) * 100, places, signed=signed) + "%"


def date(value: dt.date | None, style: str = "long") -> str:
    """'1 maart 2025' (long) or '1-3-2025' (short); '' for None."""
    if value is None:
        return ""
    return str(format_date(value, format="d MMMM y" if style == "long" else "d-M-y", locale=_NL))


def date_or_text(value: dt.date | str | object, style: str = "long") -> str:
    """A Dutch date for a date or an ISO date text; any other text as it is ('decision_date
    van elk besluit' is a setting, not a date)."""
    if isinstance(value, dt.date):
        return date(value, style)
    try:
        return date(dt.date.fromisoformat(str(value)), style)
    except ValueError:
        return str(value)


__all__ = ["DECIMAL_SIGN", "EURO", "GROUP_SIGN", "LOCALE", "MINUS_SIGN", "MONTHS", "date", "date_or_text", "money", "money_cents", "number", "percent"]
