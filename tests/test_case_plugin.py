"""The YAML rule cases are real tests: a wrong expectation fails with the differences."""

from __future__ import annotations

from pathlib import Path

import pytest

from zorgregels.jobs.cases import CaseRunner, compare, load_cases

ROOT = Path(__file__).resolve().parent.parent
pytest_plugins = ["pytester"]


def test_a_wrong_expectation_fails_with_a_clear_difference(tmp_path: Path):
    case_file = tmp_path / "c.yaml"
    case_file.write_text(
        "as_of: 2025-03-01\ninput: {domains: [gedrag], severity: matig}\n"
        "expect: {code: 45B11, level: 2, fired: [tariff.differs]}\n", encoding="utf-8")
    case = load_cases(case_file)[0]
    decision, diffs = CaseRunner(ROOT / "rules").run(case)
    assert decision.code == "45B10"
    assert any(d.startswith("code: verwacht '45B11'") for d in diffs)
    assert any("ontbrekend ['tariff.differs']" in d for d in diffs)
    assert not any(d.startswith("level") for d in diffs)


def test_unknown_expectation_keys_are_rejected(tmp_path: Path):
    from zorgregels import InputError

    case_file = tmp_path / "c.yaml"
    case_file.write_text("input: {}\nexpect: {advice: 45B10}\n", encoding="utf-8")
    with pytest.raises(InputError, match="advice"):
        load_cases(case_file)


def test_plugin_collects_and_fails_cases(pytester: pytest.Pytester):
    cases = pytester.mkdir("cases")
    (cases / "x.yaml").write_text(
        "cases:\n"
        "  - name: goed\n    as_of: 2025-03-01\n    input: {domains: [gedrag], severity: matig}\n"
        "    expect: {code: 45B10}\n"
        "  - name: fout\n    as_of: 2025-03-01\n    input: {domains: [gedrag], severity: matig}\n"
        "    expect: {code: 45B12}\n", encoding="utf-8")
    import shutil

    shutil.copytree(ROOT / "rules", pytester.path / "rules")
    result = pytester.runpytest("cases", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*code: verwacht '45B12', kreeg '45B10'*"])


def test_compare_is_silent_on_a_match(engine):
    case = load_cases(ROOT / "fixtures" / "cases" / "example_case.yaml")[0]
    assert compare(case, engine.evaluate(case.input, as_of=case.as_of)) == []
