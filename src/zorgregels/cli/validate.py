"""``zorgregels validate PATH... --rules DIR --out DIR [--columns MAP]``: validate a batch of
decisions and write findings.jsonl, decisions.csv, summary.json and report.html.

Exit code 0 when no finding has severity error, 1 when one has, 2 on bad input or usage.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import Any

from zorgregels.api import Engine
from zorgregels.catalogue.model import CHECK_TITLES, SEVERITY_LABELS
from zorgregels.cli.args import (
    EXIT_BAD_INPUT,
    EXIT_FINDINGS,
    EXIT_OK,
    add_command,
    add_force,
    add_rules,
)
from zorgregels.core.outcome import VERDICT_LABELS
from zorgregels.diagnostics import CatalogueError, InputError
from zorgregels.io.outdir import check_out_dir, protected_paths

SEVERITIES = ("error", "warning", "info")
CROSS_RULES = ("budget_ceiling.exceeded", "sequential_help.providers_in_sequence", "dates.ijw_no_stacking")


class ProgressBar:
    """A progress bar on stderr (a plain line per stage when stderr is not a terminal)."""

    def __init__(self, stream: Any = None, width: int = 30):
        self.stream = stream or sys.stderr
        self.width = width
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.t0 = time.perf_counter()

    def __call__(self, stage: str, done: int, total: int) -> None:
        filled = int(self.width * done / max(total, 1))
        bar = "#" * filled + "-" * (self.width - filled)
        line = f"[{bar}] {done}/{total} {stage} ({time.perf_counter() - self.t0:.1f} s)"
        if self.tty:
            self.stream.write("\r" + line.ljust(78))
            if done >= total:
                self.stream.write("\n")
        else:
            self.stream.write(line + "\n")
        self.stream.flush()


def summary_table(summary: dict[str, Any]) -> str:
    """The summary in the terminal: per check (its Dutch title) the findings per severity, then
    the verdicts of the decisions, in Dutch."""
    checks = summary.get("by_check", {})
    rows = [("controle", *(SEVERITY_LABELS[s] for s in SEVERITIES))]
    for check, sev in checks.items():
        rows.append((CHECK_TITLES.get(check, check), *(str(sev.get(s, 0)) for s in SEVERITIES)))
    tot = summary.get("by_severity", {})
    rows.append(("totaal", *(str(tot.get(s, 0)) for s in SEVERITIES)))
    w = [max(len(r[i]) for r in rows) for i in range(4)]
    out = []
    for i, r in enumerate(rows):
        out.append(f"{r[0]:<{w[0]}}  " + "  ".join(f"{r[j]:>{w[j]}}" for j in range(1, 4)))
        if i == 0 or i == len(rows) - 2:
            out.append("-" * (sum(w) + 6))
    verdicts = ", ".join(f"{VERDICT_LABELS.get(k, k)} {v}" for k, v in summary.get("verdicts", {}).items())
    out.append(f"besluiten: {summary['rows_in']} gelezen, {summary['rows_reported']} gerapporteerd ({verdicts})")
    for n in summary.get("not_evaluable", []):
        if n["rule"] in CROSS_RULES:
            out.append(f"niet te beoordelen: {n['rule']} bij {n['rows']} besluiten ({n['reason']})")
    return "\n".join(out)


def run(args: argparse.Namespace) -> int:
    protect = protected_paths(args.paths, args.rules, columns=args.columns)
    try:
        check_out_dir(args.out, protect=protect, force=args.force)
    except InputError as exc:
        print(f"fout in de uitvoermap: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        engine = Engine.from_path(args.rules)
    except CatalogueError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_BAD_INPUT
    bar = None if args.quiet else ProgressBar()

    def progress(name: str, i: int, n: int) -> None:
        # the library's steps, then writing the report: one count from 0 to n + 1 ("klaar" last)
        if bar is not None and i < n:
            bar(name, i, n + 1)

    try:
        report = engine.validate(args.paths, columns=args.columns, progress=progress)
    except InputError as exc:
        print(f"fout in de invoer: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if bar:
        bar("rapport schrijven", 5, 6)
    try:
        report.write(args.out, force=args.force, protect=protect)
    except InputError as exc:
        print(f"fout in de uitvoermap: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if bar:
        bar("klaar", 6, 6)
    print(summary_table(report.summary))
    print(f"rapport: {os.path.join(args.out, '')} (findings.jsonl, decisions.csv, summary.json, report.html)")
    return EXIT_FINDINGS if report.has_errors else EXIT_OK


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = add_command(
        subparsers, "validate", help="valideer een batch besluiten (CSV, JSON Lines, Parquet, iJw XML)",
        description="Valideer besluiten tegen de regels; elk besluit naar de regels op zijn eigen "
        "besluitdatum. Schrijft findings.jsonl, decisions.csv, summary.json en report.html "
        "(docs/outputs.md beschrijft de velden).",
        codes=(EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT), c0="geen bevinding van ernst fout")
    p.add_argument("paths", nargs="+", metavar="PAD",
                   help="bestanden of mappen met besluiten (CSV, JSON Lines, Parquet, iJw XML of zip)")
    add_rules(p)
    p.add_argument("--out", required=True, metavar="MAP", help="nieuwe map voor het rapport (of een die zorgregels eerder "
                   "schreef: die wordt in zijn geheel vervangen)")
    add_force(p)
    p.add_argument("--columns", default=None, metavar="KOPPELING", help="kolomkoppeling (YAML: veld: kolom_in_export)")
    p.add_argument("-q", "--quiet", action="store_true", help="geen voortgangsbalk")
    p.set_defaults(func=run)
