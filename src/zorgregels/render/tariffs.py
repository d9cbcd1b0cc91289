"""Renderings of the referrers' overview (``zorgregels.overview.TariffTable``): text, Markdown,
CSV, JSON and one self-contained, filterable HTML page (no network: inline CSS and JS)."""

from __future__ import annotations

import csv
import html
import io
import json
from decimal import Decimal
from typing import Any

from zorgregels.jobs.overview import (
    OPTIONAL_DATA,
    UNIT_PLURAL,
    TariffRow,
    TariffTable,
    nl_money,
    nl_number,
)

FORMATS = ("text", "md", "csv", "json", "html")

ILLUSTRATIVE = ("De tarieven in dit overzicht zijn voorbeeldtarieven (illustratief): het zijn geen "
                "contractprijzen van de regio.")
EXPLAIN_3M = ("Per behandeling van 3 maanden (13 weken = 91 dagen) bij de norm-intensiteit van de "
              "code: het tarief en de directe tijd die een gezin in die 3 maanden kan verwachten.")
MISSING = "niet vastgelegd"


def _perceel(r: TariffRow) -> str:
    return str(r.perceel) if r.perceel is not None else "geen"


def _hours(value: Decimal | None) -> str:
    return "" if value is None else f"{nl_number(value)} uur"


def _pct(value: Decimal | None) -> str:
    if value is None:
        return ""
    sign = "+" if value > 0 else ""
    return f"{sign}{nl_number(value, 2)}%"


def _signed_money(value: Decimal | None) -> str:
    if value is None:
        return ""
    return ("+" if value > 0 else "-" if value < 0 else "") + nl_money(abs(value))


def _weeks(r: TariffRow) -> str:
    if r.waiting_weeks is None:
        return ""
    return "1 week" if r.waiting_weeks == 1 else f"{r.waiting_weeks} weken"


def _unit_tariff(r: TariffRow) -> str:
    if r.tariff is None:
        return ""
    return f"{nl_money(r.tariff)} per {UNIT_PLURAL[r.unit][0]}"


def _validity(r: TariffRow) -> str:
    if r.valid_from is None:
        return ""
    end = r.valid_to.isoformat() if r.valid_to else "onbepaald"
    return f"{r.valid_from.isoformat()} t/m {end}"


def _care(r: TariffRow) -> list[str]:
    return [q.text + (" (advies)" if q.advised else "") for q in r.care_questions]


def _title(t: TariffTable) -> str:
    return f"Zorgcodes en tarieven per 3 maanden — {t.region_name}"


# ---------------------------------------------------------------- text


