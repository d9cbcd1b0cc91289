"""Rule format v1: the pydantic models of a region's rule files.

A region's catalogue is a folder of YAML files. Each file holds any of the top-level sections
below; the loader merges them and rejects an id defined twice. The JSON Schema that editors use
(``zorgregels schema``) is generated from ``RuleFile``. See docs/rule-format.md and
docs/adr/0001-rule-format.md.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal, get_args, get_origin

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from zorgregels.catalogue.fields import FREQUENCIES, PROVIDER_TYPES, REFERRER_TYPES, UNITS, CareForm
from zorgregels.catalogue.letters import LetterSection

FORMAT_VERSION = 1

Check = Literal[
    "input",
    "referrer",
    "age",
    "wlz",
    "explanatory_analysis",
    "closed_care",
    "perceel_fit",
    "perceel_direction",
    "code_fit",
    "eligibility",
    "provider_type",
    "tariff",
    "dates",
    "budget_ceiling",
    "sequential_help",
    "transparency",
]
#: the fixed check vocabulary of domain.md §5 (a region adds rules, never checks)
CHECKS: tuple[str, ...] = get_args(Check)
#: what a user reads for each check (reports, evaluate, letters); the id stays beside it
CHECK_TITLES: dict[str, str] = {
    "input": "Invoer",
    "referrer": "Verwijzer",
    "age": "Leeftijd",
    "wlz": "Wet langdurige zorg",
    "explanatory_analysis": "Verklarende analyse",
    "closed_care": "Gesloten jeugdhulp",
    "perceel_fit": "Past het perceel bij de vraag",
    "perceel_direction": "Richting tussen percelen",
    "code_fit": "Past de code bij de vraag",
    "eligibility": "Voorwaarden van de code",
    "provider_type": "Soort aanbieder",
    "tariff": "Tarief en omvang",
    "dates": "Termijnen en data",
    "budget_ceiling": "Budgetplafond",
    "sequential_help": "Opeenvolgende hulp",
    "transparency": "Transparantie van de afwijzing",
}
assert set(CHECK_TITLES) == set(CHECKS)
Severity = Literal["error", "warning", "info"]
#: the severities in Dutch
SEVERITY_LABELS: dict[str, str] = {"error": "fout", "warning": "waarschuwing", "info": "info"}
HitPolicy = Literal["unique", "first", "collect"]

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: a product code of the region's list: the national form NN[A|B]NN (45A01) or a region's own
#: code (ZK-AMB1); capitals, digits and inner hyphens, at most 16 characters
CODE_ID = re.compile(r"^[0-9A-Z](?:[0-9A-Z-]{0,14}[0-9A-Z])?$")
IDENT = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$")


def parse_iso_date(value: Any) -> dt.date:
    """A date written as YYYY-MM-DD. Anything else (a number, 2027-06-31) is an error."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str) or not ISO_DATE.match(value.strip()):
        raise ValueError(f"verwacht een datum als JJJJ-MM-DD, kreeg {value!r}")
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"{value!r} is geen bestaande datum") from None


def parse_decimal(value: Any) -> Decimal:
    if isinstance(value, bool) or isinstance(value, float):
        # floats never reach here from our YAML reader; refuse them from Python callers too
        raise ValueError(f"verwacht een decimaal getal als tekst of geheel getal, kreeg {value!r}")
    try:
        result = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValueError(f"{value!r} is geen getal") from None
    if not result.is_finite():
        raise ValueError(f"{value!r} is geen eindig getal")
    return result


