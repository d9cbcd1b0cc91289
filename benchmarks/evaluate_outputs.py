"""What `evaluate` prints (text and --json, receipts included) for every YAML case in
fixtures/cases, the first 600 rows of fixtures/decisions/example_2025.csv (with their BSNs; every
tenth once more as of 2025-06-01) and a few malformed cases, as one JSON file: to hold a speed-up
to byte-identical outputs.

    PYTHONPATH=<old>/src python benchmarks/evaluate_outputs.py capture ROOT before.json
    PYTHONPATH=<new>/src python benchmarks/evaluate_outputs.py capture ROOT after.json
    python benchmarks/evaluate_outputs.py compare before.json after.json

Capture both from the same ROOT (the trace names the rule files by their path).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from zorgregels import Engine
from zorgregels.diagnostics import EngineError, InputError
from zorgregels.jobs.cases import load_cases


def compare(a: Path, b: Path) -> int:
    before, after = json.loads(a.read_text()), json.loads(b.read_text())
    differ = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    for k in differ[:20]:
        print(f"verschilt: {k}")
    print(f"{len(before)} casussen, {len(differ)} verschillend")
    return 1 if differ else 0


if sys.argv[1] == "compare":
    sys.exit(compare(Path(sys.argv[2]), Path(sys.argv[3])))
root, out = Path(sys.argv[2]), Path(sys.argv[3])
engines: dict[str, Engine] = {}


def eng(rules: Path | None) -> Engine:
    key = str(rules or root / "rules")
    if key not in engines:
        engines[key] = Engine.from_path(rules or root / "rules")
    return engines[key]


items: list[tuple[str, Path | None, dict[str, Any], dt.date | None]] = []
for f in sorted((root / "fixtures" / "cases").rglob("*.yaml")):
    for i, c in enumerate(load_cases(f, root)):
        items.append((f"{f.name}#{i}", c.rules, c.input, c.as_of))
with open(root / "fixtures/decisions/example_2025.csv", newline="") as fh:
    for i, row in enumerate(csv.DictReader(fh)):
        if i >= 600:
            break
        items.append((f"csv#{i}", None, row, None))
        if i % 10 == 0:
            items.append((f"csvasof#{i}", None, row, dt.date(2025, 6, 1)))
odd = [
    {"decision_date": "2025-03-01", "birth_date": "2012-05-01", "domains": "gedrag", "severity": "matig", "referrer_type": "2", "dossier_note": "bsn 111222333 en 123456782", "decision_id": "B-123456782"},
    {"decision_date": "2025-03-01", "birth_date": "2025-13-01", "domains": ["onbekend"], "volume": "1,5", "code": "45B10", "frequency": "x"},
    {"decision_date": "2025-03-01", "code": "45B10", "volume": "abc", "unit": "04", "frequency": "2", "start_date": "2025-03-01", "end_date": "2025-09-01", "provider_type": "vrijgevestigde", "tariff": "1e3"},
    {"decision_date": "2025-03-01", "birth_date": "2010-01-01", "domains": "gedrag;ontwikkeling", "severity": "ernstig", "crisis": "ja", "safety_concern": "j", "referrer_type": "01", "bsn": "123456782", "client_id": "123456782"},
]
for i, o in enumerate(odd):
    items.append((f"odd#{i}", None, o, None))
res: dict[str, dict[str, str]] = {}
for name, rules, inp, as_of in items:
    try:
        d = eng(rules).evaluate(inp, as_of=as_of)
        res[name] = {"text": d.explain(), "json": d.model_dump_json(indent=2)}
    except (InputError, EngineError) as exc:
        res[name] = {"error": f"{type(exc).__name__}: {exc}"}
out.write_text(json.dumps(res, ensure_ascii=False, indent=0, sort_keys=True))
print(len(res), "items")
