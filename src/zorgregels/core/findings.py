"""The findings of a batch as one table: one schema (the ``Finding`` of one case, plus where
it comes from) and one builder, for the columnar evaluator, the cross-decision checks and the
batch-wide checks alike.

Beside ``FINDING_COLUMNS`` a findings table carries the 0-based batch row (``INDEX``; null for
a batch-wide finding), ``seq`` (the engine's order of findings within one decision) and
``value_type`` (how ``expected``/``actual`` read back as the engine's values).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol, cast

import polars as pl

from zorgregels.catalogue.compile import CompiledRule
from zorgregels.core.exprs import INDEX
from zorgregels.core.results import FINDING_COLUMNS, Finding

Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True)
class Kind:
    """What a finding is: its rule id, check and severity (the same for one case and a batch)."""

    rule: str
    check: str
    severity: Severity
    #: what to do about it (a rule's ``remedy``); only a single case's finding carries it
    remedy: str | None = None

    def finding(self, *, message: str, basis: str, expected: Any = None, actual: Any = None,
                decision_id: str | None = None) -> Finding:
        """A finding of this kind for one case."""
        return Finding(rule=self.rule, check=self.check, severity=self.severity, message=message,
                       basis=basis, expected=expected, actual=actual, decision_id=decision_id,
                       remedy=self.remedy)


#: the engine's own findings (a rule file's findings are of the kind ``of_rule`` gives)
INVALID_VALUE = Kind("input.invalid_value", "input", "error",
                     "Corrigeer de waarde in de bron (het dossier of het bestand) zoals de melding "
                     "vraagt en toets het besluit opnieuw.")
MISSING_INPUTS = Kind("input.missing", "input", "error",
                      "Vul de genoemde gegevens aan in het dossier of het bestand en toets het "
                      "besluit opnieuw.")
MALFORMED_ROW = Kind("input.malformed_row", "input", "error",
                     "Herstel de regel in het bestand (kolommen, scheidingsteken, aanhalingstekens) "
                     "en lees het bestand opnieuw in.")
#: the engine's own kinds of finding, by rule id (a report finds a remedy by rule id)
ENGINE_KINDS: dict[str, Kind] = {k.rule: k for k in (INVALID_VALUE, MISSING_INPUTS, MALFORMED_ROW)}
#: what to do about a gap or a conflict in a table: it is the rules that need work
TABLE_REMEDY = ("Leg het besluit voor aan de beheerder van de regels: de tabel '{table}' moet "
                "voor dit geval precies een uitkomst geven; beoordeel het geval intussen zelf.")


class NamedTable(Protocol):
    """A table as a finding names it: a compiled table or the rule file's own."""

    @property
    def id(self) -> str: ...

    @property
    def name(self) -> str: ...


def table_gap(table: NamedTable) -> Kind:
    return Kind(f"{table.id}.no_rule_matched", "code_fit", "error", TABLE_REMEDY.format(table=table.name))


def table_conflict(table: NamedTable) -> Kind:
    return Kind(f"{table.id}.conflict", "code_fit", "error", TABLE_REMEDY.format(table=table.name))


def of_rule(rule: CompiledRule) -> Kind:
    # the loader checked the severity
    return Kind(rule.id, rule.check, cast(Severity, rule.severity), rule.remedy)

#: the engine's order of the findings of one decision: by kind, then by position
SEQ_MALFORMED = -1  # a row that could not be read at all
SEQ_INPUT = 0  # + the column's position
SEQ_TABLE = 1000  # + 2 x the table's position (+1: conflict)
SEQ_MISSING = 2000
SEQ_RULE = 3000  # + the rule's position
SEQ_CROSS = 5000  # + the cross-decision check's position

SCHEMA: dict[str, pl.DataType] = {
    INDEX: pl.Int64(), "seq": pl.Int64(),
    **{name: (pl.Int64() if name == "row" else pl.Utf8()) for name in FINDING_COLUMNS},
    "value_type": pl.Utf8(),
}


def _text(value: pl.Expr | str | None) -> pl.Expr:
    if isinstance(value, pl.Expr):
        return value
    return pl.lit(value, dtype=pl.Utf8)


def finding_exprs(kind: Kind, *, seq: int, message: pl.Expr | str, basis: str,
                  expected: pl.Expr | None = None,
                  actual: pl.Expr | None = None, value_type: str | None = None,
                  scope: pl.Expr | None = None) -> list[pl.Expr]:
    """The columns of ``SCHEMA`` for the rows of a frame that holds ``INDEX`` and
    ``decision_id``: ``frame.filter(mask).select(finding_exprs(...))`` gives one finding per
    row. ``source`` and ``row`` are left empty; ``locate`` fills them."""
    values: dict[str, pl.Expr] = {
        INDEX: pl.col(INDEX), "seq": pl.lit(seq, dtype=pl.Int64), "decision_id": pl.col("decision_id"),
        "rule": _text(kind.rule), "check": _text(kind.check), "severity": _text(kind.severity),
        "message": _text(message), "basis": _text(basis), "expected": _text(expected),
        "actual": _text(actual), "scope": _text(scope), "value_type": _text(value_type),
    }
    return [values[name].cast(dtype).alias(name) if name in values else pl.lit(None, dtype=dtype).alias(name)
            for name, dtype in SCHEMA.items()]


def locate(findings: pl.DataFrame, where: pl.DataFrame) -> pl.DataFrame:
    """Fill ``source`` and ``row`` from ``where`` (``INDEX``, ``source``, ``row`` per batch row)."""
    return (findings.drop("source", "row").join(where, on=INDEX, how="left", maintain_order="left")
            .select(list(SCHEMA)))


def findings_frame(records: Sequence[Mapping[str, Any]] = ()) -> pl.DataFrame:
    """Findings given as records (batch-wide findings; absent columns are empty)."""
    return pl.DataFrame([{name: r.get(name) for name in SCHEMA} for r in records], schema=SCHEMA)


def finding_value(value_type: str | None, text: str | None) -> Any:
    """``expected``/``actual`` of a findings table back to the engine's Python value (``display``)."""
    if text is None:
        return None
    if value_type == "int":
        return int(text)
    if value_type == "bool":
        return text == "True"
    return text


def findings_as_written(findings: pl.DataFrame) -> pl.DataFrame:
    """Findings as ``findings.jsonl`` holds them (validate's, and diff's appeared and disappeared):
    without the batch row, and a text field without a value as "" (never null), so a reader that
    infers types from the first lines (polars.read_ndjson, pandas) types it as text even where
    it is set only further on (``scope``; docs/outputs.md)."""
    out = findings.drop(INDEX) if INDEX in findings.columns else findings
    return out.with_columns(pl.col(pl.Utf8).fill_null(""))


__all__ = ["ENGINE_KINDS", "findings_as_written", "INVALID_VALUE", "MALFORMED_ROW", "MISSING_INPUTS", "SCHEMA", "Kind", "of_rule",
           "table_conflict", "table_gap", "SEQ_CROSS", "SEQ_INPUT", "SEQ_MALFORMED", "SEQ_MISSING", "SEQ_RULE",
           "SEQ_TABLE", "finding_exprs", "finding_value", "findings_frame", "locate"]
