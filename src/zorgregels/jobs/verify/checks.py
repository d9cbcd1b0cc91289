"""The checks of the verifier: gaps, overlaps, shadowed and dead rows, dead columns, unreachable
codes and tariff gaps, each with a witness."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from pathlib import Path
from typing import Any

import zorgregels.jobs.verify.domains as value_domains
from zorgregels.catalogue.catalogue import Catalogue
from zorgregels.catalogue.compile import (
    CompiledRow,
    CompiledTable,
    compile_catalogue,
)
from zorgregels.catalogue.conditions import (
    All,
    Cond,
    describe,
    holds,
)
from zorgregels.core.messages import display
from zorgregels.core.semantics import TableResult
from zorgregels.diagnostics import Diagnostic
from zorgregels.jobs.verify.analysis import (
    Seen,
    TableAnalysis,
    analyse,
    evaluate_many,
    local_product,
    tuple_lists,
)
from zorgregels.jobs.verify.domains import Domains, cond_fields, show_value

# ---------------------------------------------------------------- the checks


class _Lines:
    """Line of a table's ``inputs`` entry, found in the file text below the table's own line
    (re-parsing the YAML with positions would cost more than the whole verification)."""

    def __init__(self) -> None:
        self._files: dict[str, list[str]] = {}

    def input_line(self, file: str, table_line: int | None, j: int) -> int | None:
        if table_line is None:
            return None
        if file not in self._files:
            p = Path(file)
            self._files[file] = p.read_text(encoding="utf-8").splitlines() if p.is_file() else []
        lines = self._files[file]
        for n in range(table_line - 1, len(lines)):
            text = lines[n].split("#", 1)[0]
            if n > table_line - 1 and text.lstrip().startswith("- id:"):
                return None  # the next table
            if re.match(r"^\s*(- )?inputs:", text):
                if "[" in text:
                    return n + 1
                items = [m for m in range(n + 1, len(lines)) if lines[m].strip().startswith("- ")]
                return items[j] + 1 if j < len(items) else n + 1
        return None


def _input_text(values: dict[str, Any], names: list[str]) -> str:
    return ", ".join(f"{n}={show_value(n, values.get(n))}" for n in names)


def _witness_input(values: dict[str, Any], names: list[str]) -> dict[str, Any]:
    return {n: display(n, list(values[n]) if isinstance(values.get(n), tuple) else values.get(n))
            for n in names}


def _origin_text(seen: Seen, reads: list[str]) -> str:
    extra = [f for f in seen.origin if f not in reads and seen.origin[f] is not None]
    if not extra:
        return ""
    return " (bijvoorbeeld bij invoer " + _input_text(seen.origin, sorted(extra)) + ")"


def _row_label(t: CompiledTable, r: CompiledRow) -> str:
    return f"rij {r.index + 1} (regel {r.source.line})"


def _outputs_text(r: CompiledRow) -> str:
    return ", ".join(f"{k}={show_value(k, v)}" for k, v in r.outputs.items())


def _conjuncts(cond: Cond) -> list[Cond]:
    if isinstance(cond, All):
        out: list[Cond] = []
        for c in cond.items:
            out += _conjuncts(c)
        return out
    return [cond]


def _unsat_core(cond: Cond, facts: list[dict[str, Any]]) -> list[Cond]:
    """A smallest-by-deletion set of conjuncts that no representative input satisfies."""
    core = _conjuncts(cond)
    i = 0
    while i < len(core) and len(core) > 1:
        trial = core[:i] + core[i + 1:]
        if not any(all(holds(c, f) for c in trial) for f in facts):
            core = trial
        else:
            i += 1
    return core


def _signature(res: TableResult) -> tuple[Any, ...]:
    return (res.status, tuple(sorted(tuple_lists(res.outputs).items())))


def verify_tables(cat: Catalogue) -> tuple[list[Diagnostic], dict[str, TableAnalysis]]:
    compiled = compile_catalogue(cat)
    tables = [t for s in compiled.stages for t in s.tables]
    domains = Domains(cat, tables)
    analyses = analyse(cat, tables, domains)
    lines = _Lines()
    diags: list[Diagnostic] = []
    for t in tables:
        ta = analyses.get(t.id)
        if ta is None:
            continue
        if ta.too_large:
            diags.append(Diagnostic(
                code="verify.too_large", severity="info", file=t.source.file, line=t.source.line,
                rule=t.id, message=f"tabel {t.id}: te veel invoercombinaties om volledig na te gaan "
                f"(meer dan {value_domains.MAX_STATES}); deze en latere tabellen zijn niet geverifieerd"))
            break
        diags += _check_table(t, ta, domains, lines)
    return diags, analyses


def _check_table(t: CompiledTable, ta: TableAnalysis, domains: Domains, lines: _Lines) -> list[Diagnostic]:
    diags: list[Diagnostic] = []
    by_index = {r.index: r for r in t.rows}
    consulted = [s for s in ta.seen.values() if s.result.status not in ("missing", "skipped")]
    shown = list(t.inputs)

    # gaps: input the table can receive on which no row matches
    gaps = [s for s in consulted if s.result.status == "no_rule_matched"]
    if gaps:
        first = gaps[0]
        more = "; ".join(_input_text(s.fact, shown) for s in gaps[1:4])
        tail = f". Ook: {more}" + (f" en nog {len(gaps) - 4}" if len(gaps) > 4 else "") if more else ""
        diags.append(Diagnostic(
            code="table.gap", severity="error", file=t.source.file, line=t.source.line, rule=t.id,
            message=f"tabel {t.id}: geen rij past bij {_input_text(first.fact, shown)}"
            f"{_origin_text(first, ta.reads)}; {len(gaps)} invoercombinatie(s) zonder uitkomst{tail}",
            witness={"input": _witness_input(first.fact, shown),
                     "full_input": _witness_input(first.origin, sorted(first.origin)),
                     "count": len(gaps)}))

    # overlaps under unique: two rows, one input, different outputs
    if t.hit_policy == "unique":
        pairs: dict[tuple[int, int], Seen] = {}
        for s in consulted:
            for a, b in itertools.combinations(s.matched, 2):
                if by_index[a].outputs != by_index[b].outputs and (a, b) not in pairs:
                    pairs[(a, b)] = s
        for (a, b), s in sorted(pairs.items()):
            ra, rb = by_index[a], by_index[b]
            diags.append(Diagnostic(
                code="table.overlap", severity="error", file=rb.source.file, line=rb.source.line,
                rule=t.id, message=f"tabel {t.id} (unique): {_row_label(t, ra)} en {_row_label(t, rb)} "
                f"passen allebei bij {_input_text(s.fact, shown)}{_origin_text(s, ta.reads)} maar geven "
                f"verschillende uitkomsten ({_outputs_text(ra)} tegenover {_outputs_text(rb)})",
                witness={"rows": [a + 1, b + 1], "input": _witness_input(s.fact, shown),
                         "full_input": _witness_input(s.origin, sorted(s.origin))}))

    hits: dict[int, list[Seen]] = {r.index: [] for r in t.rows}
    for s in consulted:
        for m in s.matched:
            hits[m].append(s)

    # rows no input reaches: contradictory, or excluded by applies_when and the tables before
    never: set[int] = set()
    for r in t.rows:
        if hits[r.index]:
            continue
        never.add(r.index)
        fields = sorted(cond_fields(r.cond)) or list(t.inputs)
        applies_fields = sorted(cond_fields(t.applies_when)) if t.applies_when is not None else []
        facts = local_product(t, domains, fields + [f for f in applies_fields if f not in fields]) or []
        sats = [f for f in facts if holds(r.cond, f)]
        witness: dict[str, Any]
        if not sats:
            core = _unsat_core(r.cond, facts)
            why = " en ".join(describe(c) for c in core)
            msg = (f"tabel {t.id} {_row_label(t, r)} vuurt nooit: de voorwaarden spreken elkaar "
                   f"tegen ({why} kan voor geen enkele invoer tegelijk gelden)")
            witness = {"contradiction": [describe(c) for c in core]}
        else:
            consulted_sats = [f for f in sats if t.applies_when is None or holds(t.applies_when, f)]
            if t.applies_when is not None and not consulted_sats:
                sat = sats[0]
                reason = (f"de tabel wordt alleen geraadpleegd als {describe(t.applies_when)}, en "
                          "dan past de rij nooit")
            else:
                sat = consulted_sats[0]
                upstream = [f for f in fields if f in domains.writers]
                reason = ("de tabellen ervoor geven deze combinatie nooit"
                          + (f" (zij bepalen {', '.join(upstream)})" if upstream else ""))
            msg = (f"tabel {t.id} {_row_label(t, r)} vuurt nooit: {_input_text(sat, fields)} past wel "
                   f"bij de rij, maar komt bij deze tabel nooit voor: {reason}")
            witness = {"unreachable_input": _witness_input(sat, fields)}
        diags.append(Diagnostic(code="table.row_never_fires", severity="warning", file=r.source.file,
                                line=r.source.line, rule=t.id, message=msg, witness=witness))

    # rows shadowed under first: reachable, but an earlier row always catches the input
    shadowed: set[int] = set()
    if t.hit_policy == "first":
        for r in t.rows:
            hs = hits[r.index]
            if not hs or any(s.matched[0] == r.index for s in hs):
                continue
            shadowed.add(r.index)
            catchers = sorted({s.matched[0] for s in hs})
            s = hs[0]
            catcher_text = ", ".join(_row_label(t, by_index[c]) for c in catchers)
            diags.append(Diagnostic(
                code="table.shadowed_row", severity="warning", file=r.source.file, line=r.source.line,
                rule=t.id, message=f"tabel {t.id} (first) {_row_label(t, r)} wordt nooit gebruikt: elke "
                f"invoer waarop de rij past, vangt eerder {catcher_text} al af; bijvoorbeeld "
                f"{_input_text(s.fact, shown)} gaat naar {_row_label(t, by_index[s.matched[0]])}",
                witness={"row": r.index + 1, "caught_by": [c + 1 for c in catchers],
                         "input": _witness_input(s.fact, shown)}))

    # columns that decide nothing: changing the input never changes the table's result
    product = local_product(t, domains, ta.reads)
    if product is not None:
        results = [(f, _signature(res)) for f, (res, _) in zip(product, evaluate_many(t, product))]
        for j, col in enumerate(t.inputs):
            groups: dict[tuple[Any, ...], set[Any]] = {}
            example: dict[tuple[Any, ...], dict[str, Any]] = {}
            for f, sig in results:
                k = tuple(f.get(x) for x in ta.reads if x != col)
                groups.setdefault(k, set()).add(sig)
                example.setdefault(k, f)
            if any(len(v) > 1 for v in groups.values()):
                continue
            mentioned = any(col in cond_fields(r.cond) for r in t.rows)
            tried = ", ".join(v.label for v in domains.values(col, False))
            some = next(iter(example.values()))
            why = ("geen rij noemt deze kolom" if not mentioned else
                   "de rijen die de kolom noemen geven voor elke waarde dezelfde uitkomst")
            line = lines.input_line(t.source.file, t.source.line, j) or t.source.line
            diags.append(Diagnostic(
                code="table.dead_column", severity="warning", file=t.source.file, line=line,
                rule=t.id, message=f"tabel {t.id}: kolom {col} beslist niets ({why}); bij "
                f"{_input_text(some, [x for x in t.inputs if x != col])} geeft elke waarde van {col} "
                f"({tried}) dezelfde uitkomst",
                witness={"column": col, "input": _witness_input(some, [x for x in t.inputs if x != col]),
                         "values": [v.label for v in domains.values(col, False)]}))
    ta.effective = _effective_rows(t, consulted)
    return diags


def _effective_rows(t: CompiledTable, consulted: list[Seen]) -> set[int]:
    """Rows whose outputs become a result on some input the table can receive."""
    out: set[int] = set()
    for s in consulted:
        if s.result.status in ("applied", "given") and s.matched:
            out |= {s.matched[0]} if t.hit_policy == "first" else set(s.matched)
    return out


def verify_codes(cat: Catalogue, analyses: dict[str, TableAnalysis]) -> list[Diagnostic]:
    """Codes no table can reach: in no row's outputs, or only in rows that never take effect."""
    anywhere: dict[str, list[tuple[str, int, int | None]]] = {}  # code -> (table, row, line)
    reached: set[str] = set()
    for t in cat.tables:
        a = analyses.get(t.id)  # a table not analysed (too large) reaches every code it names
        for r in t.rows:
            for o, v in r.outputs.items():
                if o not in ("advised_code", "allowed_codes"):
                    continue
                for c in (v if isinstance(v, list) else [v]):
                    rows = anywhere.setdefault(c, [])
                    if (t.id, r.index, r.source.line) not in rows:
                        rows.append((t.id, r.index, r.source.line))
                    if a is None or a.effective is None or r.index in a.effective:
                        reached.add(c)
    diags = []
    for cid in cat.codes:
        if cid in reached:
            continue
        src = cat.sources.get(f"code:{cid}")
        if cid in anywhere:
            where = ", ".join(f"tabel {t} rij {i + 1} (regel {line})" for t, i, line in anywhere[cid])
            msg = (f"code {cid} is door geen tabel te bereiken: hij staat alleen in {where}, en die "
                   "rij(en) geven nooit een uitkomst")
            witness = {"code": cid, "rows": [f"{t}:{i + 1}" for t, i, _ in anywhere[cid]]}
        else:
            msg = f"code {cid} staat in de uitvoer van geen enkele tabelrij; geen zorgvraag leidt tot deze code"
            witness = {"code": cid, "rows": []}
        diags.append(Diagnostic(code="code.unreachable", severity="warning",
                                file=src.file if src else None, line=src.line if src else None,
                                rule=cid, message=msg, witness=witness))
    return diags


