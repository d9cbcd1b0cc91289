"""``zorgregels register RULES [--out DIR]``: the rule set described in the fields of the Dutch
public algorithm register (Algoritmeregister), as Markdown and JSON, derived from the catalogue.

Without ``--out`` the Markdown is printed (``--json`` prints the JSON instead); with ``--out`` both
files are written: DIR/algoritmeregister.md and DIR/algoritmeregister.json. The standard asks one
registration per organisation: ``--per-municipality`` writes one per municipality of the region,
in DIR/<CBS code>/.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from zorgregels.catalogue.loader import load_catalogue
from zorgregels.cli.args import DEFAULT_RULES, EXIT_BAD_INPUT, EXIT_OK, add_command
from zorgregels.diagnostics import InputError
from zorgregels.jobs.register import (
    CATEGORIES,
    STATUSES,
    register_entry,
    to_markdown,
    write_register,
)


def cmd_register(args: argparse.Namespace) -> int:
    cat = load_catalogue(args.rules)
    try:
        entry = register_entry(cat, status=args.status, organisation=args.organisation,
                               contact=args.contact, public_url=args.url, source_url=args.source_url,
                               category=args.category, rules_path=str(args.rules))
    except ValueError as exc:
        raise InputError(str(exc)) from None
    if args.per_municipality:
        if not args.out:
            raise InputError("--per-municipality schrijft een map per gemeente: geef ook --out")
        if not cat.region.municipalities:
            raise InputError("de regio noemt geen gemeenten (region.municipalities)")
        for m in cat.region.municipalities:
            one = register_entry(cat, status=args.status, organisation=f"Gemeente {m.name}",
                                 contact=args.contact, public_url=args.url,
                                 source_url=args.source_url, category=args.category,
                                 rules_path=str(args.rules))
            js, md = write_register(one, Path(args.out) / m.code)
            print(f"geschreven: {md} en {js}")
        if entry["in_te_vullen"]:
            print("nog in te vullen door elke gemeente: " + ", ".join(entry["in_te_vullen"]))
    elif args.out:
        js, md = write_register(entry, Path(args.out))
        print(f"geschreven: {md} en {js}")
        if entry["in_te_vullen"]:
            print("nog in te vullen door de organisatie: " + ", ".join(entry["in_te_vullen"]))
    elif args.json:
        print(json.dumps(entry, indent=2, ensure_ascii=False))
    else:
        print(to_markdown(entry))
    return EXIT_OK


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = add_command(
        subparsers, "register", help="beschrijving van de regels voor het Algoritmeregister (Markdown en JSON)",
        description="Beschrijf de regels in de velden van het Algoritmeregister, afgeleid uit de "
        "regelbestanden. Zonder --out wordt de Markdown getoond (met --json de JSON); met --out "
        "worden algoritmeregister.md en algoritmeregister.json geschreven.",
        codes=(EXIT_OK, EXIT_BAD_INPUT))
    p.add_argument("rules", nargs="?", default=DEFAULT_RULES, metavar="REGELS",
                   help=f"map met de regels van de regio (standaard: {DEFAULT_RULES})")
    p.add_argument("--out", default=None, metavar="MAP", help="map voor algoritmeregister.md en .json")
    p.add_argument("--per-municipality", action="store_true",
                   help="met --out: een registratie per gemeente (de standaard vraagt er een per "
                   "organisatie), in DIR/<CBS-code>/")
    p.add_argument("--json", action="store_true", help="zonder --out: JSON in plaats van Markdown")
    p.add_argument("--status", default="In ontwikkeling", choices=STATUSES,
                   help="status van het algoritme volgens de handreiking (standaard: In ontwikkeling)")
    p.add_argument("--category", default="Impactvolle algoritmes", choices=CATEGORIES,
                   help="publicatiecategorie volgens de handreiking (standaard: Impactvolle algoritmes)")
    p.add_argument("--organisation", default=None, metavar="NAAM",
                   help="de verantwoordelijke organisatie (standaard: de naam van de regio)")
    p.add_argument("--contact", default=None, metavar="ADRES", help="e-mailadres of https-adres voor vragen")
    p.add_argument("--url", default=None, metavar="URL", help="link naar de publiekspagina")
    p.add_argument("--source-url", default=None, metavar="URL", help="link naar de broncode en de regels")
    p.set_defaults(func=cmd_register)
