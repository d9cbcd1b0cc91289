"""The letters of an example year: plain-language figures over every letter and the time per
letter (medians of repeated runs). Not a test; prints a table.

    PYTHONPATH=src python benchmarks/bench_letters.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import polars as pl

from zorgregels import Engine
from zorgregels.jobs.letter import Letter

ROOT = Path(__file__).resolve().parent.parent
YEARS = (ROOT / "fixtures/decisions/example_2025.csv", ROOT / "fixtures/audit/decisions_2025.csv")


def _quantiles(values: list[float]) -> str:
    qs = statistics.quantiles(values, n=20, method="inclusive")
    return f"min {min(values):.1f}  p5 {qs[0]:.1f}  median {statistics.median(values):.1f}  p95 {qs[-1]:.1f}  max {max(values):.1f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    engine = Engine.from_path(ROOT / "rules")
    writer = engine.letter_writer
    for path in YEARS:
        rows = pl.read_csv(path, infer_schema_length=0).to_dicts()
        writer.write(rows[0])  # compile the audit rules once, outside the timing
        times: list[float] = []
        letters: list[Letter] = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            results = [writer.write(r) for r in rows]
            times.append((time.perf_counter() - t0) / len(rows))
            letters = [x for x in results if isinstance(x, Letter)]
        print(f"{path.relative_to(ROOT)}: {len(rows)} besluiten, {len(letters)} brieven "
              f"({sum(x.outcome == 'granted' for x in letters)} toekenning, "
              f"{sum(x.outcome == 'rejected' for x in letters)} afwijzing), "
              f"{len(rows) - len(letters)} zonder brief")
        for key in ("average_sentence_words", "longest_sentence_words", "flesch_douma"):
            print(f"  {key:24} {_quantiles([float(x.readability[key]) for x in letters])}")
        print(f"  tijd per besluit         median {statistics.median(times) * 1000:.2f} ms "
              f"over {args.repeat} runs")


if __name__ == "__main__":
    main()
