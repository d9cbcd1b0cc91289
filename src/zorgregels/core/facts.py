"""From a decision record (as a person or an export wrote it) to the typed values and the fact
the rules read: input parsing with an issue per bad field, and the facts the engine derives.

One case (``read_record``) and a batch of text columns (``read_columns``) are read side by side
with the same ``parse_value``, the same vocabulary check and the same defaults.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import polars as pl

from zorgregels.catalogue.catalogue import Catalogue
from zorgregels.catalogue.conditions import to_fact_value
from zorgregels.catalogue.fields import FIELDS, INPUT_FIELDS, SCALE
from zorgregels.catalogue.model import parse_iso_date
from zorgregels.core.derived import derive_case
from zorgregels.core.exprs import INDEX, dtype_of
from zorgregels.diagnostics import InputError

TRUE = {"true", "ja", "j", "yes", "y", "1", "waar", "t"}
FALSE = {"false", "nee", "n", "no", "0", "onwaar", "f"}


@dataclass(frozen=True)
class InputIssue:
    field: str
    value: Any
    message: str


#: No amount, volume or count in a decision comes near this; beyond it a value is a typo or an
#: overflow, and the fact form (integers scaled by 10**4) must stay inside 64 bits.
MAX_MAGNITUDE = Decimal(10) ** 9


def _shown(value: Any) -> str:
    """A bad value as a message quotes it: never a 5,000-digit wall of text."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


#: an exact ISO date; exports may add a time part at midnight (``T00:00:00``, `` 00:00:00.000``)
_ISO_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[T ]00:00(?::00(?:\.0+)?)?)?")


def parse_date(value: Any) -> dt.date:
    """A date as the engine reads it: a ``date``, a ``datetime`` at midnight, or the exact text
    ``JJJJ-MM-DD`` (optionally with a midnight time part, as exports write it). Anything else,
    ``2025-03-01xyz``, ``20250301`` or ``2025-W09-6`` too, is a ValueError with a Dutch reason."""
    if isinstance(value, dt.datetime):
        if value.time() != dt.time(0):
            raise ValueError(f"{value.isoformat()!r} heeft een tijd; een datum is JJJJ-MM-DD")
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = value.strip() if isinstance(value, str) else str(value)
    m = _ISO_DATE.fullmatch(text)
    if m is None:
        raise ValueError(f"{value!r} is geen datum (JJJJ-MM-DD)")
    try:
        return parse_iso_date(m.group(1))  # the rule files' strict ISO date, one parser
    except ValueError:
        raise ValueError(f"{value!r} is geen bestaande datum (JJJJ-MM-DD)") from None


