"""The audit's counts and rates, overall and per municipality, team, referrer type and ground."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from zorgregels.catalogue.catalogue import Catalogue
from zorgregels.jobs.audit.judge import Settings
from zorgregels.jobs.audit.model import STATUSES, VERDICTS, AuditedDecision, NotAudited
from zorgregels.jobs.audit.rules import AuditRules

MISSING = "(leeg)"


def _rate(part: int, whole: int) -> float | None:
    if not whole:
        return None
    return float((Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001")))


def _group_stats(granted: int, audited: list[AuditedDecision], criteria: list[str]) -> dict[str, Any]:
    verdicts: Counter[str] = Counter(d.verdict for d in audited)
    failed = Counter(c.criterion for d in audited for c in d.criteria if c.status == "fail")
    review = Counter(c.criterion for d in audited for c in d.criteria if c.status == "needs_review")
    rejected = len(audited)
    return {
        "light_help_granted": granted,
        "light_help_rejected": rejected,
        "rejection_rate": _rate(rejected, granted + rejected),
        "verdicts": {v: verdicts.get(v, 0) for v in VERDICTS},
        "transparent_rate": _rate(verdicts.get("transparent", 0), rejected),
        "failed_criteria": {c: failed.get(c, 0) for c in criteria},
        "needs_review": {c: review.get(c, 0) for c in criteria},
    }


def summarise(catalogue: Catalogue, rules: AuditRules, settings: Settings,
              decisions: list[AuditedDecision], granted: list[dict[str, Any]], not_light: int,
              not_audited: list[NotAudited], rows: int) -> dict[str, Any]:
    """Counts and rates, overall and per municipality, team, referrer type and rejection ground."""
    cat = catalogue
    crit = rules.criterion_names
    names = {m.code: m.name for m in cat.region.municipalities}
    dims: dict[str, Callable[[str], str]] = {
        "municipality": lambda v: names.get(v, v),
        "team": lambda v: v,
        "referrer_type": lambda v: cat.referrer_types[v].name if v in cat.referrer_types else v,
    }
    by: dict[str, Any] = {}
    for field, label in dims.items():
        granted_in: Counter[str] = Counter(str(t.get(field) or MISSING) for t in granted)
        audited_in: defaultdict[str, list[AuditedDecision]] = defaultdict(list)
        for d in decisions:
            audited_in[str(getattr(d, field) or MISSING)].append(d)
        groups: dict[str, Any] = {}
        for k in sorted(set(granted_in) | set(audited_in)):
            stats = _group_stats(granted_in[k], audited_in[k], crit)
            stats["label"] = label(k) if k != MISSING else MISSING
            groups[k] = stats
        by[field] = groups
    by_ground: defaultdict[str, list[AuditedDecision]] = defaultdict(list)
    for d in decisions:
        by_ground[d.rejection_reason or MISSING].append(d)
    grounds: dict[str, Any] = {}
    for k in sorted(by_ground):
        stats = _group_stats(0, by_ground[k], crit)
        for drop in ("light_help_granted", "rejection_rate"):
            stats.pop(drop)
        pg = cat.grounds.get(k)
        stats["label"] = pg.ground.name if pg else ("geen grond" if k == MISSING else "onbekende grond")
        stats["in_catalogue"] = pg is not None
        stats["forbidden"] = bool(pg and pg.ground.forbidden)
        stats["basis"] = pg.ground.basis if pg else ""
        grounds[k] = stats
    by["rejection_ground"] = grounds

    statuses = {c: {s: 0 for s in STATUSES} for c in crit}
    for d in decisions:
        for c in d.criteria:
            statuses.setdefault(c.criterion, {s: 0 for s in STATUSES})[c.status] += 1
    overall = _group_stats(len(granted), decisions, crit)
    accounted = not_light + len(granted) + len(decisions) + len(not_audited)
    if accounted != rows:  # rows in equals rows reported
        raise RuntimeError(f"audit telde {accounted} van {rows} rijen")
    as_of = settings.as_of
    return {
        "rows": rows,
        "rows_accounted": {
            "light_help_rejected_audited": len(decisions),
            "light_help_granted": len(granted),
            "not_light_help": not_light,
            "not_determined": len(not_audited),
        },
        "overall": overall,
        "criteria": statuses,
        "by": by,
        "settings": {
            "zorgregels": settings.versions.zorgregels,
            "durable_rules": settings.versions.durable_rules,
            "rule_format": settings.versions.rule_format,
            "rules_hash": settings.rules_hash,
            "region": cat.region.id,
            "as_of": as_of.isoformat() if as_of else "decision_date van elk besluit",
            "reuse_threshold": settings.reuse_threshold,
            "similarity": settings.similarity,
            "light_help_codes": sorted(rules.light_codes),
            "criteria": crit,
        },
    }
