"""The page shell, the one bar chart and the Dutch formatter every page uses."""

from __future__ import annotations

import datetime as dt
import fnmatch
import html
import os
import re
import shutil
import subprocess
import tempfile
import tomllib
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jinja2 import UndefinedError

from zorgregels import Engine, audit_rejections
from zorgregels.core import nl
from zorgregels.core.nl import date_or_text as iso_or_text
from zorgregels.jobs.audit.page import render as render_audit
from zorgregels.jobs.diff import diff
from zorgregels.jobs.overview import render_html as render_tariffs
from zorgregels.render.charts import MIN_WIDTH, Bar, BarChart, Series, counts_chart
from zorgregels.render.pages import ENVIRONMENT, breakable, render_page

TEMPLATES = Path(__file__).resolve().parents[1] / "src" / "zorgregels" / "render" / "templates"
PAGES = ("report.html.j2", "diff.html.j2", "audit.html.j2", "tariffs.html.j2")

# ---------------------------------------------------------------- the chart


def _series(n: int) -> tuple[Series, ...]:
    return tuple(Series(key=f"s{i}", label=f"reeks {i}", colour="#123456") for i in range(n))


charts = st.integers(min_value=1, max_value=4).flatmap(lambda n: st.builds(
    BarChart,
    title=st.just("t"),
    series=st.just(_series(n)),
    bars=st.lists(st.builds(Bar, label=st.text(min_size=1, max_size=60),
                            values=st.tuples(*[st.integers(min_value=0, max_value=10_000)] * n)),
                  max_size=12).map(tuple),
    share=st.booleans()))


@given(charts)
def test_bars_fit_their_track_and_keep_their_proportions(chart: BarChart) -> None:
    drawn = chart.layout()
    assert len(drawn) == len(chart.bars)
    longest = max((b.total for b in chart.bars), default=0)
    for bar, d in zip(chart.bars, drawn):
        assert [s.value for s in d.segments] == [v for v in bar.values if v > 0]
        widths = [float(s.width) for s in d.segments]
        assert all(w >= MIN_WIDTH for w in widths)
        xs = [float(s.x) for s in d.segments]
        assert xs == sorted(xs) and (not xs or xs[0] == 0)
        # only the slivers widened to be visible may push a bar past the track
        slack = MIN_WIDTH * len(widths) + 0.01 * len(widths)
        if chart.share and bar.total:
            assert abs(sum(widths) - 100) <= slack
        elif bar.total:
            assert abs(sum(widths) - 100 * bar.total / longest) <= slack
        assert d.right == (bar.note or str(bar.total))


def test_a_bar_must_have_one_value_per_series() -> None:
    with pytest.raises(ValueError, match="2 values for 3 series"):
        BarChart("t", _series(3), (Bar("a", (1, 2)),))


def _chart_html(chart: BarChart) -> str:
    return ENVIRONMENT.from_string(
        '{% from "chart.html.j2" import bar_chart %}{{ bar_chart(chart) }}').render(chart=chart)


def test_the_chart_escapes_its_labels_and_draws_inline_svg() -> None:
    html = _chart_html(counts_chart("<b>titel</b>", [("<script>x</script>", 3), ("b", 1)], "#2b6cb0"))
    assert "<script>x" not in html and "&lt;script&gt;x&lt;/script&gt;" in html
    assert "&lt;b&gt;titel" in html
    assert html.count('<svg class="track"') == 2 and 'width="100.00%"' in html
    assert '<ul class="legend">' not in html  # one series needs no legend


def test_a_composition_has_a_legend_and_counts_inside_wide_segments() -> None:
    chart = BarChart("verdeling", _series(2), (Bar("groep", (97, 3), "97% reeks 0"),), share=True)
    html = _chart_html(chart)
    assert '<ul class="legend">' in html and "reeks 1" in html
    assert ">97</text>" in html and ">3</text>" not in html  # 3% is too narrow for a digit
    assert "97% reeks 0" in html and "<title>groep: reeks 1 3</title>" in html


def test_an_empty_chart_says_so() -> None:
    assert "Geen bevindingen." in _chart_html(counts_chart("leeg", [], "#000"))


# ---------------------------------------------------------------- the shell