def reference_date(value: Any, what: str = "as_of") -> dt.date:
    """A reference date given to the library: a ``date``, a ``datetime`` (its day, whatever
    the time) or an ISO text ``JJJJ-MM-DD``; anything else is an ``InputError`` naming ``what``."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, (dt.date, str)):
        try:
            return parse_date(value)
        except ValueError as exc:
            raise InputError(f"{what}: {exc}") from None
    raise InputError(f"{what}: een datum (date, datetime of tekst JJJJ-MM-DD) verwacht, "
                     f"niet {type(value).__name__}")


def parse_value(name: str, value: Any) -> Any:
    """One input value as the engine reads it (None when empty); ValueError with a Dutch reason."""
    f = FIELDS[name]
    if isinstance(value, str):
        value = value.strip()
        if value == "":
            return None
    if value is None:
        return None
    t = f.type
    if t == "date":
        return parse_date(value)
    if t == "bool":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in TRUE:
            return True
        if text in FALSE:
            return False
        raise ValueError(f"{value!r} is geen ja/nee-waarde")
    if t in ("decimal", "money"):
        if isinstance(value, bool):
            raise ValueError(f"{value!r} is geen getal")
        text = str(value).strip()
        if "," in text and "." not in text:
            text = text.replace(",", ".")  # Dutch decimal comma
        try:
            d = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"{value!r} is geen getal") from None
        if not d.is_finite():
            raise ValueError(f"{value!r} is geen eindig getal")
        if abs(d) > MAX_MAGNITUDE:
            raise ValueError(f"{_shown(value)} ligt buiten het bereik (ten hoogste 1.000.000.000)")
        if (d * SCALE) != (d * SCALE).to_integral_value():
            raise ValueError(f"{value!r} heeft meer dan 4 decimalen")
        return d
    if t == "int":
        if isinstance(value, bool):
            raise ValueError(f"{value!r} is geen geheel getal")
        try:
            d = Decimal(str(value).strip())
        except InvalidOperation:
            raise ValueError(f"{value!r} is geen geheel getal") from None
        if not d.is_finite() or d != d.to_integral_value():
            raise ValueError(f"{_shown(value)} is geen geheel getal")
        if abs(d) > MAX_MAGNITUDE:
            raise ValueError(f"{_shown(value)} ligt buiten het bereik (ten hoogste 1.000.000.000)")
        result = int(d)
        if f.values and str(result) not in f.values:
            raise ValueError(f"{value!r} is geen van {', '.join(f.values)}")
        return result
    if t == "list":
        items = value if isinstance(value, (list, tuple)) else str(value).split(";")
        out = [str(i).strip() for i in items if i is not None and str(i).strip()]
        unknown = [i for i in out if f.values and i not in f.values]
        if unknown:
            raise ValueError(f"onbekend: {', '.join(unknown)} (bekend: {', '.join(f.values or ())})")
        return out or None
    text = str(value).strip()
    if name in ("referrer_type", "unit") and text.isdigit() and len(text) == 1:
        text = "0" + text  # iJw codes keep their leading zero; spreadsheets drop it
    if f.values and text not in f.values:
        raise ValueError(f"{text!r} is geen van {', '.join(f.values)}")
    return text


def check_vocabulary(name: str, parsed: Any, vocabulary: Mapping[str, set[str]] | None) -> None:
    """A value outside a catalogue's closed vocabulary (its domains) is a bad value as a whole."""
    allowed = (vocabulary or {}).get(name)
    if allowed is None or parsed is None:
        return
    items = parsed if isinstance(parsed, list) else [parsed]
    unknown = [i for i in items if i not in allowed]
    if unknown:
        raise ValueError(f"onbekend: {', '.join(unknown)} (bekend: {', '.join(sorted(allowed))})")


#: what ``parse_distinct`` found for a text of a field: (True, fact value or None) or (False, reason);
#: ``read_record``'s memo: (True, typed value or None) or (False, reason)
Parsed = dict[tuple[str, str], tuple[bool, Any]]
#: the most texts a ``read_record`` memo keeps (then it starts over)
_MAX_MEMO = 65_536


def read_record(raw: Mapping[str, Any], vocabulary: Mapping[str, set[str]] | None = None,
                memo: Parsed | None = None) -> tuple[dict[str, Any], list[InputIssue], dict[str, Any]]:
    """Typed values of the known input fields, an issue per bad value, and the extra columns.

    ``vocabulary`` narrows fields to a catalogue's ids (its domains): a list with an unknown
    item is a bad value as a whole, so a typo never silently drops a domain. ``memo``: what
    earlier records read with the same vocabulary found for a text (as ``parse_distinct``'s,
    but of typed values): a code, a date or a unit reads the same in every case. Free text (a
    note, an id, a BSN) is only stripped: never kept in a memo.
    """
    typed: dict[str, Any] = {}
    issues: list[InputIssue] = []
    extra: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in FIELDS or FIELDS[key].derived:
            extra[key] = value
            continue
        kept = memo is not None and type(value) is str and key in _PARSED_TEXT
        known = memo.get((key, value)) if memo is not None and kept else None
        if known is None:
            known = _read_value(key, value, vocabulary)
            if memo is not None and kept:
                if len(memo) >= _MAX_MEMO:
                    memo.clear()
                memo[(key, value)] = known
        ok, parsed = known
        if not ok:
            issues.append(InputIssue(key, value, parsed))
        elif parsed is not None:
            typed[key] = list(parsed) if type(parsed) is list else parsed  # never the memo's list
    bad = {i.field for i in issues}
    for name in INPUT_FIELDS:
        f = FIELDS[name]
        if f.default is not None and name not in typed and name not in bad:
            typed[name] = f.default
    return typed, issues, extra


