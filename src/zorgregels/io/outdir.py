"""Writing an output folder atomically: complete, or not at all.

The folder is built next to its destination under a temporary name and only renamed into
place when every file is complete (an existing folder is swapped out by rename), so a crash of
the process never leaves a half report that looks whole. Files are not fsynced one by one: at a
million rows that costs seconds, and the rename already guarantees all-or-nothing per process.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_folder(out_dir: str | Path) -> Iterator[Path]:
    out_dir = Path(out_dir)
    parent = out_dir.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", suffix=".tmp", dir=parent))
    try:
        yield tmp
        if out_dir.exists():
            old = parent / f".{out_dir.name}.old-{os.getpid()}"
            os.replace(out_dir, old)
            os.replace(tmp, out_dir)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
