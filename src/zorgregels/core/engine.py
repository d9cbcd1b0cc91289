"""The engine: evaluates one care question or decision with durable-rules and explains it."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property
from pathlib import Path
from typing import Any, Self

from pydantic import BaseModel

from zorgregels.catalogue.catalogue import Catalogue
from zorgregels.catalogue.compile import CompiledRule, CompiledRules, Stage, compile_catalogue
from zorgregels.catalogue.loader import load_catalogue
from zorgregels.catalogue.model import Code
from zorgregels.core.advice import ADVICE_DERIVATIONS, depends_on, judges_advice
from zorgregels.core.columnar import ColumnarEvaluator
from zorgregels.core.durable import DurableRuntime, Session, applies_key, row_key, rule_key
from zorgregels.core.facts import Parsed, derive, read_record, reference_date, to_fact
from zorgregels.core.findings import (
    INVALID_VALUE,
    MISSING_INPUTS,
    Kind,
    of_rule,
    table_conflict,
    table_gap,
)
from zorgregels.core.messages import (
    conflict_message,
    display,
    display_all,
    format_message,
    gap_message,
    invalid_value_message,
    missing_message,
)
from zorgregels.core.outcome import outcome_of
from zorgregels.core.privacy import mask_bsns_in, might_hold_bsn
from zorgregels.core.receipt import DecisionSealer, Versions
from zorgregels.core.results import (
    ADVICE_DEPENDS,
    ADVICE_STEP,
    NEEDS_DECISION,
    NO_ADVICE,
    Decision,
    Finding,
)
from zorgregels.core.semantics import INPUT_BASIS, apply_stage, missing_inputs, resolve_table
from zorgregels.core.tariffs import three_months
from zorgregels.diagnostics import InputError


class CoreEngine:
    """A region's catalogue, compiled, with its own durable-rules host: evaluates one case.

    The core knows no feature; ``zorgregels.Engine`` (``zorgregels.api``) adds the batch jobs.

    >>> engine = Engine.from_path("rules/")            # doctest: +SKIP
    >>> engine.evaluate({"domains": ["dyslexie"], ...}, as_of=date(2025, 3, 1))  # doctest: +SKIP
    """

    def __init__(self, catalogue: Catalogue):
        if not isinstance(catalogue, Catalogue):
            raise InputError(f"een engine wordt gebouwd uit een catalogus (load_catalogue of "
                             f"Engine.from_path), niet uit {type(catalogue).__name__}")
        self.catalogue = catalogue
        self.compiled: CompiledRules = compile_catalogue(catalogue)
        self._runtime = DurableRuntime(self.compiled, self._resolve)
        #: every receipt names the same versions and rules hash: their JSON is written once
        self._sealer = DecisionSealer(self._runtime.versions, catalogue.bundle_hash)
        #: the advised code's tariff and hours per 3 months, by code and tariff: exact fraction
        #: arithmetic that the catalogue fixes once (it never changes under an engine)
        self._advice_figures: dict[tuple[str, Decimal | None], tuple[str | None, str | None]] = {}
        #: the facts a care question's advised code adds (shown in the explanation)
        self._advice_facts = tuple(d.name for d in ADVICE_DERIVATIONS if d.name != "on_advice")
        # what every case reads of the catalogue, fixed once: its vocabulary, the durable key of
        # each table row, and each rule with its key, kind and what its trace step shows
        self._vocabulary = catalogue.vocabulary()
        self._read_memo: Parsed = {}  # read_record's texts, read with this vocabulary
        self._row_keys = {s.index: [(applies_key(s.index, ti), [(row_key(s.index, ti, r.index), r.index)
                                                                for r in t.rows])
                                    for ti, t in enumerate(s.tables)] for s in self.compiled.stages}
        last = len(self.compiled.stages) - 1
        self._rule_plan = tuple(_RulePlan.of(last, ri, rule)
                                for ri, rule in enumerate(self.compiled.stages[last].rules))

    @property
    def vocabulary(self) -> dict[str, set[str]]:
        """Closed vocabularies the catalogue adds to the record's fields (its domains)."""
        return self.catalogue.vocabulary()

    @classmethod
    def from_path(cls, path: str | os.PathLike[str]) -> Self:
        """The engine of the rule files in folder (or file) ``path``.

        Raises ``InputError`` for a ``path`` that is not a path (``None``, a number) and
        ``CatalogueError``, with every diagnostic, for rules that do not load.
        """
        if not isinstance(path, (str, os.PathLike)) or isinstance(path, bytes):
            raise InputError(f"de regels: een pad (str of Path) verwacht, niet {type(path).__name__}")
        return cls(load_catalogue(Path(path)))

    @cached_property
    def columnar(self) -> ColumnarEvaluator:
        """The batch evaluator of the same compiled rules (built once, on first use)."""
        return ColumnarEvaluator(self.compiled, self.catalogue)

    @property
    def versions(self) -> Versions:
        """zorgregels, durable-rules and rule-format versions, as every receipt names them."""
        return self._runtime.versions

    @property
    def rules_hash(self) -> str:
        return self.catalogue.bundle_hash

    # -------------------------------------------------------------- stage resolution

    def _resolve(self, stage_index: int, fact: dict[str, Any], hits: list[str],
                 session: Session) -> dict[str, Any] | None:
        stage: Stage = self.compiled.stages[stage_index]
        if not stage.tables:
            return None if stage_index == len(self.compiled.stages) - 1 else dict(fact)
        results = session.memo.setdefault("tables", [])
        hit_set = set(hits)
        resolved = []
        for table, (applies, rows) in zip(stage.tables, self._row_keys[stage_index], strict=True):
            matched = [index for key, index in rows if key in hit_set]
            res = resolve_table(table, fact, matched, applies in hit_set)
            res.stage = stage_index
            resolved.append(res)
        results += resolved
        return apply_stage(fact, resolved, self.catalogue)

    # -------------------------------------------------------------- evaluation

    def evaluate(self, case: Mapping[str, Any] | BaseModel,
                 as_of: dt.date | dt.datetime | str | None = None) -> Decision:
        """Evaluate one care question or decision record as of a reference date.

        The reference date is an argument, never "today": without ``as_of`` the record's own
        ``decision_date`` is used. ``as_of`` is a ``date``, a ``datetime`` (its day) or an ISO
        text ``JJJJ-MM-DD``. A ``case`` that is no mapping with text keys, or a bad ``as_of``,
        raises ``InputError``; bad values in the case are ``input`` findings.
        """
        if isinstance(case, BaseModel):
            raw = case.model_dump()
        elif isinstance(case, Mapping):
            raw = dict(case)
        else:
            raise InputError("een casus is een mapping van veld naar waarde (dict), "
                             f"niet {type(case).__name__}")
        odd = [k for k in raw if not isinstance(k, str)]
        if odd:
            raise InputError(f"een casus heeft tekst als veldnamen, niet {odd[0]!r}")
        day = reference_date(as_of) if as_of is not None else None
        typed, issues, _extra = read_record(raw, self._vocabulary, self._read_memo)
        if day is None:
            day = typed.get("decision_date")
            if day is None:
                raise InputError("geef een peildatum (as_of) of een decision_date in de casus")
        derived = derive(typed, self.catalogue, day)
        fact = to_fact({**typed, **derived})
        session = self._runtime.run(fact)
        decision = self._decision(session, typed, derived, fact, issues, day)
        # the result hash covers the decision as evaluate --json prints it, without the receipt,
        # after masking every BSN-looking value (a BSN in a decision id, a message, a fact);
        # the receipt completes the decision built just above (a copy would cost more than it).
        # The JSON is taken as the UTF-8 bytes pydantic writes (``model_dump_json`` decodes
        # them): the BSN test and the hash read bytes, so it is never decoded nor encoded again
        result_json = _to_json(decision, exclude=_NO_RECEIPT)
        # the rules hash closes the JSON and is kept as it is (its hex may hold nine digits)
        tail = f',"rules_hash":"{decision.rules_hash}"}}'.encode()
        if might_hold_bsn(result_json[:-len(tail)] if result_json.endswith(tail) else result_json):
            decision = Decision.model_validate(
                mask_bsns_in(decision.model_dump(exclude={"receipt"}), keep=("rules_hash",)))
            result_json = _to_json(decision, exclude=_NO_RECEIPT)
        decision.receipt = self._sealer(day, raw, result_json)
        return decision

    def _decision(self, session: Session, typed: dict[str, Any], derived: dict[str, Any],
                  fact: dict[str, Any], issues: list[Any], as_of: dt.date) -> Decision:
        last = len(self.compiled.stages) - 1
        final = session.facts[last]
        # the trace and the notes are plain dicts, validated once with the whole decision
        # (``Decision.model_validate``): a model per step cost a Python ``__init__`` each
        trace: list[dict[str, Any]] = []
        findings: list[Finding] = []
        decision_id = typed.get("decision_id")
        # every fact as a person reads it, once: a stage only adds facts, so a value the trace
        # shows is the final fact's own value (``is``) and its display form is this one
        shown = display_all(final)

        def show(name: str, value: Any) -> Any:
            return shown[name] if final.get(name, _ABSENT) is value else display(name, value)

        for issue in issues:
            findings.append(INVALID_VALUE.finding(
                message=invalid_value_message(issue.field, issue.message), basis=INPUT_BASIS,
                actual=_raw_text(issue.value), decision_id=decision_id))
            trace.append({"stage": 0, "kind": "input", "id": INVALID_VALUE.rule, "status": "fired",
                          "values": {issue.field: _raw_text(issue.value)}, "message": issue.message,
                          "basis": INPUT_BASIS})
        if derived:
            trace.append({
                "stage": 0, "kind": "derive", "id": "engine.derived_facts", "status": "derived",
                "name": "afgeleide feiten (leeftijd, termijnen, catalogusgegevens van de code)",
                "outputs": {k: show(k, fact[k]) for k in derived if k in fact},  # the fact form, once
                "basis": "domain.md §4-§5; Jeugdwet art. 1.1 (leeftijd)"})

        results = session.memo.get("tables", [])
        for res in results:
            t = res.table
            step: dict[str, Any] = {
                "stage": res.stage, "kind": "table", "id": t.id, "name": t.name, "status": res.status,
                "rows": [r + 1 for r in res.rows],
                "values": {k: show(k, v) for k, v in res.values.items()},
                "outputs": {k: show(k, v) for k, v in res.outputs.items()},
                "basis": t.basis, "source": f"{t.source.file}:{t.source.line}"}
            if res.rows and res.status in ("applied", "given"):
                notes = [t.rows[r].note for r in res.rows if t.rows[r].note]
                step["message"] = "; ".join(n for n in notes if n) or None
            trace.append(step)
            if res.status == "no_rule_matched":
                findings.append(table_gap(t).finding(
                    message=gap_message(t, res.values), basis=t.basis, decision_id=decision_id))
            elif res.status == "conflict":
                findings.append(table_conflict(t).finding(
                    message=conflict_message(t, res.rows), basis=t.basis, decision_id=decision_id))
        missing = missing_inputs(results, typed)
        if missing:
            findings.append(MISSING_INPUTS.finding(
                message=missing_message(missing), basis=INPUT_BASIS, decision_id=decision_id))

        if final.get("on_advice"):
            trace.append({
                "stage": last, "kind": "derive", "id": ADVICE_STEP, "status": "derived",
                "name": "het advies als te toetsen code (een zorgvraag heeft geen besloten code)",
                "outputs": {k: shown[k] for k in self._advice_facts if k in final},
                "basis": "Awb art. 3:2 (zorgvuldige voorbereiding: het advies wordt aan dezelfde regels getoetst als een besluit)"})

        fired = set(session.hits.get(last, []))
        lacked: list[tuple[CompiledRule, list[str]]] = []
        present = final.keys()
        for plan in self._rule_plan:
            rule = plan.rule
            if plan.key in fired:
                message = format_message(rule.message, final, plan.advice)
                findings.append(plan.kind.finding(
                    message=message, basis=rule.basis,
                    expected=shown.get(rule.expected) if rule.expected else None,
                    actual=shown.get(rule.actual) if rule.actual else None,
                    decision_id=decision_id))
                trace.append({
                    "stage": last, "kind": "rule", "id": rule.id, "status": "fired", "name": rule.check,
                    "values": {f: shown.get(f) for f in plan.reads},
                    "basis": rule.basis, "source": plan.source, "message": message})
            elif not present >= plan.requires:
                lacked.append((rule, [f for f in rule.requires if f not in final]))
        depends: list[str] = []
        not_evaluable: list[dict[str, Any]] = []
        care_question = "code" not in typed  # the rules of a decision do not apply to it
        no_advice = "on_advice" not in final
        reasons: dict[tuple[str, ...], str] = {}  # rules often lack the same facts
        for rule, lacking in lacked:
            reason = None
            if care_question:
                reason = reasons.get(key := tuple(lacking))
                if reason is None:
                    # without an advice, the advised code's facts are what the tables did not give
                    rest = [f for f in lacking if not (no_advice and f in self._advice_facts)]
                    roots = depends_on(rest, typed)
                    if roots:
                        reason = ADVICE_DEPENDS + ", ".join(roots)
                        depends += [r for r in roots if r not in depends]
                    else:
                        reason = NO_ADVICE if not rest else NEEDS_DECISION
                    reasons[key] = reason
            not_evaluable.append({"rule": rule.id, "check": rule.check, "missing": lacking,
                                  "reason": reason})

        outcome = outcome_of({"missing": bool(missing),
                              "conflict": any(r.status == "conflict" for r in results),
                              "gap": any(r.status == "no_rule_matched" for r in results)},
                             {f.severity for f in findings})

        advised = final.get("advised_code")
        code = self.catalogue.codes.get(advised) if advised else None
        level = code.level if code else final.get("level")
        tariff_3m = hours_3m = None
        if code is not None:
            t = self.catalogue.tariff_on(code.id, as_of)
            tariff_3m, hours_3m = self._figures(code, t.amount if t else None)
        return Decision.model_validate({
            "outcome": outcome,
            "as_of": as_of.isoformat(),
            "codes": list(final.get("allowed_codes", [])),
            "code": advised,
            "code_name": code.name if code else None,
            "level": level,
            "level_name": self.catalogue.ladder[level].name if level in self.catalogue.ladder else None,
            "perceel": code.perceel if code else final.get("advised_perceel"),
            "tariff_3m": tariff_3m,
            "hours_3m": hours_3m,
            "findings": findings,
            "missing": missing,
            "not_evaluable": not_evaluable,
            "depends_on": depends,
            "facts": {k: v for k, v in shown.items() if k != "bsn"},
            "trace": trace,
            "rules_hash": self.rules_hash,
        })


    def _figures(self, code: Code, amount: Decimal | None) -> tuple[str | None, str | None]:
        """Tariff and direct hours per 3 months of ``code`` at ``amount`` per unit, as text."""
        key = (code.id, amount)
        figures = self._advice_figures.get(key)
        if figures is None:
            tm = three_months(code, amount)
            figures = (str(tm.tariff_3m) if tm.tariff_3m is not None else None, _hours(tm.hours_3m))
            self._advice_figures[key] = figures
        return figures


