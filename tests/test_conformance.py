"""One meaning for the rules: durable-rules (``Engine.evaluate``, the engine of record) and the
columnar evaluator (``zorgregels.columnar``) must give identical findings and outputs for every
fixture case and for thousands of generated records, valid and malformed."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zorgregels import Engine
from zorgregels.catalogue.fields import COURT_ORDERS, DECISION_FACTS, FIELDS
from zorgregels.core.advice import ADVICE_DERIVATIONS, derive_advice, derive_advice_columns
from zorgregels.core.columnar import INDEX, ColumnarEvaluator, finding_value
from zorgregels.core.derived import DERIVATIONS, derive_case, derive_columns
from zorgregels.core.facts import read_columns, read_record, to_fact
from zorgregels.core.outcome import (
    LADDER,
    RANKED_SEVERITIES,
    Signal,
    has_severity,
    outcome_expr,
    outcome_of,
    verdict_expr,
    verdict_of,
)
from zorgregels.io.frame import text_frame
from zorgregels.jobs.cases import is_case_file, load_cases

ROOT = Path(__file__).resolve().parents[1]
AS_OF = dt.date(2025, 6, 1)


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.from_path(ROOT / "rules")


@pytest.fixture(scope="module")
def columnar(engine: Engine) -> ColumnarEvaluator:
    return ColumnarEvaluator(engine.compiled, engine.catalogue)


def durable_view(engine: Engine, record: dict[str, Any], as_of: dt.date) -> dict[str, Any]:
    d = engine.evaluate(record, as_of=as_of)
    return {
        "outcome": d.outcome, "code": d.code, "level": d.level, "perceel": d.perceel,
        "codes": d.codes,
        "findings": [(f.rule, f.check, f.severity, f.message, f.basis, f.expected, f.actual,
                      f.decision_id) for f in d.findings],
    }


def columnar_views(ev: ColumnarEvaluator, records: list[dict[str, Any]], as_of: dt.date) -> list[dict[str, Any]]:
    res = ev.evaluate(text_frame(records), as_of=as_of)
    by_row: dict[int, list[tuple[Any, ...]]] = {}
    for f in res.findings.iter_rows(named=True):
        by_row.setdefault(f[INDEX], []).append((
            f["rule"], f["check"], f["severity"], f["message"], f["basis"],
            finding_value(f["value_type"], f["expected"]), finding_value(f["value_type"], f["actual"]),
            f["decision_id"]))
    out = []
    for r in res.rows.sort(INDEX).iter_rows(named=True):
        out.append({
            "outcome": r["result"], "code": r["advised_code"], "level": r["advised_level"],
            "perceel": r["advised_code_perceel"], "codes": list(r["allowed_codes"] or []),
            "findings": by_row.get(r[INDEX], []),
        })
    return out


def assert_same(engine: Engine, ev: ColumnarEvaluator, records: list[dict[str, Any]],
                as_of: dt.date = AS_OF) -> None:
    col = columnar_views(ev, records, as_of)
    assert len(col) == len(records)
    # a batch is one table: every row has the table's column order (input findings follow it)
    order = list(text_frame(records).columns)
    for rec, c in zip(records, col):
        d = durable_view(engine, {k: rec[k] for k in order if k in rec}, as_of)
        assert c == d, f"record {rec!r}"


# ---------------------------------------------------------------- fixture cases


def _fixture_cases() -> list[Any]:
    out = []
    for f in sorted((ROOT / "fixtures").rglob("*.yaml")):
        if "cases" in f.parts and is_case_file(f):
            out += [c for c in load_cases(f, ROOT) if c.rules is None]
    return out


FIXTURE_CASES = _fixture_cases()


@pytest.mark.parametrize("case", FIXTURE_CASES, ids=[c.name for c in FIXTURE_CASES])
def test_fixture_cases_conform(engine: Engine, columnar: ColumnarEvaluator, case: Any) -> None:
    as_of = case.as_of or AS_OF
    assert_same(engine, columnar, [case.input], as_of)


# ---------------------------------------------------------------- generated records

CODES = ["45B10", "45B11", "37A01", "35A01", "54B03", "46A01", "31A01", "45A10", "51B01",
         "43A02", "99X99", "45b10", "12A34", "41A02", "50A01", "44A01"]
DOMAINS = ["opvoeden", "gedrag", "psychisch", "ontwikkeling", "lvb", "dyslexie", "veiligheid",
           "ouders", "school", "verslaving", "onbekend"]


def _date_text() -> st.SearchStrategy[str]:
    valid = st.dates(dt.date(1995, 1, 1), dt.date(2027, 12, 31)).map(lambda d: d.isoformat())
    odd = st.sampled_from(["2025-02-30", "2027-06-31", "31-12-2024", "20250101", "2025-W05-1",
                           "2025-01-15T10:00:00", " 2025-03-01 ", "gisteren", "2025/03/01", "0001-01-01"])
    return st.one_of(valid, valid, valid, odd)


def _decimal_text(lo: int, hi: int) -> st.SearchStrategy[str]:
    whole = st.integers(lo, hi).map(str)
    dec = st.decimals(lo, hi, places=4, allow_nan=False, allow_infinity=False).map(str)
    odd = st.sampled_from(["1,5", "72,52", "abc", "1e3", "0.00001", "-3", "NaN", "Infinity", "12.5",
                           "0.125", "7.005", " 4 "])
    return st.one_of(whole, dec, odd)


BOOL = st.sampled_from(["true", "false", "ja", "nee", "1", "0", "J", "N", "misschien", "", " yes "])

FIELD_VALUES: dict[str, st.SearchStrategy[str]] = {
    "decision_id": st.text(min_size=0, max_size=8),
    "municipality": st.sampled_from(["GM0392", "GM0377", "Haarlem", "  Velsen ", ""]),
    "decision_date": _date_text(),
    "request_date": _date_text(),
    "client_id": st.sampled_from(["c1", "c2", "c3", ""]),
    "bsn": st.sampled_from(["123456782", ""]),
    "birth_date": _date_text(),
    "age": st.sampled_from(["5", "17", "18", "22", "23", "30", "-1", "17.5", "abc", "12.0", ""]),
    "referrer_type": st.sampled_from(["01", "02", "2", "03", "04", "05", "06", "6", "08", "07", "x", ""]),
    "domains": st.lists(st.sampled_from(DOMAINS), max_size=4).map(";".join)
    | st.sampled_from([" gedrag ; school ", ";;", "psychisch;"]),
    "complexity": st.sampled_from(["enkelvoudig", "meervoudig", "complex", ""]),
    "severity": st.sampled_from(["licht", "matig", "ernstig", "zwaar", ""]),
    "crisis": BOOL, "safety_concern": BOOL, "out_of_home": BOOL, "court_authorisation": BOOL,
    "wlz_indication": BOOL, "extended_care": BOOL, "network_assessed": BOOL, "objection_info": BOOL,
    "delay_notice": BOOL, "gi_ordered": BOOL, "school_file": BOOL,
    "court_orders": st.lists(st.sampled_from(COURT_ORDERS), max_size=3).map(";".join)
    | st.sampled_from(["ots;machtiging", " voogdij ", ";;"]),
    "previous_care_end_date": _date_text(),
    "school_level": st.sampled_from(["po", "so", "vo", "mbo", "ho", "geen", "basis", ""]),
    "explanatory_analysis_date": _date_text(),
    "current_perceel": st.sampled_from(["1", "2", "3", "1.0", "een", ""]),
    "outcome": st.sampled_from(["granted", "rejected", "pending", ""]),
    "code": st.sampled_from(CODES),
    "perceel": st.sampled_from(["1", "2", "2", "3", ""]),
    "provider_type": st.sampled_from(["consortium", "vrijgevestigde", "instelling", "ziekenhuis", ""]),
    "volume": _decimal_text(0, 600),
    "unit": st.sampled_from(["01", "04", "4", "14", "16", "82", "83", "84", "99", ""]),
    "frequency": st.sampled_from(["1", "2", "4", "6", "6", "3", ""]),
    "tariff": _decimal_text(0, 30000),
    "start_date": _date_text(),
    "end_date": _date_text(),
    "rejection_reason": st.sampled_from(["voorliggend", ""]),
    "motivation": st.text(max_size=12),
    "team": st.sampled_from(["CJG Haarlem", "huisarts", ""]),
    "information_requested_date": _date_text(),
}


@st.composite
def records(draw: Any) -> dict[str, Any]:
    names = list(FIELD_VALUES)
    keep = draw(st.lists(st.sampled_from(names), min_size=3, max_size=len(names), unique=True))
    # keep the engine's field order varied, as exports differ in column order
    rec = {n: draw(FIELD_VALUES[n]) for n in keep}
    if draw(st.booleans()):
        rec["extra_column"] = draw(st.text(max_size=5))
    return rec


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.data_too_large])
@given(batch=st.lists(records(), min_size=1, max_size=12))
def test_generated_records_conform(engine: Engine, columnar: ColumnarEvaluator,
                                   batch: list[dict[str, Any]]) -> None:
    assert_same(engine, columnar, batch)


@st.composite
def realistic(draw: Any) -> dict[str, Any]:
    """Mostly well-formed decisions, so that tables and rules deep in the chain are reached."""
    decided = draw(st.dates(dt.date(2024, 1, 1), dt.date(2026, 12, 31)))
    start = decided + dt.timedelta(days=draw(st.integers(-20, 40)))
    rec = {
        "decision_id": f"D{draw(st.integers(1, 10**6))}",
        "decision_date": decided.isoformat(),
        "request_date": (decided - dt.timedelta(days=draw(st.integers(-5, 90)))).isoformat(),
        "birth_date": (decided - dt.timedelta(days=draw(st.integers(0, 26 * 365)))).isoformat(),
        "referrer_type": draw(st.sampled_from(["01", "02", "03", "04", "05", "06", "08"])),
        "domains": ";".join(draw(st.lists(st.sampled_from(DOMAINS[:-1]), min_size=1, max_size=3))),
        "severity": draw(st.sampled_from(["licht", "matig", "ernstig"])),
        "crisis": draw(st.sampled_from(["false", "false", "true"])),
        "safety_concern": draw(st.sampled_from(["false", "false", "true"])),
        "out_of_home": draw(st.sampled_from(["false", "false", "true"])),
        "court_authorisation": draw(st.sampled_from(["false", "true"])),
        "wlz_indication": draw(st.sampled_from(["false"] * 9 + ["true"])),
        "extended_care": draw(st.sampled_from(["false", "true"])),
        "outcome": draw(st.sampled_from(["granted", "granted", "rejected"])),
        "code": draw(st.sampled_from(CODES[:10] + ["45B12", "45B13", "54B01", "52B01", "37A02", "35A01", "54B03",
                                                "43A02", "46A02", "45A11"])),
        "perceel": draw(st.sampled_from(["1", "2"])),
        "current_perceel": draw(st.sampled_from(["", "1", "2"])),
        "provider_type": draw(st.sampled_from(["consortium", "vrijgevestigde", "instelling"])),
        "volume": str(draw(st.decimals(0, 200, places=draw(st.integers(0, 4)), allow_nan=False,
                                       allow_infinity=False))),
        "unit": draw(st.sampled_from(["01", "04", "14", "16", "82", "83", "84"])),
        "frequency": draw(st.sampled_from(["1", "2", "4", "6"])),
        "tariff": draw(st.sampled_from(["72.52", "70.00", "1.21", "250", "95.10"])),
        "start_date": start.isoformat(),
        "end_date": (start + dt.timedelta(days=draw(st.integers(-10, 400)))).isoformat(),
        "explanatory_analysis_date": draw(st.sampled_from(
            ["", (decided - dt.timedelta(days=10)).isoformat(), (decided + dt.timedelta(days=3)).isoformat()])),
        "delay_notice": draw(st.sampled_from(["", "true", "false"])),
        "court_orders": ";".join(draw(st.lists(st.sampled_from(COURT_ORDERS), max_size=2))),
        "gi_ordered": draw(st.sampled_from(["false", "false", "true"])),
        # end dates of earlier care around "half a year before the start", month ends included
        "previous_care_end_date": draw(st.sampled_from(["", "", (start - dt.timedelta(days=draw(
            st.integers(-30, 400)))).isoformat(), f"{start.year - 1}-08-31", f"{start.year - 1}-{start.month:02d}-28"])),
        "school_level": draw(st.sampled_from(["", "po", "so", "vo"])),
        "school_file": draw(st.sampled_from(["", "true", "false"])),
    }
    if draw(st.booleans()):
        rec["complexity"] = draw(st.sampled_from(["enkelvoudig", "meervoudig"]))
    return rec


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.data_too_large])
@given(batch=st.lists(realistic(), min_size=1, max_size=12))
def test_realistic_records_conform(engine: Engine, columnar: ColumnarEvaluator,
                                   batch: list[dict[str, Any]]) -> None:
    assert_same(engine, columnar, batch)


def _care_question(rec: dict[str, Any]) -> dict[str, Any]:
    """A realistic record without the decision: what a referrer brings before a code is decided."""
    return {k: v for k, v in rec.items() if k not in DECISION_FACTS or k == "decision_id"}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.data_too_large])
@given(batch=st.lists(realistic().map(_care_question), min_size=1, max_size=12))
def test_care_questions_judged_on_their_advice_conform(engine: Engine, columnar: ColumnarEvaluator,
                                                       batch: list[dict[str, Any]]) -> None:
    """A batch row without a code gets evaluate's answer: the rules judge the advised code."""
    assert_same(engine, columnar, batch)


