"""The command line: the JSON contract of evaluate and the exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from zorgregels.cli import main

ROOT = Path(__file__).resolve().parent.parent
CASE = ROOT / "fixtures" / "cases" / "example_case.yaml"


def test_evaluate_json_carries_the_contract_fields(capsys):
    code = main(["evaluate", str(CASE), "--rules", str(ROOT / "rules"), "--as-of", "2025-03-01", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert {"outcome", "codes", "code", "level", "perceel", "tariff_3m", "hours_3m", "findings",
            "trace"} <= out.keys()
    assert (out["code"], out["level"], out["perceel"], out["tariff_3m"]) == ("45B10", 2, 2, "1885.52")
    assert isinstance(out["tariff_3m"], str)
    assert [s["id"] for s in out["trace"] if s["kind"] == "table"] == ["complexity", "ladder_level", "code_choice"]


def test_evaluate_exit_one_on_error_findings(tmp_path: Path, capsys):
    case = tmp_path / "case.yaml"
    case.write_text(
        "decision_id: D1\ndecision_date: 2025-03-03\ndomains: [gedrag]\nseverity: matig\n"
        "code: 45B10\ntariff: '70.00'\nwlz_indication: true\n", encoding="utf-8")
    code = main(["evaluate", str(case), "--rules", str(ROOT / "rules"), "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 1
    fired = {f["rule"]: f for f in out["findings"]}
    assert {"tariff.differs", "wlz.indication"} <= fired.keys()
    f = fired["tariff.differs"]
    assert {"rule", "check", "severity", "message", "basis"} <= f.keys()
    assert f["check"] == "tariff" and f["expected"] == "72.52" and f["actual"] == "70.00"


def test_evaluate_text_tree_explains(capsys):
    assert main(["evaluate", str(CASE), "--rules", str(ROOT / "rules"), "--as-of", "2025-03-01"]) == 0
    out = capsys.readouterr().out
    assert "Advies:   45B10" in out
    assert "tabel ladder_level" in out and "grondslag: Adviesraad Sociaal Domein Midden-Delfland, Advies regionale inkoopstrategie specialistische jeugdhulp §4" in out
    assert "vergeleken: out_of_home=nee" in out
    # a person reads Dutch money, hours and dates; the JSON keeps "1885.52" (its contract)
    assert "peildatum 1 maart 2025" in out
    assert "Per behandeling van 3 maanden: € 1.885,52; directe tijd voor het gezin: 26 uur" in out


def test_bad_input_and_usage_exit_two(tmp_path: Path, capsys):
    assert main(["evaluate", str(tmp_path / "missing.yaml"), "--rules", str(ROOT / "rules")]) == 2
    assert main(["evaluate", str(CASE), "--rules", str(tmp_path / "norules")]) == 2
    assert main(["evaluate", str(CASE), "--as-of", "2025-02-30"]) == 2
    assert main(["nonsense"]) == 2
    bad = tmp_path / "bad.yaml"
    bad.write_text("domains: [gedrag\n", encoding="utf-8")
    assert main(["evaluate", str(bad), "--rules", str(ROOT / "rules"), "--as-of", "2025-01-01"]) == 2
    err = capsys.readouterr().err
    assert "bad.yaml" in err


def test_console_script_runs_as_a_module():
    proc = subprocess.run([sys.executable, "-m", "zorgregels.cli", "check", str(ROOT / "rules")],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "OK" in proc.stdout


def test_evaluate_text_reads_in_dutch_with_the_ids_beside(tmp_path: Path, capsys):
    """Outcome, severities, checks and table statuses in Dutch; the rule id stays beside them."""
    case = tmp_path / "case.yaml"
    case.write_text(
        "decision_id: D1\ndecision_date: 2025-03-03\ndomains: [gedrag]\nseverity: matig\n"
        "code: 45B10\ntariff: '70.00'\nwlz_indication: true\n", encoding="utf-8")
    assert main(["evaluate", str(case), "--rules", str(ROOT / "rules")]) == 1
    out = capsys.readouterr().out
    assert out.startswith("Uitkomst: fout ")
    assert "  FOUT         Tarief en omvang (tariff.differs)\n" in out
    assert "WAARSCHUWING" in out and "Wet langdurige zorg (wlz.indication)" in out
    assert ": toegepast, rij " in out
    for english in ("Uitkomst: error", "ERROR", "WARNING", ": applied,"):
        assert english not in out, english
