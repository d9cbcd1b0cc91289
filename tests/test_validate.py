"""Batch validation: planted violations of every check, every input format (including the
public iJw examples), malformed rows, pass-through columns, BSN masking, determinism, the
command line and atomic writing."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import polars as pl
import pytest
from pydantic import BaseModel

import zorgregels.jobs.validate.report as validate_report
import zorgregels.jobs.validate.run as validate_run
from zorgregels import Engine
from zorgregels.diagnostics import InputError
from zorgregels.io.ijw_import import parse_message

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "fixtures" / "decisions" / "example_2025.csv"
IJW = ROOT / "fixtures" / "ijw"

PLANTED_CHECK = {
    "referrer": "referrer", "age": "age", "wlz": "wlz", "explanatory_analysis": "explanatory_analysis",
    "closed_care": "closed_care", "perceel_fit": "perceel_fit", "perceel_direction": "perceel_direction",
    "code_fit": "code_fit", "provider_type": "provider_type", "tariff": "tariff", "volume": "tariff",
    "dates": "dates", "input": "input", "stacking": "dates",
}


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.from_path(ROOT / "rules")


@pytest.fixture(scope="module")
def example(engine: Engine):
    return engine.validate(EXAMPLE)


def _base(**kw: str) -> dict[str, str]:
    rec = {"decision_id": "d1", "municipality": "GM0392", "client_id": "k1", "provider": "AGB1",
           "decision_date": "2025-03-01", "request_date": "2025-02-10", "birth_date": "2012-05-01",
           "referrer_type": "02", "domains": "gedrag", "severity": "matig", "outcome": "granted",
           "code": "45B10", "perceel": "2", "provider_type": "instelling", "volume": "2", "unit": "04",
           "frequency": "2", "tariff": "72.52", "start_date": "2025-03-03", "end_date": "2025-05-31"}
    rec.update(kw)
    return rec


# ---------------------------------------------------------------- the example year


def test_rows_in_equals_rows_reported(example) -> None:
    src = pl.read_csv(EXAMPLE, infer_schema=False)
    assert example.summary["rows_in"] == example.summary["rows_reported"] == src.height == example.decisions.height


@pytest.mark.parametrize("plant", sorted(PLANTED_CHECK))
def test_every_planted_violation_is_found(example, plant: str) -> None:
    planted = example.decisions.filter(pl.col("planted") == plant)
    assert planted.height > 0, f"the example year plants {plant}"
    hit = example.findings.filter(pl.col("check") == PLANTED_CHECK[plant]).select("row").unique()
    missed = planted.join(hit, left_on="_row", right_on="row", how="anti")
    assert missed.height == 0, missed.select("decision_id", "_row").to_dicts()


def test_planted_sequential_help_is_found_unless_help_ran_at_the_same_time(example) -> None:
    d = example.decisions.select("_row", "client_id", "start_date", "end_date", "planted", "outcome")
    hit = set(example.findings.filter(pl.col("check") == "sequential_help")["row"].to_list())
    planted = d.filter(pl.col("planted") == "sequential_help")
    assert planted.height > 0
    for r in planted.iter_rows(named=True):
        others = d.filter((pl.col("client_id") == r["client_id"]) & (pl.col("_row") != r["_row"])
                          & (pl.col("outcome") == "granted"))
        concurrent = others.filter((pl.col("start_date") < r["start_date"]) & (pl.col("end_date") >= r["start_date"]))
        if concurrent.height == 0:
            assert r["_row"] in hit, r
    assert len(hit & set(planted["_row"].to_list())) >= planted.height * 0.8


def test_budget_ceiling_is_a_batch_warning_with_its_scope(example) -> None:
    b = example.findings.filter(pl.col("check") == "budget_ceiling")
    assert b.height > 0
    assert set(b["severity"]) == {"warning"}
    assert b["decision_id"].null_count() == b.height  # never a finding on one person's decision
    assert all(s.startswith("code=") for s in b["scope"])
    assert all("budgetplafond" in m for m in b["message"])


def test_unplanted_rows_are_mostly_clean(example) -> None:
    clean = example.decisions.filter(pl.col("planted").fill_null("") == "")
    assert (clean["verdict"] == "ok").mean() > 0.85


# ---------------------------------------------------------------- cross-decision checks


def test_budget_ceiling_exceeded_and_not(engine: Engine) -> None:
    # 45B10 in GM0392 has a ceiling of EUR 60,000 per quarter; one decision: 2 h x 13 x 72.52
    small = engine.validate([_base()])
    assert small.findings.filter(pl.col("check") == "budget_ceiling").height == 0
    many = engine.validate([_base(decision_id=f"d{i}", client_id=f"k{i}") for i in range(40)])
    b = many.findings.filter(pl.col("check") == "budget_ceiling")
    # 40 x 1885.52 = 75,420.80 in 2025-K1 and again in K2 (the period runs to 31 May)
    assert b["actual"].to_list() == ["75420.80", "75420.80"]
    assert b["expected"].to_list() == ["60000.00", "60000.00"]
    assert [s.split("quarter=")[1] for s in b["scope"]] == ["2025-K1", "2025-K2"]


def test_budget_ceiling_not_evaluable_without_ceilings(engine: Engine, tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    (rules / "zuid-kennemerland-ijmond" / "budget.yaml").unlink()
    report = Engine.from_path(rules).validate([_base()])
    notes = [n for n in report.not_evaluable if n.check == "budget_ceiling"]
    assert notes and "geen budgetplafonds" in notes[0].reason
    assert report.findings.filter(pl.col("check") == "budget_ceiling").height == 0


def test_no_stacking(engine: Engine) -> None:
    a = _base(decision_id="a")
    b = _base(decision_id="b", start_date="2025-04-01", end_date="2025-06-30")  # overlaps a
    c = _base(decision_id="c", start_date="2025-07-01", end_date="2025-08-31")  # after a and b
    other_provider = _base(decision_id="e", provider="AGB2", start_date="2025-04-01")
    r = engine.validate([a, b, c, other_provider])
    s = r.findings.filter(pl.col("rule") == "dates.ijw_no_stacking")
    assert s["decision_id"].to_list() == ["b"]
    assert s["severity"].to_list() == ["error"]


def test_sequential_help(engine: Engine) -> None:
    a = _base(decision_id="a", provider="AGB1")
    b = _base(decision_id="b", provider="AGB2", start_date="2025-06-10", end_date="2025-08-31")
    concurrent = _base(decision_id="x", client_id="k2", provider="AGB3")
    concurrent2 = _base(decision_id="y", client_id="k2", provider="AGB4", start_date="2025-04-01")
    r = engine.validate([a, b, concurrent, concurrent2])
    s = r.findings.filter(pl.col("check") == "sequential_help")
    assert s["decision_id"].to_list() == ["b"]
    assert s["severity"].to_list() == ["info"]
    assert "AGB1" in s["message"][0] and "AGB2" in s["message"][0]


def test_missing_provider_makes_cross_checks_not_evaluable(engine: Engine) -> None:
    recs = [_base(decision_id="a"), _base(decision_id="b", start_date="2025-04-01")]
    for r in recs:
        del r["provider"]
    report = engine.validate(recs)
    assert report.findings.filter(pl.col("check").is_in(["sequential_help"])).height == 0
    assert report.findings.filter(pl.col("rule") == "dates.ijw_no_stacking").height == 0
    rules = {n.rule for n in report.not_evaluable}
    assert {"dates.ijw_no_stacking", "sequential_help.providers_in_sequence"} <= rules


def test_one_not_evaluable_note_for_a_case_and_a_batch(engine: Engine, example) -> None:
    recs = [_base(decision_id="a"), _base(decision_id="b", start_date="2025-04-01")]
    del recs[0]["provider"]
    report = engine.validate(recs)
    stacking = next(n for n in report.not_evaluable if n.rule == "dates.ijw_no_stacking")
    assert (stacking.check, stacking.rows, stacking.missing) == ("dates", 1, ["provider"])
    # summary.json keeps check, rule, rows and reason; ``missing`` names the facts that lacked
    for note in example.summary["not_evaluable"]:
        assert {"check", "rule", "rows", "reason"} <= note.keys() <= {"check", "rule", "rows", "reason", "missing"}
    by_rule = {n["rule"]: n for n in example.summary["not_evaluable"]}
    assert by_rule["budget_ceiling.exceeded"]["rows"] == 2
    # one case: the rule and what it lacked, no batch fields
    decision = engine.evaluate({"decision_id": "x", "decision_date": "2025-03-01", "code": "45B10"})
    assert decision.not_evaluable
    for n in json.loads(decision.model_dump_json())["not_evaluable"]:
        assert list(n) == ["rule", "check", "missing"] and n["missing"]


def test_each_decision_is_judged_by_the_tariff_of_its_own_date(engine: Engine) -> None:
    # 45B10 cost 72.52 in 2025; in 2024 the catalogue tariff differs
    t24 = engine.catalogue.tariff_on("45B10", __import__("datetime").date(2024, 6, 1)).amount
    r = engine.validate([_base(decision_id="new"),
                         _base(decision_id="old", decision_date="2024-06-01", request_date="2024-05-20",
                               start_date="2024-06-03", end_date="2024-08-31", tariff=str(t24))])
    assert r.findings.filter(pl.col("rule") == "tariff.differs").height == 0
    r2 = engine.validate([_base(decision_id="old", decision_date="2024-06-01", request_date="2024-05-20",
                                start_date="2024-06-03", end_date="2024-08-31")])
    assert r2.findings.filter(pl.col("rule") == "tariff.differs")["expected"].to_list() == [f"{t24:.2f}"]


# ---------------------------------------------------------------- inputs


def _core(report) -> list[tuple]:
    return sorted(report.findings.select("decision_id", "rule", "message", "row").iter_rows(),
                  key=lambda t: tuple("" if x is None else str(x) for x in t))


def test_csv_jsonl_parquet_give_the_same_findings(engine: Engine, example, tmp_path: Path) -> None:
    src = pl.read_csv(EXAMPLE, infer_schema=False).head(400)
    src.write_csv(tmp_path / "d.csv")
    src.write_ndjson(tmp_path / "d.jsonl")
    src.write_parquet(tmp_path / "d.parquet")
    results = [_core(engine.validate(tmp_path / f"d.{ext}")) for ext in ("csv", "jsonl", "parquet")]
    assert results[0] == results[1] == results[2]
    assert len(results[0]) > 50


def test_dicts_models_and_dataframes(engine: Engine) -> None:
    class Rec(BaseModel):
        decision_id: str
        decision_date: str
        code: str

    recs = [{"decision_id": "a", "decision_date": "2025-03-01", "code": "99X99"}]
    from_dicts = engine.validate(recs)
    from_models = engine.validate([Rec(**recs[0])])
    from_frame = engine.validate(pl.DataFrame(recs))
    for r in (from_dicts, from_models, from_frame):
        assert "input.unknown_code" in r.findings["rule"].to_list()
    with pytest.raises(InputError):
        engine.validate([42])


def test_malformed_csv_rows_are_reported_not_dropped(engine: Engine, tmp_path: Path) -> None:
    p = tmp_path / "bad.csv"
    p.write_text("decision_id,decision_date,code,volume\n"
                 "a,2025-03-01,45B10,2\n"
                 "b,2025-02-30,45B10,veel\n"
                 "c,2025-03-01,45B10\n"
                 "d,2025-03-01,45B10,2,extra\n", encoding="utf-8")
    r = engine.validate(p)
    assert r.summary["rows_in"] == r.summary["rows_reported"] == 4
    by_id = {}
    for did, rule, msg in r.findings.select("decision_id", "rule", "message").iter_rows():
        by_id.setdefault(did, []).append((rule, msg))
    assert ("input.invalid_value", "decision_date: '2025-02-30' is geen bestaande datum (JJJJ-MM-DD)") in by_id["b"]
    assert any(rule == "input.invalid_value" and msg.startswith("volume:") for rule, msg in by_id["b"])
    assert any(rule == "input.malformed_row" for rule, _ in by_id["c"])
    assert any(rule == "input.malformed_row" and "regel 5" in msg for rule, msg in by_id["d"])


def test_column_mapping(engine: Engine, tmp_path: Path) -> None:
    p = tmp_path / "export.csv"
    p.write_text("BeschikkingId,Besluitdatum,Productcode\nx1,2025-03-01,99X99\n", encoding="utf-8")
    m = tmp_path / "map.yaml"
    m.write_text("decision_id: BeschikkingId\ndecision_date: Besluitdatum\ncode: Productcode\n", encoding="utf-8")
    r = engine.validate(p, columns=m)
    assert r.findings.filter(pl.col("rule") == "input.unknown_code")["decision_id"].to_list() == ["x1"]


# ---------------------------------------------------------------- iJw


def test_ijw_examples_import(engine: Engine) -> None:
    r = engine.validate([IJW / "JW301.xml", IJW / "JW315.xml"])
    d = r.decisions
    assert d.height == 4
    assert sorted(d["decision_id"]) == [
        "JW301-0384-123456789012-300201", "JW301-0384-123456789012-300202",
        "JW315-42420001-123456789012-40A12341234", "JW315-42420001-123456789012-40A12341235"]
    assert set(d["municipality"]) == {"GM0384"}
    assert set(d["provider"]) == {"42420001"}
    jw301 = d.filter(pl.col("message_type") == "JW301")
    assert jw301["decision_date"].to_list() == ["2026-04-01", "2026-04-01"]
    assert jw301["outcome"].to_list() == ["granted", "granted"]
    jw315 = d.filter(pl.col("message_type") == "JW315")
    assert jw315["referrer_type"].to_list() == ["01", "02"]
    assert jw315["decision_date"].null_count() == 2  # a request has no decision date


def test_ijw_other_messages_are_rows_with_an_error_not_dropped(engine: Engine) -> None:
    r = engine.validate(IJW)
    # 2 + 2 products, JW305, JW307, JW317 as error rows, and the 6 products of wijziging/
    assert r.decisions.height == 13
    malformed = r.findings.filter(pl.col("rule") == "input.malformed_row")
    assert malformed.height == 3
    assert all(any(m in msg for m in ("JW305", "JW307", "JW317")) for msg in malformed["message"])


def test_ijw_impossible_date_is_an_input_finding_per_product(engine: Engine) -> None:
    r = engine.validate(IJW / "JW315.xml")
    bad = r.findings.filter((pl.col("rule") == "input.invalid_value") & pl.col("message").str.starts_with("end_date"))
    assert bad["decision_id"].to_list() == ["JW315-42420001-123456789012-40A12341234",
                                            "JW315-42420001-123456789012-40A12341235"]
    assert bad["actual"].to_list() == ["2027-06-31", "2027-06-31"]


def test_ijw_zip_and_eurocent(engine: Engine, tmp_path: Path) -> None:
    msg = (IJW / "JW301.xml").read_text(encoding="utf-8")
    euro = msg.replace("<ijw:Volume>2</ijw:Volume>\n\t\t\t\t\t<ijw:Eenheid>04</ijw:Eenheid>",
                       "<ijw:Volume>123456</ijw:Volume>\n\t\t\t\t\t<ijw:Eenheid>83</ijw:Eenheid>", 1)
    assert euro != msg
    z = tmp_path / "berichten.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("a/JW301.xml", euro)
        zf.writestr("b/JW315.xml", (IJW / "JW315.xml").read_text(encoding="utf-8"))
        zf.writestr("c/kapot.xml", "<niet-af")
    r = engine.validate(z)
    d = r.decisions
    assert d.height == 5
    first = d.filter(pl.col("decision_id") == "JW301-0384-123456789012-300201")
    assert first["volume"].to_list() == ["1234.56"] and first["unit"].to_list() == ["83"]
    broken = r.findings.filter(pl.col("rule") == "input.malformed_row")
    assert broken.height == 1 and "kapot.xml" in broken["message"][0]


def test_ijw_unknown_message_kind() -> None:
    rows = parse_message(b'<x:Bericht xmlns:x="http://www.istandaarden.nl/ijw/3_2/jw305/schema"/>', "m.xml")
    assert len(rows) == 1 and "JW301" in rows[0]["_error"]


# ---------------------------------------------------------------- outputs


def _write(report, out: Path) -> dict[str, bytes]:
    report.write(out)
    return {f.name: f.read_bytes() for f in sorted(out.iterdir()) if f.name != ".zorgregels"}


def test_outputs_contract_passthrough_and_bsn_masking(engine: Engine, example, tmp_path: Path) -> None:
    files = _write(example, tmp_path / "report")
    assert set(files) == {"findings.jsonl", "decisions.csv", "summary.json", "report.html"}
    lines = files["findings.jsonl"].decode().splitlines()
    assert len(lines) == example.summary["findings"]
    first = json.loads(lines[0])
    assert {"decision_id", "rule", "check", "severity", "message", "basis", "expected", "actual",
            "source", "row"} <= set(first)
    dec = pl.read_csv(io.BytesIO(files["decisions.csv"]), infer_schema=False)
    src = pl.read_csv(EXAMPLE, infer_schema=False)
    assert set(src.columns) <= set(dec.columns)  # every input column, unknown ones too
    assert {"verdict", "finding_count"} <= set(dec.columns)
    assert dec["dossier_note"].to_list() == src["dossier_note"].to_list()
    assert set(dec["verdict"]) <= {"ok", "warning", "error", "incomplete"}
    assert set(dec["bsn"].drop_nulls().str.replace_all(r"\*", "")) == {""}
    summary = json.loads(files["summary.json"])
    assert summary["rows_in"] == summary["rows_reported"] == src.height
    assert summary["by_check"]["tariff"]["error"] > 0
    everything = b"".join(files.values()).decode("utf-8")
    for bsn in src["bsn"].drop_nulls().head(200):
        assert bsn not in everything
    html = files["report.html"].decode()
    assert "<svg" in html and "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert 'name="viewport"' in html and html.count("<style>") == 1 and "<link" not in html
    assert html.count('<tr data-check="') == summary["findings"]


def test_ijw_bsn_never_in_output(engine: Engine, tmp_path: Path) -> None:
    files = _write(engine.validate(IJW), tmp_path / "r")
    assert b"999900006" not in b"".join(files.values())


def test_outputs_are_deterministic(engine: Engine, tmp_path: Path) -> None:
    a = _write(engine.validate(EXAMPLE), tmp_path / "a")
    b = _write(Engine.from_path(ROOT / "rules").validate(EXAMPLE), tmp_path / "b")
    assert a["findings.jsonl"] == b["findings.jsonl"]
    assert a["summary.json"] == b["summary.json"]
    assert a["decisions.csv"] == b["decisions.csv"]


def test_write_replaces_atomically(engine: Engine, tmp_path: Path) -> None:
    out = tmp_path / "report"
    out.mkdir()
    (out / "stale.txt").write_text("old")
    engine.validate([_base()]).write(out, force=True)  # a foreign folder only with force
    assert sorted(p.name for p in out.iterdir()) == [".zorgregels", "decisions.csv", "findings.jsonl", "report.html",
                                                     "summary.json"]
    assert [p.name for p in tmp_path.iterdir()] == ["report"]  # no temp or old folder left


# ---------------------------------------------------------------- command line


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "zorgregels.cli", *args], capture_output=True, text=True,
                          cwd=ROOT)


def test_cli_exit_codes(tmp_path: Path) -> None:
    bad = _cli("validate", str(EXAMPLE), "--rules", "rules", "--out", str(tmp_path / "r1"))
    assert bad.returncode == 1, bad.stderr
    assert "totaal" in bad.stdout and "besluiten: 3000 gelezen" in bad.stdout
    assert "[" in bad.stderr  # progress on stderr
    clean = tmp_path / "clean.csv"
    pl.DataFrame([_base()]).write_csv(clean)
    ok = _cli("validate", str(clean), "--rules", "rules", "--out", str(tmp_path / "r2"), "-q")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    missing = _cli("validate", str(tmp_path / "nope.csv"), "--rules", "rules", "--out", str(tmp_path / "r3"))
    assert missing.returncode == 2
    assert not (tmp_path / "r3").exists()


def test_slices_give_the_same_report_as_one_pass(engine: Engine, example, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every single-decision check reads one row: evaluating the batch a few rows at a time
    (the memory bound of a large batch) gives the same findings, verdicts, notes and summary."""
    n = example.decisions.height
    assert n > 7
    monkeypatch.setattr(validate_run, "SLICE_ROWS", 7)
    sliced = engine.validate(EXAMPLE)
    assert sliced.findings.equals(example.findings)
    assert sliced.decisions.equals(example.decisions)
    assert sliced.not_evaluable == example.not_evaluable
    assert sliced.summary == example.summary
    assert sliced.facts is not None and example.facts is not None and sliced.facts.equals(example.facts)


