"""No traceback reaches a user, and the library takes what it documents.

The command line: bad input is a Dutch message with exit 2, an error of zorgregels itself a
short "meld dit" line with exit 3 (the traceback only with ``ZORGREGELS_DEBUG=1``), Ctrl-C one
line with exit 130. The library: ``as_of`` is a ``date``, a ``datetime`` or ISO text; bad
arguments raise ``InputError``; dates are exact ISO dates.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zorgregels import Decision, Engine, InputError
from zorgregels.catalogue.fields import FIELDS
from zorgregels.cli import DEBUG_ENV, main
from zorgregels.cli import evaluate as evaluate_cmd
from zorgregels.core.facts import parse_date, parse_value
from zorgregels.io.readers import read_column_map

ROOT = Path(__file__).resolve().parent.parent
RULES = str(ROOT / "rules")
CASE = ROOT / "fixtures" / "cases" / "example_case.yaml"
DECISIONS = ROOT / "fixtures" / "decisions" / "example_2025.csv"
AS_OF = dt.date(2025, 3, 1)
#: ZORGREGELS_FUZZ=20 runs the fuzz tests 20 times longer (for a local run)
FUZZ = max(1, int(os.environ.get("ZORGREGELS_FUZZ", "1") or "1"))
SIMPLE = {"decision_id": "X", "decision_date": "2025-03-03", "domains": ["gedrag"],
          "severity": "matig", "code": "45B10", "tariff": "70.00"}


def _no_traceback(err: str) -> None:
    assert "Traceback" not in err
    assert 'File "' not in err


# ---------------------------------------------------------------- the command line


def test_non_utf8_case_file_is_bad_input_naming_file_and_line(tmp_path: Path, capsys) -> None:
    case = tmp_path / "case.yaml"
    case.write_bytes("decision_id: D1\nseverity: matig\nnote: caf\xe9\n".encode("latin-1"))
    assert main(["evaluate", str(case), "--rules", RULES, "--as-of", "2025-03-01"]) == 2
    err = capsys.readouterr().err
    _no_traceback(err)
    assert f"{case}:3: geen UTF-8 (byte 0xe9)" in err


def test_non_utf8_json_case_file_is_bad_input(tmp_path: Path, capsys) -> None:
    case = tmp_path / "case.json"
    case.write_bytes(b'{"decision_id": "D1",\n "note": "\xff"}')
    assert main(["evaluate", str(case), "--rules", RULES, "--as-of", "2025-03-01"]) == 2
    err = capsys.readouterr().err
    _no_traceback(err)
    assert f"{case}:2: geen UTF-8 (byte 0xff)" in err


def test_a_control_character_in_a_yaml_file_is_bad_input(tmp_path: Path, capsys) -> None:
    case = tmp_path / "case.yaml"
    case.write_text("decision_id: D1\nseverity: m\x00tig\n", encoding="utf-8")
    assert main(["evaluate", str(case), "--rules", RULES, "--as-of", "2025-03-01"]) == 2
    err = capsys.readouterr().err
    _no_traceback(err)
    assert f"{case}:2:" in err and "teken U+0000 is niet toegestaan in YAML" in err
    cmap = tmp_path / "kolommen.yaml"
    cmap.write_text("decision_id: besl\x01uit\n", encoding="utf-8")
    with pytest.raises(InputError, match="kolommen.yaml:1: .*teken U\\+0001 is niet toegestaan in YAML"):
        read_column_map(cmap)


def test_case_file_with_bom_is_read(tmp_path: Path, capsys) -> None:
    case = tmp_path / "case.yaml"
    case.write_bytes(b"\xef\xbb\xbf" + CASE.read_bytes())
    assert main(["evaluate", str(case), "--rules", RULES, "--as-of", "2025-03-01"]) == 0


def test_case_path_that_is_a_folder_is_bad_input(tmp_path: Path, capsys) -> None:
    assert main(["evaluate", str(tmp_path), "--rules", RULES, "--as-of", "2025-03-01"]) == 2
    err = capsys.readouterr().err
    _no_traceback(err)
    assert "is geen bestand" in err


def test_non_utf8_column_map_is_bad_input(tmp_path: Path, capsys) -> None:
    cmap = tmp_path / "kolommen.yaml"
    cmap.write_bytes("decision_id: besluit\ndecision_date: datum_beslu\xeft\n".encode("latin-1"))
    with pytest.raises(InputError, match=r"kolommen.yaml:2: kolomkoppeling is geen UTF-8 \(byte 0xef\)"):
        read_column_map(cmap)
    code = main(["validate", str(DECISIONS), "--rules", RULES, "--out", str(tmp_path / "out"),
                 "--columns", str(cmap), "-q"])
    err = capsys.readouterr().err
    assert code == 2
    _no_traceback(err)
    assert "kolommen.yaml:2" in err


def test_column_map_with_bom_and_missing_map(tmp_path: Path) -> None:
    cmap = tmp_path / "kolommen.yaml"
    cmap.write_bytes(b"\xef\xbb\xbfdecision_id: besluit\n")
    assert read_column_map(cmap) == {"besluit": "decision_id"}
    with pytest.raises(InputError, match="nergens.yaml: kolomkoppeling kan niet gelezen worden"):
        read_column_map(tmp_path / "nergens.yaml")


def test_inexact_dates_on_the_command_line_are_bad_input(tmp_path: Path, capsys) -> None:
    for text in ("2025-03-01xyz", "20250301", "2025-W09-6"):
        assert main(["evaluate", str(CASE), "--rules", RULES, "--as-of", text]) == 2
        err = capsys.readouterr().err
        _no_traceback(err)
        assert text in err and "JJJJ-MM-DD" in err
    case = tmp_path / "case.yaml"
    case.write_text("as_of: 2025-03-01xyz\ninput:\n  domains: [gedrag]\n  severity: matig\n",
                    encoding="utf-8")
    assert main(["evaluate", str(case), "--rules", RULES]) == 2
    err = capsys.readouterr().err
    _no_traceback(err)
    assert f"{case}: as_of: '2025-03-01xyz' is geen datum (JJJJ-MM-DD)" in err


def _boom(exc: BaseException) -> Any:
    def run(args: Any) -> int:
        raise exc
    return run


def test_internal_error_is_exit_three_with_a_report_line(monkeypatch, capsys) -> None:
    monkeypatch.delenv(DEBUG_ENV, raising=False)
    monkeypatch.setattr(evaluate_cmd, "run", _boom(ZeroDivisionError("deling door nul")))
    assert main(["evaluate", str(CASE), "--rules", RULES]) == 3
    err = capsys.readouterr().err
    _no_traceback(err)
    assert "interne fout (ZeroDivisionError: deling door nul)" in err
    assert "meld dit" in err and DEBUG_ENV in err
    assert len(err.strip().splitlines()) == 2


def test_internal_error_shows_the_traceback_only_when_debugging(monkeypatch, capsys) -> None:
    monkeypatch.setenv(DEBUG_ENV, "1")
    monkeypatch.setattr(evaluate_cmd, "run", _boom(AttributeError("kapot")))
    assert main(["evaluate", str(CASE), "--rules", RULES]) == 3
    err = capsys.readouterr().err
    assert "Traceback" in err and "AttributeError: kapot" in err and "meld dit" in err


def test_os_error_is_bad_input_naming_the_path(monkeypatch, capsys) -> None:
    monkeypatch.setattr(evaluate_cmd, "run", _boom(PermissionError(13, "Permission denied", "/x/y")))
    assert main(["evaluate", str(CASE), "--rules", RULES]) == 2
    err = capsys.readouterr().err
    _no_traceback(err)
    assert err.strip() == "zorgregels: /x/y: Permission denied"


def test_keyboard_interrupt_is_exit_130_and_one_line(monkeypatch, capsys) -> None:
    monkeypatch.setattr(evaluate_cmd, "run", _boom(KeyboardInterrupt()))
    assert main(["evaluate", str(CASE), "--rules", RULES]) == 130
    assert capsys.readouterr().err == "zorgregels: afgebroken (Ctrl-C)\n"


def test_a_real_sigint_ends_with_130_and_one_line() -> None:
    """A real SIGINT delivered to the process while a command runs (no timing: the command
    sends it to itself)."""
    script = (
        "import os, signal, sys\n"
        "from zorgregels.cli import evaluate, main\n"
        "def run(args):\n"
        "    os.kill(os.getpid(), signal.SIGINT)\n"
        "    signal.pause() if hasattr(signal, 'pause') else None\n"
        "evaluate.run = run\n"
        f"sys.exit(main(['evaluate', {str(CASE)!r}, '--rules', {RULES!r}]))\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    env.pop(DEBUG_ENV, None)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env,
                          check=False)
    assert proc.returncode == 130
    assert proc.stderr == "zorgregels: afgebroken (Ctrl-C)\n"


# ---------------------------------------------------------------- the library: arguments


@pytest.mark.parametrize("path", [None, 5, b"rules", ["rules"]])
def test_from_path_takes_only_a_path(path: Any) -> None:
    with pytest.raises(InputError, match="een pad"):
        Engine.from_path(path)


def test_from_path_takes_str_and_path() -> None:
    assert Engine.from_path(Path(RULES)).rules_hash == Engine.from_path(RULES).rules_hash


@pytest.mark.parametrize("case", [None, 42, "decision_id: X", ["decision_id", "X"], {1: "x"}])
def test_evaluate_takes_only_a_mapping(engine: Engine, case: Any) -> None:
    with pytest.raises(InputError, match="casus"):
        engine.evaluate(case, as_of=AS_OF)


@pytest.mark.parametrize("as_of", ["2025-03-01", " 2025-03-01 ", dt.datetime(2025, 3, 1, 14, 30),
                                   dt.datetime(2025, 3, 1), "2025-03-01T00:00:00"])
def test_as_of_takes_date_datetime_and_iso_text(engine: Engine, as_of: Any) -> None:
    expected = engine.evaluate(SIMPLE, as_of=AS_OF)
    got = engine.evaluate(SIMPLE, as_of=as_of)
    assert got.as_of == "2025-03-01"
    assert got.model_dump(exclude={"receipt"}) == expected.model_dump(exclude={"receipt"})
    assert got.receipt == expected.receipt


@pytest.mark.parametrize("as_of", ["2025-03-01xyz", "20250301", "2025-02-30", "gisteren", 20250301,
                                   1.5, ["2025-03-01"], "2025-03-01T10:00"])
def test_a_bad_as_of_is_an_input_error(engine: Engine, as_of: Any) -> None:
    with pytest.raises(InputError, match="as_of"):
        engine.evaluate(SIMPLE, as_of=as_of)


def test_batch_jobs_take_the_same_dates(engine: Engine) -> None:
    text = engine.tariff_table("2025-03-01", compare=dt.datetime(2024, 6, 1, 9, 0))
    assert text == engine.tariff_table(AS_OF, compare=dt.date(2024, 6, 1))
    with pytest.raises(InputError, match="compare"):
        engine.tariff_table(AS_OF, compare="1 juni 2024")
    a = engine.validate([SIMPLE], as_of="2025-03-01")
    b = engine.validate([SIMPLE], as_of=AS_OF)
    assert a.findings.equals(b.findings)
    with pytest.raises(InputError, match="as_of"):
        engine.validate([SIMPLE], as_of="2025-03-01xyz")


# ---------------------------------------------------------------- exact ISO dates


@pytest.mark.parametrize("text", ["2025-03-01", "2025-03-01T00:00:00", "2025-03-01 00:00:00",
                                  "2025-03-01T00:00", "2025-03-01 00:00:00.000000"])
def test_dates_and_midnight_times_as_exports_write_them(text: str) -> None:
    assert parse_date(text) == dt.date(2025, 3, 1)
    assert parse_value("decision_date", text) == dt.date(2025, 3, 1)


@pytest.mark.parametrize("text", ["2025-03-01xyz", "2025-03-01x ", "20250301", "2025-W09-6",
                                  "2025-060", "2025-03-01T10:00", "2025-03-01T00:00:01",
                                  "2025-03-01T00:00:00+01:00", "2025-3-1", "01-03-2025"])
def test_anything_else_is_not_a_date(text: str) -> None:
    with pytest.raises(ValueError, match="JJJJ-MM-DD"):
        parse_date(text)


def test_a_datetime_value_in_a_record_must_be_at_midnight() -> None:
    assert parse_value("decision_date", dt.datetime(2025, 3, 1)) == dt.date(2025, 3, 1)
    with pytest.raises(ValueError, match="heeft een tijd"):
        parse_value("decision_date", dt.datetime(2025, 3, 1, 10, 0))


def test_a_trailing_junk_date_is_an_input_finding_on_both_paths(engine: Engine) -> None:
    rec = {**SIMPLE, "start_date": "2025-03-01xyz"}
    d = engine.evaluate(rec, as_of=AS_OF)
    one = [f.message for f in d.findings if f.rule == "input.invalid_value"]
    assert one == ["start_date: '2025-03-01xyz' is geen datum (JJJJ-MM-DD)"]
    r = engine.validate([rec], as_of=AS_OF)
    batch = [m for rule, m in r.findings.select("rule", "message").iter_rows()
             if rule == "input.invalid_value"]
    assert batch == one


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=30),
                 st.dates().map(lambda d: d.isoformat() + "xyz"),
                 st.datetimes().map(lambda d: d.isoformat(sep=" "))))
def test_parse_date_is_exact_or_a_value_error(text: str) -> None:
    try:
        day = parse_date(text)
    except ValueError as exc:
        assert "JJJJ-MM-DD" in str(exc) or "heeft een tijd" in str(exc)
        return
    t = text.strip()
    assert t[:10] == day.isoformat()
    assert t[10:] in ("", ) or t[11:].startswith("00:00") and set(t[11:]) <= set("0:.")


# ---------------------------------------------------------------- the library never crashes inside

_VALUES = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=12),
                    st.dates(), st.datetimes(), st.decimals(allow_nan=True),
                    st.lists(st.one_of(st.text(max_size=6), st.integers()), max_size=3),
                    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2))
_KEYS = st.one_of(st.sampled_from(sorted(FIELDS)), st.text(max_size=8))


@settings(max_examples=60 * FUZZ, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(case=st.dictionaries(_KEYS, _VALUES, max_size=8),
       as_of=st.one_of(st.none(), st.dates(), st.datetimes(), st.text(max_size=12), st.integers()))
def test_evaluate_returns_a_decision_or_raises_input_error(engine: Engine, case: dict[str, Any],
                                                           as_of: Any) -> None:
    try:
        d = engine.evaluate(case, as_of=as_of)
    except InputError:
        return
    assert isinstance(d, Decision)


@pytest.mark.parametrize("columns", [5, b"kolommen.yaml", ["kolommen.yaml"]])
def test_a_column_map_that_is_no_path_is_an_input_error(engine: Engine, columns: Any) -> None:
    with pytest.raises(InputError, match="kolomkoppeling: een pad"):
        read_column_map(columns)
    with pytest.raises(InputError, match="kolomkoppeling: een pad"):
        engine.validate([SIMPLE], columns=columns)


def test_a_closed_pipe_ends_quietly() -> None:
    """``zorgregels evaluate ... | head -0``: the reader is gone, no traceback, exit 0."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    r, w = os.pipe()
    os.close(r)  # the reader is gone before anything is written
    try:
        proc = subprocess.run([sys.executable, "-m", "zorgregels.cli", "evaluate", str(CASE),
                               "--rules", RULES, "--as-of", "2025-03-01", "--json"],
                              stdout=w, stderr=subprocess.PIPE, env=env, check=False)
    finally:
        os.close(w)
    err = proc.stderr.decode()
    _no_traceback(err)
    assert proc.returncode == 0
    assert err == ""


