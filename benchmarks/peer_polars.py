"""The polars reference workload: what polars alone does over the same decisions, as the peer
figure beside ``bench_validate.py`` (it is not zorgregels and checks nothing real).

    python benchmarks/peer_polars.py --input decisions.parquet [--runs 3]
    python benchmarks/peer_polars.py --rows 1000000 [--format csv]

Reads the decisions (text columns), types the dates and numbers, joins a 60-row code table
(level, perceel, unit, tariff per code), evaluates 20 checks in one ``select``, writes one
finding per fired check (JSON Lines) and the decisions with a verdict (CSV). Median of
``--runs`` fresh processes, peak RSS, the machine's load.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from benchlib import child_runs, cpu_seconds, load, median, peak_mb  # noqa: E402


def workload(path: str, out: str) -> dict[str, float]:
    import polars as pl

    t0 = time.perf_counter()
    df = pl.read_parquet(path) if path.endswith(".parquet") else pl.read_csv(path, infer_schema=False)
    # the 60-row table: the batch's own codes (their first unit and perceel), padded to 60
    seen = (df.group_by("code").agg(pl.col("unit").first().alias("t_unit"),
                                    pl.col("perceel").cast(pl.Int64, strict=False).first().alias("t_perceel"))
            .drop_nulls("code").sort("code").head(60))
    pad = 60 - seen.height
    codes = pl.concat([seen, pl.DataFrame({"code": [f"ZZ{k:03d}" for k in range(pad)], "t_unit": ["01"] * pad,
                                           "t_perceel": [1] * pad}, schema=seen.schema)]).with_columns(
        (pl.int_range(pl.len()) % 5).alias("t_level"), (50.0 + pl.int_range(pl.len())).alias("t_tariff"))
    d = lambda c: pl.col(c).str.to_date("%Y-%m-%d", strict=False)  # noqa: E731
    f = lambda c: pl.col(c).str.replace(",", ".").cast(pl.Float64, strict=False)  # noqa: E731
    typed = df.with_columns(
        *(d(c).alias(f"_{c}") for c in ("decision_date", "request_date", "birth_date", "start_date", "end_date")),
        *(f(c).alias(f"_{c}") for c in ("volume", "tariff")),
    ).join(codes, on="code", how="left")
    age = (pl.col("_start_date") - pl.col("_birth_date")).dt.total_days() // 365
    checks = {
        "unknown_code": pl.col("t_level").is_null(), "age": age >= 18, "age_low": age < 0,
        "referrer": ~pl.col("referrer_type").is_in(["01", "02", "03", "04", "05", "08"]),
        "wlz": pl.col("wlz_indication") == "true", "perceel": pl.col("perceel").cast(pl.Int64, strict=False) != pl.col("t_perceel"),
        "unit": pl.col("unit") != pl.col("t_unit"), "tariff": (pl.col("_tariff") - pl.col("t_tariff")).abs() > 1000,
        "volume_high": pl.col("_volume") > 1000, "volume_null": pl.col("_volume").is_null(),
        "end_before_start": pl.col("_end_date") < pl.col("_start_date"),
        "term": (pl.col("_decision_date") - pl.col("_request_date")).dt.total_days() > 56,
        "retro": pl.col("_start_date") < pl.col("_decision_date"),
        "bad_decision_date": pl.col("_decision_date").is_null(), "bad_birth": pl.col("_birth_date").is_null(),
        "closed": (pl.col("t_level") == 4) & (pl.col("court_orders") == ""),
        "provider_type": pl.col("provider_type").is_in(["vrijgevestigde"]) & (pl.col("t_perceel") == 1),
        "crisis_flag": ~pl.col("crisis").is_in(["true", "false"]),
        "long": (pl.col("_end_date") - pl.col("_start_date")).dt.total_days() > 366,
        "frequency": ~pl.col("frequency").is_in(["2", "4", "6"]),
    }
    fired = typed.select(pl.col("decision_id"), *(e.fill_null(False).alias(k) for k, e in checks.items()))
    lf = fired.lazy()
    findings = pl.concat([lf.filter(pl.col(k)).select("decision_id", pl.lit(k).alias("check"),
                                                      pl.lit(f"check {k} fired").alias("message"))
                          for k in checks]).collect()
    verdict = pl.when(pl.any_horizontal(list(checks))).then(pl.lit("error")).otherwise(pl.lit("ok"))
    dest = Path(out)
    dest.mkdir(parents=True, exist_ok=True)
    findings.write_ndjson(dest / "findings.jsonl")
    df.with_columns(fired.select(verdict.alias("verdict")).to_series()).write_csv(dest / "decisions.csv")
    return {"seconds": time.perf_counter() - t0, "cpu": cpu_seconds(), "peak_mb": peak_mb(), "findings": findings.height}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--input")
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--format", choices=["csv", "parquet"], default="parquet")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(workload(*args.child)))
        return 0
    with tempfile.TemporaryDirectory(prefix="zorgregels-peer-") as tmp:
        path = Path(args.input) if args.input else Path(tmp) / f"decisions.{args.format}"
        if not args.input:
            from gen_decisions import generate

            df = generate(args.rows, seed=2025)
            df.write_parquet(path) if args.format == "parquet" else df.write_csv(path)
        runs = child_runs([__file__, "--child", str(path), str(Path(tmp) / "out")], args.runs)
        print(f"polars peer, {path.name}: {median(runs, 'seconds'):.2f} s (cpu {median(runs, 'cpu'):.2f} s), peak {median(runs, 'peak_mb'):,.0f} MB "
              f"(medians of {args.runs} fresh runs; {runs[0]['findings']:,} findings); {load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
