"""The one adapter between the compiled rules and durable-rules 2.0.28.

durable-rules is the engine of record for single cases: it matches every table row and every
validation rule; between stages the resolver applies the hit policies and the next stage's fact
is asserted in the same session (forward chaining). Its known pitfalls (shared/style.md) are
handled here and nowhere else:

* a private ``Host`` per engine, with a ruleset name unique in the process, so two engines over
  different catalogues live side by side;
* the host's background dispatch threads are not started, and no action ever runs: ``run``
  asserts a stage's fact and drains durable-rules' action queue itself, reading only which
  rules matched (``_matched``), so nothing can race to another thread and be lost, and an
  error is raised to the caller, never stored in the session state. The C engine is reached
  through the registered ruleset's handle (``Ruleset._handle`` of 2.0.28);
* every fact matches one last catch-all rule and its queue is drained to the end before the
  next assert: ``delete_state`` after an assert that matched nothing, or with an action left
  on the queue, crashes the process (a segmentation fault; measured on 2.0.28);
* a deep copy of the generated definition is registered (the ruleset constructor mutates it);
* one live session at a time, deleted (``delete_state``) after ``CASES_PER_SESSION`` cases or
  a failed case, so the 1024-live-sessions limit is never reached; facts never leak between
  the cases it serves: every durable rule has one pattern, so a fact only ever matches by
  itself, each assert's actions are drained before the next, and each fact has its own ``id``;
* conditions are put in negation normal form: durable-rules has no ``not``, and a comparison
  on an absent field never matches, which is exactly the two-valued semantics of
  ``conditions.py`` once ``not`` is pushed down with explicit presence tests;
* one rule's expression may hold at most ``MAX_OPERATORS`` (15) ``$and``/``$or`` operators:
  one more and the ruleset cannot be created ("error code: 113"; measured on 2.0.28, over
  flat, nested and random trees). Expressions are flattened first (an ``$or`` inside an
  ``$or`` is one ``$or``); an expression still too large is split over several durable rules,
  one per group of alternatives of a disjunction (``a and (b or c)`` = ``(a and b) or
  (a and c)``), that record the same key once: its meaning is exactly the same. What cannot be
  split within ``MAX_PIECES`` rules of ``MAX_SPLIT_OPERATORS`` operators together is
  ``TooComplex``, a ``CatalogueError`` at its source that ``check`` reports.
"""

from __future__ import annotations

import copy
import itertools
import json
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import durable_rules_engine  # type: ignore[import-not-found]  # durable-rules C engine, untyped
from durable.engine import Host

from zorgregels.catalogue.catalogue import Source
from zorgregels.catalogue.compile import CompiledRules, Stage
from zorgregels.catalogue.conditions import (
    NEGATE,
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
)
from zorgregels.core.receipt import Versions
from zorgregels.diagnostics import CatalogueError, Diagnostic, EngineError

_DR_OP = {"eq": None, "ne": "$neq", "lt": "$lt", "le": "$lte", "gt": "$gt", "ge": "$gte"}
_TRUE = {"$ex": {"sid": 1}}
#: the most ``$and``/``$or`` operators durable-rules 2.0.28 accepts in one rule's expression
MAX_OPERATORS = 15
#: the most durable rules one compiled row, rule or condition may be split into, and the most
#: operators they may hold together: durable-rules also fails while matching a fact ("Could not
#: assert fact, error code: 303") when a fact meets too many operators (measured for chains of
#: alternating and/or: 8 rules of 15 pass, 16 fail; the exact bound is not known yet), so a
#: split is kept small and what needs more is refused by ``check``
MAX_PIECES = 8
MAX_SPLIT_OPERATORS = 48
_OPS = ("$and", "$or")
#: how many cases one durable-rules session serves before it is deleted (``DurableRuntime.run``):
#: its stored facts stay few (four per case), the cost of creating it is shared
CASES_PER_SESSION = 64
#: what durable-rules' own error codes mean, where we know it (its rules.h)
_CODES = {303: "de casus raakt meer voorwaarden tegelijk dan durable-rules aankan",
          202: "de casus heeft meer velden dan durable-rules aankan",
          203: "de regels zijn te diep genest voor durable-rules"}
_CODE = re.compile(r"error code:\s*(\d+)")
_FALSE = {"$nex": {"sid": 1}}


