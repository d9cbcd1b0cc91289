"""The transparency audit of light-help rejections: verdicts, criteria, receipts, counts."""

from __future__ import annotations

import csv
import datetime as dt
import importlib.metadata
import importlib.util
import json
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import zorgregels
from zorgregels import Engine
from zorgregels.catalogue.compile import compile_audit
from zorgregels.catalogue.conditions import holds
from zorgregels.core.facts import derive, read_record, to_fact
from zorgregels.diagnostics import InputError
from zorgregels.io.privacy import BSN_MASK
from zorgregels.jobs.audit import (
    CRITERIA,
    Auditor,
    AuditReport,
    audit_rejections,
    canonical_json,
    sha256,
)
from zorgregels.jobs.audit.auditor import mask_bsn

ROOT = Path(__file__).resolve().parent.parent
EXACT = ROOT / "fixtures" / "audit" / "exact.csv"
YEAR = ROOT / "fixtures" / "audit" / "decisions_2025.csv"


@pytest.fixture(scope="module")
def audit_engine() -> Engine:
    return Engine.from_path(ROOT / "rules")


@pytest.fixture(scope="module")
def exact(audit_engine: Engine) -> AuditReport:
    return audit_rejections(audit_engine, EXACT)


@pytest.fixture(scope="module")
def year(audit_engine: Engine) -> AuditReport:
    return audit_rejections(audit_engine, YEAR)


def by_id(report: AuditReport) -> dict:
    return {d.decision_id: d for d in report.decisions}


def failing(d) -> set[str]:
    return {c.criterion for c in d.criteria if c.status == "fail"}


def crit(d, name: str):
    return next(c for c in d.criteria if c.criterion == name)


# ---------------------------------------------------------------- the hand-written fixture

EXPECTED = {
    "E01": ("transparent", set()),
    "E02": ("not_testable", {"ground_known"}),
    "E03": ("not_testable", {"ground_known"}),
    "E04": ("incomplete", {"four_steps"}),
    "E05": ("incomplete", {"ground_holds"}),
    "E06": ("not_testable", {"ground_holds", "alternative_named"}),
    "E07": ("transparent", set()),
    "E08": ("incomplete", {"motivation_specific"}),
    "E09": ("incomplete", {"motivation_specific"}),
    "E10": ("incomplete", {"motivation_specific"}),
    "E11": ("incomplete", {"motivation_specific"}),
    "E12": ("incomplete", {"decision_term"}),
    "E13": ("transparent", set()),
    "E14": ("incomplete", {"objection_info"}),
    "E15": ("incomplete", {"objection_info"}),
    "E16": ("forbidden_ground", {"forbidden_ground"}),
    "E17": ("forbidden_ground", {"forbidden_ground"}),
    "E18": ("incomplete", {"ground_holds"}),
    "E19": ("incomplete", {"ground_holds"}),
    "E20": ("incomplete", {"ground_holds"}),
    "E23": ("not_testable", {"decision_term"}),
    "E25": ("incomplete", {"ground_holds"}),
}


@pytest.mark.parametrize("decision_id", sorted(EXPECTED))
def test_exact_verdict_and_failing_criteria(exact: AuditReport, decision_id: str) -> None:
    d = by_id(exact)[decision_id]
    verdict, fails = EXPECTED[decision_id]
    assert d.verdict == verdict
    assert failing(d) == fails


def test_only_light_help_rejections_are_audited(exact: AuditReport) -> None:
    assert sorted(by_id(exact)) == sorted(EXPECTED)  # E21 granted, E22 heavy code, E24 no code
    s = exact.summary
    assert s["rows"] == 25
    assert s["rows_accounted"] == {"light_help_rejected_audited": 22, "light_help_granted": 1,
                                   "not_light_help": 1, "not_determined": 1}
    assert [(n.decision_id, n.row) for n in exact.not_audited] == [("E24", 24)]
    assert "code ontbreekt" in exact.not_audited[0].reason


def test_criteria_ids_and_order(exact: AuditReport) -> None:
    for d in exact.decisions:
        assert [c.criterion for c in d.criteria] == list(CRITERIA)
        for c in d.criteria:
            assert c.status in ("pass", "fail", "needs_review", "not_applicable")
            assert c.message and c.basis


