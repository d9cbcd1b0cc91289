"""Reading decision files into one table of text columns, row for row.

Every format (CSV, JSON Lines, Parquet; iJw XML is added by ``zorgregels.ijw_import``) becomes a
polars DataFrame whose columns are the file's own columns as text (lists joined with ``;``),
plus ``_source`` (file name) and ``_row`` (1-based data row; for CSV the line is ``_row + 1``).
Typing and validation happen later, per field, so a bad value becomes a finding on its row and
nothing is dropped: rows in equals rows out. A column mapping renames an export's columns to
the canonical field names of domain.md §7.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import groupby
from os import PathLike
from pathlib import Path
from typing import Any

import polars as pl

from zorgregels.catalogue.fields import FIELDS
from zorgregels.catalogue.yamlio import load_yaml_text
from zorgregels.diagnostics import InputError
from zorgregels.io.columns import ERROR, SOURCE, SOURCE_ROW, chunked_like
from zorgregels.io.csvfile import LINES, decode, read_csv
from zorgregels.io.header import clean_header
from zorgregels.io.ijw_import import read_ijw
from zorgregels.io.ijw_import import read_many as read_ijw_many

SUFFIXES = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet"}
#: iJw JW301/JW315 messages and zip archives of them (``io.ijw_import``)
IJW_SUFFIXES = {".xml", ".zip"}
UNKNOWN_TYPE = "onbekend bestandstype (verwacht .csv, .jsonl, .parquet, .xml of .zip)"


def expand(paths: Iterable[str | Path], suffixes: Iterable[str] | None = None) -> list[Path]:
    """Files named, and the decision files inside folders named (sorted, for determinism)."""
    allowed = set(suffixes or SUFFIXES)
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out += map(p.joinpath, _files_below(str(p), allowed))
        elif p.exists():
            out.append(p)
        else:
            raise InputError(f"{p}: bestand of map bestaat niet")
    return out


def _files_below(folder: str, suffixes: set[str], prefix: str = "") -> Iterator[str]:
    """The files below ``folder`` whose suffix (as ``Path.suffix``, any case) is one of
    ``suffixes``, relative to it, in the order of their parts (what ``sorted(rglob("*"))`` by
    ``parts`` gives: symlinked folders not entered, unreadable ones skipped), by ``os.scandir``
    (no path object or ``stat`` per file: a year of iJw messages is tens of thousands)."""
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except PermissionError:
        return
    for e in entries:
        if e.is_dir(follow_symlinks=False):
            yield from _files_below(e.path, suffixes, prefix + e.name + os.sep)
        else:
            dot = e.name.rfind(".")
            if 0 < dot < len(e.name) - 1 and e.name[dot:].lower() in suffixes and e.is_file():
                yield prefix + e.name


def read_column_map(path: str | Path) -> dict[str, str]:
    """A YAML mapping ``canonical_field: column_in_the_export``, in UTF-8 (with or without BOM).
    Anything else is an ``InputError`` naming the file and line."""
    if not isinstance(path, (str, PathLike)) or isinstance(path, bytes):
        raise InputError(f"kolomkoppeling: een pad (str of Path) verwacht, niet {type(path).__name__}")
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: kolomkoppeling kan niet gelezen worden ({exc.strerror})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        at = raw[:exc.start].count(b"\n") + 1
        raise InputError(f"{path}:{at}: kolomkoppeling is geen UTF-8 (byte 0x{raw[exc.start]:02x}); "
                         "sla het bestand op als UTF-8") from None
    data, diags = load_yaml_text(text, str(p))
    if diags:
        raise InputError("\n".join(d.render() for d in diags))
    if not isinstance(data, dict):
        raise InputError(f"{path}: een kolomkoppeling is een mapping veld: kolom")
    for field, column in data.items():
        if field not in FIELDS or FIELDS[field].derived:
            line = data.key_lines[field][0] if hasattr(data, "key_lines") else "?"
            raise InputError(f"{path}:{line}: '{field}' is geen veld van het besluitrecord")
        if not isinstance(column, str):
            raise InputError(f"{path}: kolom voor '{field}' moet tekst zijn")
    return {str(v): str(k) for k, v in data.items()}


#: the days since 1970-01-01 of 0001-01-01 and 9999-12-31: a date column (Parquet) outside
#: them cannot be written as text (polars panics in Rust); it is refused, naming the column
DAY_RANGE = (dt.date(1, 1, 1).toordinal() - dt.date(1970, 1, 1).toordinal(),
             dt.date(9999, 12, 31).toordinal() - dt.date(1970, 1, 1).toordinal())


def stringify(df: pl.DataFrame) -> pl.DataFrame:
    dates = [n for n, t in df.schema.items() if t == pl.Date]
    if dates:
        outside = df.select(~pl.col(n).cast(pl.Int32).is_between(*DAY_RANGE).fill_null(True).all()
                            for n in dates).row(0, named=True)
        if wrong := [n for n, bad in outside.items() if bad]:
            raise ValueError(f"een datum buiten 0001-9999 in kolom {', '.join(wrong)}")
    exprs = []
    for name, dtype in df.schema.items():
        col = pl.col(name)
        if dtype == pl.Utf8:
            exprs.append(col)
        elif isinstance(dtype, pl.List):
            exprs.append(col.cast(pl.List(pl.Utf8)).list.join(";").alias(name))
        elif dtype == pl.Boolean:
            exprs.append(pl.when(col).then(pl.lit("true")).when(~col).then(pl.lit("false"))
                         .otherwise(None).alias(name))
        elif dtype == pl.Date:
            exprs.append(col.dt.strftime("%Y-%m-%d").alias(name))
        elif dtype == pl.Null:
            exprs.append(col.cast(pl.Utf8))
        else:
            exprs.append(col.cast(pl.Utf8).alias(name))
    try:
        return df.select(exprs)
    except pl.exceptions.PolarsError:  # a type polars cannot cast to text: column by column
        return pl.DataFrame([_as_text(df, e) for e in exprs])


def parquet_text(path: Path, start: int = 0, rows: int | None = None) -> pl.DataFrame:
    """Rows ``start .. start + rows`` (all: ``rows`` None) of a Parquet file as text columns under
    the file's own names; a file that cannot be read is an ``InputError`` naming it."""
    try:
        scan = pl.scan_parquet(path)
        return stringify((scan if start == 0 and rows is None else scan.slice(start, rows)).collect())
    except (Exception, pl.exceptions.PanicException) as exc:  # a broken parquet file names itself
        raise InputError(unreadable(path, exc)) from None