def test_every_page_extends_the_one_shell_and_no_page_has_its_own_style() -> None:
    shell = (TEMPLATES / "base.html.j2").read_text(encoding="utf-8")
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in shell
    for name in PAGES:
        text = (TEMPLATES / name).read_text(encoding="utf-8")
        assert text.startswith('{% extends "base.html.j2" %}'), name
        assert "<style" not in text and "<html" not in text and "<svg" not in text, name
        if "Oordeel" in text or "charts" in text:
            assert '{% from "chart.html.j2" import bar_chart %}' in text, name


def test_an_undefined_name_is_an_error_not_an_empty_cell() -> None:
    with pytest.raises(UndefinedError):
        render_page("base.html.j2")


def test_breakable_escapes_before_it_breaks() -> None:
    assert breakable("a_<b>") == "a_<wbr>&lt;b&gt;"
    assert breakable("x/y", "/") == "x/<wbr>y"


def test_dates_are_dutch_and_other_text_passes() -> None:
    assert iso_or_text("2025-03-01") == "1 maart 2025"
    assert iso_or_text(dt.date(2025, 3, 1), "short") == "1-3-2025"
    assert iso_or_text("decision_date van elk besluit") == "decision_date van elk besluit"


# ---------------------------------------------------------------- the formatter


@given(st.decimals(min_value=-10**9, max_value=10**9, places=4, allow_nan=False))
def test_money_reads_back_as_the_amount_rounded_half_up(d: Decimal) -> None:
    text = nl.money(d)
    assert re.fullmatch(r"€ -?\d{1,3}(\.\d{3})*,\d\d", text), text
    back = Decimal(text[2:].replace(".", "").replace(",", "."))
    assert back == d.quantize(Decimal("0.01"), rounding="ROUND_HALF_UP") or (back == 0 and abs(d) < Decimal("0.005"))


@given(st.decimals(min_value=-10**6, max_value=10**6, places=2, allow_nan=False))
def test_a_signed_amount_says_which_way_it_went(d: Decimal) -> None:
    text = nl.money(d, signed=True)
    assert text.startswith("+€ " if d > 0 else "-€ " if d < 0 else "€ 0,00")
    assert nl.money(-d, signed=True).lstrip("+-") == text.lstrip("+-")


def test_the_four_ways_money_was_written_are_one() -> None:
    assert nl.money(Decimal("1885.52")) == "€ 1.885,52"
    assert nl.money(Decimal("16073221.46")) == "€ 16.073.221,46"
    assert nl.money_cents(188552) == "€ 1.885,52"
    assert nl.percent(Decimal("0.039"), 2, signed=True) == "+3,90%"
    assert nl.number(0.1) == "0,1" and nl.number(Decimal("-0.001"), 2) == "0,00"


