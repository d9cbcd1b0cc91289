"""Rule tests as data: YAML cases with an input, a reference date and the expected result.

A case file holds one case (``input``/``expect`` at the top) or many (``cases: [...]``); a
many-case file may hold ``templates`` for YAML anchors (``<<: *granted``) that cases reuse.
``expect`` may name: outcome, code, codes, level, perceel, tariff_3m, hours_3m, missing,
``depends_on`` (a care question: the facts its advice still depends on) and ``fired`` (the
exact set of rule ids that produced a finding). ``rules`` points at another
catalogue folder, relative to the case file's project root, for cases about defective rules.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zorgregels.catalogue.model import parse_iso_date
from zorgregels.catalogue.yamlio import load_yaml, plain
from zorgregels.core.engine import CoreEngine
from zorgregels.core.results import Decision
from zorgregels.diagnostics import InputError

EXPECT_KEYS = {"outcome", "code", "codes", "level", "perceel", "tariff_3m", "hours_3m", "missing",
               "depends_on", "fired"}


@dataclass
class Case:
    name: str
    file: Path
    line: int | None
    input: dict[str, Any]
    as_of: dt.date | None
    expect: dict[str, Any]
    rules: Path | None = None
    tags: list[str] = field(default_factory=list)


def is_case_file(path: Path) -> bool:
    if path.suffix not in (".yaml", ".yml"):
        return False
    data, diags = load_yaml(path)
    return not diags and isinstance(data, dict) and ("cases" in data or {"input", "expect"} <= data.keys())


def load_cases(path: Path, root: Path | None = None) -> list[Case]:
    data, diags = load_yaml(path)
    if diags:
        raise InputError("\n".join(d.render() for d in diags))
    if not isinstance(data, dict):
        raise InputError(f"{path}: een testbestand is een mapping")
    if "cases" in data:
        unknown_top = set(data) - {"cases", "rules", "templates"}
        if unknown_top:
            raise InputError(f"{path}: onbekende sleutel(s) {sorted(unknown_top)} "
                             "(bekend: cases, rules, templates)")
    items = data["cases"] if "cases" in data else [data]
    default_rules = data.get("rules") if "cases" in data else None
    cases = []
    for i, item in enumerate(items):
        where = f"{path}:{getattr(item, 'line', '?')}"
        if not isinstance(item, dict) or "input" not in item or "expect" not in item:
            raise InputError(f"{where}: een casus heeft input en expect")
        unknown = set(item) - {"name", "input", "as_of", "expect", "rules", "tags"}
        if unknown:
            raise InputError(f"{where}: onbekende sleutel(s) {sorted(unknown)}")
        bad = set(item["expect"]) - EXPECT_KEYS
        if bad:
            raise InputError(f"{where}: onbekende verwachting(en) {sorted(bad)}; bekend: {sorted(EXPECT_KEYS)}")
        as_of = item.get("as_of")
        rules = item.get("rules", default_rules)
        cases.append(Case(
            name=str(item.get("name", f"case {i + 1}")), file=path, line=getattr(item, "line", None),
            input=plain(item["input"]), as_of=parse_iso_date(as_of) if as_of else None,
            expect=plain(item["expect"]), rules=(root or Path.cwd()) / rules if rules else None,
            tags=list(item.get("tags", [])),
        ))
    return cases


def compare(case: Case, decision: Decision) -> list[str]:
    """Differences between what a case expects and what the engine decided (empty: pass)."""
    diffs: list[str] = []
    exp = case.expect
    for key in ("outcome", "code", "level", "perceel", "tariff_3m", "hours_3m"):
        if key in exp:
            want, got = exp[key], getattr(decision, key)
            if key in ("level", "perceel") and want is not None:
                want = int(want)
            if key in ("tariff_3m", "hours_3m") and want is not None:
                want = str(want)
            if want != got:
                diffs.append(f"{key}: verwacht {want!r}, kreeg {got!r}")
    if "codes" in exp and list(exp["codes"]) != decision.codes:
        diffs.append(f"codes: verwacht {exp['codes']}, kreeg {decision.codes}")
    for key in ("missing", "depends_on"):
        if key in exp:
            want_list, got_list = sorted(exp[key] or []), sorted(getattr(decision, key))
            if want_list != got_list:
                diffs.append(f"{key}: verwacht {want_list}, kreeg {got_list}")
    if "fired" in exp:
        want_set = set(exp["fired"] or [])
        got_set = {f.rule for f in decision.findings}
        if want_set != got_set:
            extra = sorted(got_set - want_set)
            lacking = sorted(want_set - got_set)
            diffs.append(f"fired: onverwacht {extra}, ontbrekend {lacking}")
    return diffs


class CaseRunner:
    """Runs cases, keeping one engine per catalogue folder."""

    def __init__(self, default_rules: Path):
        self.default_rules = default_rules
        self._engines: dict[Path, CoreEngine] = {}

    def engine(self, rules: Path | None) -> CoreEngine:
        key = (rules or self.default_rules).resolve()
        if key not in self._engines:
            self._engines[key] = CoreEngine.from_path(key)
        return self._engines[key]

    def run(self, case: Case) -> tuple[Decision, list[str]]:
        decision = self.engine(case.rules).evaluate(case.input, as_of=case.as_of)
        return decision, compare(case, decision)
