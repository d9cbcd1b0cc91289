"""Speed and memory of ``audit_rejections`` on generated years of decisions, beside its floor.

    .venv/bin/python benchmarks/audit_bench.py [--runs 3] [--sizes 2400 100000] [--keep DIR]

Generates each size with fixtures/audit/generate.py (seeded; for sizes above the fixture's own
the genuine motivations are drawn as distinct slot combinations instead of the fixture's
pairwise check, which is quadratic and runs out of combinations), then runs, in ``--runs`` fresh
processes each:

* the work: ``audit_rejections`` on the CSV (reading and framing included, loading the rules
  excluded), then ``audit.html`` rendered (timed on its own);
* the floor: polars reads the same CSV as text and keeps the rejected rows, nothing else;
* the grouping of the motivations alone (``group_texts`` on the rejected rows' motivations).

Prints medians of wall and CPU seconds, peak memory (``benchlib.peak_mb``), the ratio to the
floor and the machine's load. ``--keep DIR`` leaves the generated CSVs there (to compare outputs
before and after a change with ``zorgregels audit``). ``--profile`` prints where one run's time
goes (cProfile, cumulative) instead.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchlib  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_N = 2400


def generate(n: int, folder: Path) -> Path:
    """``n`` generated decisions as ``folder/decisions_<n>.csv`` (the fixture itself for 2400)."""
    spec = importlib.util.spec_from_file_location("gen_audit", ROOT / "fixtures" / "audit" / "generate.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    mod.N = n
    mod.OUT = folder / f"decisions_{n}.csv"
    if n > FIXTURE_N:
        _GEN[:] = [mod]
        mod.Motivations.genuine = _distinct_genuine
    mod.main()
    return Path(mod.OUT)


def _distinct_genuine(self: Any, name: str, date: Any, alt: str) -> str:
    """The fixture's genuine motivation with only distinct slot combinations required (linear)."""
    rng = self.rng
    seen = self.__dict__.setdefault("seen", set())
    slots = _GEN[0].SLOTS
    while True:
        combo = tuple(rng.randrange(len(s)) for s in slots)
        if combo not in seen:
            break
    seen.add(combo)
    parent = rng.choice(_GEN[0].PARENTS)
    parts = [slots[i][c].format(n=name, p=parent, d=date.strftime("%d-%m-%Y"), alt=alt)
             for i, c in enumerate(combo)]
    text = parts[0] + " " + parts[1] + ". " + " ".join(parts[2:])
    return text[0].upper() + text[1:]


_GEN: list[Any] = []  # the generator module whose motivations are being drawn


def child(kind: str, path: str, runs_html: bool) -> dict[str, Any]:
    if kind == "floor":
        import polars as pl

        t, c = time.perf_counter(), benchlib.cpu_seconds()
        df = pl.read_csv(path, infer_schema=False).filter(pl.col("outcome") == "rejected")
        took, cpu = time.perf_counter() - t, benchlib.cpu_seconds() - c
        return {"seconds": took, "cpu": cpu, "peak_mb": benchlib.peak_mb(), "rejected": df.height}
    if kind == "group":
        import polars as pl

        from zorgregels.jobs.boilerplate import group_texts

        texts = pl.read_csv(path, infer_schema=False).filter(pl.col("outcome") == "rejected")["motivation"].to_list()
        t, c = time.perf_counter(), benchlib.cpu_seconds()
        groups = group_texts(texts)
        took, cpu = time.perf_counter() - t, benchlib.cpu_seconds() - c
        return {"seconds": took, "cpu": cpu, "peak_mb": benchlib.peak_mb(), "groups": len(groups.members)}
    from zorgregels import Engine
    from zorgregels.jobs.audit import audit_rejections
    from zorgregels.jobs.audit.page import render

    engine = Engine.from_path(ROOT / "rules")
    t, c = time.perf_counter(), benchlib.cpu_seconds()
    report = audit_rejections(engine, path)
    took, cpu = time.perf_counter() - t, benchlib.cpu_seconds() - c
    out = {"seconds": took, "cpu": cpu, "peak_mb": benchlib.peak_mb(), "rows": report.summary["rows"],
           "audited": len(report.decisions)}
    if runs_html:
        t = time.perf_counter()
        render(report)
        out["html"] = time.perf_counter() - t
    return out


def profile(path: str) -> None:
    import cProfile
    import pstats

    from zorgregels import Engine
    from zorgregels.jobs.audit import audit_rejections

    engine = Engine.from_path(ROOT / "rules")
    prof = cProfile.Profile()
    prof.enable()
    audit_rejections(engine, path)
    prof.disable()
    pstats.Stats(prof).sort_stats("cumulative").print_stats(35)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--sizes", type=int, nargs="+", default=[FIXTURE_N, 100_000])
    ap.add_argument("--keep", type=Path, default=None, help="folder to keep the generated CSVs in")
    ap.add_argument("--profile", action="store_true", help="one run under cProfile per size")
    ap.add_argument("--child", nargs=2, metavar=("KIND", "CSV"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(args.child[0], args.child[1], runs_html=True)))
        return

    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        print(benchlib.load())
        for n in args.sizes:
            path = folder / f"decisions_{n}.csv"
            if not path.exists():
                path = generate(n, folder)
            if args.profile:
                profile(str(path))
                continue
            me = str(Path(__file__).resolve())
            work = benchlib.child_runs([me, "--child", "work", str(path)], args.runs)
            floor = benchlib.child_runs([me, "--child", "floor", str(path)], args.runs)
            group = benchlib.child_runs([me, "--child", "group", str(path)], args.runs)
            w = work[0]
            print(f"{w['rows']:>7} rijen, {w['audited']:>6} getoetste afwijzingen "
                  f"({floor[0]['rejected']} afwijzingen in de invoer); "
                  f"HTML {benchlib.median(work, 'html'):.2f} s")
            print("  " + benchlib.floor_line("audit", work, floor))
            print(f"  waarvan groeperen (group_texts, los gemeten): {benchlib.median(group, 'seconds'):.2f} s, "
                  f"{benchlib.median(group, 'cpu'):.2f} s CPU, {benchlib.median(group, 'peak_mb'):.0f} MB")
            print(f"  {w['audited'] / benchlib.median(work, 'seconds'):,.0f} getoetste afwijzingen/s; "
                  + benchlib.load())


if __name__ == "__main__":
    main()