def from_durable(exc: Exception) -> bool:
    """True for an error durable-rules raised itself: its C engine's ``error`` or a bare
    ``Exception`` carrying one of its error codes."""
    return (type(exc).__module__.startswith("durable")
            or (type(exc) is Exception and _CODE.search(str(exc)) is not None))


def engine_error(exc: Exception) -> Exception:
    """An error durable-rules raised while evaluating a case, as an ``EngineError`` with a Dutch
    message naming its code; any other exception is returned as it is."""
    if not from_durable(exc):
        return exc
    m = _CODE.search(str(exc))
    code = int(m.group(1)) if m else None
    meaning = _CODES.get(code, "een interne fout van durable-rules") if code is not None else str(exc)
    return EngineError(f"durable-rules kon deze casus niet toetsen: {meaning}"
                       + (f" (foutcode {code})" if code is not None else ""))


class _SynchronousHost(Host):  # type: ignore[misc]
    """A durable-rules host without its timer threads: we use no timers, and the dispatch
    thread would otherwise compete with ``assert_fact`` for pending actions."""

    def _run(self) -> None:
        return None


def _exists(f: str) -> dict[str, Any]:
    return {"$ex": {f: 1}}


def _absent(f: str) -> dict[str, Any]:
    return {"$nex": {f: 1}}


def _cmp(f: str, op: str, value: Any) -> dict[str, Any]:
    right = {"$m": value.field} if isinstance(value, Ref) else value
    dr = _DR_OP[op]
    return {f: right} if dr is None else {dr: {f: right}}


def to_durable(cond: Cond, negate: bool = False) -> dict[str, Any]:
    """A condition as a durable-rules expression over the fact ``m``, in negation normal form."""
    if isinstance(cond, Not):
        return to_durable(cond.item, not negate)
    if isinstance(cond, Const):
        return _TRUE if cond.value != negate else _FALSE
    if isinstance(cond, All) or isinstance(cond, AnyOf):
        parts = [to_durable(c, negate) for c in cond.items]
        conj = isinstance(cond, All) != negate
        return {"$and" if conj else "$or": parts}
    if isinstance(cond, Present):
        return _exists(cond.field) if cond.present != negate else _absent(cond.field)
    if isinstance(cond, Cmp):
        need = [cond.field] + ([cond.value.field] if isinstance(cond.value, Ref) else [])
        if not negate and not isinstance(cond.value, Ref):
            # a comparison with a constant never matches an absent field (measured for every
            # operator): no presence test, so a long ``any`` of them is one ``$or``
            return _cmp(cond.field, cond.op, cond.value)
        if not negate:
            return {"$and": [*map(_exists, need), _cmp(cond.field, cond.op, cond.value)]}
        return {"$or": [*map(_absent, need), _cmp(cond.field, NEGATE[cond.op], cond.value)]}
    if isinstance(cond, OneOf):
        if not negate:
            return {"$or": [_cmp(cond.field, "eq", v) for v in cond.values]}
        return {"$or": [_absent(cond.field),
                        {"$and": [_cmp(cond.field, "ne", v) for v in cond.values]}]}
    if isinstance(cond, Contains):
        def has(v: str) -> dict[str, Any]:
            return {"$iany": {cond.field: {"$i": v}}}

        def lacks(v: str) -> dict[str, Any]:
            return {"$iall": {cond.field: {"$neq": {"$i": v}}}}

        if cond.all:
            return ({"$and": [has(v) for v in cond.values]} if not negate
                    else {"$or": [_absent(cond.field), *[lacks(v) for v in cond.values]]})
        return ({"$or": [has(v) for v in cond.values]} if not negate
                else {"$or": [_absent(cond.field), {"$and": [lacks(v) for v in cond.values]}]})
    raise TypeError(cond)


class TooComplex(ValueError):
    """A condition that durable-rules cannot hold, even split over ``MAX_PIECES`` rules."""

    def __init__(self, key: str, operators: int):
        super().__init__(
            f"de voorwaarde is te samengesteld voor durable-rules ({operators} en/of-operatoren "
            f"na vereenvoudigen; de grens is {MAX_OPERATORS} per regel, verdeeld over hoogstens "
            f"{MAX_PIECES} regels met samen {MAX_SPLIT_OPERATORS})")
        self.key = key
        self.operators = operators


