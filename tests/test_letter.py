"""The decision letter (zorgregels letter): the closed loop with the audit, plain language on
every letter of the example years, refusals, traceability, privacy, determinism."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zorgregels.catalogue.fields import FIELDS
from zorgregels.catalogue.loader import check_catalogue
from zorgregels.cli import main
from zorgregels.core.readability import MAX_AVERAGE_WORDS, MAX_SENTENCE_WORDS, measure, syllables
from zorgregels.jobs.letter import Letter, Refusal, render
from zorgregels.jobs.letter.words import COMPLEXITY_WORDS, letter_words
from zorgregels.jobs.validate.cross import CROSS_KINDS

ROOT = Path(__file__).resolve().parent.parent
AUDIT_YEAR = ROOT / "fixtures/audit/decisions_2025.csv"
EXAMPLE_YEAR = ROOT / "fixtures/decisions/example_2025.csv"


def _rows(path: Path) -> list[dict[str, str]]:
    return pl.read_csv(path, infer_schema_length=0).to_dicts()


@pytest.fixture(scope="module")
def audit_year(engine):
    return engine.letters(AUDIT_YEAR)


@pytest.fixture(scope="module")
def example_year(engine):
    return engine.letters(EXAMPLE_YEAR)


def _audit_with_letters(engine, audit_year):
    rows = {r["decision_id"]: r for r in _rows(AUDIT_YEAR)}
    rejections = [x for x in audit_year.letters if x.outcome == "rejected"]
    records = []
    for letter in rejections:
        record = dict(rows[letter.decision_id])
        record["motivation"] = letter.motivation
        record["objection_info"] = "true"  # the letter carries the objection information
        records.append(record)
    return rejections, engine.audit_rejections(records)


def test_closed_loop_every_rejection_letter_is_transparent(engine, audit_year) -> None:
    rejections, report = _audit_with_letters(engine, audit_year)
    assert len(rejections) > 200 and len(report.decisions) > 150
    not_transparent = {d.decision_id: d.reasons for d in report.decisions if d.verdict != "transparent"}
    assert not_transparent == {}
    assert all(d.reused_with == [] for d in report.decisions)  # boilerplate detection did not fire
    motivations = [x.motivation for x in rejections]
    assert len(set(motivations)) == len(motivations)  # no two cases share their motivation text


def test_motivation_holds_the_reasons_not_the_decision_statement(audit_year) -> None:
    x = next(x for x in audit_year.letters if x.outcome == "rejected")
    decided = next(s for s in x.sentences if s.template == "rejection.decided")
    assert decided.text in x.text and decided.text not in x.motivation
    for s in x.sentences:
        assert (s.text in x.motivation) == s.reason


def test_every_rejection_the_audit_would_fail_gets_no_letter(audit_year) -> None:
    expected = {r["decision_id"]: r["expected_verdict"] for r in _rows(AUDIT_YEAR)}
    refused = {x.decision_id for x in audit_year.refusals}
    for did, verdict in expected.items():
        if verdict in ("forbidden_ground", "not_testable"):
            assert did in refused, did
    forbidden = [x for x in audit_year.refusals if expected.get(x.decision_id) == "forbidden_ground"]
    assert forbidden and all(any("geen" in r and "grond" in r or "budget" in r.lower() for r in x.reasons)
                             for x in forbidden)


def test_rows_in_equal_letters_plus_refusals(audit_year, example_year) -> None:
    for batch, path in ((audit_year, AUDIT_YEAR), (example_year, EXAMPLE_YEAR)):
        assert batch.rows == len(_rows(path)) == len(batch.letters) + len(batch.refusals)


def test_example_year_rejections_without_ground_are_refused(example_year) -> None:
    rejected = [x for x in example_year.refusals if x.outcome == "rejected"]
    assert rejected and all(any(r == "Er is geen afwijzingsgrond vastgelegd." or r.startswith(
        ("onleesbare", "de code")) for r in x.reasons) for x in rejected), rejected
    assert not [x for x in example_year.letters if x.outcome == "rejected"]


def test_plain_language_on_every_letter(audit_year, example_year) -> None:
    letters = audit_year.letters + example_year.letters
    assert len(letters) > 3000
    for x in letters:
        r = x.readability
        assert r["average_sentence_words"] <= MAX_AVERAGE_WORDS, x.decision_id
        assert r["longest_sentence_words"] <= MAX_SENTENCE_WORDS, x.decision_id
        assert r == measure("\n".join(s.text for s in x.sentences)).as_dict()


def test_no_codes_ids_or_field_names_in_the_text(engine, audit_year, example_year) -> None:
    cat = engine.catalogue
    forbidden = set(cat.codes) | {g for g in cat.grounds if "_" in g} | {f for f in FIELDS if "_" in f}
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, sorted(forbidden, key=len, reverse=True))) + r")\b")
    for x in audit_year.letters + example_year.letters[:500]:
        assert pattern.search(x.text) is None, (x.decision_id, pattern.search(x.text))


def test_every_sentence_is_traced(audit_year) -> None:
    x = next(x for x in audit_year.letters if x.outcome == "rejected")
    assert x.text.count("\n") >= len(SECTIONS_HEADINGS)
    for s in x.sentences:
        assert s.template and s.file.endswith("letters.yaml") and s.line
        assert s.text in x.text
    grounds = [s for s in x.sentences if s.rule and s.rule.startswith("ground:")]
    assert grounds
    assert {"help_question", "problems", "needed_help", "network_assessment", "expertise"} <= {
        f for s in x.sentences for f in s.facts}


SECTIONS_HEADINGS = ("Waarom dit besluit", "Niet eens met dit besluit?", "Over deze tekst")


def test_grant_says_what_why_how_much_who(engine) -> None:
    row = next(r for r in _rows(EXAMPLE_YEAR) if r["decision_id"] == "B2025-0000002")
    x = engine.letter(row)
    assert isinstance(x, Letter)
    assert "Ambulante begeleiding individueel".lower() in x.text.lower()
    assert "45B10" not in x.text
    assert "per 3 maanden ongeveer" in x.text and "uur directe hulp" in x.text
    assert "vrijgevestigde jeugdhulpverlener" in x.text
    assert "binnen 6 weken" in x.text and "Awb art. 6:7" in x.citations
    assert "controleert de tekst" in x.text


def _rejection(**changes: str) -> dict[str, str]:
    row = next(r for r in _rows(AUDIT_YEAR) if r["expected_verdict"] == "transparent"
               and r["rejection_reason"] == "eigen_kracht")
    return {**row, **changes}


def test_forbidden_ground_and_missing_facts_give_no_letter(engine) -> None:
    assert isinstance(engine.letter(_rejection()), Letter)
    x = engine.letter(_rejection(rejection_reason="budget_op"))
    assert isinstance(x, Refusal) and any("budget" in r.lower() for r in x.reasons)
    y = engine.letter(_rejection(network_assessed="", network_assessment=""))
    assert isinstance(y, Refusal) and any("network_assessment" in r for r in y.reasons)
    z = engine.letter(_rejection(network_assessed="false"))
    assert isinstance(z, Refusal) and any("eigen kracht" in r for r in z.reasons)


def test_bsn_never_in_a_letter(engine, tmp_path: Path) -> None:
    row = _rejection(help_question="Vraag over kind met bsn 123456782.", bsn="123456782")
    x = engine.letter(row)
    assert isinstance(x, Letter)
    for fmt in ("text", "md", "html", "json"):
        assert "123456782" not in render(x, fmt)
    batch = engine.letters([row, {**row, "decision_id": "123456782"}])
    batch.write(tmp_path / "out")
    for f in (tmp_path / "out").iterdir():
        assert "123456782" not in f.read_text(encoding="utf-8") and "123456782" not in f.name


def test_deterministic_byte_for_byte(engine, tmp_path: Path) -> None:
    rows = _rows(AUDIT_YEAR)[:120]
    for i in (1, 2):
        engine.letters(rows).write(tmp_path / f"o{i}")
    names = sorted(p.name for p in (tmp_path / "o1").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "o2").iterdir())
    for n in names:
        assert (tmp_path / "o1" / n).read_bytes() == (tmp_path / "o2" / n).read_bytes()
    x = engine.letter(_rejection())
    assert render(x, "html") == render(engine.letter(_rejection()), "html")


def test_cli_single_batch_and_exit_codes(tmp_path: Path, capsys) -> None:
    case = tmp_path / "case.json"
    case.write_text(json.dumps(_rejection()), encoding="utf-8")
    assert main(["letter", str(case), "--rules", str(ROOT / "rules")]) == 0
    assert "Waarom dit besluit" in capsys.readouterr().out
    case.write_text(json.dumps(_rejection(rejection_reason="eerst_lichtere_hulp")), encoding="utf-8")
    assert main(["letter", str(case), "--rules", str(ROOT / "rules")]) == 1
    assert "Geen brief" in capsys.readouterr().err
    assert main(["letter", str(ROOT / "nope.yaml"), "--rules", str(ROOT / "rules")]) == 2
    assert main(["letter", str(AUDIT_YEAR), "--rules", str(ROOT / "rules")]) == 2  # a batch needs --out
    out = tmp_path / "brieven"
    assert main(["letter", str(AUDIT_YEAR), "--rules", str(ROOT / "rules"), "--out", str(out)]) == 1
    lines = (out / "letters.jsonl").read_text(encoding="utf-8").splitlines()
    first = json.loads(lines[0])
    assert list(first)[:5] == ["decision_id", "outcome", "motivation", "citations", "receipt"]
    assert (out / first["file"]).is_file()
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["rows_in"] == summary["letters"] + summary["refusals"] == 2403


def test_check_reports_bad_templates(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    f = rules / "zuid-kennemerland-ijmond" / "letters.yaml"
    f.write_text(f.read_text(encoding="utf-8") + """
    - id: bad.placeholder
      part: grant.fit
      text: "Hallo {client_id.__class__} en {bsn}."
    - id: bad.ground
      part: rejection.ground
      ground: bestaat_niet
      text: "Zie 45B01 en eigen_kracht."
