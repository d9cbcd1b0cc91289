"""Reading CSV (and JSONL) robustly: dialects, encodings, quotes, blank lines and header names;
every physical record becomes a row or a row with an ``_error`` naming its line."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zorgregels import Engine, InputError
from zorgregels.cli import main
from zorgregels.io.frame import frame_records
from zorgregels.io.privacy import BSN_MASK
from zorgregels.io.readers import ERROR, SOURCE_ROW, read_decisions

ROOT = Path(__file__).resolve().parents[1]
HEADER = ["decision_id", "code", "tariff", "remark"]
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# field values: no separator, quote or line break (those are quoted by the writer below)
plain = st.text(alphabet=st.sampled_from("abcXYZ019 éëç€-_./"), min_size=0, max_size=8)
records = st.lists(st.tuples(plain, plain, plain, plain), min_size=1, max_size=12)


def _write(path: Path, lines: list[str], eol: str = "\n", encoding: str = "utf-8") -> Path:
    path.write_bytes((eol.join(lines) + eol).encode(encoding))
    return path


def _cell(v: str, sep: str) -> str:
    return f'"{v}"' if sep in v or '"' in v else v


@SETTINGS
@given(rows=records, sep=st.sampled_from([",", ";", "\t"]), eol=st.sampled_from(["\n", "\r\n", "\r"]),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]),
       blank=st.booleans())
def test_every_dialect_and_encoding_reads_every_record(tmp_path: Path, rows: list[tuple[str, ...]], sep: str,
                                                       eol: str, encoding: str, blank: bool) -> None:
    lines = [sep.join(HEADER)]
    for r in rows:
        lines.append(sep.join(_cell(v, sep) for v in r))
        if blank:
            lines.append("")
    p = _write(tmp_path / "d.csv", lines, eol, encoding)
    df = read_decisions([p])
    assert df.height == len(rows)
    assert df[ERROR].null_count() == len(rows)
    got = [tuple(v or "" for v in t) for t in df.select(HEADER).iter_rows()]
    assert got == [tuple(v for v in r) for r in rows]


@SETTINGS
@given(rows=records, bad=st.integers(min_value=0, max_value=11), sep=st.sampled_from([",", ";"]))
def test_a_stray_quote_marks_its_record_and_swallows_no_other(tmp_path: Path, rows: list[tuple[str, ...]],
                                                             bad: int, sep: str) -> None:
    bad %= len(rows)
    lines = [sep.join(HEADER)] + [sep.join(_cell(v, sep) for v in r) for r in rows]
    lines[bad + 1] = lines[bad + 1].replace(sep, sep + '"', 1)  # a quote opened and never closed
    df = read_decisions([_write(tmp_path / "d.csv", lines)])
    assert df.height == len(rows)
    errors = df[ERROR].to_list()
    assert errors[bad] is not None and errors[bad].startswith(f"regel {bad + 2}")
    assert [e for i, e in enumerate(errors) if i != bad] == [None] * (len(rows) - 1)


def test_a_quoted_value_may_span_lines(tmp_path: Path) -> None:
    p = _write(tmp_path / "d.csv", ["decision_id,remark", 'a,"eerste', 'tweede"', "b,x"])
    df = read_decisions([p])
    assert df["remark"].to_list() == ["eerste\ntweede", "x"] and df[ERROR].null_count() == 2


def test_a_short_row_is_marked_not_filled(tmp_path: Path) -> None:
    df = read_decisions([_write(tmp_path / "d.csv", ["a,b,c", "1,2", "3,4,5"])])
    assert df[ERROR].to_list()[0].startswith("regel 2") and df[ERROR].to_list()[1] is None


def test_semicolon_file_with_decimal_comma_is_understood(tmp_path: Path) -> None:
    rec = {"decision_id": "a", "tariff": "72,52", "code": "45B10"}
    p = _write(tmp_path / "d.csv", [";".join(rec), ";".join(rec.values())])
    df = read_decisions([p])
    assert df.select(list(rec)).to_dicts() == [rec]
    from zorgregels.core.facts import read_record
    typed, _issues, _ = read_record({"tariff": "72,52"})
    assert str(typed["tariff"]) == "72.52"


def test_windows_1252_is_read_with_a_notice(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = _write(tmp_path / "d.csv", ["decision_id,remark", "a,café €5"], encoding="cp1252")
    assert read_decisions([p])["remark"].to_list() == ["café €5"]
    assert "Windows-1252" in capsys.readouterr().err


def test_utf16_without_bom_is_refused(tmp_path: Path) -> None:
    p = _write(tmp_path / "d.csv", ["decision_id,code", "a,b"], encoding="utf-16-le")
    with pytest.raises(InputError, match="UTF-16"):
        read_decisions([p])


@pytest.mark.parametrize(("header", "named"), [
    ("decision_id,code,code", "'code' en 'code'"),
    ("decision_id,BSN,bsn ", "'BSN' en 'bsn '"),
    ("decision_id,,code", "kolom 2"),
    ("decision_id,verdict", "'verdict'"),
    ("decision_id,finding_count", "'finding_count'"),
    ("decision_id,_row", "'_row'"),
    ('decision_id,"code', "aanhalingsteken"),
])
def test_bad_header_names_are_refused_naming_them(tmp_path: Path, header: str, named: str) -> None:
    p = _write(tmp_path / "d.csv", [header, "a,b,c"])
    with pytest.raises(InputError) as exc:
        read_decisions([p])
    assert named in str(exc.value) and "d.csv" in str(exc.value)


def test_reserved_keys_in_jsonl_and_records_are_refused(tmp_path: Path) -> None:
    p = tmp_path / "d.jsonl"
    p.write_text('{"decision_id": "a", "verdict": "ok"}\n', encoding="utf-8")
    with pytest.raises(InputError, match="verdict"):
        read_decisions([p])
    with pytest.raises(InputError, match="finding_count"):
        frame_records([{"finding_count": 3}])


def test_a_reserved_column_can_be_mapped_with_columns(tmp_path: Path) -> None:
    p = _write(tmp_path / "d.csv", ["id,verdict", "a,toegekend"])
    m = tmp_path / "map.yaml"
    m.write_text("decision_id: id\noutcome: verdict\n", encoding="utf-8")
    assert read_decisions([p], columns=m).select("decision_id", "outcome").to_dicts() == [
        {"decision_id": "a", "outcome": "toegekend"}]


@pytest.mark.parametrize("name", [" bsn", "bsn ", "BSN ", " Bsn "])
def test_a_bsn_header_is_matched_after_trimming_and_case_folding(tmp_path: Path, name: str) -> None:
    p = _write(tmp_path / "d.csv", [f"decision_id,{name}", "a,111222333"])
    report = Engine.from_path(ROOT / "rules").validate(p)
    assert report.decisions["bsn"].to_list() == [BSN_MASK]
    assert "111222333" not in report.decisions.write_csv()


def test_validate_counts_records_without_fields() -> None:
    report = Engine.from_path(ROOT / "rules").validate([{}, {}, {}])
    assert report.summary["rows_in"] == 3 and report.decisions.height == 3


def test_jsonl_in_utf16_and_deep_nesting_are_rows_not_crashes(tmp_path: Path) -> None:
    p = tmp_path / "d.jsonl"
    p.write_bytes('{"decision_id": "é"}\n'.encode("utf-16"))
    assert read_decisions([p])["decision_id"].to_list() == ["é"]
    p.write_text('{"decision_id": "a"}\n' + "[" * 100_000 + "\n", encoding="utf-8")
    df = read_decisions([p])
    assert df.height == 2 and df[ERROR].to_list()[1].startswith("regel 2")


def test_the_fast_path_keeps_row_numbers(tmp_path: Path) -> None:
    p = _write(tmp_path / "d.csv", ["decision_id,code", *(f"r{i},45B10" for i in range(50))])
    df = read_decisions([p])
    assert df[SOURCE_ROW].to_list() == list(range(1, 51)) and df.schema["code"] == pl.Utf8


def test_the_cli_refuses_a_bad_header_with_exit_2_and_reads_a_semicolon_export(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from zorgregels.cli import main

    dup = _write(tmp_path / "dup.csv", ["decision_id,code,CODE", "a,b,c"])
    assert main(["validate", str(dup), "--rules", str(ROOT / "rules"), "--out", str(tmp_path / "o1")]) == 2
    err = capsys.readouterr().err
    assert "dup.csv" in err and "'code' en 'CODE'" in err and "Traceback" not in err
    example = pl.read_csv(ROOT / "fixtures/decisions/example_2025.csv", infer_schema=False).head(50)
    example.write_csv(tmp_path / "semi.csv", separator=";")
    main(["validate", str(tmp_path / "semi.csv"), "--rules", str(ROOT / "rules"), "--out", str(tmp_path / "o2")])
    decisions = pl.read_csv(tmp_path / "o2" / "decisions.csv", infer_schema=False)
    assert decisions.height == 50 and decisions["code"].to_list() == example["code"].to_list()
    assert set(decisions["bsn"].to_list()) == {BSN_MASK}


def test_a_parquet_date_out_of_range_is_refused_naming_the_column_without_a_panic(tmp_path, capfd):
    """polars panics (in Rust, past Python's exceptions) when it writes such a date as text: the
    reader refuses the file first, naming it and the column."""
    days = pa.array([0, 2**31 - 1], type=pa.int32()).cast(pa.date32())
    path = tmp_path / "besluiten.parquet"
    pq.write_table(pa.table({"decision_id": ["a", "b"], "decision_date": days}), path)
    assert main(["validate", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capfd.readouterr().err
    assert f"{path}: geen leesbaar Parquet-bestand (een datum buiten 0001-9999 in kolom decision_date)" in err
    assert "panicked" not in err and "Traceback" not in err