def test_the_advice_facts_of_every_code_conform(engine: Engine, columnar: ColumnarEvaluator) -> None:
    """``derive_advice`` and ``derive_advice_columns`` agree for every code the tables may
    advise, and never touch a row with a decided code or nothing advised."""
    codes = sorted(engine.catalogue.codes)
    rows = [{"advised_code": c} for c in codes] + [{"advised_code": codes[0], "code": codes[-1]},
                                                   {"advised_code": codes[0], "perceel": "2"}, {}]
    frame = read_columns(text_frame([{"code": "", "perceel": "", **r} for r in rows])).frame
    frame = frame.with_columns(pl.Series("advised_code", [r.get("advised_code") for r in rows],
                                         dtype=pl.Utf8))
    out = derive_advice_columns(frame, engine.catalogue, columnar.code_table)
    names = [d.name for d in ADVICE_DERIVATIONS]
    for rec, row in zip(rows, out.sort(INDEX).iter_rows(named=True)):
        typed, _, _ = read_record(rec)
        fact = to_fact({k: v for k, v in typed.items()})
        if "advised_code" in rec:
            fact["advised_code"] = rec["advised_code"]
        expected = {**fact, **to_fact(derive_advice(fact, engine.catalogue))}
        assert {n: row[n] for n in names} == {n: expected.get(n) for n in names}, rec
    assert out.get_column("on_advice").sum() == len(codes) + 1


