"""``zorgregels check [RULES]``: every mistake in the rule files at once, then the exhaustive
verification of the tables (gaps, overlaps, dead rows and columns, tariff gaps), then the rule
sets built in durable-rules exactly as the engine builds them: ``check`` never says OK to rules
the engine cannot run.

Exit codes: 0 the rules load, verify and build; 2 they do not (with ``--strict`` warnings too).
"""

from __future__ import annotations

import argparse

from zorgregels.catalogue.catalogue import Catalogue
from zorgregels.catalogue.compile import AUDIT_CHECK, compile_audit, compile_catalogue
from zorgregels.catalogue.loader import check_catalogue
from zorgregels.cli.args import DEFAULT_RULES, EXIT_BAD_INPUT, EXIT_OK, add_command
from zorgregels.core.durable import build_problems
from zorgregels.diagnostics import CatalogueError, Diagnostic
from zorgregels.jobs.verify import verify_catalogue


def buildable(cat: Catalogue) -> list[Diagnostic]:
    """What the engine (and the audit, when the rules hold its criteria) cannot build."""
    try:
        problems = build_problems(compile_catalogue(cat))
        if any(r.rule.check == AUDIT_CHECK for r in cat.rules):
            problems += build_problems(compile_audit(cat))
    except CatalogueError as exc:
        return exc.diagnostics
    return problems


def run(args: argparse.Namespace) -> int:
    strict = getattr(args, "strict", False)
    cat, diags = check_catalogue(args.rules)
    for d in diags:
        print(d.render())
    errors = sum(d.severity == "error" for d in diags)
    warnings = sum(d.severity == "warning" for d in diags)
    if cat is None:
        print(f"{errors} fout(en), {warnings} waarschuwing(en): de regels zijn niet geladen.")
        return EXIT_BAD_INPUT
    verified = verify_catalogue(cat)  # gaps, overlaps, dead rows and columns, tariff gaps
    verified += buildable(cat)
    for d in verified:
        print(d.render())
    warnings += sum(d.severity == "warning" for d in verified)
    if any(d.severity == "error" for d in verified):
        print(f"{sum(d.severity == 'error' for d in verified)} fout(en) in de tabellen of "
              f"regels, {warnings} waarschuwing(en).")
        return EXIT_BAD_INPUT
    if strict and warnings:
        print(f"{warnings} waarschuwing(en); met --strict tellen die als fout.")
        return EXIT_BAD_INPUT
    print(f"OK: {len(cat.codes)} codes, {len(cat.tables)} tabellen, {len(cat.rules)} regels in "
          f"{len(cat.files)} bestanden; {warnings} waarschuwing(en). Hash {cat.bundle_hash[:12]}.")
    return EXIT_OK


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = add_command(sub, "check", help="controleer de regelbestanden (alle fouten tegelijk)",
                    description="Controleer de regelbestanden: alle fouten tegelijk, met bestand, "
                    "regel en een vaste code; daarna de volledige controle van de tabellen en "
                    "het opbouwen van de regels in de engine.",
                    codes=(EXIT_OK, EXIT_BAD_INPUT),
                    c0="de regels laden, kloppen en zijn te bouwen",
                    c2="fouten in de regels (met --strict ook waarschuwingen), of onjuist gebruik")
    p.add_argument("rules", nargs="?", default=DEFAULT_RULES, metavar="REGELS",
                   help=f"map met de regels (standaard: {DEFAULT_RULES})")
    p.add_argument("--strict", action="store_true",
                   help="waarschuwingen tellen als fout (exit 2), bijvoorbeeld voor de CI van een regio")
    p.set_defaults(func=run)
