"""Reading decision files into one table of text columns, row for row.

Every format (CSV, JSON Lines, Parquet; iJw XML is added by ``zorgregels.ijw_import``) becomes a
polars DataFrame whose columns are the file's own columns as text (lists joined with ``;``),
plus ``_source`` (file name) and ``_row`` (1-based data row; for CSV the line is ``_row + 1``).
Typing and validation happen later, per field, so a bad value becomes a finding on its row and
nothing is dropped: rows in equals rows out. A column mapping renames an export's columns to
the canonical field names of domain.md §7.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from itertools import groupby
from os import PathLike
from pathlib import Path
from typing import Any

import polars as pl
import yaml

from zorgregels.catalogue.fields import FIELDS
from zorgregels.catalogue.yamlio import load_yaml_text
from zorgregels.diagnostics import InputError
from zorgregels.io.columns import ERROR, SOURCE, SOURCE_ROW
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
            out += sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in allowed)
        elif p.exists():
            out.append(p)
        else:
            raise InputError(f"{p}: bestand of map bestaat niet")
    return out


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
    try:
        data, diags = load_yaml_text(text, str(p))
    except yaml.reader.ReaderError as exc:
        at = text[:exc.position].count("\n") + 1
        raise InputError(f"{path}:{at}: teken {exc.character!r} mag niet in YAML "
                         "(een stuurteken)") from None
    except yaml.YAMLError as exc:
        raise InputError(f"{path}: geen geldige YAML ({exc})") from None
    except RecursionError:
        raise InputError(f"{path}: te diep genest") from None
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


def stringify(df: pl.DataFrame) -> pl.DataFrame:
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
    return df.select(exprs)


def _read_csv(path: Path) -> pl.DataFrame:
    try:
        return pl.read_csv(path, infer_schema=False, encoding="utf8")
    except pl.exceptions.NoDataError:
        raise InputError(f"{path}: leeg bestand") from None
    except pl.exceptions.PolarsError:
        return _read_csv_slow(path)


def _read_csv_slow(path: Path) -> pl.DataFrame:
    """Row-by-row reading for files polars refuses (ragged rows): each bad row is kept, with an
    ``_error`` naming its line, instead of failing the whole file."""
    text = path.read_text(encoding="utf-8-sig", errors="replace")
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        raise InputError(f"{path}: leeg bestand") from None
    rows: list[dict[str, Any]] = []
    for values in reader:
        line = reader.line_num
        if not values:
            continue
        row: dict[str, Any] = dict(zip(header, values, strict=False))
        if len(values) != len(header):
            row[ERROR] = f"regel {line}: {len(values)} velden, de kop heeft er {len(header)}"
        rows.append(row)
    schema = {h: pl.Utf8 for h in header} | {ERROR: pl.Utf8}
    return pl.DataFrame(rows, schema=schema)


def _read_jsonl(path: Path) -> pl.DataFrame:
    import json

    rows: list[dict[str, Any]] = []
    with path.open(encoding="utf-8") as fh:
        for line_no, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line, parse_float=str)
            except json.JSONDecodeError as exc:
                rows.append({ERROR: f"regel {line_no}: geen geldige JSON ({exc.msg})"})
                continue
            if not isinstance(obj, dict):
                rows.append({ERROR: f"regel {line_no}: verwacht een JSON-object"})
                continue
            rows.append({k: _json_text(v) for k, v in obj.items()})
    if not rows:
        raise InputError(f"{path}: leeg bestand")
    columns: dict[str, None] = {}
    for r in rows:
        columns.update(dict.fromkeys(r))
    return pl.DataFrame(rows, schema={c: pl.Utf8 for c in columns})


def _json_text(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, list):
        return ";".join("" if x is None else str(x) for x in v)
    if isinstance(v, dict):
        import json

        return json.dumps(v, ensure_ascii=False, sort_keys=True)
    return str(v)


def read_file(path: Path) -> pl.DataFrame:
    kind = SUFFIXES.get(path.suffix.lower())
    if kind == "csv":
        df = _read_csv(path)
    elif kind == "jsonl":
        df = _read_jsonl(path)
    elif kind == "parquet":
        try:
            df = stringify(pl.read_parquet(path))
        except Exception as exc:  # a broken parquet file names itself
            raise InputError(f"{path}: geen leesbaar Parquet-bestand ({exc})") from None
    elif path.suffix.lower() in IJW_SUFFIXES:
        df = read_ijw(path)
    else:
        raise InputError(f"{path}: {UNKNOWN_TYPE}")
    return df


def _tables(files: list[Path]) -> Iterator[tuple[Path, bool, pl.DataFrame]]:
    """Each file's table, and whether it comes from the iJw importer (whose rows name their
    own ``_source``, e.g. ``archive.zip!member.xml``). Consecutive iJw files are read in one
    batch (a folder of iJw messages is thousands of one-client files)."""
    for is_extra, group in groupby(files, key=lambda p: p.suffix.lower() in IJW_SUFFIXES):
        batch = list(group)
        if is_extra and len(batch) > 1:
            yield batch[0], True, read_ijw_many(batch)
        else:
            for f in batch:
                yield f, is_extra, read_file(f)


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
    for f, named, df in _tables(files):
        if rename:
            df = df.rename({k: v for k, v in rename.items() if k in df.columns})
        if not (named and df.schema.get(SOURCE) == pl.Utf8 and df.schema.get(SOURCE_ROW) == pl.Int64
                and df[SOURCE].null_count() == 0):
            df = df.with_columns(
                pl.lit(str(f)).alias(SOURCE),
                pl.int_range(1, df.height + 1, dtype=pl.Int64).alias(SOURCE_ROW) if SOURCE_ROW not in df.columns
                else pl.col(SOURCE_ROW).cast(pl.Int64),
            )
        frames.append(df)
    out = pl.concat(frames, how="diagonal_relaxed") if len(frames) > 1 else frames[0]
    if ERROR not in out.columns:
        out = out.with_columns(pl.lit(None, dtype=pl.Utf8).alias(ERROR))
    return out
