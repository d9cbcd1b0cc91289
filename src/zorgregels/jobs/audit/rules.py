"""The audit's rule set, compiled once per catalogue and run on a private durable-rules host.

Stage 0 re-evaluates the rejection ground's condition (``compile_audit``); its resolver sets
``ground_holds`` and forward-chains to stage 1, the transparency criteria. The reference
semantics (``conditions.holds``) is evaluated beside durable-rules on the same condition and must
agree: a disagreement is a backend bug, never a finding about a decision.
"""

from __future__ import annotations

from typing import Any

from zorgregels.catalogue.catalogue import Catalogue
from zorgregels.catalogue.compile import (
    CompiledCondition,
    CompiledRule,
    compile_audit,
    ground_condition_id,
)
from zorgregels.catalogue.conditions import fields_of, holds
from zorgregels.core.durable import DurableRuntime, Session, condition_key, rule_key
from zorgregels.jobs.audit.model import CRITERIA, Status

#: fields that identify and group a decision; always read
ALWAYS_READ = ("decision_id", "outcome", "code", "rejection_reason", "motivation", "municipality",
               "team", "referrer_type", "decision_date", "request_date", "birth_date", "age")


class AuditRules:
    """Ground conditions (stage 0) and transparency criteria (stage 1) on a private durable host."""

    def __init__(self, catalogue: Catalogue):
        self.compiled = compile_audit(catalogue)
        grounds, criteria = self.compiled.stages
        self.ground_conditions: dict[str, tuple[int, CompiledCondition]] = {
            c.id: (i, c) for i, c in enumerate(grounds.conditions)}
        self.criteria: tuple[CompiledRule, ...] = criteria.rules
        self.runtime = DurableRuntime(self.compiled, self._resolve)
        self.light_codes = frozenset(catalogue.light_help_codes())
        reads: set[str] = set(ALWAYS_READ)
        for r in self.criteria:
            reads |= set(r.reads)
        for g in catalogue.grounds.values():
            reads |= set(g.ground.needs)
            if g.holds_when is not None:
                reads |= set(fields_of(g.holds_when))
        #: a value the audit reads that cannot be read makes a rejection not testable
        self.reads = frozenset(reads)
        order = {c: i for i, c in enumerate(CRITERIA)}
        names: list[str] = []
        for r in self.criteria:
            c = criterion_of(r.id)
            if c not in names:
                names.append(c)
        # the eight criteria of domain.md §6 first, then those a region adds, in rule order
        self.criterion_names = sorted(names, key=lambda c: (order.get(c, len(order)), names.index(c)))

    def _resolve(self, stage: int, fact: dict[str, Any], hits: list[str],
                 session: Session) -> dict[str, Any] | None:
        if stage != 0:
            return None
        nxt = dict(fact)
        gid = fact.get("rejection_reason")
        found = self.ground_conditions.get(ground_condition_id(gid)) if isinstance(gid, str) else None
        if found is not None and not fact.get("ground_needs_missing"):
            index, condition = found
            by_durable = condition_key(0, index) in hits
            by_reference = holds(condition.cond, fact)
            if by_durable != by_reference:  # a backend bug, never a finding about a decision
                raise RuntimeError(f"durable-rules en de referentiesemantiek verschillen over grond "
                                   f"{gid}: {by_durable} tegen {by_reference}")
            nxt["ground_holds"] = by_durable
        return nxt

    def run(self, fact: dict[str, Any]) -> tuple[dict[str, Any], list[CompiledRule]]:
        """The fact the criteria saw (with ``ground_holds``) and the criteria rules that fired."""
        session = self.runtime.run(fact)
        final = session.facts[1]
        fired = set(session.hits.get(1, []))
        return final, [r for i, r in enumerate(self.criteria) if rule_key(1, i) in fired]


def criterion_of(rule_id: str) -> str:
    parts = rule_id.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def status_of_rule(rule: CompiledRule) -> Status:
    if rule.severity == "error":
        return "fail"
    if rule.severity == "warning":
        return "needs_review"
    return "not_applicable" if rule.id.endswith("not_applicable") else "pass"
