"""Output folders are safe: ``--out`` writes a new folder or replaces one that zorgregels wrote;
everything else is refused with exit 2 and a Dutch message (issue 11). The same check guards
the Python ``write`` methods, which raise ``InputError``."""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zorgregels import Engine
from zorgregels.cli import main
from zorgregels.diagnostics import InputError
from zorgregels.io import outdir
from zorgregels.io.outdir import MARKER, atomic_folder, check_out_dir
from zorgregels.jobs.diff import diff

ROOT = Path(__file__).resolve().parents[1]
RULES = ROOT / "rules"
EXACT = ROOT / "fixtures" / "audit" / "exact.csv"
COMMANDS = ("validate", "audit", "diff")
FILES = {
    "validate": ["decisions.csv", "findings.jsonl", "report.html", "summary.json"],
    "audit": ["audit.html", "audit.jsonl", "summary.json"],
    "diff": ["decisions_changed.csv", "diff.html", "diff.json", "findings_appeared.jsonl",
             "findings_disappeared.jsonl"],
}


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory (the cwd) with the input in data/in.csv."""
    w = tmp_path / "work"
    (w / "data").mkdir(parents=True)
    shutil.copy(EXACT, w / "data" / "in.csv")
    monkeypatch.chdir(w)
    return w


def cli(command: str, out: str | Path, *extra: str, data: str | Path = "data/in.csv",
        rules: str | Path = RULES) -> int:
    if command == "validate":
        argv = ["validate", str(data), "--rules", str(rules), "--out", str(out), "-q"]
    elif command == "audit":
        argv = ["audit", str(data), "--rules", str(rules), "--out", str(out)]
    else:
        argv = ["diff", str(rules), str(rules), "--decisions", str(data), "--out", str(out)]
    return main([*argv, *extra])


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def no_leftovers(parent: Path) -> None:
    assert not [p.name for p in parent.iterdir() if p.name.endswith(".tmp") or ".old-" in p.name]


# ---------------------------------------------------------------- what may be written


@pytest.mark.parametrize("command", COMMANDS)
def test_new_folder_is_marked_and_rewritten(command: str, work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(command, "rapport") in (0, 1)
    out = work / "rapport"
    assert sorted(p.name for p in out.iterdir()) == [MARKER, *FILES[command]]
    marker = (out / MARKER).read_text(encoding="utf-8").splitlines()
    assert marker == [f"zorgregels {command}", *FILES[command]]
    first = snapshot(out)
    assert cli(command, "rapport") in (0, 1)  # its own folder: replaced, byte for byte the same
    assert snapshot(out) == first
    no_leftovers(work)


@pytest.mark.parametrize("command", COMMANDS)
def test_foreign_folder_is_refused_unless_forced(command: str, work: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    foreign = work / "mijn_map"
    foreign.mkdir()
    (foreign / "notities.txt").write_text("belangrijk")
    assert cli(command, foreign) == 2
    err = capsys.readouterr().err
    assert "niet door zorgregels geschreven" in err and "--force" in err and "Traceback" not in err
    assert snapshot(foreign) == {"notities.txt": b"belangrijk"}
    assert cli(command, foreign, "--force") in (0, 1)
    assert sorted(p.name for p in foreign.iterdir()) == [MARKER, *FILES[command]]
    no_leftovers(work)


@pytest.mark.parametrize("command", COMMANDS)
def test_empty_folder_may_be_used(command: str, work: Path) -> None:
    (work / "leeg").mkdir()
    assert cli(command, "leeg") in (0, 1)
    assert (work / "leeg" / MARKER).is_file()


def test_own_folder_with_an_extra_file_is_foreign(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli("validate", "rapport") in (0, 1)
    (work / "rapport" / "mijn_notitie.txt").write_text("van mij")
    assert cli("validate", "rapport") == 2
    assert (work / "rapport" / "mijn_notitie.txt").read_text() == "van mij"
    assert "--force" in capsys.readouterr().err


# ---------------------------------------------------------------- never, not even with --force


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("force", [(), ("--force",)])
def test_input_folder_and_a_folder_containing_it_are_never_written(
        command: str, force: tuple[str, ...], work: Path, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(tmp_path)
    for out in ("data", "data/", str(work / "data"), "data/in.csv"):
        assert cli(command, out, *force) == 2, out
        err = capsys.readouterr().err
        assert "de invoer" in err and "Traceback" not in err
    # an input folder: nothing inside it either (it would be read as input the next time)
    assert cli(command, "data/sub", *force, data="data") == 2
    assert "de invoer" in capsys.readouterr().err
    # a folder above the input that is not the working directory
    elsewhere = tmp_path / "elders"
    elsewhere.mkdir()
    os.chdir(elsewhere)
    assert cli(command, work, *force, data=work / "data" / "in.csv") == 2
    assert "de invoer" in capsys.readouterr().err
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("force", [(), ("--force",)])
def test_rules_folder_is_never_written(command: str, force: tuple[str, ...], work: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree(RULES, work / "rules_copy")
    before = snapshot(work / "rules_copy")
    assert cli(command, "rules_copy", *force, rules="rules_copy") == 2
    err = capsys.readouterr().err
    assert "de regels" in err and "Traceback" not in err
    assert snapshot(work / "rules_copy") == before


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("out", ["", ".", "./", "..", "../..", "/"])
@pytest.mark.parametrize("force", [(), ("--force",)])
def test_working_directory_its_parents_and_empty_are_refused(
        command: str, out: str, force: tuple[str, ...], work: Path, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    (work / "sub").mkdir()
    os.chdir(work / "sub")
    before = snapshot(tmp_path)
    assert cli(command, out, *force, data=work / "data" / "in.csv") == 2
    err = capsys.readouterr().err
    assert "--out" in err and "Traceback" not in err
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("force", [(), ("--force",)])
def test_a_file_is_refused(command: str, force: tuple[str, ...], work: Path,
                           capsys: pytest.CaptureFixture[str]) -> None:
    (work / "rapport.txt").write_text("tekst")
    assert cli(command, "rapport.txt", *force) == 2
    assert "een bestand" in capsys.readouterr().err
    assert (work / "rapport.txt").read_text() == "tekst"


# ---------------------------------------------------------------- OS errors: clean, old folder intact


@pytest.mark.parametrize("command", COMMANDS)
def test_parent_is_a_file(command: str, work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (work / "bestand").write_text("x")
    assert cli(command, "bestand/rapport") == 2
    err = capsys.readouterr().err
    assert "bestand/rapport" in err and "Traceback" not in err
    assert (work / "bestand").read_text() == "x"


@pytest.mark.parametrize("command", COMMANDS)
def test_read_only_parent(command: str, work: Path, monkeypatch: pytest.MonkeyPatch,
                          capsys: pytest.CaptureFixture[str]) -> None:
    def denied(*args: object, **kwargs: object) -> str:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(outdir.tempfile, "mkdtemp", denied)
    assert cli(command, "rapport") == 2
    err = capsys.readouterr().err
    assert "kan niet worden geschreven" in err and "Permission denied" in err and "Traceback" not in err
    assert not (work / "rapport").exists()


@pytest.mark.parametrize("command", COMMANDS)
def test_disk_full_keeps_the_old_folder(command: str, work: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(command, "rapport") in (0, 1)
    before = snapshot(work / "rapport")
    real = Path.write_text

    def full(self: Path, *args: object, **kwargs: object) -> int:
        if ".tmp" in str(self):  # a file in the folder being built
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "write_text", full)
    assert cli(command, "rapport") == 2
    err = capsys.readouterr().err
    assert "No space left on device" in err and "niets veranderd" in err and "Traceback" not in err
    assert snapshot(work / "rapport") == before
    no_leftovers(work)


def test_disk_full_in_a_big_file(work: Path, monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    """polars reports a full disk as an OSError without errno (os error 28 in the text)."""
    assert cli("validate", "rapport") in (0, 1)
    before = snapshot(work / "rapport")

    def full(*args: object, **kwargs: object) -> None:
        raise OSError("No space left on device (os error 28)")

    monkeypatch.setattr(pl.DataFrame, "write_csv", full)
    assert cli("validate", "rapport") == 2
    err = capsys.readouterr().err
    assert "fout in de uitvoermap" in err and "os error 28" in err and "Traceback" not in err
    assert snapshot(work / "rapport") == before
    no_leftovers(work)


def test_failed_swap_puts_the_old_folder_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "rapport"
    with atomic_folder(out, command="validate") as tmp:
        (tmp / "a.txt").write_text("oud")
    real = os.replace
    calls: list[int] = []

    def second_fails(src: str | Path, dst: str | Path) -> None:
        calls.append(1)
        if len(calls) == 2:
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        real(src, dst)

    monkeypatch.setattr(outdir.os, "replace", second_fails)
    with pytest.raises(InputError, match="niets veranderd"):
        with atomic_folder(out, command="validate") as tmp:
            (tmp / "a.txt").write_text("nieuw")
    assert (out / "a.txt").read_text() == "oud"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rapport"]


# ---------------------------------------------------------------- the Python API


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.from_path(RULES)


def test_api_write_refuses_foreign_folders(engine: Engine, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    report = engine.validate(EXACT)
    changes = diff(engine, engine, [EXACT])
    foreign = tmp_path / "mijn_map"
    foreign.mkdir()
    (foreign / "notities.txt").write_text("belangrijk")
    for write in (report.write, changes.write):
        with pytest.raises(InputError, match="--force"):
            write(foreign)
        with pytest.raises(InputError, match="werkmap"):
            write(".", force=True)
        with pytest.raises(InputError, match="leeg"):
            write("")
        with pytest.raises(InputError, match="de invoer"):
            write(tmp_path / "x", force=True, protect=[("de invoer", tmp_path / "x" / "in.csv")])
    assert (foreign / "notities.txt").read_text() == "belangrijk"
    with pytest.raises(InputError, match="een bestand"):
        report.write(foreign / "notities.txt", force=True)
    assert report.write(tmp_path / "r") == tmp_path / "r"
    assert changes.write(tmp_path / "r") == tmp_path / "r"  # a zorgregels folder: replaced
    assert (tmp_path / "r" / MARKER).read_text(encoding="utf-8").startswith("zorgregels diff\n")
    report.write(foreign, force=True)
    assert not (foreign / "notities.txt").exists()


# ---------------------------------------------------------------- the rule, for any folder


NAMES = st.text(alphabet="abcXYZ._-0123456789", min_size=1, max_size=12).filter(lambda s: s not in (".", ".."))


@settings(max_examples=60, deadline=None)
@given(names=st.sets(NAMES, max_size=5), listed=st.sets(NAMES, max_size=5), marked=st.booleans())
def test_only_empty_or_own_folders_are_accepted(tmp_path_factory: pytest.TempPathFactory, names: set[str],
                                                listed: set[str], marked: bool) -> None:
    base = tmp_path_factory.mktemp("o")
    folder = base / "uit"
    folder.mkdir()
    names.discard(MARKER)
    for n in names:
        (folder / n).write_text(n)
    if marked:
        (folder / MARKER).write_text("\n".join(["zorgregels validate", *sorted(listed)]) + "\n")
    ours = marked and names <= listed
    if ours or not (names or marked):
        assert check_out_dir(folder) == folder
    else:
        with pytest.raises(InputError, match="--force"):
            check_out_dir(folder)
    assert check_out_dir(folder, force=True) == folder
    assert sorted(p.name for p in folder.iterdir()) == sorted(names | ({MARKER} if marked else set()))


def test_a_symbolic_link_is_refused(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli("validate", "rapport") in (0, 1)
    (work / "koppeling").symlink_to(work / "rapport", target_is_directory=True)
    assert cli("validate", "koppeling", "--force") == 2
    assert "symbolische koppeling" in capsys.readouterr().err
    assert (work / "koppeling").is_symlink()
