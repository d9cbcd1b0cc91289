"""The referrers' overview: per code which care questions it fits, what it costs per 3-month
treatment and how much direct time a family can expect (seed 001 §4; domain.md §3-4).

Nothing here is typed twice: the care questions a code fits are read from the allocation
tables (every row whose outputs list or advise the code, rendered from its condition), the
figures come from ``zorgregels.tariffs`` (the one normalisation), and the optional per-code data
(methods, target groups, waiting time, client satisfaction) from the catalogue, with what is not
recorded marked as missing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from typing import Any

from pydantic import BaseModel, Field

from zorgregels.catalogue.catalogue import Catalogue, ParsedRow, ParsedTable
from zorgregels.catalogue.conditions import (
    All,
    AnyOf,
    Cmp,
    Cond,
    Const,
    Contains,
    Not,
    OneOf,
    Present,
    Ref,
    fields_of,
    from_fact_value,
    holds,
)
from zorgregels.catalogue.fields import FIELDS
from zorgregels.catalogue.ijw import PRODUCT_CATEGORIES, UNITS
from zorgregels.catalogue.model import Code
from zorgregels.core import nl
from zorgregels.core.tariffs import exact, normalise_norm, round_half_up, round_money, to_decimal

#: optional per-code data the overview shows; a code without it is marked, not hidden
OPTIONAL_DATA = {
    "target_groups": "doelgroepen",
    "methods": "methodieken",
    "waiting_weeks": "wachttijd",
    "satisfaction": "cliënttevredenheid",
}

UNIT_PLURAL = {
    "01": ("minuut", "minuten"),
    "04": ("uur", "uur"),
    "14": ("etmaal", "etmalen"),
    "16": ("dagdeel", "dagdelen"),
    "82": ("stuk", "stuks"),
    "83": ("euro", "euro"),
    "84": ("stuk", "stuks"),
}

FIELD_LABELS = {
    "level": "trede",
    "primary_domain": "leefgebied",
    "domains": "leefgebieden",
    "domain_count": "aantal leefgebieden",
    "severity": "ernst",
    "complexity": "vraag",
    "age": "leeftijd",
    "referrer_type": "verwijzer",
    "current_perceel": "huidig perceel",
    # read in rules and table outputs (diff.html)
    "outcome": "uitkomst",
    "advised_code": "geadviseerde code",
    "allowed_codes": "passende codes",
    "volume_norm_pct": "omvang in % van de norm",
    "provider_type": "soort aanbieder",
}
BOOL_LABELS = {
    "crisis": ("crisis", "geen crisis"),
    "safety_concern": ("zorgen over veiligheid", "geen zorgen over veiligheid"),
    "out_of_home": ("verblijf buiten huis", "thuis wonend"),
    "court_authorisation": ("machtiging gesloten jeugdhulp", "geen machtiging"),
    "closed_care_authorisation": ("machtiging gesloten jeugdhulp", "geen machtiging gesloten jeugdhulp"),
    "wlz_indication": ("Wlz-indicatie", "geen Wlz-indicatie"),
    "extended_care": ("verlengde jeugdhulp", "geen verlengde jeugdhulp"),
}
OP_WORDS = {"lt": "minder dan", "le": "ten hoogste", "gt": "meer dan", "ge": "ten minste", "ne": "niet"}
DOMAIN_FIELDS = ("primary_domain", "domains")


class CareQuestion(BaseModel):
    """One allocation-table row that lists or advises the code, rendered readably."""

    table: str
    table_name: str
    row: int = Field(description="1-based row in the table")
    text: str = Field(description="the row's condition, e.g. 'trede 2, leefgebied gedrag/opvoeden'")
    advised: bool = Field(description="the row advises this code (not only allows it)")
    domains: list[str] = Field(description="care-question domains the row can fit")
    all_domains: bool = Field(description="the row does not depend on the domain")
    note: str | None = None
    source: str | None = None


class TariffRow(BaseModel):
    code: str
    name: str
    description: str | None = None
    category: str
    category_name: str | None = None
    level: int
    level_name: str | None = None
    light_help: bool = False
    perceel: int | None = None
    provider_types: list[str] = []
    target_groups: list[str] = []
    care_questions: list[CareQuestion] = []
    domains: list[str] = Field(default_factory=list, description="domains of the care questions the code fits")
    unit: str = Field(description="iJw eenheid (WJ756)")
    unit_name: str
    tariff: Decimal | None = Field(default=None, description="euro per unit on the reference date")
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    tariff_note: str | None = None
    norm: dict[str, Any] | None = Field(default=None, description="the norm as declared in the catalogue")
    norm_text: str | None = None
    hours_per_unit: Decimal | None = None
    units_3m: Decimal | None = Field(default=None, description="units per 3 months at norm (4 decimals)")
    tariff_3m: Decimal | None = Field(default=None, description="euro per 3-month treatment at norm, cents")
    hours_3m: Decimal | None = Field(default=None, description="direct hours per 3 months at norm (2 decimals)")
    waiting_weeks: int | None = None
    methods: list[str] = []
    satisfaction: Decimal | None = None
    missing: list[str] = Field(default_factory=list, description="optional catalogue data not recorded for the code")
    reason: str | None = Field(default=None, description="why a figure cannot be given")
    compare_tariff: Decimal | None = None
    compare_valid_from: dt.date | None = None
    compare_valid_to: dt.date | None = None
    compare_tariff_3m: Decimal | None = None
    change: Decimal | None = Field(default=None, description="unit tariff on as_of minus on compare")
    change_pct: Decimal | None = Field(default=None, description="change in percent of the compare tariff")
    change_3m: Decimal | None = Field(default=None, description="tariff_3m minus compare_tariff_3m")
    compare_reason: str | None = None


class TariffTable(BaseModel):
    region_id: str
    region_name: str
    illustrative_tariffs: bool
    as_of: dt.date
    compare: dt.date | None = None
    rules_hash: str = ""
    domains: dict[str, str] = {}
    levels: dict[int, str] = {}
    rows: list[TariffRow] = []

    def row(self, code: str) -> TariffRow:
        for r in self.rows:
            if r.code == code:
                return r
        raise KeyError(code)

    def records(self) -> list[dict[str, Any]]:
        """One JSON-ready object per code (dates ISO, money and quantities as strings)."""
        out = []
        for r in self.rows:
            d = r.model_dump(mode="json")
            if self.compare is None:
                for k in [k for k in d if k.startswith(("compare_", "change"))]:
                    del d[k]
            out.append(d)
        return out


# ---------------------------------------------------------------- numbers in Dutch


def _declared_number(d: Decimal) -> Decimal:
    return d.quantize(Decimal(1)) if d == d.to_integral_value() else d.normalize()


def norm_text(code: Code) -> str | None:
    n = code.norm
    if n is None:
        return None
    one, many = UNIT_PLURAL[code.unit]
    if n.duration_months is not None:
        return f"1 traject van {nl.number(_declared_number(n.duration_months))} maanden"
    amount = n.per_week if n.per_week is not None else n.per_month
    per = "per week" if n.per_week is not None else "per maand"
    assert amount is not None
    if code.unit == "83":
        return f"{nl.money(amount)} {per}"
    word = one if amount == 1 else many
    return f"{nl.number(_declared_number(amount))} {word} {per}"


def declared_norm(code: Code) -> dict[str, Any] | None:
    if code.norm is None:
        return None
    data = code.norm.model_dump(exclude_none=True, exclude_defaults=True)
    return {k: (str(v) if isinstance(v, Decimal) else list(v) if isinstance(v, tuple) else v)
            for k, v in data.items()}


# ---------------------------------------------------------------- care questions from the tables


def _value_text(field: str, value: Any) -> str:
    if isinstance(value, Ref):
        return FIELD_LABELS.get(value.field, value.field)
    f = FIELDS.get(field)
    shown = from_fact_value(f, value) if f is not None else value
    return str(shown)


def render_condition(cond: Cond) -> str:
    """A table row's condition as a person reads it: 'trede 2, leefgebied gedrag/opvoeden'."""
    if isinstance(cond, Const):
        return "altijd" if cond.value else "nooit"
    if isinstance(cond, All):
        return ", ".join(f"({render_condition(c)})" if isinstance(c, AnyOf) else render_condition(c)
                         for c in cond.items)
    if isinstance(cond, AnyOf):
        return " of ".join(f"({render_condition(c)})" if isinstance(c, All) else render_condition(c)
                           for c in cond.items)
    if isinstance(cond, Not):
        inner = cond.item
        if isinstance(inner, Cmp) and inner.op == "eq" and inner.field in BOOL_LABELS \
                and isinstance(inner.value, bool):
            return BOOL_LABELS[inner.field][1 if inner.value else 0]
        if isinstance(inner, (Cmp, OneOf)) and not (isinstance(inner, Cmp) and inner.op != "eq"):
            label = FIELD_LABELS.get(inner.field, inner.field)
            values = (inner.value,) if isinstance(inner, Cmp) else inner.values
            return f"{label} niet {'/'.join(_value_text(inner.field, v) for v in values)}"
        return f"niet ({render_condition(inner)})"
    label = FIELD_LABELS.get(cond.field, cond.field)
    if isinstance(cond, Cmp):
        if cond.field in BOOL_LABELS and isinstance(cond.value, bool) and cond.op == "eq":
            return BOOL_LABELS[cond.field][0 if cond.value else 1]
        if cond.op == "eq":
            return f"{label} {_value_text(cond.field, cond.value)}"
        return f"{label} {OP_WORDS[cond.op]} {_value_text(cond.field, cond.value)}"
    if isinstance(cond, OneOf):
        return f"{label} {'/'.join(_value_text(cond.field, v) for v in cond.values)}"
    if isinstance(cond, Contains):
        word = "met alle van" if cond.all else "met"
        return f"{label} {word} {'/'.join(cond.values)}"
    if isinstance(cond, Present):
        return f"{label} {'ingevuld' if cond.present else 'niet ingevuld'}"
    raise TypeError(cond)


