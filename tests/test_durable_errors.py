"""durable-rules' own runtime errors (a bare exception with an error code, such as 303 when a
fact meets more operators than it can hold) become an ``EngineError`` with a Dutch message;
the command line reports it as an internal error: exit 3, a "meld dit" line, no traceback."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path
from typing import Any

import pytest

from zorgregels import Engine, EngineError
from zorgregels.cli import main
from zorgregels.core.durable import _SynchronousHost as Host  # the adapter's host, to provoke it
from zorgregels.core.durable import engine_error, from_durable

ROOT = Path(__file__).resolve().parents[1]
RULES = str(ROOT / "rules")
CASE = ROOT / "fixtures" / "cases" / "example_case.yaml"


def _chain(depth: int) -> dict[str, Any]:
    """A condition true for every first fact: ``depth`` alternating and/or operators."""
    expr: dict[str, Any] = {"stage": 0}
    for i in range(depth):
        expr = {"$and" if i % 2 == 0 else "$or": [expr, {"stage": 0}]}
    return expr


def _overloaded(engine: Engine) -> None:
    """Swap the engine's durable ruleset for one whose rules a first fact meets with more
    operators than durable-rules can match (12 rules of 15: "error code: 303")."""
    runtime = engine._runtime  # noqa: SLF001 - the adapter under test
    host = Host()
    rules = {f"r{i}": {"all": [{"m": _chain(15)}], "run": lambda c: None} for i in range(12)}
    host.register_rulesets({runtime.name: rules})
    runtime._host = host  # noqa: SLF001


def test_durable_error_303_is_reproduced_and_becomes_an_engine_error() -> None:
    engine = Engine.from_path(RULES)
    _overloaded(engine)
    with pytest.raises(EngineError) as info:
        engine.evaluate({"decision_date": "2025-03-01", "domains": ["gedrag"]})
    assert str(info.value) == ("durable-rules kon deze casus niet toetsen: de casus raakt meer voorwaarden "
                               "tegelijk dan durable-rules aankan (foutcode 303)")


def test_only_durable_errors_are_translated() -> None:
    assert from_durable(Exception("Could not assert fact, error code: 209"))
    assert "foutcode 209" in str(engine_error(Exception("Could not assert fact, error code: 209")))
    other = ValueError("error code: 303")
    assert not from_durable(other) and engine_error(other) is other


def test_the_cli_reports_it_as_an_internal_error(monkeypatch: pytest.MonkeyPatch) -> None:
    real = Engine.from_path.__func__  # type: ignore[attr-defined]

    def overloaded(cls: type[Engine], path: Any) -> Engine:
        engine = real(cls, path)
        _overloaded(engine)
        return engine

    monkeypatch.setattr(Engine, "from_path", classmethod(overloaded))
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(["evaluate", str(CASE), "--rules", RULES])
    lines = err.getvalue().splitlines()
    assert code == 3
    assert "Traceback" not in err.getvalue()
    assert lines[0] == ("zorgregels: durable-rules kon deze casus niet toetsen: de casus raakt meer "
                        "voorwaarden tegelijk dan durable-rules aankan (foutcode 303)")
    assert "meld dit" in lines[1]
