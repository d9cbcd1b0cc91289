"""The result of a diff and its writing: diff.json, decisions_changed.csv, findings_appeared.jsonl,
findings_disappeared.jsonl and a self-contained diff.html (no network, inline SVG).

The JSON and the CSV keep their machine formats (euro as ``16073221.46``, cents as integers);
the page writes money the Dutch way (``€ 16.073.221,46``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl

from zorgregels.core import nl
from zorgregels.core.columnar import INDEX
from zorgregels.io.outdir import Protected, atomic_folder
from zorgregels.render.charts import counts_chart
from zorgregels.render.pages import render_page

FILES = ("diff.json", "decisions_changed.csv", "findings_appeared.jsonl",
         "findings_disappeared.jsonl", "diff.html")
CHANGED_LIMIT = 2000


@dataclass
class DiffReport:
    """Per decision and in total, what the new catalogue changes against the old one."""

    decisions: pl.DataFrame  # one row per input row: verdicts, finding counts and costs under both
    appeared: pl.DataFrame  # findings under the new rules that the old rules did not give
    disappeared: pl.DataFrame  # findings under the old rules that the new rules no longer give
    summary: dict[str, Any]

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
        # as findings.jsonl: a text field without a value is "" (never null; docs/outputs.md)
        for name, found in (("findings_appeared.jsonl", report.appeared),
                            ("findings_disappeared.jsonl", report.disappeared)):
            found.drop(INDEX).with_columns(pl.col(pl.Utf8).fill_null("")).write_ndjson(tmp / name)
        (tmp / "diff.html").write_text(render_html(report), encoding="utf-8")
    return Path(out_dir)


def _euro(text: str | None, *, signed: bool = False) -> str:
    """A summary amount (euro as text, '1885.52') as Dutch digits without '€': the column
    header says (€)."""
    return "" if text is None else nl.number(Decimal(text), 2, signed=signed)


def money_line(summary: dict[str, object]) -> str:
    """'€ 16.073.221,46 -> € 16.119.322,06 (verschil +€ 46.100,60)': what the command prints."""
    old, new, delta = (Decimal(str(summary[k])) for k in ("cost_3m_old", "cost_3m_new", "cost_3m_delta"))
    return f"{nl.money(old)} -> {nl.money(new)} (verschil {nl.money(delta, signed=True)})"


def render_html(report: DiffReport) -> str:
    s = report.summary
    tiles = [("besluiten", s["rows_in"]), ("anders beoordeeld", s["verdict_changed"]),
             ("bevindingen erbij", s["findings_appeared"]),
             ("bevindingen vervallen", s["findings_disappeared"]),
             ("kosten per 3 maanden, oud", nl.money(Decimal(s["cost_3m_old"]))),
             ("kosten per 3 maanden, nieuw", nl.money(Decimal(s["cost_3m_new"]))),
             ("verschil", nl.money(Decimal(s["cost_3m_delta"]), signed=True))]
    transitions = counts_chart("Oordeel oud → nieuw",
                               sorted(s["verdict_transitions"].items(), key=lambda kv: -kv[1]),
                               "#805ad5", empty="Geen besluit anders beoordeeld.")
    per_check = [[c, v["appeared"], v["disappeared"]] for c, v in s["per_check"].items()]
    per_municipality = [[m, v["verdict_changed"], v["findings_appeared"], v["findings_disappeared"],
                         _euro(v["cost_3m_old"]), _euro(v["cost_3m_new"]),
                         _euro(v["cost_3m_delta"], signed=True)]
                        for m, v in s["per_municipality"].items()]
    changed_frame = report.changed  # a filter over all decisions: computed once
    changed = [[r["decision_id"], r["municipality"], r["verdict_old"], r["verdict_new"],
                (r["appeared"] or "").replace(";", " "), (r["disappeared"] or "").replace(";", " "),
                nl.number(Decimal(r["cost_3m_delta"]) / 100, 2, signed=True) if r["cost_3m_delta"] else ""]
               for r in changed_frame.head(CHANGED_LIMIT).iter_rows(named=True)]
    return render_page("diff.html.j2", summary=s, tiles=tiles,
                       transitions=transitions, per_check=per_check,
                       per_municipality=per_municipality, changed=changed,
                       changed_total=changed_frame.height, limit=CHANGED_LIMIT)
