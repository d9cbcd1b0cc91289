"""diff.html of the example year with a proposal (a tariff, a table row and rules changed) in a real
headless Chromium: no horizontal scrolling at 390 px, and the search still filters.

Headless Chromium does not make a window narrower than 500 px (``--window-size=390,...`` gives an
``innerWidth`` of 500), so the page is loaded in an iframe of exactly the phone's width and its
probe reports to the outer page by ``postMessage`` (a file: page is its own origin)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from diff_proposal import ROOT, YEAR, make_proposal

from zorgregels import Engine
from zorgregels.jobs.diff import diff

CHROMIUM = "/usr/bin/chromium"
needs_chromium = pytest.mark.skipif(
    not os.path.exists(CHROMIUM),
    reason=f"{CHROMIUM} not installed (apt-get install -y chromium): the page is not checked in a real browser")
PROBE = """<script>setTimeout(function(){var d=document.documentElement,q=document.getElementById('q');
var wide=[].filter.call(document.querySelectorAll('body *'),function(e){return e.getBoundingClientRect().right>innerWidth+1})
.map(function(e){return e.tagName+'.'+e.className}).slice(0,5).join(',');
q.value='volume_far_above';q.dispatchEvent(new Event('input'));
var shown=[].filter.call(document.querySelectorAll('#changed tbody tr'),function(tr){return tr.style.display!=='none'}).length;
parent.postMessage('inner='+innerWidth+' scroll='+d.scrollWidth+' shown='+shown+' wide='+wide,'*')},200)</script></body>"""
FRAME = """<!DOCTYPE html><html><body style="margin:0"><iframe src="diff.html" style="border:0;width:{w}px;height:{h}px"></iframe>
<script>addEventListener('message',function(e){{var p=document.createElement('pre');p.id='probe';p.textContent=e.data;
document.body.appendChild(p)}})</script></body></html>"""


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("diffpage")
    proposal = make_proposal(tmp / "rules")
    diff(Engine.from_path(ROOT / "rules"), Engine.from_path(proposal), YEAR).write(tmp / "out")
    path = tmp / "out" / "diff.html"
    html = path.read_text(encoding="utf-8")
    assert "<del>€ 81,46</del>" in html  # the proposal's tariff change is on the page
    path.write_text(html.replace("</body>", PROBE), encoding="utf-8")
    return path


def _probe(page: Path, size: str) -> dict[str, str]:
    width, height = size.split(",")
    frame = page.with_name(f"frame-{width}.html")
    frame.write_text(FRAME.format(w=width, h=height), encoding="utf-8")
    profile = tempfile.mkdtemp(prefix="zorgregels-chromium-")
    try:
        res = subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
             "--window-size=1600,1200", "--virtual-time-budget=4000", "--dump-dom", frame.as_uri()],
            capture_output=True, text=True, timeout=90, check=False)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    m = re.search(r'<pre id="probe">inner=(\d+) scroll=(\d+) shown=(\d+) wide=([^<]*)</pre>', res.stdout)
    assert m, res.stderr[-2000:]
    return dict(zip(("inner", "scroll", "shown", "wide"), m.groups()))


@needs_chromium
@pytest.mark.parametrize("size", ["390,844", "1400,1000"])
def test_diff_page_does_not_scroll_sideways(page: Path, size: str) -> None:
    probe = _probe(page, size)
    assert int(probe["inner"]) == int(size.split(",")[0])
    assert int(probe["scroll"]) <= int(probe["inner"]), probe
    if size.startswith("390"):
        assert probe["wide"] == "", probe  # nothing sticks out, not even inside a scrolling box
    assert int(probe["shown"]) > 0  # the search finds the decisions of the new rule
