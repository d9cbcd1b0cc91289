"""Static verification of a catalogue's decision tables, codes and tariffs.

Exact, not sampled. Every field a table reads gets a finite set of representative values:

- booleans, fields with a closed vocabulary (``fields.py``), the catalogue's own domains and
  codes, ladder levels; a field another table writes takes only the values that table can
  write (plus the vocabulary when a referrer may also record it);
- numbers and dates are split at the boundaries the rules mention: with the literals
  ``l1 < ... < ln`` of all conditions on the field, every value falls in one of the regions
  ``(-inf, l1)``, ``{l1}``, ``(l1, l2)``, ..., ``{ln}``, ``(ln, inf)`` and no condition can tell
  two values of one region apart, so one witness per region is exact;
- open text fields get their literals and one value no rule mentions; list fields get every
  subset of the literals the rules test for.

The tables are then run in the engine's stage order over the product of those values, with
``conditions.holds`` (the reference semantics) and ``engine.resolve_table`` (the hit policies),
so a table is analysed only on input it can actually receive: ``applies_when`` is respected and
an input another table writes takes only the values that table writes *for that input*.

Diagnostics (stable codes): ``table.gap`` and ``table.overlap`` are errors; ``table.shadowed_row``,
``table.row_never_fires``, ``table.dead_column``, ``code.unreachable`` and ``tariff.gap`` are
warnings; ``verify.too_large`` (info) says a table was too large to enumerate. Each carries a
witness: the input in the gap, the two rows and the input on which they disagree, and so on.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zorgregels.catalogue.catalogue import Catalogue
from zorgregels.catalogue.compile import (
    POST_DERIVED,
    CompiledRow,
    CompiledTable,
    compile_catalogue,
    table_reads,
)
from zorgregels.catalogue.conditions import (
    All,
    AnyOf,
    Cmp,
    Cond,
    Const,
    Contains,
    Not,
    OneOf,
    Present,
    Ref,
    describe,
    holds,
)
from zorgregels.catalogue.fields import FIELDS
from zorgregels.core.semantics import TableResult, display, post_derive, resolve_table
from zorgregels.diagnostics import Diagnostic

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


def _show(name: str, value: Any) -> str:
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
            label = _show(name, rep)
        elif lo is None and hi is not None:
            label = f"{_show(name, rep)} (elke waarde t/m {_show(name, hi)})"
        elif hi is None and lo is not None:
            label = f"{_show(name, rep)} (elke waarde vanaf {_show(name, lo)})"
        elif lo is not None and hi is not None:
            label = f"{_show(name, rep)} (elke waarde van {_show(name, lo)} t/m {_show(name, hi)})"
        else:
            label = f"{_show(name, rep)} (elke waarde)"
        out.append(Value(rep, label))
        if pairs and (lo is None or lo != hi):
            second = rep + 1 if hi is None or rep + 1 <= hi else rep - 1
            if (lo is None or second >= lo) and (hi is None or second <= hi) and second != rep:
                out.append(Value(second, label.replace(_show(name, rep), _show(name, second), 1)))

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
                self.applies_fields.update(_fields(t.applies_when))
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
            return [Value(v, _show(name, v)) for v in vals]
        vocab = self._vocab(name)
        if f.type == "list":
            return self._list_values(name, lits, vocab)
        if vocab is not None:
            vals = list(vocab)
            vals += [v for v in sorted(self.produced.get(name, set()), key=repr) if v not in vals]
            return [Value(v, _show(name, v)) for v in vals]
        if f.type == "str":
            vals = sorted(lits) + [OTHER]
            return [Value(v, _show(name, v) if v != OTHER else "een andere waarde") for v in vals]
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
        return [Value(tuple(s), _show(name, tuple(s))) for s in subsets]


def _fields(cond: Cond) -> set[str]:
    out: set[str] = set()
    for c in _walk(cond):
        if isinstance(c, (Cmp, OneOf, Contains, Present)):
            out.add(c.field)
            if isinstance(c, Cmp) and isinstance(c.value, Ref):
                out.add(c.value.field)
    return out


# ---------------------------------------------------------------- reachable input per table


@dataclass
class Seen:
    """One distinct input a table can receive, with a full input that leads to it."""

    fact: dict[str, Any]
    origin: dict[str, Any]
    result: TableResult
    matched: list[int]


@dataclass
class TableAnalysis:
    table: CompiledTable
    reads: list[str]
    seen: dict[tuple[Any, ...], Seen] = field(default_factory=dict)
    too_large: bool = False
    effective: set[int] | None = None  # rows whose outputs become a result on some input
    dead_rows: set[int] = field(default_factory=set)  # never fire or shadowed


def _tuple_lists(d: dict[str, Any]) -> dict[str, Any]:
    return {k: tuple(v) if isinstance(v, list) else v for k, v in d.items()}


def _mask(indexes: list[int], n: int) -> int:
    bits = bytearray((n + 7) // 8)
    for i in indexes:
        bits[i >> 3] |= 1 << (i & 7)
    return int.from_bytes(bits, "little")


class RowMatcher:
    """Which rows of a table hold on each of many inputs, exactly as ``holds`` says.

    Each leaf test (a comparison on one field) is decided by ``holds`` once per distinct value of
    its field; the results are bit sets over the inputs, combined with and/or/not as ``holds``
    combines them. The same answers as calling ``holds(row, fact)`` for every pair, without the
    rows x inputs calls.
    """

    def __init__(self, table: CompiledTable):
        self.table = table

    def match(self, facts: list[dict[str, Any]]) -> list[list[int]]:
        n = len(facts)
        if n == 0:
            return []
        full = (1 << n) - 1
        by_value: dict[str, dict[Any, int]] = {}
        leaves: dict[Cond, int] = {}

        def values_of(name: str) -> dict[Any, int]:
            if name not in by_value:
                idx: dict[Any, list[int]] = {}
                for i, f in enumerate(facts):
                    idx.setdefault(f.get(name), []).append(i)
                by_value[name] = {v: _mask(ix, n) for v, ix in idx.items()}
            return by_value[name]

        def leaf(c: Cond) -> int:
            if c not in leaves:
                if isinstance(c, Const):
                    leaves[c] = full if c.value else 0
                elif isinstance(c, Cmp) and isinstance(c.value, Ref):
                    leaves[c] = _mask([i for i, f in enumerate(facts) if holds(c, f)], n)
                else:
                    m = 0
                    for v, vm in values_of(c.field).items():  # type: ignore[union-attr]
                        if holds(c, {} if v is None else {c.field: v}):  # type: ignore[union-attr]
                            m |= vm
                    leaves[c] = m
            return leaves[c]

        def mask(c: Cond) -> int:
            if isinstance(c, All):
                m = full
                for item in c.items:
                    m &= mask(item)
                return m
            if isinstance(c, AnyOf):
                m = 0
                for item in c.items:
                    m |= mask(item)
                return m
            if isinstance(c, Not):
                return full & ~mask(c.item)
            return leaf(c)

        present = full
        for name in self.table.inputs:
            present &= full & ~values_of(name).get(None, 0)
        if self.table.applies_when is not None:
            present &= mask(self.table.applies_when)
        matched: list[list[int]] = [[] for _ in range(n)]
        for r in self.table.rows:
            bits = format(mask(r.cond) & present, "b")[::-1]
            i = bits.find("1")
            while i != -1:
                matched[i].append(r.index)
                i = bits.find("1", i + 1)
        return matched


def evaluate_many(table: CompiledTable, facts: list[dict[str, Any]],
                  matcher: RowMatcher | None = None) -> list[tuple[TableResult, list[int]]]:
    """The table's result (engine hit-policy semantics) on each input."""
    matched = (matcher or RowMatcher(table)).match(facts)
    out = []
    for fact, rows in zip(facts, matched):
        applies = table.applies_when is None or holds(table.applies_when, fact)
        out.append((resolve_table(table, fact, rows, applies), rows))
    return out


