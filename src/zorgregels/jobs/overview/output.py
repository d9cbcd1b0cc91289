"""Renderings of the referrers' overview (``zorgregels.overview.TariffTable``): text, Markdown,
CSV, JSON and one self-contained, filterable HTML page (no network: inline CSS and JS)."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from zorgregels.core import nl
from zorgregels.jobs.overview.table import OPTIONAL_DATA, TariffRow, TariffTable
from zorgregels.render.pages import render_page

FORMATS = ("text", "md", "csv", "json", "html")

ILLUSTRATIVE = ("De tarieven in dit overzicht zijn voorbeeldtarieven (illustratief): het zijn geen "
                "contractprijzen van de regio.")
EXPLAIN_3M = ("Per behandeling van 3 maanden (13 weken = 91 dagen) bij de norm-intensiteit van de "
              "code: het tarief en de directe tijd die een gezin in die 3 maanden kan verwachten.")
MISSING = "niet vastgelegd"


def _perceel(r: TariffRow) -> str:
    return str(r.perceel) if r.perceel is not None else "geen"


def _hours(value: Decimal | None) -> str:
    return "" if value is None else f"{nl.number(value)} uur"


def _pct(value: Decimal | None) -> str:
    """A change already in percent ('3.90') as '+3,90%'."""
    return "" if value is None else nl.percent(value / 100, 2, signed=True)


def _weeks(r: TariffRow) -> str:
    if r.waiting_weeks is None:
        return ""
    return "1 week" if r.waiting_weeks == 1 else f"{r.waiting_weeks} weken"


def _validity(r: TariffRow, style: str = "short") -> str:
    if r.valid_from is None:
        return ""
    end = nl.date(r.valid_to, style) if r.valid_to else "onbepaald"
    return f"{nl.date(r.valid_from, style)} t/m {end}"


def _care(r: TariffRow) -> list[str]:
    return [q.text + (" (advies)" if q.advised else "") for q in r.care_questions]


def _title(t: TariffTable) -> str:
    return f"Zorgcodes en tarieven per 3 maanden — {t.region_name}"


# ---------------------------------------------------------------- text


def render_text(t: TariffTable) -> str:
    head = ["code", "naam", "trede", "perceel", "eenheid", "tarief/eenheid", "norm",
            "per 3 mnd", "uren 3 mnd"]
    if t.compare:
        head += [f"tarief {nl.date(t.compare, 'short')}", "verschil", "%"]
    rows = []
    for r in t.rows:
        line = [r.code, r.name, str(r.level), _perceel(r), f"{r.unit} {r.unit_name}",
                nl.money(r.tariff) or "-", r.norm_text or "-", nl.money(r.tariff_3m) or "-",
                nl.number(r.hours_3m) or "-"]
        if t.compare:
            line += [nl.money(r.compare_tariff) or "-", nl.money(r.change, signed=True) or "-",
                     _pct(r.change_pct) or "-"]
        rows.append(line)
    widths = [max(len(h), *(len(x[i]) for x in rows)) if rows else len(h) for i, h in enumerate(head)]
    right = {5, 7, 8, 9, 10, 11}

    def fmt(cells: list[str]) -> str:
        return "  ".join(c.rjust(w) if i in right else c.ljust(w)
                         for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

    out = [_title(t), f"Peildatum {nl.date(t.as_of)}"
           + (f", vergeleken met {nl.date(t.compare)}" if t.compare else ""), EXPLAIN_3M]
    if t.illustrative_tariffs:
        out.append("LET OP: " + ILLUSTRATIVE)
    out += ["", fmt(head), fmt(["-" * w for w in widths])]
    out += [fmt(x) for x in rows]
    reasons = [r for r in t.rows if r.reason]
    if reasons:
        out += ["", "Niet alle cijfers zijn te geven:"]
        out += [f"  {r.code}: {r.reason}" for r in reasons]
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- markdown


def _md(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def render_md(t: TariffTable) -> str:
    out = [f"# {_title(t)}", "",
           f"Peildatum **{nl.date(t.as_of)}**"
           + (f", vergeleken met **{nl.date(t.compare)}**" if t.compare else "") + ".",
           "", EXPLAIN_3M, ""]
    if t.illustrative_tariffs:
        out += [f"> **Let op:** {ILLUSTRATIVE}", ""]
    head = ["Code", "Naam", "Trede", "Perceel", "Past bij (toewijzingstabel)", "Eenheid",
            "Tarief per eenheid", "Norm", "Tarief per 3 maanden", "Directe uren per 3 maanden",
            "Wachttijd", "Geldig"]
    if t.compare:
        head += [f"Tarief {nl.date(t.compare, 'short')}", "Verschil", "Verschil %"]
    out += ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    for r in t.rows:
        cells = [r.code, r.name, f"{r.level} ({r.level_name})", _perceel(r),
                 "; ".join(_care(r)) or "niet in de toewijzingstabellen",
                 f"{r.unit} {r.unit_name}", nl.money(r.tariff) or "—", r.norm_text or "—",
                 nl.money(r.tariff_3m) or "—", _hours(r.hours_3m) or "—",
                 _weeks(r) or MISSING,
                 _validity(r) or "—"]
        if t.compare:
            cells += [nl.money(r.compare_tariff) or "—", nl.money(r.change, signed=True) or "—",
                      _pct(r.change_pct) or "—"]
        out.append("| " + " | ".join(_md(c) for c in cells) + " |")
    out += ["", "## Per code", ""]
    for r in t.rows:
        out.append(f"### {r.code} {_md(r.name)}")
        out.append("")
        items = [
            ("Aanbieders", ", ".join(r.provider_types) or MISSING),
            ("Doelgroepen", "; ".join(r.target_groups) or MISSING),
            ("Methodieken", "; ".join(r.methods) or MISSING),
            ("Cliënttevredenheid", (f"{nl.number(r.satisfaction)} (schaal 1-10)"
                                if r.satisfaction is not None else MISSING)),
        ]
        if r.reason:
            items.append(("Niet te geven", r.reason))
        out += [f"- **{k}:** {_md(v)}" for k, v in items]
        out.append("")
    return "\n".join(out)


# ---------------------------------------------------------------- csv and json


CSV_COLUMNS = [
    "code", "name", "level", "level_name", "perceel", "provider_types", "target_groups",
    "care_questions", "domains", "unit", "unit_name", "tariff", "valid_from", "valid_to", "norm",
    "norm_text", "hours_per_unit", "units_3m", "tariff_3m", "hours_3m", "waiting_weeks",
    "methods", "satisfaction", "missing", "reason",
]
CSV_COMPARE = ["compare_tariff", "compare_valid_from", "compare_valid_to", "compare_tariff_3m",
               "change", "change_pct", "change_3m", "compare_reason"]


def _csv_value(key: str, value: Any) -> str:
    if value is None:
        return ""
    if key == "care_questions":
        return " | ".join(q["text"] + (" (advies)" if q["advised"] else "") for q in value)
    if key == "norm":
        return "; ".join(f"{k}={v}" for k, v in value.items())
    if isinstance(value, list):
        return "; ".join(map(str, value))
    return str(value)


def render_csv(t: TariffTable) -> str:
    cols = CSV_COLUMNS + (CSV_COMPARE if t.compare else [])
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(cols)
    for rec in t.records():
        w.writerow([_csv_value(c, rec.get(c)) for c in cols])
    return buf.getvalue()


def render_json(t: TariffTable) -> str:
    return json.dumps(t.records(), indent=2, ensure_ascii=False) + "\n"


# ---------------------------------------------------------------- html


@dataclass(frozen=True)
class RowView:
    """What the page shows of one code beyond the row itself: the texts made of several
    fields, the data attributes the filters and the sorting read, and the details list
    (label, value, what to write when the value is not recorded)."""

    row: TariffRow
    data: dict[str, str]
    details: list[tuple[str, str, str]]
    missing: str
    hours_3m: str
    weeks: str
    change_pct: str
    change_class: str


def _row_view(r: TariffRow) -> RowView:
    details = [
        ("Doelgroepen", "; ".join(r.target_groups), MISSING),
        ("Aanbieders", "; ".join(r.provider_types), MISSING),
        ("Methodieken", "; ".join(r.methods), MISSING),
        ("Cliënttevredenheid", f"{nl.number(r.satisfaction)} (schaal 1-10)" if r.satisfaction is not None
         else "", MISSING),
        ("Productcategorie", f"{r.category} {r.category_name or ''}".strip(), MISSING),
        ("Tarief geldig", _validity(r, "long"), "geen tarief op de peildatum"),
        ("Directe uren per eenheid", nl.number(r.hours_per_unit), "niet te geven"),
        ("Eenheden per 3 maanden", nl.number(r.units_3m), "niet te geven"),
    ]
    if r.description:
        details.insert(0, ("Omschrijving", r.description, MISSING))
    if r.tariff_note:
        details.append(("Toelichting tarief", r.tariff_note, MISSING))
    # the data attributes keep the machine form ('1885.52'): the page sorts on them as numbers
    data = {
        "level": str(r.level), "perceel": _perceel(r),
        "domains": " ".join(r.domains),
        "search": " ".join([r.code, r.name, *r.target_groups, *r.methods, *_care(r)]).lower(),
        "code": r.code,
        "t3m": "" if r.tariff_3m is None else str(r.tariff_3m),
        "h3m": "" if r.hours_3m is None else str(r.hours_3m),
        "wait": "" if r.waiting_weeks is None else str(r.waiting_weeks),
        "tariff": "" if r.tariff is None else str(r.tariff),
        "change": "" if r.change_pct is None else str(r.change_pct),
    }
    change = r.change or 0
    return RowView(
        row=r, data={f"data-{k}": v for k, v in data.items()}, details=details,
        missing=", ".join(OPTIONAL_DATA[m] for m in r.missing),
        hours_3m=_hours(r.hours_3m), weeks=_weeks(r), change_pct=_pct(r.change_pct),
        change_class="up" if change > 0 else "down" if change < 0 else "")


def render_html(t: TariffTable) -> str:
    heads = [
        ("Code en zorgvraag", "code", ""),
        ("Eenheid", None, ""),
        ("Tarief per eenheid", "tariff", "num"),
        ("Norm", None, ""),
        ("Tarief per 3 maanden", "t3m", "num"),
        ("Directe uren per 3 maanden", "h3m", "num"),
        ("Wachttijd", "wait", "num"),
    ]
    if t.compare:
        heads.append((f"Indexatie sinds {nl.date(t.compare, 'short')}", "change", "num"))
    return render_page("tariffs.html.j2", t=t, title=_title(t), rules_hash=t.rules_hash,
                       illustrative=ILLUSTRATIVE, explain=EXPLAIN_3M, heads=heads,
                       rows=[_row_view(r) for r in t.rows])


RENDERERS = {
    "text": render_text,
    "md": render_md,
    "csv": render_csv,
    "json": render_json,
    "html": render_html,
}


def render(t: TariffTable, fmt: str) -> str:
    try:
        return RENDERERS[fmt](t)
    except KeyError:
        raise ValueError(f"onbekend formaat {fmt!r} (bekend: {', '.join(FORMATS)})") from None


__all__ = ["FORMATS", "render", "render_csv", "render_html", "render_json", "render_md", "render_text"]