def _read_value(name: str, value: Any, vocabulary: Mapping[str, set[str]] | None) -> tuple[bool, Any]:
    try:
        parsed = parse_value(name, value)
        check_vocabulary(name, parsed, vocabulary)
    except ValueError as exc:
        return False, str(exc)
    return True, parsed


@dataclass(frozen=True)
class InputColumns:
    """A batch read as ``read_record`` reads one record: ``frame`` has ``INDEX``, one fact
    column per field (absent ones empty), for each field present in the batch its text as given
    (``raw_column``) and, where some value was bad, the reason per row (``error_column``)."""

    frame: pl.DataFrame
    present: list[str]  # input fields the batch has, in its column order
    bad: list[str]  # those with at least one bad value


def raw_column(name: str) -> str:
    return f"__raw_{name}"


def error_column(name: str) -> str:
    return f"__err_{name}"


#: prefixes of the bookkeeping columns of ``InputColumns`` (dropped once findings are built)
INPUT_SCRATCH = ("__raw_", "__err_")
#: Python's ``str.isspace`` characters: ``str.strip()`` removes exactly these.
PY_WHITESPACE = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())


def _stripped(col: pl.Expr) -> pl.Expr:
    s = col.str.strip_chars(PY_WHITESPACE)
    return pl.when(s == "").then(None).otherwise(s)


def _free_text(name: str) -> bool:
    f = FIELDS[name]
    return f.type == "str" and not f.values


#: the input fields whose text is parsed (no free text): what a ``read_record`` memo keeps
_PARSED_TEXT = frozenset(n for n, f in FIELDS.items() if not f.derived and not _free_text(n))




def parse_distinct(name: str, distinct: list[str], vocabulary: Mapping[str, set[str]] | None = None,
                   memo: Parsed | None = None) -> tuple[list[str], list[Any], list[str], list[str]]:
    """``parse_value`` (and the vocabulary check) once per *distinct* text of a column: the
    texts with a value and their fact values, the texts that are bad and their reasons.
    ``memo``: what earlier slices of the same batch found (the same text parses the same way)."""
    keys: list[str] = []
    vals: list[Any] = []
    err_keys: list[str] = []
    errs: list[str] = []
    for u in distinct:
        known = memo.get((name, u)) if memo is not None else None
        if known is None:
            try:
                p = parse_value(name, u)
                check_vocabulary(name, p, vocabulary)
                known = (True, None if p is None else fact_value(name, p))
            except ValueError as exc:
                known = (False, str(exc))
            if memo is not None:
                memo[(name, u)] = known
        ok, value = known
        if not ok:
            err_keys.append(u)
            errs.append(value)
        elif value is not None:
            keys.append(u)
            vals.append(value)
    return keys, vals, err_keys, errs


def parse_column_exprs(name: str, distinct: list[str] | None,
                       vocabulary: Mapping[str, set[str]] | None = None,
                       memo: Parsed | None = None) -> tuple[pl.Expr, pl.Expr | None]:
    """(fact values, reason or null) of one text column as expressions, row for row, given the
    column's distinct texts (``None`` for free text, which is only stripped, column-wise, with
    Python's own whitespace set): a year of decisions has a few thousand distinct dates, codes
    or volumes, so the accepted spellings and the reasons cannot drift from ``parse_value``."""
    raw = pl.col(name).cast(pl.Utf8)
    if distinct is None:
        return _stripped(raw).alias(name), None
    dtype = dtype_of(name)
    keys, vals, err_keys, errs = parse_distinct(name, distinct, vocabulary, memo)
    values = (raw.replace_strict(keys, vals, default=None, return_dtype=dtype) if keys
              else pl.lit(None, dtype=dtype)).alias(name)
    if not err_keys:
        return values, None
    return values, raw.replace_strict(err_keys, errs, default=None, return_dtype=pl.Utf8).alias(name)


