"""Hook for formats beyond CSV, JSON Lines and Parquet (iJw XML messages, zip archives).

``SUFFIXES`` lists the extra file endings; ``read_other`` reads one such file into the same
text-column table as ``readers.read_file``.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from .diagnostics import InputError

SUFFIXES: set[str] = set()


def read_other(path: Path) -> pl.DataFrame:
    raise InputError(f"{path}: onbekend bestandstype (verwacht .csv, .jsonl of .parquet)")
