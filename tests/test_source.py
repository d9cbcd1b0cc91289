"""A plain CSV read slice by slice (``io.source.CsvPart``) is exactly the same rows as the CSV read
whole (``read_decisions``); a CSV that is not one record a line is framed whole, and validate's
report is the same either way."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import zorgregels.io.source as source_mod
import zorgregels.jobs.validate.run as validate_run
from zorgregels import Engine
from zorgregels.io.csvfile import HEAD_BYTES, csv_layout, plain_csv, read_csv_slow
from zorgregels.io.readers import read_decisions
from zorgregels.io.source import NotSliceable, open_source

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "fixtures" / "decisions" / "example_2025.csv"


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.from_path(ROOT / "rules")


values = st.one_of(
    st.sampled_from(["", "a", "GM0392", "2025-03-01", "72,52", 'zei "nee"', "x;y", "  spatie ", "é€",
                     "regel\nnieuw", "r\r\nn"]),
    st.text(alphabet="ab ,;\"\n\r1", max_size=6),
)


def _csv_bytes(header: list[str], rows: list[list[str]], *, sep: str, crlf: bool, quote_all: bool,
               trailing: bool, blank_at: int | None, bom: bool) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=sep, lineterminator="\r\n" if crlf else "\n",
                   quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL)
    w.writerow(header)
    for i, r in enumerate(rows):
        if blank_at == i:
            buf.write("\r\n" if crlf else "\n")
        w.writerow(r)
    text = buf.getvalue()
    if not trailing:
        text = text.rstrip("\r\n")
    return ("\ufeff" if bom else "").encode() + text.encode("utf-8")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(width=st.integers(1, 4), data=st.data(), sep=st.sampled_from([",", ";", "\t"]), crlf=st.booleans(),
       quote_all=st.booleans(), trailing=st.booleans(), bom=st.booleans(), grain=st.integers(1, 5),
       step=st.integers(1, 9))
def test_a_csv_read_in_slices_is_the_csv_read_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, width: int,
                                                     data: st.DataObject, sep: str, crlf: bool, quote_all: bool,
                                                     trailing: bool, bom: bool, grain: int, step: int) -> None:
    """Any CSV (quoted values, separators and line ends inside quotes, blank lines, CRLF, a BOM,
    with or without a last line end): either every slice of it is exactly the rows the whole read
    gives, or a slice says it cannot be read line for line (``NotSliceable``) or it is framed
    whole from the start; never other rows."""
    monkeypatch.setattr(source_mod, "LINE_GRAIN", grain)
    header = [f"kolom{i}" for i in range(width)]
    rows = data.draw(st.lists(st.lists(values, min_size=width, max_size=width), min_size=1, max_size=12))
    blank_at = data.draw(st.none() | st.integers(0, len(rows) - 1))
    path = tmp_path / "d.csv"
    path.write_bytes(_csv_bytes(header, rows, sep=sep, crlf=crlf, quote_all=quote_all, trailing=trailing,
                                blank_at=blank_at, bom=bom))
    whole = read_decisions([path])
    src = open_source(path)
    # one record a line (no line end inside a value, no blank line): read in slices, never framed
    plain = width > 1 and blank_at is None and not any("\n" in v or "\r" in v for r in rows for v in r)
    if src.in_memory is not None:
        assert not plain, "a CSV of one record a line is read in slices"
        assert src.in_memory.equals(whole)
        return
    assert src.height == sum(p.rows for p in src.parts)
    try:
        sliced = pl.concat(list(src.slices(step)), how="vertical")
    except NotSliceable:
        assert not plain, "a CSV of one record a line is read in slices"
        assert src.framed().frame().equals(whole)
        return
    assert sliced.equals(whole)
    if plain:
        assert src.height == len(rows)


def test_the_example_year_from_csv_is_read_in_slices(engine: Engine, monkeypatch: pytest.MonkeyPatch,
                                                      part_reads: list[tuple[int, int]]) -> None:
    """The example year is a plain CSV: read slice by slice (never framed whole), with the
    report of the rows read whole."""
    reads = part_reads
    monkeypatch.setattr(validate_run, "SLICE_ROWS", 1000)
    lazy = engine.validate(EXAMPLE)
    assert lazy.source.in_memory is None
    assert reads == [(0, 1000), (1000, 1000), (2000, 1000)]
    framed = engine.validate(read_decisions([EXAMPLE]))
    assert lazy.findings.drop("source").equals(framed.findings.drop("source"))
    assert lazy.decisions.drop("_source").equals(framed.decisions.drop("_source"))


def test_a_csv_with_a_value_spanning_lines_is_framed_whole_with_the_same_report(
        engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A motivation with a line break inside quotes in the third slice: the slices before it were
    read line for line, then the batch is read again whole, record by record; rows in equals
    rows reported and the report is that of the file read whole."""
    monkeypatch.setattr(validate_run, "SLICE_ROWS", 1000)
    src = pl.read_csv(EXAMPLE, infer_schema=False)
    src = src.with_columns(pl.when(pl.int_range(pl.len()) == 2500).then(pl.lit("eerste regel\ntweede regel"))
                           .otherwise(pl.col("decision_id")).alias("decision_id"))
    path = tmp_path / "d.csv"
    src.write_csv(path)
    assert open_source(path).in_memory is None  # sliceable as far as its header tells
    report = engine.validate(path)
    assert report.source.in_memory is not None
    assert report.rows_in == src.height == report.decisions.height
    framed = engine.validate(read_decisions([path]))
    assert report.findings.drop("source").equals(framed.findings.drop("source"))
    assert report.decisions.drop("_source").equals(framed.decisions.drop("_source"))
    assert report.decisions.get_column("decision_id").to_list()[2500] == "eerste regel\ntweede regel"


