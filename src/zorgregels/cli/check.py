"""``zorgregels check [RULES]``: every mistake in the rule files at once, then the exhaustive
verification of the tables (gaps, overlaps, dead rows and columns, tariff gaps).

Exit codes: 0 the rules load and verify, 2 they do not.
"""

from __future__ import annotations

import argparse

from zorgregels.catalogue.loader import check_catalogue
from zorgregels.cli.args import DEFAULT_RULES, EXIT_BAD_INPUT, EXIT_OK
from zorgregels.jobs.verify import verify_catalogue


def run(args: argparse.Namespace) -> int:
    cat, diags = check_catalogue(args.rules)
    for d in diags:
        print(d.render())
    errors = sum(d.severity == "error" for d in diags)
    warnings = sum(d.severity == "warning" for d in diags)
    if cat is None:
        print(f"{errors} fout(en), {warnings} waarschuwing(en): de regels zijn niet geladen.")
        return EXIT_BAD_INPUT
    verified = verify_catalogue(cat)  # gaps, overlaps, dead rows and columns, tariff gaps
    for d in verified:
        print(d.render())
    warnings += sum(d.severity == "warning" for d in verified)
    if any(d.severity == "error" for d in verified):
        print(f"{sum(d.severity == 'error' for d in verified)} fout(en) in de tabellen, "
              f"{warnings} waarschuwing(en).")
        return EXIT_BAD_INPUT
    print(f"OK: {len(cat.codes)} codes, {len(cat.tables)} tabellen, {len(cat.rules)} regels in "
          f"{len(cat.files)} bestanden; {warnings} waarschuwing(en). Hash {cat.bundle_hash[:12]}.")
    return EXIT_OK



def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("check", help="controleer de regelbestanden (alle fouten tegelijk)",
                       description="Controleer de regelbestanden: alle fouten tegelijk, met bestand, "
                       "regel en een vaste code; daarna de volledige controle van de tabellen.")
    p.add_argument("rules", nargs="?", default=DEFAULT_RULES,
                   help=f"map met de regels (standaard: {DEFAULT_RULES})")
    p.set_defaults(func=run)
