"""A batch of decisions read in slices: the text table of ``io.frame.frame_records``, never held
whole when it need not be.

Decisions given as Parquet files are read slice by slice, each slice straight from the file
(Parquet keeps its rows in groups that can be read on their own), and read again, slice by
slice, when decisions.csv is written: the text of a million decisions (35 columns of 16-byte
string views, ~600 MB) is then never in memory at once. Every other input (CSV, JSON Lines,
iJw, records, data frames) is framed in memory as before and sliced from there. Either way a
slice is exactly the rows of ``frame_records`` it covers, with the same columns in the same order.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from zorgregels.diagnostics import InputError
from zorgregels.io.columns import ERROR, SOURCE, SOURCE_ROW
from zorgregels.io.frame import Records, frame_records, input_files
from zorgregels.io.readers import clean_header, parquet_text, read_column_map, unreadable


@dataclass(frozen=True)
class ParquetPart:
    """One Parquet file of a batch: its rows and its column names as read (``clean_header``)."""

    path: Path
    rows: int
    names: tuple[str, ...]

    def read(self, start: int, rows: int) -> pl.DataFrame:
        """Rows ``start .. start + rows`` as text columns with ``_source``, ``_row`` and ``_error``."""
        df = parquet_text(self.path, start, rows)
        df.columns = list(self.names)
        return df.with_columns(
            pl.lit(str(self.path)).alias(SOURCE),
            pl.int_range(start + 1, start + df.height + 1, dtype=pl.Int64).alias(SOURCE_ROW),
            pl.lit(None, dtype=pl.Utf8).alias(ERROR))


class DecisionSource:
    """The decisions of one batch, as slices of the framed text table. ``height`` rows in all;
    ``files`` the files read (None for records and data frames)."""

    def __init__(self, *, frame: pl.DataFrame | None = None, parts: tuple[ParquetPart, ...] = (),
                 files: list[Path] | None = None):
        self._frame = frame
        self.parts = parts
        self.files = files
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

    def frame(self) -> pl.DataFrame:
        """The whole framed table (``frame_records``), read into memory."""
        if self._frame is not None:
            return self._frame
        return pl.concat(list(self.slices(max(p.rows for p in self.parts))), how="vertical")


def open_source(records: Records, columns: str | Path | None = None) -> DecisionSource:
    """The decisions of ``records`` as a ``DecisionSource``: Parquet files of one header read
    lazily, anything else framed in memory (``frame_records``)."""
    files = input_files(records)
    if files and all(f.suffix.lower() == ".parquet" for f in files):
        rename = read_column_map(columns) if columns else {}
        parts = tuple(_part(f, rename) for f in files)
        if parts[0].names and all(p.names == parts[0].names for p in parts) and any(p.rows for p in parts):
            return DecisionSource(parts=parts, files=files)
    return DecisionSource(frame=frame_records(records, columns), files=files)


def _part(path: Path, rename: Mapping[str, str]) -> ParquetPart:
    try:
        names = list(pl.read_parquet_schema(path))
        rows = int(pl.scan_parquet(path).select(pl.len()).collect().item())
    except (Exception, pl.exceptions.PanicException) as exc:
        raise InputError(unreadable(path, exc)) from None
    return ParquetPart(path=path, rows=rows, names=tuple(clean_header(names, str(path), rename)))


__all__ = ["DecisionSource", "ParquetPart", "open_source"]
