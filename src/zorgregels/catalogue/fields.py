"""The named fields a rule may read: the canonical decision record (domain.md §7) and the
facts the engine derives from it.

Every condition in a rule file names one of these fields; the loader rejects any other name,
so a typo is a diagnostic with a line number, not a rule that silently never fires.

Values travel through the rule backends in a *fact* form that both durable-rules (JSON) and a
columnar evaluator can compare exactly: dates as proleptic ordinals (days), money and other
decimals as integers in ten-thousandths (``Decimal`` scaled by 10**4), booleans, ints, strings
and lists of strings. Floats never appear.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from zorgregels.catalogue import ijw
from zorgregels.catalogue.ijw import PRODUCT_CATEGORIES

FieldType = Literal["str", "int", "bool", "date", "decimal", "money", "list"]

#: money and decimals are carried as integers scaled by this factor in facts.
SCALE = 10_000


@dataclass(frozen=True)
class Field:
    name: str
    type: FieldType
    values: tuple[str, ...] | None = None  # closed vocabulary, when there is one
    derived: bool = False  # computed by the engine, never read from input
    doc: str = ""
    default: bool | None = None  # situation flags: not recorded means "no"
    sources: tuple[str, ...] = ()  # input fields a derived fact is computed from


REFERRER_TYPES: tuple[str, ...] = tuple(ijw.REFERRER_TYPES)  # iJw COD327
UNITS: tuple[str, ...] = tuple(ijw.UNITS)  # iJw WJ756
FREQUENCIES: tuple[str, ...] = tuple(ijw.FREQUENCIES)  # iJw WMO757
PROVIDER_TYPES = ("consortium", "vrijgevestigde", "instelling")
#: court measures in force (domain.md §7): OTS (BW 1:255), machtiging uithuisplaatsing
#: (BW 1:265b), machtiging gesloten jeugdhulp (Jeugdwet 6.1.2) and its emergency form (6.1.3), voogdij
COURT_ORDERS = ("ots", "machtiging_uithuisplaatsing", "machtiging_gesloten_jeugdhulp",
                "spoedmachtiging_gesloten_jeugdhulp", "voogdij")
#: the two court orders that authorise closed youth care (Jeugdwet art. 6.1.2, 6.1.3)
CLOSED_CARE_ORDERS = ("machtiging_gesloten_jeugdhulp", "spoedmachtiging_gesloten_jeugdhulp")
SCHOOL_LEVELS = ("po", "so", "vo", "mbo", "ho", "geen")
#: the form of care a code is (pleegzorg, gezinshuis, residentieel, gesloten, ...), declared per
#: code in the catalogue; the age and Wlz rules key on it through ``code_care_form``
CareForm = Literal["prevention", "ambulant", "mental_health", "dyslexia", "day_treatment",
                   "foster_care", "family_home", "residential", "respite", "crisis", "closed",
                   "custom"]
CARE_FORMS: tuple[str, ...] = get_args(CareForm)

_INPUT: list[Field] = [
    Field("decision_id", "str", doc="unique in a batch"),
    Field("municipality", "str", doc="CBS code (GM0392) or name"),
    Field("decision_date", "date"),
    Field("request_date", "date"),
    Field("client_id", "str", doc="pseudonym"),
    Field("bsn", "str", doc="never shown unmasked"),
    Field("birth_date", "date"),
    Field("age", "int", doc="years at the start of care; derived from birth_date when absent",
          sources=("birth_date",)),
    Field("referrer_type", "str", REFERRER_TYPES, doc="iJw COD327"),
    Field("domains", "list", doc="care-question domains from the catalogue"),
    Field("complexity", "str", ("enkelvoudig", "meervoudig")),
    Field("severity", "str", ("licht", "matig", "ernstig")),
    Field("crisis", "bool", default=False),
    Field("safety_concern", "bool", default=False),
    Field("out_of_home", "bool", default=False),
    Field("court_authorisation", "bool", default=False,
          doc="deprecated: read as court_orders machtiging_gesloten_jeugdhulp"),
    Field("court_orders", "list", COURT_ORDERS, doc="court measures in force (OTS, machtigingen, voogdij)"),
    Field("gi_ordered", "bool", default=False,
          doc="help a certified institution deems necessary within a child-protection measure "
              "(Jeugdwet art. 3.5)"),
    Field("previous_care_end_date", "date",
          doc="end of the youth care that ran before 18 (resumption within half a year)"),
    Field("school_level", "str", SCHOOL_LEVELS, doc="po / so / vo / mbo / ho / geen"),
    Field("school_file", "bool", doc="the school's pupil file supports the request"),
    Field("wlz_indication", "bool", default=False),
    Field("extended_care", "bool", doc="verlengde jeugdhulp (18-23)", default=False),
    Field("explanatory_analysis_date", "date", doc="verklarende analyse"),
    Field("current_perceel", "int", ("1", "2")),
    Field("outcome", "str", ("granted", "rejected")),
    Field("code", "str", doc="decided product code"),
    Field("perceel", "int", ("1", "2")),
    Field("provider_type", "str", PROVIDER_TYPES),
    Field("volume", "decimal"),
    Field("unit", "str", UNITS, doc="iJw WJ756"),
    Field("frequency", "str", FREQUENCIES, doc="iJw WMO757"),
    Field("tariff", "money", doc="euro per unit as applied"),
    Field("start_date", "date"),
    Field("end_date", "date"),
    Field("rejection_reason", "str"),
    Field("motivation", "str"),
    Field("alternative_offered", "str"),
    Field("help_question", "str"),
    Field("problems", "str"),
    Field("needed_help", "str"),
    Field("network_assessment", "str"),
    Field("expertise", "str"),
    Field("network_assessed", "bool"),
    Field("objection_info", "bool"),
    Field("delay_notice", "bool"),
    Field("information_requested_date", "date"),
    Field("team", "str"),
    Field("provider", "str",
          doc="provider id (AGB code); optional, used by the cross-decision checks "
              "sequential_help and iJw no-stacking"),
    Field("responsible_municipality", "str",
          doc="woonplaatsbeginsel: the municipality the rejection names as responsible"),
    # iJw messages (zorgregels.ijw_import); empty for other inputs, so rules/national/ijw.yaml stays silent
    Field("message_type", "str", ("JW301", "JW315"), doc="iJw message the record was read from"),
    Field("product_category", "str", tuple(PRODUCT_CATEGORIES), doc="iJw productcategorie (JZ020)"),
    Field("budget", "money", doc="iJw Budget in euro (the message carries eurocent)"),
    Field("referrer_agb", "str", doc="iJw Verwijzer/ZorgverlenerCode (AGB, 8 digits)"),
    Field("referrer_name", "str", doc="iJw Verwijzer/Naam"),
    Field("allocation_number", "str",
          doc="iJw ToewijzingNummer, unique per municipality (TR332): a change message repeats it"),
    Field("change_reason", "str", tuple(ijw.CHANGE_REASONS),
          doc="iJw RedenWijziging (JZ002); 13 or 01 with end date = start date: withdrawn (TR302)"),
]

_DERIVED: list[Field] = [
    Field("domain_count", "int", derived=True, sources=("domains",), doc="number of care-question domains"),
    Field("primary_domain", "str", derived=True, sources=("domains",), doc="the first listed domain"),
    Field("decision_term_days", "int", derived=True, sources=("decision_date", "request_date"), doc="days from request to decision"),
    Field("duration_days", "int", derived=True, sources=("start_date", "end_date"), doc="days from start to end, inclusive"),
    Field("code_known", "bool", derived=True, doc="the decided code is in the catalogue"),
    Field("code_id", "str", derived=True, doc="id of the decided code when the catalogue has it"),
    Field("code_care_form", "str", CARE_FORMS, derived=True, doc="care form of the decided code"),
    Field("code_wlz_covered", "bool", derived=True,
          doc="the decided code is help the Wlz covers (stay and treatment for a lasting disability)"),
    Field("closed_care_authorisation", "bool", derived=True,
          sources=("court_orders", "court_authorisation"),
          doc="a (spoed)machtiging gesloten jeugdhulp is in force (court_orders, or the deprecated "
              "court_authorisation)"),
    Field("age_at_end", "int", derived=True, sources=("birth_date", "end_date"),
          doc="years at the end date of the care"),
    Field("resumed_within_half_year", "bool", derived=True,
          sources=("previous_care_end_date", "start_date"),
          doc="the care starts at most six months after previous_care_end_date"),
    Field("duration_months", "int", derived=True, sources=("start_date", "end_date"),
          doc="calendar months from start to end, a started month counted in full"),
    Field("code_level", "int", derived=True, doc="ladder level of the decided code"),
    Field("code_perceel", "int", derived=True, doc="perceel of the decided code"),
    Field("code_unit", "str", derived=True, doc="catalogue unit of the decided code"),
    Field("code_category", "str", derived=True, doc="iJw productcategorie of the decided code"),
    Field("code_in_force", "bool", derived=True,
          doc="the decided code has a tariff in force on the decision date"),
    Field("code_tariff", "money", derived=True,
          doc="catalogue tariff of the decided code on the decision date"),
    Field("code_list_category", "str", derived=True, sources=("code",),
          doc="iJw productcategorie of the code by the product code list in use (TR381): the "
              "catalogue's category of the code; for a code not in the catalogue, its first two "
              "characters (the national form NN[A|B]NN, the default)"),
    Field("code_category_match", "bool", derived=True, sources=("code", "product_category"),
          doc="the record's iJw productcategorie equals the code's category by the product code "
              "list in use (code_list_category; TR381)"),
    Field("code_unit_frequency_valid", "bool", derived=True,
          doc="unit and frequency are a combination iJw allows (CS338/CS343)"),
    Field("provider_type_allowed", "bool", derived=True,
          doc="the provider type is one the code may be delivered by"),
    Field("volume_norm_pct", "int", derived=True,
          doc="decided volume per 3 months as a percentage of the code's norm"),
    Field("volume_band", "str", ("below", "within", "above"), derived=True,
          doc="decided volume below, within or above the code's norm band"),
    # outputs of decision tables
    Field("level", "int", derived=True, doc="advised ladder level (zorgzwaartetrap)"),
    Field("allowed_codes", "list", derived=True, doc="codes the allocation tables allow"),
    Field("advised_code", "str", derived=True, doc="code the allocation tables advise"),
    Field("advised_perceel", "int", derived=True, doc="perceel of the advised level"),
    Field("code_allowed", "bool", derived=True,
          doc="the decided code is among the allowed codes"),
    # a care question judged on its advice (core/advice.py)
    Field("on_advice", "bool", derived=True,
          doc="no code is decided: code_level, code_perceel, perceel, ... are the advised code's"),
    # computed by the transparency audit (zorgregels.audit), absent elsewhere
    Field("light_help", "bool", derived=True, doc="the decided code is at a light-help ladder level"),
    Field("ground_known", "bool", derived=True,
          doc="the rejection_reason is a ground in the region's catalogue"),
    Field("ground_forbidden", "bool", derived=True,
          doc="the ground may never justify a rejection"),
    Field("ground_alternative_required", "bool", derived=True,
          doc="the ground points to a lighter alternative that must be named"),
    Field("ground_needs_missing", "list", derived=True,
          doc="facts the ground needs that the record lacks"),
    Field("ground_holds", "bool", derived=True,
          doc="the ground's condition, re-evaluated on the record's facts, holds"),
    Field("ground_condition", "str", derived=True, doc="the ground's condition, in words"),
    Field("ground_review", "str", derived=True,
          doc="what a professional must still judge when the ground's facts hold"),
    Field("motivation_reuse", "int", derived=True,
          doc="rejections in the batch with the same or a near-verbatim motivation (this one included)"),
    Field("motivation_reuse_threshold", "int", derived=True,
          doc="from this many copies a motivation counts as boilerplate"),
]

FIELDS: dict[str, Field] = {f.name: f for f in _INPUT + _DERIVED}
INPUT_FIELDS: tuple[str, ...] = tuple(f.name for f in _INPUT)

#: Facts of the decision itself, which a care question does not have: its dates, the decided
#: code and perceel, the provider, volume, unit, frequency and tariff, the period. A rule that
#: needs one of them (or a fact derived from one) judges a decision, never an advice.
DECISION_FACTS = ("decision_date", "request_date", "outcome", "code", "perceel", "provider_type",
                  "volume", "unit", "frequency", "tariff", "start_date", "end_date",
                  "rejection_reason", "provider", "message_type", "product_category", "budget")

#: Fields a decision table may set. A table only fills a field the input left empty, so a
#: value the referrer recorded (e.g. ``complexity``) is never overwritten.
TABLE_OUTPUTS = ("complexity", "level", "allowed_codes", "advised_code")
