"""The legal edges (issue 10, docs/legal.md): calendar arithmetic behind the age and duration
rules, a code's own conditions compiled into rules, court orders as a closed vocabulary, and the
docs table naming rules and cases that exist."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from zorgregels import Engine
from zorgregels.catalogue.compile import compile_audit
from zorgregels.catalogue.conditions import holds
from zorgregels.catalogue.loader import check_catalogue, load_catalogue
from zorgregels.core.exprs import EPOCH_ORDINAL
from zorgregels.core.periods import add_months, add_months_expr, months_spanned, months_spanned_expr
from zorgregels.jobs.cases import load_cases

ROOT = Path(__file__).resolve().parents[1]
RULES = ROOT / "rules"
CODES = RULES / "zuid-kennemerland-ijmond" / "codes.yaml"
DAYS = st.dates(dt.date(1990, 1, 1), dt.date(2040, 12, 31))


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.from_path(RULES)


# ---------------------------------------------------------------- calendar arithmetic


@given(days=st.lists(DAYS, min_size=1, max_size=30), months=st.integers(0, 30))
def test_add_months_is_polars_offset_by(days: list[dt.date], months: int) -> None:
    frame = pl.DataFrame({"d": [d.toordinal() for d in days]})
    got = frame.select(add_months_expr(pl.col("d"), months)).to_series().to_list()
    assert got == [add_months(d, months) for d in days]


@given(pairs=st.lists(st.tuples(DAYS, st.integers(0, 900)), min_size=1, max_size=30))
def test_months_spanned_has_one_meaning_in_both_forms(pairs: list[tuple[dt.date, int]]) -> None:
    starts = [s for s, _ in pairs]
    ends = [s + dt.timedelta(days=n) for s, n in pairs]
    frame = pl.DataFrame({"s": [d.toordinal() for d in starts], "e": [d.toordinal() for d in ends]})
    got = frame.select(months_spanned_expr(pl.col("s"), pl.col("e"))).to_series().to_list()
    assert got == [months_spanned(s, e) for s, e in zip(starts, ends)]


@given(start=DAYS, months=st.integers(1, 36))
def test_a_period_of_whole_months_spans_exactly_that_many(start: dt.date, months: int) -> None:
    end = add_months(start, months) - dt.timedelta(days=1)
    if start.day <= 28:  # from a 29th-31st the month ends clamp; a started month then counts in full
        assert months_spanned(start, end) == months
    assert months_spanned(start, end + dt.timedelta(days=1)) == months + 1
    assert months_spanned(start, start) == 1


def test_half_a_year_after_a_month_end_is_the_last_day_of_the_month() -> None:
    assert add_months(dt.date(2024, 8, 31), 6) == dt.date(2025, 2, 28)
    assert add_months(dt.date(2023, 8, 31), 6) == dt.date(2024, 2, 29)
    assert dt.date(1970, 1, 1).toordinal() == EPOCH_ORDINAL


# ---------------------------------------------------------------- a code's own conditions


def _catalogue_with(tmp_path: Path, old: str, new: str) -> Path:
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    codes = rules / "zuid-kennemerland-ijmond" / "codes.yaml"
    text = codes.read_text(encoding="utf-8")
    assert old in text
    codes.write_text(text.replace(old, new, 1), encoding="utf-8")
    return rules


def test_code_conditions_become_rules_of_check_eligibility() -> None:
    cat = load_catalogue(RULES)
    rules = {r.id: r for r in cat.rules}
    for rid in ("eligibility.54b03.primary_school", "eligibility.54b03.from_age_7",
                "eligibility.54b03.school_file", "eligibility.54b03.max_duration",
                "eligibility.54b03.review", "eligibility.45a11.max_duration"):
        assert rules[rid].rule.check == "eligibility", rid
        assert rules[rid].source.file.endswith("codes.yaml")
        assert not rules[rid].source.national
    # nothing required: a decision on another code is no "not evaluable" of these rules
    assert all(not rules[r].rule.requires for r in rules if r.startswith("eligibility."))
    assert rules["eligibility.54b03.review"].rule.severity == "info"
    # the rule's line is the code's declaration of the condition
    lines = CODES.read_text(encoding="utf-8").splitlines()
    line = rules["eligibility.54b03.from_age_7"].source.line
    assert line is not None and "from_age_7" in lines[line - 1]


def test_a_condition_on_an_unknown_field_is_reported_at_the_code(tmp_path: Path) -> None:
    rules = _catalogue_with(tmp_path, "holds: {school_file: true}", "holds: {school_dossier: true}")
    cat, diags = check_catalogue(rules)
    assert cat is None
    (d,) = [d for d in diags if d.severity == "error"]
    assert d.code == "condition.invalid" and "school_dossier" in d.message
    assert d.rule == "eligibility.54b03.school_file" and d.file and d.file.endswith("codes.yaml")
    text = (rules / "zuid-kennemerland-ijmond" / "codes.yaml").read_text(encoding="utf-8").splitlines()
    assert d.line is not None and "school_file" in text[d.line - 1]


def test_a_review_after_the_maximum_is_a_schema_error(tmp_path: Path) -> None:
    rules = _catalogue_with(tmp_path, "max_months: 18\n      review_months: 6",
                            "max_months: 18\n      review_months: 24")
    cat, diags = check_catalogue(rules)
    assert cat is None
    assert any(d.code == "schema.invalid_value" and "review_months" in d.message for d in diags)


def test_a_generated_rule_id_may_not_clash_with_a_declared_rule(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    (rules / "zuid-kennemerland-ijmond" / "extra.yaml").write_text(
        "rules:\n  - id: eligibility.45a11.max_duration\n    check: eligibility\n    severity: info\n"
        "    message: \"dubbel\"\n    basis: \"Jeugdwet art. 2.3\"\n    when: {crisis: true}\n",
        encoding="utf-8")
    cat, diags = check_catalogue(rules)
    assert cat is None
    assert any(d.code == "ref.duplicate_id" and "eligibility.45a11.max_duration" in d.message for d in diags)


def test_an_unknown_care_form_is_refused(tmp_path: Path) -> None:
    rules = _catalogue_with(tmp_path, "care_form: foster_care", "care_form: pleegzorg")
    cat, diags = check_catalogue(rules)
    assert cat is None
    assert any(d.code == "schema.invalid_value" and "care_form" in d.message for d in diags)


def test_every_code_of_the_example_region_declares_its_care_form() -> None:
    cat = load_catalogue(RULES)
    assert len(cat.codes) == 32
    assert all(c.care_form is not None for c in cat.codes.values())
    assert cat.codes["35A01"].care_form == "foster_care"
    assert {c.id for c in cat.codes.values() if c.care_form == "closed"} == {"37A01", "37A02"}
    assert {c.id for c in cat.codes.values() if c.wlz_covered} == {"41A02", "43A02"}


# ---------------------------------------------------------------- court orders


def test_a_rule_naming_an_unknown_court_order_is_refused(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    (rules / "zuid-kennemerland-ijmond" / "extra.yaml").write_text(
        "rules:\n  - id: closed_care.ots\n    check: closed_care\n    severity: info\n"
        "    message: \"OTS\"\n    basis: \"BW art. 1:255\"\n    when: {court_orders: {contains: otz}}\n",
        encoding="utf-8")
    cat, diags = check_catalogue(rules)
    assert cat is None
    assert any(d.code == "condition.invalid" and "otz" in d.message for d in diags)


def _placement(**extra: str) -> dict[str, str]:
    base = {
        "decision_id": "K1", "municipality": "GM0392", "request_date": "2025-02-01",
        "decision_date": "2025-03-03", "client_id": "c1", "birth_date": "2017-06-01",
        "referrer_type": "04", "domains": "opvoeden", "severity": "ernstig", "out_of_home": "true",
        "explanatory_analysis_date": "2025-02-20", "outcome": "granted", "code": "35A01",
        "perceel": "1", "provider_type": "consortium", "volume": "7", "unit": "14",
        "frequency": "2", "tariff": "64.83", "start_date": "2025-03-10", "end_date": "2025-09-09",
    }
    return {**base, **extra}


def test_court_orders_in_a_batch_read_as_in_one_case(engine: Engine, tmp_path: Path) -> None:
    rows = [
        _placement(decision_id="K1", court_orders="ots;machtiging_uithuisplaatsing"),
        _placement(decision_id="K2", court_orders="ots;machtiging_uithuisplaatsing", code="37A01",
                   tariff="555.03"),
        _placement(decision_id="K3", court_orders=" spoedmachtiging_gesloten_jeugdhulp ", code="37A02",
                   tariff="584.75", referrer_type="08"),
        _placement(decision_id="K4", court_authorisation="ja", code="37A01", tariff="555.03",
                   referrer_type="08"),
        _placement(decision_id="K5", court_orders="ots;machtiging"),
    ]
    csv = tmp_path / "besluiten.csv"
    pl.DataFrame(rows).write_csv(csv)
    report = engine.validate(csv)
    fired = {d: set(report.findings.filter(pl.col("decision_id") == d)["rule"].to_list())
             for d in ("K1", "K2", "K3", "K4", "K5")}
    assert fired["K1"] == set()
    assert fired["K2"] == {"closed_care.no_authorisation", "closed_care.reported", "code_fit.too_heavy"}
    assert fired["K3"] == {"closed_care.reported"}
    assert fired["K4"] == {"closed_care.reported", "input.court_authorisation_deprecated"}
    assert fired["K5"] == {"input.invalid_value"}
    bad = report.findings.filter(pl.col("decision_id") == "K5")
    assert "machtiging" in bad["message"][0] and "ots;machtiging" not in bad["message"][0].split("onbekend")[-1]
    for row in rows[:4]:  # the engine of record agrees, case by case
        case = {k: v for k, v in row.items()}
        assert {f.rule for f in engine.evaluate(case).findings} == fired[row["decision_id"]]


# ---------------------------------------------------------------- docs/legal.md


def test_the_legal_table_names_rules_and_cases_that_exist() -> None:
    text = (ROOT / "docs" / "legal.md").read_text(encoding="utf-8")
    block = text.split("<!-- helper: legal -->")[1].split("<!-- /helper: legal -->")[0]
    rows = [r for r in block.strip().splitlines() if r.startswith("|")]
    assert len(rows) >= 10
    rule_ids = {r.id for r in load_catalogue(RULES).rules}
    names = [c.name for f in sorted((ROOT / "fixtures" / "cases").glob("*.yaml"))
             for c in load_cases(f, ROOT)]
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert len(cells) == 4, row
        ids = [i for i in re.findall(r"`([a-z_]+\.[a-z0-9_<>.]+)`", cells[1]) if "<" not in i]
        assert ids, row
        assert set(ids) <= rule_ids, set(ids) - rule_ids
        for quoted in re.findall(r'"([^"]+)"', cells[3]):
            stem = quoted.split(" ...")[0]
            assert any(stem in n for n in names), quoted


# ---------------------------------------------------------------- the rejection ground "geen jeugdige"


@pytest.mark.parametrize(("facts", "is_jeugdige"), [
    ({"age": 19, "code_care_form": "foster_care"}, True),  # pleegzorg to 21
    ({"age": 21, "code_care_form": "foster_care"}, False),
    ({"age": 19, "code_care_form": "ambulant"}, False),
    ({"age": 19, "code_care_form": "ambulant", "resumed_within_half_year": True}, True),
    ({"age": 19, "code_care_form": "ambulant", "resumed_within_half_year": False}, False),
    ({"age": 20, "extended_care": True}, True),
    ({"age": 24, "extended_care": True}, False),
    ({"age": 17}, True),
])
def test_the_ground_not_a_jeugdige_follows_the_law(facts: dict[str, object], is_jeugdige: bool) -> None:
    (ground,) = [c for c in compile_audit(load_catalogue(RULES)).stages[0].conditions
                 if c.id == "ground.geen_jeugdige"]
    fact = {"rejection_reason": "geen_jeugdige", "extended_care": False, **facts}
    assert holds(ground.cond, fact) is not is_jeugdige


def test_a_region_code_with_a_hyphen_gets_a_valid_rule_id(tmp_path: Path) -> None:
    rules = _catalogue_with(tmp_path, "id: 45A11\n", "id: ZK-MST1\n")
    text = (rules / "zuid-kennemerland-ijmond" / "tables.yaml").read_text(encoding="utf-8")
    (rules / "zuid-kennemerland-ijmond" / "tables.yaml").write_text(text.replace("45A11", "ZK-MST1"),
                                                                     encoding="utf-8")
    cat = load_catalogue(rules)
    assert "eligibility.zk_mst1.max_duration" in {r.id for r in cat.rules}
