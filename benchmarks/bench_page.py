"""Speed of validate's ``report.html`` alone (``jobs/validate/page.render_html``) on N decisions.

    python benchmarks/bench_page.py --rows 100000 --rows 1000000 [--runs 3]
    python benchmarks/bench_page.py --input /tmp/bench/d1m.parquet [--runs 3] [--profile]

Generates N realistic seeded decisions once per N (not timed; ``--input`` takes an existing
file instead), then in ``--runs`` fresh processes validates them (not timed) and times
``render_html``: its first call, as ``zorgregels validate`` pays it (the template compiled
too), and a second call in the same process. In the same process it measures the floor: what
any page of these counts must do with nothing else computed, counting the decisions per group
of the four dimensions (one group-by each) and writing the page's bytes; and prints the ratio
to it, with the machine's load, because absolute times on a shared machine move. ``--profile``
adds one run under cProfile (the 25 costliest calls by cumulative time).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from benchlib import child_runs, cpu_seconds, load  # noqa: E402

DIMENSIONS = ("municipality", "provider", "team", "referrer_type")


def _timed(f: Any) -> tuple[Any, float, float]:
    t, c = time.perf_counter(), cpu_seconds()
    out = f()
    return out, time.perf_counter() - t, cpu_seconds() - c


def one_run(path: str, out: str) -> None:
    """Child process: validate ``path`` (not timed), then time the page twice and its floor."""
    import polars as pl

    from zorgregels import Engine
    from zorgregels.jobs.validate.page import render_html

    report = Engine.from_path(ROOT / "rules").validate(path)
    html, cold, cold_cpu = _timed(lambda: render_html(report))
    _, warm, warm_cpu = _timed(lambda: render_html(report))
    d = report.decisions
    dest = Path(out) / "report.html"
    dest.parent.mkdir(parents=True, exist_ok=True)
    _, floor, floor_cpu = _timed(lambda: (pl.collect_all([d.lazy().group_by(k).len() for k in DIMENSIONS]),
                                          dest.write_text(html, encoding="utf-8")))
    print(json.dumps({"seconds": cold, "cpu": cold_cpu, "warm": warm, "warm_cpu": warm_cpu, "floor": floor,
                      "floor_cpu": floor_cpu, "rows": report.rows_in, "findings": report.findings.height,
                      "bytes": len(html.encode("utf-8"))}))


def profile(path: str) -> None:
    """Child process: one warm call of the page under cProfile."""
    import cProfile
    import pstats

    from zorgregels import Engine
    from zorgregels.jobs.validate.page import render_html

    report = Engine.from_path(ROOT / "rules").validate(path)
    render_html(report)
    prof = cProfile.Profile()
    prof.runcall(render_html, report)
    pstats.Stats(prof).sort_stats("cumulative").print_stats(25)


def _median(runs: list[dict[str, Any]], key: str) -> float:
    return float(statistics.median(float(r[key]) for r in runs))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, action="append", help="N (repeatable); default 100000 and 1000000")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--input", help="an existing decisions file instead of generated rows")
    ap.add_argument("--profile", action="store_true", help="also one run under cProfile")
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    ap.add_argument("--profile-child", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        one_run(*args.child)
        return 0
    if args.profile_child:
        profile(args.profile_child)
        return 0
    from gen_decisions import generate

    with tempfile.TemporaryDirectory(prefix="zorgregels-bench-page-") as tmp:
        paths = [Path(args.input)] if args.input else []
        for n in ([] if args.input and not args.rows else args.rows or [100_000, 1_000_000]):
            path = Path(tmp) / f"decisions_{n}.parquet"
            generate(n, seed=2025).write_parquet(path)
            paths.append(path)
        for path in paths:
            print(f"{path.name}; {load()}", flush=True)
            runs = child_runs([__file__, "--child", str(path), str(Path(tmp) / "out")], args.runs)
            r0 = runs[0]
            cold, cpu = _median(runs, "seconds"), _median(runs, "cpu")
            floor, floor_cpu = _median(runs, "floor"), _median(runs, "floor_cpu")
            print(f"  N={r0['rows']:,}, {r0['findings']:,} findings, page {r0['bytes'] / 1e6:.1f} MB")
            print(f"  report.html: {cold:.3f} s (cpu {cpu:.3f} s) first call, {_median(runs, 'warm'):.3f} s "
                  f"(cpu {_median(runs, 'warm_cpu'):.3f} s) again | floor {floor:.3f} s (cpu {floor_cpu:.3f} s) | "
                  f"ratio {cold / floor:.1f}x the floor, cpu {cpu / max(floor_cpu, 1e-3):.1f}x "
                  f"(medians of {len(runs)} fresh processes; first calls "
                  + ", ".join(f"{r['seconds']:.3f}" for r in runs) + f"); {load()}", flush=True)
            if args.profile:
                import subprocess

                subprocess.run([sys.executable, __file__, "--profile-child", str(path)], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
