"""What changed in the rules (``rule_changes`` of diff.json, the top of diff.html): a proposal in a
copy of rules/ gives exactly its own changes, with the tariffs right per unit and per 3 months."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from diff_proposal import REGION, ROOT, YEAR, make_proposal
from hypothesis import given, settings
from hypothesis import strategies as st

from zorgregels import Engine
from zorgregels.catalogue.catalogue import Catalogue
from zorgregels.catalogue.loader import load_catalogue
from zorgregels.catalogue.model import Tariff
from zorgregels.cli import main
from zorgregels.jobs.diff import DiffReport, diff
from zorgregels.jobs.diff.page import render_html
from zorgregels.jobs.diff.rules_change import SECTIONS, rule_changes

#: 45B01 is hours (unit 04) at a norm of 1.5 hours a week: 13 weeks in 3 months, 19.5 hours
HOURS_3M_45B01 = Decimal("19.5")
ROW_KEYS = {"change", "fields", "old", "new"}


@pytest.fixture(scope="module")
def proposal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_proposal(tmp_path_factory.mktemp("proposal") / "rules")


@pytest.fixture(scope="module")
def old_catalogue() -> Catalogue:
    return load_catalogue(ROOT / "rules")


@pytest.fixture(scope="module")
def report(proposal: Path) -> DiffReport:
    return diff(Engine.from_path(ROOT / "rules"), Engine.from_path(proposal), YEAR)


@pytest.fixture(scope="module")
def unchanged() -> DiffReport:
    engine = Engine.from_path(ROOT / "rules")
    return diff(engine, engine, YEAR)


def _page(report: DiffReport) -> str:
    return render_html(report.summary, report.changed, report.municipality_names)


def test_the_proposal_gives_exactly_its_six_changes(report: DiffReport) -> None:
    rc = report.summary["rule_changes"]
    assert rc["total"] == 6
    assert [(c["code"], c["change"]) for c in rc["codes"]] == [("31A02", "removed"), ("31A03", "added")]
    assert rc["codes"][0]["old"]["name"] == "Oudercursus in de wijk" and rc["codes"][0]["new"] is None
    assert rc["codes"][1]["new"]["norm"] == "1 uur per week" and rc["codes"][1]["old"] is None

    [tariff] = rc["tariffs"]
    assert tariff == {
        "code": "45B01", "name": "Kortdurende ambulante begeleiding (CJG-coach)", "unit": "04",
        "unit_name": "uur", "valid_from": "2025-01-01", "valid_to": "2025-12-31",
        "old": "81.46", "new": "90.00", "change": "8.54", "change_pct": "10.48",
        # 19.5 hours x 81.46 = 1588.47; x 90.00 = 1755.00
        "old_3m": "1588.47", "new_3m": "1755.00", "change_3m": "166.53"}

    [table] = rc["tables"]
    assert (table["table"], table["change"], table["fields"]) == ("code_choice", "changed", [])
    [row] = table["rows"]
    assert row["change"] == "changed" and row["fields"] == ["outputs"]
    assert row["old"]["row"] == row["new"]["row"] == 1
    assert row["old"]["condition"] == row["new"]["condition"] == "trede 0"
    assert "31A02" in row["old"]["outputs"] and "31A03" in row["new"]["outputs"]

    rules = {r["id"]: r for r in rc["rules"]}
    assert set(rules) == {"perceel_fit.single_issue_in_perceel_1", "tariff.volume_far_above_norm"}
    sev = rules["perceel_fit.single_issue_in_perceel_1"]
    assert (sev["change"], sev["fields"]) == ("changed", ["severity"])
    assert (sev["old"]["severity"], sev["new"]["severity"]) == ("warning", "error")
    assert sev["check_title"] == "Past het perceel bij de vraag"
    added = rules["tariff.volume_far_above_norm"]
    assert added["change"] == "added" and added["old"] is None
    assert added["new"]["condition"] == "omvang in % van de norm meer dan 200, uitkomst niet rejected"
    assert rc["grounds"] == [] and rc["budget_ceilings"] == []


def test_the_page_starts_with_the_rule_changes_in_dutch(report: DiffReport) -> None:
    html = _page(report)
    rules_at, effects_at = html.index('id="rules"'), html.index("Wat doet dat met de besluiten")
    assert rules_at < effects_at
    top = html[rules_at:effects_at]
    assert "6 wijzigingen: 1 code erbij, 1 code vervallen, 1 tarief gewijzigd, 1 tabelrij, 2 regels." in top
    assert "Geen wijzigingen in de regels" not in html
    # old -> new per unit and per 3 months, the Dutch way
    assert "<del>€ 81,46</del> → <ins>€ 90,00</ins>" in top
    assert "<del>€ 1.588,47</del> → <ins>€ 1.755,00</ins>" in top
    assert "+€ 8,54 (+10,48%)" in top and "+€ 166,53" in top
    assert "1 januari 2025 t/m 31 december 2025" in top
    assert "<del>waarschuwing</del> → <ins>fout</ins>" in top
    assert "tariff.<wbr>volume_far_above_norm" in top and "Tarief en omvang" in top
    assert "31A02" in top and "31A03" in top and "Opvoedspreekuur op school" in top
    # effects: municipalities by name with the CBS code in a tooltip, verdicts in Dutch
    assert '<span title="CBS-code GM0392">Haarlem</span>' in html
    assert "in orde → fout" in html
    assert ">GM0392<" not in html and "ok->error" not in html
    assert not re.search(r"\d\.\d\d(?!\d)", re.sub(r"<[^>]+>|[0-9a-f]{12}", "", html.split("<body", 1)[1]))


def test_no_change_gives_an_empty_section_that_says_so(unchanged: DiffReport) -> None:
    rc = unchanged.summary["rule_changes"]
    assert rc == {**{k: [] for k in SECTIONS}, "total": 0}
    html = _page(unchanged)
    section = html[html.index('id="rules"'):html.index("Wat doet dat met de besluiten")]
    assert "Geen wijzigingen in de regels." in section and "<table" not in section


def test_diff_json_adds_rule_changes_and_keeps_every_key(report: DiffReport, proposal: Path,
                                                        tmp_path: Path) -> None:
    out = tmp_path / "o"
    assert main([
        "diff", str(proposal), "--decisions", str(YEAR), "--out", str(out)]) == 0  # old: rules/
    summary = json.loads((out / "diff.json").read_text(encoding="utf-8"))
    for key in ("rows_in", "rows_reported", "rules_old", "rules_new", "receipts", "decisions_changed",
                "verdict_changed", "verdicts_old", "verdicts_new", "verdict_transitions",
                "findings_appeared", "findings_disappeared", "per_check", "per_municipality",
                "cost_3m_old", "cost_3m_new", "cost_3m_delta"):
        assert key in summary
    assert summary["rule_changes"] == json.loads(json.dumps(report.summary["rule_changes"]))
    # the fixed shape: every record of every list has change, fields, old and new
    for section in SECTIONS:
        for item in summary["rule_changes"][section]:
            if section != "tariffs":
                assert ROW_KEYS <= set(item), (section, item)
    for row in summary["rule_changes"]["tables"][0]["rows"]:
        assert set(row) == ROW_KEYS


def test_reformatting_a_rule_file_is_no_change(tmp_path: Path, old_catalogue: Catalogue) -> None:
    """Read from the parsed catalogue, never the YAML text: comments, quotes and key order are no change."""
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    p = rules / REGION / "validation.yaml"
    text = p.read_text(encoding="utf-8")
    p.write_text("# herschreven\n" + text.replace("    check: perceel_fit\n    severity: warning\n",
                                                  "    severity: 'warning'  # zelfde\n    check: perceel_fit\n"),
                 encoding="utf-8")
    assert p.read_text(encoding="utf-8") != text
    assert rule_changes(old_catalogue, load_catalogue(rules))["total"] == 0


def _with_tariffs(cat: Catalogue, code: str, tariffs: list[Tariff]) -> Catalogue:
    codes = dict(cat.codes)
    codes[code] = codes[code].model_copy(update={"tariffs": tariffs})
    return dataclasses.replace(cat, codes=codes)


cents = st.integers(min_value=1, max_value=50_000_00).map(lambda c: Decimal(c) / 100)


@settings(max_examples=40, deadline=None)
@given(new=cents, split=st.integers(min_value=1, max_value=364))
def test_a_tariff_change_inside_a_period_is_that_stretch_old_to_new(
        old_catalogue: Catalogue, new: Decimal, split: int) -> None:
    """The 2025 tariff of 45B01 changed from a day in the year: one stretch, from that day to the
    end of the year, at new - old per unit and 19.5 x the tariff per 3 months."""
    code = old_catalogue.codes["45B01"]
    t2025 = next(t for t in code.tariffs if t.valid_from == dt.date(2025, 1, 1))
    day = dt.date(2025, 1, 1) + dt.timedelta(days=split)
    tariffs = [t for t in code.tariffs if t is not t2025] + [
        t2025.model_copy(update={"valid_to": day - dt.timedelta(days=1)}),
        Tariff(valid_from=day, valid_to=t2025.valid_to, amount=new)]
    changes = rule_changes(old_catalogue, _with_tariffs(old_catalogue, "45B01", tariffs))
    if new == t2025.amount:
        assert changes["total"] == 0
        return
    [t] = changes["tariffs"]
    assert (t["valid_from"], t["valid_to"]) == (day.isoformat(), "2025-12-31")
    old_3m = (t2025.amount * HOURS_3M_45B01).quantize(Decimal("0.01"))
    new_3m = (new * HOURS_3M_45B01).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
    assert Decimal(t["change"]) == new - t2025.amount
    assert (Decimal(t["old_3m"]), Decimal(t["new_3m"])) == (old_3m, new_3m)
    assert Decimal(t["change_3m"]) == new_3m - old_3m


def _mirror(item: dict[str, Any]) -> dict[str, Any]:
    flip = {"added": "removed", "removed": "added", "changed": "changed"}
    out = {**item, "change": flip[item["change"]], "old": item["new"], "new": item["old"]}
    if "rows" in item:
        out["rows"] = sorted((_mirror(r) for r in item["rows"]), key=lambda r: (r["new"] or r["old"])["row"])
    return out


def test_the_change_back_is_the_mirror_image(old_catalogue: Catalogue, proposal: Path) -> None:
    new = load_catalogue(proposal)
    there, back = rule_changes(old_catalogue, new), rule_changes(new, old_catalogue)
    assert back["total"] == there["total"]
    for section in ("codes", "rules", "tables"):
        assert back[section] == [_mirror(i) for i in there[section]], section
    [t] = back["tariffs"]
    assert (t["old"], t["new"], t["change"], t["change_3m"]) == ("90.00", "81.46", "-8.54", "-166.53")
