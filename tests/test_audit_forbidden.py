"""The audit ranks a forbidden ground first: a rejection on a ground that may never carry one
(``budget_op``, ``eerst_lichtere_hulp``) gets its own verdict ``forbidden_ground``, before
``incomplete`` and ``not_testable``, red on the page, counted in summary.json and by the CLI."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zorgregels import Engine
from zorgregels.cli import main
from zorgregels.jobs.audit import VERDICT_RANK, VERDICTS, AuditReport, audit_rejections
from zorgregels.jobs.audit.page import COLORS, LABELS, render

ROOT = Path(__file__).resolve().parent.parent
EXACT = ROOT / "fixtures" / "audit" / "exact.csv"
RULES = ROOT / "rules"

CLEAN = {"municipality": "GM0392", "team": "CJG Test", "referrer_type": "01", "outcome": "rejected",
         "code": "45B01", "request_date": "2025-03-01", "decision_date": "2025-03-21",
         "birth_date": "2014-05-01", "help_question": "Hulp bij opvoeden", "problems": "Driftbuien",
         "needed_help": "Oudergesprekken", "network_assessment": "Oma helpt mee",
         "expertise": "gedragswetenschapper", "network_assessed": "true", "objection_info": "true"}


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.from_path(RULES)


@pytest.fixture(scope="module")
def exact(engine: Engine) -> AuditReport:
    return audit_rejections(engine, EXACT)


def _one(engine: Engine, **kw: str) -> tuple[str, list[str], set[str]]:
    rec = dict(CLEAN, decision_id="F1", **kw)
    d = audit_rejections(engine, [rec]).decisions[0]
    return d.verdict, d.reasons, {c.criterion for c in d.criteria if c.status == "fail"}


def test_the_verdicts_keep_their_names_and_add_one() -> None:
    assert VERDICTS[:3] == ("transparent", "incomplete", "not_testable")
    assert set(VERDICT_RANK) == set(VERDICTS)
    assert VERDICT_RANK[0] == "forbidden_ground"
    assert VERDICT_RANK.index("forbidden_ground") < VERDICT_RANK.index("incomplete")


@pytest.mark.parametrize("ground", ["budget_op", "eerst_lichtere_hulp"])
def test_a_forbidden_ground_alone(engine: Engine, ground: str) -> None:
    verdict, reasons, fails = _one(engine, rejection_reason=ground, motivation=f"Eigen tekst over {ground}.")
    assert (verdict, fails) == ("forbidden_ground", {"forbidden_ground"})
    assert reasons[0] == "afgewezen op een verboden grond: die kan een afwijzing nooit dragen"


def test_a_forbidden_ground_goes_before_what_else_fails(engine: Engine) -> None:
    verdict, reasons, fails = _one(engine, rejection_reason="budget_op", motivation="Het budget is op.",
                                   help_question="", objection_info="false")
    assert verdict == "forbidden_ground"
    assert fails == {"forbidden_ground", "four_steps", "objection_info"}
    assert reasons[0].startswith("afgewezen op een verboden grond")
    assert "niet voldaan: four_steps, objection_info, forbidden_ground" in reasons


def test_a_forbidden_ground_goes_before_an_unreadable_value(engine: Engine) -> None:
    """Unreadable facts would make another rejection not testable; no fact can make a
    forbidden ground stand, so the verdict stays forbidden_ground and says both."""
    verdict, reasons, _ = _one(engine, rejection_reason="budget_op", motivation="Het budget is op.",
                               request_date="2025-02-30")
    assert verdict == "forbidden_ground"
    assert reasons[0].startswith("afgewezen op een verboden grond")
    assert any(r.startswith("onleesbare waarde") and "request_date" in r for r in reasons)
    # the same record on an allowed ground is not testable
    assert _one(engine, rejection_reason="eigen_kracht", motivation="Het netwerk helpt.",
                request_date="2025-02-30")[0] == "not_testable"


GROUNDS = ["budget_op", "eerst_lichtere_hulp", "eigen_kracht", "andere_wet", "geen_jeugdige", "", "onbekend"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ground=st.sampled_from(GROUNDS), blank=st.sets(st.sampled_from(
    ["help_question", "problems", "expertise", "objection_info", "motivation"])),
    odd_date=st.booleans())
def test_forbidden_ground_verdict_iff_the_ground_is_forbidden(engine: Engine, ground: str, blank: set[str],
                                                              odd_date: bool) -> None:
    kw = {"rejection_reason": ground, "motivation": f"Tekst {ground} {sorted(blank)} {odd_date}."}
    kw.update({f: "" for f in blank})
    if odd_date:
        kw["request_date"] = "2025-02-30"
    verdict, _, fails = _one(engine, **kw)
    forbidden = ground in ("budget_op", "eerst_lichtere_hulp")
    assert (verdict == "forbidden_ground") == forbidden
    assert ("forbidden_ground" in fails) == forbidden


def test_summary_counts_the_new_verdict_beside_the_old_keys(exact: AuditReport) -> None:
    s = exact.summary
    counts = s["overall"]["verdicts"]
    assert list(counts) == list(VERDICTS)
    assert counts["forbidden_ground"] == 2  # E16 budget_op, E17 eerst_lichtere_hulp
    assert sum(counts.values()) == s["overall"]["light_help_rejected"] == len(exact.decisions)
    grounds = s["by"]["rejection_ground"]
    assert grounds["budget_op"]["verdicts"]["forbidden_ground"] == 1
    assert grounds["budget_op"]["verdicts"]["incomplete"] == 0
    for group in s["by"]["municipality"].values():
        assert set(group["verdicts"]) == set(VERDICTS)
    assert exact.exit_code == 1


def test_only_forbidden_grounds_still_exit_one(engine: Engine) -> None:
    report = audit_rejections(engine, [dict(CLEAN, decision_id="F1", rejection_reason="budget_op",
                                            motivation="Het budget is op.")])
    assert [d.verdict for d in report.decisions] == ["forbidden_ground"] and report.exit_code == 1


def test_the_page_shows_it_red_and_first(exact: AuditReport) -> None:
    page = render(exact)
    assert LABELS["forbidden_ground"] == "verboden grond"
    red = COLORS["forbidden_ground"]
    r, g, b = (int(red[i:i + 2], 16) for i in (1, 3, 5))
    assert r > 150 and g < 60 and b < 60
    assert red not in {c for k, c in COLORS.items() if k != "forbidden_ground"}
    badges = re.findall(r'<span class="verdict" style="background:([^"]+)">([^<]+)</span>', page)
    assert badges[:2] == [(red, "verboden grond")] * 2
    assert [lab for _, lab in badges].count("verboden grond") == 2
    rows = re.findall(r'<tr data-verdict="([a-z_]+)"', page)
    assert rows[:2] == ["forbidden_ground"] * 2
    assert [VERDICT_RANK.index(v) for v in rows] == sorted(VERDICT_RANK.index(v) for v in rows)
    assert '<option value="forbidden_ground">verboden grond</option>' in page
    tiles = re.findall(r'<div class="tile"><b>([^<]+)</b><span>([^<]+)</span></div>', page)
    assert ("2", "verboden grond") in tiles


def test_cli_reports_and_writes_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main(["audit", str(EXACT), "--rules", str(RULES), "--out", str(out)]) == 1
    printed = capsys.readouterr().out
    assert "Afwijzingen: 2 op een verboden grond, " in printed
    lines = {d["decision_id"]: d for d in map(json.loads, (out / "audit.jsonl").read_text().splitlines())}
    assert lines["E16"]["verdict"] == lines["E17"]["verdict"] == "forbidden_ground"
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["overall"]["verdicts"]["forbidden_ground"] == 2
    assert {"transparent", "incomplete", "not_testable"} <= set(summary["overall"]["verdicts"])


def test_the_example_year_plants_forbidden_grounds() -> None:
    rows = list(csv.DictReader((ROOT / "fixtures" / "audit" / "decisions_2025.csv").open(encoding="utf-8")))
    forbidden = [r for r in rows if r["rejection_reason"] in ("budget_op", "eerst_lichtere_hulp")
                 and r["outcome"] == "rejected" and r["expected_verdict"] != "not_determined"]
    assert forbidden and {r["expected_verdict"] for r in forbidden} == {"forbidden_ground"}
