"""What "looks like a BSN" means, declared once: nine digits that pass the 11-proef, standing
alone (not part of a longer run of digits). Both forms side by side, like the rest of the core:
the scalar form for one text (a case, a JSON document, a page) and the expression form for a
polars column (a batch). ``io.privacy`` masks whole tables with it; ``CoreEngine.evaluate``
masks its decision with it, before the receipt seals the decision.

The 11-proef of a BSN d1..d9: 9*d1 + 8*d2 + 7*d3 + 6*d4 + 5*d5 + 4*d6 + 3*d7 + 2*d8 - d9 is a
multiple of 11. Only ASCII digits count; a number written with separators ("123.456.782") is
not nine consecutive digits and is left as it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from typing import Any

import polars as pl

#: what every output shows instead of a BSN (its length hidden too)
BSN_MASK = "*********"
#: the weights of the 11-proef, digit by digit
WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)
#: a text that can hold a BSN at all: nine consecutive digits somewhere. The cheap first test,
#: and a superset (``\d`` takes any Unicode digit), because polars runs it faster than ``[0-9]``
CANDIDATE = r"\d{9}"
#: a run of digits or a run of anything else: a text split so that a run stands alone
_TOKENS = "[0-9]+|[^0-9]+"
_RUN = re.compile("[0-9]+")


def is_bsn(digits: str) -> bool:
    """True when ``digits`` is exactly nine ASCII digits passing the 11-proef."""
    if len(digits) != 9 or not digits.isascii() or not digits.isdigit():
        return False
    return sum(w * int(d) for w, d in zip(WEIGHTS, digits, strict=True)) % 11 == 0


#: bytes with every ASCII digit as ``0`` and every other byte as a space (UTF-8 encodes
#: nothing else as an ASCII digit), and what nine consecutive digits become
_DIGITS = bytes(0x30 if 0x30 <= b <= 0x39 else 0x20 for b in range(256))
_NINE_DIGITS = b"0" * 9


def might_hold_bsn(text: str | bytes) -> bool:
    """False when ``text`` (or its UTF-8 bytes) certainly holds no BSN (no nine consecutive
    ASCII digits): the cheap test before ``mask_bsns_in`` walks a document. Done in C in two
    linear passes (translate, find), several times faster than a regular expression over a
    decision's JSON."""
    data = text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")
    return _NINE_DIGITS in data.translate(_DIGITS)


def _mask_run(m: re.Match[str]) -> str:
    return BSN_MASK if is_bsn(m.group(0)) else m.group(0)


def mask_bsns(text: str) -> str:
    """``text`` with every BSN-looking run of digits replaced by ``BSN_MASK``."""
    if not might_hold_bsn(text):
        return text
    return _RUN.sub(_mask_run, text)


def mask_bsns_in(value: Any, keep: Collection[str] = (),
                 mask: Callable[[str], str] = mask_bsns) -> Any:
    """Every text in ``value`` (nested dicts, lists and tuples; dict keys too) masked by
    ``mask``; the values of the keys in ``keep`` (hashes, which must stay what they are) left
    alone."""
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, dict):
        return {mask(k) if isinstance(k, str) else k:
                v if k in keep else mask_bsns_in(v, keep, mask) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(mask_bsns_in(v, keep, mask) for v in value)
    return value


def bsn_token(token: pl.Expr) -> pl.Expr:
    """The expression form of ``is_bsn`` for a token that is one run of digits or of other
    characters (``mask_bsns_expr`` splits a text so): nine digits passing the 11-proef."""
    proef = pl.sum_horizontal(token.str.slice(i, 1).cast(pl.Int32, strict=False) * w
                              for i, w in enumerate(WEIGHTS))
    return ((token.str.len_bytes() == 9) & token.str.contains("^[0-9]")
            & (proef % 11 == 0)).fill_null(False)


def mask_bsns_expr(text: pl.Expr) -> pl.Expr:
    """The expression form of ``mask_bsns``: a text column with every BSN-looking run of digits
    masked. Texts without nine consecutive digits are returned as they are."""
    tokens = text.str.extract_all(_TOKENS)
    masked = tokens.list.eval(pl.when(bsn_token(pl.element())).then(pl.lit(BSN_MASK))
                              .otherwise(pl.element())).list.join("")
    return pl.when(text.str.contains(CANDIDATE)).then(masked).otherwise(text)


__all__ = ["BSN_MASK", "CANDIDATE", "WEIGHTS", "bsn_token", "is_bsn", "mask_bsns", "mask_bsns_expr",
           "mask_bsns_in", "might_hold_bsn"]
