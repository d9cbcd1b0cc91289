"""The one place that masks personal data in what goes out: a BSN never appears unmasked in any
output. A column named ``bsn`` is masked whole; any other text (a column of a batch, a message,
a page, a JSON document) has every value that looks like a BSN masked: nine digits passing the
11-proef, standing alone (``core.privacy`` declares that once, for a text and for a column).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection

import polars as pl

from zorgregels.core.privacy import (
    BSN_MASK,
    CANDIDATE,
    is_bsn,
    mask_bsns,
    mask_bsns_expr,
    mask_bsns_in,
)
from zorgregels.io.columns import chunked_like

#: the keys of an output document whose values are hashes (or receipts of them), never masked:
#: a hash's hex digits can hold nine digits that pass the 11-proef, and a hash must stay itself
SEALED = frozenset({"receipt", "receipts", "rules_hash", "rules_old", "rules_new", "hash"})
_DIGITS = re.compile(r"\d{8,}")
_TEXT = (pl.String, pl.Categorical, pl.Enum)


def mask_bsn_column(col: pl.Expr) -> pl.Expr:
    """A BSN column: every non-empty value becomes the mask."""
    return pl.when(col.is_null() | (col == "")).then(col).otherwise(pl.lit(BSN_MASK))


def is_bsn_header(name: str) -> bool:
    """A column that holds the BSN, however the export spells or pads its header."""
    return name.strip().casefold() == "bsn"


def mask_bsns_frame(df: pl.DataFrame, keep: Collection[str] = ()) -> pl.DataFrame:
    """Every text column of ``df`` (but ``keep``) with each BSN-looking value masked; a ``bsn``
    column masked whole. Only the text columns with nine consecutive digits in some value are
    rewritten (one scan each, together); the rest are returned as they are, without a copy."""
    texts = [c for c, t in df.schema.items() if isinstance(t, _TEXT) and c not in keep]
    if not texts:
        return df
    whole = [c for c in texts if is_bsn_header(c)]
    others = [c for c in texts if c not in whole]
    hit: list[str] = []
    if others:
        # a column whose longest value has fewer than nine bytes cannot hold a BSN: skip the regex
        longest = df.select(pl.col(c).cast(pl.Utf8).str.len_bytes().max() for c in others).row(0)
        long = [c for c, n in zip(others, longest, strict=True) if n is not None and n >= 9]
        if long:
            found = df.select(pl.col(c).cast(pl.Utf8).str.contains(CANDIDATE).any() for c in long).row(0)
            hit = [c for c, f in zip(long, found, strict=True) if f]
    if not whole and not hit:
        return df
    masked = df.select(mask_bsn_column(pl.col(c)).alias(c) for c in whole).get_columns() if whole else []
    return df.with_columns(chunked_like(df, [*masked, *(_masked(df.get_column(c)) for c in hit)]))


def _masked(column: pl.Series) -> pl.Series:
    """A text column with its BSN-looking values masked: only the rows with nine consecutive
    digits are split and checked (in a column of pseudonyms, a few percent)."""
    text = column.cast(pl.Utf8)
    rows = text.str.contains(CANDIDATE).fill_null(False).arg_true()
    if rows.len() == 0:
        return text
    some = text.gather(rows)
    masked = some.to_frame().select(mask_bsns_expr(pl.col(text.name))).to_series()
    changed = masked != some
    if not changed.any():
        return text
    return text.scatter(rows.filter(changed), masked.filter(changed))


def mask_bsns_in_text(text: str, bsns: Collection[str] = ()) -> str:
    """``text`` with every BSN-looking value masked and, besides, every occurrence of one of
    ``bsns`` (the values of a ``bsn`` column) even inside a longer run of digits (an export
    that put a BSN in another column: a decision id ``D123456782-01``)."""
    return bsn_masker(bsns)(text)


def bsn_masker(bsns: Collection[str] = ()) -> Callable[[str], str]:
    """``mask_bsns_in_text`` with ``bsns`` prepared once, for the many texts of one output (the
    work per text then no longer grows with the number of BSNs of the batch)."""
    known = frozenset(bsns)
    lengths = sorted({len(b) for b in known})

    def mask(text: str) -> str:
        text = mask_bsns(text)
        if not known:
            return text
        pieces: set[str] = set()
        for run in {m.group(0) for m in _DIGITS.finditer(text)}:
            for n in lengths:
                pieces.update(run[k:k + n] for k in range(len(run) - n + 1))
        for b in sorted(known & pieces, key=len, reverse=True):
            text = text.replace(b, BSN_MASK)
        return text

    return mask


__all__ = ["BSN_MASK", "SEALED", "bsn_masker", "is_bsn", "is_bsn_header", "mask_bsn_column", "mask_bsns", "mask_bsns_frame",
           "mask_bsns_in", "mask_bsns_in_text"]
