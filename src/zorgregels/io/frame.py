"""One way to frame input: any supported batch (paths, records, data frames) becomes one table
of text columns, row for row, with ``_source``, ``_row`` and ``_error`` beside the record's own
columns. validate, diff and audit all start here.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import polars as pl
from pydantic import BaseModel

from zorgregels.diagnostics import InputError
from zorgregels.io.columns import ERROR, SOURCE, SOURCE_ROW
from zorgregels.io.header import clean_header
from zorgregels.io.readers import decision_files, read_column_map, read_decisions, stringify

#: what a batch job reads: paths, records (mappings or pydantic models) or a data frame
Records = (str | Path | Sequence[str | Path] | Iterable[Mapping[str, Any] | BaseModel]
           | pl.DataFrame | pl.LazyFrame)


def input_files(records: Records) -> list[Path] | None:
    """The files a batch given as paths is read from (None for records and data frames)."""
    if isinstance(records, (str, Path)):
        return decision_files([records])
    if isinstance(records, (list, tuple)) and records and all(isinstance(r, (str, Path)) for r in records):
        return decision_files([r for r in records if isinstance(r, (str, Path))])
    return None


def frame_records(records: Records, columns: str | Path | None = None) -> pl.DataFrame:
    """Any supported input as one table of text columns with ``_source``/``_row``/``_error``."""
    if isinstance(records, (str, Path)):
        return read_decisions([records], columns)
    if isinstance(records, (list, tuple)) and records and all(isinstance(r, (str, Path)) for r in records):
        return read_decisions(list(records), columns)
    if isinstance(records, pl.LazyFrame):
        records = records.collect()
    if not isinstance(records, pl.DataFrame):
        try:
            import pandas as pd  # optional

            if isinstance(records, pd.DataFrame):
                records = pl.from_pandas(records)
        except ImportError:  # pragma: no cover - pandas is optional
            pass
    if isinstance(records, pl.DataFrame):
        df = stringify(records)
        source = "<dataframe>"
    elif isinstance(records, Iterable):
        rows: list[dict[str, Any]] = []
        for r in records:
            if isinstance(r, BaseModel):
                r = r.model_dump(exclude_none=True)
            if not isinstance(r, dict):
                raise InputError(f"record {len(rows) + 1}: verwacht een mapping, kreeg {type(r).__name__}")
            rows.append(r)
        if not rows:
            raise InputError("geen besluiten om te valideren")
        df = text_frame(rows)
        source = "<records>"
    else:
        raise InputError(f"kan {type(records).__name__} niet als besluiten lezen")
    rename = read_column_map(columns) if columns else {}
    own = [c for c in df.columns if c not in (SOURCE, SOURCE_ROW, ERROR)]
    df = df.rename(dict(zip(own, clean_header(own, source, rename), strict=True)))
    if not own:  # records without a single field: still records, each missing every field
        df = df.with_columns(pl.lit(None, dtype=pl.Utf8).alias("decision_id"))
    if SOURCE not in df.columns:
        df = df.with_columns(pl.lit(source).alias(SOURCE))
    if SOURCE_ROW not in df.columns:
        df = df.with_columns(pl.int_range(1, df.height + 1, dtype=pl.Int64).alias(SOURCE_ROW))
    if ERROR not in df.columns:
        df = df.with_columns(pl.lit(None, dtype=pl.Utf8).alias(ERROR))
    return df.with_columns(pl.col(SOURCE_ROW).cast(pl.Int64))


def text_value(v: Any) -> str | None:
    """A Python value as the text a CSV export would carry (the columnar path reads text)."""
    if v is None:
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, (list, tuple)):
        return ";".join("" if x is None else str(x) for x in v)
    if isinstance(v, decimal.Decimal):
        return str(v)
    return str(v)


def text_frame(records: list[dict[str, Any]]) -> pl.DataFrame:
    """Records (dicts) as a table of text columns, columns in first-seen order."""
    columns: dict[str, None] = {}
    for r in records:
        columns.update(dict.fromkeys(r))
    data = {c: [text_value(r.get(c)) for r in records] for c in columns}
    if not columns:  # records without a single field are still records: count them
        return pl.DataFrame({SOURCE_ROW: range(1, len(records) + 1)}, schema={SOURCE_ROW: pl.Int64})
    return pl.DataFrame(data, schema={c: pl.Utf8 for c in columns})
