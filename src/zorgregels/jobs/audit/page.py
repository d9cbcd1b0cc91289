"""A self-contained HTML page of a transparency audit: bar charts and a filterable table.

No network: no fonts, scripts or styles are fetched; the page works from a file or an e-mail.
Every text from the input is HTML-escaped (the templates autoescape).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from zorgregels.core import nl
from zorgregels.jobs.audit.model import VERDICT_RANK, AuditedDecision, AuditReport, CriterionResult
from zorgregels.render.charts import Bar, BarChart, Series
from zorgregels.render.pages import render_page

COLORS = {
    "forbidden_ground": "#b00020",  # red: ranked first
    "transparent": "#2e7d32",
    "incomplete": "#ef8a17",
    "not_testable": "#6d6a75",
    "granted": "#5b7db1",
    "rejected": "#d2691e",
    "fail": "#c62828",
    "needs_review": "#8e6bbf",
}
LABELS = {
    "forbidden_ground": "verboden grond",
    "transparent": "transparant",
    "incomplete": "onvolledig",
    "not_testable": "niet toetsbaar",
    "granted": "toegekend",
    "rejected": "afgewezen",
    "fail": "niet voldaan",
    "needs_review": "ter beoordeling",
    "pass": "voldaan",
    "not_applicable": "n.v.t.",
}
CRITERION_LABELS = {
    "ground_known": "grond uit de catalogus",
    "four_steps": "vier stappen en deskundigheid",
    "ground_holds": "grond klopt met de feiten",
    "motivation_specific": "eigen motivering",
    "alternative_named": "alternatief genoemd",
    "decision_term": "beslistermijn",
    "objection_info": "bezwaarinformatie",
    "forbidden_ground": "geen verboden grond",
}
SHARE_NOTE = "Elke balk is 100% van de afwijzingen van lichte hulp in die groep."
REVIEW_NOTE = ("Ter beoordeling: een criterium dat het oordeel van een deskundige vraagt; de audit "
               "benadert het niet.")
MAX_TEAMS = 20


@dataclass(frozen=True)
class Row:
    """One audited decision as the table shows it: the criteria it fails and those that ask a
    person to look, split once here rather than filtered per cell in the template."""

    decision: AuditedDecision
    failed: list[CriterionResult]
    review: list[CriterionResult]

    @property
    def fail_attr(self) -> str:
        return " ".join(c.criterion for c in self.failed)


def _row(d: AuditedDecision) -> Row:
    return Row(d, [c for c in d.criteria if c.status == "fail"],
               [c for c in d.criteria if c.status == "needs_review"])


def _series(*keys: str) -> tuple[Series, ...]:
    return tuple(Series(key=k, label=LABELS.get(k, k), colour=COLORS.get(k, "#888")) for k in keys)


def _pct(x: float | None) -> str:
    return "–" if x is None else nl.percent(x, 0)


def _dimension_charts(summary: dict[str, Any], dim: str, title: str) -> tuple[BarChart, BarChart]:
    groups = summary["by"].get(dim, {})
    keys = sorted(groups, key=lambda k: (-(groups[k]["light_help_rejected"]), k))
    if dim == "team":
        keys = keys[:MAX_TEAMS]
    rates, verdicts = [], []
    for k in keys:
        g = groups[k]
        label = f"{k} {g['label']}" if g.get("label") not in (None, k) else k
        rates.append(Bar(label, (g["light_help_granted"], g["light_help_rejected"]),
                         f"{_pct(g['rejection_rate'])} afgewezen"))
        verdicts.append(Bar(label, tuple(g["verdicts"][v] for v in VERDICT_RANK),
                            f"{_pct(g['transparent_rate'])} transparant"))
    return (BarChart(f"Lichte hulp per {title}: toegekend en afgewezen", _series("granted", "rejected"),
                     tuple(rates)),
            BarChart(f"Oordeel over de afwijzingen per {title}", _series(*VERDICT_RANK), tuple(verdicts),
                     share=True, note=SHARE_NOTE))


def _ground_chart(summary: dict[str, Any]) -> BarChart:
    grounds = summary["by"]["rejection_ground"]
    bars = []
    for k in sorted(grounds, key=lambda k: (-grounds[k]["light_help_rejected"], k)):
        g = grounds[k]
        mark = " (verboden)" if g["forbidden"] else ("" if g["in_catalogue"] else " (niet in catalogus)")
        bars.append(Bar(f"{k}{mark}", tuple(g["verdicts"][v] for v in VERDICT_RANK),
                        f"{g['light_help_rejected']} afwijzingen"))
    return BarChart("Oordeel per afwijzingsgrond", _series(*VERDICT_RANK), tuple(bars))


def _criteria_chart(summary: dict[str, Any]) -> BarChart:
    rejected = summary["overall"]["light_help_rejected"]
    bars = []
    for c in summary["settings"]["criteria"]:
        counts = summary["criteria"].get(c, {})
        fail = counts.get("fail", 0)
        bars.append(Bar(CRITERION_LABELS.get(c, c), (fail, counts.get("needs_review", 0)),
                        f"{_pct(fail / rejected if rejected else None)} niet voldaan"))
    return BarChart("Criteria: niet voldaan en ter beoordeling", _series("fail", "needs_review"),
                    tuple(bars), note=REVIEW_NOTE)


def render(report: AuditReport) -> str:
    """The page; its table lists the most serious verdicts first (``VERDICT_RANK``: a forbidden
    ground above everything else), each verdict in the order of the report."""
    s = report.summary
    ov = s["overall"]
    st = s["settings"]
    accounted = s["rows_accounted"]
    tiles = [
        ("rijen gelezen", str(s["rows"])),
        ("lichte hulp toegekend", str(ov["light_help_granted"])),
        ("lichte hulp afgewezen", str(ov["light_help_rejected"])),
        ("afwijzingspercentage", _pct(ov["rejection_rate"])),
        *((LABELS[v], str(ov["verdicts"][v])) for v in VERDICT_RANK),
    ]
    data_note = (f"{s['rows']} rijen: {ov['light_help_rejected']} afwijzingen van lichte hulp getoetst, "
                 f"{ov['light_help_granted']} toekenningen van lichte hulp geteld, "
                 f"{accounted['not_light_help']} besluiten over zwaardere hulp, "
                 f"{accounted['not_determined']} rijen waarvan niet vast te stellen is of het lichte "
                 "hulp is (zie summary.json).")
    settings = {k: st[k] for k in ("region", "rules_hash", "zorgregels", "durable_rules", "rule_format",
                                   "as_of", "reuse_threshold", "similarity")}
    chart_rows = [
        _dimension_charts(s, "municipality", "gemeente"),
        (_ground_chart(s), _criteria_chart(s)),
        _dimension_charts(s, "referrer_type", "verwijzer"),
        _dimension_charts(s, "team", "team"),
    ]
    return render_page(
        "audit.html.j2",
        rules_hash=st["rules_hash"], settings=st, settings_json=json.dumps(settings, ensure_ascii=False),
        data_note=data_note, tiles=tiles, chart_rows=chart_rows,
        rows=[_row(d) for d in sorted(report.decisions, key=lambda d: VERDICT_RANK.index(d.verdict))],
        municipalities=sorted({d.municipality or "(leeg)" for d in report.decisions}),
        verdicts=VERDICT_RANK, labels=LABELS, colours=COLORS, criterion_labels=CRITERION_LABELS,
        grounds=s["by"]["rejection_ground"], links=report.links,
    )
