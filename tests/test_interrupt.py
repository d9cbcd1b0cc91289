"""Ctrl-C at any moment, also while the command line is still importing polars and
durable-rules: one Dutch line on stderr, exit code 130, never a traceback."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest

from zorgregels.launch import EXIT_INTERRUPTED, INTERRUPTED

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"


def _console_script() -> list[str]:
    """What the installed ``zorgregels`` script runs: the entry point pyproject declares."""
    entry = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]["zorgregels"]
    module, func = entry.split(":")
    return [sys.executable, "-c", f"import sys; from {module} import {func}; sys.exit({func}())"]


COMMANDS = {
    "console script": _console_script(),
    "python -m zorgregels": [sys.executable, "-m", "zorgregels"],
}


#: shared libraries the command line loads while importing (polars, pydantic, pyarrow, durable)
HEAVY = ("polars", "pydantic_core", "pyarrow", "durable_rules_engine")


def _wait_for_heavy_imports(pid: int) -> None:
    """Until the child process maps the first heavy extension module: from then on the imports
    are under way and the entry point's handling is in place (before it, the interpreter itself
    is still starting, which no Python code can guard)."""
    maps = Path(f"/proc/{pid}/maps")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if any(name in maps.read_text() for name in HEAVY):
                return
        except OSError:
            return  # ended already (or no /proc): the exit code tells
        time.sleep(0.002)


def _interrupted(argv: list[str], delay: float) -> tuple[int | None, str]:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    # a validate of the fixtures: long enough that the signal lands in the import or the run
    proc = subprocess.Popen([*argv, "validate", str(ROOT / "fixtures" / "decisions" / "example_2025.csv"),
                             "--rules", str(ROOT / "rules"), "--out", os.devnull + "/nowhere", "-q"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, text=True,
                            start_new_session=True)
    _wait_for_heavy_imports(proc.pid)
    time.sleep(delay)
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    return proc.returncode, err


def test_the_console_script_is_the_ctrl_c_safe_entry() -> None:
    assert _console_script()[-1].startswith("import sys; from zorgregels.launch import main")


@pytest.mark.parametrize("name", list(COMMANDS))
def test_ctrl_c_while_starting_is_one_line_and_exit_130(name: str) -> None:
    """SIGINT at several moments from the first heavy import (polars, pydantic, durable-rules)
    on; most land while the command line is still importing."""
    interrupted = 0
    for delay in (0.0, 0.02, 0.05, 0.1, 0.2, 0.4, 0.8):
        code, err = _interrupted(COMMANDS[name], delay)
        assert "Traceback" not in err, (delay, err)
        if code == EXIT_INTERRUPTED:
            interrupted += 1
            assert err.strip().splitlines() == [INTERRUPTED], (delay, err)
        else:  # the run finished before the signal: it failed on the output path, cleanly
            assert code == 2, (delay, code, err)
    assert interrupted >= 3
