"""How long static verification takes: the example catalogue, and a larger generated one.

    .venv/bin/python benchmarks/bench_verify.py [--runs 7]

Prints the median (and min/max) of several runs of loading and of ``verify_catalogue``, and of
the whole ``zorgregels check`` command. The issue asks for under 5 seconds on the example.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

from zorgregels.catalogue.loader import load_catalogue
from zorgregels.cli import main
from zorgregels.jobs.verify import verify_catalogue

ROOT = Path(__file__).resolve().parent.parent


def timed(fn, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def show(label: str, times: list[float]) -> None:
    print(f"{label:58} median {statistics.median(times) * 1000:8.1f} ms"
          f"  (min {min(times) * 1000:.1f}, max {max(times) * 1000:.1f}, n={len(times)})")


def generated(folder: Path) -> Path:
    """The example region with a larger allocation table: 6 inputs, one per domain x severity x
    age band, 150 rows, over an age split at 10 boundaries (a real region's table is smaller)."""
    import shutil

    shutil.copytree(ROOT / "rules", folder, dirs_exist_ok=True)
    data = yaml.safe_load((folder / "tables.yaml").read_text(encoding="utf-8"))
    domains = [d["id"] for d in yaml.safe_load((folder / "region.yaml").read_text(encoding="utf-8"))["domains"]]
    bands = [(0, 4), (4, 8), (8, 12), (12, 16), (16, 18)]
    rows = [{"when": {"crisis": True}, "then": {"allowed_codes": ["46A01"], "advised_code": "46A01"}},
            {"when": {"crisis": False, "age": {"at_least": 18}},
             "then": {"allowed_codes": ["45B01"], "advised_code": "45B01"}}]
    for d in domains:
        for sev, code in (("licht", "45B01"), ("matig", "45B10"), ("ernstig", "45B11")):
            for lo, hi in bands:
                rows.append({"when": {"crisis": False, "primary_domain": d, "severity": sev,
                                      "age": {"at_least": lo, "less_than": hi}},
                             "then": {"allowed_codes": [code], "advised_code": code}})
    data["tables"].append({
        "id": "large_table", "name": "Grote tabel", "hit_policy": "unique", "basis": "bench §1",
        "inputs": ["crisis", "primary_domain", "severity", "age", "safety_concern", "out_of_home"],
        "outputs": ["allowed_codes", "advised_code"], "rows": rows})
    # the copied tables still write allowed_codes/advised_code: keep the large table separate
    data["tables"] = [t for t in data["tables"] if t["id"] != "code_choice"]
    (folder / "tables.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                                        encoding="utf-8")
    return folder


def main_bench() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    cat = load_catalogue(ROOT / "rules")
    print(f"example catalogue: {len(cat.codes)} codes, {len(cat.tables)} tables, "
          f"{sum(len(t.rows) for t in cat.tables)} rows")
    show("load_catalogue(rules/)", timed(lambda: load_catalogue(ROOT / "rules"), args.runs))
    show("verify_catalogue(example)", timed(lambda: verify_catalogue(cat), args.runs))
    show("zorgregels check rules/ (load + verify, in process)",
         timed(lambda: _quiet(["check", str(ROOT / "rules")]), args.runs))
    with tempfile.TemporaryDirectory() as tmp:
        big = load_catalogue(generated(Path(tmp) / "rules"))
        rows = sum(len(t.rows) for t in big.tables)
        diags = verify_catalogue(big)
        print(f"generated catalogue: {len(big.tables)} tables, {rows} rows; "
              f"{len(diags)} diagnostic(s): {sorted({d.code for d in diags})} (expected: the table "
              "reads two columns no row uses, and replaces code_choice, so most codes are unreached)")
        show("verify_catalogue(generated, 152-row table, 6 inputs)",
             timed(lambda: verify_catalogue(big), max(3, args.runs // 2)))
    return 0


def _quiet(argv: list[str]) -> None:
    with contextlib.redirect_stdout(io.StringIO()):
        main(argv)


if __name__ == "__main__":
    sys.exit(main_bench())
