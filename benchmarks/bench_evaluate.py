"""Single-case latency of Engine.evaluate with the full trace, through durable-rules.

    python benchmarks/bench_evaluate.py [--cases 2000] [--runs 5]

Prints p50 and p99 per run and the medians over the runs. Cases cycle through every YAML case
in fixtures/cases (care questions and full decisions), so the figure covers all rule stages.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from zorgregels import Engine
from zorgregels.jobs.cases import load_cases

ROOT = Path(__file__).resolve().parent.parent


def percentile(sorted_values: list[float], q: float) -> float:
    k = max(0, min(len(sorted_values) - 1, round(q * (len(sorted_values) - 1))))
    return sorted_values[k]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()

    engine = Engine.from_path(ROOT / "rules")
    cases = [c for f in sorted((ROOT / "fixtures" / "cases").glob("*.yaml"))
             for c in load_cases(f, ROOT) if c.rules is None]
    for c in cases[:50]:  # warm-up
        engine.evaluate(c.input, as_of=c.as_of)
    p50s, p99s, rates = [], [], []
    for run in range(args.runs):
        lat = []
        start = time.perf_counter()
        for i in range(args.cases):
            c = cases[i % len(cases)]
            t0 = time.perf_counter()
            d = engine.evaluate(c.input, as_of=c.as_of)
            lat.append(time.perf_counter() - t0)
            assert d.trace, "the trace is part of what is measured"
        total = time.perf_counter() - start
        lat.sort()
        p50s.append(percentile(lat, 0.50) * 1000)
        p99s.append(percentile(lat, 0.99) * 1000)
        rates.append(args.cases / total)
        print(f"run {run + 1}: p50 {p50s[-1]:.2f} ms  p99 {p99s[-1]:.2f} ms  {rates[-1]:.0f} cases/s")
    print(f"median of {args.runs} runs over {args.cases} cases ({len(cases)} distinct, trace on): "
          f"p50 {statistics.median(p50s):.2f} ms, p99 {statistics.median(p99s):.2f} ms, "
          f"{statistics.median(rates):.0f} cases/s")


if __name__ == "__main__":
    main()
