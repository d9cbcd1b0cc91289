"""Value domains of the verifier: the finite values each field can take that make a difference to
the rules (enumerated vocabularies, numeric and date ranges split at the rules' literals)."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from zorgregels.catalogue.catalogue import Catalogue
from zorgregels.catalogue.compile import (
    POST_DERIVED,
    CompiledTable,
)
from zorgregels.catalogue.conditions import (
    All,
    AnyOf,
    Cmp,
    Cond,
    Contains,
    Not,
    OneOf,
    Present,
    Ref,
)
from zorgregels.catalogue.fields import FIELDS
from zorgregels.core.messages import display

#: No input can make these fields smaller (a derived count exists only for a non-empty list).
FIELD_MIN: dict[str, int] = {
    "domain_count": 1,
    "age": 0,
    "duration_days": 1,
    "volume_norm_pct": 0,
    "code_level": 0,
    "level": 0,
}

#: Beyond this many input combinations for one table the analysis stops with an info diagnostic.
MAX_STATES = 400_000
#: A list field with more literals than this is enumerated with singletons and pairs only.
MAX_LIST_LITERALS = 8

OTHER = "\u00aban\u00adders\u00bb"  # «anders»: a text value no rule mentions



# ---------------------------------------------------------------- value domains


@dataclass(frozen=True)
class Value:
    """One representative value of a field (fact form; None = absent) and what it stands for."""

    value: Any
    label: str


def _walk(cond: Cond | None) -> Iterator[Cond]:
    if cond is None:
        return
    yield cond
    if isinstance(cond, (All, AnyOf)):
        for c in cond.items:
            yield from _walk(c)
    elif isinstance(cond, Not):
        yield from _walk(cond.item)


@dataclass
class _Literals:
    values: dict[str, set[Any]] = field(default_factory=dict)
    links: dict[str, set[str]] = field(default_factory=dict)  # field compared with field
    presence: set[str] = field(default_factory=set)

    def add(self, name: str, value: Any) -> None:
        self.values.setdefault(name, set()).add(value)

    def collect(self, cond: Cond | None) -> None:
        for c in _walk(cond):
            if isinstance(c, Cmp):
                if isinstance(c.value, Ref):
                    self.links.setdefault(c.field, set()).add(c.value.field)
                    self.links.setdefault(c.value.field, set()).add(c.field)
                else:
                    self.add(c.field, c.value)
            elif isinstance(c, (OneOf, Contains)):
                for v in c.values:
                    self.add(c.field, v)
            elif isinstance(c, Present):
                self.presence.add(c.field)


def show_value(name: str, value: Any) -> str:
    if value is None:
        return "(leeg)"
    shown = display(name, list(value) if isinstance(value, tuple) else value)
    if isinstance(shown, bool):
        return "ja" if shown else "nee"
    if isinstance(shown, list):
        return "[" + ", ".join(map(str, shown)) + "]"
    return str(shown)


def _numeric_regions(name: str, points: set[int], default: int, pairs: bool = False) -> list[Value]:
    """One witness per region the literals cut the number line into (fact-form integers).

    With ``pairs`` (the field is compared with another field over the same cut points) every
    open region gets two witnesses, so that both orders and equality of two fields that fall
    in the same region are represented.
    """
    lo_bound = FIELD_MIN.get(name)
    lits = sorted(points)
    out: list[Value] = []

    def add(rep: int, lo: int | None, hi: int | None) -> None:
        if lo_bound is not None:
            if hi is not None and hi < lo_bound:
                return
            if lo is None or lo < lo_bound:
                lo = lo_bound
            rep = max(rep, lo)
        if lo is not None and hi is not None and lo > hi:
            return
        if lo is not None and hi is not None and lo == hi:
            label = show_value(name, rep)
        elif lo is None and hi is not None:
            label = f"{show_value(name, rep)} (elke waarde t/m {show_value(name, hi)})"
        elif hi is None and lo is not None:
            label = f"{show_value(name, rep)} (elke waarde vanaf {show_value(name, lo)})"
        elif lo is not None and hi is not None:
            label = f"{show_value(name, rep)} (elke waarde van {show_value(name, lo)} t/m {show_value(name, hi)})"
        else:
            label = f"{show_value(name, rep)} (elke waarde)"
        out.append(Value(rep, label))
        if pairs and (lo is None or lo != hi):
            second = rep + 1 if hi is None or rep + 1 <= hi else rep - 1
            if (lo is None or second >= lo) and (hi is None or second <= hi) and second != rep:
                out.append(Value(second, label.replace(show_value(name, rep), show_value(name, second), 1)))

    if not lits:
        add(default, None, None)
        return out
    add(lits[0] - 1, None, lits[0] - 1)
    for i, lit in enumerate(lits):
        add(lit, lit, lit)
        nxt = lits[i + 1] if i + 1 < len(lits) else None
        if nxt is None:
            add(lit + 1, lit + 1, None)
        elif nxt > lit + 1:
            add(lit + 1, lit + 1, nxt - 1)
    return out


class Domains:
    """Representative values per field, for one catalogue."""

    def __init__(self, cat: Catalogue, tables: list[CompiledTable]):
        self.cat = cat
        self.lits = _Literals()
        for t in tables:
            self.lits.collect(t.applies_when)
            for r in t.rows:
                self.lits.collect(r.cond)
        self.produced: dict[str, set[Any]] = {}
        self.writers: dict[str, str] = {}
        for t in tables:
            for r in t.rows:
                for o, v in r.outputs.items():
                    self.produced.setdefault(o, set()).add(tuple(v) if isinstance(v, list) else v)
            for o in t.outputs:
                self.writers.setdefault(o, t.id)
                for extra in POST_DERIVED.get(o, ()):
                    self.writers.setdefault(extra, t.id)
        if "level" in self.produced:
            self.produced["advised_perceel"] = {
                p for p in (cat.perceel_of_level(lv) for lv in self.produced["level"]) if p is not None}
        self.applies_fields: set[str] = set()
        for t in tables:
            if t.applies_when is not None:
                self.applies_fields.update(cond_fields(t.applies_when))
        date0 = cat.region.contract_from or dt.date(2025, 1, 1)
        self._date0 = date0.toordinal()
        self._cache: dict[tuple[str, bool], list[Value]] = {}

    def is_root(self, name: str) -> bool:
        """A field the input (or derive()) supplies, rather than only a table."""
        return not (name in self.writers and FIELDS[name].derived)

    def may_be_absent(self, name: str) -> bool:
        f = FIELDS[name]
        if f.type == "bool" and f.default is not None:
            return False
        if name in self.writers and not FIELDS[name].derived:
            return True  # an input a table fills when the referrer left it empty
        return name in self.applies_fields or name in self.lits.presence

    def values(self, name: str, with_absent: bool) -> list[Value]:
        key = (name, with_absent)
        if key not in self._cache:
            vals = self._present_values(name)
            if with_absent and self.may_be_absent(name):
                vals = vals + [Value(None, "(leeg)")]
            self._cache[key] = vals
        return self._cache[key]

    def _present_values(self, name: str) -> list[Value]:
        f = FIELDS[name]
        lits = self.lits.values.get(name, set())
        if name in self.writers and f.derived:
            vals = sorted(self.produced.get(name, set()), key=repr)
            return [Value(v, show_value(name, v)) for v in vals]
        vocab = self._vocab(name)
        if f.type == "list":
            return self._list_values(name, lits, vocab)
        if vocab is not None:
            vals = list(vocab)
            vals += [v for v in sorted(self.produced.get(name, set()), key=repr) if v not in vals]
            return [Value(v, show_value(name, v)) for v in vals]
        if f.type == "str":
            vals = sorted(lits) + [OTHER]
            return [Value(v, show_value(name, v) if v != OTHER else "een andere waarde") for v in vals]
        points = set(lits)
        for other in self.lits.links.get(name, ()):
            points |= self.lits.values.get(other, set())
        default = self._date0 if f.type == "date" else 0
        linked = bool(self.lits.links.get(name))
        return _numeric_regions(name, {int(p) for p in points}, default, pairs=linked)

    def _vocab(self, name: str) -> list[Any] | None:
        f = FIELDS[name]
        if f.type == "bool":
            return [False, True]
        if name in ("domains", "primary_domain"):
            return list(self.cat.domains)
        if name in ("code", "advised_code", "allowed_codes"):
            return list(self.cat.codes)
        if name in ("code_level",):
            return sorted(self.cat.ladder)
        if name in ("code_perceel", "advised_perceel"):
            return sorted({lv.perceel for lv in self.cat.ladder.values() if lv.perceel is not None})
        if name == "code_category":
            return sorted({c.category for c in self.cat.codes.values()})
        if f.values is not None:
            return [int(v) for v in f.values] if f.type == "int" else list(f.values)
        return None

    def _list_values(self, name: str, lits: set[Any], vocab: list[Any] | None) -> list[Value]:
        tested = sorted(lits)
        spare = [v for v in (vocab or [OTHER]) if v not in lits][:1]
        base = tested + spare
        if len(tested) <= MAX_LIST_LITERALS:
            subsets = [c for n in range(1, len(base) + 1) for c in itertools.combinations(base, n)]
        else:
            subsets = [c for n in (1, 2) for c in itertools.combinations(base, n)] + [tuple(base)]
        return [Value(tuple(s), show_value(name, tuple(s))) for s in subsets]


def cond_fields(cond: Cond) -> set[str]:
    out: set[str] = set()
    for c in _walk(cond):
        if isinstance(c, (Cmp, OneOf, Contains, Present)):
            out.add(c.field)
            if isinstance(c, Cmp) and isinstance(c.value, Ref):
                out.add(c.value.field)
    return out


