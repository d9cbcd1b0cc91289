"""Hook for formats beyond CSV, JSON Lines and Parquet: iJw XML messages and zip archives.

``SUFFIXES`` lists the extra file endings; ``read_other`` reads one such file into the same
text-column table as ``readers.read_file`` (see ``zorgregels.ijw_import``).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from .diagnostics import InputError

SUFFIXES: set[str] = {".xml", ".zip"}


def read_other(path: Path) -> pl.DataFrame:
    if path.suffix.lower() in SUFFIXES:
        from .ijw_import import read_ijw

        return read_ijw(path)
    raise InputError(f"{path}: onbekend bestandstype (verwacht .csv, .jsonl, .parquet, .xml of .zip)")


def read_many(paths: list[Path]) -> pl.DataFrame:
    """Several files of the extra formats as one table; every row names its own ``_source``."""
    from .ijw_import import read_many as read_ijw_many

    for p in paths:
        if p.suffix.lower() not in SUFFIXES:
            raise InputError(f"{p}: onbekend bestandstype (verwacht .csv, .jsonl, .parquet, .xml of .zip)")
    return read_ijw_many(paths)
