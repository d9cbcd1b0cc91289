"""The referrers' overview (``zorgregels tariffs``): figures, care questions, compare, formats."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import shutil
import struct
import subprocess
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest

from zorgregels import Engine, load_catalogue
from zorgregels.catalogue.conditions import Parser
from zorgregels.cli import main
from zorgregels.core.nl import number as nl_number
from zorgregels.core.tariffs import three_months
from zorgregels.jobs.overview.table import render_condition, tariff_table

ROOT = Path(__file__).resolve().parents[1]
RULES = ROOT / "rules"
AS_OF = dt.date(2025, 1, 1)
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue(RULES)


@pytest.fixture(scope="module")
def table(catalogue):
    return tariff_table(catalogue, AS_OF, dt.date(2024, 1, 1))


def copy_rules(tmp_path: Path) -> Path:
    dest = tmp_path / "rules"
    shutil.copytree(RULES, dest)
    return dest


# ---------------------------------------------------------------- figures


def test_every_code_has_a_tariff_and_hours_per_3_months_or_a_reason(catalogue, table):
    assert [r.code for r in table.rows] and len(table.rows) == len(catalogue.codes)
    for r in table.rows:
        assert (r.tariff_3m is not None and r.hours_3m is not None) or r.reason, r.code
        assert r.tariff_3m is not None, r.code  # every example code has a 3-month tariff
    without_hours = {r.code: r.reason for r in table.rows if r.hours_3m is None}
    assert set(without_hours) == {"50A01"}  # the budget in euro: hours do not follow from money
    assert "budget in euro" in without_hours["50A01"]


def test_figures_are_those_of_the_one_normalisation(catalogue, table):
    for r in table.rows:
        c = catalogue.codes[r.code]
        tm = three_months(c, catalogue.tariff_on(c.id, AS_OF).amount)
        assert r.tariff_3m == tm.tariff_3m
        assert r.tariff == catalogue.tariff_on(c.id, AS_OF).amount
    r = table.row("54B01")  # 60 minutes a week at € 2.06 per minute
    assert (r.unit, r.units_3m, r.hours_3m, r.tariff_3m) == ("01", 780, 13, Decimal("1606.80"))
    r = table.row("54B03")  # dyslexia: a quarter of a 12-month trajectory
    assert (r.units_3m, r.hours_3m, r.tariff_3m) == (Decimal("0.25"), 10, Decimal("948.09"))
    assert r.norm == {"duration_months": "12"} and r.norm_text == "1 traject van 12 maanden"
    assert (r.valid_from, r.valid_to) == (dt.date(2025, 1, 1), dt.date(2025, 12, 31))


def test_rows_carry_level_perceel_and_catalogue_data(table):
    r = table.row("45B10")
    assert (r.level, r.level_name, r.perceel) == (2, "enkelvoudige ambulante hulp", 2)
    assert r.provider_types == ["vrijgevestigde", "instelling"]
    assert r.waiting_weeks == 5 and r.satisfaction == Decimal("7.7")
    assert r.missing == ["methods"]
    assert table.row("34A01").missing == ["methods", "waiting_weeks", "satisfaction"]
    assert table.illustrative_tariffs is True
    assert [r.level for r in table.rows] == sorted(r.level for r in table.rows)


def test_a_date_without_tariffs_lists_every_code_with_the_reason(catalogue):
    t = tariff_table(catalogue, dt.date(2027, 6, 1))
    assert len(t.rows) == len(catalogue.codes)
    for r in t.rows:
        assert r.tariff is None and r.tariff_3m is None
        assert r.reason and r.reason.startswith("geen tarief geldig op 2027-06-01")
        assert r.hours_3m is not None or r.code == "50A01"  # hours do not depend on the tariff


# ---------------------------------------------------------------- compare


def test_compare_gives_the_indexation_per_code(table):
    r = table.row("45B10")
    assert (r.compare_tariff, r.tariff) == (Decimal("69.80"), Decimal("72.52"))
    assert r.change == Decimal("2.72") and r.change_pct == Decimal("3.90")
    assert r.change_3m == r.tariff_3m - r.compare_tariff_3m == Decimal("70.72")
    assert table.row("54B01").change_pct == Decimal("4.04")  # 1.98 -> 2.06: cents matter
    for r in table.rows:
        assert r.change == r.tariff - r.compare_tariff


def test_compare_date_without_a_tariff_is_stated(catalogue):
    t = tariff_table(catalogue, AS_OF, dt.date(2023, 1, 1))
    r = t.row("45B10")
    assert r.change is None and r.compare_reason == "geen tarief geldig op 2023-01-01"


def test_engine_delegates(table):
    t = Engine.from_path(RULES).tariff_table(AS_OF, dt.date(2024, 1, 1))
    assert t.records() == table.records()


# ---------------------------------------------------------------- care questions


def test_care_questions_are_read_from_the_allocation_tables(table):
    r = table.row("45B10")
    texts = {q.text: q.advised for q in r.care_questions}
    assert texts["trede 2, leefgebied gedrag/opvoeden/veiligheid"] is True
    assert texts["trede 2, leefgebied ouders"] is False
    assert all(q.table == "code_choice" for q in r.care_questions)
    assert table.row("54B03").domains == ["dyslexie"]
    crisis = table.row("46A01").care_questions
    assert [q.text for q in crisis] == ["trede 3, crisis"] and crisis[0].all_domains
    assert table.row("45A12").care_questions[0].text == "trede 3, geen crisis, zorgen over veiligheid"


def test_every_listed_code_is_allowed_by_the_engine_for_that_question(catalogue, table):
    """Walk each level-2 care question of the overview through the engine: the code is allowed."""
    engine = Engine.from_path(RULES)
    for r in table.rows:
        if r.level != 2:
            continue
        for q in r.care_questions:
            for domain in q.domains:
                d = engine.evaluate({"birth_date": "2012-05-01", "domains": [domain],
                                     "severity": "matig", "referrer_type": "02"}, as_of=AS_OF)
                assert d.level == 2 and r.code in d.codes, (r.code, q.text, domain)
                assert (d.code == r.code) == q.advised, (r.code, q.text, domain)


def test_changing_a_table_changes_the_overview(tmp_path):
    rules = copy_rules(tmp_path)
    tables = rules / "zuid-kennemerland-ijmond" / "tables.yaml"
    text = tables.read_text(encoding="utf-8")
    old = "then: {allowed_codes: [54B01, 54B02], advised_code: 54B01}"
    assert old in text
    tables.write_text(text.replace(old, "then: {allowed_codes: [54B01, 54B02, 45B02], advised_code: 54B01}"),
                      encoding="utf-8")
    t = tariff_table(load_catalogue(rules), AS_OF)
    assert "trede 2, leefgebied psychisch" in [q.text for q in t.row("45B02").care_questions]
    assert "psychisch" in t.row("45B02").domains


def test_a_code_without_a_norm_or_outside_the_tables_is_listed_with_reasons(tmp_path):
    rules = copy_rules(tmp_path)
    with (rules / "zuid-kennemerland-ijmond" / "codes.yaml").open("a", encoding="utf-8") as fh:
        fh.write("""  - id: 50A02
    name: Persoonsgebonden budget zonder norm
    category: "50"
    unit: "83"
    level: 3
    perceel: 1
    provider_types: [consortium]
    tariffs:
      - {valid_from: 2024-01-01, amount: 1.00}
