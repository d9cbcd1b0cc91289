"""Speed of the 3-month normalisation and of the referrers' overview (medians of several runs).

    .venv/bin/python benchmarks/bench_tariffs.py [--codes 1000] [--decisions 100000] [--runs 5]

Prints: per-decision normalisation (volume_norm_pct and the 3-month cost, as batch validation
uses them), and building + rendering the overview for the example catalogue and for a synthetic
catalogue of --codes codes (the example tables plus generated codes over every iJw unit).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import statistics
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from zorgregels import load_catalogue
from zorgregels.core.tariffs import normalise_decision, volume_norm_pct
from zorgregels.jobs.overview import tariff_table
from zorgregels.jobs.overview.output import FORMATS, render

ROOT = Path(__file__).resolve().parents[1]
AS_OF = dt.date(2025, 1, 1)

UNIT_NORMS = {
    "01": "{per_week: 60}", "04": "{per_week: 2}", "14": "{per_week: 7}", "16": "{per_week: 4}",
    "82": "{duration_months: 6}", "83": "{per_month: 1200}", "84": "{per_week: 1}",
}


def median_time(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def synthetic_rules(n: int, dest: Path) -> Path:
    rules = dest / "rules"
    shutil.copytree(ROOT / "rules", rules)
    rnd = random.Random(4)
    lines = []
    made = 0
    for cat in ("41", "43", "44", "45", "46", "50", "51", "52", "54"):
        for letter in "AB":
            for num in range(50, 100):
                if made >= n:
                    break
                unit = rnd.choice(list(UNIT_NORMS))
                amount = Decimal(rnd.randint(100, 200000)) / 100
                hours = "\n    hours_per_unit: 2" if unit in ("14", "82", "84") else ""
                lines.append(f"""  - id: {cat}{letter}{num:02d}
    name: Synthetische code {made}
    category: "{cat}"
    unit: "{unit}"
    level: {3 if letter == "A" else 2}
    perceel: {1 if letter == "A" else 2}
    provider_types: [{"consortium" if letter == "A" else "instelling"}]
    norm: {UNIT_NORMS[unit]}{hours}
    tariffs:
      - {{valid_from: 2024-01-01, valid_to: 2024-12-31, amount: {amount}}}
      - {{valid_from: 2025-01-01, amount: {amount * Decimal("1.039"):.2f}}}""")
                made += 1
    (rules / "synthetic_codes.yaml").write_text("codes:\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return rules


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--codes", type=int, default=800)
    ap.add_argument("--decisions", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()

    cat = load_catalogue(ROOT / "rules")
    codes = list(cat.codes.values())
    rnd = random.Random(1)
    decisions = []
    for _ in range(args.decisions):
        c = rnd.choice(codes)
        freq = "6" if c.unit in ("82", "84") else rnd.choice(["2", "4", "6"])
        decisions.append((c, Decimal(rnd.randint(1, 400)) / 4, freq, rnd.randint(28, 365),
                          cat.tariff_on(c.id, AS_OF).amount))

    def normalise_all() -> None:
        for c, vol, freq, days, tariff in decisions:
            volume_norm_pct(vol, freq, days, c.unit, c)
            normalise_decision(c, vol, freq, c.unit, tariff, days)

    t = median_time(normalise_all, args.runs)
    print(f"normalisation: {args.decisions} decisions (norm % + 3-month cost) in {t:.3f} s median "
          f"= {args.decisions / t:,.0f} decisions/s")

    for label, catalogue in (("example", cat), ("synthetic", None)):
        if catalogue is None:
            tmp = Path(tempfile.mkdtemp())
            catalogue = load_catalogue(synthetic_rules(args.codes, tmp))
            shutil.rmtree(tmp)
        n = len(catalogue.codes)
        t = median_time(lambda c=catalogue: tariff_table(c, AS_OF, dt.date(2024, 1, 1)), args.runs)
        print(f"overview {label} ({n} codes): tariff_table with compare {t * 1000:.1f} ms median")
        table = tariff_table(catalogue, AS_OF, dt.date(2024, 1, 1))
        for fmt in FORMATS:
            t = median_time(lambda f=fmt, tb=table: render(tb, f), args.runs)
            size = len(render(table, fmt).encode("utf-8"))
            print(f"  render {fmt:5}: {t * 1000:7.1f} ms median, {size / 1024:8.1f} KiB")


if __name__ == "__main__":
    main()
