"""``zorgregels diff [OLD_RULES] NEW_RULES --decisions FILE... --out DIR``: what a rule change
would do to a batch of decisions (verdicts, findings, 3-month cost, per check and municipality).
OLD_RULES defaults to ``rules``, the default of ``--rules`` of the other commands.

Exit code 0 when the comparison is written, 2 on bad input or usage.
"""

from __future__ import annotations

import argparse
import os

from zorgregels.api import Engine
from zorgregels.cli.args import DEFAULT_RULES, add_force
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
    for pair, n in s["verdict_transitions"].items():
        print(f"  {pair}: {n}")
    for check, v in s["per_check"].items():
        print(f"  {check}: +{v['appeared']} / -{v['disappeared']}")
    print(f"rapport: {os.path.join(args.out, 'diff.html')}")
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("diff", help="wat verandert een regelwijziging aan een jaar besluiten")
    # one folder: the proposal, compared with the default rules folder (as --rules elsewhere)
    p.add_argument("old_rules", nargs="?", default=DEFAULT_RULES,
                   help=f"map met de huidige regels (standaard: {DEFAULT_RULES})")
    p.add_argument("new_rules", help="map met de voorgestelde regels")
    p.add_argument("--decisions", nargs="+", required=True, help="besluitbestanden (CSV, JSONL, Parquet, iJw)")
    p.add_argument("--out", required=True, help="nieuwe map voor het rapport (of een die zorgregels eerder "
                   "schreef: die wordt in zijn geheel vervangen)")
    add_force(p)
    p.add_argument("--columns", default=None, help="kolomkoppeling (YAML)")
    p.set_defaults(func=run)
