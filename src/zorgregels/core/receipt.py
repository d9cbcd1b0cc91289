"""Receipts: what produced a result, from which input, so anyone can reproduce it.

A result that motivates a decision must be checkable (Awb art. 3:46); a receipt names the
versions of zorgregels and durable-rules, the rules hash, the reference date and a hash of the
input, and a hash over all of it. Hashes are sha256 over canonical JSON (sorted keys, no
whitespace, UTF-8), so anyone can recompute them from the printed values.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from zorgregels.catalogue.model import FORMAT_VERSION
from zorgregels.version import __version__


def canonical_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def record_hash(raw: Mapping[str, Any]) -> str:
    """The input hash of a raw record: canonical JSON of its own fields, sorted keys.

    Left out: the reader's bookkeeping (``_source``, ``_row``, ``_error``), empty values (so a
    CSV's empty cell and a JSON line's missing key hash the same) and ``bsn`` (a hash of a record
    with a 9-digit number in it can be confirmed by trying all numbers).
    """
    clean = {str(k): v for k, v in raw.items()
             if not str(k).startswith("_") and k != "bsn" and v is not None and v != ""}
    return sha256(canonical_json(clean))


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
