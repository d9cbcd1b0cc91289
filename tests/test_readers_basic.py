"""Reading decision files: every row kept, bad rows marked, formats agree."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from zorgregels import InputError
from zorgregels.io.readers import ERROR, SOURCE, SOURCE_ROW, read_decisions

ROWS = [
    {"decision_id": "a", "code": "45B10", "domains": ["gedrag", "school"], "tariff": "72.52", "crisis": False},
    {"decision_id": "b", "code": "45B11", "domains": ["gedrag"], "tariff": "96.00", "crisis": True},
]


def _csv(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_csv_jsonl_and_parquet_give_the_same_text_table(tmp_path: Path):
    csv = _csv(tmp_path / "d.csv", ["decision_id,code,domains,tariff,crisis",
                                    "a,45B10,gedrag;school,72.52,false", "b,45B11,gedrag,96.00,true"])
    jsonl = tmp_path / "d.jsonl"
    jsonl.write_text("\n".join(json.dumps(r) for r in ROWS) + "\n", encoding="utf-8")
    parquet = tmp_path / "d.parquet"
    pl.DataFrame([{**r, "tariff": r["tariff"]} for r in ROWS]).write_parquet(parquet)
    tables = [read_decisions([p]).drop(SOURCE) for p in (csv, jsonl, parquet)]
    cols = ["decision_id", "code", "domains", "tariff", "crisis", SOURCE_ROW, ERROR]
    first = tables[0].select(cols).to_dicts()
    assert first[0]["domains"] == "gedrag;school" and first[1]["crisis"] == "true"
    for t in tables[1:]:
        assert t.select(cols).to_dicts() == first


def test_a_ragged_csv_row_is_kept_with_its_line(tmp_path: Path):
    p = _csv(tmp_path / "d.csv", ["decision_id,code", "a,45B10", "b", "c,45B12,extra", "d,45B13"])
    df = read_decisions([p])
    assert df.height == 4
    errors = dict(zip(df["decision_id"], df[ERROR], strict=True))
    assert errors["a"] is None and errors["d"] is None
    assert "regel 3" in errors["b"] and "regel 4" in errors["c"]


def test_a_broken_jsonl_line_is_a_row_with_an_error(tmp_path: Path):
    p = tmp_path / "d.jsonl"
    p.write_text('{"decision_id": "a"}\n{broken\n[1, 2]\n{"decision_id": "d"}\n', encoding="utf-8")
    df = read_decisions([p])
    assert df.height == 4
    assert df[ERROR].to_list()[1].startswith("regel 2") and df[ERROR].to_list()[2].startswith("regel 3")


def test_jsonl_keeps_decimals_exact(tmp_path: Path):
    p = tmp_path / "d.jsonl"
    p.write_text('{"tariff": 72.10, "volume": 1.5}\n', encoding="utf-8")
    row = read_decisions([p]).to_dicts()[0]
    assert row["tariff"] == "72.10" and row["volume"] == "1.5"


def test_column_mapping_renames_export_columns(tmp_path: Path):
    p = _csv(tmp_path / "d.csv", ["BeschikkingNr,Productcode,Extra", "x1,45B10,keep"])
    m = tmp_path / "map.yaml"
    m.write_text("decision_id: BeschikkingNr\ncode: Productcode\n", encoding="utf-8")
    row = read_decisions([p], columns=m).to_dicts()[0]
    assert row["decision_id"] == "x1" and row["code"] == "45B10" and row["Extra"] == "keep"


def test_column_mapping_to_an_unknown_field_is_refused(tmp_path: Path):
    m = tmp_path / "map.yaml"
    m.write_text("decision_id: A\nbeslisdatum: B\n", encoding="utf-8")
    p = _csv(tmp_path / "d.csv", ["A,B", "1,2"])
    with pytest.raises(InputError, match="beslisdatum"):
        read_decisions([p], columns=m)


def test_folders_are_read_in_sorted_order_and_missing_paths_named(tmp_path: Path):
    _csv(tmp_path / "b.csv", ["decision_id", "2"])
    _csv(tmp_path / "a.csv", ["decision_id", "1"])
    df = read_decisions([tmp_path])
    assert df["decision_id"].to_list() == ["1", "2"]
    with pytest.raises(InputError, match="nope.csv"):
        read_decisions([tmp_path / "nope.csv"])
