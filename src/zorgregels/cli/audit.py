"""``zorgregels audit PATH... --rules rules/ --out audit/``: the transparency audit of light-help
rejections, written as audit.jsonl, summary.json and a self-contained audit.html.

Exit codes: 0 every audited rejection is transparent, 1 at least one is not, 2 bad input.
"""

from __future__ import annotations

import argparse
import json
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
from zorgregels.diagnostics import InputError
from zorgregels.io.outdir import atomic_folder, check_out_dir, protected_paths
from zorgregels.jobs.audit import DEFAULT_REUSE_THRESHOLD, DEFAULT_SIMILARITY, audit_rejections
from zorgregels.jobs.audit.page import render


def _threshold(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is geen geheel getal") from None
    if n < 2:
        raise argparse.ArgumentTypeError("de drempel is minstens 2")
    return n


def _similarity(text: str) -> float:
    try:
        x = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is geen getal") from None
    if not 0 < x <= 1:
        raise argparse.ArgumentTypeError("de gelijkenis ligt tussen 0 en 1")
    return x


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = add_command(
        subparsers, "audit", help="toets de transparantie van afwijzingen van lichte hulp",
        description="Toetst elke afwijzing van lichte hulp aan de transparantiecriteria (grond uit "
        "de catalogus, vier stappen, grond klopt met de feiten, motivering op de casus, alternatief "
        "genoemd, beslistermijn, bezwaarinformatie, geen verboden grond) en schrijft audit.jsonl, "
        "summary.json en audit.html.",
        codes=(EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT), c0="elke getoetste afwijzing is transparant",
        c1="minstens één afwijzing is niet transparant")
    p.add_argument("paths", nargs="+", metavar="PAD",
                   help="besluitbestanden of mappen (CSV, JSON Lines, Parquet, iJw XML of zip)")
    add_rules(p)
    p.add_argument("--out", default="audit", metavar="MAP",
                   help="nieuwe uitvoermap, of een die zorgregels eerder schreef (standaard: audit)")
    add_force(p)
    p.add_argument("--columns", default=None, metavar="KOPPELING",
                   help="kolomkoppeling (YAML: veld: kolom_in_export)")
    p.add_argument("--reuse-threshold", type=_threshold, default=None, metavar="N",
                   help="vanaf zoveel afwijzingen met dezelfde motivering is het een standaardtekst (standaard 3)")
    p.add_argument("--similarity", type=_similarity, default=None, metavar="R",
                   help="gelijkenis vanaf waar twee motiveringen vrijwel gelijk zijn (standaard 0.9)")
    p.add_argument("--as-of", type=iso_date, default=None, metavar="DATUM",
                   help="peildatum JJJJ-MM-DD van de regels (standaard: de besluitdatum van elk besluit)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    protect = protected_paths(args.paths, args.rules, columns=args.columns)
    check_out_dir(args.out, protect=protect, force=args.force)  # before the work, not after
    engine = Engine.from_path(args.rules)
    if args.columns and not Path(args.columns).exists():
        raise InputError(f"{args.columns}: kolomkoppeling bestaat niet")
    report = audit_rejections(
        engine, [Path(p) for p in args.paths], columns=args.columns, as_of=args.as_of,
        reuse_threshold=args.reuse_threshold or DEFAULT_REUSE_THRESHOLD,
        similarity=args.similarity or DEFAULT_SIMILARITY)
    out = Path(args.out)
    lines = report.jsonl_lines()
    summary = dict(report.summary)
    summary["not_determined"] = [n.model_dump(mode="json", exclude_none=True) for n in report.not_audited]
    # the three files appear together or not at all
    with atomic_folder(out, command="audit", force=args.force, protect=protect) as tmp:
        (tmp / "audit.jsonl").write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        (tmp / "summary.json").write_text(
            json.dumps(summary, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        (tmp / "audit.html").write_text(render(report), encoding="utf-8")
    ov = report.summary["overall"]
    v = ov["verdicts"]
    print(f"{report.summary['rows']} rijen; lichte hulp: {ov['light_help_granted']} toegekend, "
          f"{ov['light_help_rejected']} afgewezen. Afwijzingen: {v['forbidden_ground']} op een verboden "
          f"grond, {v['incomplete']} onvolledig, {v['not_testable']} niet toetsbaar, {v['transparent']} "
          "transparant. "
          f"Uitvoer in {out}/ (audit.jsonl, summary.json, audit.html).")
    nd = report.summary["rows_accounted"]["not_determined"]
    if nd:
        print(f"{nd} rij(en) zonder vast te stellen lichte-hulpstatus: zie summary.json (not_determined).",
              file=sys.stderr)
    return report.exit_code
