"""Receipts: what produced a result, from which input, so anyone can reproduce it.

A result that motivates a decision must be checkable (Awb art. 3:46; regelrecht's execution
receipt). Every receipt names the versions of zorgregels, durable-rules and the rule format,
the rules hash, the reference date and a hash of the input, and ends in ``hash``: sha256 over
the canonical JSON (sorted keys, no whitespace, UTF-8) of every other field, so anyone can
recompute it from the printed values.

* ``Receipt``: one result, as ``Decision.receipt`` of ``CoreEngine.evaluate``; ``result_hash``
  is over the decision as ``evaluate --json`` prints it, without its receipt, as compact JSON in
  the printed key order (``json.dumps(d, ensure_ascii=False, separators=(",", ":"))`` of the
  parsed output minus ``receipt``). Not sorted, unlike the receipt's own ``hash``: pydantic
  writes that form itself, a quarter of the cost of canonical JSON on every evaluated case.
* ``BatchReceipt``: a batch as framed by ``io.frame`` (``batch_receipt``).
* The transparency audit extends ``ReceiptBasis`` with the batch context that influenced a
  verdict (``jobs.audit.model.AuditReceipt``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.metadata
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import polars as pl
from pydantic import BaseModel, Field

from zorgregels.catalogue.model import FORMAT_VERSION
from zorgregels.version import __version__

if TYPE_CHECKING:
    import pyarrow as pa

# json.dumps with options builds a new encoder on every call, most of the cost of hashing a small
# value; the encoder holds no state between calls
_CANONICAL = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def canonical_json(value: Any) -> str:
    return _CANONICAL.encode(value)


def sha256(text: str | bytes) -> str:
    """The hex sha256 of ``text`` as UTF-8 (bytes are taken as that UTF-8 already)."""
    return hashlib.sha256(text if isinstance(text, bytes) else text.encode("utf-8")).hexdigest()


def _left_out(key: str) -> bool:
    # the reader's bookkeeping (_source, _row, _error) is not the record; a hash of a record with
    # a 9-digit number in it can be confirmed by trying all numbers, so the bsn is left out too
    return key.startswith("_") or key == "bsn"


def record_hash(raw: Mapping[str, Any]) -> str:
    """The input hash of one record: canonical JSON of its own fields, sorted keys.

    Left out: the reader's bookkeeping (``_source``, ``_row``, ``_error``), empty values (so a
    CSV's empty cell and a JSON line's missing key hash the same) and ``bsn``.
    """
    clean = {k: v for k, v in raw.items() if v is not None and v != "" and not _left_out(k)}
    return sha256(canonical_json(clean))


def table_hash(frame: pl.DataFrame) -> str:
    """The input hash of a framed batch (``io.frame.frame_records``: text columns).

    sha256 over, for each column in name order: the column's name as a netstring
    (``<length>:<name>,``), then every row's value length in bytes as an 8-byte little-endian
    integer, then the values' UTF-8 bytes one after another (the lengths make the split
    unambiguous). An empty cell and a missing value are both the empty text; left out, as in
    ``record_hash``: the bookkeeping columns, ``bsn``, and columns empty in every row (so a CSV
    with an empty column and a JSON Lines file without it hash the same). Rows count in order.
    The bytes are taken from the Arrow buffers as they are, never joined into one text.
    """
    # pyarrow (and numpy under it) is a third of the command line's start-up; only a batch given
    # as records or a data frame is hashed this way, so only that batch loads it
    import pyarrow as pa
    import pyarrow.compute as pc

    names = sorted(c for c in frame.columns if not _left_out(c))
    text = frame.select([pl.col(c).cast(pl.Utf8).fill_null("") for c in names])
    filled = text.select([(pl.col(c) != "").any() for c in names]).row(0) if names else ()
    h = hashlib.sha256()
    for name, has_text in zip(names, filled, strict=True):
        if not has_text:
            continue
        key = name.encode("utf-8")
        h.update(b"%d:%s," % (len(key), key))
        chunked = text.get_column(name).to_arrow()
        values = (chunked.combine_chunks() if isinstance(chunked, pa.ChunkedArray) else chunked
                  ).cast(pa.large_string())
        lengths = pc.binary_length(values).cast(pa.uint64())
        h.update(_buffer(lengths.buffers()[1], lengths.offset * 8, len(lengths) * 8))
        offsets = values.buffers()[1]
        first = int.from_bytes(_buffer(offsets, values.offset * 8, 8), "little")
        last = int.from_bytes(_buffer(offsets, (values.offset + len(values)) * 8, 8), "little")
        data = values.buffers()[2]
        if data is not None and last > first:
            h.update(_buffer(data, first, last - first))
    return h.hexdigest()


def _buffer(buf: pa.Buffer | None, start: int, size: int) -> memoryview:
    if buf is None or size == 0:
        return memoryview(b"")
    return memoryview(buf)[start:start + size]


def durable_rules_version() -> str:
    """The installed durable-rules, from the package metadata (the module has no version)."""
    for name in ("durable-rules", "durable_rules"):
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return "onbekend"


@dataclass(frozen=True)
class Versions:
    """What software read the rules: zorgregels, durable-rules and the rule file format."""

    zorgregels: str
    durable_rules: str
    rule_format: int

    @classmethod
    def installed(cls) -> Versions:
        return cls(zorgregels=__version__, durable_rules=durable_rules_version(),
                   rule_format=FORMAT_VERSION)


class ReceiptBasis(BaseModel):
    """What every receipt names; each kind adds its own fields and ends in ``hash``."""

    zorgregels: str
    durable_rules: str = Field(description="from the installed package metadata")
    rule_format: int
    rules_hash: str = Field(description="sha256 of the rule folder (engine.rules_hash)")
    as_of: str | None = Field(description="the reference date of the rules (ISO 8601)")
    input_hash: str

    def is_sealed(self) -> bool:
        """True when ``hash`` is the hash of every other field (nothing changed since)."""
        body = self.model_dump(mode="json")
        claimed = body.pop("hash", None)
        return isinstance(claimed, str) and claimed == sha256(canonical_json(body))


class Receipt(ReceiptBasis):
    """The receipt of one evaluated case (``Decision.receipt``)."""

    input_hash: str = Field(description="sha256 of the case as given, as canonical JSON (sorted "
                            "keys; empty values, reader bookkeeping and bsn left out)")
    result_hash: str = Field(description="sha256 of the decision without its receipt as compact "
                             "JSON in the printed key order (see the module docstring)")
    hash: str = Field(description="sha256 over every other field of this receipt")


class BatchReceipt(ReceiptBasis):
    """The receipt of a batch of decision records, as framed by ``io.frame``."""

    as_of: str | None = Field(description="the reference date of the rules; null: each "
                              "record's own decision_date")
    input_hash: str = Field(description="read from files: sha256 over the files' sha256 sums "
                            "(files_hash); otherwise over the framed text table (table_hash)")
    rows: int = Field(description="rows in the batch, unreadable rows included")
    hash: str = Field(description="sha256 over every other field of this receipt")


R = TypeVar("R", bound=ReceiptBasis)


def seal(kind: type[R], versions: Versions, **fields: str | int | None) -> R:
    """A receipt of ``kind`` whose ``hash`` covers the versions and every field given."""
    body: dict[str, str | int | None] = {
        "zorgregels": versions.zorgregels,
        "durable_rules": versions.durable_rules,
        "rule_format": versions.rule_format,
        **fields,
    }
    return kind.model_validate({**body, "hash": sha256(canonical_json(body))})


def decision_receipt(versions: Versions, rules_hash: str, as_of: dt.date,
                     case: Mapping[str, Any], result_json: str | bytes) -> Receipt:
    """The receipt of one case: ``case`` as given; ``result_json`` the decision without its
    receipt as compact JSON in field order (``Decision.model_dump_json(exclude={"receipt"})``,
    or its UTF-8 bytes as pydantic writes them)."""
    return DecisionSealer(versions, rules_hash)(as_of, case, result_json)


#: the fields of a decision's receipt that vary per case; their values are ISO dates and hex
#: digests, which JSON writes as they are between quotes
_PER_CASE = ("as_of", "input_hash", "result_hash")


class DecisionSealer:
    """``decision_receipt`` for one engine: the versions and the rules hash never change under
    it, so their canonical JSON is written once and each case adds only its date and hashes
    (the same bytes as ``seal``, a fraction of its cost)."""

    def __init__(self, versions: Versions, rules_hash: str):
        self.static: dict[str, str | int] = {
            "zorgregels": versions.zorgregels, "durable_rules": versions.durable_rules,
            "rule_format": versions.rule_format, "rules_hash": rules_hash}
        # canonical JSON of the body, keys sorted, as pieces between the per-case values
        keys = sorted([*self.static, *_PER_CASE])
        pieces: list[str] = []
        text = "{"
        for i, key in enumerate(keys):
            text += ("," if i else "") + canonical_json(key) + ":"
            if key in _PER_CASE:
                pieces.append(text + '"')
                text = '"'
            else:
                text += canonical_json(self.static[key])
        pieces.append(text + "}")
        self._pieces = pieces
        self._order = [k for k in keys if k in _PER_CASE]

    def __call__(self, as_of: dt.date, case: Mapping[str, Any], result_json: str | bytes) -> Receipt:
        values = {"as_of": as_of.isoformat(), "input_hash": record_hash(case),
                  "result_hash": sha256(result_json)}
        pieces = self._pieces
        body = pieces[0] + "".join(values[k] + pieces[i + 1] for i, k in enumerate(self._order))
        values["hash"] = sha256(body)
        # validating (in pydantic's Rust core) costs less than ``model_construct`` (Python)
        return Receipt.model_validate({**self.static, **values})


def files_hash(files: Sequence[Path]) -> str:
    """The input hash of a batch read from files: sha256 over each file's own sha256 (hex, as
    ``sha256sum`` prints it), as netstrings in reading order. Anyone holding the same files can
    recompute it; names and folders do not count, only contents and order."""
    h = hashlib.sha256()
    for path in files:
        digest = hashlib.sha256()
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
        hexdigest = digest.hexdigest().encode("ascii")
        h.update(b"%d:%s," % (len(hexdigest), hexdigest))
    return h.hexdigest()


def batch_receipt(frame: pl.DataFrame | None, *, rules_hash: str, as_of: dt.date | None,
                  versions: Versions | None = None, files: Sequence[Path] | None = None,
                  rows: int | None = None) -> BatchReceipt:
    """The receipt of a batch framed by ``io.frame.frame_records`` (validate's summary).

    Read from ``files``, the input hash is ``files_hash`` (cheap: hashing bytes, not a table of a
    million rows; ``frame`` may then be None, with ``rows`` its height); given as records or a
    data frame, it is ``table_hash`` of the framed table."""
    if files:
        input_hash = files_hash(files)
    elif frame is not None:
        input_hash = table_hash(frame)
    else:
        raise ValueError("batch_receipt: the files read or the framed table are needed")
    height = rows if rows is not None else frame.height if frame is not None else None
    if height is None:
        raise ValueError("batch_receipt: the rows of a batch read from files are needed")
    return seal(BatchReceipt, versions or Versions.installed(), rules_hash=rules_hash,
                as_of=as_of.isoformat() if as_of else None, input_hash=input_hash,
                rows=height)
