"""Receipts: every evaluated case and every batch names what produced it, and can be recomputed."""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import json
from pathlib import Path

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

import zorgregels
from zorgregels.cli import main
from zorgregels.core.receipt import (
    BatchReceipt,
    DecisionSealer,
    Receipt,
    Versions,
    batch_receipt,
    canonical_json,
    record_hash,
    seal,
    sha256,
    table_hash,
)
from zorgregels.io.frame import frame_records

ROOT = Path(__file__).resolve().parent.parent
ON = dt.date(2025, 3, 1)
CASE = {"birth_date": "2012-05-01", "domains": ["gedrag"], "severity": "matig", "referrer_type": "02"}


def _recompute_result_hash(printed: str) -> tuple[str, dict]:
    """The recipe of core/receipt.py: the printed decision without its receipt, compact JSON in
    the printed key order."""
    data = json.loads(printed)
    receipt = data.pop("receipt")
    return sha256(json.dumps(data, ensure_ascii=False, separators=(",", ":"))), receipt


# ---------------------------------------------------------------- one case


def test_every_decision_carries_a_receipt(engine) -> None:
    d = engine.evaluate(CASE, as_of=ON)
    r = d.receipt
    assert isinstance(r, Receipt)
    assert r.zorgregels == zorgregels.__version__
    assert r.durable_rules == importlib.metadata.version("durable-rules")
    assert r.rule_format == 1
    assert r.rules_hash == engine.rules_hash == d.rules_hash
    assert r.as_of == "2025-03-01"
    assert r.input_hash == record_hash(CASE)
    assert r.is_sealed()
    # the result hash is over the decision as printed, without its receipt: anyone can redo it
    result_hash, printed_receipt = _recompute_result_hash(d.model_dump_json(indent=2))
    assert result_hash == r.result_hash
    assert printed_receipt == r.model_dump()


def test_same_case_same_receipt_and_changes_show(engine) -> None:
    first = engine.evaluate(CASE, as_of=ON).receipt
    assert first is not None
    assert engine.evaluate(dict(CASE), as_of=ON).receipt == first
    # empty values and the bsn are not part of the case's hash, nor (unmasked) of the decision
    assert engine.evaluate({**CASE, "team": "", "bsn": "111222333"}, as_of=ON).receipt == first
    # the input hash does not depend on the order of the fields; the result hash covers the
    # decision as printed, whose facts follow the case's order
    reordered = engine.evaluate(dict(reversed(list(CASE.items()))), as_of=ON)
    assert reordered.receipt is not None and reordered.receipt.input_hash == first.input_hash
    assert _recompute_result_hash(reordered.model_dump_json())[0] == reordered.receipt.result_hash
    other_input = engine.evaluate({**CASE, "severity": "licht"}, as_of=ON).receipt
    assert other_input is not None
    assert other_input.input_hash != first.input_hash and other_input.result_hash != first.result_hash
    later = engine.evaluate(CASE, as_of=dt.date(2025, 6, 1)).receipt
    assert later is not None and later.as_of == "2025-06-01"
    assert later.input_hash == first.input_hash and later.hash != first.hash


def test_the_result_hash_recipe_holds_for_any_text(engine) -> None:
    awkward = {**CASE, "decision_id": 'a/b "q" \\ \t\u001f é 😀 \u2028 \x7f', "team": "CJG <Zuid>"}
    d = engine.evaluate(awkward, as_of=ON)
    assert d.receipt is not None
    assert _recompute_result_hash(d.model_dump_json(indent=2))[0] == d.receipt.result_hash
    assert _recompute_result_hash(d.model_dump_json())[0] == d.receipt.result_hash


def test_a_changed_receipt_is_not_sealed(engine) -> None:
    r = engine.evaluate(CASE, as_of=ON).receipt
    assert r is not None
    assert not r.model_copy(update={"as_of": "2025-03-02"}).is_sealed()


def test_evaluate_json_shows_the_receipt(tmp_path: Path, capsys) -> None:
    case = tmp_path / "case.json"
    case.write_text(json.dumps(CASE), encoding="utf-8")
    assert main(["evaluate", str(case), "--rules", str(ROOT / "rules"), "--as-of", "2025-03-01",
                 "--json"]) == 0
    result_hash, receipt = _recompute_result_hash(capsys.readouterr().out)
    assert receipt["result_hash"] == result_hash
    assert receipt["input_hash"] == record_hash(CASE)
    body = dict(receipt)
    assert body.pop("hash") == sha256(canonical_json(body))


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.sampled_from(["code", "team", "volume", "motivation", "bsn", "_row"]),
                       st.one_of(st.just(""), st.text(max_size=8)), max_size=6))
