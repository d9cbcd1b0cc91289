"""A care question's advice, judged as a code (issue 10, "advice carries its conditions").

A care question has no decided ``code``. Once the allocation tables advise one, the facts of
the advised code are derived by the very declarations that give a decided code's facts
(``ADVICE_DERIVATIONS``), so every rule that reads them judges the advice: no rule
is copied. Both evaluators apply it after each table stage (``core.semantics.apply_stage`` for
one case, the columnar evaluator for a batch), side by side here.

What the advice cannot make judgeable (a rule that needs the decision itself: its date, code,
tariff, volume, provider) stays not evaluable; ``depends_on`` separates those from the facts
the care question left out that would change the findings on the advice.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl

from zorgregels.catalogue.catalogue import Catalogue
from zorgregels.catalogue.compile import CompiledRule
from zorgregels.catalogue.fields import DECISION_FACTS, FIELDS
from zorgregels.core.derived import (
    DERIVATIONS,
    BatchBasis,
    CaseBasis,
    CodeTable,
    Derivation,
    layer_exprs,
    layers,
)

#: Facts of the code alone (a ``Derivation`` of ``core.derived`` that reads nothing but the
#: decided code: its level, perceel, unit, category, ...). A care question has no decided code:
#: once the tables advise one, these same derivations give the facts of the advised code, so the
#: rules that read them judge the advice (a self-referral to individual help, an advised
#: out-of-home level without a verklarende analyse, ...) with no second copy of any rule.
CODE_ATTRIBUTES: tuple[Derivation, ...] = tuple(d for d in DERIVATIONS if d.reads == ("__code",))

#: What the advice adds to a care question, in order: the advised code's attributes, the
#: perceel it would be decided in (a perceel the record gives is kept) and ``on_advice``, the
#: mark that the code facts are those of the advice (messages then speak of "het advies").
ADVICE_DERIVATIONS: tuple[Derivation, ...] = (
    *CODE_ATTRIBUTES,
    Derivation("perceel", ("code_perceel",), lambda v, b: v.get("code_perceel"),
               lambda b: pl.col("code_perceel"), given_wins=True),
    Derivation("on_advice", ("__code",), lambda v, b: True, lambda b: pl.lit(True)),
)
ADVICE_LAYERS = layers(ADVICE_DERIVATIONS)
#: the facts the advised code gives a care question
ADVICE_FACTS = frozenset(d.name for d in ADVICE_DERIVATIONS) - {"on_advice"}


def judges_advice(rule: CompiledRule) -> bool:
    """The rule reads a fact of the advised code: on a care question its finding is one about
    the advice (the message says so). A rule that reads none (the age, an input field) judges
    the care question itself, as it judges a decision."""
    return any(f in ADVICE_FACTS for f in (*rule.requires, *rule.reads))


def _advised(fact: Mapping[str, Any], catalogue: Catalogue) -> Any:
    """The advised code a care question is judged on: only without a decided code, once."""
    if "code" in fact or "on_advice" in fact or "advised_code" not in fact:
        return None
    return catalogue.codes.get(fact["advised_code"])


def derive_advice(fact: Mapping[str, Any], catalogue: Catalogue) -> dict[str, Any]:
    """The facts of the advised code for a care question (no decided ``code``), from the same
    declarations as the decided code's: empty for a decision, or before the tables advise.
    The values of a code's attributes are the same typed and in fact form (ints and text)."""
    code = _advised(fact, catalogue)
    if code is None:
        return {}
    basis = CaseBasis(catalogue, None)
    values = {**fact, "__code": code}
    derived: dict[str, Any] = {}
    for d in ADVICE_DERIVATIONS:
        if d.given_wins and d.name in fact:
            continue
        value = d.scalar(values, basis)
        if value is not None:
            values[d.name] = derived[d.name] = value
    return derived


def derive_advice_columns(frame: pl.DataFrame, catalogue: Catalogue,
                          table: CodeTable) -> pl.DataFrame:
    """``derive_advice`` for a batch: on the rows without a decided code whose advice is new,
    the same expressions gather from the advised code."""
    c = pl.col
    advised = c("advised_code").replace_strict(table.index, default=None, return_dtype=pl.Int64)
    applies = c("code").is_null() & c("on_advice").is_null() & advised.is_not_null()
    frame = frame.with_columns(pl.when(applies).then(advised).alias("__code"),
                               applies.alias("__advice"))
    for layer in ADVICE_LAYERS:
        basis = BatchBasis(catalogue, table, None, frame)
        frame = frame.with_columns(pl.when(c("__advice")).then(e).otherwise(c(name)).alias(name)
                                   for name, e in layer_exprs(layer, basis))
    return frame.drop("__code", "__advice")


# ------------------------------------------------------------------ what the advice depends on


def of_decision(name: str) -> bool:
    """A fact only a decision has (``DECISION_FACTS``), or derived from one or from the decided
    code: a rule that lacks it cannot judge an advice."""
    f = FIELDS[name]
    if name in DECISION_FACTS:
        return True
    return f.derived and (not f.sources or any(s in DECISION_FACTS for s in f.sources))


def depends_on(lacking: Sequence[str], given: Mapping[str, Any]) -> list[str]:
    """The facts of the care question whose absence left a rule about the advice untested, in
    order: a derived fact is named by the sources it is computed from (those not ``given``).
    Empty when the rule needs the decision itself."""
    if any(of_decision(f) for f in lacking):
        return []
    roots: list[str] = []
    for f in lacking:
        roots += [r for r in ([s for s in FIELDS[f].sources if s not in given] or [f])
                  if r not in roots]
    return roots


__all__ = ["ADVICE_DERIVATIONS", "ADVICE_FACTS", "CODE_ATTRIBUTES", "depends_on", "derive_advice", "derive_advice_columns", "judges_advice", "of_decision"]