def analyse(cat: Catalogue, tables: list[CompiledTable], domains: Domains) -> dict[str, TableAnalysis]:
    """Run the tables in stage order over every combination of representative root values.

    States are tuples over the fields still needed by later tables; each table is evaluated
    once per distinct input it receives, and its outputs are carried to the next stage.
    """
    needed_after: list[set[str]] = []
    for i in range(len(tables)):
        later: set[str] = set()
        for t in tables[i + 1:]:
            later |= table_reads(t)
        needed_after.append(later)
    introduced: set[str] = set()
    live: list[str] = []
    states: dict[tuple[Any, ...], dict[str, Any]] = {(): {}}
    out: dict[str, TableAnalysis] = {}
    for i, t in enumerate(tables):
        reads = sorted(table_reads(t))
        extras = [e for o in t.outputs for e in POST_DERIVED.get(o, ())]
        if "code_allowed" in needed_after[i] and "allowed_codes" in t.outputs and "code" not in reads:
            reads.append("code")  # code_allowed follows from the decided code
        touch = reads + [o for o in t.outputs if o not in reads]
        # a root field enters at the first table that reads or writes it (a given value is kept)
        new = [f for f in touch if f not in introduced and domains.is_root(f)
               and (f in reads or f in needed_after[i])]
        size = len(states)
        for f in new:
            size *= len(domains.values(f, True))
        ta = TableAnalysis(t, [f for f in reads if f in table_reads(t)])
        out[t.id] = ta
        if size > MAX_STATES:
            ta.too_large = True
            break
        for f in new:
            vals = domains.values(f, True)
            states = {key + (v.value,): {**origin, f: v.value}
                      for key, origin in states.items() for v in vals}
            live.append(f)
            introduced.add(f)
        pos = {f: j for j, f in enumerate(live)}
        # a value the referrer gave for a field this table writes is kept: it belongs to the input
        reads = reads + [o for o in t.outputs if o not in reads and o in pos]
        # the distinct inputs this table receives, each with the first full input behind it
        by_pk: dict[tuple[Any, ...], tuple[int, dict[str, Any]]] = {}
        pk_of: list[tuple[Any, ...]] = []
        for key, origin in states.items():
            pk = tuple(key[pos[f]] if f in pos else None for f in reads)
            pk_of.append(pk)
            if pk not in by_pk:
                by_pk[pk] = (len(by_pk), origin)
        facts = [{f: v for f, v in zip(reads, pk) if v is not None} for pk in by_pk]
        results = evaluate_many(t, facts)
        after: list[dict[str, Any]] = []
        for (pk, (_j, origin)), fact, (res, rows) in zip(by_pk.items(), facts, results):
            ta.seen[pk] = Seen({f: fact[f] for f in ta.reads if f in fact}, origin, res, rows)
            a = dict(fact)
            a.update(_tuple_lists(res.outputs))
            a.update(_tuple_lists(post_derive(a, cat)))
            after.append(a)
        written = set(t.outputs) | set(extras)
        nxt_live = [f for f in live if f in needed_after[i]]
        nxt_live += [o for o in list(t.outputs) + extras if o not in nxt_live and o in needed_after[i]]
        nxt: dict[tuple[Any, ...], dict[str, Any]] = {}
        for (key, origin), pk in zip(states.items(), pk_of):
            a = after[by_pk[pk][0]]
            nk = tuple(a.get(f) if f in written else key[pos[f]] for f in nxt_live)
            nxt.setdefault(nk, origin)
        live, states = nxt_live, nxt
    return out


