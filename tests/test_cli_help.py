"""The command line speaks Dutch, its own help and argparse's texts alike (issue "Reports a policy
adviser acts on": every command and argument has Dutch help, argparse's messages are Dutch, the
exit codes are in ``--help``, ``--rules`` defaults to ``rules`` and ``--as-of`` to today)."""

from __future__ import annotations

import argparse
import ast
import contextlib
import datetime as dt
import io
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zorgregels.cli import COMMANDS, build_parser, main
from zorgregels.cli.args import ARGPARSE_NL, ARGPARSE_NL_PLURAL, DEFAULT_RULES, Parser
from zorgregels.cli.validate import summary_table
from zorgregels.core import nl

ROOT = Path(__file__).resolve().parents[1]
ENGLISH = ("usage:", "options:", "positional arguments", "show this help", "error:", "required",
           "invalid choice", "unrecognized", "expected one argument", "default:")
#: argparse texts only a programmer sees (a parser declared wrongly), never a user
PROGRAMMER_ONLY = {
    "%r is not callable", "'required' is an invalid argument for positionals",
    ".__call__() not defined", "cannot have multiple subparser arguments",
    "cannot merge actions - two groups are named %r", "conflicting subparser alias: %s",
    "conflicting subparser: %s", "dest= is required for options like %r",
    "invalid conflict_resolution value: %r", "mutually exclusive arguments must be optional",
    "invalid option string %(option)r: must start with a character %(prefix_chars)r",
}


def subparsers() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_every_command_is_listed_once() -> None:
    assert list(subparsers()) == [c.__name__.rsplit(".", 1)[-1] for c in COMMANDS]


