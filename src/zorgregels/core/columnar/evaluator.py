"""The columnar evaluator: the same compiled rules as ``Engine.evaluate``, as polars expressions.

durable-rules stays the engine of record for one case and its explanation; a batch of a
million decisions needs the rules applied column-wise. Everything here is generated from
``CompiledRules`` (compile.py) and the condition tree (conditions.py), never from rule text.
Each meaning it applies is declared once, with its scalar form beside it, in the core:

* reading input: ``core.facts`` (``read_columns`` beside ``read_record``);
* derived facts: ``core.derived`` (every row as of its own decision date);
* conditions: ``core.exprs.cond_expr`` (two-valued, as ``conditions.holds``);
* hit policies, applying a stage, post-derivation, missing inputs: ``core.semantics``;
* the facts of a care question's advised code: ``core.advice``;
* messages: ``core.messages``; the outcome ladder: ``core.outcome``;
* the findings table: ``core.findings``.

``tests/test_conformance.py`` holds both paths to identical findings and outputs. All values
are in fact form (fields.py): dates as ordinals, money and decimals as integers scaled by 10**4.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

import polars as pl

from zorgregels.catalogue.catalogue import Catalogue
from zorgregels.catalogue.compile import CompiledRule, CompiledRules
from zorgregels.core.advice import derive_advice_columns
from zorgregels.core.columnar.findings import MISSING, batch_findings, fired_column, rule_flags
from zorgregels.core.derived import CodeTable, derive_columns
from zorgregels.core.exprs import INDEX
from zorgregels.core.facts import INPUT_SCRATCH, Parsed, read_columns
from zorgregels.core.outcome import Signal, outcome_expr, severity_flags
from zorgregels.core.results import NotEvaluable
from zorgregels.core.semantics import (
    TABLE_SCRATCH,
    TableColumns,
    apply_stage_exprs,
    post_derive_exprs,
    table_exprs,
)

#: slices evaluated side by side (``evaluate_parts``)
PARALLEL_SLICES = 2
#: bookkeeping columns that do not outlive ``evaluate``
SCRATCH = (*TABLE_SCRATCH, *INPUT_SCRATCH, "__fire_", "__status_", MISSING, "__has_")


@dataclass(frozen=True)
class ColumnarResult:
    """``rows``: one row per input row (``INDEX``), the final facts plus ``result`` (the
    engine's outcome: ok, error, incomplete, ...), ``finding_count``, ``advised_level`` and
    ``advised_code_perceel``; ``findings``: one row per finding (``core.findings.SCHEMA``), in
    the engine's order (``INDEX``, ``seq``); ``not_evaluable``: per rule that lacked a required
    fact in some rows, how many rows and which facts."""

    rows: pl.DataFrame
    findings: pl.DataFrame
    not_evaluable: list[NotEvaluable] = field(default_factory=list)


class ColumnarEvaluator:
    """A catalogue's compiled rules for batches. Pure: ``evaluate`` keeps nothing on ``self``
    between calls (the catalogue's constants are built once, here), so it is reentrant and
    holds no batch alive."""

    def __init__(self, compiled: CompiledRules, catalogue: Catalogue):
        self.compiled = compiled
        self.catalogue = catalogue
        self.code_table = CodeTable.of(catalogue)

    def evaluate(self, df: pl.DataFrame, as_of: dt.date | None = None, *,
                 keep: Sequence[str] | None = None, slice_rows: int | None = None) -> ColumnarResult:
        """Evaluate every row of a table of text columns; each row as of its own decision date
        (``as_of`` only for rows without one). ``keep``: only these columns of ``rows`` (besides
        ``INDEX``); ``slice_rows``: evaluate that many rows at a time (every check reads one row,
        so the result is the same; the wide fact table is then held for one slice only)."""
        step = slice_rows if slice_rows and slice_rows > 0 else max(df.height, 1)
        parts = [df] if df.height <= step else \
            (df.slice(start, step).rechunk() for start in range(0, df.height, step))
        return self.evaluate_parts(parts, as_of, keep=keep)

    def evaluate_parts(self, parts: Iterable[pl.DataFrame], as_of: dt.date | None = None, *,
                       keep: Sequence[str] | None = None) -> ColumnarResult:
        """``evaluate`` of the table whose consecutive slices ``parts`` are, one slice at a time
        (every check reads one row, so the result is the same as of the whole table; only one
        slice's wide table of facts is held at a time)."""
        rows_: list[pl.DataFrame] = []
        found: list[pl.DataFrame] = []
        total: dict[str, int] = {}
        start = 0
        memo: Parsed = {}  # a text parsed in one slice is not parsed again in the next

        def take(height: int, job: Future[tuple[pl.DataFrame, pl.DataFrame, dict[str, int]]]) -> None:
            nonlocal start
            rows, findings, counts = job.result()
            shift = pl.col(INDEX) + start
            rows_.append(rows.with_columns(shift) if start else rows)
            found.append(findings.with_columns(shift) if start else findings)
            for k, n in counts.items():
                total[k] = total.get(k, 0) + n
            start += height

        # two slices at a time: polars runs without the GIL, so one slice's Python (building
        # its expressions) overlaps the other's columns; results are taken in order
        with ThreadPoolExecutor(max_workers=PARALLEL_SLICES) as pool:
            pending: deque[tuple[int, Future[tuple[pl.DataFrame, pl.DataFrame, dict[str, int]]]]] = deque()
            for part in parts:
                pending.append((part.height, pool.submit(self._evaluate, part, as_of, keep, memo)))
                if len(pending) >= PARALLEL_SLICES:
                    take(*pending.popleft())
            while pending:
                take(*pending.popleft())
        return ColumnarResult(rows=pl.concat(rows_, how="vertical"), findings=pl.concat(found, how="vertical"),
                              not_evaluable=self._notes(total))

    def _evaluate(self, df: pl.DataFrame, as_of: dt.date | None, keep: Sequence[str] | None,
                  memo: Parsed) -> tuple[pl.DataFrame, pl.DataFrame, dict[str, int]]:
        inputs = read_columns(df, self.catalogue.vocabulary(), memo)
        facts = derive_columns(inputs.frame, self.catalogue, self.code_table, as_of)
        facts, tables = self._tables(facts)
        rules = self._rules()
        facts = facts.with_columns(rule_flags(rules))
        findings, missing = batch_findings(facts, inputs, tables, rules)
        rows = self._outcomes(facts, findings, missing, tables)
        counts = _lacking(rows, rules)
        wanted = [c for c in rows.columns if not c.startswith(SCRATCH)] if keep is None \
            else list(dict.fromkeys([INDEX, *keep]))
        return rows.select(wanted), findings, counts

    def _notes(self, counts: dict[str, int]) -> list[NotEvaluable]:
        """Per rule with ``requires``: the rows that lacked one of them, and which ones lacked."""
        notes = []
        for i, rule in enumerate(r for r in self._rules() if r.requires):
            if counts.get(str(i)):
                notes.append(NotEvaluable(
                    rule=rule.id, check=rule.check, rows=int(counts[str(i)]),
                    missing=[f for f in rule.requires if counts.get(f"?{f}")],
                    reason="ontbrekende gegevens: " + ", ".join(rule.requires)))
        return notes

    def _rules(self) -> tuple[CompiledRule, ...]:
        stages = self.compiled.stages
        if not stages or stages[-1].tables:
            raise ValueError("de laatste fase hoort de validatieregels te bevatten")
        return stages[-1].rules

    def _tables(self, facts: pl.DataFrame) -> tuple[pl.DataFrame, list[TableColumns]]:
        """Every table stage in order: match flags, status and outputs per table, the stage's
        outputs applied, then the post-derived facts and the advised code's (``apply_stage``)."""
        done: list[TableColumns] = []
        for stage in self.compiled.stages[:-1]:
            tables = [TableColumns(t, f"{stage.index}_{ti}") for ti, t in enumerate(stage.tables)]
            state: list[pl.Expr] = []
            applied: list[pl.Expr] = []
            for tc in tables:
                flags, st, out = table_exprs(tc)
                facts = facts.with_columns(flags)
                state += st
                applied += out
            facts = facts.with_columns(state).with_columns(applied)
            facts = facts.with_columns(apply_stage_exprs(tables))
            facts = facts.with_columns(post_derive_exprs(self.catalogue))
            facts = derive_advice_columns(facts, self.catalogue, self.code_table)
            done += tables
        return facts, done

    def _outcomes(self, facts: pl.DataFrame, findings: pl.DataFrame, missing: pl.DataFrame,
                  tables: list[TableColumns]) -> pl.DataFrame:
        c = pl.col
        per_row = findings.group_by(INDEX).agg(*severity_flags(),
                                               pl.len().cast(pl.Int64).alias("finding_count"))
        slim = (facts.select(INDEX).join(missing, on=INDEX, how="left", maintain_order="left")
                .join(per_row, on=INDEX, how="left", maintain_order="left")
                .with_columns(c("finding_count").fill_null(0)))
        df = facts.with_columns(slim.drop(INDEX).get_columns())
        status = [c(tc.status) for tc in tables]
        signals: dict[Signal, pl.Expr] = {
            "missing": c(MISSING).list.len() > 0,
            "conflict": pl.any_horizontal([s == "conflict" for s in status]) if status else pl.lit(False),
            "gap": pl.any_horizontal([s == "no_rule_matched" for s in status]) if status else pl.lit(False),
        }
        t = self.code_table
        advised = c("advised_code").replace_strict(t.index, default=None, return_dtype=pl.Int64)
        level = pl.lit(pl.Series(t.level, dtype=pl.Int64)).gather(advised)
        perceel = pl.lit(pl.Series(t.perceel, dtype=pl.Int64)).gather(advised)
        known = advised.is_not_null()
        return df.with_columns(
            outcome_expr(signals).alias("result"),
            pl.when(known).then(level).otherwise(c("level")).alias("advised_level"),
            pl.when(known).then(perceel).otherwise(c("advised_perceel")).alias("advised_code_perceel"))


def _lacking(rows: pl.DataFrame, rules: tuple[CompiledRule, ...]) -> dict[str, int]:
    """Per rule with ``requires`` (by its place among them): how many rows lacked one of them;
    per fact they require (``?name``): how many rows lacked it. Counts add up over slices."""
    c = pl.col
    needed = [r for r in rules if r.requires]
    if not needed or rows.is_empty():
        return {}
    lacking = list(dict.fromkeys(f for r in needed for f in r.requires))
    counts = rows.select(
        *[pl.any_horizontal([c(f).is_null() for f in r.requires]).sum().alias(str(i))
          for i, r in enumerate(needed)],
        *[c(f).is_null().sum().alias(f"?{f}") for f in lacking]).row(0, named=True)
    return {k: int(v) for k, v in counts.items()}


__all__ = ["ColumnarEvaluator", "ColumnarResult", "fired_column"]