""")
    t = tariff_table(load_catalogue(rules), AS_OF)
    r = t.row("50A02")
    assert r.tariff == Decimal("1.00") and r.valid_to is None
    assert r.tariff_3m is None and r.hours_3m is None and r.units_3m is None
    assert "budget in euro zonder maandbedrag of looptijd" in r.reason
    assert r.care_questions == [] and r.domains == []
    assert r.missing == ["target_groups", "methods", "waiting_weeks", "satisfaction"]


def test_render_condition_reads_aloud():
    p = Parser()
    assert render_condition(p.parse({"level": 2, "primary_domain": ["gedrag", "school"]})) == \
        "trede 2, leefgebied gedrag/school"
    assert render_condition(p.parse({"primary_domain": {"not_one_of": ["lvb", "dyslexie"]}})) == \
        "leefgebied niet lvb/dyslexie"
    assert render_condition(p.parse({"age": {"at_least": 12}, "crisis": False})) == \
        "leeftijd ten minste 12, geen crisis"
    assert render_condition(p.parse({"any": [{"out_of_home": True}, {"safety_concern": True}]})) == \
        "verblijf buiten huis of zorgen over veiligheid"
    assert render_condition(p.parse({"domains": {"contains": "school"}})) == "leefgebieden met school"
    assert render_condition(p.parse({"not": {"level": 1}})) == "trede niet 1"
    assert render_condition(p.parse({"complexity": {"present": False}})) == "vraag niet ingevuld"


def test_dutch_numbers():
    assert nl_number(Decimal("1885.52")) == "1.885,52"
    assert nl_number(Decimal("-1234567.5"), 2) == "-1.234.567,50"
    assert nl_number(Decimal("19.5")) == "19,5"


# ---------------------------------------------------------------- the command


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    rc = main(["tariffs", "--rules", str(RULES), *args])
    out, err = capsys.readouterr()
    return rc, out, err


def test_cli_json_contract(capsys, catalogue):
    rc, out, _ = run_cli(capsys, "--as-of", "2025-01-01", "--format", "json")
    assert rc == 0
    data = json.loads(out)
    assert isinstance(data, list) and len(data) == len(catalogue.codes)
    for obj in data:
        for key in ("code", "name", "level", "perceel", "unit", "tariff", "norm", "units_3m",
                    "tariff_3m", "hours_3m", "valid_from", "valid_to", "reason"):
            assert key in obj, key
        assert "compare_tariff" not in obj
    by = {o["code"]: o for o in data}
    assert by["45B10"]["tariff"] == "72.52" and by["45B10"]["tariff_3m"] == "1885.52"
    assert by["45B10"]["units_3m"] == "26" and by["45B10"]["hours_3m"] == "26"
    assert by["45B10"]["norm"] == {"per_week": "2"} and by["45B10"]["unit"] == "04"
    assert by["45B10"]["valid_from"] == "2025-01-01" and by["45B10"]["reason"] is None
    assert by["50A01"]["hours_3m"] is None and "budget in euro" in by["50A01"]["reason"]
    assert isinstance(by["45B10"]["level"], int) and by["31A01"]["perceel"] is None


def test_cli_json_with_compare(capsys):
    rc, out, _ = run_cli(capsys, "--as-of", "2025-01-01", "--compare", "2024-01-01", "--format", "json")
    by = {o["code"]: o for o in json.loads(out)}
    assert rc == 0 and by["45B10"]["change"] == "2.72" and by["45B10"]["change_pct"] == "3.90"


def test_cli_csv(capsys, catalogue):
    rc, out, _ = run_cli(capsys, "--as-of", "2025-01-01", "--compare", "2024-01-01", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rc == 0 and len(rows) == len(catalogue.codes)
    r = next(x for x in rows if x["code"] == "45B10")
    assert r["tariff_3m"] == "1885.52" and r["hours_3m"] == "26" and r["change_pct"] == "3.90"
    assert "trede 2, leefgebied gedrag/opvoeden/veiligheid (advies)" in r["care_questions"]
    assert r["provider_types"] == "vrijgevestigde; instelling"


def test_cli_markdown_and_text(capsys):
    rc, out, _ = run_cli(capsys, "--as-of", "2025-01-01", "--format", "md")
    assert rc == 0 and out.startswith("# Zorgcodes en tarieven per 3 maanden")
    assert "voorbeeldtarieven (illustratief)" in out
    assert "| 45B10 | Ambulante begeleiding individueel | 2 (enkelvoudige ambulante hulp) | 2 |" in out
    assert "€ 1.885,52" in out and "26 uur" in out
    table_lines = [line for line in out.splitlines() if line.startswith("| ") and "---" not in line]
    assert len({line.count(" | ") for line in table_lines}) == 1  # every row has all columns
    rc, out, _ = run_cli(capsys, "--as-of", "2025-01-01")
    assert rc == 0 and "LET OP" in out and re.search(r"45B10\s+Ambulante begeleiding individueel", out)
    assert "50A01: budget in euro" in out


def test_cli_out_file_and_bad_input(capsys, tmp_path):
    target = tmp_path / "overzicht.html"
    rc, out, err = run_cli(capsys, "--as-of", "2025-01-01", "--format", "html", "--out", str(target))
    assert rc == 0 and out == "" and "32 codes" in err and target.exists()
    assert run_cli(capsys, "--as-of", "2025-13-01")[0] == 2
    assert run_cli(capsys, "--as-of", "2025-01-01", "--format", "pdf")[0] == 2
    assert run_cli(capsys, "--as-of", "2025-01-01", "--out", str(tmp_path / "nope" / "x.md"))[0] == 2
    rc = main(["tariffs", "--rules", str(tmp_path / "missing"), "--as-of", "2025-01-01"])
    assert rc == 2


# ---------------------------------------------------------------- the HTML page


@pytest.fixture(scope="module")
def html_page(table):
    from zorgregels.jobs.overview.output import render_html

    return render_html(table)


def test_html_is_self_contained_dutch_and_marks_illustrative_tariffs(html_page, table):
    assert '<html lang="nl">' in html_page and 'name="viewport"' in html_page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html_page)  # no network
    assert "<link" not in html_page and "@import" not in html_page
    assert "voorbeeldtarieven (illustratief)" in html_page
    assert html_page.count("<tr id=\"code-") == len(table.rows)
    for fid in ("f-level", "f-perceel", "f-domain"):
        assert f'id="{fid}"' in html_page
    assert 'data-domains="dyslexie"' in html_page  # 54B03


def test_html_has_no_illustrative_banner_for_contract_tariffs(tmp_path):
    rules = copy_rules(tmp_path)
    region = rules / "zuid-kennemerland-ijmond" / "region.yaml"
    region.write_text(region.read_text(encoding="utf-8").replace("illustrative_tariffs: true",
                                                                 "illustrative_tariffs: false"),
                      encoding="utf-8")
    from zorgregels.jobs.overview.output import render_html

    page = render_html(tariff_table(load_catalogue(rules), AS_OF))
    assert "voorbeeldtarieven" not in page


def _chromium(*args: str, timeout: int = 90) -> subprocess.CompletedProcess[str]:
    profile = tempfile.mkdtemp(prefix="zorgregels-chromium-")
    try:
        return subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run",
             f"--user-data-dir={profile}", *args],
            capture_output=True, text=True, timeout=timeout, check=False)
    finally:
        shutil.rmtree(profile, ignore_errors=True)


needs_chromium = pytest.mark.skipif(
    not os.path.exists(CHROMIUM),
    reason=f"{CHROMIUM} not installed (apt-get install -y chromium): the HTML overview is not "
    "checked in a real browser")

PROBE = """<script>setTimeout(function(){var w=document.documentElement.clientWidth,
s=document.documentElement.scrollWidth,n=[].filter.call(document.querySelectorAll('tbody tr'),
function(r){return !r.hidden}).length,p=document.createElement('pre');p.id='probe';
p.textContent='client='+w+' scroll='+s+' visible='+n;document.body.appendChild(p)},200)</script></body>"""


@needs_chromium
@pytest.mark.parametrize("size", ["390,844", "1400,1000"])
def test_html_screenshot_in_a_real_browser(html_page, tmp_path, size):
    page = tmp_path / "overzicht.html"
    page.write_text(html_page, encoding="utf-8")
    png = tmp_path / "shot.png"
    res = _chromium(f"--screenshot={png}", f"--window-size={size}", page.as_uri())
    assert png.exists(), res.stderr[-2000:]
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == tuple(int(x) for x in size.split(","))
    assert len(data) > 30_000  # a blank or error page compresses to a few KB


@needs_chromium
@pytest.mark.parametrize("size", ["390,844", "1400,1000"])
def test_html_filters_work_and_nothing_overflows_in_a_real_browser(html_page, tmp_path, size):
    page = tmp_path / "probe.html"
    page.write_text(html_page.replace("</body>", PROBE), encoding="utf-8")

    def probe(fragment: str) -> dict[str, int]:
        res = _chromium(f"--window-size={size}", "--virtual-time-budget=3000", "--dump-dom",
                        page.as_uri() + fragment)
        m = re.search(r'<pre id="probe">client=(\d+) scroll=(\d+) visible=(\d+)</pre>', res.stdout)
        assert m, res.stderr[-2000:]
        return dict(zip(("client", "scroll", "visible"), map(int, m.groups())))

    everything = probe("")
    assert everything["visible"] == 32
    assert everything["scroll"] <= everything["client"]  # no sideways scrolling, also on a phone
    assert probe("#trede=2&leefgebied=psychisch")["visible"] == 2  # 54B01, 54B02
    assert probe("#perceel=geen")["visible"] == 3
    assert probe("#zoek=dyslexie")["visible"] >= 1
