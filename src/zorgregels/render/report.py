"""Writing a validation report: findings.jsonl, decisions.csv, summary.json and report.html.

The folder is written next to its destination under a temporary name and renamed into place
only when every file is complete, so a crash never leaves a half report that looks whole.
findings.jsonl and summary.json carry no timestamps and are sorted, so the same input and
rules give byte-identical files.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

import polars as pl

from zorgregels.core.columnar import INDEX
from zorgregels.io.outdir import atomic_folder

FILES = ("findings.jsonl", "decisions.csv", "summary.json", "report.html")
HTML_TABLE_LIMIT = 5000


def write_report(report: Any, out_dir: Path) -> Path:
    from concurrent.futures import ThreadPoolExecutor

    with atomic_folder(out_dir) as tmp:
        findings = report.findings.drop(INDEX) if INDEX in report.findings.columns else report.findings
        # polars writes without the GIL: the two big files are written side by side
        with ThreadPoolExecutor(max_workers=2) as pool:
            jobs = [pool.submit(findings.write_ndjson, tmp / "findings.jsonl"),
                    pool.submit(report.decisions.write_csv, tmp / "decisions.csv")]
            (tmp / "summary.json").write_text(
                json.dumps(report.summary, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
                encoding="utf-8")
            (tmp / "report.html").write_text(render_html(report), encoding="utf-8")
            for job in jobs:
                job.result()
    return Path(out_dir)


# ------------------------------------------------------------------ HTML


def _bars(title: str, items: list[tuple[str, int]], colour: str = "#2b6cb0") -> str:
    """A horizontal bar chart as inline SVG."""
    e = html.escape
    if not items:
        return f"<section><h2>{e(title)}</h2><p>Geen bevindingen.</p></section>"
    items = items[:25]
    top = max(n for _, n in items) or 1
    row_h, label_w, bar_w = 22, 260, 420
    h = row_h * len(items) + 10
    parts = [f'<svg role="img" aria-label="{e(title)}" width="{label_w + bar_w + 80}" height="{h}" '
             f'xmlns="http://www.w3.org/2000/svg">']
    for i, (label, n) in enumerate(items):
        label = label if len(label) <= 40 else label[:39] + "…"  # the full text is in the tooltip
        y = i * row_h + 5
        w = max(1, round(bar_w * n / top))
        parts.append(f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end" font-size="12">{e(label)}</text>'
                     f'<rect x="{label_w}" y="{y + 3}" width="{w}" height="{row_h - 6}" fill="{colour}">'
                     f'<title>{e(label)}: {n}</title></rect>'
                     f'<text x="{label_w + w + 4}" y="{y + 15}" font-size="12">{n}</text>')
    parts.append("</svg>")
    return f"<section><h2>{e(title)}</h2>{''.join(parts)}</section>"


def _counts(df: pl.DataFrame, col: str) -> list[tuple[str, int]]:
    if df.height == 0 or col not in df.columns:
        return []
    g = df.group_by(col).len().sort(["len", col], descending=[True, False], nulls_last=True)
    return [("(leeg)" if k is None else str(k), int(n)) for k, n in g.iter_rows()]


def render_html(report: Any) -> str:
    e = html.escape
    s = report.summary
    f = report.findings
    facts = report.facts
    per_row = f.filter(pl.col(INDEX).is_not_null()) if INDEX in f.columns else f
    if facts is not None:
        ctx = facts.select(INDEX, "municipality", "referrer_type", "code")
        joined = per_row.join(ctx, on=INDEX, how="left")
    else:
        joined = per_row.with_columns(pl.lit(None, dtype=pl.Utf8).alias(c)
                                      for c in ("municipality", "referrer_type", "code"))
    from zorgregels.catalogue.ijw import REFERRER_TYPES

    joined = joined.with_columns(
        pl.concat_str([pl.col("referrer_type").fill_null("(leeg)"), pl.lit(" "),
                       pl.col("referrer_type").replace_strict(REFERRER_TYPES, default="")]).alias("__ref"))
    charts = [
        _bars("Bevindingen per controle", _counts(f, "check")),
        _bars("Bevindingen per ernst", _counts(f, "severity"), "#c05621"),
        _bars("Bevindingen per gemeente", _counts(joined, "municipality"), "#2f855a"),
        _bars("Bevindingen per verwijzer", _counts(joined, "__ref"), "#6b46c1"),
        _bars("Tariefafwijkingen per code (tariff.differs)",
              _counts(joined.filter(pl.col("rule") == "tariff.differs"), "code"), "#b7791f"),
        _bars("Omvang boven of onder de norm per code",
              _counts(joined.filter(pl.col("rule").is_in(["tariff.volume_above_norm",
                                                          "tariff.volume_below_norm"])), "code"), "#975a16"),
    ]
    verdicts = " · ".join(f"{e(k)}: {v}" for k, v in s.get("verdicts", {}).items())
    head = [
        f"<p><b>{s['rows_in']}</b> besluiten gelezen, <b>{s['rows_reported']}</b> gerapporteerd, "
        f"<b>{s['findings']}</b> bevindingen. Oordelen: {verdicts}. Regels: <code>{e(s['rules_hash'][:12])}</code>.</p>"
    ]
    if s.get("not_evaluable"):
        items = "".join(f"<li><b>{e(n['check'])}</b> ({e(n['rule'])}): {n['rows']} besluiten niet te "
                        f"beoordelen; {e(n['reason'])}</li>" for n in s["not_evaluable"])
        head.append(f"<details><summary>Niet te beoordelen</summary><ul>{items}</ul></details>")
    shown = f.head(HTML_TABLE_LIMIT)
    cols = ["decision_id", "check", "severity", "rule", "message", "expected", "actual", "source", "row"]
    rows_html = []
    for r in shown.select(cols).iter_rows():
        cells = "".join(f"<td>{e('' if v is None else str(v))}</td>" for v in r)
        rows_html.append(f'<tr data-check="{e(str(r[1]))}" data-severity="{e(str(r[2]))}">{cells}</tr>')
    checks = sorted({c for c in f.get_column("check").unique().to_list() if c})
    options = "".join(f'<option value="{e(c)}">{e(c)}</option>' for c in checks)
    more = (f"<p>De tabel toont de eerste {HTML_TABLE_LIMIT} van {f.height} bevindingen; alle staan in "
            "findings.jsonl.</p>" if f.height > HTML_TABLE_LIMIT else "")
    return f"""<!DOCTYPE html>
