"""A care question is judged on its advised code (issue 10, "advice carries its conditions"):
the text of ``evaluate``, its JSON, and a care question in a batch."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from zorgregels import Engine
from zorgregels.cli import main
from zorgregels.core.advice import depends_on, derive_advice, judges_advice, of_decision
from zorgregels.core.results import NEEDS_DECISION, NO_ADVICE

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules"
CASE = ROOT / "fixtures" / "cases" / "example_case.yaml"
AS_OF = dt.date(2025, 3, 1)
QUESTION = {"birth_date": "2012-05-01", "domains": ["gedrag"], "severity": "matig", "referrer_type": "02"}


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.from_path(RULES)


def _write(tmp_path: Path, text: str) -> Path:
    case = tmp_path / "case.yaml"
    case.write_text(text, encoding="utf-8")
    return case


def test_a_bare_care_question_says_what_its_advice_depends_on_not_the_rule_noise(capsys):
    assert main(["evaluate", str(CASE), "--rules", str(RULES), "--as-of", "2025-03-01"]) == 0
    out = capsys.readouterr().out
    assert "Niet te toetsen" not in out
    assert "tariff_3m" not in out and "code_fit" not in out
    lines = [line for line in out.splitlines() if line.startswith("Het advies hangt")]
    assert lines == ["Het advies hangt nog af van: current_perceel (niet opgegeven)"]
    # the explanation shows the advised code as the code the rules judged
    assert "getoetst als code van het advies: code_level=2, code_perceel=2" in out


def test_a_self_referral_is_a_finding_on_the_advice(tmp_path: Path, capsys):
    case = _write(tmp_path, "birth_date: 2012-05-01\ndomains: [gedrag]\nseverity: matig\n"
                            "referrer_type: '06'\ncurrent_perceel: 2\n")
    assert main(["evaluate", str(case), "--rules", str(RULES), "--as-of", "2025-03-01"]) == 1
    out = capsys.readouterr().out
    assert "Verwijzer (referrer.not_authorised)\n" in out
    assert ("Het advies (45B10): Verwijzer type 06 (zelfverwijzer / geen "
            "verwijzer) is geen route naar individuele jeugdhulp; code 45B10 is trede 2.") in out
    assert "Het advies hangt" not in out  # nothing left out that the advice's rules need


def test_a_decision_keeps_listing_the_rules_it_could_not_judge(tmp_path: Path, capsys):
    case = _write(tmp_path, "decision_date: 2025-03-03\nbirth_date: 2012-05-01\ndomains: [gedrag]\n"
                            "severity: matig\nreferrer_type: '02'\ncode: 45B10\noutcome: granted\n")
    main(["evaluate", str(case), "--rules", str(RULES)])
    out = capsys.readouterr().out
    assert "Niet te toetsen:" in out and "Het advies hangt" not in out
    assert "getoetst als code van het advies" not in out


def test_evaluate_json_keeps_every_rule_it_could_not_judge_with_a_reason(capsys):
    main(["evaluate", str(CASE), "--rules", str(RULES), "--as-of", "2025-03-01", "--json"])
    out = json.loads(capsys.readouterr().out)
    notes = {n["rule"]: n for n in out["not_evaluable"]}
    assert {"code_fit.too_heavy", "tariff.differs", "dates.decision_after_start",
            "perceel_direction.one_to_two"} <= notes.keys()
    assert notes["code_fit.too_heavy"]["reason"] == NEEDS_DECISION
    assert notes["tariff.differs"]["reason"] == NEEDS_DECISION
    assert notes["perceel_direction.one_to_two"]["reason"] == "het advies hangt nog af van: current_perceel"
    assert notes["perceel_direction.one_to_two"]["missing"] == ["current_perceel"]
    # the rules about the advice were judged: they are not listed
    assert not {"referrer.not_authorised", "explanatory_analysis.missing", "age.over_23"} & notes.keys()
    assert out["depends_on"] == ["current_perceel"]
    assert out["facts"]["on_advice"] is True and out["facts"]["code_level"] == 2
    assert "code" not in out["facts"]  # the advice is not a decided code


def test_the_advice_is_judged_only_without_a_decided_code(engine: Engine):
    cat = engine.catalogue
    # every attribute of the code (a fact that reads the code alone) comes from the advice
    assert derive_advice({"advised_code": "35A01"}, cat).items() >= {
        "code_level": 4, "code_perceel": 1, "code_unit": "14", "code_category": "35",
        "perceel": 1, "on_advice": True}.items()
    assert derive_advice({"advised_code": "35A01", "code": "45B10"}, cat) == {}
    assert "perceel" not in derive_advice({"advised_code": "35A01", "perceel": 2}, cat)  # given wins
    assert derive_advice({"level": 4}, cat) == {}  # nothing advised yet
    assert derive_advice({"advised_code": "35A01", "on_advice": True}, cat) == {}  # once


def test_which_missing_facts_the_advice_depends_on():
    assert of_decision("tariff") and of_decision("decision_term_days") and of_decision("code_tariff")
    assert not of_decision("current_perceel") and not of_decision("age")
    assert depends_on(["age"], {}) == ["birth_date"]
    assert depends_on(["current_perceel", "perceel"], {}) == []  # perceel: of the decision
    assert depends_on(["explanatory_analysis_date"], {}) == ["explanatory_analysis_date"]


def test_a_care_question_in_a_batch_gets_the_answer_of_evaluate(engine: Engine):
    records = [
        {"decision_id": "Q1", **QUESTION, "domains": "gedrag", "referrer_type": "06"},
        {"decision_id": "Q2", **QUESTION, "domains": "psychisch", "current_perceel": "1"},
        {"decision_id": "Q3", **QUESTION, "domains": "opvoeden", "severity": "ernstig",
         "out_of_home": "true"},
        {"decision_id": "Q4", **QUESTION, "domains": "gedrag"},
    ]
    report = engine.validate(records, as_of=AS_OF)
    got = sorted((f["decision_id"], f["rule"], f["message"])
                 for f in report.findings.iter_rows(named=True))
    want = []
    for rec in records:
        d = engine.evaluate({**rec, "domains": [rec["domains"]]}, as_of=AS_OF)
        want += [(rec["decision_id"], f.rule, f.message) for f in d.findings]
    assert got == sorted(want)
    assert [r for _, r, _ in sorted(want)] == ["referrer.not_authorised", "perceel_direction.one_to_two",
                                               "explanatory_analysis.missing"]
    assert all(m.startswith("Het advies (") for _, _, m in want)


def test_a_care_question_without_advice_names_what_the_tables_lacked_not_the_decision(engine: Engine):
    d = engine.evaluate({**QUESTION, "severity": None, "referrer_type": "06"}, as_of=AS_OF)
    assert d.outcome == "incomplete" and d.missing == ["severity"] and d.code is None
    notes = {n.rule: n.reason for n in d.not_evaluable}
    assert notes["referrer.not_authorised"] == NO_ADVICE  # judged once the tables advise
    assert notes["tariff.differs"] == NEEDS_DECISION
    assert "Niet te toetsen" not in d.explain()


def test_only_a_rule_that_reads_the_advised_code_speaks_of_the_advice(engine: Engine):
    rules = {r.id: r for r in engine.compiled.rules}
    assert judges_advice(rules["referrer.not_authorised"])  # code_level
    assert judges_advice(rules["perceel_direction.one_to_two"])  # perceel
    assert not judges_advice(rules["age.over_23"])  # the age is the care question's own
    d = engine.evaluate({**QUESTION, "birth_date": "2000-06-01", "extended_care": True,
                         "referrer_type": "06"}, as_of=AS_OF)
    messages = {f.rule: f.message for f in d.findings}
    assert messages["age.over_23"].startswith("De jeugdige is 24 jaar")
    assert messages["referrer.not_authorised"].startswith("Het advies (45B10): Verwijzer type 06")