def operators(expr: Any) -> int:
    """How many ``$and``/``$or`` operators an expression holds (durable-rules' limit)."""
    if isinstance(expr, dict) and len(expr) == 1:
        (op, items), = expr.items()
        if op in _OPS:
            return 1 + sum(operators(x) for x in items)
    return 0


def flatten(expr: Any) -> Any:
    """The same expression with single-item operators unwrapped and nested equal ones merged."""
    if not (isinstance(expr, dict) and len(expr) == 1 and next(iter(expr)) in _OPS):
        return expr
    (op, items), = expr.items()
    out: list[Any] = []
    for item in map(flatten, items):
        if isinstance(item, dict) and len(item) == 1 and op in item:
            out.extend(item[op])
        else:
            out.append(item)
    return out[0] if len(out) == 1 else {op: out}


def _disjuncts(expr: Any) -> list[Any]:
    """Expressions whose disjunction is ``expr``, each with fewer operators where possible."""
    if not isinstance(expr, dict) or len(expr) != 1:
        return [expr]
    (op, items), = expr.items()
    if op == "$or":
        return list(items)
    if op != "$and":
        return [expr]
    # distribute over the largest disjunction among the conjuncts
    ors = [i for i, x in enumerate(items) if isinstance(x, dict) and "$or" in x]
    if not ors:
        return [expr]
    at = max(ors, key=lambda i: operators(items[i]))
    rest = [x for i, x in enumerate(items) if i != at]
    return [flatten({"$and": [*rest, alt]}) for alt in items[at]["$or"]]


def split(expr: Any, key: str = "") -> list[Any]:
    """Expressions of at most ``MAX_OPERATORS`` operators whose disjunction means ``expr``."""
    todo, done = [flatten(expr)], []
    while todo:
        e = todo.pop(0)
        if operators(e) <= MAX_OPERATORS:
            done.append(e)
        else:
            parts = _disjuncts(e)
            if len(parts) == 1:
                raise TooComplex(key, operators(e))
            # group the alternatives back into as few expressions as fit
            group: list[Any] = []
            for part in parts:
                if group and operators({"$or": [*group, part]}) > MAX_OPERATORS:
                    todo.append(flatten({"$or": group}))
                    group = []
                group.append(part)
            todo.append(flatten({"$or": group}))
        if len(done) + len(todo) > MAX_PIECES:
            raise TooComplex(key, operators(flatten(expr)))
    if len(done) > 1 and sum(map(operators, done)) > MAX_SPLIT_OPERATORS:
        raise TooComplex(key, operators(flatten(expr)))
    return done


def _expressions(stage: Stage) -> Iterator[tuple[str, Any, int, tuple[str, Source]]]:
    """Every durable rule of a stage: key, expression, priority, (id, source)."""
    k = stage.index
    here = {"stage": k}
    for ti, table in enumerate(stage.tables):
        guard = [here, *map(_exists, table.inputs)]
        if table.applies_when is not None:
            guard.append(to_durable(table.applies_when))
        yield applies_key(k, ti), {"$and": guard}, 0, (table.id, table.source)
        for row in table.rows:
            yield (row_key(k, ti, row.index), {"$and": [*guard, to_durable(row.cond)]},
                   1 + row.index, (table.id, row.source))
    for ri, rule in enumerate(stage.rules):
        yield (rule_key(k, ri),
               {"$and": [here, *map(_exists, rule.requires), to_durable(rule.cond)]},
               1 + ri, (rule.id, rule.source))
    for ci, condition in enumerate(stage.conditions):
        yield (condition_key(k, ci), {"$and": [here, to_durable(condition.cond)]}, 1 + ci,
               (condition.id, condition.source))


def _too_complex(compiled: CompiledRules) -> list[Diagnostic]:
    problems = []
    for stage in compiled.stages:
        for key, expr, _, (ident, source) in _expressions(stage):
            try:
                split(expr, key)
            except TooComplex as exc:
                problems.append(Diagnostic(code="condition.too_complex", message=str(exc),
                                           file=source.file, line=source.line, rule=ident))
    return problems


def build_problems(compiled: CompiledRules) -> list[Diagnostic]:
    """What ``DurableRuntime`` cannot build, each at its row's, rule's or condition's source:
    the ruleset is built here as the engine builds it, so ``check`` never passes what the
    engine cannot run."""
    try:
        DurableRuntime(compiled, lambda stage, fact, hits, session: None)
    except CatalogueError as exc:
        return exc.diagnostics
    return []


