"""The national law layer and a region that builds on it (issue "Right in law", domain.md §9)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from zorgregels.catalogue.citations import cite
from zorgregels.catalogue.loader import check_catalogue, load_catalogue

ROOT = Path(__file__).resolve().parents[1]
REGION = "zuid-kennemerland-ijmond"


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    dst = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", dst)
    return dst


VERORDENING = {"id": "verordening-zk", "kind": "policy", "cite": "Verordening jeugdhulp",
               "title": "Verordening jeugdhulp Zuid-Kennemerland en IJmond", "year": 2024}


def _add_rule(rules: Path, rule: dict[str, object], folder: str = REGION) -> Path:
    path = rules / folder / "extra.yaml"
    sources = [VERORDENING] if folder == REGION else []
    path.write_text(yaml.safe_dump({"rules": [rule], "sources": sources}, allow_unicode=True),
                    encoding="utf-8")
    return rules / REGION


def _codes(rules: Path) -> list[str]:
    cat, diags = check_catalogue(rules)
    assert cat is None
    return [d.code for d in diags if d.severity == "error"]


def test_the_region_folder_and_its_parent_load_the_same_catalogue():
    whole = load_catalogue(ROOT / "rules")
    region = load_catalogue(ROOT / "rules" / REGION)
    assert whole.bundle_hash == region.bundle_hash
    assert [r.id for r in whole.rules] == [r.id for r in region.rules]
    national = {r.id for r in region.rules if r.source.national}
    assert {"age.over_23", "wlz.indication", "dates.decision_term", "input.ijw_referrer_agb_and_name"} <= national
    assert "perceel_fit.complex_in_perceel_2" not in national
    assert all("national" in r.source.file for r in region.rules if r.source.national)


def test_the_law_layer_alone_is_not_a_catalogue():
    cat, diags = check_catalogue(ROOT / "rules" / "national")
    assert cat is None and "catalogue.no_region" in [d.code for d in diags]


def test_a_region_cannot_redefine_a_national_rule(rules: Path):
    national = yaml.safe_load((rules / "national" / "awb.yaml").read_text(encoding="utf-8"))
    rule = next(r for r in national["rules"] if r["id"] == "dates.decision_term")
    folder = _add_rule(rules, {**rule, "when": {"decision_term_days": {"greater_than": 90}}})
    assert _codes(folder) == ["layer.redefines_national"]


def test_a_region_tightens_a_national_rule_explicitly(rules: Path):
    folder = _add_rule(rules, {
        "id": "dates.decision_term_region", "tightens": "dates.decision_term", "check": "dates",
        "severity": "error", "message": "Het besluit kwam na 6 weken.",
        "basis": "Verordening jeugdhulp art. 5 (beslissen binnen 6 weken)",
        "when": {"decision_term_days": {"greater_than": 42}}})
    cat = load_catalogue(folder)
    rule = next(r for r in cat.rules if r.id == "dates.decision_term_region")
    assert rule.rule.tightens == "dates.decision_term" and not rule.source.national


@pytest.mark.parametrize(("change", "code"), [
    ({"tightens": "dates.no_such_rule"}, "layer.tightens_unknown"),
    ({"check": "input"}, "layer.tightens_other_check"),
    ({"severity": "info"}, "layer.tightens_weaker"),
    ({"basis": "Awb art. 4:13 en 4:14 (beslistermijn 8 weken, verdaging)"}, "layer.tightens_without_basis"),
])
def test_a_tightening_that_is_not_one_is_refused(rules: Path, change: dict[str, str], code: str):
    rule = {"id": "dates.decision_term_region", "tightens": "dates.decision_term", "check": "dates",
            "severity": "warning", "message": "Het besluit kwam na 6 weken.",
            "basis": "Verordening jeugdhulp art. 5", "when": {"decision_term_days": {"greater_than": 42}}}
    national = yaml.safe_load((rules / "national" / "awb.yaml").read_text(encoding="utf-8"))
    base = next(r for r in national["rules"] if r["id"] == "dates.decision_term")
    if "basis" in change:
        change = {"basis": base["basis"]}
    assert _codes(_add_rule(rules, {**rule, **change})) == [code]


def test_a_missing_law_layer_is_named(rules: Path):
    shutil.rmtree(rules / "national")
    assert "region.builds_on_missing" in _codes(rules / REGION)


RULE = {"id": "input.extra", "check": "input", "severity": "warning", "message": "Extra.",
        "when": {"age": {"greater_than": 30}}}


def test_a_basis_cites_a_source_by_id_and_reads_in_words(rules: Path):
    folder = _add_rule(rules, {**RULE, "basis": "verordening-zk art. 5 (beslistermijn); jeugdwet art. 1.2 lid 3"})
    cat = load_catalogue(folder)
    rule = next(r for r in cat.rules if r.id == "input.extra")
    assert rule.rule.basis == "Verordening jeugdhulp art. 5 (beslistermijn); Jeugdwet art. 1.2 lid 3"
    assert cat.citations["Jeugdwet art. 1.2 lid 3"].url == \
        "https://wetten.overheid.nl/jci1.3:c:BWBR0034925&artikel=1.2"
    bw = cite("bw1 art. 1:265b (machtiging uithuisplaatsing)", cat.bibliography)
    assert bw is not None and bw.words == "BW art. 1:265b (machtiging uithuisplaatsing)"
    assert bw.url == "https://wetten.overheid.nl/jci1.3:c:BWBR0002656&boek=1&artikel=265b"
    crvb = cite("CRvB 1 mei 2017, ECLI:NL:CRVB:2017:1477 (stap 4)", cat.bibliography)
    assert crvb is not None and crvb.source.id == "crvb-2017-1477" and crvb.note == "stap 4"
    assert crvb.url == "https://uitspraken.rechtspraak.nl/details?id=ECLI:NL:CRVB:2017:1477"
    assert cat.bibliography["verordening-zk"].year == 2024


@pytest.mark.parametrize("basis", ["Verordening 2019 art. 5", "002_0c4fcb230fbc3b29.txt §5.1", "b", ""])
def test_a_basis_that_names_no_known_source_is_refused(rules: Path, basis: str):
    codes = _codes(_add_rule(rules, {**RULE, "basis": basis}))
    assert codes == ["basis.empty" if not basis else "basis.unknown_source"]


def test_the_law_layer_cites_no_regional_policy(rules: Path):
    _add_rule(rules, {**RULE, "basis": "regiovisie-zk-ijmond §4.2"}, folder="national")
    assert _codes(rules / REGION) == ["basis.region_source_in_law"]