def test_every_template_file_is_shipped_as_package_data() -> None:
    pyproject = tomllib.loads((TEMPLATES.parents[3] / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["zorgregels"]
    package = TEMPLATES.parents[1]
    for path in TEMPLATES.iterdir():
        relative = path.relative_to(package).as_posix()
        assert any(fnmatch.fnmatch(relative, p) for p in patterns), f"{relative} is not in package-data"


# ---------------------------------------------------------------- the pages in a real browser

CHROMIUM = "/usr/bin/chromium"
ROOT = TEMPLATES.parents[3]
needs_chromium = pytest.mark.skipif(
    not os.path.exists(CHROMIUM),
    reason=f"{CHROMIUM} not installed (apt-get install -y chromium): the pages are not checked in "
    "a real browser")
#: after the page's own scripts ran: the document's and the viewport's width, every element that
#: is wider than the viewport or reaches past its right edge (tag.class, the first five), and
#: the text of the page's "count" line
PROBE = """<script>setTimeout(function(){var d=document.documentElement,c=document.getElementById('count'),
w=window.innerWidth,wide=[];[].forEach.call(document.body.querySelectorAll('*'),function(e){
var r=e.getBoundingClientRect();if(r.width>w+0.5||r.right>w+0.5){var k=typeof e.className==='string'&&e.className?
'.'+e.className.trim().split(/\\s+/).join('.'):'';wide.push(e.tagName.toLowerCase()+k);}});
var p=document.createElement('pre');p.id='probe';p.textContent='client='+d.clientWidth+'|scroll='+d.scrollWidth
+'|inner='+w+'|wide='+wide.slice(0,5).join(',')+'|count='+(c?c.textContent:'');parent.postMessage(p.textContent,'*')},200)
</script></body>"""
#: headless Chromium lays a window out at least 500 px wide: the page is probed in a frame of
#: exactly the size asked for, which posts the probe to this page
FRAME = """<!DOCTYPE html><html><body style="margin:0"><iframe src="{src}" style="border:0;width:{w}px;height:{h}px">
</iframe><script>addEventListener('message',function(e){{var p=document.createElement('pre');p.id='probe';
p.textContent=e.data;document.body.appendChild(p);}});</script></body></html>"""


def _probe(page: Path, size: str, fragment: str = "") -> dict[str, str]:
    w, h = (int(x) for x in size.split(","))
    frame = page.with_name(f"probe-{page.stem}-{w}.html")
    frame.write_text(FRAME.format(src=page.name + fragment, w=w, h=h), encoding="utf-8")
    profile = tempfile.mkdtemp(prefix="zorgregels-chromium-")
    try:
        res = subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
             f"--window-size={max(w, 500) + 20},{h + 20}", "--virtual-time-budget=3000", "--dump-dom",
             frame.as_uri()],
            capture_output=True, text=True, timeout=90, check=False)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    m = re.search(r'<pre id="probe">(client=[^<]*)</pre>', res.stdout)
    assert m, res.stderr[-2000:]
    return dict(part.split("=", 1) for part in html.unescape(m.group(1)).split("|"))


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    engine = Engine.from_path(ROOT / "rules")
    decisions = ROOT / "fixtures" / "decisions" / "example_2025.csv"
    out = tmp_path_factory.mktemp("pages")
    engine.validate(decisions).write(out / "report")
    diff(engine, engine, decisions).write(out / "diff")
    audit = out / "audit.html"
    audit.write_text(render_audit(audit_rejections(engine, ROOT / "fixtures" / "audit" / "exact.csv")),
                     encoding="utf-8")
    tariffs = out / "tariffs.html"
    tariffs.write_text(render_tariffs(engine.tariff_table(dt.date(2025, 6, 1))), encoding="utf-8")
    found = {"report": out / "report" / "report.html", "diff": out / "diff" / "diff.html", "audit": audit,
             "tariffs": tariffs}
    for path in found.values():
        path.write_text(path.read_text(encoding="utf-8").replace("</body>", PROBE), encoding="utf-8")
    return found


#: every HTML page the project writes (the Algoritmeregister entry is Markdown and JSON)
PAGE_NAMES = ("report", "audit", "tariffs", "diff")


@needs_chromium
@pytest.mark.parametrize(("name", "size"), [(n, size) for n in PAGE_NAMES for size in ("390,844", "1400,1000")])
def test_no_page_scrolls_sideways_and_no_element_is_wider_than_the_screen(
        pages: dict[str, Path], name: str, size: str) -> None:
    """At 390 px (a phone) as at 1400: the page is never wider than the window, and no element
    is wider than the viewport or reaches past it; a wide table wraps or becomes cards instead of
    scrolling in a box of its own."""
    probe = _probe(pages[name], size)
    assert int(probe["scroll"]) <= int(probe["inner"]), probe
    assert int(probe["scroll"]) <= int(probe["client"]), probe
    assert probe["wide"] == "", probe


@needs_chromium
def test_the_page_scripts_still_filter_in_a_real_browser(pages: dict[str, Path]) -> None:
    count = _probe(pages["report"], "1400,1000")["count"]
    total = int(re.fullmatch(r"(\d+) van (\d+) getoond", count).group(2))  # type: ignore[union-attr]
    assert count == f"{total} van {total} getoond"
    errors = _probe(pages["report"], "390,844", "#ernst=error")["count"]
    shown = int(errors.split()[0])
    assert 0 < shown < total and errors.endswith(f"van {total} getoond")
    haarlem = _probe(pages["report"], "390,844", "#ernst=error&gemeente=GM0392")["count"]
    assert 0 < int(haarlem.split()[0]) < shown
    assert _probe(pages["audit"], "1400,1000")["count"] == "22 van 22 getoond"
    shared = _probe(pages["audit"], "1400,1000", "#verdict=transparent")["count"]
    shown = int(shared.split()[0])
    assert 0 < shown < 22 and shared.endswith("van 22 getoond")
