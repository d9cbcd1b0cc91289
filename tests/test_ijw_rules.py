"""iJw message rules as the standard writes them.

TR381: "ProductCode vullen met een code die, volgens de gehanteerde productcodelijst, past bij de
ProductCategorie": the region's list is its catalogue, which states each code's category; only a
code outside the list falls back to the national form, whose first two digits are the category.

OP259 / TR302 (no stacking): an allocation and its own change message (the same
ToewijzingNummer within a municipality, TR332) are one allocation, of which the latest message
counts; a withdrawn allocation (reason 13 verwijderd or 01 administratieve correctie (vervallen),
with the end date equal to the start date) takes no part.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zorgregels import Engine, check_catalogue
from zorgregels.catalogue.ijw import PRODUCT_CATEGORIES
from zorgregels.core.columnar import INDEX, ColumnarEvaluator
from zorgregels.core.derived import derive_case, derive_columns
from zorgregels.core.facts import read_columns, read_record, to_fact
from zorgregels.io.frame import text_frame
from zorgregels.jobs.validate.cross import STACKING_BASIS

ROOT = Path(__file__).resolve().parents[1]
CHANGES = ROOT / "fixtures" / "ijw" / "wijziging"
AS_OF = dt.date(2025, 6, 1)
TR381 = "input.ijw_code_category"
STACKING = "dates.ijw_no_stacking"


# ---------------------------------------------------------------- TR381


@pytest.fixture(scope="module")
def region(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    """The example catalogue with a region's own code: 45B10 becomes ZK-AMB1 (category 45)
    everywhere, and the list puts 45B11 in category 50, not in its first two digits."""
    rules = tmp_path_factory.mktemp("region") / "rules"
    shutil.copytree(ROOT / "rules", rules)
    for f in rules.rglob("*.yaml"):
        f.write_text(f.read_text(encoding="utf-8").replace("45B10", "ZK-AMB1"), encoding="utf-8")
    codes = rules / "zuid-kennemerland-ijmond" / "codes.yaml"
    text = codes.read_text(encoding="utf-8")
    at = text.index("  - id: 45B11\n")
    cat = text.index('    category: "45"\n', at)
    codes.write_text(text[:cat] + '    category: "50"\n' + text[cat + len('    category: "45"\n'):],
                     encoding="utf-8")
    return Engine.from_path(rules)


def _ijw(code: str | None, category: str | None, **kw: str) -> dict[str, str]:
    rec = {"decision_id": f"{code}-{category}", "message_type": "JW301", "municipality": "GM0392",
           "decision_date": "2025-03-01", "birth_date": "2012-05-01", "outcome": "granted",
           "start_date": "2025-03-03", "end_date": "2025-05-31", "volume": "2", "unit": "04",
           "frequency": "2"}
    if code is not None:
        rec["code"] = code
    if category is not None:
        rec["product_category"] = category
    rec.update(kw)
    return rec


def _tr381_both_paths(engine: Engine, rec: dict[str, str]) -> list[tuple[str | None, str | None, str]]:
    """The TR381 findings of one record from durable-rules and from the columnar path, which
    must agree."""
    durable = [(f.expected, f.actual, f.message) for f in engine.evaluate(rec, as_of=AS_OF).findings
               if f.rule == TR381]
    batch = engine.validate([rec], as_of=AS_OF).findings.filter(pl.col("rule") == TR381)
    columnar = [(e, a, m) for e, a, m in batch.select("expected", "actual", "message").iter_rows()]
    assert durable == columnar
    return durable


def test_a_region_code_that_does_not_start_with_its_category_loads(region: Engine) -> None:
    code = region.catalogue.codes["ZK-AMB1"]
    assert code.category == "45"
    assert region.catalogue.codes["45B11"].category == "50"


def test_a_code_form_no_list_could_hold_is_still_refused(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    codes = rules / "zuid-kennemerland-ijmond" / "codes.yaml"
    codes.write_text(codes.read_text(encoding="utf-8").replace("  - id: 31A01\n", "  - id: 31a 01\n"),
                     encoding="utf-8")
    cat, diags = check_catalogue(rules)
    assert cat is None
    bad = [d for d in diags if d.code == "schema.invalid_value"]
    assert bad and "31a 01" in bad[0].message and "ZK-AMB1" in bad[0].message


@pytest.mark.parametrize(("code", "category", "expected"), [
    ("ZK-AMB1", "45", None),        # the list says 45
    ("ZK-AMB1", "54", "45"),
    ("45B11", "50", None),          # the list, not the first two digits
    ("45B11", "45", "50"),
    ("55A11", "55", None),          # not in the list: the national form's first two digits
    ("55A11", "45", "55"),
    ("ZZ-1", "45", "ZZ"),           # not in the list and not the national form
])
def test_tr381_reads_the_product_code_list_in_use(region: Engine, code: str, category: str,
                                                  expected: str | None) -> None:
    found = _tr381_both_paths(region, _ijw(code, category))
    if expected is None:
        assert found == []
    else:
        assert [(e, a) for e, a, _ in found] == [(expected, category)]
        assert found[0][2] == (f"Productcode {code} hoort volgens de productcodelijst bij productcategorie "
                               f"{expected}, niet bij {category}.")


def test_tr381_needs_both_a_code_and_a_category(region: Engine) -> None:
    assert _tr381_both_paths(region, _ijw("ZK-AMB1", None)) == []
    assert _tr381_both_paths(region, _ijw(None, "54")) == []
    # and stays silent on records from other inputs (no product_category at all)
    rec = _ijw("ZK-AMB1", None)
    del rec["message_type"]
    assert not [n for n in region.evaluate(rec, as_of=AS_OF).not_evaluable if n.rule == TR381]


CODES = st.sampled_from(["ZK-AMB1", "45B11", "45B12", "35A01", "55A11", "ZZ-1", "4", "54B01", ""])
CATEGORIES = st.sampled_from(["45", "50", "54", "35", "55", "ZZ", "4", "99", ""])


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(batch=st.lists(st.tuples(CODES, CATEGORIES), min_size=1, max_size=8))
def test_both_forms_of_the_tr381_facts_agree(region: Engine, batch: list[tuple[str, str]]) -> None:
    records = [_ijw(c or None, k or None, decision_id=f"r{i}") for i, (c, k) in enumerate(batch)]
    ev = ColumnarEvaluator(region.compiled, region.catalogue)
    frame = text_frame(records)
    inputs = read_columns(frame, region.catalogue.vocabulary())
    columns = derive_columns(inputs.frame, region.catalogue, ev.code_table, AS_OF).sort(INDEX)
    for rec, row in zip(records, columns.iter_rows(named=True)):
        typed, _, _ = read_record({k: rec[k] for k in frame.columns if k in rec},
                                  region.catalogue.vocabulary())
        expected = to_fact({**typed, **derive_case(typed, region.catalogue, AS_OF)})
        for name in ("code_list_category", "code_category_match"):
            assert row[name] == expected.get(name), (name, rec)
        code, category = rec.get("code"), rec.get("product_category")
        if category not in PRODUCT_CATEGORIES:
            category = None  # outside JZ020: an input finding, no fact
        listed = region.catalogue.codes.get(code) if code else None
        want = None if code is None else (listed.category if listed else code[:2])
        assert row["code_list_category"] == want
        assert row["code_category_match"] == (None if want is None or category is None else want == category)


# ---------------------------------------------------------------- OP259 / TR302


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.from_path(ROOT / "rules")


def _alloc(decision_id: str, start: str, end: str | None, **kw: str) -> dict[str, str]:
    rec = {"decision_id": decision_id, "municipality": "GM0392", "client_id": "k1", "provider": "AGB1",
           "decision_date": "2025-03-01", "outcome": "granted", "code": "45B10", "volume": "2",
           "unit": "04", "frequency": "2", "start_date": start}
    if end is not None:
        rec["end_date"] = end
    rec.update(kw)
    return rec


def _stacked(engine: Engine, records: list[dict[str, str]]) -> list[str]:
    report = engine.validate(records)
    assert not [n for n in report.not_evaluable if n.rule == STACKING]
    found = report.findings.filter(pl.col("rule") == STACKING)
    assert set(found["basis"].to_list()) <= {STACKING_BASIS}
    return sorted(found["decision_id"].to_list())


def test_a_change_message_is_the_same_allocation_not_a_second_one(engine: Engine) -> None:
    original = _alloc("a", "2025-03-03", "2025-12-31", allocation_number="7001")
    change = _alloc("a2", "2025-03-03", "2025-05-31", allocation_number="7001", change_reason="05",
                    decision_date="2025-05-01")
    follow_up = _alloc("b", "2025-06-01", "2025-12-31", allocation_number="7002", decision_date="2025-05-01")
    assert _stacked(engine, [original, change, follow_up]) == []
    # the change, listed first, is still the latest message (by decision date)
    assert _stacked(engine, [change, follow_up, original]) == []
    # without the change, the follow-up overlaps the original: stacking
    assert _stacked(engine, [original, follow_up]) == ["b"]
    # without allocation numbers the two messages are two allocations, as before
    plain = [{k: v for k, v in r.items() if k != "allocation_number"} for r in (original, change)]
    assert _stacked(engine, plain) == ["a2"]


def test_the_latest_message_of_an_allocation_counts(engine: Engine) -> None:
    shortened = _alloc("a1", "2025-03-03", "2025-05-31", allocation_number="7001", decision_date="2025-03-01")
    extended = _alloc("a2", "2025-03-03", "2025-12-31", allocation_number="7001", change_reason="04",
                      decision_date="2025-05-20")
    other = _alloc("b", "2025-06-01", "2025-12-31", allocation_number="7002", decision_date="2025-05-20")
    # the extension (latest) runs into b: stacking against the allocation as it now stands
    assert _stacked(engine, [shortened, extended, other]) == ["b"]
    # on the same decision date the message later in the batch counts
    same_day = dict(extended, decision_date="2025-03-01")
    assert _stacked(engine, [same_day, shortened, other]) == []
    assert _stacked(engine, [shortened, same_day, other]) == ["b"]


@pytest.mark.parametrize(("reason", "same_dates", "counts"), [
    ("13", True, False),   # verwijderd
    ("01", True, False),   # administratieve correctie (vervallen)
    ("13", False, True),   # TR302 needs the end date equal to the start date
    ("05", True, True),    # another reason is a change, not a withdrawal
])
def test_a_withdrawn_allocation_takes_no_part(engine: Engine, reason: str, same_dates: bool,
                                              counts: bool) -> None:
    original = _alloc("a", "2025-06-01", "2025-09-30", allocation_number="7001")
    end = "2025-06-01" if same_dates else "2025-06-02"
    withdrawal = _alloc("a2", "2025-06-01", end, allocation_number="7001", change_reason=reason,
                        decision_date="2025-05-20")
    replacement = _alloc("b", "2025-06-01", "2025-09-30", allocation_number="7002", decision_date="2025-05-20")
    assert _stacked(engine, [original, withdrawal, replacement]) == (["b"] if counts else [])
    # a withdrawn record without an allocation number takes no part either
    loose = {k: v for k, v in withdrawal.items() if k != "allocation_number"}
    assert _stacked(engine, [loose, replacement]) == (["b"] if counts else [])


def test_a_withdrawal_is_final_whatever_the_order(engine: Engine) -> None:
    original = _alloc("a", "2025-06-01", "2025-09-30", allocation_number="7001", decision_date="2025-05-20")
    withdrawal = _alloc("a2", "2025-06-01", "2025-06-01", allocation_number="7001", change_reason="13",
                        decision_date="2025-05-20")
    replacement = _alloc("b", "2025-06-01", "2025-09-30", allocation_number="7002", decision_date="2025-05-20")
    assert _stacked(engine, [withdrawal, original, replacement]) == []


def test_an_allocation_number_is_unique_within_a_municipality(engine: Engine) -> None:
    haarlem = _alloc("a", "2025-03-03", "2025-12-31", allocation_number="7001")
    velsen = _alloc("b", "2025-04-01", "2025-12-31", allocation_number="7001", municipality="GM0453",
                    decision_date="2025-03-20")
    assert _stacked(engine, [haarlem, velsen]) == ["b"]


def test_the_bsn_identifies_the_client_of_an_ijw_message_and_is_never_shown(engine: Engine) -> None:
    a = _alloc("a", "2025-03-03", "2025-12-31", bsn="999900006")
    b = _alloc("b", "2025-04-01", "2025-12-31", bsn="999900006")
    c = _alloc("c", "2025-04-01", "2025-12-31", bsn="123456782")
    for r in (a, b, c):
        del r["client_id"]
    report = engine.validate([a, b, c])
    found = report.findings.filter(pl.col("rule") == STACKING)
    assert found["decision_id"].to_list() == ["b"]
    assert not any(b in str(v) for b in ("999900006", "123456782") for v in found.row(0))


def test_the_change_and_deletion_fixture_has_no_stacking(engine: Engine) -> None:
    """fixtures/ijw/wijziging: a first JW301 and the municipality's change message with every
    current allocation: one allocation shortened (reason 05), one deleted (reason 13), two new."""
    report = engine.validate(CHANGES)
    assert report.decisions.height == 6
    assert not [n for n in report.not_evaluable if n.rule == STACKING]
    assert report.findings.filter(pl.col("rule") == STACKING).height == 0
    rows = report.decisions.filter(pl.col("change_reason").is_not_null())
    assert sorted(zip(rows["allocation_number"], rows["change_reason"])) == [("800101", "05"), ("800102", "13")]


def test_the_fixture_would_be_stacking_if_messages_were_allocations(engine: Engine) -> None:
    """The same six rows with the allocation numbers and reasons left out: each message is an
    allocation of its own, and the change and the deletion overlap what they replace."""
    df = engine.validate(CHANGES).decisions.drop("allocation_number", "change_reason", "verdict",
                                                 "finding_count", "_source", "_row")
    found = engine.validate(df).findings.filter(pl.col("rule") == STACKING)
    assert sorted(found["decision_id"].to_list()) == [
        "JW301-0392-700000000002-800101", "JW301-0392-700000000002-800102",
        "JW301-0392-700000000002-800103", "JW301-0392-700000000002-800104"]


# a reference: the current allocations and their overlaps, pair by pair

DAYS = [dt.date(2025, 3, 1) + dt.timedelta(days=7 * i) for i in range(12)]


def _reference(records: list[dict[str, str]]) -> list[str]:
    def withdrawn(r: dict[str, str]) -> bool:
        return r.get("change_reason") in ("01", "13") and r.get("end_date") == r["start_date"]

    latest: dict[tuple[str, str], tuple[str, int]] = {}
    gone: set[tuple[str, str]] = set()
    current: list[int] = []
    for i, r in enumerate(records):
        n = r.get("allocation_number")
        if n is None:
            if not withdrawn(r):
                current.append(i)
            continue
        key = (r["municipality"], n)
        if withdrawn(r):
            gone.add(key)
        if key not in latest or (r["decision_date"], i) >= latest[key]:
            latest[key] = (r["decision_date"], i)
    current += [i for k, (_, i) in latest.items() if k not in gone]
    hits = set()
    for i in current:
        for j in current:
            a, b = records[i], records[j]
            if i == j or (a["client_id"], a["code"]) != (b["client_id"], b["code"]):
                continue
            if (a["start_date"], i) < (b["start_date"], j) and a.get("end_date", "9999-12-31") >= b["start_date"]:
                hits.add(b["decision_id"])
    return sorted(hits)


@st.composite
def allocation_batches(draw: Any) -> list[dict[str, str]]:
    out = []
    for i in range(draw(st.integers(1, 9))):
        start = draw(st.integers(0, 9))
        rec = _alloc(f"d{i}", DAYS[start].isoformat(), None,
                     client_id=draw(st.sampled_from(["k1", "k2"])), code=draw(st.sampled_from(["45B10", "45B12"])),
                     decision_date=DAYS[draw(st.integers(0, 3))].isoformat(),
                     municipality=draw(st.sampled_from(["GM0392", "GM0453"])))
        end = draw(st.one_of(st.none(), st.integers(start, 11)))
        if end is not None:
            rec["end_date"] = DAYS[end].isoformat()
        number = draw(st.one_of(st.none(), st.sampled_from(["1", "2", "3"])))
        if number is not None:
            rec["allocation_number"] = number
        reason = draw(st.one_of(st.none(), st.sampled_from(["01", "05", "13"])))
        if reason is not None:
            rec["change_reason"] = reason
        out.append(rec)
    return out


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(records=allocation_batches())
def test_no_stacking_agrees_with_a_pairwise_reference(engine: Engine, records: list[dict[str, str]]) -> None:
    assert _stacked(engine, records) == _reference(records)
