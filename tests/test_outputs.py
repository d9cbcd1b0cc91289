"""Every machine-readable output has the keys and types docs/outputs.md documents, and
polars.read_ndjson and pandas.read_json(lines=True) read each JSON Lines file as it is, with
default settings: on the example year and on batches whose first rows lack values (issue "Reports
a policy adviser acts on": "a fixed schema ... read it as is (tested)")."""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from zorgregels.cli import main

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "outputs.md"
YEAR = ROOT / "fixtures" / "decisions" / "example_2025.csv"
AUDIT_YEAR = ROOT / "fixtures" / "audit" / "decisions_2025.csv"
NUMERIC_TEXT = re.compile(r"-?\d+(\.\d+)?")


def documented() -> dict[str, dict[str, str]]:
    """Per file (the heading, without backticks) its keys and their types, in order."""
    tables: dict[str, dict[str, str]] = {}
    current: dict[str, str] | None = None
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("### "):
            current = tables.setdefault(line[4:].replace("`", "").strip(), {})
        elif current is not None and (m := re.match(r"\| `([^`]+)` \| ([^|]+) \|", line)):
            current[m.group(1)] = m.group(2).strip()
    return tables


DOCUMENTED = documented()
TYPES = {"tekst", "tekst of null", "geheel getal", "geheel getal of null", "getal", "ja/nee",
         "lijst van tekst", "lijst van gehele getallen", "lijst van objecten", "object", "mapping", "waarde"}


def test_the_document_describes_every_output_with_known_types() -> None:
    assert {"findings.jsonl", "decisions.csv", "summary.json (validate)", "audit.jsonl",
            "summary.json (audit)", "findings_appeared.jsonl en findings_disappeared.jsonl",
            "decisions_changed.csv", "diff.json", "evaluate --json", "tariffs --format json",
            "algoritmeregister.json (en register --json)", "letters.jsonl", "refusals.jsonl",
            "summary.json (letter)"} <= set(DOCUMENTED)
    for name, keys in DOCUMENTED.items():
        assert keys, name
        assert set(keys.values()) <= TYPES, (name, set(keys.values()) - TYPES)


# --- the outputs ---------------------------------------------------------------------------

def write_csv(path: Path, header: list[str], rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=header)
        w.writeheader()
        w.writerows(rows)
    return path


def read_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """validate, audit and diff on the example files and on edge batches; evaluate, tariffs and
    register as JSON."""
    tmp = tmp_path_factory.mktemp("outputs")
    rules = str(ROOT / "rules")
    out: dict[str, Path] = {}
    assert main(["validate", str(YEAR), "--rules", rules, "--out", str(tmp / "year"), "-q"]) == 1
    out["year"] = tmp / "year"
    # the first 120 decisions without any optional value (text, dates, codes): the first lines
    # of findings.jsonl then hold empty values where later lines have text
    header, rows = read_rows(YEAR)
    optional = ("team", "dossier_note", "provider", "delay_notice", "school_file", "school_level",
                "explanatory_analysis_date", "current_perceel", "end_date", "court_orders", "planted")
    edge = [dict(r, **{c: "" for c in optional if c in r}) if i < 120 else r for i, r in enumerate(rows[:400])]
    edge_csv = write_csv(tmp / "edge.csv", header, edge)
    assert main(["validate", str(edge_csv), "--rules", rules, "--out", str(tmp / "edge"), "-q"]) == 1
    out["edge"] = tmp / "edge"
    assert main(["audit", str(AUDIT_YEAR), "--rules", rules, "--out", str(tmp / "audit")]) == 1
    out["audit"] = tmp / "audit"
    # the rejections in the first 1600 rows (about 240 audited) without a ground, team or
    # municipality: no ground and empty text first, a ground and text further on
    header, rows = read_rows(AUDIT_YEAR)
    for r in rows[:1600]:
        if r["outcome"] == "rejected":
            r.update(rejection_reason="", team="", municipality="")
    edge_audit = write_csv(tmp / "edge_audit.csv", header, rows)
    assert main(["audit", str(edge_audit), "--rules", rules, "--out", str(tmp / "audit_edge")]) == 1
    out["audit_edge"] = tmp / "audit_edge"
    # letters: the first 600 decisions of the audit year (grants, rejections and refusals)
    header, rows = read_rows(AUDIT_YEAR)
    part = write_csv(tmp / "letters_part.csv", header, rows[:600])
    assert main(["letter", str(part), "--rules", rules, "--out", str(tmp / "letters")]) == 1
    out["letters"] = tmp / "letters"
    # diff: one tariff changed, on the first 800 decisions of the year
    proposal = tmp / "voorstel"
    shutil.copytree(ROOT / "rules", proposal)
    codes = proposal / "zuid-kennemerland-ijmond" / "codes.yaml"
    text = codes.read_text(encoding="utf-8")
    assert "amount: 72.52}" in text
    codes.write_text(text.replace("amount: 72.52}", "amount: 75.00}"), encoding="utf-8")
    header, rows = read_rows(YEAR)
    part = write_csv(tmp / "part.csv", header, rows[:800])
    assert main(["diff", rules, str(proposal), "--decisions", str(part), "--out", str(tmp / "diff")]) == 0
    out["diff"] = tmp / "diff"
    assert main(["tariffs", "--rules", rules, "--as-of", "2025-03-01", "--format", "json",
                 "--out", str(tmp / "tariffs.json")]) == 0
    out["tariffs"] = tmp / "tariffs.json"
    assert main(["register", rules, "--out", str(tmp / "register")]) == 0
    out["register"] = tmp / "register" / "algoritmeregister.json"
    return out