def test_record_hash_ignores_order_empty_values_bookkeeping_and_bsn(record: dict[str, str]) -> None:
    kept = {k: v for k, v in record.items() if v != "" and k not in ("bsn", "_row")}
    assert record_hash(dict(reversed(list(record.items())))) == record_hash(record) == record_hash(kept)
    changed = {**kept, "code": kept.get("code", "") + "x"}
    assert record_hash(changed) != record_hash(kept)


# ---------------------------------------------------------------- a batch


ROWS = [
    {"decision_id": "A1", "code": "45B01", "volume": "10", "team": "", "bsn": "111222333"},
    {"decision_id": "A2", "code": "45B10", "volume": "", "team": "", "bsn": "123456782"},
]


def test_batch_receipt(engine, tmp_path: Path) -> None:
    frame = frame_records(ROWS)
    r = batch_receipt(frame, rules_hash=engine.rules_hash, as_of=None)
    assert isinstance(r, BatchReceipt)
    assert (r.rows, r.as_of, r.rules_hash, r.rule_format) == (2, None, engine.rules_hash, 1)
    assert r.is_sealed()
    assert batch_receipt(frame, rules_hash=engine.rules_hash, as_of=ON).as_of == "2025-03-01"
    # the same records from a CSV and from JSON Lines without the empty column hash the same
    csv_path = tmp_path / "batch.csv"
    pl.DataFrame(ROWS).write_csv(csv_path)
    jsonl = tmp_path / "batch.jsonl"
    jsonl.write_text("".join(json.dumps({k: v for k, v in row.items() if k != "team" and v}) + "\n"
                             for row in ROWS), encoding="utf-8")
    from_csv = batch_receipt(frame_records(csv_path), rules_hash=engine.rules_hash, as_of=None)
    from_jsonl = batch_receipt(frame_records(jsonl), rules_hash=engine.rules_hash, as_of=None)
    assert from_csv.input_hash == from_jsonl.input_hash == r.input_hash
    # the bsn is left out; a value, the row order and the row count are not
    other_bsn = [{**row, "bsn": "999999990"} for row in ROWS]
    assert table_hash(frame_records(other_bsn)) == r.input_hash
    assert table_hash(frame_records([{**ROWS[0], "volume": "11"}, ROWS[1]])) != r.input_hash
    assert table_hash(frame_records(list(reversed(ROWS)))) != r.input_hash
    assert table_hash(frame_records(ROWS + [{"decision_id": ""}])) != r.input_hash


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.text(max_size=4), st.text(max_size=4)), min_size=1, max_size=5),
       st.lists(st.tuples(st.text(max_size=4), st.text(max_size=4)), min_size=1, max_size=5))
def test_table_hash_tells_tables_apart(a: list[tuple[str, str]], b: list[tuple[str, str]]) -> None:
    """No two different tables share a hash: a value cannot leak into its neighbour's cell."""
    def frame(rows: list[tuple[str, str]]) -> pl.DataFrame:
        return pl.DataFrame({"x": [r[0] for r in rows], "y": [r[1] for r in rows]})

    def content(rows: list[tuple[str, str]]) -> tuple[list[str] | None, list[str] | None]:
        xs, ys = [r[0] for r in rows], [r[1] for r in rows]
        return (xs if any(xs) else None), (ys if any(ys) else None)

    assert (table_hash(frame(a)) == table_hash(frame(b))) == (content(a) == content(b))


@settings(max_examples=60, deadline=None)
@given(st.dates(), st.dictionaries(st.text(min_size=1, max_size=8), st.one_of(st.none(), st.text(max_size=12)),
                                   max_size=5),
       st.text(max_size=40), st.text(min_size=1, max_size=20))
def test_the_decision_sealer_seals_as_seal_does(on: dt.date, case: dict[str, str | None], result: str,
                                                rules: str) -> None:
    """The engine's sealer writes the static part of a receipt once; its receipt (hash included)
    is the one ``seal`` makes of the same fields, for any date, case, result and rules hash."""
    versions = Versions.installed()
    made = DecisionSealer(versions, rules)(on, case, result)
    assert made == seal(Receipt, versions, rules_hash=rules, as_of=on.isoformat(),
                        input_hash=record_hash(case), result_hash=sha256(result))