def _maybe(cond: Cond, domain: str) -> bool | None:
    """Can the condition hold for a care question whose (primary) domain is ``domain``?
    Three-valued: True/False when the domain decides it, None when other facts do."""
    if isinstance(cond, Const):
        return cond.value
    if isinstance(cond, All):
        parts = [_maybe(c, domain) for c in cond.items]
        if any(p is False for p in parts):
            return False
        return True if all(p is True for p in parts) else None
    if isinstance(cond, AnyOf):
        parts = [_maybe(c, domain) for c in cond.items]
        if any(p is True for p in parts):
            return True
        return False if all(p is False for p in parts) else None
    if isinstance(cond, Not):
        p = _maybe(cond.item, domain)
        return None if p is None else not p
    if isinstance(cond, Cmp) and isinstance(cond.value, Ref):
        return None
    if cond.field == "primary_domain":
        return holds(cond, {"primary_domain": domain})
    if cond.field == "domains" and isinstance(cond, Contains):
        # a question with this domain may list others too: only "contains this one" is certain
        return True if (domain in cond.values and not cond.all) else None
    return None


def _codes_in(value: Any, codes: dict[str, Code]) -> list[str]:
    if isinstance(value, str) and value in codes:
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str) and v in codes]
    return []


def care_questions(catalogue: Catalogue) -> dict[str, list[CareQuestion]]:
    """Per code the allocation-table rows that list (allow) or advise it."""
    out: dict[str, list[CareQuestion]] = {c: [] for c in catalogue.codes}
    domain_ids = list(catalogue.domains)
    for table in catalogue.tables:
        for row in table.rows:
            listed: dict[str, bool] = {}
            for value in row.outputs.values():
                for code in _codes_in(value, catalogue.codes):
                    listed[code] = listed.get(code, False) or isinstance(value, str)
            if not listed:
                continue
            cq = _care_question(table, row, domain_ids)
            for code, advised in listed.items():
                out[code].append(cq.model_copy(update={"advised": advised}))
    return out