def unreadable(path: Path, exc: BaseException) -> str:
    """The message for a Parquet file that cannot be read (a value polars cannot convert, e.g. a
    date out of range, panics in Rust: a BaseException, not an Exception)."""
    return f"{path}: geen leesbaar Parquet-bestand ({exc})"


def _as_text(df: pl.DataFrame, expr: pl.Expr) -> pl.Series:
    """One column of ``stringify``; a type polars cannot cast (a duration, bytes that are no
    UTF-8, a list of lists) value by value, as a JSON Lines reader would write it."""
    try:
        return df.select(expr).to_series()
    except pl.exceptions.PolarsError:
        name = expr.meta.output_name()
        return pl.Series(name, [_json_text(_plain(v)) for v in df.get_column(name).to_list()], dtype=pl.Utf8)


def _plain(v: Any) -> Any:
    if isinstance(v, bytes):
        return v.decode("utf-8", errors="replace")
    if isinstance(v, list):
        return [_plain(x) for x in v]
    return v


def _read_jsonl(path: Path, rename: Mapping[str, str] | None = None) -> pl.DataFrame:
    text, guessed = decode(path.read_bytes(), path)
    if guessed:
        sys.stderr.write(f"let op: {path} is geen UTF-8; gelezen als Windows-1252\n")
    rows: list[dict[str, Any]] = []
    columns: dict[str, None] = {}  # the objects' own keys, in first-seen order
    for line_no, line in enumerate(LINES.split(text.removeprefix("\ufeff")), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line, parse_float=str)
        except (json.JSONDecodeError, RecursionError, ValueError) as exc:
            why = exc.msg if isinstance(exc, json.JSONDecodeError) else "te diep of te groot"
            rows.append({ERROR: f"regel {line_no}: geen geldige JSON ({why})"})
            continue
        if not isinstance(obj, dict):
            rows.append({ERROR: f"regel {line_no}: verwacht een JSON-object"})
            continue
        columns.update(dict.fromkeys(obj))
        rows.append({k: _json_text(v) for k, v in obj.items()})
    if not rows:
        raise InputError(f"{path}: leeg bestand")
    own = list(columns)
    names = dict(zip(own, clean_header(own, str(path), rename), strict=True))
    rows = [{(names.get(k, k)): v for k, v in r.items()} for r in rows]
    return pl.DataFrame(rows, schema={c: pl.Utf8 for c in [*names.values(), ERROR]})


