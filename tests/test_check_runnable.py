"""``check`` never says OK to a catalogue the engine cannot build, and rule files cannot make
``check`` hang, eat memory or crash (issue 11).

durable-rules 2.0.28 accepts at most 15 ``$and``/``$or`` operators in one rule's expression;
the adapter splits what is larger over several rules with exactly the same meaning, and refuses
(``TooComplex``) what it cannot split.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zorgregels import Engine
from zorgregels.catalogue import yamlio
from zorgregels.catalogue.catalogue import Source
from zorgregels.catalogue.compile import CompiledCondition, CompiledRule, CompiledRules, Stage
from zorgregels.catalogue.conditions import All, AnyOf, Cmp, Const, Not, OneOf, Present, holds
from zorgregels.cli import main
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
from zorgregels.diagnostics import CatalogueError

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


def _any_of_ranges(n: int) -> AnyOf:
    """``age`` in 0..n-1 again, but as n one-year ranges: n ``$and`` operators."""
    return AnyOf(tuple(All((Cmp("age", "ge", i), Cmp("age", "lt", i + 1))) for i in range(n)))


@pytest.mark.parametrize("make", [_any_of, _any_of_ranges])
@pytest.mark.parametrize("n", [13, 14, 15, 40, 200])
def test_a_long_any_builds_and_keeps_its_meaning(n, make):
    if make is _any_of_ranges and n > 40:
        n = 40  # 200 ranges need more than durable-rules can match (see TooComplex)
    runtime = _runtime_for(make(n))
    for age in (0, n - 1, n, n + 5):
        hits = runtime.run({"age": age}).hits.get(0, [])
        assert (rule_key(0, 0) in hits) == (age < n)
        assert hits.count(rule_key(0, 0)) <= 1  # a split rule records its key once
    assert not runtime.run({}).hits.get(0)


def test_every_piece_of_a_split_fits_durable_rules():
    # a long any of plain comparisons is one $or (a comparison never matches an absent field)
    assert operators(flatten({"$and": [{"stage": 0}, to_durable(_any_of(200))]})) == 2
    expr = {"$and": [{"stage": 0}, to_durable(_any_of_ranges(40))]}
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
        split(to_durable(cond))
    # the engine refuses it as a catalogue error (exit 2), at the rule's source
    with pytest.raises(CatalogueError) as info:
        _runtime_for(cond)
    assert [(d.code, d.file, d.line) for d in info.value.diagnostics] == [
        ("condition.too_complex", "t", 1), ("condition.too_complex", "t", 2)]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cond=wide, fact_list=st.lists(facts, min_size=1, max_size=4))
def test_wide_and_deep_conditions_build_or_are_refused_and_keep_their_meaning(cond, fact_list):
    try:
        runtime = _runtime_for(cond)
    except CatalogueError:
        return  # refused up front: check reports it (see below), the engine never meets it
    for fact in fact_list:
        session = runtime.run(fact)
        fired = rule_key(0, 0) in session.hits.get(0, [])
        assert fired == holds(cond, fact), (cond, fact)
        assert (condition_key(0, 0) in session.hits.get(0, [])) == fired


# ------------------------------------------------------------------ check builds what it passes

ROOT = Path(__file__).resolve().parent.parent
RULE = """rules:
  - id: extra.rule
    check: input
    severity: warning
    message: "Extra."
    basis: "jeugdwet art. 1.1"
    when: {when}
