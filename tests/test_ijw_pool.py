"""An iJw import read on all cores (``io.ijw_pool``) gives the rows the one-process import
gives, in the same order, with the same refusals; a bad file still names itself; Ctrl-C in the
middle of it is one line and exit code 130, and leaves no worker behind."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zorgregels.diagnostics import InputError
from zorgregels.io import ijw_import
from zorgregels.io.ijw_import import read_many
from zorgregels.io.readers import ERROR, SOURCE, read_decisions
from zorgregels.launch import EXIT_INTERRUPTED, INTERRUPTED

ROOT = Path(__file__).resolve().parents[1]
BASE = "http://www.istandaarden.nl/ijw/3_2/basisschema/schema"

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="the pool forks its workers (Linux)")

BOMB = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><lolz>&lol2;</lolz>')
XXE = '<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><foo>&xxe;</foo>'


def message(i: int) -> str:
    """Message ``i``: JW301 or JW315, one to three products, some values odd (eurocent,
    foreign namespaces, comments)."""
    msg = "jw301" if i % 3 else "jw315"
    ns = f"http://www.istandaarden.nl/ijw/3_2/{msg}/schema"
    products = []
    for k in range(1 + i % 3):
        omvang = (f"<m:Omvang><ijw:Volume>{100 * i + k}</ijw:Volume><ijw:Eenheid>{'83' if k else '04'}</ijw:Eenheid>"
                  "<ijw:Frequentie>2</ijw:Frequentie></m:Omvang>")
        prod = f"<m:Product><!-- c --><ijw:Categorie>45</ijw:Categorie><x:Code xmlns:x='urn:x'>1</x:Code>" \
               f"<ijw:Code>45A{k:02d}</ijw:Code></m:Product>"
        if msg == "jw301":
            products.append(f"<m:ToegewezenProduct><m:ToewijzingNummer>{i % 7}</m:ToewijzingNummer>{prod}"
                            f"<m:Ingangsdatum>2026-01-0{1 + k}</m:Ingangsdatum>{omvang}</m:ToegewezenProduct>")
        else:
            products.append(f"<m:AangevraagdProduct><m:ReferentieAanbieder>R{i}</m:ReferentieAanbieder>{prod}"
                            f"{omvang}<m:Verwijzer><ijw:Type>02</ijw:Type></m:Verwijzer></m:AangevraagdProduct>")
    box = "ToegewezenProducten" if msg == "jw301" else "AangevraagdeProducten"
    return (f'<?xml version="1.0" encoding="UTF-8"?><m:Bericht xmlns:m="{ns}" xmlns:ijw="{BASE}">'
            f"<m:Header><m:Afzender>{i % 500}</m:Afzender><m:Ontvanger>12345678</m:Ontvanger>"
            f"<m:BerichtIdentificatie><ijw:Identificatie>{i}</ijw:Identificatie></m:BerichtIdentificatie></m:Header>"
            f"<m:Client><m:Bsn>99990000{i % 10}</m:Bsn><m:{box}>{''.join(products)}</m:{box}></m:Client></m:Bericht>")


def hostile(i: int) -> str:
    """Every 17th message is malformed, a bomb, an external entity or another message type."""
    return [message(i)[:-9], BOMB, XXE, message(i).replace("jw301", "jw305").replace("jw315", "jw305")][i % 4]


def corpus(tmp_path: Path, n: int) -> Path:
    folder = tmp_path / "berichten"
    for i in range(n):
        f = folder / f"{i // 50:02d}" / f"m{i:05d}.xml"
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(hostile(i) if i % 17 == 5 else message(i), encoding="utf-8")
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as z:
        z.writestr("a.xml", message(1))
        z.writestr("b.txt", "geen bericht")
    with zipfile.ZipFile(folder / "export.zip", "w", compression=zipfile.ZIP_DEFLATED) as z:
        for f in sorted(folder.rglob("*.xml"))[: n // 2]:
            z.writestr(f"{f.parent.name}/{f.name}", f.read_bytes())
        z.writestr("n/inner.zip", inner.getvalue())
        z.writestr("n/kapot.zip", b"PK geen zip")
        z.writestr("n/leesmij.txt", "x")
    return folder


def one_process(paths: list[Path], monkeypatch: pytest.MonkeyPatch) -> pl.DataFrame:
    with monkeypatch.context() as m:
        m.setattr(ijw_import, "POOL_MIN_MESSAGES", 10**9)
        return read_decisions(paths)


@pytest.mark.parametrize("workers", [2, 3])
def test_the_pool_reads_what_one_process_reads_in_the_same_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                 workers: int) -> None:
    folder = corpus(tmp_path, 300)
    alone = one_process([folder], monkeypatch)
    monkeypatch.setattr(ijw_import, "cores", lambda: workers)
    monkeypatch.setattr(ijw_import, "POOL_MIN_MESSAGES", 20)
    monkeypatch.setattr(ijw_import, "ZIP_BYTES_PER_MESSAGE", 10)  # the archive is read in slices
    files = sorted(folder.rglob("*.xml")) + [folder / "export.zip"]
    assert len(ijw_import.plan(files, workers)) > workers  # more parts than workers
    pooled = read_decisions([folder])
    assert pooled.equals(alone) and pooled.height > 300
    # and so are the refusals: nothing of a bomb or an external entity is read
    errors = [e for e in pooled[ERROR].to_list() if e]
    assert sum("DOCTYPE-declaratie" in e and "!" in e for e in errors) >= 2  # in the folder and the archive
    assert sum("DOCTYPE-declaratie" in e and "!" not in e for e in errors) >= 2
    assert not any("lol" in str(v) or "root:" in str(v) for row in pooled.drop(ERROR).rows() for v in row)
    # one archive alone: its slices, in order
    archive = folder / "export.zip"
    assert read_decisions([archive]).equals(one_process([archive], monkeypatch))


def test_a_file_that_cannot_be_read_is_named_by_the_pool(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = corpus(tmp_path, 60)
    files = sorted(folder.rglob("*.xml"))
    missing = files[40].with_name("weg.xml")
    paths = [*files[:41], missing, *files[41:]]
    with pytest.raises(InputError) as alone:
        read_many(paths)  # 61 messages: one process
    monkeypatch.setattr(ijw_import, "cores", lambda: 2)
    monkeypatch.setattr(ijw_import, "POOL_MIN_MESSAGES", 10)
    with pytest.raises(InputError) as pooled:
        read_many(paths)
    assert str(pooled.value) == str(alone.value) == f"{missing}: niet te lezen (No such file or directory)"


@settings(max_examples=40, deadline=None)
@given(members=st.integers(0, 30), slices=st.integers(1, 6), broken=st.booleans())
def test_the_slices_of_an_archive_are_its_rows_once_each(tmp_path_factory: pytest.TempPathFactory, members: int,
                                                        slices: int, broken: bool) -> None:
    archive = tmp_path_factory.mktemp("zip") / "a.zip"
    if broken:
        archive.write_bytes(b"PK kapot")
    else:
        with zipfile.ZipFile(archive, "w") as z:
            for i in range(members):
                z.writestr(f"{(i * 7) % members:03d}-{i}.xml", message(i) if i % 5 else "<x/>")
    whole = read_many([archive]).to_dicts()
    parts = [ijw_import.read_part([(str(archive), k, slices)]) for k in range(slices)]
    assert pl.concat([pl.DataFrame(p, schema=ijw_import.SCHEMA) for p in parts]).to_dicts() == whole


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def test_ctrl_c_while_the_pool_reads_is_one_line_and_exit_130(tmp_path: Path) -> None:
    """SIGINT to the whole process group (what a terminal sends for Ctrl-C), the workers too."""
    folder = tmp_path / "berichten"
    folder.mkdir()
    for i in range(6000):
        (folder / f"m{i:05d}.xml").write_text(message(i), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen([sys.executable, "-m", "zorgregels", "validate", str(folder), "--rules", str(ROOT / "rules"),
                             "--out", str(tmp_path / "uit"), "-q"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, text=True,
                            start_new_session=True)
    workers: list[int] = []
    deadline = time.monotonic() + 60
    while not workers and proc.poll() is None and time.monotonic() < deadline:
        workers = _children(proc.pid)
        time.sleep(0.001)
    assert workers, "the import ended before its workers were seen"
    time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == EXIT_INTERRUPTED, err
    assert err.strip().splitlines() == [INTERRUPTED]
    time.sleep(0.2)
    assert not [w for w in workers if _alive(w)]


def _alive(pid: int) -> bool:
    """A process that runs (not ended, not a zombie); one that ends while it is looked at is not."""
    try:
        return "zombie" not in Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False


def test_a_small_import_starts_no_pool(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = corpus(tmp_path, 30)

    def no_pool(*_: object) -> None:
        raise AssertionError("a pool for 30 messages")

    monkeypatch.setattr(ijw_import, "map_parts", no_pool)
    df = read_decisions([folder])
    assert df[SOURCE].n_unique() > 30
