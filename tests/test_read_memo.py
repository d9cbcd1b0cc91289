"""``read_record``'s memo (what an engine remembers of the texts it read) changes nothing: the
same typed values and the same issues as without it, and never a value shared between cases."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from zorgregels.core.facts import Parsed, read_record

#: texts per field, good and bad, so that one case's text is often the next one's
TEXTS: dict[str, list[str]] = {
    "decision_date": ["2025-03-01", " 2025-03-01 ", "2025-02-30", "1-3-2025", ""],
    "domains": ["gedrag", "gedrag;ontwikkeling", "onbekend", " ; "],
    "volume": ["1,5", "2", "abc", "1.00001", "1e3"],
    "unit": ["4", "04", "99"],
    "code": ["45B10", " 45A03 "],
    "crisis": ["ja", "nee", "misschien"],
    "referrer_type": ["1", "01", "x"],
}
VOCABULARY = {"domains": {"gedrag", "ontwikkeling"}}

cases = st.lists(st.fixed_dictionaries({}, optional={k: st.sampled_from(v) for k, v in TEXTS.items()}),
                 min_size=1, max_size=6)


@settings(max_examples=200, deadline=None)
@given(cases)
def test_read_with_a_memo_reads_as_without(records: list[dict[str, Any]]) -> None:
    memo: Parsed = {}
    for _ in range(2):  # the second time every text is known
        for raw in records:
            typed, issues, extra = read_record(raw, VOCABULARY, memo)
            plain = read_record(raw, VOCABULARY)
            assert (typed, issues, extra) == plain
            for v in typed.values():  # a list the caller gets is its own, not the memo's
                if isinstance(v, list):
                    v.append("veranderd")
    # every text remembered, but for free text (a code is only stripped)
    assert set(memo) == {(k, v) for raw in records for k, v in raw.items() if k != "code"}


def test_a_memo_keeps_no_free_text() -> None:
    memo: Parsed = {}
    read_record({"bsn": "123456782", "dossier_note": "bsn 111222333", "decision_id": "B-1",
                 "code": "45B10", "unit": "4"}, VOCABULARY, memo)
    assert list(memo) == [("unit", "4")]


def test_an_engine_remembers_a_bounded_number_of_texts(monkeypatch: Any) -> None:
    """A long-lived engine (a service) fed ever new texts does not grow without end: its memo
    (``read_record``'s) starts over at ``_MAX_MEMO`` texts, and reads the same after."""
    import zorgregels.core.facts as facts_mod
    from zorgregels import Engine

    monkeypatch.setattr(facts_mod, "_MAX_MEMO", 8)
    engine = Engine.from_path(Path(__file__).resolve().parents[1] / "rules")
    seen = []
    for day in range(1, 29):
        case = {"decision_date": f"2025-02-{day:02d}", "birth_date": f"2012-05-{day:02d}",
                "volume": str(day), "unit": "04", "code": "45B10"}
        seen.append(engine.evaluate(case).outcome)
        assert len(engine._read_memo) <= 8
    fresh = Engine.from_path(Path(__file__).resolve().parents[1] / "rules")
    assert seen == [fresh.evaluate({"decision_date": f"2025-02-{d:02d}", "birth_date": f"2012-05-{d:02d}",
                                    "volume": str(d), "unit": "04", "code": "45B10"}).outcome
                    for d in range(1, 29)]