# --- JSON Lines: polars and pandas with default settings -------------------------------------

JSONL = [("year", "findings.jsonl", "findings.jsonl"), ("edge", "findings.jsonl", "findings.jsonl"),
         ("audit", "audit.jsonl", "audit.jsonl"), ("audit_edge", "audit.jsonl", "audit.jsonl"),
         ("diff", "findings_appeared.jsonl", "findings_appeared.jsonl en findings_disappeared.jsonl"),
         ("letters", "letters.jsonl", "letters.jsonl"), ("letters", "refusals.jsonl", "refusals.jsonl")]


def lines_of(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def json_type_holds(value: Any, typ: str) -> bool:
    checks = {
        "tekst": lambda v: isinstance(v, str),
        "tekst of null": lambda v: v is None or isinstance(v, str),
        "geheel getal": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "geheel getal of null": lambda v: v is None or (isinstance(v, int) and not isinstance(v, bool)),
        "getal": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
        "ja/nee": lambda v: isinstance(v, bool),
        "lijst van tekst": lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v),
        "lijst van gehele getallen": lambda v: isinstance(v, list) and all(isinstance(x, int) for x in v),
        "lijst van objecten": lambda v: isinstance(v, list) and all(isinstance(x, dict) for x in v),
        "object": lambda v: isinstance(v, dict),
        "mapping": lambda v: isinstance(v, dict),
        "waarde": lambda v: True,
    }
    return bool(checks[typ](value))


def polars_type_holds(dtype: pl.DataType, typ: str, first: list[Any]) -> bool:
    """``first``: the column's values in the first 100 lines (what polars infers from)."""
    if typ == "tekst":
        return dtype == pl.String
    if typ == "geheel getal":
        return dtype == pl.Int64
    if typ == "geheel getal of null":
        return dtype == pl.Int64 or (dtype == pl.Null and all(v is None for v in first))
    if typ == "ja/nee":
        return dtype == pl.Boolean
    if typ == "lijst van tekst":  # polars' own limit: all empty in the first lines (documented)
        return dtype == pl.List(pl.String) or (dtype == pl.List(pl.Null) and not any(first))
    if typ == "lijst van objecten":
        return isinstance(dtype, pl.List) and isinstance(dtype.inner, pl.Struct)
    if typ == "object":
        return isinstance(dtype, pl.Struct)
    return False


