"""``zorgregels schema [--out FILE]``: the JSON Schema of a rule file, for editors."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from zorgregels.catalogue.model import RuleFile
from zorgregels.cli.args import EXIT_BAD_INPUT, EXIT_OK, add_command


def run(args: argparse.Namespace) -> int:
    schema = RuleFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "zorgregels rule file (format v1)"
    text = json.dumps(schema, indent=2, ensure_ascii=False)
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")
    else:
        print(text)
    return EXIT_OK



def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = add_command(sub, "schema", help="JSON Schema van het regelformaat, voor editors",
                    description="Druk het JSON Schema van een regelbestand af, zodat een editor "
                    "de regelbestanden kan aanvullen en controleren.",
                    codes=(EXIT_OK, EXIT_BAD_INPUT))
    p.add_argument("--out", default=None, metavar="BESTAND", help="schrijf naar dit bestand in plaats van stdout")
    p.set_defaults(func=run)
