"""``zorgregels diff [OLD_RULES] NEW_RULES --decisions FILE... --out DIR``: what a rule change
would do to a batch of decisions (verdicts, findings, 3-month cost, per check and municipality).
OLD_RULES defaults to ``rules``, the default of ``--rules`` of the other commands.

Exit code 0 when the comparison is written, 2 on bad input or usage.
"""

from __future__ import annotations

import argparse
import os

from zorgregels.api import Engine
from zorgregels.catalogue.model import CHECK_TITLES
from zorgregels.cli.args import DEFAULT_RULES, EXIT_BAD_INPUT, EXIT_OK, add_command, add_force
from zorgregels.core.outcome import VERDICT_LABELS
from zorgregels.io.outdir import check_out_dir, protected_paths
from zorgregels.jobs.diff import diff
from zorgregels.jobs.diff.report import money_line


def run(args: argparse.Namespace) -> int:
    protect = protected_paths(args.decisions, args.old_rules, args.new_rules, columns=args.columns)
    check_out_dir(args.out, protect=protect, force=args.force)  # before the work, not after
    old = Engine.from_path(args.old_rules)
    new = Engine.from_path(args.new_rules)
    report = diff(old, new, list(args.decisions), columns=args.columns)
    report.write(args.out, force=args.force, protect=protect)
    s = report.summary
    total = s["rule_changes"]["total"]
    print(f"{total} wijziging{'en' if total != 1 else ''} in de regels" if total else "Geen wijzigingen in de regels.")
    print(f"{s['rows_in']} besluiten: {s['verdict_changed']} anders beoordeeld, "
          f"{s['findings_appeared']} bevindingen erbij, {s['findings_disappeared']} vervallen; "
          f"kosten per 3 maanden {money_line(s)}.")
    for pair, n in s["verdict_transitions"].items():  # "ok->error"
        print(f"  {' -> '.join(VERDICT_LABELS.get(v, v) for v in pair.split('->'))}: {n} besluiten")
    for check, v in s["per_check"].items():
        print(f"  {CHECK_TITLES.get(check, check)} ({check}): {v['appeared']} bevindingen erbij, "
              f"{v['disappeared']} vervallen")
    print(f"rapport: {os.path.join(args.out, 'diff.html')}")
    return EXIT_OK


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = add_command(sub, "diff", help="wat verandert een regelwijziging aan een jaar besluiten",
                    description="Beoordeel dezelfde besluiten met de huidige en met de voorgestelde "
                    "regels en laat zien wat er verandert: eerst wat er in de regels verandert (codes, "
                    "tarieven, tabelrijen, regels), dan welke besluiten een ander oordeel krijgen, welke "
                    "bevindingen erbij komen en vervallen, en het verschil in kosten per 3 maanden, per "
                    "controle en per gemeente. Met één map vergelijkt het de voorgestelde regels met "
                    f"{DEFAULT_RULES}. Schrijft diff.json, decisions_changed.csv, findings_appeared.jsonl, "
                    "findings_disappeared.jsonl en diff.html.",
                    codes=(EXIT_OK, EXIT_BAD_INPUT), c0="de vergelijking is geschreven")
    # one folder: the proposal, compared with the default rules folder (as --rules elsewhere)
    p.add_argument("old_rules", nargs="?", default=DEFAULT_RULES, metavar="OUDE_REGELS",
                   help=f"map met de huidige regels (standaard: {DEFAULT_RULES})")
    p.add_argument("new_rules", metavar="NIEUWE_REGELS", help="map met de voorgestelde regels")
    p.add_argument("--decisions", nargs="+", required=True, metavar="PAD",
                   help="besluitbestanden of mappen (CSV, JSON Lines, Parquet, iJw XML of zip)")
    p.add_argument("--out", required=True, metavar="MAP",
                   help="nieuwe map voor het rapport (of een die zorgregels eerder "
                   "schreef: die wordt in zijn geheel vervangen)")
    add_force(p)
    p.add_argument("--columns", default=None, metavar="KOPPELING",
                   help="kolomkoppeling (YAML: veld: kolom_in_export)")
    p.set_defaults(func=run)