def test_messages_state_facts(exact: AuditReport) -> None:
    d = by_id(exact)
    assert crit(d["E05"], "ground_holds").message == "De grond vraagt een Wlz-indicatie; het record heeft er geen."
    assert "Jeugdwet art. 1.2" in crit(d["E05"], "ground_holds").basis
    assert crit(d["E06"], "alternative_named").message.startswith("Geen alternatief genoemd")
    assert "alternative_offered" in crit(d["E06"], "ground_holds").message
    m = crit(d["E04"], "four_steps").message
    assert "Stap 2" in m and "deskundigheid" in m and "Stap 1" not in m
    assert "80 dagen" in crit(d["E12"], "decision_term").message
    assert "verdagingsbericht" in crit(d["E13"], "decision_term").message
    assert crit(d["E13"], "decision_term").status == "pass"
    assert crit(d["E14"], "objection_info").rules == ["transparency.objection_info.absent"]
    assert crit(d["E15"], "objection_info").rules == ["transparency.objection_info.not_recorded"]
    assert crit(d["E16"], "forbidden_ground").message == "Een uitgeput budget is geen grond om noodzakelijke hulp te weigeren."
    assert "matched care" in crit(d["E17"], "forbidden_ground").message
    assert "noemt GM0392, de besluitende gemeente is GM0392" in crit(d["E18"], "ground_holds").message
    assert "verzoek 25 maart 2025, besluit 21 maart 2025" in crit(d["E19"], "ground_holds").message
    assert "netwerk onderzocht: nee" in crit(d["E20"], "ground_holds").message
    assert "leeftijd 15" in crit(d["E25"], "ground_holds").message
    assert "staat niet in de catalogus" in crit(d["E03"], "ground_known").message
    assert crit(d["E02"], "ground_known").message == "Er is geen afwijzingsgrond vastgelegd."
    assert "request_date" in d["E23"].reasons[0]


def test_needs_review_is_reported_not_approximated(exact: AuditReport) -> None:
    d = by_id(exact)
    c = crit(d["E07"], "ground_holds")
    assert c.status == "needs_review"
    assert "passend en beschikbaar" in c.message
    assert d["E07"].verdict == "transparent"
    assert any("ter beoordeling" in r for r in d["E07"].reasons)
    # a ground whose facts decide it completely (Wlz) passes without review
    assert crit(d["E01"], "ground_holds").status == "pass"


def test_not_applicable(exact: AuditReport) -> None:
    d = by_id(exact)
    assert crit(d["E01"], "alternative_named").status == "not_applicable"
    assert crit(d["E07"], "alternative_named").status == "pass"
    assert crit(d["E16"], "ground_holds").status == "not_applicable"
    assert crit(d["E02"], "forbidden_ground").status == "not_applicable"


def test_boilerplate_copies_flagged_and_named(exact: AuditReport) -> None:
    d = by_id(exact)
    for i in ("E09", "E10", "E11"):
        c = crit(d[i], "motivation_specific")
        assert c.rules == ["transparency.motivation_specific.reused"]
        assert "3 afwijzingen" in c.message
        assert d[i].receipt.motivation_reuse == 3
        assert set(d[i].reused_with) == {"E09", "E10", "E11"} - {i}
    assert crit(d["E01"], "motivation_specific").status == "pass"
    assert d["E01"].reused_with == []


def test_reuse_threshold_is_configurable(audit_engine: Engine) -> None:
    higher = by_id(audit_rejections(audit_engine, EXACT, reuse_threshold=4))
    assert crit(higher["E09"], "motivation_specific").status == "pass"
    assert higher["E09"].verdict == "transparent"