IsoDate = Annotated[dt.date, BeforeValidator(parse_iso_date)]
Dec = Annotated[Decimal, BeforeValidator(parse_decimal)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Municipality(Strict):
    code: str = Field(pattern=r"^GM\d{4}$", description="CBS gemeentecode, e.g. GM0392")
    name: str


class Region(Strict):
    id: str = Field(pattern=IDENT.pattern)
    name: str
    format_version: Literal[1] = 1
    municipalities: list[Municipality] = []
    illustrative_tariffs: bool = Field(
        False, description="true when the tariffs are examples, not the region's contract prices"
    )
    contract_from: IsoDate | None = None
    contract_to: IsoDate | None = None
    basis: str | None = None
    builds_on: str | None = Field(
        None, description="folder of the national law layer this region builds on, relative to this file"
    )


class LadderLevel(Strict):
    level: int = Field(ge=0, le=9)
    name: str
    perceel: Literal[1, 2] | None = Field(None, description="lot that delivers this level; none for the sociale basis")
    light_help: bool = Field(False, description="lichte hulp: audited for transparency of rejections")
    basis: str


class Domain(Strict):
    id: str = Field(pattern=IDENT.pattern)
    name: str


class ReferrerType(Strict):
    code: Literal["01", "02", "03", "04", "05", "06", "08"]
    name: str
    authorised: bool = Field(description="may refer to specialised youth care")
    basis: str


class Tariff(Strict):
    valid_from: IsoDate
    valid_to: IsoDate | None = Field(None, description="inclusive; empty means open-ended")
    amount: Dec = Field(description="euro per unit")
    note: str | None = None

    @model_validator(mode="after")
    def _order(self) -> Tariff:
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise ValueError(f"valid_to {self.valid_to} ligt voor valid_from {self.valid_from}")
        if self.amount < 0:
            raise ValueError("een tarief is niet negatief")
        return self


class Norm(Strict):
    """Norm intensity: how much of the unit a family gets at the norm."""

    per_week: Dec | None = Field(None, description="units per week (minute, hour, dagdeel, etmaal)")
    per_month: Dec | None = Field(None, description="units per month, or euro per month for unit 83")
    duration_months: Dec | None = Field(None, description="norm duration of one trajectory (unit 82/84)")
    band_pct: tuple[int, int] = Field(
        (50, 150), description="volume within this percentage band of the norm is expected"
    )

    @model_validator(mode="after")
    def _one(self) -> Norm:
        given = [n for n in ("per_week", "per_month", "duration_months") if getattr(self, n) is not None]
        if len(given) != 1:
            raise ValueError("geef precies een van per_week, per_month of duration_months")
        if self.band_pct[0] > self.band_pct[1]:
            raise ValueError("band_pct: ondergrens boven bovengrens")
        return self


class EligibilityCondition(Strict):
    """A condition of one code (e.g. dyslexia care EED: primary-school pupils from 7). The loader
    compiles it into an ordinary rule of check ``eligibility``, id
    ``eligibility.<code, lower case>.<id>``, that fires for a decision on the code when ``holds``
    does not hold; the fields ``holds`` reads are the rule's ``requires``."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    holds: Any = Field(description="condition a decision on the code must meet")
    message: str = Field(description="Dutch, states facts; {field} inserts a value")
    basis: str
    severity: Severity = "error"
    remedy: str | None = Field(
        None, description="Dutch: what to do when a decision does not meet the condition ('wat te doen')"
    )


class DurationLimit(Strict):
    """How long one decision on a code may run, and when it is reviewed (in calendar months,
    ``duration_months``). Compiled into rules of check ``eligibility``:
    ``eligibility.<code>.max_duration`` (longer than ``max_months``) and
    ``eligibility.<code>.review`` (info: longer than ``review_months``)."""

    max_months: int | None = Field(None, ge=1, description="a decision runs at most this many months")
    review_months: int | None = Field(None, ge=1, description="a decision running longer is reviewed within this term")
    severity: Severity = Field("error", description="severity of exceeding max_months")
    basis: str

    @model_validator(mode="after")
    def _some(self) -> DurationLimit:
        if self.max_months is None and self.review_months is None:
            raise ValueError("geef max_months, review_months of beide")
        if self.max_months is not None and self.review_months is not None \
                and self.review_months > self.max_months:
            raise ValueError("review_months ligt na max_months")
        return self


class Code(Strict):
    id: str = Field(description="product code of the region's list: NN[A|B]NN (national form) or the "
                              "region's own code (capitals, digits, inner hyphens)")
    name: str
    category: str = Field(description="iJw productcategorie (JZ020) of the code, as the region's product "
                                      "code list states it (TR381); need not be the code's first two digits")
    unit: Literal["01", "04", "14", "16", "82", "83", "84"] = Field(description="iJw eenheid (WJ756)")
    level: int = Field(ge=0, le=9, description="ladder level (zorgzwaartetrap)")
    perceel: Literal[1, 2] | None = None
    provider_types: list[Literal["consortium", "vrijgevestigde", "instelling"]] = []
    target_groups: list[str] = []
    norm: Norm | None = None
    hours_per_unit: Dec | None = Field(
        None, description="direct hours per unit for etmaal and trajectories (minute/hour/dagdeel are fixed)"
    )
    tariffs: list[Tariff] = []
    methods: list[str] = []
    waiting_weeks: int | None = Field(None, ge=0)
    satisfaction: Dec | None = Field(None, description="client satisfaction, 1-10")
    description: str | None = None
    care_form: CareForm | None = Field(None, description="form of care: foster_care, residential, mental_health, ...")
    wlz_covered: bool = Field(
        False, description="help the Wlz covers (stay and treatment for a lasting disability; Jeugdwet art. 1.2 lid 1)"
    )
    eligibility: list[EligibilityCondition] = Field(default_factory=list, description="the code's own conditions")
    duration: DurationLimit | None = None

    @field_validator("id")
    @classmethod
    def _code_form(cls, v: str) -> str:
        if not CODE_ID.match(v):
            raise ValueError(f"productcode {v!r} heeft geen geldige vorm: hoofdletters, cijfers en "
                             "koppeltekens binnenin, hoogstens 16 tekens (bijv. 45A01 of ZK-AMB1)")
        return v


class TableRow(Strict):
    when: dict[str, Any] = Field(default_factory=dict, description="per input column a test; an absent column matches anything")
    then: dict[str, Any]
    note: str | None = None


class Table(Strict):
    id: str = Field(pattern=IDENT.pattern)
    name: str
    hit_policy: HitPolicy
    inputs: list[str] = Field(description="the fields the table reads; all must be present")
    outputs: list[str]
    applies_when: Any = Field(None, description="condition under which the table is consulted at all")
    basis: str
    rows: list[TableRow]


class Rule(Strict):
    id: str = Field(pattern=IDENT.pattern)
    check: Check
    severity: Severity
    message: str = Field(description="Dutch, states facts; {field} inserts a value")
    basis: str
    when: Any = Field(description="condition under which the finding is reported")
    requires: list[str] = Field(default_factory=list, description="fields without which the rule is not evaluable")
    expected: str | None = Field(None, description="field holding the expected value, for the finding")
    actual: str | None = Field(None, description="field holding the actual value, for the finding")
    tightens: str | None = Field(
        None, description="id of a national rule this region rule tightens (same check, own basis)"
    )
    remedy: str | None = Field(
        None, description="Dutch: what to do about a finding of this rule ('wat te doen')"
    )


class Ground(Strict):
    """A rejection ground (afwijzingsgrond) from the region's catalogue (issue: transparency audit)."""

    id: str = Field(pattern=IDENT.pattern)
    name: str
    basis: str = Field(description="legal basis of the ground")
    needs: list[str] = Field(default_factory=list, description="record fields the ground needs recorded")
    holds_when: Any = Field(None, description="condition on the record's facts under which the ground holds")
    alternative_required: bool = Field(False, description="the ground points to a lighter alternative that must be named")
    ijw_reason: str | None = Field(None, description="iJw WJ759 reden afwijzing verzoek, where one exists")
    forbidden: bool = Field(False, description="may never justify a rejection")
    message: str | None = None
    review: str | None = Field(None, description="what a professional must still judge when the facts hold")


class BudgetCeiling(Strict):
    """A budget ceiling (budgetplafond) per code and municipality (003 §4). A ceiling is never a
    ground to refuse necessary care: exceeding it is a warning only."""

    code: str
    municipality: str | None = Field(None, description="CBS code or name; empty: every municipality")
    valid_from: IsoDate
    valid_to: IsoDate | None = None
    amount_3m: Dec = Field(description="euro per 3 months (a quarter) for the code in the municipality")
    basis: str


SourceKind = Literal["law", "case_law", "standard", "policy"]


class SourceDecl(Strict):
    """One source a ``basis`` may cite (domain.md §8): a law, a ruling, a standard or a policy
    document. A basis cites it by ``id`` (or by ``cite``) followed by the section."""

    id: str = Field(pattern=r"^[a-z]([a-z0-9-]*[a-z0-9])?$", description="stable id a basis cites")
    kind: SourceKind
    cite: str = Field(description="how a citation names it in words, e.g. 'Jeugdwet'")
    title: str = Field(description="full title")
    publisher: str | None = None
    year: int | None = Field(None, ge=1800, le=2100)
    bwb: str | None = Field(None, pattern=r"^BWBR\d{7}$", description="id on wetten.overheid.nl")
    book: int | None = Field(None, ge=1, le=10, description="book of a code (Burgerlijk Wetboek)")
    ecli: str | None = Field(None, pattern=r"^ECLI:[A-Z]{2}:[A-Z0-9]+:\d{4}:[A-Z0-9.]+$")
    url: str | None = Field(None, pattern=r"^https://\S+$")


class RuleFile(Strict):
    """One YAML file of a region's catalogue. Every section is optional."""

    region: Region | None = None
    ladder: list[LadderLevel] | None = None
    domains: list[Domain] | None = None
    referrer_types: list[ReferrerType] | None = None
    codes: list[Code] | None = None
    tables: list[Table] | None = None
    rules: list[Rule] | None = None
    grounds: list[Ground] | None = None
    budget_ceilings: list[BudgetCeiling] | None = None
    sources: list[SourceDecl] | None = None
    letters: LetterSection | None = None  # the decision letter's sentences (catalogue.letters)


#: the sections of a rule file that are lists (validated item by item); the others are one object
LIST_SECTIONS: frozenset[str] = frozenset(
    name for name, f in RuleFile.model_fields.items()
    if any(get_origin(a) is list for a in (f.annotation, *get_args(f.annotation))))


# Re-exported vocabularies, for the loader's messages.
__all__ = [
    "CHECKS",
    "LIST_SECTIONS",
    "FORMAT_VERSION",
    "FREQUENCIES",
    "PROVIDER_TYPES",
    "REFERRER_TYPES",
    "UNITS",
    "BudgetCeiling",
    "Code",
    "Domain",
    "DurationLimit",
    "EligibilityCondition",
    "Ground",
    "LadderLevel",
    "Norm",
    "ReferrerType",
    "SourceDecl",
    "Region",
    "Rule",
    "RuleFile",
    "Table",
    "TableRow",
    "Tariff",
    "parse_decimal",
    "parse_iso_date",
]
