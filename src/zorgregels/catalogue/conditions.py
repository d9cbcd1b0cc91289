"""Conditions: declarative data over named fields, parsed into a small typed tree.

The YAML a policy officer writes reads aloud::

    when:
      all:
        - level: {at_least: 4}
        - explanatory_analysis_date: {present: false}

is "level at least 4 and no explanatory analysis date". The tree below is the one meaning of
that text; the durable-rules adapter, the columnar evaluator and the verifier all translate or
walk this tree, and none of them ever evaluates rule text as code.

Semantics (two-valued, the same in every backend): a comparison on a field that is absent is
false; ``not`` negates; ``present: false`` is true exactly when the field is absent.
``not_equals`` and ``not_one_of`` are the negations of ``equals`` and ``one_of``, so they hold
for an absent field too (a rule that must not fire then lists the field under ``requires``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Union

from zorgregels.catalogue.fields import FIELDS, SCALE, Field
from zorgregels.catalogue.model import parse_decimal, parse_iso_date

Scalar = Union[str, int, bool]


@dataclass(frozen=True)
class Ref:
    """Another field's value, as the right-hand side of a comparison."""

    field: str


@dataclass(frozen=True)
class Cmp:
    field: str
    op: str  # eq ne lt le gt ge
    value: Scalar | Ref


@dataclass(frozen=True)
class OneOf:
    field: str
    values: tuple[Scalar, ...]


@dataclass(frozen=True)
class Contains:
    """A list field contains any (or all) of the values."""

    field: str
    values: tuple[str, ...]
    all: bool = False


@dataclass(frozen=True)
class Present:
    field: str
    present: bool


@dataclass(frozen=True)
class All:
    items: tuple[Cond, ...]


@dataclass(frozen=True)
class AnyOf:
    items: tuple[Cond, ...]


@dataclass(frozen=True)
class Not:
    item: Cond


@dataclass(frozen=True)
class Const:
    value: bool


Cond = Union[Cmp, OneOf, Contains, Present, All, AnyOf, Not, Const]

OPS = {
    "equals": "eq",
    "not_equals": "ne",
    "less_than": "lt",
    "before": "lt",
    "at_most": "le",
    "on_or_before": "le",
    "greater_than": "gt",
    "after": "gt",
    "at_least": "ge",
    "on_or_after": "ge",
}
NEGATE = {"eq": "ne", "ne": "eq", "lt": "ge", "le": "gt", "gt": "le", "ge": "lt"}
SYMBOL = {"eq": "=", "ne": "≠", "lt": "<", "le": "≤", "gt": ">", "ge": "≥"}
LIST_OPS = {"one_of", "not_one_of", "between", "contains", "contains_all", "present"}


class ConditionError(ValueError):
    """A condition that cannot be compiled; ``path`` locates it inside the YAML node."""

    def __init__(self, message: str, path: tuple[Any, ...] = ()):
        super().__init__(message)
        self.path = path


# ---------------------------------------------------------------- values in fact form


def to_fact_value(field: Field, value: Any) -> Scalar:
    """Convert a literal written in a rule, or a typed record value, to its fact form."""
    if value is None:
        raise ValueError("geen waarde")
    t = field.type
    if t == "date":
        day = value if isinstance(value, dt.date) else parse_iso_date(value)
        return day.toordinal()
    if t in ("money", "decimal"):
        amount = value if isinstance(value, Decimal) else parse_decimal(value)
        scaled = amount * SCALE
        if scaled != scaled.to_integral_value():
            raise ValueError(f"{value} heeft meer dan 4 decimalen")
        return int(scaled)
    if t == "int":
        if isinstance(value, bool):
            raise ValueError(f"verwacht een geheel getal, kreeg {value!r}")
        try:
            result = int(str(value).strip())
        except ValueError:
            raise ValueError(f"verwacht een geheel getal, kreeg {value!r}") from None
        if field.values and str(result) not in field.values:
            raise ValueError(f"{value!r} is geen van {', '.join(field.values)}")
        return result
    if t == "bool":
        if not isinstance(value, bool):
            raise ValueError(f"verwacht true of false, kreeg {value!r}")
        return value
    # str, and the elements of a list
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ValueError(f"verwacht tekst, kreeg {value!r}")
    text = str(value)
    if field.values and text not in field.values:
        raise ValueError(f"{text!r} is geen van {', '.join(field.values)}")
    return text


def from_fact_value(field: Field, value: Any) -> Any:
    """The display form of a fact value (ISO dates, decimal strings)."""
    if value is None:
        return None
    if field.type == "date" and isinstance(value, int):
        return dt.date.fromordinal(value).isoformat()
    if field.type in ("money", "decimal") and isinstance(value, int):
        d = Decimal(value) / SCALE
        if field.type == "money" and d == d.quantize(Decimal("0.01")):
            return str(d.quantize(Decimal("0.01")))
        return format(d.normalize(), "f")
    return value