def tariff_gaps(cat: Catalogue) -> list[Diagnostic]:
    """Dates inside the contract period on which a code has no tariff."""
    start, end = cat.region.contract_from, cat.region.contract_to
    if start is None or end is None:
        return []
    diags = []
    for cid, code in cat.codes.items():
        gaps: list[tuple[dt.date, dt.date]] = []
        cursor = start
        for t in sorted(code.tariffs, key=lambda t: t.valid_from):
            if t.valid_from > cursor:
                gaps.append((cursor, min(end, t.valid_from - dt.timedelta(days=1))))
            if t.valid_to is None:
                cursor = end + dt.timedelta(days=1)
            else:
                cursor = max(cursor, t.valid_to + dt.timedelta(days=1))
            if cursor > end:
                break
        if cursor <= end:
            gaps.append((cursor, end))
        gaps = [(a, b) for a, b in gaps if a <= b and a <= end]
        if not gaps:
            continue
        src = cat.sources.get(f"code:{cid}")
        spans = ", ".join(f"{a.isoformat()} t/m {b.isoformat()}" for a, b in gaps)
        diags.append(Diagnostic(
            code="tariff.gap", severity="warning", file=src.file if src else None,
            line=src.line if src else None, rule=cid,
            message=f"code {cid} heeft geen tarief op {gaps[0][0].isoformat()}, binnen de contractperiode "
            f"{start.isoformat()} t/m {end.isoformat()} (zonder tarief: {spans})",
            witness={"code": cid, "date": gaps[0][0].isoformat(),
                     "gaps": [[a.isoformat(), b.isoformat()] for a, b in gaps]}))
    return diags


def verify_catalogue(cat: Catalogue) -> list[Diagnostic]:
    """Every verification diagnostic of a loaded catalogue, tables first, in file order."""
    diags, analyses = verify_tables(cat)
    diags += verify_codes(cat, analyses)
    diags += tariff_gaps(cat)
    return diags


__all__ = ["tariff_gaps", "verify_catalogue", "verify_codes", "verify_tables"]