@pytest.mark.parametrize(("run", "name", "doc"), JSONL, ids=[f"{r}/{n}" for r, n, _ in JSONL])
def test_every_line_has_every_documented_key_with_its_type(outputs: dict[str, Path], run: str,
                                                           name: str, doc: str) -> None:
    keys = DOCUMENTED[doc]
    lines = lines_of(outputs[run] / name)
    assert len(lines) > 50
    for i, line in enumerate(lines, 1):
        assert list(line) == list(keys), (name, i)
        wrong = {k: v for k, v in line.items() if not json_type_holds(v, keys[k])}
        assert not wrong, (name, i, wrong)


@pytest.mark.parametrize(("run", "name", "doc"), JSONL, ids=[f"{r}/{n}" for r, n, _ in JSONL])
def test_polars_reads_it_with_default_settings(outputs: dict[str, Path], run: str, name: str,
                                               doc: str) -> None:
    path = outputs[run] / name
    lines = lines_of(path)
    frame = pl.read_ndjson(path)
    keys = DOCUMENTED[doc]
    assert frame.columns == list(keys) and frame.height == len(lines)
    for key, typ in keys.items():
        first = [line[key] for line in lines[:100]]
        assert polars_type_holds(frame.schema[key], typ, first), (key, typ, frame.schema[key])
    # nothing lost: every text value reads back as written
    for key, typ in keys.items():
        if typ == "tekst":
            assert frame[key].to_list() == [line[key] for line in lines], key


def test_the_edge_batches_start_with_empty_values(outputs: dict[str, Path]) -> None:
    """The edge batches do what they are for: empty text and no ground in the first lines."""
    findings = lines_of(outputs["edge"] / "findings.jsonl")
    assert any(f["expected"] == "" for f in findings[:100]) and any(f["expected"] for f in findings[100:])
    audited = lines_of(outputs["audit_edge"] / "audit.jsonl")
    assert all(a["ground"]["id"] == "" and a["rejection_reason"] == "" for a in audited[:100])
    assert any(a["ground"]["id"] for a in audited[100:]) and any(a["team"] for a in audited[100:])
    frame = pl.read_ndjson(outputs["audit_edge"] / "audit.jsonl")
    assert frame["ground"].struct.field("id").str.len_chars().max() > 0


@pytest.mark.parametrize(("run", "name", "doc"), JSONL, ids=[f"{r}/{n}" for r, n, _ in JSONL])
def test_pandas_reads_it_with_default_settings(outputs: dict[str, Path], run: str, name: str,
                                               doc: str) -> None:
    pd = pytest.importorskip("pandas")
    path = outputs[run] / name
    lines = lines_of(path)
    frame = pd.read_json(path, lines=True)
    keys = DOCUMENTED[doc]
    assert list(frame.columns) == list(keys) and len(frame) == len(lines)
    for key, typ in keys.items():
        dtype = frame[key].dtype
        if typ == "geheel getal":
            assert dtype == "int64", key
        elif typ == "geheel getal of null":
            assert dtype in ("int64", "float64"), key
        elif typ == "tekst":
            # pandas makes a column of digits only into numbers (documented): else it is text
            numeric = all(NUMERIC_TEXT.fullmatch(line[key]) for line in lines)
            assert pd.api.types.is_string_dtype(dtype) or (numeric and pd.api.types.is_numeric_dtype(dtype)), key
        else:
            assert dtype == object, key  # noqa: E721 - pandas' object dtype
    as_is = pd.read_json(path, lines=True, dtype=False)  # the documented way to keep the text
    for key, typ in keys.items():
        if typ == "tekst":
            assert as_is[key].tolist() == [line[key] for line in lines], key


# --- CSV and JSON files --------------------------------------------------------------------

def test_decisions_csv_adds_the_documented_columns(outputs: dict[str, Path]) -> None:
    path = outputs["year"] / "decisions.csv"
    frame = pl.read_csv(path, infer_schema=False)  # the input columns as the input had them
    header, _ = read_rows(YEAR)
    added = DOCUMENTED["decisions.csv"]
    assert frame.columns == [*header, *added] and frame.height == 3000
    assert set(frame["verdict"].unique()) <= {"ok", "warning", "incomplete", "error"}
    assert frame["finding_count"].cast(pl.Int64).min() == 0
    assert frame["_row"].cast(pl.Int64).to_list() == list(range(1, 3001))
    pd = pytest.importorskip("pandas")
    read = pd.read_csv(path)
    assert read["finding_count"].dtype == "int64" and read["_row"].dtype == "int64"
    assert pd.api.types.is_string_dtype(read["verdict"].dtype)