def test_volume_percentage_is_exact_at_half(engine: Engine, columnar: ColumnarEvaluator) -> None:
    """Half-way percentages round up in both paths (integer arithmetic, no float)."""
    code = next(c for c in engine.catalogue.codes.values() if c.norm is not None and c.norm.per_week)
    rec = {"decision_id": "x", "decision_date": "2025-03-01", "code": code.id, "unit": code.unit,
           "frequency": "2", "start_date": "2025-03-02", "end_date": "2025-06-01",
           "volume": str(code.norm.per_week * 1255 / 1000)}
    assert_same(engine, columnar, [rec])
    res = columnar.evaluate(text_frame([rec]))
    assert res.rows["volume_norm_pct"].to_list() == [126]  # 125.5 -> 126 (half-up)


# ---------------------------------------------------------------- bulk: thousands per run

_ODD_DATES = ["2025-02-30", "2027-06-31", "31-12-2024", "20250101", "2025-W05-1", "2025-01-15T10:00",
              " 2025-03-01 ", "gisteren", "", "0001-01-01", "2024-02-29"]
_ODD_NUMBERS = ["1,5", "72,52", "abc", "1e3", "0.00001", "-3", "NaN", "Infinity", "12.5", "0.125",
                "7.005", " 4 ", "", "1.2.3", "-0.5"]