""", encoding="utf-8")
    cat, diags = check_catalogue(rules)
    assert cat is None
    codes = {(d.code, d.rule) for d in diags}
    assert ("letters.unknown_placeholder", "bad.placeholder") in codes
    assert ("letters.unknown_ground", "bad.ground") in codes
    assert ("letters.code_in_text", "bad.ground") in codes
    assert ("letters.id_in_text", "bad.ground") in codes
    assert all(d.file == str(f) and d.line for d in diags if d.code.startswith("letters."))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["Wij", "helpen", "u", "graag", "met", "opvoeding", "art.", "2.3"]),
                min_size=1, max_size=30))
def test_readability_counts_words_of_any_text(ws: list[str]) -> None:
    text = " ".join(ws) + "."
    r = measure(text)
    assert r.words == len([w for w in ws])
    assert r.longest_sentence_words <= r.words
    assert r.syllables >= r.words


def test_syllables_by_vowel_groups() -> None:
    assert [syllables(w) for w in ("hulp", "bezwaar", "bijzonder", "jeugdhulpverlener")] == [1, 2, 3, 5]


def test_the_examples_in_docs_are_what_the_tool_writes(engine) -> None:
    doc = (ROOT / "docs/letters.md").read_text(encoding="utf-8")
    grant = next(r for r in _rows(EXAMPLE_YEAR) if r["decision_id"] == "B2025-0000002")
    rejection = next(r for r in _rows(AUDIT_YEAR) if r["decision_id"] == "ZKI-2025-00001")
    for row in (grant, rejection):
        letter = engine.letter(row)
        assert isinstance(letter, Letter)
        assert f"```markdown\n{render(letter, 'md')}```" in doc


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from([*"abc {}_.:", "{code_name}", "{bsn}", "{0}", "{__class__}"]),
                min_size=1, max_size=15).map("".join).filter(lambda t: t.strip(" .!?;:")))
def test_record_text_is_inserted_verbatim_never_as_a_template(engine, text: str) -> None:
    letter = engine.letter(_rejection(problems=text))
    assert isinstance(letter, Letter)
    sentence = next(s for s in letter.sentences if s.template == "rejection.steps.problems")
    shown = " ".join(text.split()).rstrip(" .!?;:")
    assert shown[1:] in sentence.text  # the first letter may be lower-cased after the colon


def test_a_grant_the_rules_find_wrong_gets_no_letter_but_the_reason(engine, example_year) -> None:
    """A grant is motivated from the rules that decided it: where the engine gives the decision an
    error finding, no letter says the help fits; the refusal names the check and the message."""
    report = engine.validate(EXAMPLE_YEAR)
    granted = report.decisions.filter(pl.col("outcome") == "granted").get_column("decision_id")
    # the checks across decisions (no stacking, ceilings) see the batch; one decision's letter does not
    one = report.findings.filter((pl.col("severity") == "error") & ~pl.col("rule").is_in(list(CROSS_KINDS))
                                 & pl.col("decision_id").is_in(granted.to_list()))
    wrong = set(one.get_column("decision_id").to_list())
    assert len(wrong) > 100
    written = {x.decision_id for x in example_year.letters}
    assert not wrong & written
    refused = {r.decision_id: r for r in example_year.refusals}
    assert wrong <= set(refused)
    reasons = " ".join(" ".join(refused[d].reasons) for d in sorted(wrong))
    assert "Past de code bij de vraag: " in reasons and "de regels geven hier een fout" in reasons


def test_the_letter_reads_complexity_from_the_region_table_never_from_a_count_of_domains(engine) -> None:
    """One domain with a safety concern is meervoudig by the complexity table: the letter says
    what the engine decided, not what counting the domains would say."""
    record = {"birth_date": "2012-05-01", "domains": ["gedrag"], "severity": "matig", "referrer_type": "02",
              "safety_concern": True, "decision_date": "2025-03-03"}
    decided = engine.evaluate(record).facts["complexity"]
    assert decided == "meervoudig"
    cat = engine.catalogue
    typed = {"domains": ["gedrag"]}
    assert letter_words(typed, {"complexity": decided}, cat)["complexity"] == COMPLEXITY_WORDS["meervoudig"]
    assert "complexity" not in letter_words({"domains": ["gedrag", "school"]}, {}, cat)
