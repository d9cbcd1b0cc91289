"""Writing an output folder atomically and safely: complete, or not at all, and never over data.

The folder is built next to its destination under a temporary name and only renamed into
place when every file is complete (an existing folder is swapped out by rename), so a crash of
the process never leaves a half report that looks whole. Files are not fsynced one by one: at a
million rows that costs seconds, and the rename already guarantees all-or-nothing per process.

Which folder may be written is decided here, in one place, for every command and for the
``write`` methods of the Python API (``check_out_dir``):

- a new folder, an empty folder, or a folder that zorgregels itself wrote: it carries the
  marker file ``.zorgregels`` (the command, then the files it wrote, one a line) and nothing
  else than the files that marker names;
- never ``''``, the working directory or a folder above it, a file or a symbolic link, the
  folder of an input or of the rules (or one that contains them, or lies inside an input or
  rules folder), not even with ``force``;
- any other existing folder only with ``force`` (``--force``): the explicit choice to replace it.

An OS error on the output path (a read-only parent, a parent that is a file, a full disk) is
an ``InputError`` naming the folder; the old folder stays as it was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from zorgregels.diagnostics import InputError

#: the marker file in every folder zorgregels writes
MARKER = ".zorgregels"

#: what a protected path is (shown in the message) and the path: ("de invoer", "data/x.csv")
Protected = tuple[str, str | Path]


def protected_paths(inputs: Iterable[str | Path], *rules: str | Path,
                    columns: str | Path | None = None) -> list[Protected]:
    """What ``--out`` may never touch: the inputs, the rules folder(s) and the column map."""
    found: list[Protected] = [("de invoer", p) for p in inputs]
    found += [("de regels", r) for r in rules]
    if columns:
        found.append(("de kolomkoppeling", columns))
    return found


def _written_by_us(folder: Path) -> bool:
    """True when ``folder`` holds a zorgregels marker and only the files that marker names."""
    marker = folder / MARKER
    if marker.is_symlink() or not marker.is_file():
        return False
    try:
        lines = marker.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return False
    if not lines or not lines[0].startswith("zorgregels "):
        return False
    named = set(lines[1:])
    for entry in folder.iterdir():
        if entry.name == MARKER:
            continue
        if entry.name not in named or entry.is_symlink() or not entry.is_file():
            return False
    return True


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or path.is_relative_to(folder)


def _check_protected(out: Path, label: str, protect: Iterable[Protected]) -> None:
    for what, given in protect:
        if str(given).strip() == "":
            continue
        p = Path(given).resolve()
        if p.is_dir():
            clash = _inside(out, p) or _inside(p, out)
        else:
            clash = out == p.parent or _inside(p, out)
        if clash:
            raise InputError(
                f"--out {label}: valt samen met (of ligt in) de map van {what} ({given}); die wordt nooit "
                "vervangen of gevuld, ook niet met --force. Kies een nieuwe map buiten de invoer "
                "en de regels, bijvoorbeeld --out rapport")


def check_out_dir(out_dir: str | Path, *, protect: Iterable[Protected] = (),
                  force: bool = False) -> Path:
    """The folder ``out_dir`` if zorgregels may (re)write it; otherwise an ``InputError`` in
    Dutch that says why and how to proceed."""
    label = str(out_dir)
    if str(out_dir).strip() == "":
        raise InputError("--out is leeg: geef een nieuwe map voor de uitvoer, bijvoorbeeld --out rapport")
    path = Path(out_dir)
    try:
        out = path.resolve()
        cwd = Path.cwd().resolve()
        if _inside(cwd, out):
            raise InputError(
                f"--out {label}: dat is de werkmap of een map daarboven; die wordt nooit vervangen, "
                "ook niet met --force. Geef een nieuwe map, bijvoorbeeld --out rapport")
        _check_protected(out, label, protect)
        if path.is_symlink():
            raise InputError(f"--out {label}: is een symbolische koppeling; geef de map zelf of een nieuwe map")
        if path.exists() and not path.is_dir():
            raise InputError(f"--out {label}: bestaat al en is een bestand, geen map; kies een andere "
                             "naam of verwijder het bestand eerst zelf")
        if path.is_dir() and any(path.iterdir()) and not _written_by_us(path) and not force:
            raise InputError(
                f"--out {label}: deze map bestaat al en is niet door zorgregels geschreven; hij zou "
                "in zijn geheel vervangen worden. Kies een nieuwe of lege map, of vervang hem bewust "
                "met --force")
    except OSError as exc:
        raise InputError(f"--out {label}: de uitvoermap is niet te gebruiken ({exc.strerror or exc})") from None
    return path


def _mark(folder: Path, command: str) -> None:
    names = sorted(p.name for p in folder.iterdir() if p.name != MARKER)
    (folder / MARKER).write_text("\n".join([f"zorgregels {command}", *names]) + "\n", encoding="utf-8")


@contextmanager
def atomic_folder(out_dir: str | Path, *, command: str, protect: Iterable[Protected] = (),
                  force: bool = False) -> Iterator[Path]:
    """A temporary folder to write into; on success it becomes ``out_dir`` (with the marker
    naming ``command``), on any error nothing changes. ``out_dir`` is checked first
    (``check_out_dir``)."""
    out_dir = check_out_dir(out_dir, protect=protect, force=force)
    label = str(out_dir)
    tmp: Path | None = None
    try:
        parent = out_dir.resolve().parent
        parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", suffix=".tmp", dir=parent))
        yield tmp
        _mark(tmp, command)
        if out_dir.exists():
            old = parent / f".{out_dir.name}.old-{os.getpid()}"
            os.replace(out_dir, old)
            try:
                os.replace(tmp, out_dir)
            except BaseException:
                os.replace(old, out_dir)
                raise
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, out_dir)
        tmp = None
    except OSError as exc:
        raise InputError(f"--out {label}: de uitvoer kan niet worden geschreven ({exc.strerror or exc}); "
                         "er is niets veranderd. Kies een andere map of maak ruimte en probeer "
                         "opnieuw") from None
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
