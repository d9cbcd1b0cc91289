"""The transparency audit of light-help rejections (domain.md §6; 001 §6).

For every rejected decision whose code is light help, the rejection ground's own condition from
``rules/<region>/grounds.yaml`` is re-evaluated on the record's facts and the criteria of
``rules/<region>/transparency.yaml`` (rules of check ``transparency``) are evaluated, both with
durable-rules in one session (``catalogue.compile.compile_audit``: stage 0 the ground
conditions, stage 1 the criteria, forward chaining). The reference semantics of
``conditions.holds`` is evaluated beside it and must agree.

Verdicts (docs/audit.md, docs/adr/0003-transparency-audit.md), ranked first to last:

* ``forbidden_ground``: the rejection rests on a ground the catalogue marks forbidden (budget
  exhausted, lighter help first); it can never stand, so this verdict goes before any other;
* ``not_testable``: the rejection cannot be tested against a ground: no ground recorded, a ground
  outside the catalogue, the facts the ground rests on are missing, or a value the audit reads is
  unreadable;
* ``incomplete``: the ground can be tested and at least one criterion fails;
* ``transparent``: no criterion fails. Criteria that need a professional's judgment are listed
  as ``needs_review``; they do not make a rejection non-transparent, and are never approximated.

Every audited decision carries a receipt (versions, rules hash, as-of date, input hash, the
batch context that influenced it, the result) with a hash over all of it.

The modules: ``model`` (what the audit returns), ``rules`` (the compiled audit rules on their
own durable runtime), ``judge`` (one decision), ``summary`` (the counts), ``auditor`` (a batch).
"""

from zorgregels.core.receipt import canonical_json, record_hash, sha256
from zorgregels.jobs.audit.auditor import (
    DEFAULT_REUSE_THRESHOLD,
    DEFAULT_SIMILARITY,
    Auditor,
    audit_rejections,
)
from zorgregels.jobs.audit.model import (
    CRITERIA,
    STATUSES,
    VERDICT_RANK,
    VERDICTS,
    AuditedDecision,
    AuditReceipt,
    AuditReport,
    CriterionResult,
    GroundInfo,
    NotAudited,
)

__all__ = [
    "CRITERIA",
    "DEFAULT_REUSE_THRESHOLD",
    "DEFAULT_SIMILARITY",
    "STATUSES",
    "VERDICTS",
    "VERDICT_RANK",
    "AuditReport",
    "AuditReceipt",
    "AuditedDecision",
    "Auditor",
    "CriterionResult",
    "GroundInfo",
    "NotAudited",
    "audit_rejections",
    "canonical_json",
    "record_hash",
    "sha256",
]
