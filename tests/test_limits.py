"""Values no decision can carry: out-of-range numbers and a birth date after the start.

Both paths (durable-rules for one case, the columnar evaluator for a batch) must call them
input errors, with the same findings; before, a tariff of 10**15 was a finding in ``evaluate``
and a silent "not evaluable" in ``validate``, and a 5,000-digit volume crashed.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zorgregels import Engine

ROOT = Path(__file__).resolve().parents[1]
ON = dt.date(2025, 3, 1)
BASE = {
    "decision_id": "D-1", "municipality": "GM0392", "request_date": "2025-02-10",
    "decision_date": "2025-03-03", "client_id": "C-1", "birth_date": "2013-04-01",
    "referrer_type": "02", "domains": "gedrag", "severity": "matig", "outcome": "granted",
    "code": "45B10", "perceel": "2", "provider_type": "instelling", "volume": "2", "unit": "04",
    "frequency": "2", "tariff": "72.52", "start_date": "2025-03-10", "end_date": "2025-06-08",
}


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.from_path(ROOT / "rules")


def _input_findings_case(engine: Engine, record: dict[str, str]) -> list[tuple[str, str]]:
    d = engine.evaluate(record, as_of=ON)
    return sorted((f.rule, f.message) for f in d.findings if f.check == "input")


def _input_findings_batch(engine: Engine, record: dict[str, str]) -> list[tuple[str, str]]:
    report = engine.validate([record], as_of=ON)
    rows = report.findings.filter(report.findings["check"] == "input").select("rule", "message").rows()
    return sorted((str(r), str(m)) for r, m in rows)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(field=st.sampled_from(["tariff", "volume", "budget"]),
       digits=st.integers(min_value=10, max_value=5000))
def test_a_number_out_of_range_is_an_input_error_in_both_paths(engine: Engine, field: str,
                                                                 digits: int) -> None:
    record = {**BASE, field: "9" * digits}
    case = _input_findings_case(engine, record)
    ours = [m for rule, m in case if rule == "input.invalid_value" and m.startswith(f"{field}: ")]
    assert len(ours) == 1 and "buiten het bereik" in ours[0]
    assert len(ours[0]) < 120  # a 5,000-digit value is not copied into the message
    assert _input_findings_batch(engine, record) == case


def test_a_number_in_range_still_reads(engine: Engine) -> None:
    record = {**BASE, "volume": "1000000000"}
    assert not [f for f in engine.evaluate(record, as_of=ON).findings if f.rule == "input.invalid_value"]


def test_a_birth_date_after_the_start_is_an_input_error(engine: Engine) -> None:
    record = {**BASE, "birth_date": "2090-01-01"}
    d = engine.evaluate(record, as_of=ON)
    assert d.outcome == "error"
    assert [f.rule for f in d.findings if f.check == "input"] == ["input.birth_date_after_start"]
    assert _input_findings_batch(engine, record) == _input_findings_case(engine, record)