def test_transparency_rules_compile_into_the_audit_only(audit_engine: Engine) -> None:
    cat = audit_engine.catalogue
    criteria = [r.id for r in cat.rules if r.rule.check == "transparency"]
    assert len(criteria) == 33
    assert not [r for r in audit_engine.compiled.rules if r.check == "transparency"]
    assert [r.id for r in audit_engine.compiled.rules] == [
        r.id for r in cat.rules if r.rule.check != "transparency"]
    audit = compile_audit(cat)
    grounds, rules = audit.stages
    assert [r.id for r in rules.rules] == criteria and not grounds.rules and not grounds.tables
    # one condition per ground that has one; a forbidden ground has none that could carry a rejection
    assert [c.id for c in grounds.conditions] == [
        "ground.voorliggende_voorziening", "ground.eigen_kracht", "ground.andere_wet",
        "ground.geen_jeugdige", "ground.woonplaats", "ground.onvoldoende_informatie"]
    andere_wet = grounds.conditions[2]
    assert holds(andere_wet.cond, {"rejection_reason": "andere_wet", "wlz_indication": True})
    assert not holds(andere_wet.cond, {"rejection_reason": "eigen_kracht", "wlz_indication": True})
    assert andere_wet.basis == cat.grounds["andere_wet"].ground.basis


def test_the_engine_keeps_one_auditor_that_keeps_no_state_between_batches(
        audit_engine: Engine, exact: AuditReport) -> None:
    auditor = audit_engine.auditor
    assert audit_engine.auditor is auditor
    assert isinstance(auditor, Auditor)
    rows = list(csv.DictReader(EXACT.open(encoding="utf-8")))
    # a batch in between (another reuse context) leaves no trace in the next one
    auditor.audit(rows[:5])
    with ThreadPoolExecutor(max_workers=3) as pool:
        reports = list(pool.map(lambda _: audit_engine.audit_rejections(EXACT), range(3)))
    for report in reports:
        assert report.jsonl_lines() == exact.jsonl_lines()
    # the function builds its own auditor over the same compiled rules
    assert audit_rejections(audit_engine, EXACT).jsonl_lines() == exact.jsonl_lines()
    other = Engine.from_path(ROOT / "rules")
    assert other.auditor is not auditor


def test_transparency_rules_do_not_fire_outside_the_audit(audit_engine: Engine) -> None:
    row = next(r for r in csv.DictReader(EXACT.open(encoding="utf-8")) if r["decision_id"] == "E04")
    decision = audit_engine.evaluate(row)
    assert not [f for f in decision.findings if f.check == "transparency"]
    assert not [n for n in decision.not_evaluable if n.check == "transparency"]


# ---------------------------------------------------------------- receipts


def test_receipt_contents(exact: AuditReport, audit_engine: Engine) -> None:
    r = by_id(exact)["E01"].receipt
    assert r.zorgregels == zorgregels.__version__
    assert r.durable_rules == importlib.metadata.version("durable-rules") == "2.0.28"
    assert r.rule_format == 1
    assert r.rules_hash == audit_engine.rules_hash
    assert r.as_of == "2025-03-21"
    body = r.model_dump()
    h = body.pop("hash")
    assert h == sha256(canonical_json(body))
    assert r.is_sealed() and not r.model_copy(update={"motivation_reuse": 7}).is_sealed()


def test_same_input_same_receipt(audit_engine: Engine, exact: AuditReport) -> None:
    again = audit_rejections(audit_engine, EXACT)
    assert [d.receipt.hash for d in again.decisions] == [d.receipt.hash for d in exact.decisions]
    # the same records as dicts (another input route) give the same receipts
    rows = list(csv.DictReader(EXACT.open(encoding="utf-8")))
    as_dicts = by_id(audit_rejections(audit_engine, rows))
    for d in exact.decisions:
        assert as_dicts[d.decision_id].receipt == d.receipt


def test_changed_input_changes_receipt(audit_engine: Engine, exact: AuditReport) -> None:
    rows = list(csv.DictReader(EXACT.open(encoding="utf-8")))
    for r in rows:
        if r["decision_id"] == "E01":
            r["expertise"] = "jeugdarts"
    changed = by_id(audit_rejections(audit_engine, rows))
    before = by_id(exact)
    assert changed["E01"].receipt.input_hash != before["E01"].receipt.input_hash
    assert changed["E01"].receipt.hash != before["E01"].receipt.hash
    assert changed["E01"].verdict == before["E01"].verdict
    assert changed["E07"].receipt.hash == before["E07"].receipt.hash
    fixed = by_id(audit_rejections(audit_engine, EXACT, as_of=dt.date(2025, 6, 1)))
    assert fixed["E01"].receipt.as_of == "2025-06-01"
    assert fixed["E01"].receipt.hash != before["E01"].receipt.hash


