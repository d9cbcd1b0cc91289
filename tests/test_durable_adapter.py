"""The durable-rules adapter: one meaning of a condition, and the pitfalls of style.md handled."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zorgregels import Engine
from zorgregels.catalogue.catalogue import Source
from zorgregels.catalogue.compile import CompiledCondition, CompiledRule, CompiledRules, Stage
from zorgregels.catalogue.conditions import (
    All,
    AnyOf,
    Cmp,
    Const,
    Contains,
    Not,
    OneOf,
    Present,
    Ref,
    holds,
)
from zorgregels.core.durable import CASES_PER_SESSION, DurableRuntime, condition_key, rule_key
from zorgregels.jobs.cases import load_cases

ROOT = Path(__file__).resolve().parent.parent
D0 = dt.date(2025, 1, 1).toordinal()

# ------------------------------------------------------------------ conditions agree with holds()

ints = st.integers(min_value=0, max_value=25)
leaf = st.one_of(
    st.builds(Cmp, st.just("age"), st.sampled_from(["eq", "ne", "lt", "le", "gt", "ge"]), ints),
    st.builds(Cmp, st.just("start_date"), st.sampled_from(["lt", "le", "gt", "ge", "eq"]),
              st.one_of(st.integers(D0 - 3, D0 + 3), st.just(Ref("end_date")))),
    st.builds(OneOf, st.just("severity"), st.lists(st.sampled_from(["licht", "matig", "ernstig"]),
                                                    min_size=1, max_size=3, unique=True).map(tuple)),
    st.builds(Contains, st.just("domains"),
              st.lists(st.sampled_from(["gedrag", "school", "psychisch"]), min_size=1, max_size=2,
                       unique=True).map(tuple), st.booleans()),
    st.builds(Present, st.sampled_from(["age", "severity", "domains", "crisis"]), st.booleans()),
    st.builds(Cmp, st.just("crisis"), st.just("eq"), st.booleans()),
    st.builds(Const, st.booleans()),
)
conds = st.recursive(
    leaf,
    lambda inner: st.one_of(
        st.builds(All, st.lists(inner, min_size=1, max_size=3).map(tuple)),
        st.builds(AnyOf, st.lists(inner, min_size=1, max_size=3).map(tuple)),
        st.builds(Not, inner),
    ),
    max_leaves=6,
)
facts = st.fixed_dictionaries({}, optional={
    "age": ints,
    "severity": st.sampled_from(["licht", "matig", "ernstig"]),
    "domains": st.lists(st.sampled_from(["gedrag", "school", "psychisch", "lvb"]), min_size=1,
                        max_size=3, unique=True),
    "crisis": st.booleans(),
    "start_date": st.integers(D0 - 3, D0 + 3),
    "end_date": st.integers(D0 - 3, D0 + 3),
})


def _runtime_for(cond) -> DurableRuntime:
    rule = CompiledRule(id="t.rule", check="input", severity="info", message="m", basis="b",
                        cond=cond, requires=(), expected=None, actual=None, reads=(),
                        source=Source("t", 1))
    condition = CompiledCondition(id="t.condition", cond=cond, basis="b", reads=(), source=Source("t", 2))
    compiled = CompiledRules(stages=(Stage(index=0, rules=(rule,), conditions=(condition,)),),
                             bundle_hash="test")
    return DurableRuntime(compiled, lambda i, fact, hits, session: None)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cond=conds, fact_list=st.lists(facts, min_size=1, max_size=4))
def test_durable_rules_and_reference_semantics_agree(cond, fact_list):
    runtime = _runtime_for(cond)
    for fact in fact_list:
        session = runtime.run(fact)
        fired = rule_key(0, 0) in session.hits.get(0, [])
        assert fired == holds(cond, fact), (cond, fact)
        # a named condition (the audit's ground conditions) has the same meaning as a rule
        assert (condition_key(0, 0) in session.hits.get(0, [])) == fired, (cond, fact)


# ------------------------------------------------------------------ pitfalls of durable-rules


def test_two_engines_over_different_catalogues_live_side_by_side():
    a = Engine.from_path(ROOT / "rules")
    b = Engine.from_path(ROOT / "fixtures" / "rules" / "gap_region")
    case = {"domains": ["gedrag"], "severity": "matig", "birth_date": "2012-01-01"}
    on = dt.date(2025, 3, 1)
    for _ in range(3):
        assert a.evaluate(case, as_of=on).code == "45B10"
        assert b.evaluate(case, as_of=on).code == "45B10"
        assert a.evaluate({**case, "domains": ["psychisch"]}, as_of=on).code == "54B01"
        assert b.evaluate({**case, "severity": "ernstig"}, as_of=on).outcome == "no_rule_matched"
    # the same catalogue twice: two hosts, two ruleset names
    c = Engine.from_path(ROOT / "rules")
    assert c.evaluate(case, as_of=on).code == "45B10"


def test_many_cases_in_a_row_do_not_leak_or_hit_the_session_limit(engine):
    """durable-rules holds at most 1024 live sessions per ruleset; facts of one case must never
    reach the next."""
    on = dt.date(2025, 3, 1)
    for i in range(1500):
        severity = "licht" if i % 2 else "matig"
        d = engine.evaluate({"domains": ["gedrag"], "severity": severity, "birth_date": "2012-01-01",
                             "decision_id": f"c{i}"}, as_of=on)
        assert d.level == (1 if i % 2 else 2)
        assert not d.findings


_CASES = [c for f in sorted((ROOT / "fixtures" / "cases").glob("*.yaml"))
          for c in load_cases(f, ROOT) if c.rules is None]


@pytest.fixture(scope="module")
def alone() -> list[str]:
    """Every fixture case's decision from a session of its own (one case per session)."""
    engine = Engine.from_path(ROOT / "rules")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("zorgregels.core.durable.CASES_PER_SESSION", 1)
        return [engine.evaluate(c.input, as_of=c.as_of).model_dump_json() for c in _CASES]


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                               HealthCheck.function_scoped_fixture])
@given(order=st.lists(st.integers(0, len(_CASES) - 1), min_size=CASES_PER_SESSION + 10,
                      max_size=3 * CASES_PER_SESSION))
