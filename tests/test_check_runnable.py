"""``check`` never says OK to a catalogue the engine cannot build, and rule files cannot make
``check`` hang, eat memory or crash (issue 11).

durable-rules 2.0.28 accepts at most 15 ``$and``/``$or`` operators in one rule's expression;
the adapter splits what is larger over several rules with exactly the same meaning, and refuses
(``TooComplex``) what it cannot split.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zorgregels.catalogue.catalogue import Source
from zorgregels.catalogue.compile import CompiledCondition, CompiledRule, CompiledRules, Stage
from zorgregels.catalogue.conditions import All, AnyOf, Cmp, Const, Not, OneOf, Present, holds
from zorgregels.core.durable import (
    MAX_OPERATORS,
    DurableRuntime,
    TooComplex,
    condition_key,
    flatten,
    operators,
    rule_key,
    split,
    to_durable,
)

ints = st.integers(min_value=0, max_value=20)
leaf = st.one_of(
    st.builds(Cmp, st.just("age"), st.sampled_from(["eq", "ne", "lt", "le", "gt", "ge"]), ints),
    st.builds(OneOf, st.just("severity"), st.lists(st.sampled_from(["licht", "matig", "ernstig"]),
                                                    min_size=1, max_size=3, unique=True).map(tuple)),
    st.builds(Present, st.sampled_from(["age", "severity", "crisis"]), st.booleans()),
    st.builds(Cmp, st.just("crisis"), st.just("eq"), st.booleans()),
    st.builds(Const, st.booleans()),
)
# many alternatives and nesting: well past durable-rules' 15 operators
wide = st.recursive(
    leaf,
    lambda inner: st.one_of(
        st.builds(AnyOf, st.lists(inner, min_size=1, max_size=25).map(tuple)),
        st.builds(All, st.lists(inner, min_size=1, max_size=4).map(tuple)),
        st.builds(Not, inner),
    ),
    max_leaves=40,
)
facts = st.fixed_dictionaries({}, optional={
    "age": ints,
    "severity": st.sampled_from(["licht", "matig", "ernstig"]),
    "crisis": st.booleans(),
})


def _runtime_for(cond) -> DurableRuntime:
    rule = CompiledRule(id="t.rule", check="input", severity="info", message="m", basis="b",
                        cond=cond, requires=(), expected=None, actual=None, reads=(),
                        source=Source("t", 1))
    condition = CompiledCondition(id="t.condition", cond=cond, basis="b", reads=(), source=Source("t", 2))
    compiled = CompiledRules(stages=(Stage(index=0, rules=(rule,), conditions=(condition,)),),
                             bundle_hash="test")
    return DurableRuntime(compiled, lambda i, fact, hits, session: None)


def _any_of(n: int) -> AnyOf:
    return AnyOf(tuple(Cmp("age", "eq", i) for i in range(n)))


@pytest.mark.parametrize("n", [13, 14, 15, 40, 200])
def test_a_long_any_builds_and_keeps_its_meaning(n):
    runtime = _runtime_for(_any_of(n))
    for age in (0, n - 1, n, n + 5):
        hits = runtime.run({"age": age}).hits.get(0, [])
        assert (rule_key(0, 0) in hits) == (age < n)
        assert hits.count(rule_key(0, 0)) <= 1  # a split rule records its key once
    assert not runtime.run({}).hits.get(0)


def test_every_piece_of_a_split_fits_durable_rules():
    expr = {"$and": [{"stage": 0}, to_durable(_any_of(60))]}
    pieces = split(expr)
    assert len(pieces) > 1
    assert all(operators(p) <= MAX_OPERATORS for p in pieces)


def test_flatten_merges_nested_operators_and_unwraps_single_items():
    e = {"$or": [{"$or": [{"a": 1}, {"$or": [{"a": 2}]}]}, {"$and": [{"b": 1}]}]}
    assert flatten(e) == {"$or": [{"a": 1}, {"a": 2}, {"b": 1}]}
    assert operators(flatten(e)) == 1


def test_what_cannot_be_split_is_too_complex():
    # 64 + 1 disjunctions of two, all in one conjunction: 2^65 alternatives
    cond = All(tuple(AnyOf((Cmp("age", "eq", i), Cmp("age", "eq", i + 100))) for i in range(65)))
    with pytest.raises(TooComplex):
        _runtime_for(cond)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cond=wide, fact_list=st.lists(facts, min_size=1, max_size=4))
def test_wide_and_deep_conditions_build_or_are_refused_and_keep_their_meaning(cond, fact_list):
    try:
        runtime = _runtime_for(cond)
    except TooComplex:
        return  # refused up front: check reports it (see below), the engine never meets it
    for fact in fact_list:
        session = runtime.run(fact)
        fired = rule_key(0, 0) in session.hits.get(0, [])
        assert fired == holds(cond, fact), (cond, fact)
        assert (condition_key(0, 0) in session.hits.get(0, [])) == fired