def local_product(table: CompiledTable, domains: Domains, fields: list[str]) -> list[dict[str, Any]] | None:
    """Every combination of the representative values of ``fields`` (inputs present)."""
    lists = [domains.values(f, f not in table.inputs) for f in fields]
    size = 1
    for vals in lists:
        size *= len(vals)
    if size > MAX_STATES:
        return None
    return [{f: v.value for f, v in zip(fields, combo) if v.value is not None}
            for combo in itertools.product(*lists)]


# ---------------------------------------------------------------- the checks


class _Lines:
    """Line of a table's ``inputs`` entry, found in the file text below the table's own line
    (re-parsing the YAML with positions would cost more than the whole verification)."""

    def __init__(self) -> None:
        self._files: dict[str, list[str]] = {}

    def input_line(self, file: str, table_line: int | None, j: int) -> int | None:
        if table_line is None:
            return None
        if file not in self._files:
            p = Path(file)
            self._files[file] = p.read_text(encoding="utf-8").splitlines() if p.is_file() else []
        lines = self._files[file]
        for n in range(table_line - 1, len(lines)):
            text = lines[n].split("#", 1)[0]
            if n > table_line - 1 and text.lstrip().startswith("- id:"):
                return None  # the next table
            if re.match(r"^\s*(- )?inputs:", text):
                if "[" in text:
                    return n + 1
                items = [m for m in range(n + 1, len(lines)) if lines[m].strip().startswith("- ")]
                return items[j] + 1 if j < len(items) else n + 1
        return None


