"""What the engine returns: findings, the explanation trace and the decision advice."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

Outcome = Literal["ok", "warning", "error", "incomplete", "no_rule_matched", "conflict"]


class Finding(BaseModel):
    rule: str
    check: str
    severity: Literal["error", "warning", "info"]
    message: str
    basis: str
    expected: Any = None
    actual: Any = None
    decision_id: str | None = None


class NotEvaluable(BaseModel):
    rule: str
    check: str
    missing: list[str]


class TraceStep(BaseModel):
    """One step of the explanation: a table consulted, a rule that fired, or derived facts."""

    stage: int
    kind: Literal["input", "derive", "table", "rule"]
    id: str
    status: str = Field(description="table: applied/given/skipped/missing/no_rule_matched/conflict; rule: fired")
    name: str | None = None
    rows: list[int] = Field(default_factory=list, description="1-based rows that matched")
    values: dict[str, Any] = Field(default_factory=dict, description="the values compared")
    outputs: dict[str, Any] = Field(default_factory=dict)
    basis: str | None = None
    source: str | None = None
    message: str | None = None


class Decision(BaseModel):
    outcome: Outcome
    as_of: str
    codes: list[str] = Field(default_factory=list, description="allowed codes")
    code: str | None = Field(None, description="advised code")
    code_name: str | None = None
    level: int | None = None
    level_name: str | None = None
    perceel: int | None = None
    tariff_3m: str | None = Field(None, description="euro per 3-month treatment at norm, advised code")
    hours_3m: str | None = Field(None, description="direct hours a family can expect in 3 months")
    findings: list[Finding] = Field(default_factory=list)
    missing: list[str] = Field(default_factory=list, description="inputs without which no advice")
    not_evaluable: list[NotEvaluable] = Field(default_factory=list)
    facts: dict[str, Any] = Field(default_factory=dict, description="input and derived facts")
    trace: list[TraceStep] = Field(default_factory=list)
    rules_hash: str = ""

    @property
    def has_errors(self) -> bool:
        return any(f.severity == "error" for f in self.findings)