def parse_column(df: pl.DataFrame, name: str, vocabulary: Mapping[str, set[str]] | None = None,
                 ) -> tuple[pl.Series, pl.Series | None]:
    """``parse_column_exprs`` of one column of ``df``, as series."""
    distinct = None if _free_text(name) else df.get_column(name).cast(pl.Utf8).drop_nulls().unique().to_list()
    values, errors = parse_column_exprs(name, distinct, vocabulary)
    out = df.select(values, *([errors.alias("__err")] if errors is not None else []))
    return out.get_column(name), out.get_column("__err").alias(name) if errors is not None else None


def read_columns(df: pl.DataFrame, vocabulary: Mapping[str, set[str]] | None = None,
                 memo: Parsed | None = None) -> InputColumns:
    """``read_record`` for a batch of text columns (extra columns are left out). Two passes over
    the batch, each over all columns side by side: their distinct texts, then their values.
    ``memo``: the texts parsed in earlier slices of the same batch (``parse_distinct``)."""
    present = [c for c in df.columns if c in FIELDS and not FIELDS[c].derived]
    parsed = [n for n in present if not _free_text(n)]
    found = df.select(pl.col(n).cast(pl.Utf8).drop_nulls().unique().implode() for n in parsed).row(0) \
        if parsed and df.height else [[] for _ in parsed]
    distinct = dict(zip(parsed, found, strict=True))
    exprs: list[pl.Expr] = [pl.int_range(0, pl.len(), dtype=pl.Int64).alias(INDEX)]
    bad: list[str] = []
    for name in present:
        values, errors = parse_column_exprs(name, distinct.get(name), vocabulary, memo)
        exprs.append(values)
        if errors is not None:
            exprs.append(errors.alias(error_column(name)))
            bad.append(name)
        exprs.append(pl.col(name).cast(pl.Utf8).alias(raw_column(name)))
    frame = df.select(exprs).with_columns(
        [pl.lit(None, dtype=dtype_of(n)).alias(n) for n in FIELDS if n not in present])
    # situation flags: not recorded means "no", unless the value was malformed
    defaults = []
    for name in INPUT_FIELDS:
        f = FIELDS[name]
        if f.default is not None:
            given = pl.col(name).is_not_null()
            if name in bad:
                given = given | pl.col(error_column(name)).is_not_null()
            defaults.append(pl.when(given).then(pl.col(name)).otherwise(pl.lit(f.default)).alias(name))
    return InputColumns(frame.with_columns(defaults), present, bad)


def derive(typed: Mapping[str, Any], catalogue: Catalogue, as_of: dt.date) -> dict[str, Any]:
    """The derived facts of domain.md (typed values, not yet in fact form); declared in
    ``core.derived``, which the columnar evaluator walks too."""
    return derive_case(typed, catalogue, as_of)


def fact_value(name: str, value: Any) -> Any:
    """One typed value in fact form (an ordinal, a scaled integer, ...)."""
    t = _TYPES[name]
    if t == "list":
        return [str(v) for v in value]
    if t == "int":
        return int(value)
    if t == "str":
        return str(value)
    return to_fact_value(FIELDS[name], value)


#: each field's type, by name
_TYPES = {name: f.type for name, f in FIELDS.items()}


def to_fact(values: Mapping[str, Any]) -> dict[str, Any]:
    """Typed values to fact form (ordinals, scaled integers); absent values are left out."""
    return {key: fact_value(key, value) for key, value in values.items()
            if value is not None and key in _TYPES and value != []}


__all__ = ["INPUT_FIELDS", "INPUT_SCRATCH", "InputColumns", "InputIssue", "Parsed", "check_vocabulary",
           "derive", "error_column", "fact_value", "parse_column", "parse_column_exprs", "parse_date",
           "parse_distinct", "parse_value",
           "raw_column", "read_columns", "read_record", "reference_date", "to_fact"]
