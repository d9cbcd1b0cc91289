"""The entry point of the command line (the ``zorgregels`` console script and
``python -m zorgregels``): it takes over Ctrl-C before the heavy imports.

Loading the command line imports polars, pydantic and durable-rules, which takes a while; a
Ctrl-C in that time would otherwise end in a traceback of an import. This module imports
nothing of the package but the version, loads the command line by name, and turns an interrupt
at any moment into one Dutch line and exit code 130. It is a leaf, like ``version``:
``cli.args`` takes the exit code and the line from here.
"""

from __future__ import annotations

import importlib
import os
import sys

#: the exit code of an interrupted run (128 + SIGINT, what a shell reports for Ctrl-C)
EXIT_INTERRUPTED = 130
#: the one line an interrupted run prints
INTERRUPTED = "zorgregels: afgebroken (Ctrl-C)"


def main(argv: list[str] | None = None) -> int:
    """Load the command line and run it; Ctrl-C while loading ends as it does while running."""
    try:
        cli = importlib.import_module("zorgregels.cli")
        code = int(cli.main(argv))
    except KeyboardInterrupt:
        print(INTERRUPTED, file=sys.stderr)
        code = EXIT_INTERRUPTED
    if code == EXIT_INTERRUPTED:
        _exit_interrupted()
    return code


def _exit_interrupted() -> None:
    """End the process now with exit code 130. Python itself would end an interrupted process
    by killing it with SIGINT (exit status -2, not 130) when the interrupt landed in code that
    an extension module ran while being imported, even though the interrupt was handled here;
    everything the command wrote has been flushed or cleaned up by now."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError, AttributeError):
            pass
    os._exit(EXIT_INTERRUPTED)


__all__ = ["EXIT_INTERRUPTED", "INTERRUPTED", "main"]