<html lang="nl"><head><meta charset="utf-8"><title>zorgregels: validatie van besluiten</title>
<style>
body{{font-family:system-ui,sans-serif;margin:2em;color:#1a202c}} h1{{font-size:1.5em}}
.charts{{display:flex;flex-wrap:wrap;gap:2em}} section h2{{font-size:1.05em}}
table{{border-collapse:collapse;font-size:12px;width:100%}} td,th{{border:1px solid #cbd5e0;padding:3px 5px;vertical-align:top}}
th{{background:#edf2f7;position:sticky;top:0}} tr.hide{{display:none}} .error{{color:#c53030}}
</style></head><body>
<h1>Validatie van verwijsbesluiten</h1>
{''.join(head)}
<div class="charts">{''.join(charts)}</div>
<h2>Bevindingen</h2>
<p><label>Zoek <input id="q" type="search" placeholder="besluit, code, tekst"></label>
<label>Controle <select id="check"><option value="">alle</option>{options}</select></label>
<label>Ernst <select id="sev"><option value="">alle</option><option>error</option><option>warning</option><option>info</option></select></label>
<span id="count"></span></p>
{more}
<table id="t"><thead><tr>{''.join(f'<th>{e(c)}</th>' for c in cols)}</tr></thead>
<tbody>{''.join(rows_html)}</tbody></table>
<script>
(function(){{
 var q=document.getElementById('q'),c=document.getElementById('check'),s=document.getElementById('sev');
 var rows=[].slice.call(document.querySelectorAll('#t tbody tr')),n=document.getElementById('count');
 function f(){{var t=q.value.toLowerCase(),k=0;rows.forEach(function(r){{
  var ok=(!c.value||r.dataset.check===c.value)&&(!s.value||r.dataset.severity===s.value)&&(!t||r.textContent.toLowerCase().indexOf(t)>=0);
  r.className=ok?'':'hide';if(ok)k++;}});n.textContent=k+' getoond';}}
 q.oninput=f;c.onchange=f;s.onchange=f;f();
}})();
</script>
</body></html>
"""
