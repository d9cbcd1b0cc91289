"""One rejected light-help decision: its facts, the criteria that fired, its verdict and receipt.

Verdicts (docs/audit.md, docs/adr/0003-transparency-audit.md): ``forbidden_ground`` first, when
the criterion ``forbidden_ground`` fails (the ground may never carry a rejection, whatever else
the record holds or lacks); otherwise ``not_testable`` when the rejection cannot be tested
against a ground (no ground or one outside the catalogue, missing facts the ground rests on, an
unreadable value the audit reads); otherwise ``incomplete`` when a criterion fails; otherwise
``transparent``, with the criteria that need review listed.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from zorgregels.catalogue.catalogue import Catalogue
from zorgregels.catalogue.compile import CompiledRule
from zorgregels.catalogue.conditions import describe
from zorgregels.core.facts import InputIssue, derive, to_fact
from zorgregels.core.messages import format_message
from zorgregels.core.receipt import Versions, canonical_json, record_hash, seal, sha256
from zorgregels.io.columns import SOURCE, SOURCE_ROW
from zorgregels.jobs.audit.model import (
    AuditedDecision,
    AuditReceipt,
    CriterionResult,
    GroundInfo,
    Status,
    Verdict,
)
from zorgregels.jobs.audit.rules import AuditRules, criterion_of, status_of_rule

GAP_BASIS = "domain.md §6 (elk criterium is een regel van check transparency)"
_RANK: dict[Status, int] = {"fail": 0, "needs_review": 1, "not_applicable": 2, "pass": 3}


@dataclass(frozen=True)
class Settings:
    """What one audit run holds the same for every decision, and records in every receipt."""

    as_of: dt.date | None
    reuse_threshold: int
    similarity: str  # as the receipt records it: the option's decimal text
    versions: Versions
    rules_hash: str


@dataclass(frozen=True)
class Reuse:
    """How the batch shares this decision's motivation."""

    count: int  # rejections in the batch with the same or a near-verbatim motivation (0: none)
    peers: list[str]  # their decision ids


