"""The backend-neutral compiled form of a catalogue.

Tables are ordered into stages so that a table reading another table's output runs after it
(forward chaining: complexity feeds the ladder level, the level feeds the code). The validation
rules form the last stage. Nothing here knows durable-rules or polars: both backends are
generated from this form, and the conformance suite holds them to the same results.

The rules of check ``transparency`` judge a rejection with facts only the transparency audit
derives, so they are compiled into the audit's own rule set (``compile_audit``: the rejection
grounds' conditions, then the criteria), never into the engine's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from zorgregels.catalogue.catalogue import Catalogue, ParsedGround, ParsedRule, ParsedTable, Source
from zorgregels.catalogue.conditions import All, Cmp, Cond, fields_of
from zorgregels.catalogue.templates import problems
from zorgregels.diagnostics import CatalogueError, Diagnostic, InputError

#: the check whose rules only the transparency audit can make fire (domain.md §5, §6)
AUDIT_CHECK = "transparency"


@dataclass(frozen=True)
class CompiledRow:
    index: int
    cond: Cond
    outputs: dict[str, Any]
    source: Source
    note: str | None


@dataclass(frozen=True)
class CompiledTable:
    id: str
    name: str
    hit_policy: str
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    applies_when: Cond | None
    rows: tuple[CompiledRow, ...]
    basis: str
    source: Source


@dataclass(frozen=True)
class CompiledRule:
    id: str
    check: str
    severity: str
    message: str
    basis: str
    cond: Cond
    requires: tuple[str, ...]
    expected: str | None
    actual: str | None
    reads: tuple[str, ...]
    source: Source
    #: what to do about a finding of the rule ('wat te doen'); shown with a single case's finding
    remedy: str | None = None


@dataclass(frozen=True)
class CompiledCondition:
    """A named condition whose truth the next stage reads; unlike a rule it makes no finding
    (a rejection ground's ``holds_when``, for the audit's ``ground_holds``)."""

    id: str
    cond: Cond
    basis: str
    reads: tuple[str, ...]
    source: Source


@dataclass(frozen=True)
class Stage:
    index: int
    tables: tuple[CompiledTable, ...] = ()
    rules: tuple[CompiledRule, ...] = ()
    conditions: tuple[CompiledCondition, ...] = ()


@dataclass(frozen=True)
class CompiledRules:
    stages: tuple[Stage, ...]
    bundle_hash: str

    @property
    def rules(self) -> tuple[CompiledRule, ...]:
        return tuple(r for s in self.stages for r in s.rules)

    @property
    def tables(self) -> tuple[CompiledTable, ...]:
        return tuple(t for s in self.stages for t in s.tables)


def _table(t: ParsedTable) -> CompiledTable:
    return CompiledTable(
        id=t.id, name=t.table.name, hit_policy=t.table.hit_policy, inputs=tuple(t.table.inputs),
        outputs=tuple(t.table.outputs), applies_when=t.applies_when,
        rows=tuple(CompiledRow(r.index, r.cond, r.outputs, r.source, r.note) for r in t.rows),
        basis=t.table.basis, source=t.source,
    )


def _rule(r: ParsedRule) -> CompiledRule:
    rule = r.rule
    wrong = problems(rule.message)
    if wrong:
        raise CatalogueError([Diagnostic(code="rule.message", message=f"regel {rule.id}: {w}",
                                         file=r.source.file, line=r.source.line) for w in wrong])
    return CompiledRule(
        id=rule.id, check=rule.check, severity=rule.severity, message=rule.message,
        basis=rule.basis, cond=r.cond, requires=tuple(rule.requires), expected=rule.expected,
        actual=rule.actual, reads=tuple(fields_of(r.cond)), source=r.source, remedy=rule.remedy,
    )


def table_reads(t: ParsedTable | CompiledTable) -> set[str]:
    if isinstance(t, ParsedTable):
        inputs, applies = set(t.table.inputs), t.applies_when
    else:
        inputs, applies = set(t.inputs), t.applies_when
    return inputs | (set(fields_of(applies)) if applies is not None else set())


# Outputs the engine derives right after a table has set their source field.
POST_DERIVED = {"level": ("advised_perceel",), "allowed_codes": ("code_allowed",)}


def compile_catalogue(cat: Catalogue) -> CompiledRules:
    """Order the tables into stages by what they read and write; the rules come last."""
    pending = list(cat.tables)
    produced_by: dict[str, str] = {}
    for t in pending:
        for o in t.table.outputs:
            produced_by[o] = t.id
            for extra in POST_DERIVED.get(o, ()):
                produced_by[extra] = t.id
    done: set[str] = set()
    stages: list[Stage] = []
    while pending:
        ready = [t for t in pending
                 if all(produced_by.get(f) in (None, t.id) or produced_by[f] in done
                        for f in table_reads(t))]
        if not ready:
            names = ", ".join(t.id for t in pending)
            raise CatalogueError([Diagnostic(
                code="table.cycle", message=f"tabellen lezen elkaars uitvoer in een kring: {names}",
                file=pending[0].source.file, line=pending[0].source.line)])
        stages.append(Stage(index=len(stages), tables=tuple(_table(t) for t in ready)))
        done |= {t.id for t in ready}
        pending = [t for t in pending if t.id not in done]
    rules = tuple(_rule(r) for r in cat.rules if r.rule.check != AUDIT_CHECK)
    stages.append(Stage(index=len(stages), rules=rules))
    return CompiledRules(stages=tuple(stages), bundle_hash=cat.bundle_hash)


def ground_condition_id(ground: str) -> str:
    return f"ground.{ground}"


def _ground(g: ParsedGround, holds_when: Cond) -> CompiledCondition:
    # the record's own ground is part of the condition, so one stage holds every ground
    cond = All((Cmp("rejection_reason", "eq", g.id), holds_when))
    return CompiledCondition(id=ground_condition_id(g.id), cond=cond, basis=g.ground.basis,
                             reads=tuple(fields_of(cond)), source=g.source)


def compile_audit(cat: Catalogue) -> CompiledRules:
    """The transparency audit's rule set: stage 0 re-evaluates the condition of every rejection
    ground that has one (forbidden grounds have none that could carry a rejection); stage 1 holds
    the criteria, the rules of check ``transparency``, which read ``ground_holds`` (forward
    chaining)."""
    criteria = tuple(_rule(r) for r in cat.rules if r.rule.check == AUDIT_CHECK)
    if not criteria:
        raise InputError("de regels bevatten geen criteria van check 'transparency' "
                         "(zie transparency.yaml van de regio); de audit kan niet worden uitgevoerd")
    for g in cat.grounds.values():
        for text in (g.ground.message or "", g.ground.review or ""):
            wrong = problems(text)
            if wrong:
                raise InputError(f"{g.source.file}:{g.source.line}: grond {g.id}: {'; '.join(wrong)}")
    grounds = tuple(_ground(g, g.holds_when) for g in cat.grounds.values()
                    if g.holds_when is not None and not g.ground.forbidden)
    return CompiledRules(stages=(Stage(index=0, conditions=grounds), Stage(index=1, rules=criteria)),
                         bundle_hash=cat.bundle_hash)
