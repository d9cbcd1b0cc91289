"""The outcome ladder, declared once: incomplete > conflict > no_rule_matched > error >
warning > ok. A decision takes the first rung that holds for it.

The scalar form (``outcome_of``) gives one case's ``Decision.outcome``; the expression form
(``outcome_expr``) the same for every row of a batch; a batch's verdict per decision
(``verdict_of`` / ``verdict_expr``: ok, warning, error, incomplete) is the same ladder read
through each rung's ``verdict`` (a conflict or a gap in the tables is an error there, and always
comes with an error finding).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Literal, get_args

import polars as pl

from zorgregels.core.results import OUTCOME_LABELS, Outcome

Verdict = Literal["ok", "warning", "error", "incomplete"]
#: the verdicts in Dutch (reports); the English value stays the key in every file
VERDICT_LABELS: dict[str, str] = {v: OUTCOME_LABELS[v] for v in get_args(Verdict)}
#: a state of the evaluation itself: inputs the tables lacked, a table conflict, a table gap
Signal = Literal["missing", "conflict", "gap"]
Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True)
class Rung:
    """One rung: its outcome, what a batch verdict calls it, and what puts a decision on it
    (a signal of the evaluation, a finding of a severity, or nothing: the floor)."""

    outcome: Outcome
    verdict: Verdict
    signal: Signal | None = None
    severity: Severity | None = None


LADDER: tuple[Rung, ...] = (
    Rung("incomplete", "incomplete", signal="missing"),
    Rung("conflict", "error", signal="conflict"),
    Rung("no_rule_matched", "error", signal="gap"),
    Rung("error", "error", severity="error"),
    Rung("warning", "warning", severity="warning"),
    Rung("ok", "ok"),  # the floor: the last rung holds always
)
assert all(r.signal or r.severity for r in LADDER[:-1]) and not (LADDER[-1].signal or LADDER[-1].severity)

#: the severities that decide a rung (an info finding never does)
RANKED_SEVERITIES: tuple[Severity, ...] = tuple(r.severity for r in LADDER if r.severity is not None)


def _rung(signals: Mapping[Signal, bool], severities: Collection[str]) -> Rung:
    for rung in LADDER[:-1]:
        if rung.signal is not None and signals.get(rung.signal, False):
            return rung
        if rung.severity is not None and rung.severity in severities:
            return rung
    return LADDER[-1]


def outcome_of(signals: Mapping[Signal, bool], severities: Collection[str]) -> Outcome:
    """One case: ``signals`` of the evaluation and the severities of its findings."""
    return _rung(signals, severities).outcome


def verdict_of(signals: Mapping[Signal, bool], severities: Collection[str]) -> Verdict:
    return _rung(signals, severities).verdict


def has_severity(severity: str) -> str:
    """The column that says a row has a finding of ``severity`` (see ``severity_flags``)."""
    return f"__has_{severity}"


def severity_flags(column: str = "severity") -> list[pl.Expr]:
    """Aggregations over a row's findings: one flag per ranked severity."""
    return [(pl.col(column) == s).any().alias(has_severity(s)) for s in RANKED_SEVERITIES]


def _ladder_expr(signals: Mapping[Signal, pl.Expr], pick: Literal["outcome", "verdict"]) -> pl.Expr:
    """The first rung that holds, per row; a severity rung reads ``has_severity`` columns."""
    expr = pl.lit(getattr(LADDER[-1], pick))
    for rung in reversed(LADDER[:-1]):
        if rung.signal is not None:
            holds = signals[rung.signal].fill_null(False)
        else:
            assert rung.severity is not None
            holds = pl.col(has_severity(rung.severity)).fill_null(False)
        expr = pl.when(holds).then(pl.lit(getattr(rung, pick))).otherwise(expr)
    return expr


def outcome_expr(signals: Mapping[Signal, pl.Expr]) -> pl.Expr:
    """``outcome_of`` per row of a batch (with ``has_severity`` columns present)."""
    return _ladder_expr(signals, "outcome")


def verdict_expr(signals: Mapping[Signal, pl.Expr]) -> pl.Expr:
    """``verdict_of`` per row of a batch (with ``has_severity`` columns present)."""
    return _ladder_expr(signals, "verdict")


__all__ = ["LADDER", "RANKED_SEVERITIES", "Rung", "Signal", "Verdict", "has_severity",
           "outcome_expr", "outcome_of", "severity_flags", "verdict_expr", "verdict_of"]
