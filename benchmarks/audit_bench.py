"""Speed of ``audit_rejections`` on generated years of decisions (medians of several runs).

    .venv/bin/python benchmarks/audit_bench.py [--runs 5] [--sizes 2400 9600]

Uses fixtures/audit/generate.py with a larger N for the bigger batches (written to a temporary
folder). Prints rows, audited rejections, and the median wall time of the audit (reading the CSV
included, loading the rules excluded) and of its parts.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def generate(n: int, folder: Path) -> Path:
    spec = importlib.util.spec_from_file_location("gen_audit", ROOT / "fixtures" / "audit" / "generate.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    mod.N = n
    mod.OUT = folder / f"decisions_{n}.csv"
    mod.main()
    return mod.OUT


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--sizes", type=int, nargs="+", default=[2400, 9600])
    args = ap.parse_args()

    from zorgregels import Engine
    from zorgregels.jobs.audit import audit_rejections
    from zorgregels.jobs.audit.page import render
    from zorgregels.jobs.boilerplate import group_texts

    engine = Engine.from_path(ROOT / "rules")
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            path = generate(n, Path(tmp))
            audit_rejections(engine, path)  # warm-up (builds the durable-rules host once)
            times, html_times, group_times = [], [], []
            report = None
            for _ in range(args.runs):
                t = time.perf_counter()
                report = audit_rejections(engine, path)
                times.append(time.perf_counter() - t)
                t = time.perf_counter()
                render(report)
                html_times.append(time.perf_counter() - t)
            import polars as pl

            texts = pl.read_csv(path, infer_schema=False).filter(pl.col("outcome") == "rejected")["motivation"].to_list()
            for _ in range(args.runs):
                t = time.perf_counter()
                group_texts(texts)
                group_times.append(time.perf_counter() - t)
            assert report is not None
            audited = len(report.decisions)
            med = statistics.median(times)
            print(f"{report.summary['rows']:>6} rijen, {audited:>5} getoetste afwijzingen: audit {med:.2f} s "
                  f"(mediaan van {args.runs}; {audited / med:.0f} afwijzingen/s), waarvan hergebruik-groepering "
                  f"{statistics.median(group_times):.2f} s over {len(texts)} motiveringen; HTML {statistics.median(html_times):.2f} s")


if __name__ == "__main__":
    main()