def _input_text(values: dict[str, Any], names: list[str]) -> str:
    return ", ".join(f"{n}={_show(n, values.get(n))}" for n in names)


def _witness_input(values: dict[str, Any], names: list[str]) -> dict[str, Any]:
    return {n: display(n, list(values[n]) if isinstance(values.get(n), tuple) else values.get(n))
            for n in names}


def _origin_text(seen: Seen, reads: list[str]) -> str:
    extra = [f for f in seen.origin if f not in reads and seen.origin[f] is not None]
    if not extra:
        return ""
    return " (bijvoorbeeld bij invoer " + _input_text(seen.origin, sorted(extra)) + ")"


def _row_label(t: CompiledTable, r: CompiledRow) -> str:
    return f"rij {r.index + 1} (regel {r.source.line})"


def _outputs_text(r: CompiledRow) -> str:
    return ", ".join(f"{k}={_show(k, v)}" for k, v in r.outputs.items())


def _conjuncts(cond: Cond) -> list[Cond]:
    if isinstance(cond, All):
        out: list[Cond] = []
        for c in cond.items:
            out += _conjuncts(c)
        return out
    return [cond]


def _unsat_core(cond: Cond, facts: list[dict[str, Any]]) -> list[Cond]:
    """A smallest-by-deletion set of conjuncts that no representative input satisfies."""
    core = _conjuncts(cond)
    i = 0
    while i < len(core) and len(core) > 1:
        trial = core[:i] + core[i + 1:]
        if not any(all(holds(c, f) for c in trial) for f in facts):
            core = trial
        else:
            i += 1
    return core


def _signature(res: TableResult) -> tuple[Any, ...]:
    return (res.status, tuple(sorted(_tuple_lists(res.outputs).items())))


def verify_tables(cat: Catalogue) -> tuple[list[Diagnostic], dict[str, TableAnalysis]]:
    compiled = compile_catalogue(cat)
    tables = [t for s in compiled.stages for t in s.tables]
    domains = Domains(cat, tables)
    analyses = analyse(cat, tables, domains)
    lines = _Lines()
    diags: list[Diagnostic] = []
    for t in tables:
        ta = analyses.get(t.id)
        if ta is None:
            continue
        if ta.too_large:
            diags.append(Diagnostic(
                code="verify.too_large", severity="info", file=t.source.file, line=t.source.line,
                rule=t.id, message=f"tabel {t.id}: te veel invoercombinaties om volledig na te gaan "
                f"(meer dan {MAX_STATES}); deze en latere tabellen zijn niet geverifieerd"))
            break
        diags += _check_table(t, ta, domains, lines)
    return diags, analyses