def _care_question(table: ParsedTable, row: ParsedRow, domain_ids: list[str]) -> CareQuestion:
    cond: Cond = row.cond if table.applies_when is None else All((table.applies_when, row.cond))
    fits = [d for d in domain_ids if _maybe(cond, d) is not False]
    depends = any(f in DOMAIN_FIELDS for f in fields_of(cond))
    return CareQuestion(
        table=table.id, table_name=table.table.name, row=row.index + 1,
        text=render_condition(row.cond), advised=False, domains=fits,
        all_domains=not depends and len(fits) == len(domain_ids), note=row.note,
        source=f"{row.source.file}:{row.source.line}" if row.source.line else row.source.file)


# ---------------------------------------------------------------- the table


def _figures(code: Code, amount: Decimal | None, on: dt.date) -> tuple[Any, ...]:
    n = normalise_norm(code, amount)
    reasons = [r for r in n.reasons if r != "geen tarief geldig op deze datum"]
    if amount is None:
        reasons.insert(0, f"geen tarief geldig op {on.isoformat()}")
    return n, "; ".join(reasons) or None


def tariff_table(catalogue: Catalogue, as_of: dt.date, compare: dt.date | None = None) -> TariffTable:
    """The overview of every code in the catalogue on ``as_of`` (optionally against ``compare``).

    Every code is listed; where a figure cannot be given, ``reason`` says why.
    """
    cqs = care_questions(catalogue)
    rows: list[TariffRow] = []
    for code in catalogue.codes.values():
        t = catalogue.tariff_on(code.id, as_of)
        amount = t.amount if t else None
        n, reason = _figures(code, amount, as_of)
        lvl = catalogue.ladder.get(code.level)
        questions = cqs.get(code.id, [])
        domains = [d for d in catalogue.domains if any(d in q.domains for q in questions)]
        missing = [key for key in OPTIONAL_DATA if getattr(code, key) in (None, [])]
        row = TariffRow(
            code=code.id, name=code.name, description=code.description,
            category=code.category, category_name=PRODUCT_CATEGORIES.get(code.category),
            level=code.level, level_name=lvl.name if lvl else None,
            light_help=bool(lvl and lvl.light_help), perceel=code.perceel,
            provider_types=list(code.provider_types), target_groups=list(code.target_groups),
            care_questions=questions, domains=domains,
            unit=code.unit, unit_name=UNITS[code.unit],
            tariff=amount, valid_from=t.valid_from if t else None, valid_to=t.valid_to if t else None,
            tariff_note=t.note if t else None,
            norm=declared_norm(code), norm_text=norm_text(code),
            hours_per_unit=to_decimal(n.hours_per_unit, 4) if n.hours_per_unit is not None else None,
            units_3m=to_decimal(n.units_3m, 4) if n.units_3m is not None else None,
            tariff_3m=n.tariff_3m,
            hours_3m=to_decimal(n.hours_3m, 2) if n.hours_3m is not None else None,
            waiting_weeks=code.waiting_weeks, methods=list(code.methods),
            satisfaction=code.satisfaction, missing=missing, reason=reason,
        )
        if compare is not None:
            _add_compare(row, catalogue, code, compare)
        rows.append(row)
    rows.sort(key=lambda r: (r.level, r.perceel or 0, r.code))
    return TariffTable(
        region_id=catalogue.region.id, region_name=catalogue.region.name,
        illustrative_tariffs=catalogue.region.illustrative_tariffs, as_of=as_of, compare=compare,
        rules_hash=catalogue.bundle_hash,
        domains={d.id: d.name for d in catalogue.domains.values()},
        levels={lvl.level: lvl.name for lvl in sorted(catalogue.ladder.values(), key=lambda x: x.level)},
        rows=rows,
    )