def test_cases_sharing_a_session_are_judged_as_alone(alone: list[str], order: list[int]) -> None:
    """A session serves many cases (the same one again too): each is judged exactly as in a
    session of its own, and a case that fails halfway leaves nothing behind for the next."""
    engine = Engine.from_path(ROOT / "rules")
    for n, i in enumerate(order):
        if n == CASES_PER_SESSION // 2:
            with pytest.MonkeyPatch.context() as mp:  # fails after durable-rules matched stage 0
                mp.setattr("zorgregels.core.engine.apply_stage", _boom)
                with pytest.raises(ZeroDivisionError):
                    engine.evaluate(_CASES[i].input, as_of=_CASES[i].as_of)
        c = _CASES[i]
        assert engine.evaluate(c.input, as_of=c.as_of).model_dump_json() == alone[i], c.input


def _boom(*args: object, **kwargs: object) -> None:
    raise ZeroDivisionError("kapot")


def test_an_error_in_an_action_is_raised_not_stored(engine, monkeypatch):
    def boom(*args, **kwargs):
        raise ZeroDivisionError("kapot")

    monkeypatch.setattr("zorgregels.core.engine.resolve_table", boom)
    with pytest.raises(ZeroDivisionError, match="kapot"):
        engine.evaluate({"domains": ["gedrag"], "severity": "matig"}, as_of=dt.date(2025, 3, 1))
    monkeypatch.undo()
    # the engine is still usable afterwards
    assert engine.evaluate({"domains": ["gedrag"], "severity": "matig"},
                           as_of=dt.date(2025, 3, 1)).code == "45B10"


def test_the_compiled_definition_is_not_mutated_by_registration(engine):
    # the Ruleset constructor deletes 'run' from the dict it gets: we register a deep copy
    assert all("run" in rule for rule in engine._runtime.definition.values())


def test_pydantic_models_are_accepted_as_cases(engine):
    from pydantic import BaseModel

    class Case(BaseModel):
        domains: list[str]
        severity: str

    d = engine.evaluate(Case(domains=["dyslexie"], severity="licht"), as_of=dt.date(2025, 3, 1))
    assert d.code == "54B03"


def test_the_trace_names_rule_values_and_basis(engine):
    case = {"decision_id": "X", "domains": ["gedrag"], "severity": "matig", "code": "45B10",
            "decision_date": "2025-03-03", "tariff": "70.00", "outcome": "granted"}
    d = engine.evaluate(case)
    step = next(s for s in d.trace if s.id == "tariff.differs")
    assert step.values["tariff"] == "70.00" and step.values["code_tariff"] == "72.52"
    assert "Adviesraad Sociaal Domein Midden-Delfland, Advies regionale inkoopstrategie specialistische jeugdhulp §4" in (step.basis or "")
    assert step.source and step.source.startswith(str(Path("rules") / "zuid-kennemerland-ijmond" / "validation.yaml")) or "validation.yaml" in step.source
    table = next(s for s in d.trace if s.id == "ladder_level")
    assert table.rows == [8] and table.outputs == {"level": 2}
    assert table.values["severity"] == "matig"
    f = next(f for f in d.findings if f.rule == "tariff.differs")
    assert (f.expected, f.actual, f.decision_id) == ("72.52", "70.00", "X")


def test_as_of_is_required_without_a_decision_date(engine):
    from zorgregels import InputError

    with pytest.raises(InputError):
        engine.evaluate({"domains": ["gedrag"], "severity": "matig"})
