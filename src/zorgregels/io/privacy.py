"""The one place that masks personal data: a BSN never appears unmasked in any output."""

from __future__ import annotations

import re

import polars as pl

#: what every output shows instead of a BSN (its length hidden too)
BSN_MASK = "*********"
_DIGITS = re.compile(r"\d{8,}")


def mask_bsn_column(col: pl.Expr) -> pl.Expr:
    """A BSN column: every non-empty value becomes the mask."""
    return pl.when(col.is_null() | (col == "")).then(col).otherwise(pl.lit(BSN_MASK))


def mask_bsns_in_text(text: str, bsns: set[str]) -> str:
    """Every occurrence of one of ``bsns`` inside a run of digits in ``text``, masked (for an
    export that put a BSN in another column: a decision id, a team name)."""
    if not bsns:
        return text
    pieces: set[str] = set()
    lengths = {len(b) for b in bsns}
    for run in {m.group(0) for m in _DIGITS.finditer(text)}:
        for n in lengths:
            pieces.update(run[k:k + n] for k in range(len(run) - n + 1))
    for b in sorted(bsns & pieces, key=len, reverse=True):
        text = text.replace(b, BSN_MASK)
    return text
