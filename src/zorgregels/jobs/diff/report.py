"""The result of a diff and its writing: diff.json, decisions_changed.csv, findings_appeared.jsonl,
findings_disappeared.jsonl and a self-contained diff.html (no network, inline SVG).

The JSON and the CSV keep their machine formats (euro as ``16073221.46``, cents as integers);
the page (``page.py``) writes money the Dutch way (``€ 16.073.221,46``). diff.json also holds
``rule_changes``: what changed in the rules themselves (``rules_change.py``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl

from zorgregels.core import nl
from zorgregels.core.columnar import INDEX
from zorgregels.core.findings import findings_as_written
from zorgregels.io.outdir import Protected, atomic_folder
from zorgregels.jobs.diff.page import render_html

FILES = ("diff.json", "decisions_changed.csv", "findings_appeared.jsonl",
         "findings_disappeared.jsonl", "diff.html")


@dataclass
class DiffReport:
    """Per decision and in total, what the new catalogue changes against the old one."""

    decisions: pl.DataFrame  # one row per input row: verdicts, finding counts and costs under both
    appeared: pl.DataFrame  # findings under the new rules that the old rules did not give
    disappeared: pl.DataFrame  # findings under the old rules that the new rules no longer give
    summary: dict[str, Any]
    #: CBS code -> the municipality's name, from the region of both catalogues (the page)
    municipality_names: dict[str, str] = field(default_factory=dict)

    @property
    def changed(self) -> pl.DataFrame:
        return self.decisions.filter(pl.col("changed"))

    def write(self, out_dir: str | Path, *, force: bool = False, protect: Iterable[Protected] = ()) -> Path:
        """diff.json, decisions_changed.csv, the appeared and disappeared findings and diff.html,
        written atomically into a new folder or one zorgregels wrote (``force``: replace another
        folder too; never one of ``protect``, the working directory or a file). Raises
        ``InputError`` otherwise."""
        return write_diff(self, out_dir, force=force, protect=protect)


def summary_json(report: DiffReport) -> str:
    return json.dumps(report.summary, indent=2, ensure_ascii=False, sort_keys=True) + "\n"



def write_diff(report: DiffReport, out_dir: str | Path, *, force: bool = False,
               protect: Iterable[Protected] = ()) -> Path:
    with atomic_folder(out_dir, command="diff", force=force, protect=protect) as tmp:
        (tmp / "diff.json").write_text(summary_json(report), encoding="utf-8")
        report.changed.drop(INDEX).write_csv(tmp / "decisions_changed.csv")
        for name, found in (("findings_appeared.jsonl", report.appeared),
                            ("findings_disappeared.jsonl", report.disappeared)):
            findings_as_written(found).write_ndjson(tmp / name)
        (tmp / "diff.html").write_text(render_html(report.summary, report.changed, report.municipality_names),
                                       encoding="utf-8")
    return Path(out_dir)


def money_line(summary: dict[str, object]) -> str:
    """'€ 16.073.221,46 -> € 16.119.322,06 (verschil +€ 46.100,60)': what the command prints."""
    old, new, delta = (Decimal(str(summary[k])) for k in ("cost_3m_old", "cost_3m_new", "cost_3m_delta"))
    return f"{nl.money(old)} -> {nl.money(new)} (verschil {nl.money(delta, signed=True)})"
