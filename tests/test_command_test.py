"""``zorgregels test``: the YAML rule cases outside pytest, with a summary and an exit code."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from zorgregels.cli import main

ROOT = Path(__file__).resolve().parent.parent
RULES = str(ROOT / "rules")

GOOD = """name: gedrag matig
as_of: 2025-03-01
input: {birth_date: 2012-05-01, domains: [gedrag], severity: matig, referrer_type: "02"}
expect: {outcome: ok, code: 45B10, level: 2}
"""

MANY = """cases:
  - name: dyslexie gaat naar trede 2
    as_of: 2025-03-01
    input: {birth_date: 2014-01-01, domains: [dyslexie], severity: matig, referrer_type: "02"}
    expect: {code: 54B03, level: 2, perceel: 2}
  - name: verkeerd verwacht
    as_of: 2025-03-01
    input: {birth_date: 2014-01-01, domains: [dyslexie], severity: matig, referrer_type: "02"}
    expect: {code: 45B10, level: 3}
  - name: verblijf met machtiging is trede 5
    as_of: 2025-03-01
    input: {birth_date: 2010-01-01, domains: [gedrag], severity: ernstig, out_of_home: true,
            court_authorisation: true, referrer_type: "08"}
    expect: {level: 5, code: 37A01}
"""


def run(capsys, *argv: str) -> tuple[int, str]:
    rc = main(["test", *argv])
    out = capsys.readouterr()
    return rc, out.out + out.err


def test_example_cases_pass(capsys):
    rc, out = run(capsys, RULES, str(ROOT / "fixtures"))
    assert rc == 0
    last = out.strip().splitlines()[-1]
    n = int(last.split()[0])
    assert last == f"{n} passed, 0 failed" and n >= 1


def test_failures_are_shown_with_file_line_and_differences(tmp_path: Path, capsys):
    cases = tmp_path / "cases"
    cases.mkdir()
    (cases / "many.yaml").write_text(MANY, encoding="utf-8")
    (cases / "good.yaml").write_text(GOOD, encoding="utf-8")
    rc, out = run(capsys, RULES, str(tmp_path))
    assert rc == 1
    assert out.strip().splitlines()[-1] == "3 passed, 1 failed"
    assert f"{cases / 'many.yaml'}:6: verkeerd verwacht" in out
    assert "code: verwacht '45B10', kreeg '54B03'" in out
    assert "level: verwacht 3, kreeg 2" in out
    # passing cases are only listed on request
    assert "dyslexie gaat naar trede 2" not in out
    rc, out = run(capsys, RULES, str(tmp_path), "-v")
    assert "OK     " in out and "dyslexie gaat naar trede 2" in out


def test_keyword_selects_cases(tmp_path: Path, capsys):
    (tmp_path / "many.yaml").write_text(MANY, encoding="utf-8")
    rc, out = run(capsys, RULES, str(tmp_path / "many.yaml"), "-k", "trede")
    assert (rc, out.strip().splitlines()[-1]) == (0, "2 passed, 0 failed")


def test_a_broken_case_file_is_a_failure_not_skipped(tmp_path: Path, capsys):
    cases = tmp_path / "cases"
    cases.mkdir()
    (cases / "good.yaml").write_text(GOOD, encoding="utf-8")
    (cases / "broken.yaml").write_text("name: x\ninput: {a: 1, a: 2}\nexpect: {}\n", encoding="utf-8")
    (cases / "unknown.yaml").write_text(GOOD.replace("expect:", "expect: {colour: red}\nx_expect:"),
                                        encoding="utf-8")
    rc, out = run(capsys, RULES, str(tmp_path))
    assert rc == 1
    assert out.strip().splitlines()[-1] == "1 passed, 2 failed"
    assert "broken.yaml: casusbestand niet te lezen" in out and "yaml.duplicate_key" in out


def test_no_cases_is_bad_input(tmp_path: Path, capsys):
    (tmp_path / "notes.yaml").write_text("just: data\n", encoding="utf-8")
    rc, out = run(capsys, RULES, str(tmp_path))
    assert rc == 2 and "geen casussen gevonden" in out
    rc, out = run(capsys, RULES, str(tmp_path / "missing"))
    assert rc == 2 and "bestaat niet" in out


def test_case_may_name_another_catalogue_relative_to_the_project_root(tmp_path: Path, capsys):
    case = """name: de lacune is een uitkomst
rules: fixtures/invalid/tables_gap
as_of: 2025-03-01
input: {crisis: false, severity: ernstig}
expect: {outcome: no_rule_matched}
"""
    (tmp_path / "gap.yaml").write_text(case, encoding="utf-8")
    rc, out = run(capsys, RULES, str(tmp_path / "gap.yaml"))
    assert (rc, out.strip().splitlines()[-1]) == (0, "1 passed, 0 failed"), out


@pytest.mark.skipif(os.name != "posix", reason="runs the installed console script")
def test_console_script(tmp_path: Path):
    import subprocess
    import sys

    exe = Path(sys.executable).with_name("zorgregels")
    (tmp_path / "good.yaml").write_text(GOOD, encoding="utf-8")
    res = subprocess.run([str(exe), "test", RULES, str(tmp_path / "good.yaml")],
                         capture_output=True, text=True, check=False)
    assert res.returncode == 0 and res.stdout.strip().endswith("1 passed, 0 failed")