# ---------------------------------------------------------------- the case reader, fuzzed

_CASE_BYTES = CASE.read_bytes()


@st.composite
def _mutated_case(draw: st.DrawFn) -> bytes:
    """The example case with a few bytes replaced, inserted or deleted, in another encoding or
    with other line endings."""
    data = bytearray(_CASE_BYTES)
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, len(data)))
        op = draw(st.sampled_from(["replace", "insert", "delete"]))
        byte = draw(st.sampled_from([0x00, 0x0d, 0x22, 0x27, 0x3a, 0x5b, 0x7b, 0x26, 0x2a, 0x21,
                                     0x80, 0xe9, 0xff, 0x20, 0x0a, 0x2d]))
        if op == "insert" or at == len(data):
            data.insert(at, byte)
        elif op == "replace":
            data[at] = byte
        else:
            del data[at]
    text = bytes(data)
    form = draw(st.sampled_from(["as is", "utf-16", "cp1252", "crlf", "cr", "bom"]))
    if form in ("utf-16", "cp1252"):
        text = text.decode("utf-8", errors="replace").encode(form, errors="replace")
    elif form == "crlf":
        text = text.replace(b"\n", b"\r\n")
    elif form == "cr":
        text = text.replace(b"\n", b"\r")
    elif form == "bom":
        text = b"\xef\xbb\xbf" + text
    return text


@settings(max_examples=80 * FUZZ, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(data=_mutated_case(), suffix=st.sampled_from([".yaml", ".json"]))
def test_a_mutated_case_file_never_gives_a_traceback(engine: Engine, tmp_path_factory, data: bytes,
                                                     suffix: str) -> None:
    case = tmp_path_factory.mktemp("fuzz") / f"case{suffix}"
    case.write_bytes(data)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(evaluate_cmd.Engine, "from_path", classmethod(lambda cls, path: engine))
        mp.delenv(DEBUG_ENV, raising=False)
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code = main(["evaluate", str(case), "--rules", RULES, "--as-of", "2025-03-01"])
    assert code in (0, 1, 2), err.getvalue()
    _no_traceback(err.getvalue())


def test_an_engine_from_something_that_is_not_a_catalogue_is_bad_input() -> None:
    from zorgregels import Engine

    for wrong in (None, "rules/", {}):
        with pytest.raises(InputError, match="uit een catalogus"):
            Engine(wrong)  # type: ignore[arg-type]