def _json_text(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, list):
        return ";".join("" if x is None else str(x) for x in v)
    if isinstance(v, dict):
        return json.dumps(v, ensure_ascii=False, sort_keys=True)
    return str(v)


def read_file(path: Path, rename: Mapping[str, str] | None = None) -> pl.DataFrame:
    """One file as text columns, its column names cleaned (``clean_header``) and mapped."""
    kind = SUFFIXES.get(path.suffix.lower())
    if kind == "csv":
        df = read_csv(path, rename)
    elif kind == "jsonl":
        df = _read_jsonl(path, rename)
    elif kind == "parquet":
        df = parquet_text(path)
        df.columns = clean_header(df.columns, str(path), rename)
    elif path.suffix.lower() in IJW_SUFFIXES:
        df = read_ijw(path)
    else:
        raise InputError(f"{path}: {UNKNOWN_TYPE}")
    return df


def _tables(files: list[Path], rename: Mapping[str, str]) -> Iterator[tuple[Path, bool, pl.DataFrame]]:
    """Each file's table, and whether it comes from the iJw importer (whose rows name their
    own ``_source``, e.g. ``archive.zip!member.xml``). Consecutive iJw files are read in one
    batch (a folder of iJw messages is thousands of one-client files)."""
    for is_extra, group in groupby(files, key=lambda p: p.suffix.lower() in IJW_SUFFIXES):
        batch = list(group)
        if is_extra and len(batch) > 1:
            yield batch[0], True, read_ijw_many(batch)
        else:
            for f in batch:
                yield f, is_extra, read_file(f, rename)


def decision_files(paths: Sequence[str | Path]) -> list[Path]:
    """The files ``read_decisions`` reads for ``paths``, in the order it reads them."""
    return expand(paths, set(SUFFIXES) | IJW_SUFFIXES)


def read_decisions(paths: Sequence[str | Path], columns: str | Path | None = None) -> pl.DataFrame:
    """All rows of all files as text columns, with ``_source`` and ``_row``; nothing dropped."""
    files = decision_files(paths)
    if not files:
        raise InputError("geen besluitbestanden gevonden")
    rename = read_column_map(columns) if columns else {}
    frames = []
    for f, named, df in _tables(files, rename):
        if rename and named:  # the other readers map the columns themselves
            df = df.rename({k: v for k, v in rename.items() if k in df.columns})
        if not (named and df.schema.get(SOURCE) == pl.Utf8 and df.schema.get(SOURCE_ROW) == pl.Int64
                and df[SOURCE].null_count() == 0):
            if SOURCE_ROW in df.columns:
                df = df.with_columns(pl.lit(str(f)).alias(SOURCE), pl.col(SOURCE_ROW).cast(pl.Int64))
            else:
                # the row numbers in the chunks of the file's columns (a reader gives many: Parquet
                # row groups, CSV blocks): a column of one chunk beside them would make polars
                # copy the whole text table into one chunk at the next column added
                rows = pl.int_range(1, df.height + 1, dtype=pl.Int64, eager=True).alias(SOURCE_ROW)
                df = df.with_columns(pl.lit(str(f)).alias(SOURCE), *chunked_like(df, [rows]))
        frames.append(df)
    out = pl.concat(frames, how="diagonal_relaxed") if len(frames) > 1 else frames[0]
    if ERROR not in out.columns:
        out = out.with_columns(pl.lit(None, dtype=pl.Utf8).alias(ERROR))
    if set(out.columns) <= {SOURCE, SOURCE_ROW, ERROR}:  # rows without one field are still rows
        out = out.with_columns(pl.lit(None, dtype=pl.Utf8).alias("decision_id"))
    return out
