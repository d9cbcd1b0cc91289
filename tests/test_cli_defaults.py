"""The command line behaves alike across commands (issue "Reports a policy adviser acts on":
`validate` defaults to `rules` like the others, `tariffs` to today, the progress counts up once,
paths print once with one separator)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from zorgregels.cli import main
from zorgregels.core import nl

ROOT = Path(__file__).resolve().parents[1]
YEAR = ROOT / "fixtures" / "decisions" / "example_2025.csv"


def test_validate_defaults_to_the_rules_folder_and_counts_up_once(tmp_path: Path, monkeypatch,
                                                                   capsys: pytest.CaptureFixture[str]):
    monkeypatch.chdir(ROOT)
    out = tmp_path / "rapport"
    assert main(["validate", str(YEAR), "--out", f"{out}/"]) == 1
    captured = capsys.readouterr()
    steps = [(int(i), int(n)) for i, n in re.findall(r"\] (\d+)/(\d+) ", captured.err)]
    assert steps == [(i, 6) for i in range(7)], steps
    assert "6/6 klaar" in captured.err and "5/5" not in captured.err
    assert f"rapport: {out}/ (findings.jsonl" in captured.out and "//" not in captured.out
    assert (out / "report.html").is_file()


def test_tariffs_default_to_today(monkeypatch, capsys: pytest.CaptureFixture[str]):
    monkeypatch.chdir(ROOT)
    assert main(["tariffs", "--format", "text"]) == 0
    assert f"Peildatum {nl.date(dt.date.today())}" in capsys.readouterr().out


def test_findings_jsonl_reads_with_default_settings(tmp_path: Path, monkeypatch):
    """polars.read_ndjson infers types from the first 100 lines; a text column that is empty
    there (``scope``: only the batch findings at the end have one) must still read."""
    import polars as pl

    monkeypatch.chdir(ROOT)
    assert main(["validate", str(YEAR), "--out", str(tmp_path / "r"), "-q"]) == 1
    findings = pl.read_ndjson(tmp_path / "r" / "findings.jsonl")
    assert findings.height > 500 and findings.schema["scope"] == pl.Utf8
    scoped = findings.filter(pl.col("scope") != "")
    assert scoped.height and set(scoped["check"].to_list()) == {"budget_ceiling"}
    assert findings.filter(pl.col("scope") == "")["decision_id"].str.len_chars().min() > 0
