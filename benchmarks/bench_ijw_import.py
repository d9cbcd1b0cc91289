"""Speed of the iJw importer on a synthetic year of messages (medians of several runs).

    .venv/bin/python benchmarks/bench_ijw_import.py [--products 100000] [--per-message 2] [--runs 3]

Generates --products products (seeded) in JW301/JW315 messages of --per-message products each,
written both as a folder of .xml files and as one .zip archive, and prints, for each, the medians
of --runs fresh processes of ``readers.read_decisions``: wall and CPU seconds (with the CPU of the
import's worker processes), products/s and peak memory (``benchlib.peak_mb``; the largest worker's
peak beside it), beside the floor measured in the same run (ElementTree parses every
message, nothing else) and the machine's load. ``--keep DIR`` keeps (and reuses) the messages.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchlib  # noqa: E402

CHILD = """
import json, os, resource, sys, time
sys.path.insert(0, sys.argv[3])
import benchlib
def cpu():  # this process and its workers (the pool's processes are waited for when it ends)
    t = os.times()
    return benchlib.cpu_seconds() + t.children_user + t.children_system
t0, c0 = time.perf_counter(), cpu()
if sys.argv[1] == "work":
    from zorgregels.io.readers import read_decisions
    df = read_decisions([sys.argv[2]])
    assert df["_error"].null_count() == df.height
    n = df.height
else:  # the floor: every message parsed by ElementTree, nothing else
    import xml.etree.ElementTree as ET, zipfile
    from pathlib import Path
    p, n = Path(sys.argv[2]), 0
    if p.suffix == ".zip":
        with zipfile.ZipFile(p) as z:
            for i in sorted(z.infolist(), key=lambda i: i.filename):
                n += len(ET.fromstring(z.read(i)))
    else:
        for f in sorted(p.rglob("*.xml")):
            n += len(ET.fromstring(f.read_bytes()))
print(json.dumps({"seconds": time.perf_counter() - t0, "cpu": cpu() - c0, "peak_mb": benchlib.peak_mb(),
                  "worker_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, "rows": n}))
"""

BASE = "http://www.istandaarden.nl/ijw/3_2/basisschema/schema"


def message(rng: random.Random, msg: str, ident: int, n: int) -> str:
    ns = f"http://www.istandaarden.nl/ijw/3_2/{msg}/schema"
    gm, agb = f"{rng.randint(1, 1999):04d}", f"{rng.randint(10**7, 10**8 - 1)}"
    sender, receiver = (gm, agb) if msg == "jw301" else (agb, gm)
    products = []
    for k in range(n):
        cat = rng.choice(["45", "54", "41", "43"])
        code = f"{cat}A{rng.randint(1, 99):02d}"
        start = f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        end = f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        unit = rng.choice(["01", "04", "14", "16", "83"])
        vol = str(rng.randint(100, 500000) if unit == "83" else rng.randint(1, 40))
        omvang = (f"<m:Omvang><ijw:Volume>{vol}</ijw:Volume><ijw:Eenheid>{unit}</ijw:Eenheid>"
                  f"<ijw:Frequentie>{rng.choice('246')}</ijw:Frequentie></m:Omvang>")
        prod = f"<m:Product><ijw:Categorie>{cat}</ijw:Categorie><ijw:Code>{code}</ijw:Code></m:Product>"
        if msg == "jw301":
            products.append(
                f"<m:ToegewezenProduct><m:ToewijzingNummer>{ident * 10 + k}</m:ToewijzingNummer>{prod}"
                f"<m:Toewijzingsdatum>{start}</m:Toewijzingsdatum><m:Ingangsdatum>{start}</m:Ingangsdatum>"
                f"<m:Einddatum>{end}</m:Einddatum>{omvang}</m:ToegewezenProduct>")
        else:
            products.append(
                f"<m:AangevraagdProduct><m:ReferentieAanbieder>R{ident}-{k}</m:ReferentieAanbieder>{prod}"
                f"<m:ToewijzingIngangsdatum>{start}</m:ToewijzingIngangsdatum>"
                f"<m:ToewijzingEinddatum>{end}</m:ToewijzingEinddatum>{omvang}"
                f"<m:Verwijzer><ijw:Type>02</ijw:Type><ijw:ZorgverlenerCode>{agb}</ijw:ZorgverlenerCode>"
                f"</m:Verwijzer></m:AangevraagdProduct>")
    box = "ToegewezenProducten" if msg == "jw301" else "AangevraagdeProducten"
    return (f'<?xml version="1.0" encoding="UTF-8"?><m:Bericht xmlns:m="{ns}" xmlns:ijw="{BASE}">'
            f"<m:Header><m:Afzender>{sender}</m:Afzender><m:Ontvanger>{receiver}</m:Ontvanger>"
            f"<m:BerichtIdentificatie><ijw:Identificatie>{ident}</ijw:Identificatie>"
            f"<ijw:Dagtekening>2025-01-01</ijw:Dagtekening></m:BerichtIdentificatie></m:Header>"
            f"<m:Client><m:Bsn>{rng.randint(10**8, 10**9 - 1)}</m:Bsn><m:Geboortedatum><ijw:Datum>"
            f"20{rng.randint(8, 24):02d}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}</ijw:Datum></m:Geboortedatum>"
            f"<m:{box}>{''.join(products)}</m:{box}></m:Client></m:Bericht>")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--products", type=int, default=100_000)
    ap.add_argument("--per-message", type=int, default=2)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--keep", type=Path, default=None, help="folder to keep the generated messages in")
    a = ap.parse_args()
    rng = random.Random(20260401)
    n_msgs = a.products // a.per_message
    with tempfile.TemporaryDirectory() as tmp:
        base = a.keep or Path(tmp)
        folder = base / "berichten"
        archive = base / "berichten.zip"
        if not archive.exists():
            folder.mkdir(parents=True)
            with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as z:
                for i in range(n_msgs):
                    msg = "jw301" if i % 3 else "jw315"
                    text = message(rng, msg, i + 1, a.per_message)
                    name = f"{i // 1000:03d}/{msg.upper()}_{i:07d}.xml"
                    (folder / name).parent.mkdir(exist_ok=True)
                    (folder / name).write_text(text, encoding="utf-8")
                    z.writestr(name, text)
        print(f"{n_msgs} messages, {n_msgs * a.per_message} products; zip {archive.stat().st_size / 1e6:.1f} MB; "
              + benchlib.load())
        here = str(Path(__file__).resolve().parent)
        for label, path in (("folder", folder), ("zip", archive)):
            # fresh processes: each run's peak is the reader's own (benchlib.peak_mb)
            work = benchlib.child_runs(["-c", CHILD, "work", str(path), here], a.runs)
            floor = benchlib.child_runs(["-c", CHILD, "floor", str(path), here], a.runs)
            assert all(int(r["rows"]) == n_msgs * a.per_message for r in work), work
            med = benchlib.median(work, "seconds")
            print(f"{label:6s}: {n_msgs * a.per_message / med:,.0f} products/s, "
                  f"{benchlib.median(work, 'cpu') / (n_msgs * a.per_message) * 1e6:.0f} us CPU per product")
            print("  " + benchlib.floor_line(f"iJw import ({label})", work, floor))
            print(f"  largest worker's peak {benchlib.median(work, 'worker_peak_mb'):,.0f} MB (0: read in one process)")
        print(benchlib.load())


if __name__ == "__main__":
    main()
