"""``zorgregels audit``: outputs, exit codes, determinism, self-contained HTML."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

from zorgregels.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXACT = ROOT / "fixtures" / "audit" / "exact.csv"
RULES = str(ROOT / "rules")


def run(tmp_path: Path, *args: str, name: str = "out") -> tuple[int, Path]:
    out = tmp_path / name
    code = main(["audit", *args, "--rules", RULES, "--out", str(out)])
    return code, out


def test_outputs_and_exit_code(tmp_path: Path) -> None:
    code, out = run(tmp_path, str(EXACT))
    assert code == 1  # not every rejection is transparent
    assert sorted(p.name for p in out.iterdir()) == [".zorgregels", "audit.html", "audit.jsonl", "summary.json"]
    lines = [json.loads(x) for x in (out / "audit.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [d["decision_id"] for d in lines] == sorted(d["decision_id"] for d in lines)
    assert len(lines) == 22
    for d in lines:
        assert d["verdict"] in ("transparent", "incomplete", "not_testable", "forbidden_ground")
        assert {"criterion", "status", "message"} <= set(d["criteria"][0])
        assert re.fullmatch(r"[0-9a-f]{64}", d["receipt"]["hash"])
    e05 = next(d for d in lines if d["decision_id"] == "E05")
    holds = next(c for c in e05["criteria"] if c["criterion"] == "ground_holds")
    assert holds == {**holds, "status": "fail",
                     "message": "De grond vraagt een Wlz-indicatie; het record heeft er geen."}
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert set(summary["by"]) == {"municipality", "team", "referrer_type", "rejection_ground"}
    assert summary["by"]["team"]["CJG Kopie"]["light_help_rejected"] == 3
    assert summary["overall"]["light_help_granted"] == 1
    assert summary["not_determined"][0]["decision_id"] == "E24"


def test_deterministic_and_atomic(tmp_path: Path) -> None:
    _, a = run(tmp_path, str(EXACT), name="a")
    _, b = run(tmp_path, str(EXACT), name="b")
    for f in ("audit.jsonl", "summary.json", "audit.html"):
        assert (a / f).read_bytes() == (b / f).read_bytes(), f
    run(tmp_path, str(EXACT), name="a")  # overwrite in place: no temp files stay behind
    assert sorted(p.name for p in a.iterdir()) == [".zorgregels", "audit.html", "audit.jsonl", "summary.json"]


def test_html_is_self_contained(tmp_path: Path) -> None:
    _, out = run(tmp_path, str(EXACT))
    page = (out / "audit.html").read_text(encoding="utf-8")
    assert "<svg" in page and "<table" in page and 'id="q"' in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "<link" not in page and "@import" not in page and "url(" not in page
    # every audited decision is in the table, with its failed criteria
    assert page.count('<tr data-verdict="') == 22
    assert 'data-fail="ground_holds"' in page
    assert "111222333" not in page


def test_exit_zero_when_all_transparent(tmp_path: Path) -> None:
    rows = list(csv.DictReader(EXACT.open(encoding="utf-8")))
    keep = [r for r in rows if r["decision_id"] in ("E01", "E07", "E13", "E21", "E22")]
    path = tmp_path / "ok.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(keep)
    code, out = run(tmp_path, str(path))
    assert code == 0
    assert len((out / "audit.jsonl").read_text(encoding="utf-8").splitlines()) == 3


def test_bad_input_exits_2(tmp_path: Path, capsys) -> None:
    code, _ = run(tmp_path, str(tmp_path / "missing.csv"))
    assert code == 2
    assert "bestaat niet" in capsys.readouterr().err
    code, _ = run(tmp_path, str(EXACT), "--reuse-threshold", "1")
    assert code == 2


def test_reuse_threshold_option(tmp_path: Path) -> None:
    _, out = run(tmp_path, str(EXACT), "--reuse-threshold", "4")
    lines = {json.loads(x)["decision_id"]: json.loads(x) for x in (out / "audit.jsonl").read_text().splitlines()}
    assert lines["E09"]["verdict"] == "transparent"
    assert lines["E09"]["receipt"]["reuse_threshold"] == 4


def test_column_mapping(tmp_path: Path) -> None:
    text = EXACT.read_text(encoding="utf-8").replace("rejection_reason", "reden_afwijzing", 1)
    renamed = tmp_path / "export.csv"
    renamed.write_text(text, encoding="utf-8")
    mapping = tmp_path / "map.yaml"
    mapping.write_text("rejection_reason: reden_afwijzing\n", encoding="utf-8")
    _, plain = run(tmp_path, str(EXACT), name="plain")
    _, mapped = run(tmp_path, str(renamed), "--columns", str(mapping), name="mapped")

    def verdicts(p: Path) -> list[tuple[str, str]]:
        return [(d["decision_id"], d["verdict"]) for d in map(json.loads, (p / "audit.jsonl").read_text().splitlines())]

    assert verdicts(plain) == verdicts(mapped)
