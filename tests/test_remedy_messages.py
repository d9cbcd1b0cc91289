"""Issue 12, the rule texts: a remedy ('wat te doen') on every rule, shown by ``evaluate`` (text
and ``--json``) but kept out of a batch's findings; finding messages that name the reason that
holds, never the facts that do not (conditional parts ``{?fact: ...}``, one meaning for one case
and for a batch)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zorgregels import Engine
from zorgregels.catalogue.compile import CompiledRule, compile_audit
from zorgregels.catalogue.conditions import All, AnyOf, Cond, Not, fields_of, holds, to_fact_value
from zorgregels.catalogue.eligibility import code_rules
from zorgregels.catalogue.fields import FIELDS
from zorgregels.catalogue.model import Code
from zorgregels.catalogue.templates import Part, Slot, parse, problems
from zorgregels.cli import main
from zorgregels.core.columnar import INDEX, ColumnarEvaluator
from zorgregels.core.findings import SCHEMA
from zorgregels.core.messages import fields_shown, format_message, message_expr
from zorgregels.core.results import FINDING_COLUMNS, REMEDY_LABEL
from zorgregels.io.frame import text_frame
from zorgregels.jobs.cases import load_cases
from zorgregels.jobs.validate.cross import CROSS_KINDS

ROOT = Path(__file__).resolve().parents[1]
AS_OF = dt.date(2025, 6, 1)
EXAMPLE = ROOT / "fixtures" / "decisions" / "example_2025.csv"
PERCEEL_RULE = "perceel_fit.complex_in_perceel_2"
#: the message of PERCEEL_RULE before issue 12: it named the facts that were not the reason
OLD_PERCEEL_MESSAGE = ("De vraag is {complexity} (zorgen over veiligheid: {safety_concern}, verblijf: "
                       "{out_of_home}) en hoort in perceel 1, niet in perceel {perceel}.")

#: a clean granted decision in perceel 2 (fixtures/cases/validation.yaml, granted_p2)
GRANTED_P2: dict[str, Any] = {
    "decision_id": "D-P2", "municipality": "GM0392", "request_date": "2025-02-10",
    "decision_date": "2025-03-03", "client_id": "C-001", "birth_date": "2013-04-01",
    "referrer_type": "02", "domains": "gedrag", "severity": "matig", "outcome": "granted",
    "code": "45B10", "perceel": "2", "provider_type": "instelling", "volume": "2", "unit": "04",
    "frequency": "2", "tariff": "72.52", "start_date": "2025-03-10", "end_date": "2025-06-08",
}


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.from_path(ROOT / "rules")


@pytest.fixture(scope="module")
def columnar(engine: Engine) -> ColumnarEvaluator:
    return ColumnarEvaluator(engine.compiled, engine.catalogue)


def _all_rules(engine: Engine) -> list[CompiledRule]:
    return [*engine.compiled.rules, *compile_audit(engine.catalogue).rules]


# ---------------------------------------------------------------- the remedy on every rule

#: words of a remedy that would give away English text
ENGLISH = {"the", "and", "check", "please", "should", "must", "fix", "correct", "missing", "field"}
#: at least one of these: a remedy is Dutch and says what to do
DUTCH = {"de", "het", "een", "en", "of", "in", "geen", "dan", "controleer", "leg", "kies", "vul",
         "vraag", "bespreek", "plan", "verwijs", "actie"}


def test_every_rule_of_the_example_catalogue_has_a_short_dutch_remedy(engine: Engine) -> None:
    parsed = {r.id: r.rule for r in engine.catalogue.rules}
    compiled = {r.id: r for r in _all_rules(engine)}
    assert parsed.keys() == compiled.keys()
    # the national layer, the region, the audit's criteria and the rules a code's conditions compile to
    assert {"age.over_23", "input.ijw_code_category", PERCEEL_RULE, "transparency.four_steps.ok",
            "eligibility.54b03.from_age_7", "eligibility.54b03.max_duration",
            "eligibility.54b03.review", "eligibility.45a11.max_duration"} <= parsed.keys()
    for rule_id, rule in parsed.items():
        remedy = rule.remedy
        assert remedy and remedy.strip() == remedy, rule_id
        assert compiled[rule_id].remedy == remedy, rule_id  # carried through compile unchanged
        words = re.findall(r"[a-zà-ÿ]+", remedy.lower())
        assert remedy[0].isupper() and remedy.endswith("."), (rule_id, remedy)
        assert len(words) <= 40, (rule_id, "one short sentence", remedy)
        assert not set(words) & ENGLISH, (rule_id, remedy)
        assert set(words) & DUTCH, (rule_id, remedy)
        assert remedy != rule.message, rule_id


def test_a_code_condition_without_its_own_remedy_gets_one(tmp_path: Path) -> None:
    code = Code.model_validate({
        "id": "ZK-AMB1", "name": "x", "category": "45", "unit": "04", "level": 2,
        "eligibility": [{"id": "school", "holds": {"school_file": True}, "message": "m", "basis": "b"},
                        {"id": "age", "holds": {"age": {"at_least": 7}}, "message": "m", "basis": "b",
                         "remedy": "Controleer de leeftijd."}],
        "duration": {"max_months": 12, "review_months": 6, "basis": "b"}})
    remedies = {rule.id: rule.remedy for rule, _ in code_rules(code)}
    assert remedies["eligibility.zk_amb1.age"] == "Controleer de leeftijd."
    assert "ZK-AMB1" in (remedies["eligibility.zk_amb1.school"] or "")
    assert "12 maanden" in (remedies["eligibility.zk_amb1.max_duration"] or "")
    assert "6 maanden" in (remedies["eligibility.zk_amb1.review"] or "")


# ---------------------------------------------------------------- evaluate shows it, a batch does not


def test_evaluate_shows_the_remedy_of_each_finding_as_text_and_json(tmp_path: Path, capsys: Any,
                                                                    engine: Engine) -> None:
    case = tmp_path / "case.json"
    case.write_text(json.dumps({**GRANTED_P2, "domains": ["gedrag", "school"], "tariff": "70.00"}),
                    encoding="utf-8")
    assert main(["evaluate", str(case), "--rules", str(ROOT / "rules"), "--as-of", "2025-06-01",
                 "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    remedies = {r.id: r.rule.remedy for r in engine.catalogue.rules}
    fired = [f["rule"] for f in out["findings"]]
    assert {PERCEEL_RULE, "tariff.differs"} <= set(fired)
    for f in out["findings"]:
        # an added key; the others keep their names
        assert {"rule", "check", "severity", "message", "basis", "expected", "actual",
                "decision_id", "remedy"} == f.keys()
        assert f["remedy"] == remedies[f["rule"]]

    assert main(["evaluate", str(case), "--rules", str(ROOT / "rules"), "--as-of", "2025-06-01"]) == 1
    text = capsys.readouterr().out
    lines = [ln.strip() for ln in text.splitlines() if ln.strip().startswith(f"{REMEDY_LABEL}:")]
    assert lines == [f"{REMEDY_LABEL}: {remedies[r]}" for r in fired]
    # each line follows its finding (and the finding's basis)
    for rule in fired:
        after = text.split(f"({rule})\n", 1)[1].splitlines()
        assert after[2].strip() == f"{REMEDY_LABEL}: {remedies[rule]}"


def test_the_engine_own_findings_say_what_to_do_too(engine: Engine) -> None:
    d = engine.evaluate({**GRANTED_P2, "severity": None, "start_date": "geen datum"}, as_of=AS_OF)
    own = [f for f in d.findings if f.rule in ("input.missing", "input.invalid_value")]
    assert {f.rule for f in own} == {"input.missing", "input.invalid_value"}
    assert all(f.remedy for f in own)


def test_the_cross_decision_checks_say_what_to_do_for_the_report() -> None:
    assert set(CROSS_KINDS) == {"dates.ijw_no_stacking", "sequential_help.providers_in_sequence",
                                "budget_ceiling.exceeded"}
    for kind in CROSS_KINDS.values():
        assert kind.remedy and kind.remedy.endswith("."), kind.rule


def test_a_batch_keeps_the_remedy_out_of_its_findings(tmp_path: Path) -> None:
    assert "remedy" not in FINDING_COLUMNS and "remedy" not in SCHEMA
    out = tmp_path / "out"
    main(["validate", str(EXAMPLE), "--rules", str(ROOT / "rules"), "--out", str(out)])
    with (out / "findings.jsonl").open(encoding="utf-8") as fh:
        first = json.loads(fh.readline())
    assert list(first) == list(FINDING_COLUMNS)
    assert pl.read_ndjson(out / "findings.jsonl").columns == list(FINDING_COLUMNS)


# ---------------------------------------------------------------- the perceel-1 message


def _messages(engine: Engine, columnar: ColumnarEvaluator, record: dict[str, Any],
              rule: str) -> tuple[list[str], list[str]]:
    d = engine.evaluate(record, as_of=AS_OF)
    res = columnar.evaluate(text_frame([record]), as_of=AS_OF)
    batch = [f["message"] for f in res.findings.sort(INDEX, "seq").iter_rows(named=True) if f["rule"] == rule]
    return [f.message for f in d.findings if f.rule == rule], batch


def test_a_multiple_question_in_perceel_2_is_told_its_domains_not_the_facts_that_do_not_hold(
        engine: Engine, columnar: ColumnarEvaluator) -> None:
    one, batch = _messages(engine, columnar, {**GRANTED_P2, "domains": "gedrag;school"}, PERCEEL_RULE)
    assert one == batch == ["De vraag hoort in perceel 1, niet in perceel 2. De vraag is meervoudig "
                            "(leefgebieden: gedrag, school)."]
    assert "veiligheid" not in one[0] and "verblijf" not in one[0] and ": nee" not in one[0]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(safety=st.booleans(), out_of_home=st.booleans(), domains=st.integers(1, 3),
       complexity=st.sampled_from([None, "enkelvoudig", "meervoudig"]))
def test_the_perceel_message_names_exactly_the_reasons_that_hold(
        engine: Engine, columnar: ColumnarEvaluator, safety: bool, out_of_home: bool, domains: int,
        complexity: str | None) -> None:
    record = {**GRANTED_P2, "safety_concern": str(safety).lower(), "out_of_home": str(out_of_home).lower(),
              "domains": ";".join(["gedrag", "school", "ouders"][:domains])}
    if complexity is not None:
        record["complexity"] = complexity
    one, batch = _messages(engine, columnar, record, PERCEEL_RULE)
    assert one == batch
    d = engine.evaluate(record, as_of=AS_OF)
    meervoudig = d.facts.get("complexity") == "meervoudig"
    assert bool(one) == (meervoudig or safety or out_of_home)
    for message in one:
        assert ("De vraag is meervoudig" in message) == meervoudig
        assert ("zorgen over veiligheid" in message) == safety
        assert ("verblijf buiten huis" in message) == out_of_home
        assert ": nee" not in message and "False" not in message


# ---------------------------------------------------------------- the example year: no non-reasons


def _fact_form(facts: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in facts.items():
        try:
            out[k] = v if v is None or isinstance(v, list) or k not in FIELDS else to_fact_value(FIELDS[k], v)
        except ValueError:
            out[k] = v
    return out


def not_the_reason(cond: Cond, fact: dict[str, Any]) -> set[str]:
    """The facts a condition reads only in alternatives of an ``any`` that do not hold for this
    case: naming them in the message names a fact that is not the reason."""
    failing: list[Cond] = []

    def walk(c: Cond) -> None:
        if isinstance(c, AnyOf):
            for item in c.items:
                (walk if holds(item, fact) else failing.append)(item)
        elif isinstance(c, All):
            for item in c.items:
                walk(item)
        # under a Not every alternative of an any must fail: each is a reason (nothing to collect)

    walk(cond)
    elsewhere: set[str] = set()

    def rest(c: Cond) -> None:
        if any(c is f for f in failing):
            return
        if isinstance(c, (All, AnyOf)):
            for item in c.items:
                rest(item)
        elif isinstance(c, Not):
            elsewhere.update(fields_of(c))
        else:
            elsewhere.update(fields_of(c))

    rest(cond)
    return {f for c in failing for f in fields_of(c)} - elsewhere


def named_non_reasons(template: str, cond: Cond, fact: dict[str, Any]) -> set[str]:
    return set(fields_shown(template, fact)) & not_the_reason(cond, fact)


@pytest.fixture(scope="module")
def example_year(engine: Engine, columnar: ColumnarEvaluator) -> list[tuple[CompiledRule, dict[str, Any], str]]:
    """Every finding of the example year of a rule with an ``any`` in its condition: the rule,
    the case's facts and the batch's message."""
    with EXAMPLE.open(encoding="utf-8", newline="") as fh:
        records = list(csv.DictReader(fh))
    with_any = {r.id: r for r in engine.compiled.rules if "AnyOf" in repr(r.cond)}
    assert PERCEEL_RULE in with_any and "age.foster_care_over_21" in with_any
    res = columnar.evaluate(text_frame(records), as_of=AS_OF)
    hits = res.findings.filter(pl.col("rule").is_in(list(with_any)))
    out = []
    for f in hits.iter_rows(named=True):
        d = engine.evaluate(records[f[INDEX]], as_of=AS_OF)
        out.append((with_any[f["rule"]], _fact_form(d.facts), f["message"]))
        assert f["message"] in [x.message for x in d.findings if x.rule == f["rule"]]
    return out


def test_no_message_of_the_example_year_names_a_fact_that_is_not_the_reason(example_year: Any) -> None:
    assert sum(rule.id == PERCEEL_RULE for rule, _, _ in example_year) >= 20
    for rule, fact, message in example_year:
        assert not named_non_reasons(rule.message, rule.cond, fact), (rule.id, message)
        for name in not_the_reason(rule.cond, fact):
            assert not re.search(r":\s*(nee|false|False)\b", message), (rule.id, name, message)


def test_the_assertion_catches_the_old_perceel_message(example_year: Any) -> None:
    caught = [named_non_reasons(OLD_PERCEEL_MESSAGE, rule.cond, fact)
              for rule, fact, _ in example_year if rule.id == PERCEEL_RULE]
    assert any(c & {"safety_concern", "out_of_home"} for c in caught)
    old = [format_message(OLD_PERCEEL_MESSAGE, fact) for rule, fact, _ in example_year if rule.id == PERCEEL_RULE]
    assert any("veiligheid: nee" in m for m in old)


# ---------------------------------------------------------------- conditional parts


def test_every_message_template_of_the_rules_is_well_formed(engine: Engine) -> None:
    for rule in _all_rules(engine):
        assert problems(rule.message) == [], rule.id
    for g in engine.catalogue.grounds.values():
        for text in (g.ground.message or "", g.ground.review or ""):
            assert problems(text) == [], g.id


def test_a_malformed_conditional_part_is_reported() -> None:
    assert problems("A{?no_such_field: x}") == ["bericht noemt onbekend veld 'no_such_field'"]
    assert problems("A{?safety_concern x}") and problems("A{?complexity=: x}")
    pieces = parse("A{?complexity=meervoudig: B {domains}.}C")
    assert pieces[1] == Part("complexity", "equals", "meervoudig", parse(" B {domains}."))
    assert parse(" B {domains}.")[1] == Slot("domains")


TEMPLATE = ("X{?safety_concern: veilig}{?!school_level: geen school}{?school_level: school {school_level}}"
            "{?complexity=meervoudig: meer}{?crisis=nee: geen crisis}{?domains: in {domains}}{?!domains: leeg}"
            "{?age: {age} jaar}{?!start_date: geen start}.")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.fixed_dictionaries({
    "safety_concern": st.sampled_from([None, True, False]),
    "crisis": st.sampled_from([None, True, False]),
    "school_level": st.sampled_from([None, "po", "so", "vo"]),
    "complexity": st.sampled_from([None, "enkelvoudig", "meervoudig"]),
    "domains": st.sampled_from([None, [], ["gedrag"], ["gedrag", "school"]]),
    "age": st.sampled_from([None, 0, 7, 17]),
    "start_date": st.sampled_from([None, dt.date(2025, 3, 1).toordinal()]),
}), min_size=1, max_size=8))
def test_conditional_parts_read_the_same_for_one_case_and_a_batch(facts: list[dict[str, Any]]) -> None:
    frame = pl.DataFrame(facts, schema={
        "safety_concern": pl.Boolean, "crisis": pl.Boolean, "school_level": pl.Utf8,
        "complexity": pl.Utf8, "domains": pl.List(pl.Utf8), "age": pl.Int64, "start_date": pl.Int32})
    batch = frame.select(message_expr(TEMPLATE).alias("m"))["m"].to_list()
    assert batch == [format_message(TEMPLATE, f) for f in facts]
    for f, m in zip(facts, batch):
        assert ("veilig" in m) == (f["safety_concern"] is True)
        assert ("geen crisis" in m) == (f["crisis"] is False)
        assert ("in gedrag" in m) == bool(f["domains"]) and ("leeg" in m) == (not f["domains"])
        assert ("geen school" in m) == (f["school_level"] is None)


def _case_input(file: str, name: str) -> dict[str, Any]:
    case = next(c for c in load_cases(ROOT / "fixtures" / "cases" / file, ROOT) if c.name == name)
    return dict(case.input)


@pytest.mark.parametrize("extra, shown, hidden", [
    ({}, "Het besluit legt geen verlengde jeugdhulp vast.", "eindigde op"),
    ({"previous_care_end_date": "2023-06-01"}, "De vorige jeugdhulp eindigde op 1 juni 2023, meer dan een "
     "half jaar voor de start.", "legt geen verlengde jeugdhulp vast"),
])
def test_foster_care_over_21_names_the_alternative_that_holds(
        engine: Engine, columnar: ColumnarEvaluator, extra: dict[str, Any], shown: str, hidden: str) -> None:
    record = {**_case_input("legal.yaml", "age: pleegzorg voor een 21-jarige zonder verlengde jeugdhulp"), **extra}
    one, batch = _messages(engine, columnar, record, "age.foster_care_over_21")
    assert one == batch and len(one) == 1
    assert shown in one[0] and hidden not in one[0]


@pytest.mark.parametrize("extra, shown", [
    ({"school_level": "vo"}, "de vastgelegde schoolsoort is vo."),
    ({"school_level": None}, "het besluit legt geen schoolsoort vast."),
])
def test_a_code_condition_names_the_recorded_fact_or_its_absence(
        engine: Engine, columnar: ColumnarEvaluator, extra: dict[str, Any], shown: str) -> None:
    record = {**_case_input("legal.yaml", "eligibility: dyslexiezorg voor een basisschoolleerling van 9 "
                            "met leerlingdossier"), **extra}
    one, batch = _messages(engine, columnar, record, "eligibility.54b03.primary_school")
    assert one == batch and len(one) == 1 and one[0].endswith(shown)
    assert "(leeg)" not in one[0]


@pytest.mark.parametrize("request_date, decision_date, text", [
    (None, 739000, "De beslistermijn is niet te toetsen. De aanvraagdatum ontbreekt."),
    (739000, None, "De beslistermijn is niet te toetsen. De besluitdatum ontbreekt."),
    (None, None, "De beslistermijn is niet te toetsen. De aanvraagdatum ontbreekt. De besluitdatum ontbreekt."),
])
def test_the_audit_names_the_date_that_is_missing_not_the_one_that_is_there(
        engine: Engine, request_date: int | None, decision_date: int | None, text: str) -> None:
    rule = next(r for r in compile_audit(engine.catalogue).rules if r.id == "transparency.decision_term.dates_missing")
    fact = {"request_date": request_date, "decision_date": decision_date}
    assert holds(rule.cond, {**fact, "outcome": "rejected", "light_help": True})
    assert format_message(rule.message, fact) == text
    frame = pl.DataFrame([fact], schema={"request_date": pl.Int32, "decision_date": pl.Int32})
    assert frame.select(message_expr(rule.message))[0, 0] == text
