"""A batch of decisions read in slices: the text table of ``io.frame.frame_records``, never held
whole when it need not be.

Decisions given as Parquet files or plain CSV files are read slice by slice, each slice straight
from the file (Parquet keeps its rows in groups that can be read on their own; a plain CSV, one
record a line, is cut at line ends), and read again, slice by slice, when decisions.csv is
written: the text of a million decisions (35 columns of 16-byte string views, ~600 MB) is then
never in memory at once. Every other input (a CSV polars cannot read line for line, JSON Lines,
iJw, records, data frames) is framed in memory as before and sliced from there. Either way a
slice is exactly the rows of ``frame_records`` it covers, with the same columns in the same order.

A CSV is known to be plain line for line only when each slice is read (``plain_csv``): a slice
that is not (a quote spanning lines, a blank line, a ragged row, bad UTF-8) raises
``NotSliceable``, and ``validate`` then reads the batch again, framed whole, record by record.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Protocol

import polars as pl

from zorgregels.diagnostics import InputError
from zorgregels.io.columns import ERROR, SOURCE, SOURCE_ROW
from zorgregels.io.csvfile import HEAD_BYTES, CsvLayout, csv_layout, plain_csv, polars_csv
from zorgregels.io.frame import Records, frame_records, input_files
from zorgregels.io.header import clean_header
from zorgregels.io.readers import parquet_text, read_column_map, read_decisions, unreadable

#: a plain CSV's line starts are kept for every this many lines (a slice starts at one of them,
#: or a few thousand lines further)
LINE_GRAIN = 8192
#: how much of a CSV is read at a time while its lines are counted
_BLOCK = 1 << 23


class NotSliceable(InputError):
    """A CSV slice polars cannot read line for line after all: the batch is framed whole instead.
    (Outside ``validate``, i.e. when the file changed between two reads, a user reads why.)"""


class Part(Protocol):
    """One file of a batch read in slices."""

    @property
    def path(self) -> Path: ...
    @property
    def rows(self) -> int: ...
    @property
    def names(self) -> tuple[str, ...]: ...

    def read(self, start: int, rows: int) -> pl.DataFrame: ...


def _framed(part: Part, df: pl.DataFrame, start: int) -> pl.DataFrame:
    """A slice's own columns named as the batch's, with ``_source``, ``_row`` and ``_error``."""
    df.columns = list(part.names)
    return df.with_columns(
        pl.lit(str(part.path)).alias(SOURCE),
        pl.int_range(start + 1, start + df.height + 1, dtype=pl.Int64).alias(SOURCE_ROW),
        pl.lit(None, dtype=pl.Utf8).alias(ERROR))


@dataclass(frozen=True)
class ParquetPart:
    """One Parquet file of a batch: its rows and its column names as read (``clean_header``)."""

    path: Path
    rows: int
    names: tuple[str, ...]

    def read(self, start: int, rows: int) -> pl.DataFrame:
        """Rows ``start .. start + rows`` as text columns with ``_source``, ``_row`` and ``_error``."""
        return _framed(self, parquet_text(self.path, start, rows), start)


@dataclass(frozen=True)
class CsvPart:
    """One plain CSV file of a batch: its layout, its record count (one record a line) and the
    byte where every ``LINE_GRAIN``-th record starts (and the file's end)."""

    path: Path
    rows: int
    names: tuple[str, ...]
    layout: CsvLayout
    starts: tuple[int, ...]
    size: int
    stamp: tuple[int, int]  # the file's size and modification time when its lines were counted
    #: the slices ``plain_csv`` found plain (read again for decisions.csv, polars alone reads them)
    checked: set[tuple[int, int]] = field(default_factory=set, compare=False, repr=False)

    def read(self, start: int, rows: int) -> pl.DataFrame:
        """Records ``start .. start + rows`` as text columns with ``_source``, ``_row`` and
        ``_error``; ``NotSliceable`` when polars cannot read them line for line, or the file
        changed since its lines were counted."""
        with self.path.open("rb") as fh:
            same = _stamp(os.fstat(fh.fileno())) == self.stamp
            begin, end = self._offset(fh, start), self._offset(fh, start + rows)
            fh.seek(begin)
            data = fh.read(end - begin)
        df = None
        if same and (start, rows) in self.checked:
            try:
                df = polars_csv(data, self.layout.sep, header=False)
            except pl.exceptions.PolarsError:
                df = None
        elif same and data:
            df = plain_csv(data, self.layout, header=False)
        if df is None or df.height != rows or df.width != len(self.names):
            raise NotSliceable(f"{self.path}: het bestand is niet regel voor regel te lezen, of "
                               "veranderde terwijl het gelezen werd")
        self.checked.add((start, rows))
        return _framed(self, df, start)

    def _offset(self, fh: BinaryIO, record: int) -> int:
        """The byte where ``record`` starts (the file's end for ``rows``)."""
        if record >= self.rows:
            return self.size
        grain, skip = divmod(record, LINE_GRAIN)
        at = self.starts[grain]
        if skip:
            fh.seek(at)
            at += _line_end(fh.read(self.starts[grain + 1] - at), skip) + 1
        return at


class DecisionSource:
    """The decisions of one batch, as slices of the framed text table. ``height`` rows in all;
    ``files`` the files read (None for records and data frames)."""

    def __init__(self, *, frame: pl.DataFrame | None = None, parts: tuple[Part, ...] = (),
                 files: list[Path] | None = None, columns: str | Path | None = None):
        self._frame = frame
        self.parts = parts
        self.files = files
        self.columns = columns
        self.height = frame.height if frame is not None else sum(p.rows for p in parts)

    @property
    def in_memory(self) -> pl.DataFrame | None:
        """The framed table when it is held in memory anyway (not read from Parquet lazily)."""
        return self._frame

    def slices(self, rows: int) -> Iterator[pl.DataFrame]:
        """The framed table, ``rows`` rows at a time, in order (a file's last slice may be
        shorter; never an empty slice unless the batch is empty)."""
        step = max(rows, 1)
        if self._frame is not None:
            if self._frame.height == 0:
                yield self._frame
            for start in range(0, self._frame.height, step):
                yield self._frame.slice(start, step)
            return
        for part in self.parts:
            for start in range(0, part.rows, step):
                yield part.read(start, min(step, part.rows - start))

    def framed(self) -> DecisionSource:
        """The same batch framed whole in memory (``read_decisions``): what a batch whose CSV
        cannot be read slice by slice is read as."""
        if self._frame is not None or not self.files:
            return self
        return DecisionSource(frame=read_decisions(self.files, self.columns), files=self.files)

    def frame(self) -> pl.DataFrame:
        """The whole framed table (``frame_records``), read into memory."""
        if self._frame is not None:
            return self._frame
        return pl.concat(list(self.slices(max(p.rows for p in self.parts))), how="vertical")


def open_source(records: Records, columns: str | Path | None = None) -> DecisionSource:
    """The decisions of ``records`` as a ``DecisionSource``: Parquet files and plain CSV files of
    one header read lazily, anything else framed in memory (``frame_records``)."""
    files = input_files(records)
    if files and all(f.suffix.lower() in (".parquet", ".csv") for f in files):
        rename = read_column_map(columns) if columns else {}
        parts: list[Part] = []
        for f in files:
            part = _parquet_part(f, rename) if f.suffix.lower() == ".parquet" else _csv_part(f, rename)
            if part is None:
                break
            parts.append(part)
        else:
            if parts[0].names and all(p.names == parts[0].names for p in parts) and any(p.rows for p in parts):
                return DecisionSource(parts=tuple(parts), files=files, columns=columns)
    return DecisionSource(frame=frame_records(records, columns), files=files)


def _csv_part(path: Path, rename: Mapping[str, str]) -> CsvPart | None:
    """A CSV file as a ``CsvPart`` when its layout is plain and it has more than one column
    (one column cannot tell a blank line from an empty value); None otherwise."""
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(HEAD_BYTES)
            if not head.strip():  # an empty file: the framed read says so
                return None
            layout = csv_layout(path, head, size, rename)
            if layout is None or len(layout.names) < 2:
                return None
            fh.seek(layout.body - 1)
            if fh.read(1) != b"\n":  # no line end after the header within the head
                return None
            stamp = _stamp(os.fstat(fh.fileno()))
            starts, rows, last = _line_starts(fh, layout.body, size)
    except OSError:
        return None
    if last is not None and last != b"\n":
        rows += 1  # the last record has no line end
    return CsvPart(path=path, rows=rows, names=tuple(layout.names), layout=layout,
                   starts=(*starts, size), size=size, stamp=stamp)


def _stamp(st: os.stat_result) -> tuple[int, int]:
    return st.st_size, st.st_mtime_ns


def _line_starts(fh: BinaryIO, body: int, size: int) -> tuple[list[int], int, bytes | None]:
    """From byte ``body`` on: the start of every ``LINE_GRAIN``-th line, the line ends counted and
    the file's last byte (None for no byte after ``body``)."""
    starts = [body]
    lines = 0
    pos = body
    last = None
    fh.seek(body)
    while block := fh.read(_BLOCK):
        n = ends = block.count(b"\n")
        due = LINE_GRAIN * len(starts) - lines  # the line end after which the next start lies
        at = -1
        while due <= n:
            at = _line_end(block, due, at + 1)
            starts.append(pos + at + 1)
            n -= due
            due = LINE_GRAIN
        lines += ends
        pos += len(block)
        last = block[-1:]
    if starts[-1] >= size:
        starts.pop()
    return starts, lines, last


def _line_end(block: bytes, k: int, start: int = 0) -> int:
    """Where the ``k``-th line end (``k`` >= 1) of ``block`` from ``start`` on is: counted 64 KiB
    at a time, then looked for line by line in the last 64 KiB only."""
    step = 1 << 16
    while (n := block.count(b"\n", start, start + step)) < k:
        k -= n
        start += step
    at = start - 1
    for _ in range(k):
        at = block.find(b"\n", at + 1)
    return at


def _parquet_part(path: Path, rename: Mapping[str, str]) -> ParquetPart:
    try:
        names = list(pl.read_parquet_schema(path))
        rows = int(pl.scan_parquet(path).select(pl.len()).collect().item())
    except (Exception, pl.exceptions.PanicException) as exc:
        raise InputError(unreadable(path, exc)) from None
    return ParquetPart(path=path, rows=rows, names=tuple(clean_header(names, str(path), rename)))


__all__ = ["CsvPart", "DecisionSource", "NotSliceable", "ParquetPart", "Part", "open_source"]
