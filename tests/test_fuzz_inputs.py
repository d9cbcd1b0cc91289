"""Mutation fuzzing of the Parquet reader and of the rule loader: whatever a user feeds them,
no unhandled exception.

- Parquet: a small fixture's bytes flipped, cut short or padded; each column given another type
  (numbers, dates, times, durations, decimals, bytes, lists, structs, all null). The reader
  gives one row per record, or an ``InputError`` naming the file; ``validate`` runs through.
- Rule files: the fixture catalogue (and the region's own files) with keys deleted or
  duplicated, scalars of another type, indentation broken, random unicode inserted, aliases
  added. The loader gives a catalogue, or diagnostics naming the file; what it accepts, the
  engine builds and runs.

``ZORGREGELS_FUZZ=20`` runs them 20 times longer (as ``tests/test_errors.py``). Failures found
while writing them, and a few hand-picked edges, are kept as ``@example``s.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from zorgregels import CatalogueError, Engine, InputError
from zorgregels.catalogue.loader import check_catalogue
from zorgregels.core.engine import CoreEngine
from zorgregels.io.readers import read_decisions

ROOT = Path(__file__).resolve().parents[1]
DECISIONS = ROOT / "fixtures" / "decisions" / "example_2025.csv"
MINIMAL = ROOT / "fixtures" / "valid_minimal.yaml"
RULES = ROOT / "rules"
FUZZ = max(1, int(os.environ.get("ZORGREGELS_FUZZ", "1") or "1"))
ROWS = 8


def fuzz(n: int) -> Any:
    return settings(max_examples=n * FUZZ, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.from_path(RULES)


@pytest.fixture(scope="module")
def frame() -> pl.DataFrame:
    """The fixture's first rows, typed as an export would type them."""
    df = pl.read_csv(DECISIONS, n_rows=ROWS, infer_schema=False)
    return df.with_columns(
        pl.col("decision_date", "start_date", "end_date", "birth_date").str.to_date(strict=False),
        pl.col("volume").cast(pl.Int64, strict=False), pl.col("tariff").cast(pl.Float64, strict=False),
        pl.col("crisis").replace_strict({"true": True, "false": False}, default=None, return_dtype=pl.Boolean),
        pl.col("domains").str.split(";"))