@pytest.mark.parametrize("command", [None, *subparsers()])
def test_help_is_dutch_with_a_description_and_the_exit_codes(command: str | None,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert main([command, "--help"] if command else ["--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("gebruik: zorgregels")
    assert "opties:" in out and "toon deze hulp en stop" in out
    for english in ENGLISH:
        assert english not in out, english
    parser = subparsers()[command] if command else build_parser()
    assert parser.description and len(parser.description) > 30
    assert "Afsluitcodes:" in out
    for code in (0, 2, 3, 130):  # every command can end well, on bad usage, on a bug or Ctrl-C
        assert f"\n  {code:>3}  " in out, code


@pytest.mark.parametrize("command", list(subparsers()))
def test_every_argument_has_help(command: str) -> None:
    for action in subparsers()[command]._actions:
        assert action.help and action.help != argparse.SUPPRESS, (command, action.dest)


def test_the_exit_codes_say_what_the_command_does() -> None:
    parsers = subparsers()
    assert "1  bevindingen van ernst fout" in (parsers["validate"].epilog or "")
    assert "1  minstens één afwijzing is niet transparant" in (parsers["audit"].epilog or "")
    for command in ("check", "diff", "tariffs", "register", "schema"):  # never exit 1
        assert "\n    1  " not in (parsers[command].epilog or ""), command


def test_every_text_argparse_shows_a_user_is_dutch() -> None:
    """Every text the running Python's argparse passes through gettext has a translation."""
    tree = ast.parse(Path(argparse.__file__).read_text(encoding="utf-8"))
    single, plural = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            texts = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            if node.func.id == "_" and texts:
                single.add(texts[0])
            elif node.func.id == "ngettext" and texts:
                plural.add(texts[0])
    assert {"usage: ", "options", "invalid choice: %(value)r (choose from %(choices)s)"} <= single
    missing = single - PROGRAMMER_ONLY - set(ARGPARSE_NL)
    assert not missing, f"argparse {sys.version_info[:2]} has texts without a Dutch translation: {missing}"
    assert plural <= set(ARGPARSE_NL_PLURAL) | {"conflicting option string: %s"}


@pytest.mark.parametrize(("argv", "named"), [
    (["tariffs", "--format", "pdf"], "ongeldige keuze: 'pdf' (kies uit 'text'"),
    (["validate", str(ROOT / "fixtures" / "decisions" / "example_2025.csv")], "deze argumenten ontbreken: --out"),
    (["diff", "rules"], "deze argumenten ontbreken: --decisions, --out"),
    (["check", "--bogus"], "onbekende argumenten: --bogus"),
    (["evaluate", "x.yaml", "--as-of"], "argument --as-of: verwacht één waarde"),
    (["evaluate", "x.yaml", "--as-of", "2025-02-30"], "argument --as-of: '2025-02-30' is geen bestaande datum"),
    (["audit", "x.csv", "--reuse-threshold", "1"], "argument --reuse-threshold: de drempel is minstens 2"),
    (["onzin"], "argument COMMANDO: ongeldige keuze: 'onzin'"),
    ([], "deze argumenten ontbreken: COMMANDO"),
    (["register", "--status", "Klaar"], "argument --status: ongeldige keuze: 'Klaar'"),
])
def test_a_usage_error_is_dutch_names_the_argument_and_exits_two(
        argv: list[str], named: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert named in err, err
    assert err.startswith("gebruik: zorgregels") and ": fout: " in err
    for english in ENGLISH:
        assert english not in err, english


@settings(max_examples=25, deadline=None)
@given(command=st.sampled_from(sorted(subparsers())),
       option=st.from_regex(r"--[a-z][a-z0-9-]{2,12}", fullmatch=True))
def test_an_unknown_option_is_refused_in_dutch(command: str, option: str) -> None:
    known = {s for a in subparsers()[command]._actions for s in a.option_strings}
    if any(k.startswith(option) for k in known):  # argparse takes a prefix of a known option
        return
    err = usage_error([command, option])
    assert f"onbekende argumenten: {option}" in err or "deze argumenten ontbreken" in err, err
    assert "error:" not in err and "unrecognized" not in err


def usage_error(argv: list[str]) -> str:
    """Run the command line in this process and return what it wrote to stderr (exit 2)."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        assert main(argv) == 2
    return err.getvalue()


def test_a_usage_error_in_a_real_process_has_no_traceback() -> None:
    proc = subprocess.run([sys.executable, "-m", "zorgregels", "validate", "--rules"],
                          capture_output=True, text=True, check=False, cwd=ROOT)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "zorgregels validate: fout: argument --rules: verwacht één waarde" in proc.stderr


def test_argparse_speaks_english_again_outside_zorgregels(capsys: pytest.CaptureFixture[str]) -> None:
    """The Dutch texts are installed only while a zorgregels parser works."""
    assert main(["tariffs", "--format", "pdf"]) == 2
    other = argparse.ArgumentParser(prog="ander")
    assert other.format_usage().startswith("usage: ander")
    assert "show this help message and exit" in other.format_help()
    assert Parser(prog="z").format_usage().startswith("gebruik: z")


@pytest.mark.parametrize(("argv", "dest"), [
    (["check"], "rules"), (["evaluate", "x.yaml"], "rules"), (["validate", "x.csv", "--out", "o"], "rules"),
    (["audit", "x.csv"], "rules"), (["tariffs"], "rules"), (["register"], "rules"), (["test"], "rules"),
])
def test_rules_default_to_the_rules_folder_everywhere(argv: list[str], dest: str) -> None:
    assert getattr(build_parser().parse_args(argv), dest) == DEFAULT_RULES


def test_a_care_question_without_a_date_is_judged_today(tmp_path: Path, monkeypatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(ROOT)
    case = tmp_path / "vraag.yaml"
    case.write_text('birth_date: 2012-05-01\ndomains: [gedrag]\nseverity: matig\nreferrer_type: "02"\n',
                    encoding="utf-8")
    assert main(["evaluate", str(case)]) == 0
    assert f"peildatum {nl.date(dt.date.today())}" in capsys.readouterr().out
    help_text = subparsers()["evaluate"].format_help()
    assert "anders vandaag" in " ".join(help_text.split())


def test_the_summary_in_the_terminal_is_dutch() -> None:
    table = summary_table({
        "by_check": {"tariff": {"error": 2, "warning": 1}, "code_fit": {"info": 4}},
        "by_severity": {"error": 2, "warning": 1, "info": 4},
        "verdicts": {"error": 2, "ok": 5, "incomplete": 1}, "rows_in": 8, "rows_reported": 8})
    lines = table.splitlines()
    assert lines[0].split() == ["controle", "fout", "waarschuwing", "info"]
    assert lines[2].split() == ["Tarief", "en", "omvang", "2", "1", "0"]
    assert lines[3].split()[:5] == ["Past", "de", "code", "bij", "de"]
    assert "besluiten: 8 gelezen, 8 gerapporteerd (fout 2, in orde 5, onvolledig 1)" in table
    assert "error" not in table and "tariff" not in table


def test_every_command_in_the_user_guide_parses() -> None:
    """docs/handleiding.md shows real commands: each one is accepted by the command line."""
    guide = (ROOT / "docs" / "handleiding.md").read_text(encoding="utf-8")
    commands = [line.split(None, 2)[2] for line in guide.splitlines() if line.startswith("$ zorgregels ")]
    commands += [line.split(None, 1)[1] for line in guide.splitlines() if line.startswith("zorgregels ")]
    assert len(commands) >= 8
    parser = build_parser()
    for command in commands:
        argv = command.split()
        if argv[-1] == "--help":
            continue
        args = parser.parse_args(argv)
        assert args.command == argv[0]
