"""What a fact value and a message look like to a person, in the scalar form (one case) and
the expression form (a batch) side by side: ``display`` / ``display_expr``,
``format_message`` / ``message_expr``, and the messages of the engine's own findings (a gap or
a conflict in a table, missing inputs, a malformed value).

Fact values are shown as ``catalogue.conditions.from_fact_value`` shows them (ISO dates,
decimals without trailing zeros, money with cents) in a finding's expected/actual and its
values. In a message they read Dutch (``core.nl``): money as ``€ 1.234,50`` (more decimals
only when the amount has them: a message never rounds a difference away), decimals as
``1.234,5``, dates as ``3 maart 2025``, booleans ja/nee, lists joined with ", ".
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, Literal

import polars as pl

from zorgregels.catalogue.compile import CompiledTable
from zorgregels.catalogue.conditions import from_fact_value
from zorgregels.catalogue.fields import FIELDS, SCALE, Field
from zorgregels.catalogue.templates import PLACEHOLDER, Part, Piece, Slot, Text, parse
from zorgregels.core import nl
from zorgregels.core.exprs import as_date, iso_date

#: what a message shows for an absent value
EMPTY = "(leeg)"
MISSING_PREFIX = "Ontbrekende gegevens; zonder deze geven de regels geen advies: "
#: a finding of a rule that judged a care question's advice (fact ``on_advice``) says so, and
#: its message's ``{code}`` is then the advised code
ADVICE_PREFIX = "Het advies ({advised_code}): "
ADVICE_NAMES = {"code": "advised_code"}

Style = Literal["message", "repr", "value"]


# ------------------------------------------------------------------ a fact value


def display(name: str, value: Any) -> Any:
    """A fact value as a person reads it (None when absent)."""
    if value is None:
        return None
    f = _SHOWN_OTHERWISE.get(name)
    return value if f is None else from_fact_value(f, value)


def display_all(fact: Mapping[str, Any]) -> dict[str, Any]:
    """``display`` of every value of a fact, by name (one pass, no call per plain value; a
    date's or an amount's display form is worked out once per value: ``_shown_as``)."""
    otherwise = _SHOWN_OTHERWISE
    known = _SHOWN_AS
    out: dict[str, Any] = {}
    for k, v in fact.items():
        f = otherwise.get(k)
        if f is None:
            out[k] = v
        elif type(v) is int:  # an ordinal or a scaled amount (never a bool: ``type`` is exact)
            shown = known.get((f.type, v))
            out[k] = shown if shown is not None else _shown_as(f, v)
        else:
            out[k] = from_fact_value(f, v)
    return out


def _shown_as(f: Field, value: int) -> Any:
    """``from_fact_value`` of an ordinal or a scaled amount, remembered by the field's type and
    the value (a date or an amount reads the same in every case; the Decimal arithmetic of an
    amount costs more than the lookup)."""
    shown = from_fact_value(f, value)
    if len(_SHOWN_AS) >= _MAX_SHOWN:  # a batch of distinct values: start over
        _SHOWN_AS.clear()
    _SHOWN_AS[(f.type, value)] = shown
    return shown


#: the fields whose fact form reads otherwise (``from_fact_value``: dates and amounts); every
#: other value reads as it is
_SHOWN_OTHERWISE = {n: f for n, f in FIELDS.items() if f.type in ("date", "money", "decimal")}
#: ``from_fact_value`` by (field type, fact value) for the ints of ``_SHOWN_OTHERWISE``'s fields
_SHOWN_AS: dict[tuple[str, int], Any] = {}
_MAX_SHOWN = 65_536


def dutch(name: str, value: Any) -> Any:
    """A fact value as a message reads it: ``display``, with money, decimals and dates in
    Dutch (``core.nl``); None when absent."""
    v = display(name, value)
    f = _SHOWN_OTHERWISE.get(name)
    if v is None or f is None:
        return v
    if f.type == "date":
        return nl.date(v if isinstance(v, dt.date) else dt.date.fromisoformat(str(v)))
    d = Decimal(str(v))
    if f.type == "decimal":
        return nl.number(d)
    # money: cents, or every decimal the amount has (nl.money would round them away)
    return nl.money(d) if d == d.quantize(Decimal("0.01")) else nl.EURO + nl.number(d)


def _grouped(whole: pl.Expr) -> pl.Expr:
    """A whole number (not negative) with a thousands sign every three digits from the right:
    1234567 -> '1.234.567'. Integer arithmetic per group of three (a scaled Int64 has at most
    15 whole digits), three times as fast as a regex on the reversed text."""
    g = nl.GROUP_SIGN
    groups = [(whole // 10**12 % 1000).cast(pl.Utf8),
              *((whole // 1000**i % 1000 + 1000).cast(pl.Utf8).str.slice(1) for i in (3, 2, 1, 0))]
    return (pl.when(whole < 1000).then(whole.cast(pl.Utf8))
            .otherwise(pl.concat_str(groups, separator=g).str.strip_chars_start("0" + g)))


def _scaled_text(col: pl.Expr, money: bool, dutch: bool = False) -> pl.Expr:
    """``from_fact_value`` of a scaled integer, as text, with integer arithmetic only;
    ``dutch``: as ``dutch`` writes it (thousands and decimal signs, money with the euro)."""
    minus, point = (nl.MINUS_SIGN, nl.DECIMAL_SIGN) if dutch else ("-", ".")
    sign = pl.when(col < 0).then(pl.lit(minus)).otherwise(pl.lit(""))
    a = col.abs()
    whole = _grouped(a // SCALE) if dutch else (a // SCALE).cast(pl.Utf8)
    frac4 = (a % SCALE).cast(pl.Utf8).str.zfill(4)
    normal = pl.when(a % SCALE == 0).then(whole).otherwise(
        pl.concat_str([whole, pl.lit(point), frac4.str.strip_chars_end("0")]))
    if money:
        cents = pl.concat_str([whole, pl.lit(point), frac4.str.slice(0, 2)])
        text = pl.when(a % 100 == 0).then(cents).otherwise(normal)
    else:
        text = normal
    # Decimal('-0') never arises: 0 has no sign
    parts = [pl.when(a == 0).then(pl.lit("")).otherwise(sign), text]
    return pl.concat_str([pl.lit(nl.EURO), *parts] if money and dutch else parts)


#: month number -> its Dutch name
_MONTH_NAMES = dict(enumerate(nl.MONTHS, start=1))


def _dutch_date(col: pl.Expr) -> pl.Expr:
    """``nl.date`` of an ordinal column: '3 maart 2025'."""
    d = as_date(col)
    return pl.concat_str([d.dt.day().cast(pl.Utf8), pl.lit(" "),
                          d.dt.month().replace_strict(_MONTH_NAMES, return_dtype=pl.Utf8),
                          pl.lit(" "), d.dt.year().cast(pl.Utf8)])


def display_expr(name: str, col: pl.Expr | None = None, style: Style = "message") -> pl.Expr:
    """Text of a fact value as the engine shows it; null when absent.

    style "message": ``format_message`` (``dutch``: money, decimals and dates in Dutch,
    bools ja/nee, lists joined with ", ");
    style "repr": ``str(display(...))`` in an f-string (True/False, a list's repr);
    style "value": ``display`` for expected/actual (bools True/False).
    """
    col = pl.col(name) if col is None else col
    f = FIELDS.get(name)
    if f is None:
        return pl.lit(None, dtype=pl.Utf8)
    t = f.type
    if t == "str":
        return col
    if t == "int":
        return col.cast(pl.Utf8)
    if t == "bool":
        yes, no = ("ja", "nee") if style == "message" else ("True", "False")
        return pl.when(col.is_null()).then(None).when(col).then(pl.lit(yes)).otherwise(pl.lit(no))
    if t == "date":
        return _dutch_date(col) if style == "message" else iso_date(col)
    if t in ("money", "decimal"):
        return _scaled_text(col, t == "money", dutch=style == "message")
    if t == "list":
        if style == "repr":
            return col.map_elements(lambda v: repr(list(v)), return_dtype=pl.Utf8)
        return col.list.join(", ")
    raise TypeError(t)


# ------------------------------------------------------------------ a rule's message


def _shown(v: Any) -> str:
    """A fact value (as ``dutch`` gives it) as a message reads it."""
    if v is None:
        return EMPTY
    if isinstance(v, bool):
        return "ja" if v else "nee"
    return ", ".join(map(str, v)) if isinstance(v, list) else str(v)


def _part_shows(part: Part, v: Any) -> bool:
    """Whether a conditional part shows for a fact value (as ``dutch`` gives it)."""
    present = v is not None and v != []
    if part.test == "absent":
        return not present
    if part.test == "equals":
        return present and _shown(v) == part.value
    return v is True if isinstance(v, bool) else present


def format_message(template: str, fact: Mapping[str, Any], advice: bool = False) -> str:
    """A rule's message with its placeholders filled from one case's fact and its conditional
    parts (``catalogue.templates``) kept where the case makes them true. ``advice``: the rule
    reads the advised code's facts (``core.advice.judges_advice``); on an advice the message
    then starts with ``ADVICE_PREFIX`` and ``{code}`` is the advised code."""
    on_advice = advice and bool(fact.get("on_advice"))
    if on_advice:
        template = ADVICE_PREFIX + template

    def value(name: str) -> Any:
        name = ADVICE_NAMES.get(name, name) if on_advice else name
        return dutch(name, fact.get(name))

    def text(pieces: Sequence[Piece]) -> str:
        out: list[str] = []
        for p in pieces:
            if isinstance(p, Text):
                out.append(p.text)
            elif isinstance(p, Slot):
                out.append(_shown(value(p.field)))
            elif _part_shows(p, value(p.field)):
                out.append(text(p.body))
        return "".join(out)

    return text(_parsed(template))


#: a rule's message template parsed once (the catalogue's templates are a fixed, small set)
_parsed = functools.lru_cache(maxsize=4096)(parse)


def fields_shown(template: str, fact: Mapping[str, Any]) -> list[str]:
    """The facts a message shows for one case: its placeholders outside conditional parts, and
    the fact and placeholders of each conditional part that shows (the reasons it names)."""
    out: list[str] = []
    for p in _parsed(template):
        if isinstance(p, Slot):
            names = [p.field]
        elif isinstance(p, Part) and _part_shows(p, dutch(p.field, fact.get(p.field))):
            names = [p.field, *(s.field for s in p.body if isinstance(s, Slot))]
        else:
            continue
        out += [n for n in names if n not in out]
    return out


def _part_expr(part: Part, name: str) -> pl.Expr:
    """``_part_shows`` for a batch: never null."""
    f = FIELDS.get(name)
    if f is None:
        return pl.lit(part.test == "absent")
    col = pl.col(name)
    present = col.is_not_null() & (col.list.len() > 0) if f.type == "list" else col.is_not_null()
    if part.test == "absent":
        return ~present.fill_null(False)
    if part.test == "equals":
        return (display_expr(name) == pl.lit(part.value)).fill_null(False)
    return col.fill_null(False) if f.type == "bool" else present.fill_null(False)


def _message_expr(template: str, names: Mapping[str, str]) -> pl.Expr:
    def exprs(pieces: Sequence[Piece]) -> list[pl.Expr]:
        parts: list[pl.Expr] = []
        for p in pieces:
            if isinstance(p, Text):
                parts.append(pl.lit(p.text))
                continue
            name = names.get(p.field, p.field)
            if isinstance(p, Slot):
                parts.append(display_expr(name).fill_null(EMPTY) if name in FIELDS else pl.lit(EMPTY))
            else:
                body = exprs(p.body)
                shown = pl.concat_str(body) if body else pl.lit("")
                parts.append(pl.when(_part_expr(p, name)).then(shown).otherwise(pl.lit("")))
        return parts

    parts = exprs(parse(template))
    if not parts:
        return pl.lit("")
    return pl.concat_str(parts) if len(parts) > 1 else parts[0]


def message_expr(template: str, advice: bool = False) -> pl.Expr:
    """``format_message`` for a batch."""
    if not advice:
        return _message_expr(template, {})
    return (pl.when(pl.col("on_advice").fill_null(False))
            .then(_message_expr(ADVICE_PREFIX + template, ADVICE_NAMES))
            .otherwise(_message_expr(template, {})))


# ------------------------------------------------------------------ the engine's own findings


def _gap_head(table: CompiledTable) -> str:
    return f"Geen rij van tabel '{table.name}' past bij "


_GAP_TAIL = "; de regels geven hier geen advies (lacune in de regels)."


def gap_message(table: CompiledTable, values: Mapping[str, Any]) -> str:
    """No row of a table matched the values it compared."""
    shown = ", ".join(f"{k}={display(k, v)}" for k, v in values.items())
    return _gap_head(table) + shown + _GAP_TAIL


def gap_message_expr(table: CompiledTable, compared: Sequence[tuple[str, pl.Expr]]) -> pl.Expr:
    """``gap_message`` for a batch, from the compared fields and their columns at that stage."""
    parts: list[pl.Expr] = []
    for i, (name, col) in enumerate(compared):
        parts += [pl.lit((", " if i else "") + f"{name}="),
                  display_expr(name, col, style="repr").fill_null("None")]
    return pl.concat_str([pl.lit(_gap_head(table)), *parts, pl.lit(_GAP_TAIL)])


def _conflict_tail(table: CompiledTable) -> str:
    return f" van tabel '{table.name}' geven verschillende uitkomsten ({table.hit_policy})."


def conflict_message(table: CompiledTable, rows: Sequence[int]) -> str:
    """Rows (0-based) of a table that give different outcomes."""
    return f"Rijen {', '.join(str(r + 1) for r in rows)}" + _conflict_tail(table)


def conflict_message_expr(table: CompiledTable, rows_text: pl.Expr) -> pl.Expr:
    """``conflict_message`` for a batch, from the matched rows as text (1-based, ", ")."""
    return pl.concat_str([pl.lit("Rijen "), rows_text, pl.lit(_conflict_tail(table))])


def missing_message(missing: Sequence[str]) -> str:
    return MISSING_PREFIX + ", ".join(missing)


def missing_message_expr(missing: pl.Expr) -> pl.Expr:
    return pl.concat_str([pl.lit(MISSING_PREFIX), missing.list.join(", ")])


def invalid_value_message(name: str, reason: str) -> str:
    return f"{name}: {reason}"


def invalid_value_message_expr(name: str, reason: pl.Expr) -> pl.Expr:
    return pl.concat_str([pl.lit(f"{name}: "), reason])


__all__ = ["ADVICE_NAMES", "ADVICE_PREFIX", "EMPTY", "PLACEHOLDER", "conflict_message", "conflict_message_expr", "display",
           "display_all", "display_expr", "dutch", "fields_shown", "format_message", "gap_message", "gap_message_expr",
           "invalid_value_message", "invalid_value_message_expr", "message_expr",
           "missing_message", "missing_message_expr"]
