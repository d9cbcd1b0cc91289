"""The audit of a batch: which rows are rejected light help, the motivations the batch shares,
each rejection judged, the counts, and no bsn in any output.

An ``Auditor`` is built once from an engine: it holds the audit's compiled rules and their own
durable runtime, and keeps no state between batches (``zorgregels.Engine`` keeps one).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from zorgregels.core.engine import CoreEngine
from zorgregels.core.facts import InputIssue, read_record
from zorgregels.diagnostics import InputError
from zorgregels.io.columns import ERROR, SOURCE, SOURCE_ROW
from zorgregels.io.frame import Records, frame_records
from zorgregels.io.privacy import SEALED, bsn_masker, mask_bsns_in
from zorgregels.jobs.audit.judge import Reuse, Settings, judge
from zorgregels.jobs.audit.model import AuditedDecision, AuditReport, NotAudited
from zorgregels.jobs.audit.rules import AuditRules
from zorgregels.jobs.audit.summary import summarise
from zorgregels.jobs.boilerplate import group_texts

DEFAULT_REUSE_THRESHOLD = 3
DEFAULT_SIMILARITY = 0.9


class Auditor:
    """The transparency audit of one engine's catalogue, compiled once (``compile_audit``)."""

    def __init__(self, engine: CoreEngine):
        self.catalogue = engine.catalogue
        self.rules_hash = engine.rules_hash
        self.rules = AuditRules(engine.catalogue)

    def audit(self, records: Records, *, reuse_threshold: int = DEFAULT_REUSE_THRESHOLD,
              similarity: float = DEFAULT_SIMILARITY, as_of: dt.date | None = None,
              columns: str | Path | None = None) -> AuditReport:
        """Audit every rejected light-help decision in ``records`` (see ``audit_rejections``)."""
        if reuse_threshold < 2:
            raise InputError("--reuse-threshold is minstens 2 (een tekst die een keer voorkomt is niet hergebruikt)")
        if not 0 < similarity <= 1:
            raise InputError("similarity ligt tussen 0 en 1")
        cat = self.catalogue
        rules = self.rules

        rows = _framed_rows(records, columns)
        parsed = [_sorting_facts(raw) for raw in rows]
        reuse = _reuse(parsed, similarity, [_ident(r) for r in rows])

        settings = Settings(as_of=as_of, reuse_threshold=reuse_threshold,
                            similarity=format(Decimal(str(similarity)).normalize(), "f"),
                            versions=rules.runtime.versions, rules_hash=self.rules_hash)
        decisions: list[AuditedDecision] = []
        not_audited: list[NotAudited] = []
        light_granted: list[dict[str, Any]] = []
        not_light = 0
        for i, raw in enumerate(rows):
            typed, issues = parsed[i]
            where: dict[str, Any] = {"source": raw[SOURCE], "row": raw[SOURCE_ROW],
                                     "decision_id": str(raw["decision_id"])
                                     if raw.get("decision_id") not in (None, "") else None}
            if raw[ERROR]:
                not_audited.append(NotAudited(**where, reason=f"onleesbare rij: {raw[ERROR]}"))
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
                light_granted.append(read_record(raw)[0])
                continue
            typed, issues, _extra = read_record(raw)
            decisions.append(judge(rules, cat, settings, raw, typed, issues,
                                   reuse.get(i, Reuse(0, [])), _ident(raw)))

        decisions.sort(key=lambda d: (d.decision_id, d.source or "", d.row or 0))
        summary = summarise(cat, rules, settings, decisions, light_granted, not_light, not_audited,
                            len(rows))
        report = AuditReport(decisions=decisions, summary=summary, not_audited=not_audited,
                             links=cat.citation_links())
        bsns = {str(r["bsn"]).strip() for r in rows if r.get("bsn") not in (None, "")}
        return mask_bsn(report, {b for b in bsns if len(b) >= 8})


