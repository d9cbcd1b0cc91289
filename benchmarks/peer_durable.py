"""The floor of single-case latency on this machine: bare durable-rules, one ruleset, one post
per case, nothing of zorgregels.

    python benchmarks/peer_durable.py [--cases 2000] [--json]

The ruleset is written as any durable-rules user writes one (``durable.lang``): twelve rules
over the fields of a care question, each action records its rule's name. Every case is one
``post`` of the case's fields in a fresh session (``sid``), whose state is deleted after it, so
sessions never pile up; its actions run synchronously inside ``post``. The cases are the input
fields of the YAML cases in fixtures/cases (JSON values only), cycled. Prints p50/p99 of the
wall time per post (and of the thread's CPU time, which other load on the machine disturbs
less); ``--json`` prints them as one JSON object, for ``bench_evaluate.py``.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

import yaml
from durable.lang import delete_state, m, post, ruleset, when_all

ROOT = Path(__file__).resolve().parent.parent
NAME = "peer_durable"
fired: list[str] = []


def percentile(sorted_values: list[float], q: float) -> float:
    k = max(0, min(len(sorted_values) - 1, round(q * (len(sorted_values) - 1))))
    return sorted_values[k]


def _record(name: str) -> Any:
    def action(c: Any) -> None:
        fired.append(name)
    return action


with ruleset(NAME):
    # twelve plain rules over a care question's fields; an event is consumed by the first rule
    # it matches (by priority), as durable-rules does
    when_all(m.crisis == True)(_record("crisis"))  # noqa: E712 - durable.lang builds the expression
    when_all(m.out_of_home == True)(_record("out_of_home"))  # noqa: E712
    when_all(m.safety_concern == True)(_record("safety"))  # noqa: E712
    when_all((m.severity == "ernstig") & (m.referrer_type == "01"))(_record("severe_gp"))
    when_all(m.severity == "ernstig")(_record("severe"))
    when_all((m.severity == "matig") & (m.referrer_type == "02"))(_record("moderate_youth_doctor"))
    when_all(m.severity == "matig")(_record("moderate"))
    when_all(m.severity == "licht")(_record("light"))
    when_all(m.code.matches("45.*"))(_record("code_45"))
    when_all(+m.code)(_record("code"))
    when_all(+m.birth_date)(_record("born"))
    when_all(m.kind == "case")(_record("any"))  # not +m.sid: the session's state fact has one


def _cases() -> list[dict[str, Any]]:
    cases = []
    for f in sorted((ROOT / "fixtures" / "cases").glob("*.yaml")):
        data = yaml.safe_load(f.read_text(encoding="utf-8"))
        for item in data["cases"] if "cases" in data else [data]:
            if item.get("rules"):
                continue
            fields = json.loads(json.dumps(item["input"], default=str))  # dates as text
            cases.append({k: v for k, v in fields.items() if not isinstance(v, list)})
    return cases


def measure(n: int) -> dict[str, float]:
    cases = _cases()
    for i, case in enumerate(cases):  # warm-up
        post(NAME, {**case, "sid": f"w{i}", "kind": "case"})
        delete_state(NAME, f"w{i}")
    wall: list[float] = []
    cpu: list[float] = []
    for i in range(n):
        sid = f"c{i}"
        message = {**cases[i % len(cases)], "sid": sid, "kind": "case"}
        t0, c0 = time.perf_counter(), time.thread_time()
        post(NAME, message)
        c1, t1 = time.thread_time(), time.perf_counter()
        delete_state(NAME, sid)
        wall.append(t1 - t0)
        cpu.append(c1 - c0)
    wall.sort()
    cpu.sort()
    assert fired, "the rules fire"
    return {"p50_ms": percentile(wall, 0.5) * 1000, "p99_ms": percentile(wall, 0.99) * 1000,
            "cpu_p50_ms": percentile(cpu, 0.5) * 1000, "cases": n}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=2000)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    r = measure(args.cases)
    if args.json:
        print(json.dumps(r))
    else:
        print(f"bare durable-rules, one post per case ({r['cases']} cases): p50 {r['p50_ms'] * 1000:.0f} us, "
              f"p99 {r['p99_ms'] * 1000:.0f} us (CPU p50 {r['cpu_p50_ms'] * 1000:.0f} us)")


if __name__ == "__main__":
    main()
