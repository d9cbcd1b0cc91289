"""``zorgregels letter FILE [--rules DIR] [--as-of D] [--format text|md|html|json]``: the
motivation section of a decision letter; ``zorgregels letter PATH... --out DIR``: a batch.

Exit codes: 0 every letter written; 1 at least one decision got no letter (a refusal says what
is missing: a forbidden ground, a ground whose facts are missing, a missing step); 2 bad input.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from zorgregels.api import Engine
from zorgregels.cli.args import (
    EXIT_BAD_INPUT,
    EXIT_FINDINGS,
    EXIT_OK,
    add_command,
    add_force,
    add_rules,
    iso_date,
)
from zorgregels.cli.evaluate import read_case
from zorgregels.diagnostics import InputError
from zorgregels.io.outdir import check_out_dir, protected_paths
from zorgregels.jobs.letter import FORMATS, Letter, render

CASE_SUFFIXES = (".yaml", ".yml", ".json")


def run(args: argparse.Namespace) -> int:
    if args.out is None:
        if len(args.paths) != 1 or Path(args.paths[0]).suffix.lower() not in CASE_SUFFIXES:
            raise InputError("zonder --out leest letter één besluit als YAML of JSON; geef voor "
                             "een batch (CSV, JSON Lines, Parquet, iJw) een uitvoermap met --out")
        engine = Engine.from_path(args.rules)
        case = read_case(Path(args.paths[0]))
        case.pop("__as_of__", None)
        result = engine.letter(case, as_of=args.as_of)
        if not isinstance(result, Letter):
            print("Geen brief: de gegevens dragen geen motivering.", file=sys.stderr)
            for reason in result.reasons:
                print(f"- {reason}", file=sys.stderr)
            return EXIT_FINDINGS
        sys.stdout.write(render(result, args.format))
        return EXIT_OK
    protect = protected_paths(args.paths, args.rules, columns=args.columns)
    try:
        check_out_dir(args.out, protect=protect, force=args.force)
    except InputError as exc:
        print(f"fout in de uitvoermap: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    engine = Engine.from_path(args.rules)
    batch = engine.letters(args.paths, as_of=args.as_of, columns=args.columns)
    batch.write(args.out, protect=protect, force=args.force)
    s = batch.summary()
    print(f"besluiten: {s['rows_in']} gelezen, {s['letters']} brieven, {s['refusals']} zonder brief "
          f"(refusals.jsonl zegt wat ontbreekt)")
    print(f"brieven: {os.path.join(args.out, '')} (één .md per besluit, letters.jsonl, refusals.jsonl, "
          "summary.json)")
    return EXIT_FINDINGS if batch.refusals else EXIT_OK


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = add_command(sub, "letter", help="schrijf de motivering van de beschikking",
                    description="Schrijf de motivering van een beschikking uit de regels en de "
                    "feiten die beslisten: bij een toekenning welke hulp en waarom, bij een "
                    "afwijzing de vier stappen, de grond en het alternatief; met bezwaar en "
                    "grondslag. Een advies: de professional die ondertekent, controleert het. "
                    "Met --out voor een batch: één .md per besluit, letters.jsonl, refusals.jsonl en "
                    "summary.json (docs/letters.md).",
                    codes=(EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT), c0="elke brief is geschreven",
                    c1="voor minstens één besluit is geen motivering te schrijven (refusals.jsonl zegt "
                    "wat ontbreekt)")
    p.add_argument("paths", nargs="+", metavar="BESTAND",
                   help="één besluit (YAML/JSON), of met --out besluiten (CSV, JSON Lines, Parquet, iJw)")
    add_rules(p)
    p.add_argument("--as-of", type=iso_date, default=None, metavar="DATUM",
                   help="peildatum van de regels, JJJJ-MM-DD (standaard: de besluitdatum van elk besluit)")
    p.add_argument("--format", choices=FORMATS, default="text",
                   help="uitvoer van één besluit: text, md, html of json (met herkomst per zin)")
    p.add_argument("--out", default=None, metavar="MAP",
                   help="map voor een batch: één .md per besluit, letters.jsonl, refusals.jsonl, summary.json")
    add_force(p)
    p.add_argument("--columns", default=None, metavar="KOPPELING",
                   help="kolomkoppeling (YAML: veld: kolom_in_export)")
    p.set_defaults(func=run)
