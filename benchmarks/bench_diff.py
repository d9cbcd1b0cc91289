"""Speed of ``zorgregels diff``: the same decisions under two catalogues, compared, written.

    python benchmarks/bench_diff.py --input decisions.parquet [--runs 3]
    python benchmarks/bench_diff.py --rows 1000000 [--format parquet]

The proposed catalogue is the example's with the perceel-direction rule reversed (as in
tests/test_diff.py), copied to a temporary folder. Each run is a fresh process (rules loaded,
both validations, the comparison, the diff folder written); beside it, in the same run, the
validate of the same input (its goal: diff <= 2x validate) and the floor (polars reads the
input and writes it once). Medians of ``--runs``, peak RSS, the machine's load.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from benchlib import child_runs, cpu_seconds, floor_line, load, median, peak_mb  # noqa: E402

RULE_OLD = """    when:
      current_perceel: 1
      perceel: 2
      outcome: {not_equals: rejected}"""
RULE_NEW = RULE_OLD.replace("current_perceel: 1", "current_perceel: 2").replace("perceel: 2\n", "perceel: 1\n")


def proposed(folder: Path) -> Path:
    rules = folder / "rules_proposed"
    shutil.copytree(ROOT / "rules", rules)
    p = rules / "zuid-kennemerland-ijmond" / "validation.yaml"
    text = p.read_text(encoding="utf-8")
    if RULE_OLD not in text:
        raise SystemExit("de regel perceel 1 -> 2 staat niet (meer) in validation.yaml; pas RULE_OLD aan")
    p.write_text(text.replace(RULE_OLD, RULE_NEW), encoding="utf-8")
    return rules


def diff_run(path: str, rules_new: str, out: str) -> None:
    t0 = time.perf_counter()
    from zorgregels import Engine
    from zorgregels.jobs.diff import diff

    report = diff(Engine.from_path(ROOT / "rules"), Engine.from_path(rules_new), path)
    report.write(out, force=True)
    print(json.dumps({"seconds": time.perf_counter() - t0, "cpu": cpu_seconds(), "peak_mb": peak_mb(),
                      "changed": report.summary["decisions_changed"]}))


def floor_run(path: str, out: str) -> None:
    import polars as pl

    t0 = time.perf_counter()
    df = pl.read_parquet(path) if path.endswith(".parquet") else pl.read_csv(path, infer_schema=False)
    Path(out).mkdir(parents=True, exist_ok=True)
    df.write_csv(Path(out) / "decisions.csv")
    print(json.dumps({"seconds": time.perf_counter() - t0, "cpu": cpu_seconds(), "peak_mb": peak_mb()}))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--input")
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--format", choices=["csv", "parquet"], default="parquet")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    ap.add_argument("--floor", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        diff_run(*args.child)
        return 0
    if args.floor:
        floor_run(*args.floor)
        return 0
    with tempfile.TemporaryDirectory(prefix="zorgregels-diff-") as tmp:
        path = Path(args.input) if args.input else Path(tmp) / f"decisions.{args.format}"
        if not args.input:
            from gen_decisions import generate

            df = generate(args.rows, seed=2025)
            df.write_parquet(path) if args.format == "parquet" else df.write_csv(path)
        rules_new = proposed(Path(tmp))
        print(f"{path.name}; {load()}", flush=True)
        work = child_runs([__file__, "--child", str(path), str(rules_new), str(Path(tmp) / "diff")], args.runs)
        validate = child_runs([str(ROOT / "benchmarks" / "bench_validate.py"), "--child", str(path),
                               str(Path(tmp) / "report")], args.runs)
        floor = child_runs([__file__, "--floor", str(path), str(Path(tmp) / "floor")], args.runs)
        print("  " + floor_line("diff end to end", work, floor))
        print(f"  validate of the same input: {median(validate, 'seconds'):.2f} s; diff / validate "
              f"{median(work, 'seconds') / median(validate, 'seconds'):.2f} (goal <= 2); "
              f"{work[0]['changed']:,} decisions changed; {load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