def test_input_forms(audit_engine: Engine, exact: AuditReport) -> None:
    df = pl.read_csv(EXACT, infer_schema=False)
    via_df = audit_engine.audit_rejections(df)
    assert [(d.decision_id, d.verdict) for d in via_df.decisions] == \
        [(d.decision_id, d.verdict) for d in exact.decisions]
    via_list = audit_rejections(audit_engine, [EXACT])
    assert [d.receipt.hash for d in via_list.decisions] == [d.receipt.hash for d in exact.decisions]


# ---------------------------------------------------------------- bsn


def test_bsn_never_in_output(audit_engine: Engine, year: AuditReport) -> None:
    bsns = {r["bsn"] for r in csv.DictReader(YEAR.open(encoding="utf-8"))}
    assert len(bsns) > 2000
    text = "\n".join(year.jsonl_lines()) + json.dumps(year.summary) + year.model_dump_json()
    from zorgregels.jobs.audit.page import render

    text += render(year)
    runs = set(re.findall(r"\d{9}", text))
    assert not (runs & bsns)


def test_bsn_in_another_column_is_masked(audit_engine: Engine) -> None:
    rows = list(csv.DictReader(EXACT.open(encoding="utf-8")))
    rows[0]["decision_id"] = rows[0]["bsn"]  # an export that used the bsn as decision id
    report = audit_rejections(audit_engine, rows)
    assert "111222333" not in report.model_dump_json()
    assert BSN_MASK in [d.decision_id for d in report.decisions]
    assert all(d.receipt.is_sealed() for d in report.decisions)


def test_masking_never_breaks_a_receipt(year: AuditReport) -> None:
    runs = {m for d in year.decisions for m in re.findall(r"\d{8,}", d.receipt.hash)}
    assert runs  # hex hashes have runs of digits; one that looked like a bsn must stay whole
    bsn = sorted(runs)[0][:8]
    masked = mask_bsn(year, {bsn})
    assert [d.receipt for d in masked.decisions] == [d.receipt for d in year.decisions]
    assert all(d.receipt.is_sealed() for d in masked.decisions)


# ---------------------------------------------------------------- the example year


def test_year_matches_planted_defects(year: AuditReport) -> None:
    truth = {r["decision_id"]: r for r in csv.DictReader(YEAR.open(encoding="utf-8"))}
    assert len(year.decisions) > 300
    for d in year.decisions:
        r = truth[d.decision_id]
        assert d.verdict == r["expected_verdict"], d.decision_id
        assert failing(d) == set(filter(None, r["planted"].split(";"))), d.decision_id


def test_year_covers_every_criterion_and_verdict(year: AuditReport) -> None:
    fails = {c for d in year.decisions for c in failing(d)}
    assert fails == set(CRITERIA)
    assert {d.verdict for d in year.decisions} == {"transparent", "incomplete", "not_testable", "forbidden_ground"}
    clean = [d for d in year.decisions if not failing(d)]
    assert len(clean) > 100


def test_year_rows_accounted_and_rates(year: AuditReport) -> None:
    s = year.summary
    assert s["rows"] == sum(1 for _ in csv.DictReader(YEAR.open(encoding="utf-8")))
    assert sum(s["rows_accounted"].values()) == s["rows"]
    reasons = sorted(n.reason.split(";")[0].split(" (")[0] for n in year.not_audited)
    assert len(reasons) == 3
    ov = s["overall"]
    assert ov["light_help_rejected"] == len(year.decisions)
    assert ov["rejection_rate"] == round(ov["light_help_rejected"] / (ov["light_help_rejected"] + ov["light_help_granted"]), 4)
    for dim in ("municipality", "team", "referrer_type"):
        groups = s["by"][dim]
        assert sum(g["light_help_rejected"] for g in groups.values()) == ov["light_help_rejected"]
        assert sum(g["light_help_granted"] for g in groups.values()) == ov["light_help_granted"]
    grounds = s["by"]["rejection_ground"]
    assert sum(g["light_help_rejected"] for g in grounds.values()) == ov["light_help_rejected"]
    assert grounds["budget_op"]["forbidden"] and not grounds["eigen_kracht"]["forbidden"]
    assert grounds["past niet"]["in_catalogue"] is False
    assert s["by"]["municipality"]["GM0392"]["label"] == "Haarlem"


