"""What every command shares: exit codes, argument types, the default rules folder, and the
parser that speaks Dutch.

argparse passes every text of its own ("usage: ", "options", "show this help message and exit",
"invalid choice: ...", "the following arguments are required: ...") through ``gettext``, as the
Python documentation describes ("How to translate the argparse output", argparse HOWTO): the
module calls its ``_`` and ``ngettext``. ``Parser`` installs ``DUTCH`` (a
``gettext.NullTranslations`` with the Dutch texts) into argparse for as long as one of its own
methods runs (building, parsing, formatting help, reporting an error) and restores what was there
afterwards, so nothing else in the process (pytest's own command line, say) is changed. The texts
are those of Python 3.11 and 3.12 (the versions zorgregels runs on); a text argparse adds later
stays English until it is added here, which ``tests/test_cli_help.py`` notices.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gettext
import shutil
import sys
import textwrap
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, NoReturn

from zorgregels.core.facts import parse_date
from zorgregels.launch import EXIT_INTERRUPTED as EXIT_INTERRUPTED

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT = 0, 1, 2
#: an error of zorgregels itself (a bug): a short line asking to report it, no traceback
EXIT_INTERNAL = 3
#: ended with Ctrl-C (SIGINT): ``EXIT_INTERRUPTED`` = 130, declared in ``launch`` (the entry
#: point, which must know it before anything heavy is imported)
DEFAULT_RULES = "rules"

#: what each exit code means, for the epilog of every command's ``--help``; a command names the
#: codes it can end with and may say more precisely what 1 and 2 mean for it
EXIT_MEANINGS = {
    EXIT_OK: "in orde",
    EXIT_FINDINGS: "bevindingen van ernst fout",
    EXIT_BAD_INPUT: "onjuiste invoer of onjuist gebruik van het commando",
    EXIT_INTERNAL: "interne fout in zorgregels (meld dit; details met ZORGREGELS_DEBUG=1)",
    EXIT_INTERRUPTED: "onderbroken (Ctrl-C)",
}

#: argparse's own texts in Dutch (the msgids of Python 3.11 and 3.12's argparse)
ARGPARSE_NL: dict[str, str] = {
    "usage: ": "gebruik: ",
    "options": "opties",
    "positional arguments": "argumenten",
    "show this help message and exit": "toon deze hulp en stop",
    "show program's version number and exit": "toon het versienummer en stop",
    "subcommands": "commando's",
    " (default: %(default)s)": " (standaard: %(default)s)",
    "%(heading)s:": "%(heading)s:",
    "%(prog)s: error: %(message)s\n": "%(prog)s: fout: %(message)s\n",
    "%(prog)s: warning: %(message)s\n": "%(prog)s: waarschuwing: %(message)s\n",
    "argument %(argument_name)s: %(message)s": "argument %(argument_name)s: %(message)s",
    "the following arguments are required: %s": "deze argumenten ontbreken: %s",
    "one of the arguments %s is required": "een van de argumenten %s is verplicht",
    "unrecognized arguments: %s": "onbekende argumenten: %s",
    "invalid choice: %(value)r (choose from %(choices)s)":
        "ongeldige keuze: %(value)r (kies uit %(choices)s)",
    "invalid %(type)s value: %(value)r": "ongeldige waarde: %(value)r",
    "expected one argument": "verwacht één waarde",
    "expected at most one argument": "verwacht hoogstens één waarde",
    "expected at least one argument": "verwacht minstens één waarde",
    "ambiguous option: %(option)s could match %(matches)s":
        "dubbelzinnige optie: %(option)s kan %(matches)s zijn",
    "not allowed with argument %s": "niet toegestaan samen met argument %s",
    "ignored explicit argument %r": "genegeerde waarde %r",
    "unexpected option string: %s": "onverwachte optie: %s",
    "unknown parser %(parser_name)r (choices: %(choices)s)":
        "onbekend commando %(parser_name)r (kies uit %(choices)s)",
    "can't open '%(filename)s': %(error)s": "kan '%(filename)s' niet openen: %(error)s",
    "argument \"-\" with mode %r": "argument \"-\" met modus %r",
}
#: the texts with a singular and a plural form
ARGPARSE_NL_PLURAL: dict[str, tuple[str, str]] = {
    "expected %s argument": ("verwacht %s waarde", "verwacht %s waarden"),
    "conflicting option string: %s": ("optie dubbel gedeclareerd: %s", "opties dubbel gedeclareerd: %s"),
}


class DutchArgparse(gettext.NullTranslations):
    """argparse's texts in Dutch; a text without a translation stays as it is."""

    def gettext(self, message: str) -> str:
        return ARGPARSE_NL.get(message, message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        forms = ARGPARSE_NL_PLURAL.get(msgid1)
        if forms is None:
            return msgid1 if n == 1 else msgid2
        return forms[0] if n == 1 else forms[1]


DUTCH = DutchArgparse()


@contextmanager
def dutch_argparse() -> Iterator[None]:
    """argparse speaks Dutch inside the block (its module-level ``_`` and ``ngettext``, the
    hooks its translations go through); afterwards it speaks what it spoke before."""
    hooks = vars(argparse)
    before = hooks["_"], hooks["ngettext"]
    hooks["_"], hooks["ngettext"] = DUTCH.gettext, DUTCH.ngettext
    try:
        yield
    finally:
        hooks["_"], hooks["ngettext"] = before


class Parser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose own texts (usage, headings, -h, errors) are Dutch. Its
    subcommands are parsers of this class too (argparse makes them with the parent's class)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
        with dutch_argparse():
            super().__init__(*args, **kwargs)

    def parse_args(self, args: Sequence[str] | None = None,  # type: ignore[override]
                   namespace: argparse.Namespace | None = None) -> argparse.Namespace:
        with dutch_argparse():
            return super().parse_args(args, namespace)

    def parse_known_args(self, args: Sequence[str] | None = None,  # type: ignore[override]
                         namespace: argparse.Namespace | None = None
                         ) -> tuple[argparse.Namespace, list[str]]:
        with dutch_argparse():
            return super().parse_known_args(args, namespace)

    def format_usage(self) -> str:
        with dutch_argparse():
            return super().format_usage()

    def format_help(self) -> str:
        with dutch_argparse():
            return super().format_help()

    def error(self, message: str) -> NoReturn:
        """Usage and ``zorgregels COMMAND: fout: ...`` on stderr, exit 2 (argparse's own)."""
        with dutch_argparse():
            super().error(message)


def wrap(text: str) -> str:
    """A description as paragraphs wrapped to the terminal (the help keeps its line breaks, so
    the exit codes in the epilog stay one per line)."""
    width = max(min(shutil.get_terminal_size().columns - 2, 98), 40)
    return "\n\n".join(textwrap.fill(" ".join(par.split()), width) for par in text.split("\n\n"))


def exit_codes(*codes: int, **meaning: str) -> str:
    """The epilog of a command's help: the exit codes it can end with, one per line.
    ``meaning`` says more precisely what a code means for this command (``c1="..."``)."""
    lines = ["Afsluitcodes:"]
    for code in codes:
        lines.append(f"  {code:>3}  {meaning.get(f'c{code}', EXIT_MEANINGS[code])}")
    return "\n".join(lines)


def add_command(sub: argparse._SubParsersAction[argparse.ArgumentParser], name: str, *,
                help: str, description: str, codes: Sequence[int], **meaning: str) -> argparse.ArgumentParser:
    """A subcommand with its one-line ``help`` (in the list of commands), its ``description``
    and its exit codes (always also 3 and 130)."""
    all_codes = sorted({*codes, EXIT_INTERNAL, EXIT_INTERRUPTED})
    return sub.add_parser(name, help=help, description=wrap(description),
                          epilog=exit_codes(*all_codes, **meaning))


def iso_date(text: str) -> dt.date:
    """An argument of the form JJJJ-MM-DD."""
    try:
        return parse_date(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def fail(message: str) -> int:
    print(f"zorgregels: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT


def add_rules(p: argparse.ArgumentParser) -> None:
    p.add_argument("--rules", default=DEFAULT_RULES, metavar="MAP",
                   help=f"map met de regels van de regio (standaard: {DEFAULT_RULES})")


def add_force(p: argparse.ArgumentParser) -> None:
    p.add_argument("--force", action="store_true",
                   help="vervang ook een bestaande map die niet door zorgregels is geschreven (nooit "
                   "de map van de invoer of de regels, of de werkmap)")
