"""Which inputs reach each table, and which rows they match (the exhaustive enumeration)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import zorgregels.jobs.verify.domains as value_domains
from zorgregels.catalogue.catalogue import Catalogue
from zorgregels.catalogue.compile import (
    POST_DERIVED,
    CompiledTable,
    table_reads,
)
from zorgregels.catalogue.conditions import (
    All,
    AnyOf,
    Cmp,
    Cond,
    Const,
    Not,
    Ref,
    holds,
)
from zorgregels.core.semantics import TableResult, post_derive, resolve_table
from zorgregels.jobs.verify.domains import Domains

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


def tuple_lists(d: dict[str, Any]) -> dict[str, Any]:
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
        if size > value_domains.MAX_STATES:
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
            a.update(tuple_lists(res.outputs))
            a.update(tuple_lists(post_derive(a, cat)))
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
    if size > value_domains.MAX_STATES:
        return None
    return [{f: v.value for f, v in zip(fields, combo) if v.value is not None}
            for combo in itertools.product(*lists)]


