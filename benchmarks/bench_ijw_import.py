"""Speed of the iJw importer on a synthetic year of messages (medians of several runs).

    .venv/bin/python benchmarks/bench_ijw_import.py [--products 100000] [--per-message 2] [--runs 3]

Generates --products products (seeded) in JW301/JW315 messages of --per-message products each,
written both as a folder of .xml files and as one .zip archive, and prints the median seconds,
products/s and peak resident memory (fresh process per run) of ``readers.read_decisions`` on each.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

CHILD = """
import os, resource, sys, time
from zorgregels.io.readers import read_decisions
t0, c0 = time.perf_counter(), os.times()
df = read_decisions([sys.argv[1]])
took, c1 = time.perf_counter() - t0, os.times()
assert df["_error"].null_count() == df.height
print(took, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, df.height, c1.user + c1.system - c0.user - c0.system)
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
    a = ap.parse_args()
    rng = random.Random(20260401)
    n_msgs = a.products // a.per_message
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "berichten"
        folder.mkdir()
        archive = Path(tmp) / "berichten.zip"
        with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as z:
            for i in range(n_msgs):
                msg = "jw301" if i % 3 else "jw315"
                text = message(rng, msg, i + 1, a.per_message)
                name = f"{i // 1000:03d}/{msg.upper()}_{i:07d}.xml"
                (folder / name).parent.mkdir(exist_ok=True)
                (folder / name).write_text(text, encoding="utf-8")
                z.writestr(name, text)
        print(f"{n_msgs} messages, {n_msgs * a.per_message} products; zip {archive.stat().st_size / 1e6:.1f} MB")
        for label, path in (("folder", folder), ("zip", archive)):
            times, peaks, cpus = [], [], []
            for _ in range(a.runs):  # a fresh process per run: its peak RSS is the reader's
                out = subprocess.run([sys.executable, "-c", CHILD, str(path)], check=True,
                                     capture_output=True, text=True).stdout.split()
                assert int(out[2]) == n_msgs * a.per_message, out
                times.append(float(out[0]))
                peaks.append(int(out[1]))
                cpus.append(float(out[3]))
            med = statistics.median(times)
            print(f"{label:6s}: median {med:.2f} s over {a.runs} runs, "
                  f"{n_msgs * a.per_message / med:,.0f} products/s, "
                  f"cpu {statistics.median(cpus):.2f} s, peak RSS {statistics.median(peaks) / 1024:.0f} MB; "
                  f"load {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")

if __name__ == "__main__":
    main()
