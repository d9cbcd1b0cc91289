"""What changed in the rules: two loaded catalogues compared, with no decisions.

``rule_changes(old, new)`` is the ``rule_changes`` key of diff.json and the top of diff.html:
codes added, removed or changed; tariffs changed per tariff period (old -> new per unit and per
3-month treatment at the code's norm, the normalisation of ``core.tariffs`` and the arithmetic of
``tariffs --compare``); table rows added, removed or changed (their conditions in words, the
renderer of the tariff overview); rules added, removed or changed (severity, message, condition
in words, basis); rejection grounds and budget ceilings. Everything is read from the parsed
``Catalogue`` objects (conditions as parsed trees), never from YAML text, so a reformatted file
is no change. Every list has a fixed record shape (docs/diff.md): ``change`` is ``added``,
``removed`` or ``changed``, ``fields`` names what changed, ``old`` and ``new`` hold the record
under each catalogue (``null`` for the side where it does not exist). Amounts are euro as text
(``"64.42"``), as elsewhere in diff.json.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from zorgregels.catalogue.catalogue import Catalogue, ParsedRow, ParsedRule, ParsedTable
from zorgregels.catalogue.conditions import Cmp, Cond, OneOf
from zorgregels.catalogue.ijw import UNITS
from zorgregels.catalogue.model import CHECK_TITLES, BudgetCeiling, Code
from zorgregels.core.tariffs import three_months
from zorgregels.jobs.overview.table import norm_text, render_condition, tariff_change

DAY = dt.timedelta(days=1)
#: the code attributes compared besides the tariffs (eligibility and duration become rules)
CODE_FIELDS = ("name", "category", "unit", "level", "perceel", "provider_types", "norm",
               "hours_per_unit", "care_form", "wlz_covered")
RULE_FIELDS = ("check", "severity", "message", "condition", "basis", "requires", "expected",
               "actual", "tightens", "remedy")
TABLE_FIELDS = ("name", "hit_policy", "inputs", "outputs", "applies_when", "basis")
GROUND_FIELDS = ("name", "basis", "needs", "holds_when", "alternative_required", "ijw_reason",
                 "forbidden", "message", "review")
CEILING_FIELDS = ("valid_to", "amount_3m", "basis")
#: what a user reads for each compared attribute (diff.html)
FIELD_WORDS = {
    "name": "naam", "category": "categorie", "unit": "eenheid", "level": "trede",
    "perceel": "perceel", "provider_types": "soort aanbieder", "norm": "norm",
    "hours_per_unit": "uren per eenheid", "care_form": "zorgvorm", "wlz_covered": "Wlz",
    "check": "controle", "severity": "ernst", "message": "melding", "condition": "voorwaarde",
    "basis": "grondslag", "requires": "nodig", "expected": "verwacht", "actual": "feitelijk",
    "tightens": "verscherpt", "remedy": "wat te doen", "hit_policy": "hit policy",
    "inputs": "invoer", "outputs": "uitkomst", "applies_when": "geldt als", "note": "toelichting",
    "row": "plaats", "needs": "nodig", "holds_when": "geldt als",
    "alternative_required": "alternatief verplicht", "ijw_reason": "iJw-reden",
    "forbidden": "verboden", "review": "te beoordelen", "valid_to": "geldig tot",
    "amount_3m": "bedrag per 3 maanden",
}
#: the lists of ``rule_changes``, in the order diff.html shows them
SECTIONS = ("codes", "tariffs", "tables", "rules", "grounds", "budget_ceilings")


def _euro(amount: Decimal | None) -> str | None:
    return None if amount is None else str(amount.quantize(Decimal("0.01")))


def _text(value: Any) -> Any:
    """A compared attribute as JSON: decimals as text, tuples as lists, None as None."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_text(v) for v in value]
    return value


def _words(cond: Cond | None) -> str | None:
    return None if cond is None else render_condition(cond)


def _change(old: dict[str, Any] | None, new: dict[str, Any] | None,
            fields: Sequence[str]) -> tuple[str, list[str]] | None:
    """added/removed/changed and the fields that differ; None when nothing differs."""
    if old is None and new is None:
        return None
    if old is None:
        return "added", []
    if new is None:
        return "removed", []
    differ = [f for f in fields if old[f] != new[f]]
    return ("changed", differ) if differ else None


def _by_id(old: Mapping[Any, Any], new: Mapping[Any, Any], record: Callable[[Any], dict[str, Any]],
           fields: Sequence[str], head: Callable[[Any], dict[str, Any]]) -> list[dict[str, Any]]:
    """Records keyed by id under both catalogues, compared field by field."""
    out = []
    for key in sorted(set(old) | set(new)):
        o = record(old[key]) if key in old else None
        n = record(new[key]) if key in new else None
        change = _change(o, n, fields)
        if change is not None:
            out.append({**head(new.get(key, old.get(key))), "change": change[0],
                        "fields": change[1], "old": o, "new": n})
    return out