@dataclass
class Session:
    """What one case's run through durable-rules produced."""

    hits: dict[int, list[str]] = field(default_factory=dict)
    facts: dict[int, dict[str, Any]] = field(default_factory=dict)  # the fact each stage saw
    memo: dict[str, Any] = field(default_factory=dict)  # for the resolver's own bookkeeping
    done: bool = False
    error: BaseException | None = None


#: resolve(stage_index, fact, hit keys in firing order, session) -> next stage's fact, or None
Resolver = Callable[[int, dict[str, Any], list[str], Session], "dict[str, Any] | None"]

_names = itertools.count(1)


def row_key(stage: int, table: int, row: int) -> str:
    return f"s{stage}.t{table}.r{row}"


def applies_key(stage: int, table: int) -> str:
    return f"s{stage}.t{table}.applies"


def rule_key(stage: int, rule: int) -> str:
    return f"s{stage}.x{rule}"


def condition_key(stage: int, condition: int) -> str:
    return f"s{stage}.c{condition}"


class DurableRuntime:
    """Runs one case at a time through a private durable-rules host."""

    def __init__(self, compiled: CompiledRules, resolve: Resolver):
        self.name = f"zorgregels_{next(_names)}_{compiled.bundle_hash[:12] or 'anon'}"
        self._resolve = resolve
        self._lock = threading.Lock()
        self._seq = itertools.count(1)
        self._cases = itertools.count(1)
        #: the live session (``run``): its id, whether it holds state, the cases it has seen
        self._sid: str | None = None
        self._live, self._served = False, 0
        too_complex = _too_complex(compiled)
        if too_complex:  # a CatalogueError: a clean message and exit 2, never a traceback
            raise CatalogueError(too_complex)
        self.definition = self._build(compiled)
        #: the fields some durable rule reads
        self.reads = frozenset(f for rule in self.definition.values() for pattern in rule["all"]
                               for expr in pattern.values() for f in fields_read(expr))
        #: per stage, the fields its own rules read: all of its fact that durable-rules is given
        #: (every rule tests ``stage`` first; a field none of a stage's rules reads cannot change
        #: which match: a table stage reads a handful of the fact's fifty fields)
        self.stage_reads = tuple(tuple(sorted({f for _, expr, _, _ in _expressions(stage)
                                               for f in fields_read(expr)} - {"stage", "sid"}))
                                 for stage in compiled.stages)
        #: the software that evaluates, for the receipts of what it evaluated
        self.versions = Versions.installed()
        self._host = _SynchronousHost()
        try:
            self._host.register_rulesets({self.name: copy.deepcopy(self.definition)})
        except Exception as exc:  # whatever else durable-rules refuses
            raise CatalogueError([Diagnostic(
                code="engine.unbuildable",
                message=f"durable-rules kan de regels niet opbouwen: {exc}")]) from exc

    # ------------------------------------------------------------------ generation

    def _build(self, compiled: CompiledRules) -> dict[str, Any]:
        rules: dict[str, Any] = {}
        for stage in compiled.stages:
            for key, expr, pri, _ in _expressions(stage):
                for n, piece in enumerate(split(expr, key)):
                    # a split expression's pieces are ``key``, ``key#1``, ...: one key recorded
                    rules[key if n == 0 else f"{key}#{n}"] = {
                        "all": [{"m": piece}], "pri": pri, "run": _queued}
        # every fact matches this one, last: an assert that matched nothing, or a session with
        # an action left on its queue, makes durable-rules' ``delete_state`` crash the process
        # (not the session's own state fact, which has no ``stage``)
        rules[_SEEN] = {"all": [{"m": _exists("stage")}], "pri": _SEEN_PRI, "run": _queued}
        return rules

    # ------------------------------------------------------------------ running

    def run(self, fact: dict[str, Any]) -> Session:
        """One case through every stage, in a durable-rules session: each stage's fact is
        asserted once, the rules it matched are read off durable-rules' action queue, and the
        resolver turns them into the next stage's fact.

        A session serves ``CASES_PER_SESSION`` cases (creating one allocates durable-rules'
        per-rule state: most of a case's C time), never leaking facts (module docstring); each
        fact has its own ``id`` (one seen before would be ignored); a failed case ends it."""
        with self._lock:
            handle = self._host.get_ruleset(self.name)._handle
            if self._sid is None or self._served >= CASES_PER_SESSION:
                self._close(handle)
                self._sid = f"c{next(self._seq)}"
            self._served += 1
            session = Session()
            stage = 0
            # facts are flat: copying the lists is a full copy (the session keeps each stage's fact)
            fact = {k: list(v) if isinstance(v, list) else v for k, v in fact.items()}
            tail = f',"sid":{_encode(self._sid)},"id":"{next(self._cases)}.'
            done = False
            try:
                while True:
                    read = {k: fact[k] for k in self.stage_reads[stage] if k in fact}
                    body = _encode(read)[1:-1] if read else ""
                    try:
                        hits = _matched(handle, "{" + body + (tail if body else tail[1:])
                                        + f'{stage}","stage":{stage}}}')
                    except Exception as exc:
                        error = engine_error(exc)
                        if error is exc:
                            raise
                        raise error from exc
                    self._live = True
                    if hits:
                        session.hits[stage] = hits
                    session.facts[stage] = fact
                    nxt = self._resolve(stage, fact, hits, session)
                    if nxt is None:
                        session.done = done = True
                        return session
                    fact, stage = nxt, stage + 1
            finally:
                if not done:
                    self._close(handle)

    def _close(self, handle: int) -> None:
        """Delete the live session, if any. Not one whose every assert failed: deleting the
        state of a failed first assert aborts the process."""
        if self._sid is not None and self._live:
            durable_rules_engine.delete_state(handle, self._sid)
        self._sid, self._live, self._served = None, False, 0