def random_record(rng: Any, valid_share: float) -> dict[str, Any]:
    """A decision drawn from the same pools as the strategies above, with a share of the values
    replaced by malformed ones; used to push thousands of records through both paths quickly."""
    decided = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(3 * 365))
    start = decided + dt.timedelta(days=rng.randint(-20, 40))

    def d(x: dt.date) -> str:
        return x.isoformat() if rng.random() < valid_share else rng.choice(_ODD_DATES)

    def num(x: str) -> str:
        return x if rng.random() < valid_share else rng.choice(_ODD_NUMBERS)

    def pick(pool: list[str], odd: list[str]) -> str:
        return rng.choice(pool) if rng.random() < valid_share else rng.choice(odd)

    b = ["true", "false", "false"]
    bo = ["ja", "nee", "1", "0", "misschien", "", "J"]
    rec = {
        "decision_id": f"D{rng.randrange(10**6)}",
        "municipality": rng.choice(["GM0392", "GM0377", "GM0473"]),
        "decision_date": d(decided),
        "request_date": d(decided - dt.timedelta(days=rng.randint(-5, 90))),
        "client_id": f"c{rng.randrange(50)}",
        "birth_date": d(decided - dt.timedelta(days=rng.randrange(26 * 365))),
        "referrer_type": pick(["01", "02", "03", "04", "05", "06", "08"], ["2", "6", "07", "x", ""]),
        "domains": ";".join(rng.sample(DOMAINS, rng.randint(0, 3))),
        "severity": pick(["licht", "matig", "ernstig"], ["zwaar", ""]),
        "crisis": pick(b, bo), "safety_concern": pick(b, bo), "out_of_home": pick(b, bo),
        "court_authorisation": pick(b, bo), "wlz_indication": pick(["false"] * 5 + ["true"], bo),
        "extended_care": pick(b, bo), "delay_notice": pick(b + [""], bo),
        "outcome": pick(["granted", "granted", "rejected"], ["pending", ""]),
        "code": rng.choice(CODES + ["45B12", "45B13", "54B01", "52B01", "37A02"]),
        "perceel": pick(["1", "2"], ["3", "", "1.0"]),
        "current_perceel": pick(["", "1", "2"], ["3", "x"]),
        "provider_type": pick(["consortium", "vrijgevestigde", "instelling"], ["ziekenhuis", ""]),
        "volume": num(str(rng.randint(0, 2000) / rng.choice([1, 2, 4, 8, 10, 100, 1000]))),
        "unit": pick(["01", "04", "14", "16", "82", "83", "84"], ["4", "99", ""]),
        "frequency": pick(["1", "2", "4", "6"], ["3", ""]),
        "tariff": num(rng.choice(["72.52", "70.00", "1.21", "250", "95.10", "113.73"])),
        "start_date": d(start),
        "end_date": d(start + dt.timedelta(days=rng.randint(-10, 400))),
        "explanatory_analysis_date": rng.choice(["", d(decided - dt.timedelta(days=10)),
                                                 d(decided + dt.timedelta(days=3))]),
        "court_orders": pick([";".join(rng.sample(COURT_ORDERS, rng.randint(0, 2)))], ["ots;x", "machtiging"]),
        "gi_ordered": pick(b, bo), "school_file": pick(b + [""], bo),
        "previous_care_end_date": rng.choice(["", d(start - dt.timedelta(days=rng.randint(-30, 400)))]),
        "school_level": pick(["", "po", "so", "vo", "mbo"], ["basis", "x"]),
    }
    if rng.random() < 0.4:
        rec["complexity"] = pick(["enkelvoudig", "meervoudig"], ["complex"])
    if rng.random() < 0.3:
        rec["age"] = pick([str(rng.randint(0, 30))], ["17.5", "abc", "12.0"])
    drop = rng.sample(list(rec), rng.randint(0, 6))
    return {k: v for k, v in rec.items() if k not in drop}


