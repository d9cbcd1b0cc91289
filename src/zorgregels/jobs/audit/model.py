"""What the transparency audit returns: per audited decision its criteria, verdict and receipt;
the rows not audited with their reason; and the report over the batch."""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, Field

from zorgregels.core.receipt import ReceiptBasis
from zorgregels.core.results import Finding

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
Verdict = Literal["transparent", "incomplete", "not_testable", "forbidden_ground"]
#: every verdict; outputs keep this order (a new verdict is added at the end)
VERDICTS: tuple[str, ...] = ("transparent", "incomplete", "not_testable", "forbidden_ground")
#: the verdicts ranked, the most serious first: a rejection on a forbidden ground (budget
#: exhausted, lighter help first) can never stand, whatever else it lacks
VERDICT_RANK: tuple[str, ...] = ("forbidden_ground", "incomplete", "not_testable", "transparent")
STATUSES: tuple[str, ...] = ("pass", "fail", "needs_review", "not_applicable")


class CriterionResult(BaseModel):
    criterion: str
    status: Status
    message: str
    basis: str
    rules: list[str] = Field(default_factory=list, description="the transparency rules that fired")


class AuditReceipt(ReceiptBasis):
    """The receipt of one audited decision: with the batch context that influenced its verdict."""

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
    receipt: AuditReceipt
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
    links: dict[str, str] = Field(default_factory=dict,
                                  description="citation in words -> its link, for the page")

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
        """One line per audited decision, every key on every line with one type (docs/outputs.md):
        a reader that infers the columns from the first lines (polars.read_ndjson) would drop a
        key it has not seen there and fail on a null before a value."""
        return [json.dumps(jsonl_record(d), ensure_ascii=False, sort_keys=False, separators=(",", ":"))
                for d in self.decisions]


#: the ground of a rejection whose ground is not in the catalogue: the same keys, ``id`` empty
NO_GROUND = GroundInfo(id="", name="", basis="", forbidden=False, ijw_reason="")


def jsonl_record(decision: AuditedDecision) -> dict[str, Any]:
    """An audited decision as audit.jsonl writes it: text without a value is "", no ground is
    ``NO_GROUND``; ``row`` is the only key that may be null (a record without a row number)."""
    record = decision.model_dump(mode="json")
    record["ground"] = (decision.ground or NO_GROUND).model_dump(mode="json")
    record["ground"]["ijw_reason"] = record["ground"]["ijw_reason"] or ""
    for key, value in record.items():
        if value is None and key != "row":
            record[key] = ""
    return record
