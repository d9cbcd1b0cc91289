"""The command line. Every command is a module of this package with ``register(sub)`` and is
listed once in ``COMMANDS``; shared argument types and exit codes live in ``args``.

Exit codes: 0 ok, 1 a finding of severity error, 2 bad input or usage, 3 an internal error (a
bug: a short "meld dit" line; the traceback only with ``ZORGREGELS_DEBUG=1``), 130 Ctrl-C.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback

from zorgregels.cli import (
    audit,
    check,
    diff,
    evaluate,
    letter,
    register,
    schema,
    tariffs,
    test,
    validate,
)
from zorgregels.cli.args import (
    EXIT_BAD_INPUT,
    EXIT_FINDINGS,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_OK,
    Parser,
    exit_codes,
    fail,
    wrap,
)
from zorgregels.diagnostics import CatalogueError, EngineError, InputError
from zorgregels.launch import INTERRUPTED
from zorgregels.version import __version__

#: set to 1 to see the traceback of an internal error
DEBUG_ENV = "ZORGREGELS_DEBUG"

#: every command, in the order ``--help`` lists them
COMMANDS = (check, evaluate, validate, diff, audit, letter, tariffs, register, test, schema)


def build_parser() -> argparse.ArgumentParser:
    p = Parser(prog="zorgregels",
               description=wrap("Regels voor jeugdhulp: toetsen, uitleggen, valideren. Elk "
                                "commando heeft zijn eigen hulp: zorgregels COMMANDO --help."),
               epilog=exit_codes(EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_INTERRUPTED))
    p.add_argument("--version", action="version", version=f"zorgregels {__version__}",
                   help="toon het versienummer en stop")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMANDO", title="commando's")
    for command in COMMANDS:
        command.register(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    """Run one command. No traceback reaches a user: bad input is a Dutch message with exit 2,
    an error of zorgregels itself a short "meld dit" line with exit 3 (the traceback only with
    ``ZORGREGELS_DEBUG=1``), Ctrl-C one line with exit 130."""
    try:
        return _run(argv)
    except KeyboardInterrupt:
        print(INTERRUPTED, file=sys.stderr)
        return EXIT_INTERRUPTED


def _run(argv: list[str] | None) -> int:
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
        _quiet_stdout()
        return EXIT_OK
    except UnicodeDecodeError as exc:  # a file read elsewhere that is not UTF-8
        return fail(f"een invoerbestand is geen UTF-8 (byte 0x{exc.object[exc.start]:02x} "
                    f"op positie {exc.start}); sla het op als UTF-8")
    except OSError as exc:  # the file system said no: a path the user gave
        where = f"{exc.filename}: " if exc.filename else ""
        return fail(f"{where}{exc.strerror or exc}")
    except EngineError as exc:  # durable-rules failed on a case it accepted: our limit, not the input
        return _internal_error(exc, str(exc))
    except Exception as exc:  # noqa: BLE001 - the last line of defence: never a traceback
        return _internal_error(exc)


def _internal_error(exc: BaseException, message: str | None = None) -> int:
    if os.environ.get(DEBUG_ENV, "") not in ("", "0"):
        traceback.print_exception(exc, file=sys.stderr)
    print(f"zorgregels: {message}" if message else f"zorgregels: interne fout ({type(exc).__name__}: {exc})",
          file=sys.stderr)
    print(f"zorgregels: dit is een fout in zorgregels {__version__}; meld dit, met het commando "
          f"en de invoer (details: zet {DEBUG_ENV}=1)", file=sys.stderr)
    return EXIT_INTERNAL


def _quiet_stdout() -> None:
    """After a closed pipe (``zorgregels ... | head``) Python's own flush at exit would fail
    again; point stdout at nothing."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


__all__ = ["COMMANDS", "DEBUG_ENV", "build_parser", "main"]