def fields_read(expr: Any) -> Iterator[str]:
    """The fields a durable-rules expression reads: every key that is no operator, and the
    field a ``$m`` compares with."""
    if isinstance(expr, list):
        for item in expr:
            yield from fields_read(item)
    elif isinstance(expr, dict):
        for key, value in expr.items():
            if key == "$m":  # a field compared with a field
                yield value
                continue
            if not key.startswith("$"):
                yield key
            yield from fields_read(value)


#: the fact as durable-rules reads it: JSON (durable-rules' own ``json.dumps(..., ensure_ascii=False)``,
#: with the encoder built once instead of on every call)
_encode = json.JSONEncoder(ensure_ascii=False).encode


def _queued(c: Any) -> None:
    """The action of every durable rule. durable-rules requires one, but ``run`` never lets it
    run: it reads which rules matched off the action queue itself (``_matched``), which spares
    each firing a Python closure, two JSON round trips of the session state and of the fact,
    and a nested assert per stage."""


def _matched(handle: int, fact_json: str) -> list[str]:
    """Assert one fact and drain durable-rules' action queue: the keys of the rules the fact
    matched, in firing order (priority), each once (a split expression's pieces are one key).

    The queue is durable-rules' own: ``assert_fact`` matches and queues an action per matched
    rule, ``start_action_for_state`` / ``complete_and_start_action`` hand them out one by one as
    ``{"<rule name>": {...}}``. Nothing else of the action is needed, so the session state is
    never read back or rewritten."""
    code, state = durable_rules_engine.assert_fact(handle, fact_json)
    if code != 0:  # _SEEN matches every fact, and every stage's fact differs in ``stage``
        raise RuntimeError(f"durable-rules nam het feit niet aan (code {code})")
    hits: list[str] = []
    started = durable_rules_engine.start_action_for_state(handle, state)
    message = started[1] if started else None
    try:
        while message:
            key = _rule_name(message).partition("#")[0]
            if key not in hits and key != _SEEN:
                hits.append(key)
            message = durable_rules_engine.complete_and_start_action(handle, state)
    except BaseException:
        if message:
            durable_rules_engine.abandon_action(handle, state)
        raise
    return hits


#: the rule every fact matches (``_build``): the last one on every stage's queue, never a hit
_SEEN = "seen"
_SEEN_PRI = 1_000_000


def _rule_name(message: str) -> str:
    """The rule an action message is for: its one key (``{"s0.t0.r3":{"m":{...}}}``). Rule
    names are generated here (``row_key`` ...) and hold no quote, so no JSON parse is needed."""
    if message.startswith('{"'):
        return message[2:message.index('"', 2)]
    return str(next(iter(json.loads(message))))
