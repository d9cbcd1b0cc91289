"""End-to-end speed of ``zorgregels validate``: read, every check, all four outputs written.

    python benchmarks/bench_validate.py --rows 100000 --rows 1000000 [--runs 3] [--format csv]

Generates N realistic seeded decisions once per N (not timed), then runs the validation
``--runs`` times, each in a fresh process so that peak memory (ru_maxrss) is that run's own,
and prints the median rows/s, end-to-end seconds and peak memory.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def one_run(path: str, out: str) -> None:
    """Child process: validate ``path`` and write the report; print seconds and peak RSS."""
    t0 = time.perf_counter()
    from zorgregels import Engine

    engine = Engine.from_path(ROOT / "rules")
    report = engine.validate(path)
    report.write(out)
    seconds = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb, "rows": report.rows_in,
                      "findings": report.summary["findings"]}))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, action="append", help="N (repeatable); default 100000 and 1000000")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--format", choices=["csv", "parquet", "jsonl"], default="csv")
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        one_run(*args.child)
        return 0
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from gen_decisions import generate

    with tempfile.TemporaryDirectory(prefix="zorgregels-bench-") as tmp:
        for n in args.rows or [100_000, 1_000_000]:
            path = Path(tmp) / f"decisions_{n}.{args.format}"
            t0 = time.perf_counter()
            df = generate(n, seed=2025)
            getattr(df, {"csv": "write_csv", "parquet": "write_parquet", "jsonl": "write_ndjson"}[args.format])(path)
            del df
            gen = time.perf_counter() - t0
            runs = []
            for _ in range(args.runs):
                out = subprocess.run([sys.executable, __file__, "--child", str(path), str(Path(tmp) / "report")],
                                     check=True, capture_output=True, text=True)
                runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
            secs = statistics.median(r["seconds"] for r in runs)
            peak = statistics.median(r["peak_mb"] for r in runs)
            print(f"N={n:>9,} ({args.format}, {path.stat().st_size / 1e6:.0f} MB, generated in {gen:.1f} s): "
                  f"median of {args.runs}: {n / secs:>10,.0f} rows/s, {secs:6.2f} s end to end, "
                  f"peak {peak:,.0f} MB; runs: " + ", ".join(f"{r['seconds']:.2f}s" for r in runs)
                  + f"; findings {runs[0]['findings']:,}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
