"""Single-case latency of Engine.evaluate with the full trace, through durable-rules, beside
its floor on the same machine in the same run.

    python benchmarks/bench_evaluate.py [--cases 2000] [--runs 3]

Each run is a fresh process that evaluates ``--cases`` cases (cycling through every YAML case
in fixtures/cases that uses the example rules: care questions and full decisions, so every rule
stage counts) and reports p50/p99 of the wall time per case, and of the thread's CPU time (less
disturbed by other load). Beside each run, a fresh process of ``peer_durable.py`` measures bare
durable-rules (one ruleset, one post per case): the floor. Printed: every run, the medians over
the runs, the ratio of evaluate's p50 to the floor's, and the machine's load (os.getloadavg())
before and after, because absolute times on a shared machine move.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from zorgregels import Engine
from zorgregels.jobs.cases import load_cases

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent


def percentile(sorted_values: list[float], q: float) -> float:
    k = max(0, min(len(sorted_values) - 1, round(q * (len(sorted_values) - 1))))
    return sorted_values[k]


def measure(n: int) -> dict[str, float]:
    """One run in this process: p50/p99 of wall and CPU time per evaluated case."""
    engine = Engine.from_path(ROOT / "rules")
    cases = [c for f in sorted((ROOT / "fixtures" / "cases").glob("*.yaml"))
             for c in load_cases(f, ROOT) if c.rules is None]
    for c in cases:  # warm-up: every case once
        engine.evaluate(c.input, as_of=c.as_of)
    wall: list[float] = []
    cpu: list[float] = []
    start = time.perf_counter()
    for i in range(n):
        c = cases[i % len(cases)]
        t0, c0 = time.perf_counter(), time.thread_time()
        d = engine.evaluate(c.input, as_of=c.as_of)
        c1, t1 = time.thread_time(), time.perf_counter()
        assert d.trace and d.receipt is not None, "the trace and the receipt are part of what is measured"
        wall.append(t1 - t0)
        cpu.append(c1 - c0)
    total = time.perf_counter() - start
    wall.sort()
    cpu.sort()
    return {"p50_ms": percentile(wall, 0.5) * 1000, "p99_ms": percentile(wall, 0.99) * 1000,
            "cpu_p50_ms": percentile(cpu, 0.5) * 1000, "rate": n / total, "distinct": len(cases)}


def _fresh(args: list[str]) -> dict[str, Any]:
    out = subprocess.run([sys.executable, *args], capture_output=True, text=True, check=True,
                         env={**os.environ}).stdout
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--worker", action="store_true", help="one run in this process, as JSON")
    args = ap.parse_args()
    if args.worker:
        print(json.dumps(measure(args.cases)))
        return

    load_before = _load()
    runs: list[dict[str, Any]] = []
    peers: list[dict[str, Any]] = []
    for run in range(args.runs):
        runs.append(_fresh([str(Path(__file__)), "--worker", "--cases", str(args.cases)]))
        peers.append(_fresh([str(HERE / "peer_durable.py"), "--json", "--cases", str(args.cases)]))
        r, p = runs[-1], peers[-1]
        print(f"run {run + 1}: evaluate p50 {r['p50_ms']:.3f} ms  p99 {r['p99_ms']:.3f} ms  "
              f"CPU p50 {r['cpu_p50_ms']:.3f} ms  {r['rate']:.0f} cases/s | floor (bare durable-rules) "
              f"p50 {p['p50_ms']:.3f} ms  p99 {p['p99_ms']:.3f} ms  CPU p50 {p['cpu_p50_ms']:.3f} ms")

    def med(rows: list[dict[str, Any]], key: str) -> float:
        return statistics.median(row[key] for row in rows)

    p50, p99, cpu = med(runs, "p50_ms"), med(runs, "p99_ms"), med(runs, "cpu_p50_ms")
    f50, f99, fcpu = med(peers, "p50_ms"), med(peers, "p99_ms"), med(peers, "cpu_p50_ms")
    print(f"evaluate, median of {args.runs} fresh processes over {args.cases} cases "
          f"({runs[0]['distinct']} distinct, trace and receipt on): p50 {p50:.3f} ms, p99 {p99:.3f} ms, "
          f"CPU p50 {cpu:.3f} ms, {med(runs, 'rate'):.0f} cases/s")
    print(f"floor, bare durable-rules, one post per case (peer_durable.py): p50 {f50:.3f} ms, "
          f"p99 {f99:.3f} ms, CPU p50 {fcpu:.3f} ms")
    print(f"ratio to the floor: p50 {p50 / f50:.1f}x, CPU p50 {cpu / fcpu:.1f}x")
    print(f"load (1, 5, 15 min) before: {load_before}; after: {_load()}; cores: {os.cpu_count()}")


if __name__ == "__main__":
    main()