def judge(rules: AuditRules, catalogue: Catalogue, settings: Settings, raw: Mapping[str, Any],
          typed: dict[str, Any], issues: list[InputIssue], reuse: Reuse,
          decision_id: str) -> AuditedDecision:
    reference = settings.as_of or typed.get("decision_date")
    derived = derive(typed, catalogue, reference) if reference is not None else {}
    values: dict[str, Any] = {**typed, **derived, "light_help": True,
                              "motivation_reuse_threshold": settings.reuse_threshold}
    if "motivation" in typed:
        values["motivation_reuse"] = max(reuse.count, 1)
    gid = typed.get("rejection_reason")
    pg = catalogue.grounds.get(gid) if gid is not None else None
    if gid is not None:
        values["ground_known"] = pg is not None
    ground_facts: dict[str, Any] = {}
    if pg is not None:
        g = pg.ground
        values["ground_forbidden"] = g.forbidden
        values["ground_alternative_required"] = g.alternative_required
        if not g.forbidden:
            if pg.holds_when is not None:
                ground_facts["ground_condition"] = describe(pg.holds_when)
            if g.review:
                ground_facts["ground_review"] = g.review
    fact = to_fact(values)
    if pg is not None and not pg.ground.forbidden:
        # what the ground needs is a fact of the record (typed or derived), present or not
        lacking = [f for f in pg.ground.needs if f not in fact]
        if lacking:
            ground_facts["ground_needs_missing"] = lacking
    fact.update(to_fact(ground_facts))
    final, fired = rules.run(fact)

    by_criterion: dict[str, list[CompiledRule]] = defaultdict(list)
    for r in fired:
        by_criterion[criterion_of(r.id)].append(r)

    criteria: list[CriterionResult] = []
    for name in rules.criterion_names:
        hit = by_criterion.get(name, [])
        if not hit:
            criteria.append(CriterionResult(
                criterion=name, status="needs_review", basis=GAP_BASIS,
                message="Geen regel van dit criterium past op dit record (lacune in de regels); "
                        "beoordeel het met de hand."))
            continue
        status = min((status_of_rule(r) for r in hit), key=_RANK.__getitem__)
        top = [r for r in hit if status_of_rule(r) == status]
        messages = [format_message(r.message, final) for r in top]
        # the ground's own message states the missing fact better than the generic rule
        if pg is not None and pg.ground.message and status == "fail" and (
                (name == "ground_holds" and final.get("ground_holds") is False)
                or (name == "forbidden_ground" and pg.ground.forbidden)):
            messages = [format_message(pg.ground.message, final)]
        bases: list[str] = []
        for r in top:
            if r.basis not in bases:
                bases.append(r.basis)
        if name in ("ground_holds", "forbidden_ground") and pg is not None and status == "fail" \
                and pg.ground.basis not in bases:
            bases.append(pg.ground.basis)
        criteria.append(CriterionResult(criterion=name, status=status, message=" ".join(messages),
                                        basis="; ".join(bases), rules=[r.id for r in top]))

    verdict, reasons = _verdict(rules, criteria, issues, final)
    result = {"verdict": verdict,
              "criteria": [[c.criterion, c.status, c.rules] for c in criteria]}
    receipt = seal(AuditReceipt, settings.versions, rules_hash=settings.rules_hash,
                   as_of=reference.isoformat() if reference is not None else None,
                   input_hash=record_hash(raw), reuse_threshold=settings.reuse_threshold,
                   similarity=settings.similarity, motivation_reuse=reuse.count,
                   result_hash=sha256(canonical_json(result)))
    ground = None
    if pg is not None:
        ground = GroundInfo(id=pg.id, name=pg.ground.name, basis=pg.ground.basis,
                            forbidden=pg.ground.forbidden, ijw_reason=pg.ground.ijw_reason)
    dd = typed.get("decision_date")
    return AuditedDecision(
        decision_id=decision_id, verdict=verdict, reasons=reasons, criteria=criteria,
        receipt=receipt, source=raw[SOURCE], row=raw[SOURCE_ROW],
        municipality=typed.get("municipality"), team=typed.get("team"),
        referrer_type=typed.get("referrer_type"), code=typed.get("code"),
        rejection_reason=gid, ground=ground, decision_date=dd.isoformat() if dd else None,
        reused_with=sorted(reuse.peers)[:10] if reuse.count >= settings.reuse_threshold else [],
        input_issues=[f"{iss.field}: {iss.message}" for iss in issues])


def _verdict(rules: AuditRules, criteria: list[CriterionResult], issues: list[InputIssue],
             final: dict[str, Any]) -> tuple[Verdict, list[str]]:
    status_by = {c.criterion: c.status for c in criteria}
    reasons: list[str] = []
    forbidden = status_by.get("forbidden_ground") == "fail"
    if forbidden:  # ranked first: no fact, present or missing, can make this ground stand
        reasons.append("afgewezen op een verboden grond: die kan een afwijzing nooit dragen")
    untestable: list[str] = []
    unreadable = [iss for iss in issues if iss.field in rules.reads]
    if unreadable:
        untestable.append("onleesbare waarde in een veld dat de audit leest: "
                          + "; ".join(f"{iss.field}: {iss.message}" for iss in unreadable))
    if status_by.get("ground_known") == "fail":
        untestable.append("geen afwijzingsgrond uit de catalogus: de afwijzing is niet tegen een grond te toetsen")
    if final.get("ground_needs_missing"):
        untestable.append("de gegevens waarop de grond rust ontbreken: "
                          + ", ".join(final["ground_needs_missing"]))
    reasons += untestable
    verdict: Verdict = "not_testable"
    if forbidden or not untestable:
        failed = [c.criterion for c in criteria if c.status == "fail"]
        verdict = "forbidden_ground" if forbidden else ("incomplete" if failed else "transparent")
        if failed:
            reasons.append("niet voldaan: " + ", ".join(failed))
    review = [c.criterion for c in criteria if c.status == "needs_review"]
    if review:
        reasons.append("ter beoordeling door een deskundige: " + ", ".join(review))
    return verdict, reasons