def test_parquet_is_read_a_slice_at_a_time_and_never_held_whole(engine: Engine, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch,
                                                                part_reads: list[tuple[int, int]]) -> None:
    """A Parquet batch is read slice by slice, for the checks and again for decisions.csv: the
    text table of the whole batch is never in memory (the memory bound of a national year). The
    outputs are those of the same rows read from CSV."""
    src = pl.read_csv(EXAMPLE, infer_schema=False)
    path = tmp_path / "d.parquet"
    src.write_parquet(path, row_group_size=max(1, src.height // 3))
    reads = part_reads
    monkeypatch.setattr(validate_run, "SLICE_ROWS", 1000)
    monkeypatch.setattr(validate_report, "DECISION_SLICE", 700)
    report = engine.validate(path)
    assert report.source.in_memory is None
    assert reads == [(s, min(1000, src.height - s)) for s in range(0, src.height, 1000)]
    reads.clear()
    report.write(tmp_path / "out")
    assert reads == [(s, min(700, src.height - s)) for s in range(0, src.height, 700)]
    from_csv = engine.validate(EXAMPLE)
    written = pl.read_csv(tmp_path / "out" / "decisions.csv", infer_schema=False)
    assert written.drop("_source").equals(
        from_csv.decisions.drop("_source").with_columns(pl.all().cast(pl.Utf8)))
    assert report.decisions.drop("_source").equals(from_csv.decisions.drop("_source"))
    assert report.findings.drop("source").equals(from_csv.findings.drop("source"))
    assert {k: v for k, v in report.summary.items() if k not in ("receipt", "sources")} == \
        {k: v for k, v in from_csv.summary.items() if k not in ("receipt", "sources")}


def test_the_cross_decision_messages_read_their_dates_in_dutch():
    """No stacking and sequential help name their dates as a person reads them (3 december 2025),
    the same way the rule files' messages do; expected/actual keep the ISO form."""
    f = Engine.from_path(ROOT / "rules").validate(EXAMPLE).findings
    cross = f.filter(pl.col("rule").is_in(["dates.ijw_no_stacking", "sequential_help.providers_in_sequence"]))
    assert cross.height > 10
    messages = cross.get_column("message").to_list()
    assert not [m for m in messages if re.search(r"\d{4}-\d{2}-\d{2}", m)]
    assert all(re.search(r"\d{1,2} (januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|"
                         r"november|december) \d{4}", m) for m in messages)
    stacked = cross.filter(pl.col("rule") == "dates.ijw_no_stacking")
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", a) for a in stacked.get_column("actual").to_list())


@pytest.mark.parametrize("cut", [1, 1700, 2999])
def test_parquet_files_of_one_header_are_read_lazily_as_their_csv_twins(engine: Engine, tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch,
                                                                        cut: int) -> None:
    """Two Parquet files of one header are read slice by slice (slices never span the two); the
    findings, verdicts and row numbers are those of the same rows given as two CSV files (read
    slice by slice too) and as two JSON Lines files (framed whole)."""
    monkeypatch.setattr(validate_run, "SLICE_ROWS", 1000)
    src = pl.read_csv(EXAMPLE, infer_schema=False)
    (tmp_path / "pq").mkdir()
    (tmp_path / "csv").mkdir()
    for name, part in (("a", src.head(cut)), ("b", src.slice(cut))):
        part.write_parquet(tmp_path / "pq" / f"{name}.parquet")
        part.write_csv(tmp_path / "csv" / f"{name}.csv")
        (tmp_path / "jsonl").mkdir(exist_ok=True)
        part.write_ndjson(tmp_path / "jsonl" / f"{name}.jsonl")
    lazy, from_csv = engine.validate(tmp_path / "pq"), engine.validate(tmp_path / "csv")
    framed = engine.validate(tmp_path / "jsonl")
    assert lazy.source.in_memory is None and from_csv.source.in_memory is None
    assert framed.source.in_memory is not None

    def stem(df: pl.DataFrame, col: str) -> pl.DataFrame:
        return df.with_columns(pl.col(col).str.extract(r"([ab])\.\w+$"))

    for other in (from_csv, framed):
        assert stem(lazy.findings, "source").equals(stem(other.findings, "source"))
        assert stem(lazy.decisions, "_source").equals(stem(other.decisions, "_source"))
    assert lazy.decisions.get_column("_row").to_list() == [*range(1, cut + 1), *range(1, 3001 - cut)]