@pytest.fixture(scope="module")
def parquet_bytes(frame: pl.DataFrame, tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = tmp_path_factory.mktemp("pq") / "fixture.parquet"
    frame.write_parquet(path, compression="uncompressed", statistics=False)
    return path.read_bytes()


def _read(path: Path) -> pl.DataFrame | None:
    """The reader's table, or None for a clean refusal naming the file."""
    try:
        df = read_decisions([path])
    except InputError as exc:
        assert str(path) in str(exc)
        return None
    assert all(t == pl.Utf8 for c, t in df.schema.items() if c != "_row")
    return df


# ------------------------------------------------------------------ Parquet: bytes

byte_mutations = st.lists(st.one_of(
    st.tuples(st.just("flip"), st.floats(0, 1, exclude_max=True), st.integers(1, 255)),
    st.tuples(st.just("cut"), st.floats(0, 1, exclude_max=True), st.just(0)),
    st.tuples(st.just("insert"), st.floats(0, 1), st.integers(0, 255)),
    st.tuples(st.just("delete"), st.floats(0, 1, exclude_max=True), st.just(0)),
), min_size=1, max_size=4)


def _mutate(data: bytes, mutations: list[tuple[str, float, int]]) -> bytes:
    buf = bytearray(data)
    for kind, where, value in mutations:
        if not buf:
            break
        i = min(int(where * len(buf)), len(buf) - 1)
        if kind == "flip":
            buf[i] ^= value
        elif kind == "cut":
            del buf[i:]
        elif kind == "insert":
            buf[i:i] = bytes([value])
        else:
            del buf[i]
    return bytes(buf)


@fuzz(60)
@given(mutations=byte_mutations, tail=st.booleans())
@example(mutations=[("cut", 0.5, 0)], tail=False)
@example(mutations=[("cut", 0.0, 0)], tail=False)
@example(mutations=[("flip", 0.999, 1)], tail=True)
def test_a_damaged_parquet_file_is_read_or_refused(parquet_bytes: bytes, tmp_path_factory: pytest.TempPathFactory,
                                                    mutations: list[tuple[str, float, int]], tail: bool) -> None:
    data = parquet_bytes
    if tail:  # aim at the footer (schema, row groups, row count), where most of the meaning is
        body, footer = data[:-200], data[-200:]
        data = body + _mutate(footer, mutations)
    else:
        data = _mutate(data, mutations)
    path = tmp_path_factory.mktemp("bad") / "damaged.parquet"
    path.write_bytes(data)
    df = _read(path)
    if df is not None:
        assert df.height >= 0 and "_source" in df.columns


# ------------------------------------------------------------------ Parquet: types

def _as(col: pl.Series, kind: str) -> pl.Series:
    n = col.len()
    if kind == "null":
        return pl.Series(col.name, [None] * n, dtype=pl.Null)
    if kind == "null_text":
        return pl.Series(col.name, [None] * n, dtype=pl.Utf8)
    if kind == "int":
        return pl.Series(col.name, [(-1) ** i * 10 ** (i * 2) for i in range(n)], dtype=pl.Int64)
    if kind == "uint8":
        return pl.Series(col.name, list(range(n)), dtype=pl.UInt8)
    if kind == "float":
        return pl.Series(col.name, [float("nan"), float("inf"), -0.0, 1e300, 2.5, None, 1e-9, 3.0][:n] * 2)[:n]
    if kind == "decimal":
        return pl.Series(col.name, [Decimal("123.45"), None, Decimal("-0.01")] * n, dtype=pl.Decimal(10, 2))[:n]
    if kind == "date":
        return pl.Series(col.name, [dt.date(2025, 1, 1) + dt.timedelta(days=40 * i) for i in range(n)])
    if kind == "datetime":
        return pl.Series(col.name, [dt.datetime(2025, 3, 1, i % 24, 30) for i in range(n)])
    if kind == "time":
        return pl.Series(col.name, [dt.time(i % 24, 5) for i in range(n)])
    if kind == "duration":
        return pl.Series(col.name, [dt.timedelta(days=i, seconds=3) for i in range(n)])
    if kind == "binary":
        return pl.Series(col.name, [b"\xff\x00abc"] * n, dtype=pl.Binary)
    if kind == "bool":
        return pl.Series(col.name, [i % 3 == 0 if i % 4 else None for i in range(n)], dtype=pl.Boolean)
    if kind == "list_int":
        return pl.Series(col.name, [[i, None, 3] if i % 2 else [] for i in range(n)])
    if kind == "list_list":
        return pl.Series(col.name, [[["a", "b"], []] for _ in range(n)])
    if kind == "struct":
        return pl.Series(col.name, [{"a": i, "b": "x"} for i in range(n)])
    if kind == "categorical":
        text = col.list.join(";") if isinstance(col.dtype, pl.List) else col.cast(pl.Utf8)
        return text.cast(pl.Categorical)
    raise AssertionError(kind)


KINDS = ["null", "null_text", "int", "uint8", "float", "decimal", "date", "datetime", "time", "duration",
         "binary", "bool", "list_int", "list_list", "struct", "categorical"]


@fuzz(25)
@given(data=st.data())
@example(data=None)  # found: a duration, non-UTF-8 bytes or a list of lists refused the whole file
@example(data={"decision_id": "null", "municipality": "null", "domains": "categorical"})  # a list as categorical
def test_every_column_type_is_read_row_for_row(engine: Engine, frame: pl.DataFrame,
                                               tmp_path_factory: pytest.TempPathFactory,
                                               data: st.DataObject | dict[str, str] | None) -> None:
    if isinstance(data, dict):
        changes = data
    elif data is None:
        changes = dict(zip(["decision_date", "volume", "tariff", "code", "domains", "crisis", "bsn",
                            "client_id", "birth_date", "unit", "outcome", "start_date", "end_date",
                            "provider", "frequency", "municipality"], KINDS, strict=True))
    else:
        changes = data.draw(st.dictionaries(st.sampled_from(frame.columns), st.sampled_from(KINDS),
                                            min_size=1, max_size=6))
    df = frame.with_columns(_as(frame[c], k).alias(c) for c, k in changes.items())
    path = tmp_path_factory.mktemp("typed") / "typed.parquet"
    df.write_parquet(path)
    read = _read(path)
    assert read is not None and read.height == ROWS
    report = engine.validate(path)
    assert report.rows_in == ROWS and report.decisions.height == ROWS


# ------------------------------------------------------------------ rule files

@st.composite
def yaml_mutations(draw: Any, text: str) -> str:
    lines = text.splitlines()
    for _ in range(draw(st.integers(1, 3))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        line = lines[i]
        kind = draw(st.sampled_from(["delete", "duplicate", "scalar", "indent", "unicode", "alias", "anchor_bomb"]))
        if kind == "delete":
            del lines[i]
        elif kind == "duplicate":
            lines.insert(i, line)
        elif kind == "scalar" and ":" in line:
            key = line.split(":", 1)[0]
            value = draw(st.sampled_from(["1", "-1.5e400", "true", "null", "[]", "{}", "''", "2025-02-30",
                                          "9" * 400, "[1, [2, [3]]]", "{a: {b: c}}", "!!binary aGk=", "~"]))
            lines[i] = f"{key}: {value}"
        elif kind == "indent":
            lines[i] = draw(st.sampled_from(["", " ", "   ", "\t"])) + line.lstrip(draw(st.sampled_from([" ", ""])))
        elif kind == "unicode":
            pos = draw(st.integers(0, len(line)))
            lines[i] = line[:pos] + draw(st.text(min_size=1, max_size=4)) + line[pos:]
        elif kind == "alias" and ":" in line:
            key, _, value = line.partition(":")
            j = draw(st.integers(0, len(lines) - 1))
            lines[i] = f"{key}: &a{i}{value}" if value.strip() else line
            if ":" in lines[j] and j != i:
                k2 = lines[j].split(":", 1)[0]
                lines[j] = f"{k2}: *a{i}"
        elif kind == "anchor_bomb":
            lines[i:i] = ["x0: &x0 [a, a, a, a, a, a, a, a, a, a]"] + [
                f"x{n}: &x{n} [*x{n - 1}, *x{n - 1}, *x{n - 1}, *x{n - 1}, *x{n - 1}, *x{n - 1}]" for n in range(1, 9)]
    return "\n".join(lines) + "\n"


def _check(folder: Path, changed: Path) -> None:
    try:
        catalogue, diags = check_catalogue(folder)
    except CatalogueError as exc:  # the documented way to refuse
        diags, catalogue = exc.diagnostics, None
    errors = [d for d in diags if d.severity == "error"]
    if catalogue is None:
        assert errors, "refused without an error diagnostic"
        assert all(d.file for d in errors), [d.render() for d in errors if not d.file]
        assert any(str(folder) in (d.file or "") or changed.name in (d.file or "") for d in errors)
        return
    try:
        engine = CoreEngine(catalogue)
    except CatalogueError as exc:
        assert exc.diagnostics
        return
    try:
        engine.evaluate({"decision_date": "2025-03-01", "severity": "matig", "domains": ["gedrag"]})
    except InputError:
        pass


@fuzz(60)
@given(data=st.data())
@example(data=None)
def test_a_mutated_rule_file_loads_or_names_itself(tmp_path_factory: pytest.TempPathFactory,
                                                   data: st.DataObject | None) -> None:
    folder = tmp_path_factory.mktemp("rules")
    target = folder / "catalogue.yaml"
    text = MINIMAL.read_text(encoding="utf-8")
    # a hand-picked edge: an alias of a mapping used as a key (unhashable in Python)
    mutated = (text.replace("region:\n", "region: &r\n") + "x: {*r : 1}\n") if data is None \
        else data.draw(yaml_mutations(text))
    target.write_text(mutated, encoding="utf-8")
    _check(folder, target)


@fuzz(8)
@given(data=st.data(),
       name=st.sampled_from(sorted(p.relative_to(RULES).as_posix() for p in RULES.rglob("*.yaml"))))
def test_a_mutated_region_rule_file_loads_or_names_itself(tmp_path_factory: pytest.TempPathFactory,
                                                          data: st.DataObject, name: str) -> None:
    """Any file of the law layer or the region, mutated; the region folder is loaded."""
    root = tmp_path_factory.mktemp("rules")
    shutil.copytree(RULES, root, dirs_exist_ok=True)
    folder = root / "zuid-kennemerland-ijmond"
    target = root / name
    target.write_text(data.draw(yaml_mutations(target.read_text(encoding="utf-8"))), encoding="utf-8")
    _check(folder, target)