def test_a_csv_changed_after_it_was_checked_is_a_clear_error(engine: Engine, tmp_path: Path) -> None:
    """decisions.csv reads the file again: a file cut short between the two reads is an error
    naming the file, not other rows."""
    path = tmp_path / "d.csv"
    pl.read_csv(EXAMPLE, infer_schema=False).write_csv(path)
    report = engine.validate(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(NotSliceable, match=str(path)):
        report.write(tmp_path / "out")
    assert not (tmp_path / "out").exists()


cells = st.text(alphabet='ab ,;\t"é1', max_size=6)


@settings(max_examples=300, deadline=None)
@given(width=st.integers(2, 4), data=st.data(), sep=st.sampled_from([",", ";", "\t"]), crlf=st.booleans(),
       stray=st.lists(st.integers(0, 10**6), max_size=2), drop=st.lists(st.integers(0, 10**6), max_size=2))
def test_quoted_separators_read_fast_as_the_record_by_record_reader_reads_them(
        width: int, data: st.DataObject, sep: str, crlf: bool, stray: list[int], drop: list[int]) -> None:
    """A separator or a quote inside a quoted value (a motivation "wel, maar later") no longer
    sends a file to the record-by-record reader: polars reads it, with exactly the values that
    reader gives. A separator added or taken out anywhere (a long or a short row, or one more in
    a quoted value) is read the same way, or sends the file to that reader: a quoted separator
    never makes up for one a short row lacks."""
    rows = data.draw(st.lists(st.lists(cells, min_size=width, max_size=width), min_size=1, max_size=8))
    buf = io.StringIO()
    csv.writer(buf, delimiter=sep, lineterminator="\r\n" if crlf else "\n").writerows(
        [[f"k{i}" for i in range(width)], *rows])
    text = buf.getvalue()
    header_end = text.index("\n") + 1
    for at in stray:  # in the records only: the header stays the file's header
        at = header_end + at % max(1, len(text) - header_end)
        text = text[:at] + sep + text[at:]
    for at in drop:
        seps = [i for i, ch in enumerate(text) if ch == sep and i >= header_end]
        if seps:
            at = seps[at % len(seps)]
            text = text[:at] + text[at + 1:]
    raw = text.encode("utf-8")
    path = Path("d.csv")
    layout = csv_layout(path, raw[:HEAD_BYTES], len(raw))
    assert layout is not None
    fast = plain_csv(raw, layout, header=True)
    slow = read_csv_slow(path, raw)
    if fast is None:
        assert stray or drop, "a file csv.writer wrote is read by polars"
        return
    assert slow.get_column("_error").null_count() == slow.height
    assert fast.fill_null("").equals(slow.drop("_error").fill_null(""))