def test_generator_is_deterministic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = importlib.util.spec_from_file_location("gen_audit", ROOT / "fixtures" / "audit" / "generate.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    out = tmp_path / "year.csv"
    monkeypatch.setattr(mod, "OUT", out)
    mod.main()
    assert out.read_bytes() == YEAR.read_bytes()


# ---------------------------------------------------------------- ground conditions: durable vs reference

BASE = {"municipality": "GM0392", "outcome": "rejected", "code": "45B01", "request_date": "2025-03-01",
        "decision_date": "2025-03-21", "motivation": "x", "help_question": "a", "problems": "b",
        "needed_help": "c", "network_assessment": "d", "expertise": "e", "objection_info": "true"}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    ground=st.sampled_from(["andere_wet", "geen_jeugdige", "woonplaats", "onvoldoende_informatie",
                            "eigen_kracht", "voorliggende_voorziening"]),
    age=st.integers(0, 30),
    wlz=st.sampled_from(["true", "false", ""]),
    extended=st.sampled_from(["true", "false", ""]),
    responsible=st.sampled_from(["GM0392", "GM0363", ""]),
    info_offset=st.one_of(st.none(), st.integers(-40, 10)),
    network=st.sampled_from(["true", "false", ""]),
    alternative=st.sampled_from(["", "oudercursus"]),
)
def test_ground_holds_agrees_with_reference_semantics(audit_engine: Engine, ground, age, wlz, extended,
                                                      responsible, info_offset, network, alternative) -> None:
    decision = dt.date(2025, 3, 21)
    raw = dict(BASE, rejection_reason=ground, age=str(age), wlz_indication=wlz, extended_care=extended,
               responsible_municipality=responsible, network_assessed=network,
               alternative_offered=alternative, decision_id="H1",
               motivation=f"uniek {ground} {age} {wlz} {extended} {responsible} {info_offset} {network}")
    if info_offset is not None:
        raw["information_requested_date"] = (decision + dt.timedelta(days=info_offset)).isoformat()
    d = audit_rejections(audit_engine, [raw]).decisions[0]
    g = audit_engine.catalogue.grounds[ground]
    typed, _, _ = read_record(raw)
    fact = to_fact({**typed, **derive(typed, audit_engine.catalogue, decision)})
    missing = [f for f in g.ground.needs if f not in fact]
    status = crit(d, "ground_holds").status
    if missing:
        assert status == "fail" and d.verdict == "not_testable"
    elif holds(g.holds_when, fact):
        assert status in ("pass", "needs_review")
    else:
        assert status == "fail" and d.verdict == "incomplete"


def test_a_ground_message_naming_an_unknown_field_is_refused(tmp_path: Path) -> None:
    import shutil

    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    text = (rules / "zuid-kennemerland-ijmond" / "grounds.yaml").read_text(encoding="utf-8")
    (rules / "zuid-kennemerland-ijmond" / "grounds.yaml").write_text(text.replace("{wlz_indication}", "{wlz}").replace(
        "het record heeft er geen.", "het record heeft er geen ({wlz_indicatie})."), encoding="utf-8")
    engine = Engine.from_path(rules)
    with pytest.raises(InputError, match="wlz_indicatie"):
        audit_rejections(engine, EXACT)


def test_same_receipts_from_jsonl_and_in_any_row_order(tmp_path: Path, audit_engine: Engine,
                                                       exact: AuditReport) -> None:
    rows = list(csv.DictReader(EXACT.open(encoding="utf-8")))
    jsonl = tmp_path / "exact.jsonl"
    jsonl.write_text("".join(json.dumps({k: v for k, v in r.items() if v != ""}, ensure_ascii=False) + "\n"
                             for r in reversed(rows)), encoding="utf-8")
    other = by_id(audit_rejections(audit_engine, jsonl))
    for d in exact.decisions:
        assert other[d.decision_id].receipt == d.receipt
        assert other[d.decision_id].criteria == d.criteria