# ---------------------------------------------------------------- codes and tariffs


def _code_record(code: Code) -> dict[str, Any]:
    rec = {f: _text(getattr(code, f)) for f in CODE_FIELDS}
    rec["norm"] = norm_text(code)
    return rec


def _codes(old: Catalogue, new: Catalogue) -> list[dict[str, Any]]:
    return _by_id(old.codes, new.codes, _code_record, CODE_FIELDS,
                  lambda c: {"code": c.id, "name": c.name})


def _boundaries(codes: Sequence[Code]) -> list[dt.date]:
    dates = {t.valid_from for c in codes for t in c.tariffs}
    dates |= {t.valid_to + DAY for c in codes for t in c.tariffs if t.valid_to is not None}
    return sorted(dates)


def _tariff_on(code: Code, on: dt.date) -> Decimal | None:
    for t in code.tariffs:
        if t.valid_from <= on and (t.valid_to is None or on <= t.valid_to):
            return t.amount
    return None


def _tariffs(old: Catalogue, new: Catalogue) -> list[dict[str, Any]]:
    """Per code in both catalogues, every stretch of dates on which the tariff per unit or per
    3-month treatment differs (adjacent stretches with the same figures joined)."""
    out: list[dict[str, Any]] = []
    for cid in sorted(set(old.codes) & set(new.codes)):
        oc, nc = old.codes[cid], new.codes[cid]
        starts = _boundaries((oc, nc))
        spans: list[dict[str, Any]] = []
        for i, start in enumerate(starts):
            end = starts[i + 1] - DAY if i + 1 < len(starts) else None
            o, n = _tariff_on(oc, start), _tariff_on(nc, start)
            o3 = three_months(oc, o).tariff_3m if o is not None else None
            n3 = three_months(nc, n).tariff_3m if n is not None else None
            if (o, o3) == (n, n3):
                continue
            last = spans[-1] if spans else None
            if last and last["_key"] == (o, n, o3, n3) and last["valid_to"] == (start - DAY).isoformat():
                last["valid_to"] = end.isoformat() if end else None
                continue
            change, pct, change_3m = tariff_change(o, n, o3, n3)
            spans.append({"_key": (o, n, o3, n3), "code": cid, "name": nc.name, "unit": nc.unit,
                          "unit_name": UNITS.get(nc.unit, nc.unit), "valid_from": start.isoformat(),
                          "valid_to": end.isoformat() if end else None,
                          "old": _euro(o), "new": _euro(n), "change": _euro(change),
                          "change_pct": None if pct is None else str(pct),
                          "old_3m": _euro(o3), "new_3m": _euro(n3), "change_3m": _euro(change_3m)})
        out.extend({k: v for k, v in s.items() if k != "_key"} for s in spans)
    return out


# ---------------------------------------------------------------- tables


def _outputs_words(outputs: dict[str, Any]) -> str:
    """A row's outputs in words, with the same renderer as its condition ('trede 3')."""
    parts = [render_condition(OneOf(f, tuple(v)) if isinstance(v, list) else Cmp(f, "eq", v))
             for f, v in outputs.items()]
    return ", ".join(parts)


def _row_record(row: ParsedRow) -> dict[str, Any]:
    return {"row": row.index + 1, "condition": render_condition(row.cond),
            "outputs": _outputs_words(row.outputs), "note": row.note}


def _row_key(row: ParsedRow) -> tuple[Any, ...]:
    return (row.cond, repr(sorted(row.outputs.items())), row.note)


def _row_change(o: ParsedRow | None, n: ParsedRow | None) -> dict[str, Any]:
    ro = _row_record(o) if o is not None else None
    rn = _row_record(n) if n is not None else None
    change = _change(ro, rn, ("condition", "outputs", "note"))
    kind, fields = change if change is not None else ("changed", ["row"])
    return {"change": kind, "fields": fields, "old": ro, "new": rn}


