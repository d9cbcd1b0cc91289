"""What-if over a batch: the example year under the perceel-direction rule reversed."""

from __future__ import annotations

import json
import re
import shutil
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from zorgregels import Engine
from zorgregels.cli import main
from zorgregels.core import nl
from zorgregels.jobs.diff import diff

ROOT = Path(__file__).resolve().parents[1]
YEAR = ROOT / "fixtures" / "decisions" / "example_2025.csv"
RULE_OLD = """    when:
      current_perceel: 1
      perceel: 2
      outcome: {not_equals: rejected}"""
RULE_NEW = """    when:
      current_perceel: 2
      perceel: 1
      outcome: {not_equals: rejected}"""


@pytest.fixture(scope="module")
def reversed_rules(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rules = tmp_path_factory.mktemp("rev") / "rules"
    shutil.copytree(ROOT / "rules", rules)
    p = rules / "zuid-kennemerland-ijmond" / "validation.yaml"
    text = p.read_text(encoding="utf-8")
    assert RULE_OLD in text
    p.write_text(text.replace(RULE_OLD, RULE_NEW), encoding="utf-8")
    return rules


@pytest.fixture(scope="module")
def report(reversed_rules: Path):
    return diff(Engine.from_path(ROOT / "rules"), Engine.from_path(reversed_rules), YEAR)


def test_reversing_the_direction_moves_the_finding_between_exactly_those_decisions(report):
    year = pl.read_csv(YEAR, infer_schema=False)
    granted = pl.col("outcome") != "rejected"
    one_to_two = set(year.filter(granted & (pl.col("current_perceel") == "1") & (pl.col("perceel") == "2"))["decision_id"])
    two_to_one = set(year.filter(granted & (pl.col("current_perceel") == "2") & (pl.col("perceel") == "1"))["decision_id"])
    assert one_to_two and two_to_one
    dis = report.disappeared.filter(pl.col("rule") == "perceel_direction.one_to_two")
    app = report.appeared.filter(pl.col("rule") == "perceel_direction.one_to_two")
    assert set(dis["decision_id"]) == one_to_two
    assert set(app["decision_id"]) == two_to_one
    # nothing else changes: only the perceel_direction check moves
    assert set(report.summary["per_check"]) == {"perceel_direction"}
    assert report.summary["per_check"]["perceel_direction"] == {"appeared": len(two_to_one),
                                                                  "disappeared": len(one_to_two)}


def test_verdicts_follow_the_findings_and_rows_are_all_reported(report):
    s = report.summary
    assert s["rows_in"] == s["rows_reported"] == pl.read_csv(YEAR, infer_schema=False).height
    d = report.decisions
    moved_to_error = d.filter((pl.col("verdict_old") != "error") & (pl.col("verdict_new") == "error"))
    assert moved_to_error.height > 0
    assert all("perceel_direction.one_to_two" in (a or "") for a in moved_to_error["appeared"])
    assert sum(s["verdict_transitions"].values()) == s["verdict_changed"]
    # same tariffs in both catalogues: no cost change
    assert s["cost_3m_delta"] == "0.00" and s["cost_3m_old"] == s["cost_3m_new"]
    assert sum(v["verdict_changed"] for v in s["per_municipality"].values()) == s["verdict_changed"]


def test_a_tariff_change_shows_as_a_3_month_cost_change(tmp_path: Path):
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    p = rules / "zuid-kennemerland-ijmond" / "codes.yaml"
    text = p.read_text(encoding="utf-8")
    old_line = "      - {valid_from: 2025-01-01, valid_to: 2025-12-31, amount: 72.52}"
    assert old_line in text  # 45B10 in 2025
    p.write_text(text.replace(old_line, old_line.replace("72.52", "82.52")), encoding="utf-8")
    records = [{"decision_id": "A", "municipality": "GM0392", "decision_date": "2025-03-03",
                "domains": "gedrag", "severity": "matig", "outcome": "granted", "code": "45B10",
                "perceel": "2", "provider_type": "instelling", "volume": "2", "unit": "04",
                "frequency": "2", "tariff": "72.52", "start_date": "2025-03-10", "end_date": "2025-06-08"}]
    r = diff(Engine.from_path(ROOT / "rules"), Engine.from_path(rules), records)
    row = r.decisions.row(0, named=True)
    # 2 hours a week x 13 weeks = 26 hours; +10.00 an hour
    assert (row["cost_3m_old"], row["cost_3m_new"], row["cost_3m_delta"]) == (188552, 214552, 26000)
    assert r.summary["per_municipality"]["GM0392"]["cost_3m_delta"] == "260.00"
    # the applied tariff now differs from the new catalogue
    assert set(r.appeared["rule"]) == {"tariff.differs"}
    assert row["verdict_old"] == "ok" and row["verdict_new"] == "error"


def test_diff_command_writes_the_report_deterministically(reversed_rules: Path, tmp_path: Path, capsys):
    outs = []
    for name in ("a", "b"):
        out = tmp_path / name
        assert main(["diff", str(ROOT / "rules"), str(reversed_rules), "--decisions", str(YEAR),
                     "--out", str(out)]) == 0
        outs.append(out)
    for f in ("diff.json", "decisions_changed.csv", "findings_appeared.jsonl",
              "findings_disappeared.jsonl", "diff.html"):
        assert (outs[0] / f).read_bytes() == (outs[1] / f).read_bytes(), f
    summary = json.loads((outs[0] / "diff.json").read_text(encoding="utf-8"))
    assert summary["per_check"]["perceel_direction"]["appeared"] > 0
    html = (outs[0] / "diff.html").read_text(encoding="utf-8")
    assert "http://" not in html.replace("http://www.w3.org/2000/svg", "") and "https://" not in html
    printed = capsys.readouterr().out
    assert "perceel_direction" in printed
    # money in Dutch in what a person reads; diff.json keeps "16073221.46" (its contract)
    euro = r"€ \d{1,3}(\.\d{3})*,\d\d"
    assert re.search(rf"kosten per 3 maanden {euro} -> {euro} \(verschil [+-]?{euro}\)", printed)
    assert re.fullmatch(r"\d+\.\d\d", summary["cost_3m_old"])
    assert f'<b>{nl.money(Decimal(summary["cost_3m_old"]))}</b>' in html
    assert not list(tmp_path.glob(".*.tmp"))


def test_diff_with_bad_rules_exits_two(tmp_path: Path):
    assert main(["diff", str(ROOT / "rules"), str(tmp_path / "nope"), "--decisions", str(YEAR),
                 "--out", str(tmp_path / "o")]) == 2