def test_decisions_changed_csv_has_the_documented_types(outputs: dict[str, Path]) -> None:
    frame = pl.read_csv(outputs["diff"] / "decisions_changed.csv")
    keys = DOCUMENTED["decisions_changed.csv"]
    assert frame.columns == list(keys) and frame.height > 10
    want = {"tekst": pl.String, "geheel getal": pl.Int64, "ja/nee": pl.Boolean}
    for key, typ in keys.items():
        assert frame.schema[key] in (want[typ], pl.Null), (key, frame.schema[key])
    assert frame["changed"].all()


def json_keys_hold(data: dict[str, Any], keys: dict[str, str], where: str) -> None:
    missing = set(keys) - set(data)
    assert not missing, (where, missing)
    wrong = {k: data[k] for k in keys if not json_type_holds(data[k], keys[k])}
    assert not wrong, (where, wrong)


@pytest.mark.parametrize(("run", "name", "doc"), [
    ("year", "summary.json", "summary.json (validate)"), ("audit", "summary.json", "summary.json (audit)"),
    ("diff", "diff.json", "diff.json"), ("letters", "summary.json", "summary.json (letter)")])
def test_summaries_have_the_documented_keys(outputs: dict[str, Path], run: str, name: str, doc: str) -> None:
    data = json.loads((outputs[run] / name).read_text(encoding="utf-8"))
    json_keys_hold(data, DOCUMENTED[doc], name)
    assert set(data) == set(DOCUMENTED[doc]), set(data) ^ set(DOCUMENTED[doc])


def test_tariffs_and_register_json_have_the_documented_keys(outputs: dict[str, Path]) -> None:
    codes = json.loads(outputs["tariffs"].read_text(encoding="utf-8"))
    assert len(codes) > 20
    for code in codes:
        json_keys_hold(code, DOCUMENTED["tariffs --format json"], code["code"])
        assert set(code) == set(DOCUMENTED["tariffs --format json"])
    entry = json.loads(outputs["register"].read_text(encoding="utf-8"))
    json_keys_hold(entry, DOCUMENTED["algoritmeregister.json (en register --json)"], "register")
    pd = pytest.importorskip("pandas")
    assert len(pd.read_json(outputs["tariffs"])) == len(codes)


DECISION = """decision_id: D-1
municipality: GM0392
request_date: 2025-02-10
decision_date: 2025-01-03
client_id: C-001
birth_date: 2013-04-01
referrer_type: "02"
domains: [gedrag]
severity: matig
outcome: granted
code: 45B10
perceel: 1
provider_type: instelling
volume: 2
unit: "04"
frequency: "2"
tariff: "80.00"
start_date: 2025-03-10
end_date: 2025-06-08
"""


@pytest.mark.parametrize("case", ["example_case", "decision"])
def test_evaluate_json_has_the_documented_keys(case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = ROOT / "fixtures" / "cases" / "example_case.yaml"
    if case == "decision":  # a decision with findings (decided before it was asked, wrong tariff, perceel)
        path = tmp_path / "besluit.yaml"
        path.write_text(DECISION, encoding="utf-8")
    assert main(["evaluate", str(path), "--rules", str(ROOT / "rules"), "--json"]) in (0, 1)
    data = json.loads(capsys.readouterr().out)
    json_keys_hold(data, DOCUMENTED["evaluate --json"], case)
    assert bool(data["findings"]) == (case == "decision")
    for finding in data["findings"]:
        assert {"rule", "check", "severity", "message", "basis", "expected", "actual"} <= set(finding)
        assert all(isinstance(finding[k], str) for k in ("rule", "check", "severity", "message", "basis"))