def audit_rejections(engine: CoreEngine, records: Records, *, reuse_threshold: int = DEFAULT_REUSE_THRESHOLD,
                     similarity: float = DEFAULT_SIMILARITY, as_of: dt.date | None = None,
                     columns: str | Path | None = None) -> AuditReport:
    """Audit every rejected light-help decision in ``records`` (see ``zorgregels.jobs.audit``).

    ``records``: anything ``io.frame.frame_records`` reads: a path (or list of paths) to
    CSV/JSONL/Parquet/iJw decision files, an iterable of dicts, or a data frame; ``columns``
    maps an export's columns.
    ``reuse_threshold``: from this many rejections sharing a motivation, it is boilerplate.
    ``as_of``: reference date for the rules; by default each record's own decision_date.
    Builds an ``Auditor`` for this call; ``Engine.audit_rejections`` reuses the engine's own.
    """
    return Auditor(engine).audit(records, reuse_threshold=reuse_threshold, similarity=similarity,
                                 as_of=as_of, columns=columns)


def _framed_rows(records: Records, columns: str | Path | None = None) -> list[dict[str, Any]]:
    """The batch as rows of the one framing (``io.frame``): the record's own columns as text,
    with ``_source``, ``_row`` and ``_error``. An empty list of records is an empty batch."""
    if isinstance(records, (list, tuple)) and not records:
        return []
    return frame_records(records, columns).to_dicts()


#: the fields that sort a row (light help or not, rejected or not) and group the rejections
_SORTING = ("outcome", "code", "motivation")


def _sorting_facts(raw: Mapping[str, Any]) -> tuple[dict[str, Any], list[InputIssue]]:
    """The typed values of the fields that sort a row (``read_record`` of those fields alone:
    it reads each field on its own); a light-help row is read whole where it is audited or
    counted. A row that could not be read sorts as nothing."""
    if raw[ERROR]:
        return {}, []
    typed, issues, _extra = read_record({k: raw[k] for k in _SORTING if k in raw})
    return typed, issues


def _ident(raw: Mapping[str, Any]) -> str:
    did = raw.get("decision_id")
    return str(did).strip() if did not in (None, "") else f"{raw[SOURCE] or 'invoer'}:{raw[SOURCE_ROW]}"


def _reuse(parsed: list[tuple[dict[str, Any], list[InputIssue]]], similarity: float,
           idents: list[str]) -> dict[int, Reuse]:
    """Per row index of a rejection whose motivation the batch shares: how often, and with whom
    (all rejections of the batch count, light help or not)."""
    rejected = [i for i, (t, _) in enumerate(parsed) if t.get("outcome") == "rejected"]
    groups = group_texts([parsed[i][0].get("motivation") for i in rejected], similarity)
    reuse: dict[int, Reuse] = {}
    for pos, i in enumerate(rejected):
        g = groups.group[pos]
        if g is not None:
            reuse[i] = Reuse(groups.size[pos], [idents[rejected[p]] for p in groups.members[g] if p != pos])
    return reuse


def mask_bsn(report: AuditReport, bsns: set[str]) -> AuditReport:
    """The audit never copies a bsn into its output: every text of the report (reasons, ids,
    motivations, messages) has each BSN-looking value masked (``io.privacy``) and, should an
    export have put a value of its ``bsn`` column inside another one (a decision id
    ``D123456782-01``), that too.

    Receipts are left as they are: they hold versions and hashes, nothing from the input, and a
    hash whose hex digits happened to contain a bsn must not be broken by the mask."""
    data = report.model_dump(exclude={"decisions": {"__all__": {"receipt"}}})
    masker = bsn_masker(bsns)
    seen: dict[str, str] = {}  # a report repeats its texts (bases, messages, reasons) many times

    def mask(text: str) -> str:
        done = seen.get(text)
        if done is None:
            done = seen[text] = masker(text)
        return done

    masked = mask_bsns_in(data, keep=SEALED, mask=mask)
    if masked == data:
        return report
    for decision, original in zip(masked["decisions"], report.decisions, strict=True):
        decision["receipt"] = original.receipt
    result = AuditReport.model_validate(masked)
    result.decisions.sort(key=lambda d: (d.decision_id, d.source or "", d.row or 0))
    return result