"""


@pytest.fixture(scope="module")
def region(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("region")
    shutil.copytree(ROOT / "rules", folder, dirs_exist_ok=True)
    return folder / "zuid-kennemerland-ijmond"


def _with(region: Path, text: str, name: str = "extra.yaml", raw: bytes | None = None) -> Path:
    for old in region.glob("extra*"):
        old.unlink()
    (region / name).write_bytes(raw if raw is not None else text.encode())
    return region


def _check(folder: Path, *flags: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["check", str(folder), *flags])
    return code, out.getvalue()


def _any_yaml(n: int) -> str:
    return json.dumps({"any": [{"age": i} for i in range(n)]})


@pytest.mark.parametrize("n", [14, 20, 200])
def test_check_passes_a_long_any_and_the_engine_runs_it(region, n):
    folder = _with(region, RULE.format(when=_any_yaml(n)))
    code, out = _check(folder)
    assert code == 0, out
    engine = Engine.from_path(folder)
    case = {"domains": ["gedrag"], "severity": "matig", "age": n - 1}
    on = dt.date(2025, 3, 1)
    assert "extra.rule" in [f.rule for f in engine.evaluate(case, as_of=on).findings]
    assert "extra.rule" not in [f.rule for f in engine.evaluate({**case, "age": n}, as_of=on).findings]


def test_check_refuses_what_the_engine_cannot_build_with_file_line_and_code(region, capsys):
    when = json.dumps({"all": [{"any": [{"age": i}, {"age": i + 100}]} for i in range(65)]})
    folder = _with(region, RULE.format(when=when))
    code, out = _check(folder)
    assert code == 2
    assert "extra.yaml:2" in out and "condition.too_complex" in out and "[extra.rule]" in out
    assert "OK" not in out
    # an engine command that skipped check says the same, exit 2, no traceback
    case = folder / "case_extra.json"
    case.write_text('{"severity": "matig"}', encoding="utf-8")
    try:
        assert main(["evaluate", str(case), "--rules", str(folder)]) == 2
    finally:
        case.unlink()
    assert "condition.too_complex" in capsys.readouterr().err


def _cond_yaml(depth: int) -> st.SearchStrategy[Any]:
    leaf = st.one_of(
        st.builds(lambda i: {"age": i}, st.integers(0, 20)),
        st.builds(lambda i: {"age": {"less_than": i}}, st.integers(0, 20)),
        st.sampled_from([{"crisis": True}, {"severity": "matig"}, {"age": {"present": False}}]),
    )
    return st.recursive(
        leaf,
        lambda inner: st.one_of(
            st.builds(lambda xs: {"any": xs}, st.lists(inner, min_size=1, max_size=30)),
            st.builds(lambda xs: {"all": xs}, st.lists(inner, min_size=1, max_size=4)),
            st.builds(lambda x: {"not": x}, inner),
        ),
        max_leaves=depth,
    )


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(when=_cond_yaml(60))
def test_every_catalogue_check_accepts_is_one_the_engine_builds(region, when):
    folder = _with(region, RULE.format(when=json.dumps(when)))
    code, out = _check(folder)
    if code == 0:
        Engine.from_path(folder)  # builds: no "Could not create ruleset"
    else:
        assert "condition.too_complex" in out, out


# ------------------------------------------------------------------ YAML limits


def test_a_billion_laughs_bomb_is_a_diagnostic_not_a_hang(region):
    bomb = 'x: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    prev = "a"
    for n in "bcdefghi":
        bomb += f"{n}: &{n} [" + ",".join([f"*{prev}"] * 9) + "]\n"
        prev = n
    folder = _with(region, bomb)
    code, out = _check(folder)
    assert code == 2
    assert "extra.yaml:" in out and "yaml.too_large_expanded" in out


def test_an_alias_bomb_inside_a_condition_is_a_diagnostic(region):
    lines = ['rules:', '  - id: extra.rule', '    check: input', '    severity: warning',
             '    message: "x"', '    basis: "jeugdwet art. 1.1"', '    when: &w0 {age: 1}']
    text = "\n".join(lines) + "\n"
    for i in range(1, 40):
        text += f"  - {{id: extra.r{i}, check: input, severity: warning, message: x, basis: jeugdwet art. 1.1, " \
                f"when: &w{i} {{any: [*w{i - 1}, *w{i - 1}]}}}}\n"
    code, out = _check(_with(region, text))
    assert code == 2 and "yaml.too_large_expanded" in out


def test_conditions_nested_2000_deep_are_a_diagnostic(region):
    when = '{"age": 1}'
    for _ in range(2000):
        when = '{"not": ' + when + '}'
    code, out = _check(_with(region, RULE.format(when=when)))
    assert code == 2 and "extra.yaml:" in out and "yaml.too_deep" in out


def test_a_rule_file_that_is_not_utf8_is_a_diagnostic_naming_the_file(region):
    raw = RULE.format(when='{"severity": "matig"}').replace('"Extra."', '"Café"').encode("cp1252")
    code, out = _check(_with(region, "", raw=raw))
    assert code == 2
    assert "extra.yaml:5" in out and "yaml.encoding" in out and "UTF-8" in out


def test_a_rule_file_beyond_the_size_limit_is_a_diagnostic(region, monkeypatch):
    monkeypatch.setattr(yamlio, "MAX_FILE_BYTES", 100)
    code, out = _check(_with(region, RULE.format(when='{"severity": "matig"}') + "#" * 200))
    assert code == 2 and "yaml.too_large" in out


def test_strict_makes_warnings_fail(region):
    codes = (ROOT / "rules" / "zuid-kennemerland-ijmond" / "codes.yaml").read_text(encoding="utf-8")
    folder = _with(region, "")
    (folder / "extra.yaml").unlink()
    (folder / "codes.yaml").write_text(codes.replace("perceel: null", "perceel: 1", 1),
                                       encoding="utf-8")
    try:
        code, out = _check(folder)
        assert code == 0 and "code.perceel_mismatch" in out
        code, out = _check(folder, "--strict")
        assert code == 2 and "--strict" in out
    finally:
        (folder / "codes.yaml").write_text(codes, encoding="utf-8")
