"""What the benchmarks share: a child run in a fresh process (its own peak RSS), medians, the
machine's load, and the floor line (the same work with nothing computed) with its ratio."""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
from collections.abc import Sequence
from typing import Any


def peak_mb() -> float:
    """This process's peak resident memory in MB: VmHWM of its own address space. Not
    ``ru_maxrss``: Linux carries a forking parent's high-water mark into the child across fork
    and exec, so a child started by a parent holding a million generated rows would report the
    parent's peak (every run, and the floor, read the same 1.8 GB)."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    """User + system CPU seconds of this process (all its threads): steadier than wall time
    when other work shares the machine."""
    t = os.times()
    return t.user + t.system


def load() -> str:
    """The machine's load (1, 5, 15 minutes) and its cores: absolute times on a shared machine move."""
    one, five, fifteen = os.getloadavg()
    return f"load {one:.1f}/{five:.1f}/{fifteen:.1f} on {os.cpu_count()} cores"


#: the allocator setting the benchmark was started with: polars sets its own default in
#: ``os.environ`` when it is imported (as the generator does in the parent), which the children
#: would inherit, while the command line starts with zorgregels' setting (zorgregels/__init__)
_MALLOC_CONF = os.environ.get("_RJEM_MALLOC_CONF")


def child_runs(argv: Sequence[str], runs: int, env: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """``runs`` fresh processes of ``argv``; each prints one JSON object as its last line. They
    start with the environment the benchmark was started with (not polars' allocator default)."""
    if env is None:
        env = dict(os.environ)
        if _MALLOC_CONF is None:
            env.pop("_RJEM_MALLOC_CONF", None)
    out = []
    for _ in range(runs):
        p = subprocess.run([sys.executable, *argv], check=True, capture_output=True, text=True, env=env)
        out.append(json.loads(p.stdout.strip().splitlines()[-1]))
    return out


def median(runs: list[dict[str, Any]], key: str) -> float:
    return float(statistics.median(float(r[key]) for r in runs))


def floor_line(label: str, work: list[dict[str, Any]], floor: list[dict[str, Any]]) -> str:
    """``work`` beside its floor, medians of fresh runs, with the ratio of the times."""
    w, f = median(work, "seconds"), median(floor, "seconds")
    wc, fc = median(work, "cpu"), median(floor, "cpu")
    wp, fp = median(work, "peak_mb"), median(floor, "peak_mb")
    return (f"{label}: {w:.2f} s (cpu {wc:.2f} s), peak {wp:,.0f} MB | floor {f:.2f} s (cpu {fc:.2f} s), "
            f"peak {fp:,.0f} MB | ratio {w / f:.1f}x the floor, cpu {wc / fc:.1f}x (medians of {len(work)}; runs "
            + ", ".join(f"{r['seconds']:.2f}" for r in work) + ")")