# ---------------------------------------------------------------- parsing


class Parser:
    """Parses YAML condition data. ``vocab`` narrows string fields to a catalogue's ids."""

    def __init__(self, vocab: dict[str, set[str]] | None = None):
        self.vocab = vocab or {}

    def field(self, name: Any, path: tuple[Any, ...]) -> Field:
        if not isinstance(name, str) or name not in FIELDS:
            raise ConditionError(f"onbekend veld {name!r}", path)
        return FIELDS[name]

    def literal(self, field: Field, value: Any, path: tuple[Any, ...]) -> Scalar:
        if field.type == "list":
            # elements of a list field are strings
            elem = Field(field.name, "str", field.values)
            value_s = self._literal_str(elem, value, path)
            return value_s
        if field.type == "str":
            return self._literal_str(field, value, path)
        try:
            return to_fact_value(field, value)
        except ValueError as exc:
            raise ConditionError(f"{field.name}: {exc}", path) from None

    def _literal_str(self, field: Field, value: Any, path: tuple[Any, ...]) -> str:
        try:
            text = to_fact_value(field, value)
        except ValueError as exc:
            raise ConditionError(f"{field.name}: {exc}", path) from None
        allowed = self.vocab.get(field.name)
        if allowed is not None and text not in allowed:
            raise ConditionError(
                f"{field.name}: {text!r} staat niet in de catalogus "
                f"(bekend: {', '.join(sorted(allowed))})",
                path,
            )
        return str(text)

    def operand(self, field: Field, value: Any, path: tuple[Any, ...]) -> Scalar | Ref:
        if isinstance(value, dict) and set(value) == {"field"}:
            other = self.field(value["field"], path + ("field",))
            if other.type != field.type:
                raise ConditionError(
                    f"{field.name} ({field.type}) vergeleken met {other.name} ({other.type})", path
                )
            return Ref(other.name)
        return self.literal(field, value, path)

    def parse(self, data: Any, path: tuple[Any, ...] = ()) -> Cond:
        if isinstance(data, bool):
            return Const(data)
        if not isinstance(data, dict) or not data:
            raise ConditionError(
                "een voorwaarde is een mapping: all/any/not, of veld: test", path
            )
        items: list[Cond] = []
        for key, value in data.items():
            sub = path + (key,)
            if key == "all" or key == "any":
                if not isinstance(value, list) or not value:
                    raise ConditionError(f"'{key}' verwacht een niet-lege lijst van voorwaarden", sub)
                parts = tuple(self.parse(v, sub + (i,)) for i, v in enumerate(value))
                items.append(All(parts) if key == "all" else AnyOf(parts))
            elif key == "not":
                items.append(Not(self.parse(value, sub)))
            elif key == "always":
                if not isinstance(value, bool):
                    raise ConditionError("'always' verwacht true of false", sub)
                items.append(Const(value))
            else:
                items.append(self.test(key, value, sub))
        return items[0] if len(items) == 1 else All(tuple(items))

    def test(self, name: str, value: Any, path: tuple[Any, ...]) -> Cond:
        field = self.field(name, path)
        if isinstance(value, list):
            return self._one_of(field, value, path)
        if not isinstance(value, dict):
            if field.type == "list":
                return Contains(field.name, (str(self.literal(field, value, path)),))
            return Cmp(field.name, "eq", self.literal(field, value, path))
        if not value:
            raise ConditionError(f"{name}: lege test", path)
        parts: list[Cond] = []
        for op, arg in value.items():
            sub = path + (op,)
            if op in OPS:
                if field.type == "list":
                    raise ConditionError(f"{name} is een lijst; gebruik contains", sub)
                cmp_op = OPS[op]
                operand = self.operand(field, arg, sub)
                # "not_equals" is the negation of "equals": it also holds for an empty field
                parts.append(Not(Cmp(field.name, "eq", operand)) if cmp_op == "ne"
                             else Cmp(field.name, cmp_op, operand))
            elif op == "one_of":
                parts.append(self._one_of(field, arg, sub))
            elif op == "not_one_of":
                parts.append(Not(self._one_of(field, arg, sub)))
            elif op == "between":
                if not isinstance(arg, list) or len(arg) != 2:
                    raise ConditionError(f"{name}: between verwacht [van, tot en met]", sub)
                lo, hi = (self.operand(field, a, sub + (i,)) for i, a in enumerate(arg))
                parts.append(All((Cmp(field.name, "ge", lo), Cmp(field.name, "le", hi))))
            elif op in ("contains", "contains_all"):
                if field.type != "list":
                    raise ConditionError(f"{name} is geen lijst; contains past niet", sub)
                vals = arg if isinstance(arg, list) else [arg]
                if not vals:
                    raise ConditionError(f"{name}: {op} verwacht een waarde", sub)
                parsed = tuple(str(self.literal(field, v, sub)) for v in vals)
                parts.append(Contains(field.name, parsed, all=op == "contains_all"))
            elif op == "present":
                if not isinstance(arg, bool):
                    raise ConditionError(f"{name}: present verwacht true of false", sub)
                parts.append(Present(field.name, arg))
            else:
                known = ", ".join(sorted(set(OPS) | LIST_OPS))
                raise ConditionError(f"{name}: onbekende test {op!r} (bekend: {known})", sub)
        return parts[0] if len(parts) == 1 else All(tuple(parts))

    def _one_of(self, field: Field, values: Any, path: tuple[Any, ...]) -> Cond:
        if not isinstance(values, list) or not values:
            raise ConditionError(f"{field.name}: one_of verwacht een niet-lege lijst", path)
        if field.type == "list":
            return Contains(field.name, tuple(str(self.literal(field, v, path)) for v in values))
        return OneOf(field.name, tuple(self.literal(field, v, path + (i,)) for i, v in enumerate(values)))


