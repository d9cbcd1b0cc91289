from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def engine():
    from zorgregels import Engine

    return Engine.from_path(ROOT / "rules")


@pytest.fixture
def part_reads(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int]]:
    """``(start, rows)`` of every slice read from a file of a batch (``ParquetPart``, ``CsvPart``)."""
    from zorgregels.io.source import CsvPart, ParquetPart

    reads: list[tuple[int, int]] = []
    for kind in (ParquetPart, CsvPart):
        def read(part: object, start: int, rows: int, _real: object = kind.read) -> object:
            reads.append((start, rows))
            return _real(part, start, rows)  # type: ignore[operator]

        monkeypatch.setattr(kind, "read", read)
    return reads