def _rows(old: Sequence[ParsedRow], new: Sequence[ParsedRow]) -> list[dict[str, Any]]:
    """Rows matched in order (a row that is the same in both is no change, wherever it stands);
    in a replaced stretch a row with the same condition, or else at the same place in a stretch
    of equal length, is changed; the rest is added or removed."""
    out: list[dict[str, Any]] = []
    matcher = difflib.SequenceMatcher(a=[_row_key(r) for r in old], b=[_row_key(r) for r in new],
                                      autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        olds, news = list(old[i1:i2]), list(new[j1:j2])
        if len(olds) == len(news):
            out.extend(_row_change(o, n) for o, n in zip(olds, news, strict=True))
            continue
        for o in list(olds):
            same = next((n for n in news if n.cond == o.cond), None)
            if same is not None:
                out.append(_row_change(o, same))
                olds.remove(o)
                news.remove(same)
        out.extend(_row_change(o, None) for o in olds)
        out.extend(_row_change(None, n) for n in news)
    out.sort(key=lambda r: (r["new"] or r["old"])["row"])
    return out


def _table_record(t: ParsedTable) -> dict[str, Any]:
    return {"name": t.table.name, "hit_policy": t.table.hit_policy, "inputs": list(t.table.inputs),
            "outputs": list(t.table.outputs), "applies_when": _words(t.applies_when),
            "basis": t.table.basis}


def _tables(old: Catalogue, new: Catalogue) -> list[dict[str, Any]]:
    o = {t.id: t for t in old.tables}
    n = {t.id: t for t in new.tables}
    out = []
    for tid in sorted(set(o) | set(n)):
        ro = _table_record(o[tid]) if tid in o else None
        rn = _table_record(n[tid]) if tid in n else None
        rows = _rows(o[tid].rows if tid in o else (), n[tid].rows if tid in n else ())
        change = _change(ro, rn, TABLE_FIELDS)
        if change is None and not rows:
            continue
        kind, fields = change if change is not None else ("changed", [])
        out.append({"table": tid, "name": (n.get(tid) or o[tid]).table.name, "change": kind,
                    "fields": fields, "old": ro, "new": rn, "rows": rows})
    return out


# ---------------------------------------------------------------- rules, grounds, ceilings


def _rule_record(p: ParsedRule) -> dict[str, Any]:
    r = p.rule
    return {"check": r.check, "severity": r.severity, "message": r.message,
            "condition": render_condition(p.cond), "basis": r.basis, "requires": list(r.requires),
            "expected": r.expected, "actual": r.actual, "tightens": r.tightens, "remedy": r.remedy,
            "_cond": p.cond}


def _rules(old: Catalogue, new: Catalogue) -> list[dict[str, Any]]:
    o = {p.id: p for p in old.rules}
    n = {p.id: p for p in new.rules}
    out = []
    for rid in sorted(set(o) | set(n)):
        ro = _rule_record(o[rid]) if rid in o else None
        rn = _rule_record(n[rid]) if rid in n else None
        # the condition is compared as a parsed tree: a rewording of the words is no change
        fields = [f for f in RULE_FIELDS if f != "condition"] + ["_cond"]
        change = _change(ro, rn, fields)
        if change is None:
            continue
        differ = ["condition" if f == "_cond" else f for f in change[1]]
        differ.sort(key=RULE_FIELDS.index)
        check = (rn or ro or {})["check"]
        out.append({"id": rid, "check": check, "check_title": CHECK_TITLES.get(check, check),
                    "change": change[0], "fields": differ,
                    "old": None if ro is None else {k: v for k, v in ro.items() if k != "_cond"},
                    "new": None if rn is None else {k: v for k, v in rn.items() if k != "_cond"}})
    return out


def _grounds(old: Catalogue, new: Catalogue) -> list[dict[str, Any]]:
    def record(p: Any) -> dict[str, Any]:
        g = p.ground
        rec = {f: _text(getattr(g, f)) for f in GROUND_FIELDS if f != "holds_when"}
        rec["holds_when"] = _words(p.holds_when)
        return rec

    return _by_id(old.grounds, new.grounds, record, GROUND_FIELDS,
                  lambda p: {"id": p.id, "name": p.ground.name})


def _ceilings(old: Catalogue, new: Catalogue) -> list[dict[str, Any]]:
    def keyed(cat: Catalogue) -> dict[tuple[str, str, str], BudgetCeiling]:
        return {(b.code, b.municipality or "", b.valid_from.isoformat()): b for b in cat.budget_ceilings}

    def record(b: BudgetCeiling) -> dict[str, Any]:
        return {"valid_to": b.valid_to.isoformat() if b.valid_to else None,
                "amount_3m": _euro(b.amount_3m), "basis": b.basis}

    return _by_id(keyed(old), keyed(new), record, CEILING_FIELDS,
                  lambda b: {"code": b.code, "municipality": b.municipality,
                             "valid_from": b.valid_from.isoformat()})


def rule_changes(old: Catalogue, new: Catalogue) -> dict[str, Any]:
    """The change from ``old`` to ``new`` (the ``rule_changes`` key of diff.json)."""
    out: dict[str, Any] = {
        "codes": _codes(old, new),
        "tariffs": _tariffs(old, new),
        "tables": _tables(old, new),
        "rules": _rules(old, new),
        "grounds": _grounds(old, new),
        "budget_ceilings": _ceilings(old, new),
    }
    # a changed table counts its changed rows, and itself when its own attributes changed
    out["total"] = (sum(len(out[k]) for k in SECTIONS if k != "tables")
                    + sum(len(t["rows"]) + bool(t["fields"]) if t["change"] == "changed" else 1
                          for t in out["tables"]))
    return out


__all__ = ["FIELD_WORDS", "SECTIONS", "rule_changes"]
