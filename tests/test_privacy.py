"""A BSN never leaves unmasked: any value that looks like one (nine digits passing the
11-proef, standing alone) is masked in every output of validate, diff, audit and evaluate and
in the Python API's decision; nine digits that fail the 11-proef (an amount, an AGB code) are
left as they are."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from zorgregels import Engine
from zorgregels.cli import main
from zorgregels.core.privacy import WEIGHTS, is_bsn, mask_bsns, mask_bsns_expr, might_hold_bsn
from zorgregels.io.privacy import BSN_MASK, mask_bsns_frame

ROOT = Path(__file__).resolve().parents[1]
RULES = str(ROOT / "rules")
DECISIONS = ROOT / "fixtures" / "decisions" / "example_2025.csv"
REJECTIONS = ROOT / "fixtures" / "audit" / "decisions_2025.csv"
FUZZ = max(1, int(os.environ.get("ZORGREGELS_FUZZ", "1") or "1"))
SLOW = settings(max_examples=6 * FUZZ, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def _proef(digits: str) -> int:
    return sum(w * int(d) for w, d in zip(WEIGHTS, digits, strict=True)) % 11


@st.composite
def bsns(draw: Any) -> str:
    """A valid BSN: eight digits and the one ninth digit that makes the 11-proef pass."""
    head = draw(st.text(alphabet="0123456789", min_size=8, max_size=8))
    last = sum(w * int(d) for w, d in zip(WEIGHTS, head, strict=False)) % 11
    assume(last < 10)
    return head + str(last)


#: nine digits that fail the 11-proef: amounts, AGB codes, phone numbers
not_bsns = st.text(alphabet="0123456789", min_size=9, max_size=9).filter(lambda s: _proef(s) != 0)


def test_the_11_proef() -> None:
    assert is_bsn("123456782") and is_bsn("111222333")
    assert not is_bsn("123456789") and not is_bsn("12345678") and not is_bsn("１２３４５６７８２")
    assert mask_bsns("bsn 123456782, tel 0612345678, 1234567820, x111222333y") == \
        f"bsn {BSN_MASK}, tel 0612345678, 1234567820, x{BSN_MASK}y"


@given(st.lists(st.one_of(bsns(), not_bsns, st.text(alphabet="0123456789 -a.é٣１", max_size=12)), max_size=6))
@settings(max_examples=200 * FUZZ, deadline=None)
def test_the_text_form_and_the_column_form_agree(parts: list[str]) -> None:
    text = "".join(parts)
    column = pl.DataFrame({"t": [text]}).select(mask_bsns_expr(pl.col("t")))["t"][0]
    assert column == mask_bsns(text)
    for b in parts:
        if is_bsn(b) and b not in mask_bsns(text):
            break
    else:
        runs = [r for r in "".join(c if c.isdigit() else " " for c in mask_bsns(text)).split()]
        assert not any(is_bsn(r) for r in runs)


@given(st.text(alphabet=st.sampled_from("0123456789 -a\"é٣１\ud800\U0001d7ce"), max_size=40))
@settings(max_examples=300 * FUZZ, deadline=None)
def test_the_cheap_prefilter_is_exactly_nine_ascii_digits_in_a_row(text: str) -> None:
    # what the engine scans a decision's JSON with before it walks it to mask (a false
    # "no" would let a BSN through)
    assert might_hold_bsn(text) == (re.search("[0-9]{9}", text) is not None)
    assert might_hold_bsn(f"x{text}123456789") and not might_hold_bsn("12345678 ١٢٣٤٥٦٧٨٩ ８")


def test_a_frame_skips_columns_that_cannot_hold_a_bsn() -> None:
    df = pl.DataFrame({"short": ["12345678"], "n": [123456782], " Bsn ": ["12"], "t": ["id 123456782"]})
    out = mask_bsns_frame(df)
    assert out.row(0) == ("12345678", 123456782, BSN_MASK, f"id {BSN_MASK}")


# ------------------------------------------------------------------ the commands


def _plant(source: Path, target: Path, secrets: list[str], harmless: list[str], data: st.DataObject,
           rows: int = 12) -> None:
    """The first ``rows`` records of ``source`` with each secret planted in a random column of
    a random row (whole, or inside a free text) and the harmless numbers in a free text."""
    with source.open(encoding="utf-8", newline="") as fh:
        records = list(csv.DictReader(fh))[:rows]
    names = list(records[0])
    for secret in secrets:
        rec = data.draw(st.sampled_from(records))
        col = data.draw(st.sampled_from(names))
        rec[col] = data.draw(st.sampled_from([secret, f"zie {secret}", f"{rec[col]} ({secret})"]))
    for number in harmless:
        rec = data.draw(st.sampled_from(records))
        rec[names[-1]] = f"{rec[names[-1]]} bedrag {number}"
    with target.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=names)
        w.writeheader()
        w.writerows(records)


def _run(*argv: str) -> int:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        return main(list(argv))


def _leaks(folder: Path, secrets: list[str]) -> list[str]:
    found = []
    for path in sorted(folder.iterdir()):
        text = path.read_text(encoding="utf-8")
        # standalone: a planted number inside a longer digit run (a volume of 999288702 shown as
        # "99928870200%") is not that number, and not a BSN
        found += [f"{path.name}: {s}" for s in secrets if re.search(rf"(?<![0-9]){s}(?![0-9])", text)]
    return found


@SLOW
@given(data=st.data(), secrets=st.lists(bsns(), min_size=1, max_size=4, unique=True),
       harmless=st.lists(not_bsns, min_size=1, max_size=2, unique=True),
       fmt=st.sampled_from(["csv", "jsonl"]))
def test_validate_and_diff_mask_every_planted_bsn(tmp_path_factory: pytest.TempPathFactory, data: st.DataObject,
                                                  secrets: list[str], harmless: list[str], fmt: str) -> None:
    tmp = tmp_path_factory.mktemp("planted")
    path = tmp / "in.csv"
    _plant(DECISIONS, path, secrets, harmless, data)
    if fmt == "jsonl":
        with path.open(encoding="utf-8", newline="") as fh:
            lines = [json.dumps(r, ensure_ascii=False) for r in csv.DictReader(fh)]
        path = tmp / "in.jsonl"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert _run("validate", str(path), "--rules", RULES, "--out", str(tmp / "v"), "-q") in (0, 1)
    assert _leaks(tmp / "v", secrets) == []
    # the numbers that fail the 11-proef pass through untouched
    decisions = (tmp / "v" / "decisions.csv").read_text(encoding="utf-8")
    assert all(n in decisions for n in harmless)
    assert _run("diff", RULES, RULES, "--decisions", str(path), "--out", str(tmp / "d")) == 0
    assert _leaks(tmp / "d", secrets) == []


@SLOW
@given(data=st.data(), secrets=st.lists(bsns(), min_size=1, max_size=4, unique=True))
def test_audit_masks_every_planted_bsn(tmp_path_factory: pytest.TempPathFactory, data: st.DataObject,
                                       secrets: list[str]) -> None:
    tmp = tmp_path_factory.mktemp("audit")
    _plant(REJECTIONS, tmp / "in.csv", secrets, [], data, rows=20)
    assert _run("audit", str(tmp / "in.csv"), "--rules", RULES, "--out", str(tmp / "a")) in (0, 1)
    assert _leaks(tmp / "a", secrets) == []


CASE = {"birth_date": "2012-05-01", "domains": ["gedrag"], "severity": "matig", "referrer_type": "02",
        "decision_date": "2025-03-01", "code": "45B10", "unit": "04", "frequency": "2", "volume": "10",
        "outcome": "granted", "start_date": "2025-03-02"}


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.from_path(RULES)


@given(secret=bsns(), harmless=not_bsns,
       field=st.sampled_from(["decision_id", "volume", "tariff", "code", "municipality", "birth_date",
                              "provider", "team", "end_date", "unit"]),
       how=st.sampled_from(["{}", "x{}", "{} (bsn)"]))
@settings(max_examples=60 * FUZZ, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_a_single_case_never_shows_a_bsn(engine: Engine, secret: str, harmless: str, field: str, how: str) -> None:
    case = {**CASE, field: how.format(secret), "motivation": f"nummer {harmless}"}
    decision = engine.evaluate(case)
    shown = decision.model_dump_json() + decision.explain()
    assert secret not in shown
    assert decision.receipt is not None and decision.receipt.is_sealed()


def test_evaluate_prints_no_bsn(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = tmp_path / "case.json"
    case.write_text(json.dumps({**CASE, "decision_id": "123456782", "volume": "111222333"}), encoding="utf-8")
    for extra in ([], ["--json"]):
        main(["evaluate", str(case), "--rules", RULES, *extra])
        out = capsys.readouterr().out
        assert "123456782" not in out and "111222333" not in out
    main(["evaluate", str(case), "--rules", RULES, "--json"])
    assert json.loads(capsys.readouterr().out)["facts"]["decision_id"] == BSN_MASK
