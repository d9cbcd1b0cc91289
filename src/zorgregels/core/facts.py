"""From a decision record (as a person or an export wrote it) to the typed values and the fact
the rules read: input parsing with an issue per bad field, and the facts the engine derives.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from zorgregels.catalogue.catalogue import Catalogue
from zorgregels.catalogue.conditions import to_fact_value
from zorgregels.catalogue.fields import FIELDS, INPUT_FIELDS, SCALE
from zorgregels.core.derived import derive_case

TRUE = {"true", "ja", "j", "yes", "y", "1", "waar", "t"}
FALSE = {"false", "nee", "n", "no", "0", "onwaar", "f"}


@dataclass(frozen=True)
class InputIssue:
    field: str
    value: Any
    message: str


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
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value)[:10]) if len(str(value)) >= 10 else dt.date.fromisoformat(str(value))
        except ValueError:
            raise ValueError(f"{value!r} is geen bestaande datum (JJJJ-MM-DD)") from None
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
            raise ValueError(f"{value!r} is geen geheel getal")
        result = int(d)
        if f.values and str(result) not in f.values:
            raise ValueError(f"{value!r} is geen van {', '.join(f.values)}")
        return result
    if t == "list":
        items = value if isinstance(value, (list, tuple)) else str(value).split(";")
        out = [str(i).strip() for i in items if i is not None and str(i).strip()]
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


def read_record(raw: Mapping[str, Any], vocabulary: Mapping[str, set[str]] | None = None,
                ) -> tuple[dict[str, Any], list[InputIssue], dict[str, Any]]:
    """Typed values of the known input fields, an issue per bad value, and the extra columns.

    ``vocabulary`` narrows fields to a catalogue's ids (its domains): a list with an unknown
    item is a bad value as a whole, so a typo never silently drops a domain.
    """
    typed: dict[str, Any] = {}
    issues: list[InputIssue] = []
    extra: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in FIELDS or FIELDS[key].derived:
            extra[key] = value
            continue
        try:
            parsed = parse_value(key, value)
            check_vocabulary(key, parsed, vocabulary)
        except ValueError as exc:
            issues.append(InputIssue(key, value, str(exc)))
            continue
        if parsed is not None:
            typed[key] = parsed
    bad = {i.field for i in issues}
    for name in INPUT_FIELDS:
        f = FIELDS[name]
        if f.default is not None and name not in typed and name not in bad:
            typed[name] = f.default
    return typed, issues, extra


def derive(typed: Mapping[str, Any], catalogue: Catalogue, as_of: dt.date) -> dict[str, Any]:
    """The derived facts of domain.md (typed values, not yet in fact form); declared in
    ``core.derived``, which the columnar evaluator walks too."""
    return derive_case(typed, catalogue, as_of)


def to_fact(values: Mapping[str, Any]) -> dict[str, Any]:
    """Typed values to fact form (ordinals, scaled integers); absent values are left out."""
    fact: dict[str, Any] = {}
    for key, value in values.items():
        if value is None or value == [] or key not in FIELDS:
            continue
        f = FIELDS[key]
        if f.type == "list":
            fact[key] = [str(v) for v in value]
        elif f.type == "int":
            fact[key] = int(value)
        elif f.type == "str":
            fact[key] = str(value)
        else:
            fact[key] = to_fact_value(f, value)
    return fact


__all__ = ["INPUT_FIELDS", "InputIssue", "check_vocabulary", "derive", "parse_value", "read_record",
           "to_fact"]