@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
@given(seed=st.integers(0, 2**32 - 1), valid_share=st.sampled_from([0.97, 0.85, 0.6]))
def test_thousands_of_records_conform(engine: Engine, columnar: ColumnarEvaluator, seed: int,
                                      valid_share: float) -> None:
    rng = random.Random(seed)
    batch = [random_record(rng, valid_share) for _ in range(500)]
    assert_same(engine, columnar, batch)


# ---------------------------------------------------------------- one declaration per meaning


def test_each_derived_fact_is_declared_once_and_reads_only_what_came_before() -> None:
    names = [d.name for d in DERIVATIONS]
    assert len(names) == len(set(names))
    seen: set[str] = set()
    for d in DERIVATIONS:
        assert d.step or d.name in FIELDS, d.name
        for r in d.reads:
            assert r in FIELDS or r in seen, (d.name, r)
            assert r not in names or r in seen, f"{d.name} reads {r} before it is derived"
        seen.add(d.name)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.data_too_large])
@given(batch=st.lists(st.one_of(records(), realistic()), min_size=1, max_size=8),
       as_of=st.dates(dt.date(2023, 1, 1), dt.date(2027, 1, 1)))
def test_both_forms_of_every_derivation_agree(engine: Engine, batch: list[dict[str, Any]],
                                              as_of: dt.date) -> None:
    ev = ColumnarEvaluator(engine.compiled, engine.catalogue)
    frame = text_frame(batch)
    inputs = read_columns(frame, engine.catalogue.vocabulary())
    columns = derive_columns(inputs.frame, engine.catalogue, ev.code_table, as_of)
    for rec, row in zip(batch, columns.sort(INDEX).iter_rows(named=True)):
        typed, _, _ = read_record({k: rec[k] for k in frame.columns if k in rec},
                                  engine.catalogue.vocabulary())
        expected = to_fact({**typed, **derive_case(typed, engine.catalogue, as_of)})
        for d in DERIVATIONS:
            if not d.step:
                assert row[d.name] == expected.get(d.name), (d.name, rec)