# ---------------------------------------------------------------- walking the tree


def fields_of(cond: Cond) -> list[str]:
    """The fields a condition reads, in first-mention order."""
    out: list[str] = []

    def walk(c: Cond) -> None:
        if isinstance(c, (All, AnyOf)):
            for i in c.items:
                walk(i)
        elif isinstance(c, Not):
            walk(c.item)
        elif isinstance(c, Const):
            return
        else:
            if c.field not in out:
                out.append(c.field)
            if isinstance(c, Cmp) and isinstance(c.value, Ref) and c.value.field not in out:
                out.append(c.value.field)

    walk(cond)
    return out


_PY_CMP = {
    "eq": lambda a, b: a == b,
    "ne": lambda a, b: a != b,
    "lt": lambda a, b: a < b,
    "le": lambda a, b: a <= b,
    "gt": lambda a, b: a > b,
    "ge": lambda a, b: a >= b,
}


def holds(cond: Cond, fact: dict[str, Any]) -> bool:
    """Reference semantics on a fact dict (absent = key missing or None).

    Used by the table verifier, which enumerates input combinations far faster than a rule
    engine session per combination could; the conformance suite holds every backend to it.
    """
    if isinstance(cond, Cmp):
        left = fact.get(cond.field)
        right = fact.get(cond.value.field) if isinstance(cond.value, Ref) else cond.value
        if left is None or right is None:
            return False
        return bool(_PY_CMP[cond.op](left, right))
    if isinstance(cond, OneOf):
        v = fact.get(cond.field)
        return v is not None and v in cond.values
    if isinstance(cond, Contains):
        v = fact.get(cond.field) or ()
        if cond.all:
            return bool(v) and all(x in v for x in cond.values)
        return any(x in v for x in cond.values)
    if isinstance(cond, Present):
        v = fact.get(cond.field)
        return (v is not None and v != []) == cond.present
    if isinstance(cond, All):
        return all(holds(c, fact) for c in cond.items)
    if isinstance(cond, AnyOf):
        return any(holds(c, fact) for c in cond.items)
    if isinstance(cond, Not):
        return not holds(cond.item, fact)
    if isinstance(cond, Const):
        return cond.value
    raise TypeError(cond)


def describe(cond: Cond) -> str:
    """A compact, readable rendering for traces and diagnostics."""

    def val(field: str, v: Any) -> str:
        if isinstance(v, Ref):
            return v.field
        return repr(from_fact_value(FIELDS[field], v)) if FIELDS[field].type != "str" else repr(v)

    if isinstance(cond, Cmp):
        return f"{cond.field} {SYMBOL[cond.op]} {val(cond.field, cond.value)}"
    if isinstance(cond, OneOf):
        return f"{cond.field} in [{', '.join(val(cond.field, v) for v in cond.values)}]"
    if isinstance(cond, Contains):
        word = "bevat alle van" if cond.all else "bevat een van"
        return f"{cond.field} {word} [{', '.join(cond.values)}]"
    if isinstance(cond, Present):
        return f"{cond.field} {'ingevuld' if cond.present else 'leeg'}"
    if isinstance(cond, All):
        return " en ".join(f"({describe(c)})" if isinstance(c, AnyOf) else describe(c) for c in cond.items)
    if isinstance(cond, AnyOf):
        return " of ".join(f"({describe(c)})" if isinstance(c, All) else describe(c) for c in cond.items)
    if isinstance(cond, Not):
        return f"niet ({describe(cond.item)})"
    return "altijd" if cond.value else "nooit"
