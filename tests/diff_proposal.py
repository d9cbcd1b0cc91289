"""A proposal made in a copy of rules/, for the diff tests and docs/diff.png: one tariff changed,
a code added and one removed, a table row changed, a rule's severity changed and a rule added."""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
YEAR = ROOT / "fixtures" / "decisions" / "example_2025.csv"
REGION = "zuid-kennemerland-ijmond"

TARIFF_OLD = "      - {valid_from: 2025-01-01, valid_to: 2025-12-31, amount: 81.46}\n"
TARIFF_NEW = "      - {valid_from: 2025-01-01, valid_to: 2025-12-31, amount: 90.00}\n"
CODE_REMOVED = """  - id: 31A02
    name: Oudercursus in de wijk
"""
CODE_ADDED = """  - id: 31A03
    name: Opvoedspreekuur op school
    category: "31"
    unit: "04"
    level: 0
    care_form: prevention
    perceel: null
    provider_types: [instelling]
    norm: {per_week: 1}
    tariffs:
      - {valid_from: 2025-01-01, valid_to: 2026-12-31, amount: 60.00}
"""
ROW_OLD = "        then: {allowed_codes: [31A01, 31A02, 34A01], advised_code: 31A01}\n"
ROW_NEW = "        then: {allowed_codes: [31A01, 31A03, 34A01], advised_code: 31A01}\n"
SEVERITY_OLD = """  - id: perceel_fit.single_issue_in_perceel_1
    check: perceel_fit
    severity: warning
"""
SEVERITY_NEW = SEVERITY_OLD.replace("warning", "error")
RULE_ADDED = """  - id: tariff.volume_far_above_norm
    check: tariff
    severity: error
    message: "De omvang is {volume_norm_pct}% van de norm van {code} per 3 maanden, meer dan het dubbele."
    basis: "haarlem-werkagenda-2021 §4 (sturen op intensiteit en duur)"
    requires: [volume_norm_pct]
    actual: volume_norm_pct
    when:
      volume_norm_pct: {greater_than: 200}
      outcome: {not_equals: rejected}
"""


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


def _drop_code(path: Path, code_head: str) -> None:
    """Remove one code's block (from its '- id:' line to the next code)."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = lines.index(code_head.splitlines(keepends=True)[0])
    end = next(i for i in range(start + 1, len(lines)) if lines[i].startswith("  - id:"))
    path.write_text("".join(lines[:start] + lines[end:]), encoding="utf-8")


def make_proposal(dst: Path) -> Path:
    """A copy of rules/ at ``dst`` with the proposal's six changes; returns ``dst``."""
    shutil.copytree(ROOT / "rules", dst)
    region = dst / REGION
    codes = region / "codes.yaml"
    _replace(codes, TARIFF_OLD, TARIFF_NEW)
    _drop_code(codes, CODE_REMOVED)
    _replace(codes, "  - id: 34A01\n", CODE_ADDED + "  - id: 34A01\n")
    _replace(region / "tables.yaml", ROW_OLD, ROW_NEW)
    validation = region / "validation.yaml"
    _replace(validation, SEVERITY_OLD, SEVERITY_NEW)
    text = validation.read_text(encoding="utf-8")
    validation.write_text(text.rstrip("\n") + "\n" + RULE_ADDED, encoding="utf-8")
    return dst
