"""diff.html: first what changed in the rules (``rule_changes``), then what that does to the
decisions, in Dutch: municipalities by their name (CBS code in a tooltip), money via ``core.nl``,
checks, severities and verdicts by their Dutch labels. A self-contained page with no link out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import polars as pl
from markupsafe import Markup

from zorgregels.catalogue.ijw import UNITS
from zorgregels.catalogue.model import CHECK_TITLES, SEVERITY_LABELS
from zorgregels.core import nl
from zorgregels.core.outcome import VERDICT_LABELS
from zorgregels.jobs.diff.rules_change import FIELD_WORDS
from zorgregels.render.charts import counts_chart
from zorgregels.render.pages import render_page

CHANGED_LIMIT = 2000
CHANGE_LABELS = {"added": "nieuw", "removed": "vervallen", "changed": "gewijzigd"}
#: the attributes shown for a record that is new or removed (all of them for a changed one)
SHOWN = {
    "codes": ("name", "unit", "level", "perceel", "norm", "provider_types"),
    "rules": ("severity", "message", "condition", "basis", "remedy"),
    "grounds": ("name", "basis", "holds_when", "forbidden"),
    "budget_ceilings": ("amount_3m", "valid_to", "basis"),
    "tables": ("hit_policy", "inputs", "outputs", "applies_when", "basis"),
}


def _money(text: str | None, *, signed: bool = False) -> str:
    return "" if text is None else nl.money(Decimal(text), signed=signed)


def _date(text: str | None) -> str:
    return "" if text is None else nl.date(dt.date.fromisoformat(text))


def _value(field: str, value: Any) -> str:
    """One compared attribute as a person reads it."""
    if value is None or value == []:
        return "—"
    if field == "severity":
        return SEVERITY_LABELS.get(str(value), str(value))
    if field == "check":
        return CHECK_TITLES.get(str(value), str(value))
    if field == "unit":
        return f"{UNITS.get(value, value)} ({value})"
    if field == "amount_3m":
        return _money(value)
    if field == "valid_to":
        return _date(value)
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _details(section: str, item: Mapping[str, Any]) -> list[dict[str, str | None]]:
    """What a person reads of one change: per attribute its label and the old and new value
    (old None: new; new None: removed)."""
    old, new = item["old"], item["new"]
    fields = item["fields"] if item["change"] == "changed" else SHOWN[section]
    out: list[dict[str, str | None]] = []
    for f in fields:
        o = None if old is None else _value(f, old[f])
        n = None if new is None else _value(f, new[f])
        if item["change"] != "changed" and (o or n) == "—":
            continue
        out.append({"label": FIELD_WORDS.get(f, f), "old": o, "new": n})
    return out


def municipality(code: str | None, names: Mapping[str, str]) -> Markup | str:
    """The municipality by name with its CBS code in a tooltip; as given when not in the region."""
    if code is None:
        return "onbekend"
    name = names.get(code)
    if name is None:
        return code
    return Markup('<span title="{}">{}</span>').format(f"CBS-code {code}", name)


def rule_change_view(changes: Mapping[str, Any]) -> dict[str, Any]:
    """The rule changes of diff.json in words, for the template."""
    def records(section: str) -> list[dict[str, Any]]:
        return [{**item, "label": CHANGE_LABELS[item["change"]], "details": _details(section, item)}
                for item in changes[section]]

    tariffs = [{**t, "period": f"{_date(t['valid_from'])} t/m {_date(t['valid_to'])}" if t["valid_to"]
                else f"vanaf {_date(t['valid_from'])}",
                "old_txt": _money(t["old"]) or "geen tarief", "new_txt": _money(t["new"]) or "geen tarief",
                "change_txt": _money(t["change"], signed=True),
                "pct_txt": "" if t["change_pct"] is None else nl.number(Decimal(t["change_pct"]), 2, signed=True) + "%",
                "old_3m_txt": _money(t["old_3m"]) or "—", "new_3m_txt": _money(t["new_3m"]) or "—",
                "change_3m_txt": _money(t["change_3m"], signed=True)}
               for t in changes["tariffs"]]
    tables = []
    for t in changes["tables"]:
        rows = []
        for r in t["rows"]:
            o, n = r["old"], r["new"]
            place = (str(o["row"]) if o and (not n or n["row"] == o["row"]) else
                     f"{o['row']} → {n['row']}" if o and n else str(n["row"]))
            rows.append({"label": CHANGE_LABELS[r["change"]], "place": place, "fields": r["fields"],
                         "old": o, "new": n})
        tables.append({**t, "label": CHANGE_LABELS[t["change"]], "details": _details("tables", t),
                       "rows": rows})
    counts = [(n, one, many) for n, one, many in (
        (sum(c["change"] == "added" for c in changes["codes"]), "code erbij", "codes erbij"),
        (sum(c["change"] == "removed" for c in changes["codes"]), "code vervallen", "codes vervallen"),
        (sum(c["change"] == "changed" for c in changes["codes"]), "code gewijzigd", "codes gewijzigd"),
        (len(changes["tariffs"]), "tarief gewijzigd", "tarieven gewijzigd"),
        (sum(len(t["rows"]) for t in changes["tables"]), "tabelrij", "tabelrijen"),
        (sum(t["change"] != "changed" or bool(t["fields"]) for t in changes["tables"]), "tabel", "tabellen"),
        (len(changes["rules"]), "regel", "regels"),
        (len(changes["grounds"]), "afwijzingsgrond", "afwijzingsgronden"),
        (len(changes["budget_ceilings"]), "budgetplafond", "budgetplafonds")) if n]
    return {"total": changes["total"], "counts": counts, "codes": records("codes"), "tariffs": tariffs,
            "tables": tables, "rules": records("rules"), "grounds": records("grounds"),
            "ceilings": records("budget_ceilings")}


def render_html(s: Mapping[str, Any], changed_frame: pl.DataFrame, names: Mapping[str, str]) -> str:
    """The page of a diff: its summary, its changed decisions and the region's municipality names."""
    tiles = [("besluiten", nl.number(s["rows_in"])), ("anders beoordeeld", nl.number(s["verdict_changed"])),
             ("bevindingen erbij", nl.number(s["findings_appeared"])),
             ("bevindingen vervallen", nl.number(s["findings_disappeared"])),
             ("kosten per 3 maanden, oud", nl.money(Decimal(s["cost_3m_old"]))),
             ("kosten per 3 maanden, nieuw", nl.money(Decimal(s["cost_3m_new"]))),
             ("verschil", nl.money(Decimal(s["cost_3m_delta"]), signed=True))]

    def verdict_pair(pair: str) -> str:
        old, _, new = pair.partition("->")
        return f"{VERDICT_LABELS.get(old, old)} → {VERDICT_LABELS.get(new, new)}"

    transitions = counts_chart("Oordeel oud → nieuw",
                               sorted(((verdict_pair(k), v) for k, v in s["verdict_transitions"].items()),
                                      key=lambda kv: -kv[1]),
                               "#805ad5", empty="Geen besluit anders beoordeeld.")
    per_check = [[Markup('<span title="{}">{}</span>').format(c, CHECK_TITLES.get(c, c)),
                  nl.number(v["appeared"]), nl.number(v["disappeared"])] for c, v in s["per_check"].items()]
    per_municipality = [[municipality(m, names), nl.number(v["verdict_changed"]),
                         nl.number(v["findings_appeared"]), nl.number(v["findings_disappeared"]),
                         _money(v["cost_3m_old"]), _money(v["cost_3m_new"]),
                         _money(v["cost_3m_delta"], signed=True)]
                        for m, v in s["per_municipality"].items()]
    changed = [[r["decision_id"], municipality(r["municipality"], names),
                VERDICT_LABELS.get(r["verdict_old"], r["verdict_old"]),
                VERDICT_LABELS.get(r["verdict_new"], r["verdict_new"]),
                (r["appeared"] or "").replace(";", " "), (r["disappeared"] or "").replace(";", " "),
                nl.money_cents(r["cost_3m_delta"], signed=True) if r["cost_3m_delta"] else ""]
               for r in changed_frame.head(CHANGED_LIMIT).iter_rows(named=True)]
    return render_page("diff.html.j2", summary=s, tiles=tiles, rules=rule_change_view(s["rule_changes"]),
                       transitions=transitions, per_check=per_check,
                       per_municipality=per_municipality, changed=changed,
                       changed_total=changed_frame.height, limit=CHANGED_LIMIT)


__all__ = ["CHANGED_LIMIT", "municipality", "render_html", "rule_change_view"]
