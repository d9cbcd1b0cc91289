"""``zorgregels tariffs``: the referrers' overview of codes, tariffs per 3 months and care questions.

    zorgregels tariffs --rules rules/ [--as-of 2025-01-01] [--compare 2024-01-01] \\
        [--format text|md|csv|json|html] [--out FILE]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from zorgregels.api import Engine
from zorgregels.cli.args import EXIT_BAD_INPUT, EXIT_OK, add_command, add_rules, iso_date
from zorgregels.diagnostics import InputError
from zorgregels.jobs.overview.output import FORMATS, render


def run(args: argparse.Namespace) -> int:

    engine = Engine.from_path(args.rules)
    table = engine.tariff_table(args.as_of or dt.date.today(), args.compare)
    text = render(table, args.format)
    if args.out:
        out = Path(args.out)
        if out.parent and not out.parent.exists():
            raise InputError(f"{out}: de map {out.parent} bestaat niet")
        out.write_text(text, encoding="utf-8")
        print(f"{len(table.rows)} codes geschreven naar {out} ({args.format})", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return EXIT_OK


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = add_command(
        subparsers, "tariffs",
        help="overzicht voor verwijzers: codes, zorgvragen, tarief en directe uren per 3 maanden",
        description="Per code: trede, perceel, de zorgvragen waar hij bij past (uit de "
        "toewijzingstabellen), eenheid en tarief, norm, tarief en directe uren per behandeling "
        "van 3 maanden, wachttijd, methodieken en geldigheid.",
        codes=(EXIT_OK, EXIT_BAD_INPUT))
    add_rules(p)
    p.add_argument("--as-of", type=iso_date, default=None, metavar="DATUM",
                   help="peildatum JJJJ-MM-DD (standaard: vandaag)")
    p.add_argument("--compare", type=iso_date, default=None, metavar="DATUM",
                   help="vergelijkingsdatum: verschil in tarief per code (indexatie)")
    p.add_argument("--format", choices=FORMATS, default="text", help="uitvoerformaat: text, md, csv, json of html (standaard: text)")
    p.add_argument("--out", default=None, metavar="BESTAND", help="schrijf naar dit bestand in plaats van stdout")
    p.set_defaults(func=run)
