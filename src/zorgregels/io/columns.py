"""The bookkeeping columns every framed batch carries beside the record's own columns, and how a
column is added beside them without a copy of the table."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

#: the file (or ``archive.zip!member.xml``) a row came from; ``<records>`` for Python input
SOURCE = "_source"
#: the 1-based data row in that source (for CSV the line is ``_row + 1``)
SOURCE_ROW = "_row"
#: why a row could not be read as a record (null when it could)
ERROR = "_error"


def chunked_like(df: pl.DataFrame, columns: Sequence[pl.Series]) -> list[pl.Series]:
    """``columns`` (each ``df.height`` long) cut into the chunks of ``df``'s columns, without a
    copy: a column of one chunk added beside many-chunk columns would make polars copy the whole
    table into one chunk (the text of a million rows read from Parquet or CSV)."""
    if not df.width:
        return list(columns)
    lengths = df.get_column(df.columns[0]).chunk_lengths()
    if len(lengths) <= 1:
        return list(columns)
    out = []
    for s in columns:
        if s.chunk_lengths() == lengths:
            out.append(s)
            continue
        parts, start = [], 0
        for n in lengths:
            parts.append(s.slice(start, n))
            start += n
        out.append(pl.concat(parts, rechunk=False))
    return out