def test_python_values_are_read_as_their_text(audit_engine: Engine, exact: AuditReport) -> None:
    """Records go through the one framing (io.frame): a dict with Python values is the same
    record as the CSV row with their text, so it gets the same verdict and the same receipt."""
    row = next(r for r in csv.DictReader(EXACT.open(encoding="utf-8")) if r["decision_id"] == "E01")
    typed = {k: v for k, v in row.items() if v != ""}
    typed.update(decision_date=dt.date(2025, 3, 21), request_date=dt.date(2025, 3, 1),
                 birth_date=dt.date(2014, 5, 1), network_assessed=True, objection_info=True,
                 wlz_indication=True, bsn=111222333)
    d = audit_rejections(audit_engine, [typed]).decisions[0]
    before = by_id(exact)["E01"]
    assert (d.verdict, d.criteria) == (before.verdict, before.criteria)
    assert d.receipt.input_hash == before.receipt.input_hash
    assert d.row == 1 and d.source == "<records>"


def test_empty_and_wrong_inputs(audit_engine: Engine) -> None:
    empty = audit_rejections(audit_engine, [])
    assert empty.decisions == [] and empty.summary["rows"] == 0 and empty.exit_code == 0
    with pytest.raises(InputError, match="record 2"):
        audit_rejections(audit_engine, [dict(BASE, decision_id="X"), "geen record"])


def test_data_frame_rows_are_numbered(audit_engine: Engine, exact: AuditReport) -> None:
    report = audit_engine.audit_rejections(pl.read_csv(EXACT, infer_schema=False))
    assert [(d.decision_id, d.row) for d in report.decisions] == \
        [(d.decision_id, d.row) for d in exact.decisions]
    assert [d.receipt for d in report.decisions] == [d.receipt for d in exact.decisions]


def test_unreadable_row_is_reported_not_dropped(tmp_path: Path, audit_engine: Engine) -> None:
    lines = EXACT.read_text(encoding="utf-8").splitlines()
    lines.insert(3, lines[1].replace("E01,", "E99,", 1) + ",te,veel")  # two fields too many
    path = tmp_path / "ragged.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = audit_rejections(audit_engine, path)
    assert report.summary["rows"] == 26
    assert sum(report.summary["rows_accounted"].values()) == 26
    bad = [n for n in report.not_audited if n.decision_id == "E99"]
    assert len(bad) == 1 and bad[0].reason.startswith("onleesbare rij")
    assert len(report.decisions) == 22


def test_verdict_invariants_over_the_year(year: AuditReport) -> None:
    for d in year.decisions:
        fails = failing(d)
        assert (d.verdict == "forbidden_ground") == ("forbidden_ground" in fails)
        if d.verdict == "transparent":
            assert not fails
        elif d.verdict == "forbidden_ground":
            assert d.ground is not None and d.ground.forbidden
        elif d.verdict == "incomplete":
            assert fails and "ground_known" not in fails
        else:
            assert "ground_known" in fails or any("ontbreken" in r or "onleesbare" in r for r in d.reasons)
        assert d.receipt.motivation_reuse >= (1 if crit(d, "motivation_specific").rules != [
            "transparency.motivation_specific.missing"] else 0)


def test_findings_for_batch_validation(exact: AuditReport) -> None:
    findings = exact.findings()
    assert all(f.check == "transparency" for f in findings)
    e05 = [f for f in findings if f.decision_id == "E05"]
    assert [(f.rule, f.severity) for f in e05] == [("transparency.ground_holds.not_holding", "error")]
    e07 = [f for f in findings if f.decision_id == "E07"]
    assert [(f.rule, f.severity) for f in e07] == [("transparency.ground_holds.review", "warning")]
    e04 = [f for f in findings if f.decision_id == "E04"]
    assert [f.rule for f in e04] == ["transparency.four_steps"]