def _add_compare(row: TariffRow, catalogue: Catalogue, code: Code, compare: dt.date) -> None:
    t = catalogue.tariff_on(code.id, compare)
    if t is None:
        row.compare_reason = f"geen tarief geldig op {compare.isoformat()}"
        return
    row.compare_tariff = t.amount
    row.compare_valid_from, row.compare_valid_to = t.valid_from, t.valid_to
    n = normalise_norm(code, t.amount)
    row.compare_tariff_3m = n.tariff_3m
    if row.tariff is None:
        row.compare_reason = row.reason
        return
    row.change, row.change_pct, row.change_3m = tariff_change(t.amount, row.tariff, row.compare_tariff_3m,
                                                              row.tariff_3m)
    if t.amount == 0:
        row.compare_reason = "tarief op de vergelijkingsdatum is 0: geen percentage"


def tariff_change(old: Decimal | None, new: Decimal | None, old_3m: Decimal | None,
                  new_3m: Decimal | None) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
    """From an old to a new tariff: the change per unit, in percent of the old one (two decimals,
    none when the old one is 0) and per 3-month treatment; None where a side is missing. The one
    old -> new arithmetic, of ``tariffs --compare`` and of ``diff``."""
    change = new - old if old is not None and new is not None else None
    pct = (round_half_up(Fraction(change) * 100 / exact(old), 2)
           if change is not None and old else None)
    change_3m = round_money(new_3m - old_3m) if new_3m is not None and old_3m is not None else None
    return change, pct, change_3m


__all__ = ["CareQuestion", "TariffRow", "TariffTable", "care_questions", "norm_text",
           "render_condition", "tariff_change", "tariff_table"]