def _check_table(t: CompiledTable, ta: TableAnalysis, domains: Domains, lines: _Lines) -> list[Diagnostic]:
    diags: list[Diagnostic] = []
    by_index = {r.index: r for r in t.rows}
    consulted = [s for s in ta.seen.values() if s.result.status not in ("missing", "skipped")]
    shown = list(t.inputs)

    # gaps: input the table can receive on which no row matches
    gaps = [s for s in consulted if s.result.status == "no_rule_matched"]
    if gaps:
        first = gaps[0]
        more = "; ".join(_input_text(s.fact, shown) for s in gaps[1:4])
        tail = f". Ook: {more}" + (f" en nog {len(gaps) - 4}" if len(gaps) > 4 else "") if more else ""
        diags.append(Diagnostic(
            code="table.gap", severity="error", file=t.source.file, line=t.source.line, rule=t.id,
            message=f"tabel {t.id}: geen rij past bij {_input_text(first.fact, shown)}"
            f"{_origin_text(first, ta.reads)}; {len(gaps)} invoercombinatie(s) zonder uitkomst{tail}",
            witness={"input": _witness_input(first.fact, shown),
                     "full_input": _witness_input(first.origin, sorted(first.origin)),
                     "count": len(gaps)}))

    # overlaps under unique: two rows, one input, different outputs
    if t.hit_policy == "unique":
        pairs: dict[tuple[int, int], Seen] = {}
        for s in consulted:
            for a, b in itertools.combinations(s.matched, 2):
                if by_index[a].outputs != by_index[b].outputs and (a, b) not in pairs:
                    pairs[(a, b)] = s
        for (a, b), s in sorted(pairs.items()):
            ra, rb = by_index[a], by_index[b]
            diags.append(Diagnostic(
                code="table.overlap", severity="error", file=rb.source.file, line=rb.source.line,
                rule=t.id, message=f"tabel {t.id} (unique): {_row_label(t, ra)} en {_row_label(t, rb)} "
                f"passen allebei bij {_input_text(s.fact, shown)}{_origin_text(s, ta.reads)} maar geven "
                f"verschillende uitkomsten ({_outputs_text(ra)} tegenover {_outputs_text(rb)})",
                witness={"rows": [a + 1, b + 1], "input": _witness_input(s.fact, shown),
                         "full_input": _witness_input(s.origin, sorted(s.origin))}))

    hits: dict[int, list[Seen]] = {r.index: [] for r in t.rows}
    for s in consulted:
        for m in s.matched:
            hits[m].append(s)

    # rows no input reaches: contradictory, or excluded by applies_when and the tables before
    never: set[int] = set()
    for r in t.rows:
        if hits[r.index]:
            continue
        never.add(r.index)
        fields = sorted(_fields(r.cond)) or list(t.inputs)
        applies_fields = sorted(_fields(t.applies_when)) if t.applies_when is not None else []
        facts = local_product(t, domains, fields + [f for f in applies_fields if f not in fields]) or []
        sats = [f for f in facts if holds(r.cond, f)]
        witness: dict[str, Any]
        if not sats:
            core = _unsat_core(r.cond, facts)
            why = " en ".join(describe(c) for c in core)
            msg = (f"tabel {t.id} {_row_label(t, r)} vuurt nooit: de voorwaarden spreken elkaar "
                   f"tegen ({why} kan voor geen enkele invoer tegelijk gelden)")
            witness = {"contradiction": [describe(c) for c in core]}
        else:
            consulted_sats = [f for f in sats if t.applies_when is None or holds(t.applies_when, f)]
            if t.applies_when is not None and not consulted_sats:
                sat = sats[0]
                reason = (f"de tabel wordt alleen geraadpleegd als {describe(t.applies_when)}, en "
                          "dan past de rij nooit")
            else:
                sat = consulted_sats[0]
                upstream = [f for f in fields if f in domains.writers]
                reason = ("de tabellen ervoor geven deze combinatie nooit"
                          + (f" (zij bepalen {', '.join(upstream)})" if upstream else ""))
            msg = (f"tabel {t.id} {_row_label(t, r)} vuurt nooit: {_input_text(sat, fields)} past wel "
                   f"bij de rij, maar komt bij deze tabel nooit voor: {reason}")
            witness = {"unreachable_input": _witness_input(sat, fields)}
        diags.append(Diagnostic(code="table.row_never_fires", severity="warning", file=r.source.file,
                                line=r.source.line, rule=t.id, message=msg, witness=witness))

    # rows shadowed under first: reachable, but an earlier row always catches the input
    shadowed: set[int] = set()
    if t.hit_policy == "first":
        for r in t.rows:
            hs = hits[r.index]
            if not hs or any(s.matched[0] == r.index for s in hs):
                continue
            shadowed.add(r.index)
            catchers = sorted({s.matched[0] for s in hs})
            s = hs[0]
            catcher_text = ", ".join(_row_label(t, by_index[c]) for c in catchers)
            diags.append(Diagnostic(
                code="table.shadowed_row", severity="warning", file=r.source.file, line=r.source.line,
                rule=t.id, message=f"tabel {t.id} (first) {_row_label(t, r)} wordt nooit gebruikt: elke "
                f"invoer waarop de rij past, vangt eerder {catcher_text} al af; bijvoorbeeld "
                f"{_input_text(s.fact, shown)} gaat naar {_row_label(t, by_index[s.matched[0]])}",
                witness={"row": r.index + 1, "caught_by": [c + 1 for c in catchers],
                         "input": _witness_input(s.fact, shown)}))

    # columns that decide nothing: changing the input never changes the table's result
    product = local_product(t, domains, ta.reads)
    if product is not None:
        results = [(f, _signature(res)) for f, (res, _) in zip(product, evaluate_many(t, product))]
        for j, col in enumerate(t.inputs):
            groups: dict[tuple[Any, ...], set[Any]] = {}
            example: dict[tuple[Any, ...], dict[str, Any]] = {}
            for f, sig in results:
                k = tuple(f.get(x) for x in ta.reads if x != col)
                groups.setdefault(k, set()).add(sig)
                example.setdefault(k, f)
            if any(len(v) > 1 for v in groups.values()):
                continue
            mentioned = any(col in _fields(r.cond) for r in t.rows)
            tried = ", ".join(v.label for v in domains.values(col, False))
            some = next(iter(example.values()))
            why = ("geen rij noemt deze kolom" if not mentioned else
                   "de rijen die de kolom noemen geven voor elke waarde dezelfde uitkomst")
            line = lines.input_line(t.source.file, t.source.line, j) or t.source.line
            diags.append(Diagnostic(
                code="table.dead_column", severity="warning", file=t.source.file, line=line,
                rule=t.id, message=f"tabel {t.id}: kolom {col} beslist niets ({why}); bij "
                f"{_input_text(some, [x for x in t.inputs if x != col])} geeft elke waarde van {col} "
                f"({tried}) dezelfde uitkomst",
                witness={"column": col, "input": _witness_input(some, [x for x in t.inputs if x != col]),
                         "values": [v.label for v in domains.values(col, False)]}))
    ta.effective = _effective_rows(t, consulted)
    ta.dead_rows = never | shadowed
    return diags


