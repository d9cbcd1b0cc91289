"""What every command shares: exit codes, argument types and the default rules folder."""

from __future__ import annotations

import argparse
import datetime as dt
import sys

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT = 0, 1, 2
DEFAULT_RULES = "rules"


def iso_date(text: str) -> dt.date:
    """An argument of the form JJJJ-MM-DD."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is geen datum (JJJJ-MM-DD)") from None


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
