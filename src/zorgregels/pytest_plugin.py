"""pytest plugin: YAML rule cases under a ``cases`` folder are collected as tests.

Registered through the ``pytest11`` entry point, so plain ``pytest`` runs the policy tests.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from zorgregels.jobs.cases import Case, CaseRunner, is_case_file, load_cases

_runner: CaseRunner | None = None


def _get_runner(config: pytest.Config) -> CaseRunner:
    global _runner
    if _runner is None:
        _runner = CaseRunner(Path(config.rootpath) / "rules")
    return _runner


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> Any:
    if "cases" in file_path.parts and is_case_file(file_path):
        return CaseFile.from_parent(parent, path=file_path)
    return None


class CaseFile(pytest.File):
    def collect(self) -> Any:
        for case in load_cases(self.path, Path(self.config.rootpath)):
            yield CaseItem.from_parent(self, name=case.name, case=case)


class CaseFailed(Exception):
    pass


class CaseItem(pytest.Item):
    def __init__(self, *, case: Case, **kwargs: Any):
        super().__init__(**kwargs)
        self.case = case

    def runtest(self) -> None:
        decision, diffs = _get_runner(self.config).run(self.case)
        if diffs:
            findings = "\n".join(f"    {f.rule} ({f.severity}): {f.message}" for f in decision.findings)
            raise CaseFailed("\n".join(diffs) + f"\n  uitkomst {decision.outcome}, bevindingen:\n{findings}")

    def repr_failure(self, excinfo: Any, style: Any = None) -> str:
        if isinstance(excinfo.value, CaseFailed):
            return f"{self.case.file}:{self.case.line}: {self.case.name}\n{excinfo.value}"
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, (self.case.line or 1) - 1, f"case: {self.name}"