def _effective_rows(t: CompiledTable, consulted: list[Seen]) -> set[int]:
    """Rows whose outputs become a result on some input the table can receive."""
    out: set[int] = set()
    for s in consulted:
        if s.result.status in ("applied", "given") and s.matched:
            out |= {s.matched[0]} if t.hit_policy == "first" else set(s.matched)
    return out


def verify_codes(cat: Catalogue, analyses: dict[str, TableAnalysis]) -> list[Diagnostic]:
    """Codes no table can reach: in no row's outputs, or only in rows that never take effect."""
    anywhere: dict[str, list[tuple[str, int, int | None]]] = {}  # code -> (table, row, line)
    reached: set[str] = set()
    for t in cat.tables:
        a = analyses.get(t.id)  # a table not analysed (too large) reaches every code it names
        for r in t.rows:
            for o, v in r.outputs.items():
                if o not in ("advised_code", "allowed_codes"):
                    continue
                for c in (v if isinstance(v, list) else [v]):
                    rows = anywhere.setdefault(c, [])
                    if (t.id, r.index, r.source.line) not in rows:
                        rows.append((t.id, r.index, r.source.line))
                    if a is None or a.effective is None or r.index in a.effective:
                        reached.add(c)
    diags = []
    for cid in cat.codes:
        if cid in reached:
            continue
        src = cat.sources.get(f"code:{cid}")
        if cid in anywhere:
            where = ", ".join(f"tabel {t} rij {i + 1} (regel {line})" for t, i, line in anywhere[cid])
            msg = (f"code {cid} is door geen tabel te bereiken: hij staat alleen in {where}, en die "
                   "rij(en) geven nooit een uitkomst")
            witness = {"code": cid, "rows": [f"{t}:{i + 1}" for t, i, _ in anywhere[cid]]}
        else:
            msg = f"code {cid} staat in de uitvoer van geen enkele tabelrij; geen zorgvraag leidt tot deze code"
            witness = {"code": cid, "rows": []}
        diags.append(Diagnostic(code="code.unreachable", severity="warning",
                                file=src.file if src else None, line=src.line if src else None,
                                rule=cid, message=msg, witness=witness))
    return diags


