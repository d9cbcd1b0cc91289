"""A self-contained HTML page of a transparency audit: inline SVG charts and a filterable table.

No network: no fonts, scripts or styles are fetched; the page works from a file or an e-mail.
Every text from the input is HTML-escaped.
"""

from __future__ import annotations

import html
import json
from typing import Any

from zorgregels.jobs.audit import VERDICTS, AuditReport

COLORS = {
    "transparent": "#2e7d32",
    "incomplete": "#ef8a17",
    "not_testable": "#c62828",
    "granted": "#5b7db1",
    "rejected": "#d2691e",
    "fail": "#c62828",
    "needs_review": "#8e6bbf",
}
LABELS = {
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

e = html.escape


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{x * 100:.0f}%"


def bar_chart(title: str, rows: list[tuple[str, list[tuple[str, int]], str]], *,
              share: bool, note: str = "") -> str:
    """Horizontal stacked bars. rows: (label, [(series, value)], annotation at the right).

    ``share``: each bar is 100% wide (composition); otherwise widths are counts on one scale.
    """
    label_w, bar_w, ann_w, row_h = 200, 390, 120, 22
    height = 34 + row_h * len(rows) + 30
    total_max = max((sum(v for _, v in segs) for _, segs, _ in rows), default=0) or 1
    out = [f'<figure class="chart"><figcaption>{e(title)}</figcaption>',
           (f'<svg role="img" aria-label="{e(title)}" viewBox="0 0 {label_w + bar_w + ann_w} {height}" '
            f'width="100%" xmlns="http://www.w3.org/2000/svg">')]
    y = 10
    for label, segs, ann in rows:
        total = sum(v for _, v in segs)
        x = float(label_w)
        short = label if len(label) <= 26 else label[:25] + "…"
        out.append(f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end" class="lbl">'
                   f'<title>{e(label)}</title>{e(short)}</text>')
        scale = (bar_w / total) if share and total else (bar_w / total_max)
        for series, v in segs:
            if not v:
                continue
            w = v * scale
            out.append(f'<rect x="{x:.1f}" y="{y + 2}" width="{max(w, 0.5):.1f}" height="{row_h - 6}" '
                       f'fill="{COLORS.get(series, "#888")}"><title>{e(label)}: {e(LABELS.get(series, series))} '
                       f'{v}</title></rect>')
            if w > 26:
                out.append(f'<text x="{x + w / 2:.1f}" y="{y + 15}" text-anchor="middle" class="in">{v}</text>')
            x += w
        if not total:
            out.append(f'<text x="{label_w + 4}" y="{y + 15}" class="ann">geen</text>')
        out.append(f'<text x="{label_w + bar_w + 8}" y="{y + 15}" class="ann">{e(ann)}</text>')
        y += row_h
    series_seen: list[str] = []
    for _, segs, _ in rows:
        for s, _v in segs:
            if s not in series_seen:
                series_seen.append(s)
    lx = label_w
    for s in series_seen:
        out.append(f'<rect x="{lx}" y="{y + 8}" width="12" height="12" fill="{COLORS.get(s, "#888")}"/>'
                   f'<text x="{lx + 16}" y="{y + 18}" class="leg">{e(LABELS.get(s, s))}</text>')
        lx += 24 + 8 * len(LABELS.get(s, s))
    out.append("</svg>")
    if note:
        out.append(f'<p class="note">{e(note)}</p>')
    out.append("</figure>")
    return "\n".join(out)


def _dimension_charts(summary: dict[str, Any], dim: str, title: str) -> str:
    groups = summary["by"].get(dim, {})
    keys = sorted(groups, key=lambda k: (-(groups[k]["light_help_rejected"]), k))
    if dim == "team" and len(keys) > 20:
        keys = keys[:20]
    rate_rows = []
    verdict_rows = []
    for k in keys:
        g = groups[k]
        label = f"{k} {g['label']}" if g.get("label") not in (None, k) else k
        rate_rows.append((label, [("granted", g["light_help_granted"]), ("rejected", g["light_help_rejected"])],
                          f"{_pct(g['rejection_rate'])} afgewezen"))
        verdict_rows.append((label, [(v, g["verdicts"][v]) for v in VERDICTS],
                             f"{_pct(g['transparent_rate'])} transparant"))
    return (bar_chart(f"Lichte hulp per {title}: toegekend en afgewezen", rate_rows, share=False)
            + bar_chart(f"Oordeel over de afwijzingen per {title}", verdict_rows, share=True,
                        note="Elke balk is 100% van de afwijzingen van lichte hulp in die groep."))


def render(report: AuditReport) -> str:
    s = report.summary
    ov = s["overall"]
    st = s["settings"]
    grounds = s["by"]["rejection_ground"]
    ground_rows = []
    for k in sorted(grounds, key=lambda k: (-grounds[k]["light_help_rejected"], k)):
        g = grounds[k]
        mark = " (verboden)" if g["forbidden"] else ("" if g["in_catalogue"] else " (niet in catalogus)")
        ground_rows.append((f"{k}{mark}", [(v, g["verdicts"][v]) for v in VERDICTS],
                            f"{g['light_help_rejected']} afwijzingen"))
    crit_rows = []
    for c in st["criteria"]:
        counts = s["criteria"].get(c, {})
        crit_rows.append((CRITERION_LABELS.get(c, c), [("fail", counts.get("fail", 0)),
                                                       ("needs_review", counts.get("needs_review", 0))],
                          f"{_pct((counts.get('fail', 0) / ov['light_help_rejected']) if ov['light_help_rejected'] else None)} niet voldaan"))

    cards = [
        ("rijen gelezen", str(s["rows"])),
        ("lichte hulp toegekend", str(ov["light_help_granted"])),
        ("lichte hulp afgewezen", str(ov["light_help_rejected"])),
        ("afwijzingspercentage", _pct(ov["rejection_rate"])),
        ("transparant", str(ov["verdicts"]["transparent"])),
        ("onvolledig", str(ov["verdicts"]["incomplete"])),
        ("niet toetsbaar", str(ov["verdicts"]["not_testable"])),
    ]
    municipalities = sorted({d.municipality or "(leeg)" for d in report.decisions})
    rows_html = []
    for d in report.decisions:
        failed = [c for c in d.criteria if c.status == "fail"]
        review = [c for c in d.criteria if c.status == "needs_review"]
        fail_html = "".join(f'<li><b>{e(CRITERION_LABELS.get(c.criterion, c.criterion))}</b>: {e(c.message)}</li>'
                            for c in failed)
        review_html = "".join(f'<li title="{e(c.message)}">{e(CRITERION_LABELS.get(c.criterion, c.criterion))}</li>'
                              for c in review)
        crit_attr = " ".join(c.criterion for c in failed)
        rows_html.append(
            f'<tr data-verdict="{e(d.verdict)}" data-mun="{e(d.municipality or "(leeg)")}" '
            f'data-fail="{e(crit_attr)}">'
            f'<td>{e(d.decision_id)}</td><td>{e(d.municipality or "")}</td><td>{e(d.team or "")}</td>'
            f'<td>{e(d.referrer_type or "")}</td><td>{e(d.rejection_reason or "").replace("_", "_<wbr>")}</td>'
            f'<td><span class="badge {e(d.verdict)}">{e(LABELS[d.verdict])}</span></td>'
            f'<td><ul>{fail_html}</ul></td><td><ul>{review_html}</ul></td>'
            f'<td><code title="{e(d.receipt.hash)}">{e(d.receipt.hash[:12])}</code></td></tr>')
    options_mun = "".join(f'<option value="{e(m)}">{e(m)}</option>' for m in municipalities)
    options_crit = "".join(f'<option value="{e(c)}">{e(CRITERION_LABELS.get(c, c))}</option>'
                           for c in st["criteria"])
    not_det = s["rows_accounted"]["not_determined"]
    data_note = (f"{s['rows']} rijen: {ov['light_help_rejected']} afwijzingen van lichte hulp getoetst, "
                 f"{ov['light_help_granted']} toekenningen van lichte hulp geteld, "
                 f"{s['rows_accounted']['not_light_help']} besluiten over zwaardere hulp, "
                 f"{not_det} rijen waarvan niet vast te stellen is of het lichte hulp is (zie summary.json).")
    settings = {k: st[k] for k in ("region", "rules_hash", "zorgregels", "durable_rules", "rule_format",
                                   "as_of", "reuse_threshold", "similarity")}
    return f"""<!DOCTYPE html>
<html lang="nl"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Transparantie van afwijzingen van lichte hulp</title>
<style>
body{{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2430;background:#f6f7f9}}
header{{background:#1f3b5a;color:#fff;padding:18px 28px}}
header h1{{margin:0 0 4px;font-size:22px}} header p{{margin:0;opacity:.85;font-size:13px}}
main{{padding:18px 28px;max-width:1200px}}
.cards{{display:flex;flex-wrap:wrap;gap:10px;margin:6px 0 14px}}
.card{{background:#fff;border:1px solid #dde2e8;border-radius:6px;padding:8px 14px;min-width:120px}}
.card b{{display:block;font-size:22px}} .card span{{font-size:12px;color:#566}}
.grid{{display:grid;grid-template-columns:1fr 1fr;gap:14px;align-items:start;margin-bottom:14px}}
.chart{{background:#fff;border:1px solid #dde2e8;border-radius:6px;margin:0;padding:10px 12px}}
figcaption{{font-weight:600;font-size:14px;margin-bottom:4px}}
svg text{{font-size:12px;fill:#1d2430}} svg text.in{{fill:#fff;font-size:11px}} svg text.ann{{fill:#566}}
svg text.leg{{font-size:11px}}
.note{{font-size:12px;color:#566;margin:4px 0 0}}
h2{{font-size:17px;margin:22px 0 8px}}
.filters{{display:flex;gap:8px;flex-wrap:wrap;margin:8px 0}}
.filters input,.filters select{{padding:5px 8px;border:1px solid #bcc5d0;border-radius:4px;font-size:13px}}
table{{border-collapse:collapse;width:100%;background:#fff;font-size:12.5px}}
th,td{{border-bottom:1px solid #e3e7ec;padding:5px 7px;text-align:left;vertical-align:top}}
th{{background:#eef1f5;position:sticky;top:0}}
td:first-child,td:nth-child(2),td:nth-child(6){{white-space:nowrap}}
td ul{{margin:0;padding-left:16px}}
td:nth-child(7){{min-width:320px}}
td:nth-child(5){{min-width:110px}} td:nth-child(9) code{{font-size:10.5px}}
.tablewrap{{overflow-x:auto}}
td:nth-child(8){{font-size:11.5px;color:#5a4a7a;min-width:140px}}
.badge{{padding:2px 7px;border-radius:10px;color:#fff;font-size:11.5px;white-space:nowrap}}
.badge.transparent{{background:{COLORS['transparent']}}} .badge.incomplete{{background:{COLORS['incomplete']}}}
.badge.not_testable{{background:{COLORS['not_testable']}}}
.meta{{font-size:12px;color:#566}} code{{font-size:11.5px}}
@media (max-width:900px){{.grid{{grid-template-columns:1fr}}}}
</style></head>
<body>
<header><h1>Transparantie van afwijzingen van lichte hulp</h1>
<p>Regio {e(str(st['region']))} · regels {e(st['rules_hash'][:12])} · zorgregels {e(st['zorgregels'])} ·
durable-rules {e(st['durable_rules'])} · peildatum: {e(str(st['as_of']))} · hergebruikdrempel {st['reuse_threshold']}</p></header>
<main>
<p class="meta">{e(data_note)} Het oordeel is advies: een mens beslist. De audit stelt feiten vast, geen oordelen over personen.</p>
<div class="cards">{''.join(f'<div class="card"><b>{e(v)}</b><span>{e(k)}</span></div>' for k, v in cards)}</div>
<div class="grid">
{_dimension_charts(s, "municipality", "gemeente")}
</div>
<div class="grid">
{bar_chart("Oordeel per afwijzingsgrond", ground_rows, share=False)}
{bar_chart("Criteria: niet voldaan en ter beoordeling", crit_rows, share=False,
           note="Ter beoordeling: een criterium dat het oordeel van een deskundige vraagt; de audit benadert het niet.")}
</div>
<div class="grid">
{_dimension_charts(s, "referrer_type", "verwijzer")}
</div>
<div class="grid">
{_dimension_charts(s, "team", "team")}
</div>
<h2>Getoetste afwijzingen ({len(report.decisions)})</h2>
<div class="filters">
<input id="q" type="search" placeholder="zoek (besluit, team, grond, tekst)" size="34">
<select id="fv"><option value="">alle oordelen</option>{''.join(f'<option value="{v}">{LABELS[v]}</option>' for v in VERDICTS)}</select>
<select id="fm"><option value="">alle gemeenten</option>{options_mun}</select>
<select id="fc"><option value="">elk criterium</option>{options_crit}</select>
<span id="count" class="meta"></span>
</div>
<div class="tablewrap"><table id="t"><thead><tr><th>besluit</th><th>gemeente</th><th>team</th><th>verwijzer</th><th>grond</th>
<th>oordeel</th><th>niet voldaan</th><th>ter beoordeling</th><th>bon</th></tr></thead>
<tbody>
{chr(10).join(rows_html)}
</tbody></table></div>
<p class="meta">Instellingen: {e(json.dumps(settings, ensure_ascii=False))}</p>
</main>
<script>
(function(){{
var q=document.getElementById('q'),fv=document.getElementById('fv'),fm=document.getElementById('fm'),
fc=document.getElementById('fc'),rows=document.querySelectorAll('#t tbody tr'),count=document.getElementById('count');
function apply(){{var t=q.value.toLowerCase(),n=0;
for(var i=0;i<rows.length;i++){{var r=rows[i],ok=(!fv.value||r.dataset.verdict===fv.value)&&(!fm.value||r.dataset.mun===fm.value)
&&(!fc.value||(' '+r.dataset.fail+' ').indexOf(' '+fc.value+' ')>=0)&&(!t||r.textContent.toLowerCase().indexOf(t)>=0);
r.style.display=ok?'':'none';if(ok)n++;}}
count.textContent=n+' van '+rows.length+' getoond';}}
// a filtered view can be shared: audit.html#verdict=incomplete&crit=ground_holds&mun=GM0392&q=tekst
var h=new URLSearchParams(location.hash.slice(1));
if(h.get('q'))q.value=h.get('q');if(h.get('verdict'))fv.value=h.get('verdict');
if(h.get('mun'))fm.value=h.get('mun');if(h.get('crit'))fc.value=h.get('crit');
[q,fv,fm,fc].forEach(function(el){{el.addEventListener('input',apply);el.addEventListener('change',apply);}});apply();
}})();
</script>
</body></html>
"""
