"""The meaning every backend shares: how a table's hit policy resolves matched rows, the facts
that follow from a table's output, how a message template is filled, and what a fact value
looks like to a person. durable-rules (``core.engine``) and the columnar evaluator
(``core.columnar``) both use these; neither has its own copy.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from zorgregels.catalogue.catalogue import Catalogue
from zorgregels.catalogue.compile import CompiledTable
from zorgregels.catalogue.conditions import fields_of, from_fact_value
from zorgregels.catalogue.fields import FIELDS

INPUT_BASIS = "Awb art. 3:2 (zorgvuldige voorbereiding: de feiten moeten vaststaan)"
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def display(name: str, value: Any) -> Any:
    if value is None:
        return None
    f = FIELDS.get(name)
    if f is None:
        return value
    return from_fact_value(f, value)


def format_message(template: str, fact: Mapping[str, Any]) -> str:
    def sub(m: re.Match[str]) -> str:
        v = display(m.group(1), fact.get(m.group(1)))
        if v is None:
            return "(leeg)"
        if isinstance(v, bool):
            return "ja" if v else "nee"
        return ", ".join(map(str, v)) if isinstance(v, list) else str(v)

    return _PLACEHOLDER.sub(sub, template)


@dataclass
class TableResult:
    table: CompiledTable
    stage: int
    status: str  # applied, given, skipped, missing, no_rule_matched, conflict
    rows: list[int] = field(default_factory=list)  # 0-based matched rows
    outputs: dict[str, Any] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)


def resolve_table(table: CompiledTable, fact: dict[str, Any], matched: list[int],
                  applies: bool) -> TableResult:
    """Apply a table's hit policy to the rows durable-rules matched (or any backend matched).

    Shared by every backend: the hit policy and the "never overwrite a given value" rule are
    meaning, not matching.
    """
    reads = list(table.inputs)
    if table.applies_when is not None:
        reads += [f for f in fields_of(table.applies_when) if f not in reads]
    values = {f: fact.get(f) for f in reads}
    res = TableResult(table, 0, "applied", values=values)
    missing = [f for f in table.inputs if f not in fact]
    if missing:
        res.status, res.missing = "missing", missing
        return res
    if not applies:
        res.status = "skipped"
        return res
    rows = sorted(matched)
    res.rows = rows
    if not rows:
        res.status = "no_rule_matched"
        return res
    by_index = {r.index: r for r in table.rows}
    if table.hit_policy == "first":
        outputs = dict(by_index[rows[0]].outputs)
        res.rows = rows[:1]
    else:
        outputs = {}
        for o in table.outputs:
            vals = [by_index[r].outputs[o] for r in rows]
            if table.hit_policy == "collect" and all(isinstance(v, list) for v in vals):
                merged: list[Any] = []
                for v in vals:
                    merged += [x for x in v if x not in merged]
                outputs[o] = merged
            elif all(v == vals[0] for v in vals):
                outputs[o] = vals[0]
            else:
                res.status = "conflict"
                return res
    given = {o: fact[o] for o in outputs if o in fact}
    res.outputs = {o: v for o, v in outputs.items() if o not in given}
    if given and not res.outputs:
        res.status = "given"
    return res


def post_derive(fact: dict[str, Any], catalogue: Catalogue) -> dict[str, Any]:
    """Facts that follow directly from a table's output (advised perceel; decided code allowed)."""
    extra: dict[str, Any] = {}
    if "level" in fact and "advised_perceel" not in fact:
        p = catalogue.perceel_of_level(fact["level"])
        if p is not None:
            extra["advised_perceel"] = p
    if "allowed_codes" in fact and "code" in fact and "code_allowed" not in fact:
        extra["code_allowed"] = fact["code"] in fact["allowed_codes"]
    return extra