def tariff_gaps(cat: Catalogue) -> list[Diagnostic]:
    """Dates inside the contract period on which a code has no tariff."""
    start, end = cat.region.contract_from, cat.region.contract_to
    if start is None or end is None:
        return []
    diags = []
    for cid, code in cat.codes.items():
        gaps: list[tuple[dt.date, dt.date]] = []
        cursor = start
        for t in sorted(code.tariffs, key=lambda t: t.valid_from):
            if t.valid_from > cursor:
                gaps.append((cursor, min(end, t.valid_from - dt.timedelta(days=1))))
            if t.valid_to is None:
                cursor = end + dt.timedelta(days=1)
            else:
                cursor = max(cursor, t.valid_to + dt.timedelta(days=1))
            if cursor > end:
                break
        if cursor <= end:
            gaps.append((cursor, end))
        gaps = [(a, b) for a, b in gaps if a <= b and a <= end]
        if not gaps:
            continue
        src = cat.sources.get(f"code:{cid}")
        spans = ", ".join(f"{a.isoformat()} t/m {b.isoformat()}" for a, b in gaps)
        diags.append(Diagnostic(
            code="tariff.gap", severity="warning", file=src.file if src else None,
            line=src.line if src else None, rule=cid,
            message=f"code {cid} heeft geen tarief op {gaps[0][0].isoformat()}, binnen de contractperiode "
            f"{start.isoformat()} t/m {end.isoformat()} (zonder tarief: {spans})",
            witness={"code": cid, "date": gaps[0][0].isoformat(),
                     "gaps": [[a.isoformat(), b.isoformat()] for a, b in gaps]}))
    return diags


def verify_catalogue(cat: Catalogue) -> list[Diagnostic]:
    """Every verification diagnostic of a loaded catalogue, tables first, in file order."""
    diags, analyses = verify_tables(cat)
    diags += verify_codes(cat, analyses)
    diags += tariff_gaps(cat)
    return diags


__all__ = ["Domains", "analyse", "tariff_gaps", "verify_catalogue", "verify_codes", "verify_tables"]
