"""Writing a diff report: diff.json, decisions_changed.csv, findings_appeared.jsonl,
findings_disappeared.jsonl and a self-contained diff.html (no network, inline SVG)."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from zorgregels.core.columnar import INDEX
from zorgregels.io.outdir import atomic_folder
from zorgregels.render.report import _bars

FILES = ("diff.json", "decisions_changed.csv", "findings_appeared.jsonl",
         "findings_disappeared.jsonl", "diff.html")


def write_diff(report: Any, out_dir: Path) -> Path:
    from zorgregels.jobs.diff import summary_json

    with atomic_folder(out_dir) as tmp:
        (tmp / "diff.json").write_text(summary_json(report), encoding="utf-8")
        report.changed.drop(INDEX).write_csv(tmp / "decisions_changed.csv")
        report.appeared.drop(INDEX).write_ndjson(tmp / "findings_appeared.jsonl")
        report.disappeared.drop(INDEX).write_ndjson(tmp / "findings_disappeared.jsonl")
        (tmp / "diff.html").write_text(render_html(report), encoding="utf-8")
    return Path(out_dir)


def _table(headers: list[str], rows: list[list[Any]]) -> str:
    e = html.escape
    head = "".join(f"<th>{e(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{e('' if v is None else str(v))}</td>" for v in r) + "</tr>"
                   for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def render_html(report: Any) -> str:
    s = report.summary
    e = html.escape
    tiles = [("besluiten", s["rows_in"]), ("anders beoordeeld", s["verdict_changed"]),
             ("bevindingen erbij", s["findings_appeared"]), ("bevindingen vervallen", s["findings_disappeared"]),
             ("kosten per 3 maanden, oud", f"€ {s['cost_3m_old']}"),
             ("kosten per 3 maanden, nieuw", f"€ {s['cost_3m_new']}"),
             ("verschil", f"€ {s['cost_3m_delta']}")]
    tile_html = "".join(f'<div class="tile"><b>{e(str(v))}</b><span>{e(k)}</span></div>' for k, v in tiles)
    transitions = _bars("Oordeel oud → nieuw", sorted(s["verdict_transitions"].items(), key=lambda kv: -kv[1]),
                        "#805ad5")
    checks = _table(["controle", "erbij", "vervallen"],
                    [[c, v["appeared"], v["disappeared"]] for c, v in s["per_check"].items()])
    munis = _table(["gemeente", "anders beoordeeld", "bevindingen erbij", "vervallen",
                    "kosten oud (€)", "kosten nieuw (€)", "verschil (€)"],
                   [[m, v["verdict_changed"], v["findings_appeared"], v["findings_disappeared"],
                     v["cost_3m_old"], v["cost_3m_new"], v["cost_3m_delta"]]
                    for m, v in s["per_municipality"].items()])
    changed = report.changed.head(2000)
    rows = [[r["decision_id"], r["municipality"], r["verdict_old"], r["verdict_new"],
             (r["appeared"] or "").replace(";", " "), (r["disappeared"] or "").replace(";", " "),
             r["cost_3m_delta"] / 100 if r["cost_3m_delta"] else ""]
            for r in changed.iter_rows(named=True)]
    detail = _table(["besluit", "gemeente", "oordeel oud", "oordeel nieuw", "bevindingen erbij",
                     "vervallen", "kostenverschil (€)"], rows)
    more = (f"<p>De eerste 2000 van {report.changed.height} gewijzigde besluiten; alle staan in "
            "decisions_changed.csv.</p>") if report.changed.height > 2000 else ""
    return f"""<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Wat verandert er met de nieuwe regels?</title>
<style>
body{{font-family:system-ui,sans-serif;margin:0;padding:1rem 1.5rem;color:#1a202c;background:#f7fafc}}
h1{{font-size:1.4rem;margin:.2rem 0}} h2{{font-size:1.1rem}} .sub{{color:#4a5568}}
.tiles{{display:flex;flex-wrap:wrap;gap:.6rem;margin:1rem 0}}
.tile{{background:#fff;border:1px solid #e2e8f0;border-radius:6px;padding:.5rem .8rem;min-width:9rem}}
.tile b{{display:block;font-size:1.3rem}} .tile span{{color:#4a5568;font-size:.85rem}}
section,table{{background:#fff}} section{{border:1px solid #e2e8f0;border-radius:6px;padding:.5rem 1rem;margin:1rem 0;overflow-x:auto}}
table{{border-collapse:collapse;width:100%;font-size:.9rem}} th,td{{border-bottom:1px solid #e2e8f0;padding:.3rem .5rem;text-align:left;vertical-align:top}}
th{{background:#edf2f7}} input{{padding:.3rem;width:18rem;max-width:100%}}
</style></head><body>
<h1>Wat verandert er met de nieuwe regels?</h1>
<p class="sub">Dezelfde {s['rows_in']} besluiten beoordeeld met de oude regels ({e(s['rules_old'][:12])})
en de nieuwe ({e(s['rules_new'][:12])}). Kosten per behandeling van 3 maanden tegen de tarieven
van elke catalogus op de besluitdatum. Het oordeel blijft aan een mens.</p>
<div class="tiles">{tile_html}</div>
{transitions}
<section><h2>Per controle</h2>{checks}</section>
<section><h2>Per gemeente</h2>{munis}</section>
<section><h2>Gewijzigde besluiten</h2>
<input id="q" type="search" placeholder="zoek (besluit, gemeente, regel)" aria-label="zoek">
{more}{detail}</section>
<script>
document.getElementById('q').addEventListener('input', function() {{
  var q = this.value.toLowerCase();
  document.querySelectorAll('section:last-of-type tbody tr').forEach(function(tr) {{
    tr.style.display = tr.textContent.toLowerCase().indexOf(q) >= 0 ? '' : 'none';
  }});
}});
</script>
</body></html>
"""
