"""End-to-end speed of ``zorgregels validate``: read, every check, all four outputs written.

    python benchmarks/bench_validate.py --rows 100000 --rows 1000000 [--runs 3] [--format parquet]

Generates N realistic seeded decisions once per N (not timed), then runs the validation
``--runs`` times, each in a fresh process so that peak memory (VmHWM, benchlib.peak_mb) is that run's own,
and prints the median seconds, rows/s and peak memory. In the same run it measures the floor,
also in fresh processes: reading the input with polars alone and writing four files of the
outputs' sizes with nothing computed (the input as decisions.csv, the run's own findings as
findings.jsonl, summary.json and report.html as bytes); and prints the ratio to it, with the
machine's load, because absolute times on a shared machine move. ``--stages`` adds one run
that prints the time per stage of the pipeline.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from benchlib import child_runs, cpu_seconds, floor_line, load, peak_mb  # noqa: E402


def one_run(path: str, out: str) -> None:
    """Child process: validate ``path`` and write the report; print seconds and peak RSS."""
    t0 = time.perf_counter()
    from zorgregels import Engine

    engine = Engine.from_path(ROOT / "rules")
    report = engine.validate(path)
    report.write(out, force=True)
    seconds = time.perf_counter() - t0
    print(json.dumps({"seconds": seconds, "cpu": cpu_seconds(), "peak_mb": peak_mb(), "rows": report.rows_in,
                      "findings": report.summary["findings"]}))


def floor_run(path: str, report: str, out: str) -> None:
    """Child process: read ``path`` with polars alone and write four files of the outputs'
    sizes (the previous report's findings, read before the clock starts)."""
    import polars as pl

    findings = pl.read_ndjson(Path(report) / "findings.jsonl", infer_schema_length=None)
    summary = (Path(report) / "summary.json").read_bytes()
    html = (Path(report) / "report.html").read_bytes()
    dest = Path(out)
    dest.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    if path.endswith(".parquet"):
        df = pl.read_parquet(path)
    else:
        df = pl.read_csv(path, infer_schema=False)
    df.with_columns(pl.lit("ok").alias("verdict"), pl.lit(0).alias("finding_count")).write_csv(
        dest / "decisions.csv")
    findings.write_ndjson(dest / "findings.jsonl")
    (dest / "summary.json").write_bytes(summary)
    (dest / "report.html").write_bytes(html)
    print(json.dumps({"seconds": time.perf_counter() - t0, "cpu": cpu_seconds(), "peak_mb": peak_mb()}))


def stages(path: str, out: str) -> None:
    """Child process: one run with the time per stage (wrapped functions; nested times overlap)."""
    import functools

    import polars as pl

    import zorgregels.core.columnar.evaluator as ev
    import zorgregels.jobs.validate.report as rep
    import zorgregels.jobs.validate.run as run
    from zorgregels import Engine

    took: dict[str, float] = {}
    cpu: dict[str, float] = {}

    def cpu_now() -> float:
        t = os.times()
        return t.user + t.system

    def wrap(owner: object, name: str, label: str) -> None:
        f = getattr(owner, name)

        @functools.wraps(f)
        def timed(*a: object, **k: object) -> object:
            t, c = time.perf_counter(), cpu_now()
            try:
                return f(*a, **k)
            finally:
                took[label] = took.get(label, 0.0) + time.perf_counter() - t
                cpu[label] = cpu.get(label, 0.0) + cpu_now() - c
        setattr(owner, name, timed)

    for n in ("open_source", "no_stacking", "sequential_help", "budget_ceiling", "locate",
              "mask_bsns_frame", "batch_receipt", "_summary"):
        if hasattr(run, n):
            wrap(run, n, f"validate.{n}")
    for n in ("read_columns", "derive_columns", "batch_findings", "_lacking"):
        if hasattr(ev, n):
            wrap(ev, n, f"columnar.{n}")
    for n in ("_tables", "_outcomes", "evaluate"):
        wrap(ev.ColumnarEvaluator, n, f"columnar.{n}")
    wrap(rep, "render_html", "write.report_html")
    wrap(pl.DataFrame, "write_ndjson", "write.findings_jsonl")
    wrap(rep, "_write_decisions", "write.decisions_csv")
    t0, c0 = time.perf_counter(), cpu_now()
    engine = Engine.from_path(ROOT / "rules")
    t1, c1 = time.perf_counter(), cpu_now()
    report = engine.validate(path)
    t2, c2 = time.perf_counter(), cpu_now()
    report.write(out, force=True)
    t3, c3 = time.perf_counter(), cpu_now()
    print(f"  stages (one run; wall/cpu): rules {t1 - t0:.2f}/{c1 - c0:.2f} s, validate {t2 - t1:.2f}/{c2 - c1:.2f} s, "
          f"write {t3 - t2:.2f}/{c3 - c2:.2f} s, peak {peak_mb():,.0f} MB")
    for k, v in took.items():
        print(f"    {k:34s} {v:6.2f} s wall, {cpu[k]:6.2f} s cpu")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, action="append", help="N (repeatable); default 100000 and 1000000")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--format", choices=["csv", "parquet", "jsonl"], default="csv")
    ap.add_argument("--input", help="an existing decisions file instead of generated rows")
    ap.add_argument("--stages", action="store_true", help="also one run with the time per stage")
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    ap.add_argument("--floor", nargs=3, help=argparse.SUPPRESS)
    ap.add_argument("--stages-child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        one_run(*args.child)
        return 0
    if args.floor:
        floor_run(*args.floor)
        return 0
    if args.stages_child:
        stages(*args.stages_child)
        return 0
    from gen_decisions import generate

    with tempfile.TemporaryDirectory(prefix="zorgregels-bench-") as tmp:
        jobs: list[tuple[int | None, Path, float]] = []
        if args.input:
            jobs.append((None, Path(args.input), 0.0))
        for n in ([] if args.input and not args.rows else args.rows or [100_000, 1_000_000]):
            path = Path(tmp) / f"decisions_{n}.{args.format}"
            t0 = time.perf_counter()
            df = generate(n, seed=2025)
            getattr(df, {"csv": "write_csv", "parquet": "write_parquet", "jsonl": "write_ndjson"}[args.format])(path)
            del df
            jobs.append((n, path, time.perf_counter() - t0))
        for _n, path, gen in jobs:
            print(f"{path.name} ({path.stat().st_size / 1e6:.0f} MB, generated in {gen:.1f} s); {load()}",
                  flush=True)
            report = str(Path(tmp) / "report")
            work = child_runs([__file__, "--child", str(path), report], args.runs)
            floor = child_runs([__file__, "--floor", str(path), report, str(Path(tmp) / "floor")], args.runs)
            rows = work[0]["rows"]
            secs = sorted(r["seconds"] for r in work)[len(work) // 2]
            print(f"  N={rows:,}: {rows / secs:,.0f} rows/s; findings {work[0]['findings']:,}")
            print("  " + floor_line("validate end to end", work, floor) + f"; {load()}", flush=True)
            if args.stages:
                import subprocess

                subprocess.run([sys.executable, __file__, "--stages-child", str(path), report], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