def render_text(t: TariffTable) -> str:
    head = ["code", "naam", "trede", "perceel", "eenheid", "tarief/eenheid", "norm",
            "per 3 mnd", "uren 3 mnd"]
    if t.compare:
        head += [f"tarief {t.compare.isoformat()}", "verschil", "%"]
    rows = []
    for r in t.rows:
        line = [r.code, r.name, str(r.level), _perceel(r), f"{r.unit} {r.unit_name}",
                nl_money(r.tariff) or "-", r.norm_text or "-", nl_money(r.tariff_3m) or "-",
                nl_number(r.hours_3m) if r.hours_3m is not None else "-"]
        if t.compare:
            line += [nl_money(r.compare_tariff) or "-", _signed_money(r.change) or "-",
                     _pct(r.change_pct) or "-"]
        rows.append(line)
    widths = [max(len(h), *(len(x[i]) for x in rows)) if rows else len(h) for i, h in enumerate(head)]
    right = {5, 7, 8, 9, 10, 11}

    def fmt(cells: list[str]) -> str:
        return "  ".join(c.rjust(w) if i in right else c.ljust(w)
                         for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

    out = [_title(t), f"Peildatum {t.as_of.isoformat()}"
           + (f", vergeleken met {t.compare.isoformat()}" if t.compare else ""), EXPLAIN_3M]
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
           f"Peildatum **{t.as_of.isoformat()}**"
           + (f", vergeleken met **{t.compare.isoformat()}**" if t.compare else "") + ".",
           "", EXPLAIN_3M, ""]
    if t.illustrative_tariffs:
        out += [f"> **Let op:** {ILLUSTRATIVE}", ""]
    head = ["Code", "Naam", "Trede", "Perceel", "Past bij (toewijzingstabel)", "Eenheid",
            "Tarief per eenheid", "Norm", "Tarief per 3 maanden", "Directe uren per 3 maanden",
            "Wachttijd", "Geldig"]
    if t.compare:
        head += [f"Tarief {t.compare.isoformat()}", "Verschil", "Verschil %"]
    out += ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    for r in t.rows:
        cells = [r.code, r.name, f"{r.level} ({r.level_name})", _perceel(r),
                 "; ".join(_care(r)) or "niet in de toewijzingstabellen",
                 f"{r.unit} {r.unit_name}", nl_money(r.tariff) or "—", r.norm_text or "—",
                 nl_money(r.tariff_3m) or "—", _hours(r.hours_3m) or "—",
                 _weeks(r) or MISSING,
                 _validity(r) or "—"]
        if t.compare:
            cells += [nl_money(r.compare_tariff) or "—", _signed_money(r.change) or "—",
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
            ("Cliënttevredenheid", (f"{nl_number(r.satisfaction)} (schaal 1-10)"
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


def _e(text: Any) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def _missing(text: str = MISSING) -> str:
    return f'<span class="missing">{_e(text)}</span>'


CSS = """
:root{--fg:#1d2433;--muted:#5b6475;--line:#d9dde5;--bg:#f6f7f9;--card:#fff;--accent:#0b5cad;
--warn-bg:#fff4d6;--warn-line:#e0b43a;--good:#1e7b34;--bad:#b3261e}
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:var(--fg);background:var(--bg)}
header,main,footer{max-width:1400px;margin:0 auto;padding:0 16px}
header{padding-top:18px}
h1{font-size:1.45rem;margin:0 0 4px}
.sub{color:var(--muted);margin:0 0 10px}
.note{background:var(--warn-bg);border:1px solid var(--warn-line);border-left-width:6px;padding:10px 12px;border-radius:6px;margin:10px 0}
.explain{margin:8px 0 12px;color:var(--muted)}
.filters{display:flex;flex-wrap:wrap;gap:10px 14px;align-items:flex-end;background:var(--card);border:1px solid var(--line);border-radius:8px;padding:10px 12px;margin:10px 0 6px;position:sticky;top:0;z-index:2}
.filters label{display:flex;flex-direction:column;font-size:.8rem;color:var(--muted);gap:2px}
.filters select,.filters input{font:inherit;padding:6px 8px;border:1px solid var(--line);border-radius:6px;min-width:150px;background:#fff;color:var(--fg)}
.filters button{font:inherit;padding:6px 10px;border:1px solid var(--line);border-radius:6px;background:#fff;cursor:pointer}
#count{margin:6px 0 10px;color:var(--muted);font-size:.9rem}
table{width:100%;border-collapse:collapse;background:var(--card);border:1px solid var(--line);border-radius:8px}
th,td{padding:8px 10px;border-bottom:1px solid var(--line);vertical-align:top;text-align:left}
th{background:#eef1f6;font-size:.82rem;position:sticky;top:0}
th[data-sort]{cursor:pointer}
th[data-sort]::after{content:" \\2195";color:var(--muted)}
td.num,th.num{text-align:right}
.nw{white-space:nowrap}
td.main{min-width:280px}
.code{font-weight:700;font-family:ui-monospace,Menlo,Consolas,monospace}
.name{font-weight:600}
.badge{display:inline-block;font-size:.75rem;padding:1px 7px;border-radius:10px;background:#e6eefb;color:#123f73;margin:2px 4px 2px 0}
.badge.light{background:#e4f4e7;color:#1e5a2b}
.fits{margin:4px 0 0;padding-left:18px;font-size:.88rem;overflow-wrap:anywhere}
.fits li.adv::marker{color:var(--accent)}
.adv-tag{font-size:.72rem;background:var(--accent);color:#fff;border-radius:8px;padding:0 6px;margin-left:4px}
.big{font-weight:700;font-size:1.02rem}
.missing{color:var(--muted);font-style:italic}
.reason{color:#7a4a00;font-size:.85rem;background:#fff8e6;border-radius:4px;padding:2px 6px;margin-top:4px}
.up{color:var(--bad)}.down{color:var(--good)}
details{margin-top:4px;font-size:.88rem}
details summary{cursor:pointer;color:var(--accent)}
details dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 10px;margin:6px 0}
details dt{color:var(--muted)}details dd{margin:0}
.small{font-size:.82rem;color:var(--muted)}
footer{color:var(--muted);font-size:.8rem;padding:16px}
tr[hidden]{display:none}
@media (max-width:820px){
 body{font-size:16px}
 h1{font-size:1.25rem}
 .explain{font-size:.86rem;margin:6px 0 8px}
 .note{padding:8px 10px;font-size:.92rem}
 .filters{position:static}
 .filters label{flex:1 1 140px}
 .filters select,.filters input{min-width:0;width:100%}
 table,thead,tbody,tr,td{display:block;border:0;background:none;width:auto;max-width:100%}
 thead{display:none}
 tr{background:var(--card);border:1px solid var(--line);border-radius:10px;margin:0 0 12px;padding:6px 2px}
 td{border:0;padding:4px 12px;display:grid;grid-template-columns:9.5em minmax(0,1fr);gap:8px;min-width:0}
 td::before{content:attr(data-label);color:var(--muted);font-size:.85rem}
 td.num{text-align:left;white-space:normal}
 td.main{display:block}
 td.main::before{content:none}
}
"""

JS = r"""
(function(){
 var rows=[].slice.call(document.querySelectorAll('tbody tr'));
 var lv=document.getElementById('f-level'),pc=document.getElementById('f-perceel'),
     dm=document.getElementById('f-domain'),q=document.getElementById('f-search'),
     count=document.getElementById('count'),reset=document.getElementById('f-reset');
 function apply(){
  var n=0,text=q.value.trim().toLowerCase();
  rows.forEach(function(r){
   var ok=(!lv.value||r.dataset.level===lv.value)&&(!pc.value||r.dataset.perceel===pc.value)
     &&(!dm.value||(' '+r.dataset.domains+' ').indexOf(' '+dm.value+' ')>=0)
     &&(!text||r.dataset.search.indexOf(text)>=0);
   r.hidden=!ok;if(ok)n++;
  });
  count.textContent=n+' van '+rows.length+' codes';
 }
 var keys={trede:lv,perceel:pc,leefgebied:dm,zoek:q};
 function fromHash(){
  var h=location.hash.replace(/^#/,'');if(!h)return;
  h.split('&').forEach(function(kv){var p=kv.split('='),el=keys[decodeURIComponent(p[0])];
   if(el)el.value=decodeURIComponent((p[1]||'').replace(/\+/g,' '));});
 }
 function toHash(){
  var parts=[];Object.keys(keys).forEach(function(k){if(keys[k].value)parts.push(k+'='+encodeURIComponent(keys[k].value))});
  try{history.replaceState(null,'',parts.length?'#'+parts.join('&'):location.pathname+location.search)}catch(e){}
 }
 function changed(){apply();toHash()}
 [lv,pc,dm].forEach(function(e){e.addEventListener('change',changed)});
 q.addEventListener('input',changed);
 window.addEventListener('hashchange',function(){fromHash();apply()});
 fromHash();
 reset.addEventListener('click',function(){lv.value='';pc.value='';dm.value='';q.value='';changed()});
 var body=document.querySelector('tbody');
 [].forEach.call(document.querySelectorAll('th[data-sort]'),function(th){
  th.addEventListener('click',function(){
   var key=th.dataset.sort,asc=th.dataset.dir!=='asc';th.dataset.dir=asc?'asc':'desc';
   rows.sort(function(a,b){
    var x=a.dataset[key],y=b.dataset[key],nx=parseFloat(x),ny=parseFloat(y);
    var c=(isNaN(nx)||isNaN(ny))?String(x).localeCompare(String(y)):(nx-ny);
    if(x===''&&y!=='')return 1; if(y===''&&x!=='')return -1;
    return asc?c:-c;});
   rows.forEach(function(r){body.appendChild(r)});
  });
 });
 apply();
})();
"""


def _options(pairs: list[tuple[str, str]], all_label: str) -> str:
    opts = [f'<option value="">{_e(all_label)}</option>']
    opts += [f'<option value="{_e(v)}">{_e(label)}</option>' for v, label in pairs]
    return "".join(opts)


def _row_html(t: TariffTable, r: TariffRow) -> str:
    badges = [(f'<span class="badge{" light" if r.light_help else ""}">trede {r.level} · '
               f'{_e(r.level_name)}</span>'),
              (f'<span class="badge">perceel {r.perceel}</span>' if r.perceel is not None
               else '<span class="badge">geen perceel</span>')]
    fits = []
    for q in r.care_questions:
        tag = '<span class="adv-tag">advies</span>' if q.advised else ""
        fits.append(f'<li class="{"adv" if q.advised else ""}" title="{_e(q.table_name)}, rij {q.row}">'
                    f'{_e(q.text).replace("/", "/<wbr>")}{tag}</li>')
    fits_html = (f'<ul class="fits">{"".join(fits)}</ul>' if fits
                 else f'<div class="small">{_missing("niet in de toewijzingstabellen")}</div>')

    def listed(values: list[str]) -> str:
        return _e("; ".join(values)) if values else _missing()

    sat = (f"{_e(nl_number(r.satisfaction))} <span class='small'>(schaal 1-10)</span>"
           if r.satisfaction is not None else _missing())
    detail_rows = [
        ("Doelgroepen", listed(r.target_groups)),
        ("Aanbieders", listed(r.provider_types)),
        ("Methodieken", listed(r.methods)),
        ("Cliënttevredenheid", sat),
        ("Productcategorie", _e(f"{r.category} {r.category_name or ''}".strip())),
        ("Tarief geldig", _e(_validity(r)) or _missing("geen tarief op de peildatum")),
        ("Directe uren per eenheid", _e(nl_number(r.hours_per_unit)) if r.hours_per_unit is not None
         else _missing("niet te geven")),
        ("Eenheden per 3 maanden", _e(nl_number(r.units_3m)) if r.units_3m is not None
         else _missing("niet te geven")),
    ]
    if r.description:
        detail_rows.insert(0, ("Omschrijving", _e(r.description)))
    if r.tariff_note:
        detail_rows.append(("Toelichting tarief", _e(r.tariff_note)))
    dl = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in detail_rows)
    reason = f'<div class="reason">Niet te geven: {_e(r.reason)}</div>' if r.reason else ""
    missing_names = [OPTIONAL_DATA[m] for m in r.missing]
    missing_note = (f'<div class="small">Niet vastgelegd: {_e(", ".join(missing_names))}</div>'
                    if missing_names else "")
    main = (f'<td class="main" data-label="Code"><span class="code">{_e(r.code)}</span> '
            f'<span class="name">{_e(r.name)}</span><div>{"".join(badges)}</div>'
            f'<div class="small">Past bij de zorgvraag:</div>{fits_html}{reason}'
            f'<details><summary>Meer over deze code</summary><dl>{dl}</dl>{missing_note}</details></td>')
    unit = f'{_e(r.unit)} {_e(r.unit_name)}'
    cells = [
        main,
        f'<td data-label="Eenheid"><div>{unit}</div></td>',
        f'<td class="num" data-label="Tarief per eenheid"><div class="nw">{_e(nl_money(r.tariff)) or _missing("geen")}</div></td>',
        f'<td data-label="Norm"><div>{_e(r.norm_text) if r.norm_text else _missing("geen norm")}</div></td>',
        (f'<td class="num" data-label="Tarief per 3 maanden"><div class="big nw">'
         f'{_e(nl_money(r.tariff_3m)) or _missing("niet te geven")}</div></td>'),
        (f'<td class="num" data-label="Directe uren per 3 maanden"><div class="big nw">'
         f'{_e(_hours(r.hours_3m)) or _missing("niet te geven")}</div></td>'),
        (f'<td class="num" data-label="Wachttijd"><div class="nw">'
         f'{_e(_weeks(r)) or _missing()}</div></td>'),
    ]
    if t.compare:
        if r.change is not None:
            cls = "up" if r.change > 0 else "down" if r.change < 0 else ""
            ch = (f'<div><span class="{cls} nw">{_e(_signed_money(r.change))} ({_e(_pct(r.change_pct))})</span>'
                  f'<div class="small">was {_e(nl_money(r.compare_tariff))} per eenheid; '
                  f'per 3 maanden {_e(_signed_money(r.change_3m))}</div></div>')
        else:
            ch = f'<div>{_missing(r.compare_reason or "niet te geven")}</div>'
        cells.append(f'<td class="num" data-label="Indexatie sinds {_e(t.compare.isoformat())}">{ch}</td>')
    search = " ".join([r.code, r.name, *r.target_groups, *r.methods, *_care(r)]).lower()
    data = {
        "level": str(r.level), "perceel": str(r.perceel) if r.perceel is not None else "geen",
        "domains": " ".join(r.domains), "search": search, "code": r.code,
        "t3m": str(r.tariff_3m) if r.tariff_3m is not None else "",
        "h3m": str(r.hours_3m) if r.hours_3m is not None else "",
        "wait": str(r.waiting_weeks) if r.waiting_weeks is not None else "",
        "tariff": str(r.tariff) if r.tariff is not None else "",
        "change": str(r.change_pct) if r.change_pct is not None else "",
    }
    attrs = " ".join(f'data-{k}="{_e(v)}"' for k, v in data.items())
    return f'<tr id="code-{_e(r.code)}" {attrs}>{"".join(cells)}</tr>'


def render_html(t: TariffTable) -> str:
    levels = [(str(k), f"{k} – {v}") for k, v in t.levels.items()]
    percelen = [("1", "1 – complexe hulp"), ("2", "2 – enkelvoudige hulp"),
                ("geen", "geen – sociale basis")]
    domains = [(k, v) for k, v in t.domains.items()]
    heads = [
        ('Code en zorgvraag', "code", ""),
        ("Eenheid", None, ""),
        ("Tarief per eenheid", "tariff", "num"),
        ("Norm", None, ""),
        ("Tarief per 3 maanden", "t3m", "num"),
        ("Directe uren per 3 maanden", "h3m", "num"),
        ("Wachttijd", "wait", "num"),
    ]
    if t.compare:
        heads.append((f"Indexatie sinds {t.compare.isoformat()}", "change", "num"))
    th = "".join(
        f'<th class="{cls}"' + (f' data-sort="{key}"' if key else "") + f' scope="col">{_e(h)}</th>'
        for h, key, cls in heads)
    note = (f'<p class="note" role="note"><strong>Let op:</strong> {_e(ILLUSTRATIVE)}</p>'
            if t.illustrative_tariffs else "")
    compare = f", vergeleken met {t.compare.isoformat()}" if t.compare else ""
    rows = "\n".join(_row_html(t, r) for r in t.rows)
    return f"""<!DOCTYPE html>
<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(_title(t))}</title>
<style>{CSS}</style>
</head>
<body>
<header>
<h1>Zorgcodes en tarieven per 3 maanden</h1>
<p class="sub">{_e(t.region_name)} · peildatum {_e(t.as_of.isoformat())}{_e(compare)} · {len(t.rows)} codes</p>
{note}
<p class="explain">{_e(EXPLAIN_3M)} Welke code past bij welke zorgvraag volgt uit de toewijzingstabellen van de regio; „advies” is de code die de tabel adviseert.</p>
</header>
<main>
<form class="filters" onsubmit="return false" aria-label="Filters">
<label>Trede<select id="f-level">{_options(levels, "alle treden")}</select></label>
<label>Perceel<select id="f-perceel">{_options(percelen, "alle percelen")}</select></label>
<label>Leefgebied van de zorgvraag<select id="f-domain">{_options(domains, "alle leefgebieden")}</select></label>
<label>Zoeken<input id="f-search" type="search" placeholder="code, naam, methodiek"></label>
<button type="button" id="f-reset">Wis filters</button>
</form>
<p id="count" aria-live="polite">{len(t.rows)} codes</p>
<table>
<thead><tr>{th}</tr></thead>
<tbody>
{rows}
</tbody>
</table>
</main>
<footer>Gemaakt met zorgregels uit de regels met hash {_e(t.rules_hash[:12])}. Eenheden volgens iJw (WJ756); 3 maanden = 13 weken = 91 dagen; bedragen half-up afgerond op centen. Een lege of cursieve waarde is niet vastgelegd in de catalogus.</footer>
<script>{JS}</script>
</body>
</html>
"""


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