SIGNALS: list[Signal] = ["missing", "conflict", "gap"]


def test_the_outcome_ladder_has_one_order_for_a_case_and_a_batch() -> None:
    assert [r.outcome for r in LADDER] == ["incomplete", "conflict", "no_rule_matched", "error",
                                           "warning", "ok"]
    combos = [(dict(zip(SIGNALS, bits[:3])), {s for s, b in zip(RANKED_SEVERITIES, bits[3:]) if b})
              for bits in itertools.product([False, True], repeat=3 + len(RANKED_SEVERITIES))]
    frame = pl.DataFrame([{**sig, **{has_severity(s): s in sev for s in RANKED_SEVERITIES}}
                          for sig, sev in combos])
    signals = {s: pl.col(s) for s in SIGNALS}
    got = frame.select(outcome_expr(signals).alias("o"), verdict_expr(signals).alias("v"))
    for (sig, sev), (o, v) in zip(combos, got.iter_rows()):
        assert o == outcome_of(sig, sev | {"info"})
        assert v == verdict_of(sig, sev)
        assert v == {"conflict": "error", "no_rule_matched": "error"}.get(o, o)


def test_the_columnar_evaluator_keeps_nothing_between_batches(engine: Engine) -> None:
    ev = ColumnarEvaluator(engine.compiled, engine.catalogue)
    state = dict(vars(ev))
    rng = random.Random(7)
    a = text_frame([random_record(rng, 0.85) for _ in range(60)])
    b = text_frame([random_record(rng, 0.6) for _ in range(40)])
    first = ev.evaluate(a, as_of=AS_OF)
    with ThreadPoolExecutor(max_workers=2) as pool:  # reentrant: two batches at once
        other, again = pool.map(lambda f: ev.evaluate(f, as_of=AS_OF), [b, a])
    assert again.rows.equals(first.rows) and again.findings.equals(first.findings)
    assert other.rows.height == b.height
    assert vars(ev).keys() == state.keys() and all(vars(ev)[k] is v for k, v in state.items())
    assert not [v for v in vars(ev).values() if isinstance(v, (pl.DataFrame, pl.LazyFrame))]


def test_volumes_too_large_for_64_bit_arithmetic_conform(engine: Engine, columnar: ColumnarEvaluator) -> None:
    recs = [{"decision_id": str(i), "decision_date": "2025-03-01", "code": code, "unit": unit,
             "frequency": freq, "start_date": "2025-03-02", "end_date": "2025-06-01", "volume": volume}
            for i, (code, unit, freq, volume) in enumerate([
                # the largest volumes an input may carry (core.facts.MAX_MAGNITUDE): scaled by
                # 10**4 and multiplied by the norm's factors they still leave 64 bits
                ("45B10", "04", "2", "999999999.5"), ("45B10", "01", "6", "999999999.1234"),
                ("54B03", "82", "6", "20000000"), ("45B10", "04", "2", "3")])]
    assert_same(engine, columnar, recs)
    pct = columnar.evaluate(text_frame(recs), as_of=AS_OF).rows.sort(INDEX)["volume_norm_pct"].to_list()
    assert pct[0] > 10**10 and pct[-1] == 150
