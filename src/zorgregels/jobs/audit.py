"""The transparency audit of light-help rejections (domain.md §6; 001 §6).

For every rejected decision whose code is light help, the criteria of ``rules/transparency.yaml``
(rules of check ``transparency``) are evaluated with durable-rules, after the rejection ground's
own condition from ``rules/grounds.yaml`` has been re-evaluated on the record's facts, also with
durable-rules (stage 0 of the same session; stage 1 holds the criteria: forward chaining). The
reference semantics of ``conditions.holds`` is evaluated beside it and must agree.

Verdicts (docs/audit.md, docs/adr/0003-transparency-audit.md):

* ``not_testable``: the rejection cannot be tested against a ground: no ground recorded, a ground
  outside the catalogue, the facts the ground rests on are missing, or a value the audit reads is
  unreadable;
* ``incomplete``: the ground can be tested and at least one criterion fails;
* ``transparent``: no criterion fails. Criteria that need a professional's judgment are listed
  as ``needs_review``; they do not make a rejection non-transparent, and are never approximated.

Every audited decision carries a receipt (versions, rules hash, as-of date, input hash, the
batch context that influenced it, the result) with a hash over all of it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.metadata
import json
import threading
import weakref
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from zorgregels.catalogue.catalogue import ParsedGround
from zorgregels.catalogue.compile import (
    CompiledCondition,
    CompiledRule,
    compile_audit,
    ground_condition_id,
)
from zorgregels.catalogue.conditions import describe, fields_of, holds
from zorgregels.catalogue.model import FORMAT_VERSION
from zorgregels.core.durable import DurableRuntime, Session, condition_key, rule_key
from zorgregels.core.engine import CoreEngine
from zorgregels.core.facts import derive, read_record, to_fact
from zorgregels.core.results import Finding
from zorgregels.core.semantics import format_message
from zorgregels.diagnostics import InputError
from zorgregels.io.privacy import mask_bsns_in_text
from zorgregels.jobs.boilerplate import group_texts
from zorgregels.version import __version__

CRITERIA = (
    "ground_known",
    "four_steps",
    "ground_holds",
    "motivation_specific",
    "alternative_named",
    "decision_term",
    "objection_info",
    "forbidden_ground",
)
Status = Literal["pass", "fail", "needs_review", "not_applicable"]
Verdict = Literal["transparent", "incomplete", "not_testable"]
VERDICTS: tuple[str, ...] = ("transparent", "incomplete", "not_testable")
STATUSES: tuple[str, ...] = ("pass", "fail", "needs_review", "not_applicable")
DEFAULT_REUSE_THRESHOLD = 3
DEFAULT_SIMILARITY = 0.9
GAP_BASIS = "domain.md §6 (elk criterium is een regel van check transparency)"
#: fields that identify and group a decision; always read
_ALWAYS_READ = ("decision_id", "outcome", "code", "rejection_reason", "motivation", "municipality",
                "team", "referrer_type", "decision_date", "request_date", "birth_date", "age")


# ---------------------------------------------------------------- results


class CriterionResult(BaseModel):
    criterion: str
    status: Status
    message: str
    basis: str
    rules: list[str] = Field(default_factory=list, description="the transparency rules that fired")


class Receipt(BaseModel):
    zorgregels: str
    durable_rules: str
    rule_format: int
    rules_hash: str
    as_of: str | None
    input_hash: str = Field(description="sha256 of the raw record as canonical JSON (sorted keys; "
                            "empty values, reader bookkeeping and bsn left out)")
    reuse_threshold: int
    similarity: str
    motivation_reuse: int = Field(description="rejections in the batch sharing this motivation")
    result_hash: str = Field(description="sha256 of the verdict and the criteria statuses")
    hash: str = Field(description="sha256 over every other field of this receipt")


class GroundInfo(BaseModel):
    id: str
    name: str
    basis: str
    forbidden: bool
    ijw_reason: str | None = None


class AuditedDecision(BaseModel):
    decision_id: str
    verdict: Verdict
    reasons: list[str] = Field(default_factory=list, description="why this verdict, in Dutch")
    criteria: list[CriterionResult]
    receipt: Receipt
    source: str | None = None
    row: int | None = None
    municipality: str | None = None
    team: str | None = None
    referrer_type: str | None = None
    code: str | None = None
    rejection_reason: str | None = None
    ground: GroundInfo | None = None
    decision_date: str | None = None
    reused_with: list[str] = Field(default_factory=list,
                                   description="decisions with the same or a near-verbatim motivation (at most 10)")
    input_issues: list[str] = Field(default_factory=list)

    def failed(self) -> list[CriterionResult]:
        return [c for c in self.criteria if c.status == "fail"]

    def status_of(self, criterion: str) -> str | None:
        return next((c.status for c in self.criteria if c.criterion == criterion), None)


class NotAudited(BaseModel):
    """A row that is not counted as light help, with the reason (rows in equals rows reported)."""

    source: str | None = None
    row: int | None = None
    decision_id: str | None = None
    reason: str


class AuditReport(BaseModel):
    decisions: list[AuditedDecision]
    summary: dict[str, Any]
    not_audited: list[NotAudited] = Field(default_factory=list,
                                          description="rows whose light-help status could not be determined")

    @property
    def exit_code(self) -> int:
        return 1 if any(d.verdict != "transparent" for d in self.decisions) else 0

    def findings(self) -> list[Finding]:
        """The audit as findings of check ``transparency`` (domain.md §5), one per criterion that
        failed (severity error) or needs review (warning), for merging with batch validation."""
        out: list[Finding] = []
        for d in self.decisions:
            for c in d.criteria:
                if c.status in ("fail", "needs_review"):
                    out.append(Finding(
                        rule=c.rules[0] if len(c.rules) == 1 else f"transparency.{c.criterion}",
                        check="transparency", severity="error" if c.status == "fail" else "warning",
                        message=c.message, basis=c.basis, decision_id=d.decision_id))
        return out

    def jsonl_lines(self) -> list[str]:
        return [json.dumps(d.model_dump(mode="json", exclude_none=True), ensure_ascii=False,
                           sort_keys=False, separators=(",", ":")) for d in self.decisions]


# ---------------------------------------------------------------- hashing


def canonical_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def record_hash(raw: Mapping[str, Any]) -> str:
    """The input hash of a raw record: canonical JSON of its own fields, sorted keys.

    Left out: the reader's bookkeeping (``_source``, ``_row``, ``_error``), empty values (so a
    CSV's empty cell and a JSON line's missing key hash the same) and ``bsn`` (a hash of a record
    with a 9-digit number in it can be confirmed by trying all numbers; the audit never reads it).
    """
    clean = {str(k): v for k, v in raw.items()
             if not str(k).startswith("_") and k != "bsn" and v is not None and v != ""}
    return sha256(canonical_json(clean))


def _durable_version() -> str:
    for name in ("durable-rules", "durable_rules"):
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return "onbekend"


# ---------------------------------------------------------------- the rules, compiled for the audit


class AuditRules:
    """The audit's rule set (``compile_audit``: ground conditions in stage 0, the transparency
    criteria in stage 1) on a private durable host."""

    def __init__(self, engine: CoreEngine):
        cat = engine.catalogue
        self.grounds: dict[str, ParsedGround] = dict(cat.grounds)
        self.compiled = compile_audit(cat)
        grounds, criteria = self.compiled.stages
        self.ground_conditions: dict[str, tuple[int, CompiledCondition]] = {
            c.id: (i, c) for i, c in enumerate(grounds.conditions)}
        self.criteria: tuple[CompiledRule, ...] = criteria.rules
        self.runtime = DurableRuntime(self.compiled, self._resolve)
        self.light_codes = cat.light_help_codes()
        reads: set[str] = set(_ALWAYS_READ)
        for r in self.criteria:
            reads |= set(r.reads)
        for g in self.grounds.values():
            reads |= set(g.ground.needs)
            if g.holds_when is not None:
                reads |= set(fields_of(g.holds_when))
        self.reads = frozenset(reads)
        order = {c: i for i, c in enumerate(CRITERIA)}
        names: list[str] = []
        for r in self.criteria:
            c = criterion_of(r.id)
            if c not in names:
                names.append(c)
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
        session = self.runtime.run(fact)
        final = session.facts[1]
        fired = set(session.hits.get(1, []))
        return final, [r for i, r in enumerate(self.criteria) if rule_key(1, i) in fired]


_RULES_CACHE: weakref.WeakKeyDictionary[CoreEngine, AuditRules] = weakref.WeakKeyDictionary()
_CACHE_LOCK = threading.Lock()


def audit_rules(engine: CoreEngine) -> AuditRules:
    with _CACHE_LOCK:
        rules = _RULES_CACHE.get(engine)
        if rules is None:
            rules = _RULES_CACHE[engine] = AuditRules(engine)
        return rules


def criterion_of(rule_id: str) -> str:
    parts = rule_id.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def status_of_rule(rule: CompiledRule) -> Status:
    if rule.severity == "error":
        return "fail"
    if rule.severity == "warning":
        return "needs_review"
    return "not_applicable" if rule.id.endswith("not_applicable") else "pass"


_RANK = {"fail": 0, "needs_review": 1, "not_applicable": 2, "pass": 3}


# ---------------------------------------------------------------- input


def iter_records(records: Any, columns: str | Path | None = None) -> Iterator[dict[str, Any]]:
    """Raw records from dicts, a polars DataFrame, or paths read by ``readers.read_decisions``."""
    import polars as pl

    from zorgregels.io.readers import read_decisions

    if isinstance(records, (str, Path)):
        records = read_decisions([records], columns=columns)
    elif isinstance(records, (list, tuple)) and records and all(isinstance(r, (str, Path)) for r in records):
        records = read_decisions(list(records), columns=columns)
    if isinstance(records, pl.DataFrame):
        yield from records.iter_rows(named=True)
        return
    for i, r in enumerate(records, 1):
        if not isinstance(r, Mapping):
            raise InputError(f"record {i}: verwacht een mapping van veld naar waarde, kreeg {type(r).__name__}")
        row = dict(r)
        row.setdefault("_row", i)
        yield row


# ---------------------------------------------------------------- the audit


def audit_rejections(engine: CoreEngine, records: Any, *, reuse_threshold: int = DEFAULT_REUSE_THRESHOLD,
                     similarity: float = DEFAULT_SIMILARITY, as_of: dt.date | None = None,
                     columns: str | Path | None = None) -> AuditReport:
    """Audit every rejected light-help decision in ``records`` (see the module docstring).

    ``records``: an iterable of dicts, a polars DataFrame of text columns, or a path (or list of
    paths) to CSV/JSONL/Parquet decision files; ``columns`` maps an export's columns.
    ``reuse_threshold``: from this many rejections sharing a motivation, it is boilerplate.
    ``as_of``: reference date for the rules; by default each record's own decision_date.
    """
    if reuse_threshold < 2:
        raise InputError("--reuse-threshold is minstens 2 (een tekst die een keer voorkomt is niet hergebruikt)")
    if not 0 < similarity <= 1:
        raise InputError("similarity ligt tussen 0 en 1")
    rules = audit_rules(engine)
    cat = engine.catalogue

    rows: list[dict[str, Any]] = []
    parsed: list[tuple[dict[str, Any], list[Any]]] = []
    for raw in iter_records(records, columns):
        rows.append(raw)
        if raw.get("_error"):
            parsed.append(({}, []))
            continue
        typed, issues, _extra = read_record(raw)
        parsed.append((typed, issues))

    # motivation reuse over all rejections in the batch
    rejected = [i for i, (t, _) in enumerate(parsed) if t.get("outcome") == "rejected"]
    groups = group_texts([parsed[i][0].get("motivation") for i in rejected], similarity)
    reuse: dict[int, int] = {}
    peers: dict[int, list[int]] = {}
    for pos, i in enumerate(rejected):
        g = groups.group[pos]
        if g is not None:
            reuse[i] = groups.size[pos]
            peers[i] = [rejected[p] for p in groups.members[g] if p != pos]

    versions = (__version__, _durable_version())
    decisions: list[AuditedDecision] = []
    not_audited: list[NotAudited] = []
    light_granted: list[dict[str, Any]] = []
    not_light = 0
    sim_text = format(Decimal(str(similarity)).normalize(), "f")

    def ident(raw: Mapping[str, Any]) -> str:
        did = raw.get("decision_id")
        return str(did).strip() if did not in (None, "") else f"{raw.get('_source') or 'invoer'}:{raw.get('_row')}"

    for i, raw in enumerate(rows):
        typed, issues = parsed[i]
        where: dict[str, Any] = {"source": raw.get("_source"), "row": raw.get("_row"),
                 "decision_id": str(raw["decision_id"]) if raw.get("decision_id") not in (None, "") else None}
        if raw.get("_error"):
            not_audited.append(NotAudited(**where, reason=f"onleesbare rij: {raw['_error']}"))
            continue
        bad = {iss.field: iss for iss in issues}
        if "outcome" in bad or "outcome" not in typed:
            not_audited.append(NotAudited(**where, reason="uitkomst (outcome) ontbreekt of is ongeldig: "
                                          + (bad["outcome"].message if "outcome" in bad else "leeg")))
            continue
        code = typed.get("code")
        if code is None:
            reason = "code ontbreekt" + (f" ({bad['code'].message})" if "code" in bad else "")
            not_audited.append(NotAudited(**where, reason=f"{reason}; niet vast te stellen of het lichte hulp is"))
            continue
        if code not in cat.codes:
            not_audited.append(NotAudited(**where, reason=f"code {code} staat niet in de catalogus; "
                                          "niet vast te stellen of het lichte hulp is"))
            continue
        if code not in rules.light_codes:
            not_light += 1
            continue
        if typed["outcome"] == "granted":
            light_granted.append(typed)
            continue
        decisions.append(_audit_one(engine, rules, raw, typed, issues, as_of, reuse_threshold,
                                    reuse.get(i, 0), [ident(rows[p]) for p in peers.get(i, [])],
                                    ident(raw), versions, sim_text))

    decisions.sort(key=lambda d: (d.decision_id, d.source or "", d.row or 0))
    summary = summarise(engine, rules, decisions, light_granted, not_light, not_audited, len(rows),
                        reuse_threshold, sim_text, as_of, versions)
    report = AuditReport(decisions=decisions, summary=summary, not_audited=not_audited)
    bsns = {str(r["bsn"]).strip() for r in rows if r.get("bsn") not in (None, "")}
    return mask_bsn(report, {b for b in bsns if len(b) >= 8})


def mask_bsn(report: AuditReport, bsns: set[str]) -> AuditReport:
    """The audit never copies a bsn into its output; should an export have put one in another
    column (a decision id, a team name), it is masked here, in every output field."""
    text = report.model_dump_json()
    masked_text = mask_bsns_in_text(text, bsns)
    if masked_text == text:
        return report
    masked = AuditReport.model_validate_json(masked_text)
    masked.decisions.sort(key=lambda d: (d.decision_id, d.source or "", d.row or 0))
    return masked


def _audit_one(engine: CoreEngine, rules: AuditRules, raw: Mapping[str, Any], typed: dict[str, Any],
               issues: list[Any], as_of: dt.date | None, threshold: int, reuse: int,
               peers: list[str], decision_id: str, versions: tuple[str, str],
               sim_text: str) -> AuditedDecision:
    cat = engine.catalogue
    reference = as_of or typed.get("decision_date")
    derived = derive(typed, cat, reference) if reference is not None else {}
    values: dict[str, Any] = {**typed, **derived, "light_help": True,
                              "motivation_reuse_threshold": threshold}
    if "motivation" in typed:
        values["motivation_reuse"] = max(reuse, 1)
    gid = typed.get("rejection_reason")
    pg = cat.grounds.get(gid) if gid is not None else None
    if gid is not None:
        values["ground_known"] = pg is not None
    if pg is not None:
        g = pg.ground
        values["ground_forbidden"] = g.forbidden
        values["ground_alternative_required"] = g.alternative_required
        if not g.forbidden:
            fact_now = to_fact(values)
            lacking = [f for f in g.needs if f not in fact_now]
            if lacking:
                values["ground_needs_missing"] = lacking
            if pg.holds_when is not None:
                values["ground_condition"] = describe(pg.holds_when)
            if g.review:
                values["ground_review"] = g.review
    fact = to_fact(values)
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

    status_by = {c.criterion: c.status for c in criteria}
    reasons: list[str] = []
    unreadable = [iss for iss in issues if iss.field in rules.reads]
    input_issues = [f"{iss.field}: {iss.message}" for iss in issues]
    verdict: Verdict
    if unreadable:
        verdict = "not_testable"
        reasons.append("onleesbare waarde in een veld dat de audit leest: "
                       + "; ".join(f"{iss.field}: {iss.message}" for iss in unreadable))
    if status_by.get("ground_known") == "fail":
        verdict = "not_testable"
        reasons.append("geen afwijzingsgrond uit de catalogus: de afwijzing is niet tegen een grond te toetsen")
    if final.get("ground_needs_missing"):
        verdict = "not_testable"
        reasons.append("de gegevens waarop de grond rust ontbreken: "
                       + ", ".join(final["ground_needs_missing"]))
    if not reasons:
        failed = [c.criterion for c in criteria if c.status == "fail"]
        verdict = "incomplete" if failed else "transparent"
        if failed:
            reasons.append("niet voldaan: " + ", ".join(failed))
    review = [c.criterion for c in criteria if c.status == "needs_review"]
    if review:
        reasons.append("ter beoordeling door een deskundige: " + ", ".join(review))

    result = {"verdict": verdict,
              "criteria": [[c.criterion, c.status, c.rules] for c in criteria]}
    body: dict[str, Any] = {
        "zorgregels": versions[0],
        "durable_rules": versions[1],
        "rule_format": FORMAT_VERSION,
        "rules_hash": engine.rules_hash,
        "as_of": reference.isoformat() if reference is not None else None,
        "input_hash": record_hash(raw),
        "reuse_threshold": threshold,
        "similarity": sim_text,
        "motivation_reuse": reuse,
        "result_hash": sha256(canonical_json(result)),
    }
    receipt = Receipt(**body, hash=sha256(canonical_json(body)))
    ground = None
    if pg is not None:
        ground = GroundInfo(id=pg.id, name=pg.ground.name, basis=pg.ground.basis,
                            forbidden=pg.ground.forbidden, ijw_reason=pg.ground.ijw_reason)
    dd = typed.get("decision_date")
    return AuditedDecision(
        decision_id=decision_id, verdict=verdict, reasons=reasons, criteria=criteria,
        receipt=receipt, source=raw.get("_source"), row=_int(raw.get("_row")),
        municipality=typed.get("municipality"), team=typed.get("team"),
        referrer_type=typed.get("referrer_type"), code=typed.get("code"),
        rejection_reason=gid, ground=ground, decision_date=dd.isoformat() if dd else None,
        reused_with=sorted(peers)[:10] if reuse >= threshold else [], input_issues=input_issues)


def _int(v: Any) -> int | None:
    try:
        return int(v) if v is not None else None
    except (TypeError, ValueError):
        return None


# ---------------------------------------------------------------- summary


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


def summarise(engine: CoreEngine, rules: AuditRules, decisions: list[AuditedDecision],
              granted: list[dict[str, Any]], not_light: int, not_audited: list[NotAudited],
              rows: int, threshold: int, sim_text: str, as_of: dt.date | None,
              versions: tuple[str, str]) -> dict[str, Any]:
    """Counts and rates, overall and per municipality, team, referrer type and rejection ground."""
    cat = engine.catalogue
    crit = rules.criterion_names
    missing = "(leeg)"
    names = {m.code: m.name for m in cat.region.municipalities}
    dims: dict[str, tuple[str, Callable[[str], str]]] = {
        "municipality": ("municipality", lambda v: names.get(v, v)),
        "team": ("team", lambda v: v),
        "referrer_type": ("referrer_type",
                          lambda v: cat.referrer_types[v].name if v in cat.referrer_types else v),
    }
    by: dict[str, Any] = {}
    for dim, (field, label) in dims.items():
        keys = sorted({str(t.get(field) or missing) for t in granted}
                      | {str(getattr(d, field) or missing) for d in decisions})
        groups: dict[str, Any] = {}
        for k in keys:
            g_count = sum(1 for t in granted if str(t.get(field) or missing) == k)
            aud = [d for d in decisions if str(getattr(d, field) or missing) == k]
            stats = _group_stats(g_count, aud, crit)
            stats["label"] = label(k) if k != missing else missing
            groups[k] = stats
        by[dim] = groups
    grounds: dict[str, Any] = {}
    for k in sorted({d.rejection_reason or missing for d in decisions}):
        aud = [d for d in decisions if (d.rejection_reason or missing) == k]
        stats = _group_stats(0, aud, crit)
        for drop in ("light_help_granted", "rejection_rate"):
            stats.pop(drop)
        pg = cat.grounds.get(k)
        stats["label"] = pg.ground.name if pg else ("geen grond" if k == missing else "onbekende grond")
        stats["in_catalogue"] = pg is not None
        stats["forbidden"] = bool(pg and pg.ground.forbidden)
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
            "zorgregels": versions[0],
            "durable_rules": versions[1],
            "rule_format": FORMAT_VERSION,
            "rules_hash": engine.rules_hash,
            "region": cat.region.id,
            "as_of": as_of.isoformat() if as_of else "decision_date van elk besluit",
            "reuse_threshold": threshold,
            "similarity": sim_text,
            "light_help_codes": sorted(rules.light_codes),
            "criteria": crit,
        },
    }


__all__ = [
    "CRITERIA",
    "AuditReport",
    "AuditedDecision",
    "CriterionResult",
    "NotAudited",
    "Receipt",
    "audit_rejections",
    "canonical_json",
    "record_hash",
]
