"""The command line. Every command is a module of this package with ``register(sub)`` and is
listed once in ``COMMANDS``; shared argument types and exit codes live in ``args``.

Exit codes: 0 ok, 1 a finding of severity error, 2 bad input or usage.
"""

from __future__ import annotations

import argparse
import sys

from zorgregels.cli import audit, check, diff, evaluate, register, schema, tariffs, test, validate
from zorgregels.cli.args import EXIT_BAD_INPUT, EXIT_OK, fail
from zorgregels.diagnostics import CatalogueError, InputError
from zorgregels.version import __version__

#: every command, in the order ``--help`` lists them
COMMANDS = (check, evaluate, validate, diff, audit, tariffs, register, test, schema)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="zorgregels",
                                description="Regels voor jeugdhulp: toetsen, uitleggen, valideren.")
    p.add_argument("--version", action="version", version=f"zorgregels {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    for command in COMMANDS:
        command.register(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    try:
        return int(args.func(args))
    except CatalogueError as exc:
        for d in exc.diagnostics:
            print(d.render(), file=sys.stderr)
        return EXIT_BAD_INPUT
    except InputError as exc:
        return fail(str(exc))
    except BrokenPipeError:
        return EXIT_OK


__all__ = ["COMMANDS", "build_parser", "main"]
