"""What every command shares: exit codes, argument types and the default rules folder."""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from zorgregels.core.facts import parse_date
from zorgregels.launch import EXIT_INTERRUPTED as EXIT_INTERRUPTED

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT = 0, 1, 2
#: an error of zorgregels itself (a bug): a short line asking to report it, no traceback
EXIT_INTERNAL = 3
#: ended with Ctrl-C (SIGINT): ``EXIT_INTERRUPTED`` = 130, declared in ``launch`` (the entry
#: point, which must know it before anything heavy is imported)
DEFAULT_RULES = "rules"


def iso_date(text: str) -> dt.date:
    """An argument of the form JJJJ-MM-DD."""
    try:
        return parse_date(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def fail(message: str) -> int:
    print(f"zorgregels: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT


def add_rules(p: argparse.ArgumentParser, *, required: bool = False) -> None:
    if required:
        p.add_argument("--rules", required=True, help="map met de regels (YAML)")
    else:
        p.add_argument("--rules", default=DEFAULT_RULES,
                       help=f"map met de regels van de regio (standaard: {DEFAULT_RULES})")


def add_force(p: argparse.ArgumentParser) -> None:
    p.add_argument("--force", action="store_true",
                   help="vervang ook een bestaande map die niet door zorgregels is geschreven (nooit "
                   "de map van de invoer of de regels, of de werkmap)")
