"""``zorgregels evaluate CASE [--rules DIR] [--as-of D] [--json]``: one care question or decision,
with its advice, findings and the explanation tree.

Exit codes: 0 ok, 1 a finding of severity error, 2 bad input.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path
from typing import Any

from zorgregels.api import Engine
from zorgregels.catalogue.yamlio import load_yaml_text, plain
from zorgregels.cli.args import (
    EXIT_BAD_INPUT,
    EXIT_FINDINGS,
    EXIT_OK,
    add_command,
    add_rules,
    iso_date,
)
from zorgregels.core.facts import parse_date
from zorgregels.diagnostics import InputError


def case_text(path: Path) -> str:
    """The case file as text: UTF-8 (with or without BOM), else an ``InputError`` naming the
    file, the line and the byte."""
    if not path.exists():
        raise InputError(f"{path}: bestand bestaat niet")
    if not path.is_file():
        raise InputError(f"{path}: is geen bestand")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: kan niet gelezen worden ({exc.strerror})") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise InputError(f"{path}:{line}: geen UTF-8 (byte 0x{data[exc.start]:02x}); "
                         "sla het bestand op als UTF-8") from None


def read_case(path: Path) -> dict[str, Any]:
    text = case_text(path)
    if path.suffix == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{exc.lineno}: geen geldige JSON: {exc.msg}") from None
        except RecursionError:
            raise InputError(f"{path}: JSON te diep genest") from None
    else:
        data, diags = load_yaml_text(text, str(path))
        if diags:
            raise InputError("\n".join(d.render() for d in diags))
    if not isinstance(data, dict):
        raise InputError(f"{path}: een casus is een mapping van veld naar waarde")
    if "input" in data and isinstance(data["input"], dict):  # a test case file can be evaluated too
        as_of = data.get("as_of")
        data = dict(data["input"])
        if as_of and "as_of" not in data:
            data["__as_of__"] = as_of
    return {k: plain(v) for k, v in data.items()}


def run(args: argparse.Namespace) -> int:
    engine = Engine.from_path(args.rules)
    case = read_case(Path(args.case))
    file_as_of = case.pop("__as_of__", None)
    as_of = args.as_of
    if as_of is None and file_as_of is not None:
        try:
            as_of = parse_date(file_as_of)
        except ValueError as exc:
            raise InputError(f"{args.case}: as_of: {exc}") from None
    if as_of is None and case.get("decision_date") in (None, ""):
        as_of = dt.date.today()  # a care question without a date is judged by today's rules
    decision = engine.evaluate(case, as_of=as_of)
    if args.json:
        print(decision.model_dump_json(indent=2))
    else:
        print(decision.explain())
    return EXIT_FINDINGS if decision.has_errors else EXIT_OK



def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = add_command(sub, "evaluate", help="beoordeel een zorgvraag of besluit, met uitleg",
                    description="Beoordeel een zorgvraag of besluit: passende codes, advies, "
                    "tarief en directe uren per 3 maanden, bevindingen en de uitlegboom.",
                    codes=(EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT))
    p.add_argument("case", metavar="CASUS", help="casus als YAML of JSON")
    add_rules(p)
    p.add_argument("--as-of", type=iso_date, default=None, metavar="DATUM",
                   help="peildatum JJJJ-MM-DD (standaard: as_of of decision_date in de casus, "
                   "anders vandaag)")
    p.add_argument("--json", action="store_true", help="JSON in plaats van een uitlegboom")
    p.set_defaults(func=run)
