"""What the engine returns: findings, the explanation trace and the decision advice."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, Field

from zorgregels.catalogue.model import CHECK_TITLES, SEVERITY_LABELS
from zorgregels.core import nl
from zorgregels.core.receipt import Receipt

Outcome = Literal["ok", "warning", "error", "incomplete", "no_rule_matched", "conflict"]
#: the outcomes in Dutch (what a person reads); the English value stays the key in every file
OUTCOME_LABELS: dict[str, str] = {
    "ok": "in orde", "warning": "waarschuwing", "error": "fout", "incomplete": "onvolledig",
    "no_rule_matched": "geen passende tabelrij", "conflict": "tegenstrijdige tabelrijen",
}
#: a table step's status in the explanation, in Dutch
TABLE_STATUS_LABELS: dict[str, str] = {
    "applied": "toegepast", "given": "opgegeven", "skipped": "overgeslagen", "missing": "gegevens ontbreken",
    "no_rule_matched": "geen passende rij", "conflict": "tegenstrijdige rijen",
}


class Finding(BaseModel):
    rule: str
    check: str
    severity: Literal["error", "warning", "info"]
    message: str
    basis: str
    expected: Any = None
    actual: Any = None
    decision_id: str | None = None
    #: what to do about it ('wat te doen', the rule's ``remedy``); a single case's output only:
    #: a batch's findings leave it out (``SINGLE_CASE_FIELDS``), its report looks it up by rule
    remedy: str | None = None


#: the ``Finding`` fields a batch's findings table leaves out (a text per row costs memory on a
#: million rows; the rule id finds it)
SINGLE_CASE_FIELDS = ("remedy",)
#: what a finding of a batch adds: the file and row it comes from, or the group it covers
#: (a budget ceiling covers a code, a municipality and a quarter)
BATCH_FINDING_FIELDS = ("source", "row", "scope")
#: the columns of a batch's findings (findings.jsonl): the decision, the ``Finding``'s own
#: fields, then ``BATCH_FINDING_FIELDS``
FINDING_COLUMNS: tuple[str, ...] = (
    "decision_id",
    *(name for name in Finding.model_fields if name != "decision_id" and name not in SINGLE_CASE_FIELDS),
    *BATCH_FINDING_FIELDS,
)


#: how a person reads a finding's ``remedy``
REMEDY_LABEL = "Wat te doen"

#: ``NotEvaluable.reason`` on a care question: a rule of the decision itself, one about the
#: advice that waits for facts the care question left out, or one about an advice not given
NEEDS_DECISION = "toetst een besluit (code, data, tarief, omvang of aanbieder); niet van toepassing op een zorgvraag"
ADVICE_DEPENDS = "het advies hangt nog af van: "
NO_ADVICE = "toetst het advies; de regels gaven geen advies (zie missing)"
#: the trace step that shows a care question's advised code as the code the rules judge
ADVICE_STEP = "engine.advised_code_facts"


def _absent(value: Any) -> bool:
    return value is None


class NotEvaluable(BaseModel):
    """A check that could not be judged for lack of facts: a note, never a false finding.

    For one case: the rule and the facts it lacked. For a batch also how many decisions
    (``rows``) and the reason in words; those two are left out where they do not apply.
    """

    rule: str
    check: str
    missing: list[str] = Field(default_factory=list)
    rows: int | None = Field(default=None, exclude_if=_absent)
    reason: str | None = Field(default=None, exclude_if=_absent)


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
    depends_on: list[str] = Field(
        default_factory=list, description="a care question: facts it left out that the rules "
        "about its advice need (they could change the findings on the advice)")
    facts: dict[str, Any] = Field(default_factory=dict, description="input and derived facts")
    trace: list[TraceStep] = Field(default_factory=list)
    rules_hash: str = ""
    receipt: Receipt | None = Field(
        default=None, description="versions, rules hash, as-of date, the hash of the case as given "
        "and of this decision (set by CoreEngine.evaluate)")

    @property
    def has_errors(self) -> bool:
        return any(f.severity == "error" for f in self.findings)

    def explain(self) -> str:
        """The advice, the findings and the explanation tree as text (what ``evaluate`` prints)."""
        return render_decision(self)


# ------------------------------------------------------------------ the explanation as text


def render_decision(d: Decision) -> str:
    out: list[str] = []
    out.append(f"Uitkomst: {OUTCOME_LABELS.get(d.outcome, d.outcome)}   "
               f"(peildatum {nl.date_or_text(d.as_of)}, regels {d.rules_hash[:12]})")
    if d.code:
        out.append(f"Advies:   {d.code} {d.code_name} — trede {d.level} ({d.level_name}), "
                   f"perceel {d.perceel if d.perceel is not None else 'geen (sociale basis)'}")
        if d.codes:
            out.append(f"Passend:  {', '.join(d.codes)}")
        # the Decision keeps '1885.52' (JSON is a contract); a person reads '€ 1.885,52'
        tariff = nl.money(Decimal(d.tariff_3m)) if d.tariff_3m else "onbekend"
        hours = f"{nl.number(Decimal(d.hours_3m))} uur" if d.hours_3m else "onbekend"
        out.append(f"Per behandeling van 3 maanden: {tariff}; directe tijd voor het gezin: {hours}")
    elif d.level is not None:
        out.append(f"Trede:    {d.level} ({d.level_name})")
    if d.missing:
        out.append(f"Ontbreekt: {', '.join(d.missing)}")
    out.append("")
    out.append(f"Bevindingen ({len(d.findings)}):")
    for f in d.findings:
        extra = ""
        if f.expected is not None or f.actual is not None:
            extra = f" [verwacht {_v(f.expected)}, feitelijk {_v(f.actual)}]"
        out.append(f"  {SEVERITY_LABELS.get(f.severity, f.severity).upper():12} "
                   f"{CHECK_TITLES.get(f.check, f.check)} ({f.rule})")
        out.append(f"          {f.message}{extra}")
        out.append(f"          grondslag: {f.basis}")
        if f.remedy:
            out.append(f"          {REMEDY_LABEL}: {f.remedy}")
    if not d.findings:
        out.append("  geen")
    if "code" not in d.facts:
        # a care question: the rules of a decision do not apply; say what the advice waits for
        if d.depends_on:
            out.append("")
            out.append(f"Het advies hangt nog af van: {', '.join(d.depends_on)} (niet opgegeven)")
    elif d.not_evaluable:
        lacking: list[str] = []
        for n in d.not_evaluable:
            lacking += [m for m in n.missing if m not in lacking]
        out.append("")
        out.append(f"Niet te toetsen: {len(d.not_evaluable)} regel(s); daarvoor ontbreekt: "
                   f"{', '.join(lacking)} (--json geeft ze per regel)")
    out.append("")
    out.append("Uitleg:")
    for i, s in enumerate(d.trace):
        last = i == len(d.trace) - 1
        branch, cont = ("└─ ", "   ") if last else ("├─ ", "│  ")
        if s.kind == "derive":
            label = "getoetst als code van het advies" if s.id == ADVICE_STEP else "afgeleide feiten"
            out.append(f"{branch}{label}: " + ", ".join(f"{k}={_v(v)}" for k, v in s.outputs.items()))
            continue
        if s.kind == "input":
            out.append(f"{branch}invoer {s.id}: {s.message}")
            continue
        if s.kind == "table":
            rows = f"rij {', '.join(map(str, s.rows))}" if s.rows else "geen rij"
            outputs = ", ".join(f"{k}={_v(v)}" for k, v in s.outputs.items())
            head = f"tabel {s.id} \u201c{s.name}\u201d: {TABLE_STATUS_LABELS.get(s.status, s.status)}, {rows}"
            out.append(f"{branch}{head}{' → ' + outputs if outputs else ''}")
            if s.message:
                out.append(f"{cont}   toelichting: {s.message}")
        else:
            out.append(f"{branch}regel {s.id} ({s.name}) vuurde: {s.message}")
        out.append(f"{cont}   vergeleken: " + ", ".join(f"{k}={_v(v)}" for k, v in s.values.items()))
        out.append(f"{cont}   grondslag: {s.basis}   [{s.source}]")
    return "\n".join(out)


def _v(v: Any) -> str:
    if v is None:
        return "(leeg)"
    if isinstance(v, bool):
        return "ja" if v else "nee"
    if isinstance(v, list):
        return "[" + ", ".join(map(str, v)) + "]"
    return str(v)