@dataclass(frozen=True)
class _RulePlan:
    """A rule of the last stage as every case reads it: its durable key, its kind, whether it
    judges the advice, the fields its trace step shows and its source, worked out once."""

    rule: CompiledRule
    key: str
    kind: Kind
    advice: bool
    reads: tuple[str, ...]
    requires: frozenset[str]
    source: str

    @classmethod
    def of(cls, stage: int, index: int, rule: CompiledRule) -> _RulePlan:
        return cls(rule=rule, key=rule_key(stage, index), kind=of_rule(rule),
                   advice=judges_advice(rule),
                   reads=(*rule.requires, *(f for f in rule.reads if f not in rule.requires)),
                   requires=frozenset(rule.requires),
                   source=f"{rule.source.file}:{rule.source.line}")


_ABSENT = object()
#: ``Decision.model_dump_json`` without the decoding: the UTF-8 bytes pydantic writes
_to_json = Decision.__pydantic_serializer__.to_json
_NO_RECEIPT = {"receipt"}


def _raw_text(value: Any) -> str:
    """A bad input value as the export wrote it (a list as its ``;``-joined text)."""
    if isinstance(value, (list, tuple)):
        return ";".join(str(v) for v in value)
    return str(value)


def _hours(h: Decimal | None) -> str | None:
    if h is None:
        return None
    q = h.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return format(q.normalize(), "f") if q == q.to_integral_value() else str(q)
