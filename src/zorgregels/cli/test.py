"""``zorgregels test RULES PATH...``: run the YAML rule cases outside pytest, with a summary.

A person who maintains a region's rules runs their cases without a Python test set-up:
every case under the given files or folders is evaluated against the catalogue (or against the
catalogue a case names under ``rules:``, relative to the project root: the folder that holds
RULES, as pytest's root folder); each
failure is shown with file:line and the differences, and the last line reads ``N passed, M failed``.
Exit code 0 when all pass, 1 when one fails, 2 when no case was found.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from zorgregels.catalogue.yamlio import load_yaml
from zorgregels.cli.args import DEFAULT_RULES, EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_OK, add_command
from zorgregels.diagnostics import CatalogueError, InputError
from zorgregels.jobs.cases import CaseRunner, is_case_file, load_cases


def case_files(paths: list[Path]) -> list[Path]:
    """The case files among ``paths`` (a folder is searched recursively), in a stable order."""
    found: list[Path] = []
    for p in paths:
        if not p.exists():
            raise InputError(f"{p}: bestand of map bestaat niet")
        candidates = [p] if p.is_file() else sorted(
            f for f in p.rglob("*") if f.suffix in (".yaml", ".yml") and f.is_file())
        for f in candidates:
            if f in found:
                continue
            # under a "cases" folder (as pytest collects them) a file that does not even parse is
            # reported as a failure, never skipped; elsewhere only files that are cases count
            explicit = p.is_file()
            under_cases = not explicit and "cases" in f.relative_to(p).parts
            if explicit or is_case_file(f) or (under_cases and load_yaml(f)[1]):
                found.append(f)
    return found


def run_cases(rules: Path, paths: list[Path], keyword: str | None = None, verbose: bool = False,
              out: Any = None, root: Path | None = None) -> tuple[int, int]:
    """Run every case; print failures (and passes when verbose). Returns (passed, failed)."""
    out = out or sys.stdout
    runner = CaseRunner(rules)
    passed = failed = 0
    for f in case_files(paths):
        try:
            cases = load_cases(f, root or Path.cwd())
        except (InputError, ValueError) as exc:
            failed += 1
            lines = str(exc).splitlines()
            print(f"FOUT   {f}: casusbestand niet te lezen:", file=out)
            for line in lines[:5]:
                print(f"    {line}", file=out)
            if len(lines) > 5:
                print(f"    ... en nog {len(lines) - 5} melding(en)", file=out)
            continue
        for case in cases:
            if keyword and keyword.lower() not in case.name.lower():
                continue
            where = f"{case.file}:{case.line}"
            try:
                decision, diffs = runner.run(case)
            except CatalogueError as exc:
                failed += 1
                print(f"FOUT   {where}: {case.name}\n    de regels laden niet:", file=out)
                for d in exc.diagnostics[:5]:
                    print(f"    {d.render()}", file=out)
                continue
            except (InputError, ValueError) as exc:
                failed += 1
                print(f"FOUT   {where}: {case.name}\n    {exc}", file=out)
                continue
            if diffs:
                failed += 1
                print(f"FAALT  {where}: {case.name}", file=out)
                for line in diffs:
                    print(f"    {line}", file=out)
                print(f"    (uitkomst {decision.outcome}; bevindingen: "
                      f"{', '.join(x.rule for x in decision.findings) or 'geen'})", file=out)
            else:
                passed += 1
                if verbose:
                    print(f"OK     {where}: {case.name}", file=out)
    return passed, failed


def cmd_test(args: argparse.Namespace) -> int:
    paths = [Path(p) for p in (args.paths or ["fixtures"])]
    rules = Path(args.rules)
    if not rules.exists():
        raise InputError(f"{rules}: map met regels bestaat niet")
    # "rules:" in a case is relative to the project root: the folder that holds RULES
    root = Path(args.root) if args.root else rules.resolve().parent
    passed, failed = run_cases(rules, paths, keyword=args.k, verbose=args.verbose, root=root)
    if passed + failed == 0:
        print(f"geen casussen gevonden in {', '.join(map(str, paths))}", file=sys.stderr)
        print("0 passed, 0 failed")
        return EXIT_BAD_INPUT
    print(f"{passed} passed, {failed} failed")
    return EXIT_FINDINGS if failed else EXIT_OK


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = add_command(subparsers, "test", help="draai de YAML-testcasussen (buiten pytest), met samenvatting",
                    description="Draai de YAML-testcasussen tegen de regels, zonder pytest. Elke "
                    "afwijking staat er met bestand:regel en de verschillen; de laatste regel is "
                    "'N passed, M failed'.",
                    codes=(EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT), c0="alle casussen slagen",
                    c1="minstens één casus faalt",
                    c2="geen casus gevonden, onjuiste invoer of onjuist gebruik")
    p.add_argument("rules", nargs="?", default=DEFAULT_RULES, metavar="REGELS",
                   help=f"map met de regels van de regio (standaard: {DEFAULT_RULES})")
    p.add_argument("paths", nargs="*", metavar="PAD", help="casusbestanden of mappen (standaard: fixtures)")
    p.add_argument("-k", default=None, metavar="TEKST", help="alleen casussen met deze tekst in de naam")
    p.add_argument("--root", default=None, metavar="MAP",
                   help="map waartegen 'rules:' in een casus telt (standaard: de map boven REGELS)")
    p.add_argument("-v", "--verbose", action="store_true", help="toon ook de geslaagde casussen")
    p.set_defaults(func=cmd_test)
