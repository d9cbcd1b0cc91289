"""A letter as text, Markdown, HTML or JSON, and a batch of letters written to a folder:
one Markdown file per decision, ``letters.jsonl``, ``refusals.jsonl`` and ``summary.json``,
atomically (``io.outdir.atomic_folder``)."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zorgregels.io.frame import Records, frame_records
from zorgregels.io.outdir import Protected, atomic_folder
from zorgregels.io.privacy import mask_bsns_in_text
from zorgregels.jobs.letter.compose import LetterWriter
from zorgregels.jobs.letter.model import SECTIONS, Letter, Refusal

#: the fixed keys of a line of letters.jsonl, in order (docs/letters.md); more may be added
LETTER_KEYS = ("decision_id", "outcome", "motivation", "citations", "receipt", "readability",
               "file", "source", "row")
REFUSAL_KEYS = ("decision_id", "outcome", "reasons", "source", "row")


def render(letter: Letter, fmt: str) -> str:
    """The letter in ``fmt`` (text, md, html, json); the same letter gives the same bytes."""
    if fmt == "text":
        return letter.text
    if fmt == "json":
        return letter.model_dump_json(indent=2) + "\n"
    blocks: list[tuple[str, list[list[str]]]] = []
    for name, heading in SECTIONS:
        parts: dict[str, list[str]] = {}
        for s in letter.sentences:
            if s.section == name:
                parts.setdefault(s.part, []).append(s.text)
        if parts:
            blocks.append((heading, list(parts.values())))
    out: list[str] = []
    if fmt == "md":
        for heading, paragraphs in blocks:
            out.append(f"### {heading}\n")
            for p in paragraphs:
                out.append("".join(f"- {t}\n" for t in p) if heading == SECTIONS[2][1] else " ".join(p) + "\n")
        return "\n".join(out)
    for heading, paragraphs in blocks:
        out.append(f"<h3>{html.escape(heading)}</h3>")
        out.extend(f"<p>{html.escape(' '.join(p))}</p>" for p in paragraphs)
    return "<section class=\"motivering\">\n" + "\n".join(out) + "\n</section>\n"


def safe_name(decision_id: str, taken: set[str]) -> str:
    """A file name from a decision id: letters, digits, '-', '_' and '.', never hidden, unique
    in the folder (a suffix -2, -3 ...)."""
    base = re.sub(r"[^A-Za-z0-9_.-]+", "_", decision_id).strip("._") or "besluit"
    name, n = base[:100], 1
    while name.lower() in taken:
        n += 1
        name = f"{base[:100]}-{n}"
    taken.add(name.lower())
    return f"{name}.md"


@dataclass
class LetterBatch:
    """The letters and refusals of a batch; rows in = letters + refusals."""

    letters: list[Letter] = field(default_factory=list)
    refusals: list[Refusal] = field(default_factory=list)
    rows: int = 0

    def summary(self) -> dict[str, Any]:
        return {"rows_in": self.rows, "letters": len(self.letters), "refusals": len(self.refusals),
                "rows_accounted": len(self.letters) + len(self.refusals)}

    def write(self, out: str | Path, *, protect: Iterable[Protected] = (), force: bool = False) -> None:
        with atomic_folder(out, command="letter", protect=protect, force=force) as tmp:
            taken: set[str] = {"letters", "refusals", "summary"}
            lines: list[str] = []
            for letter in self.letters:
                name = safe_name(letter.decision_id, taken)
                (tmp / name).write_text(f"## Besluit {letter.decision_id}\n\n" + render(letter, "md"),
                                        encoding="utf-8")
                row = {"decision_id": letter.decision_id, "outcome": letter.outcome,
                       "motivation": letter.motivation, "citations": letter.citations,
                       "receipt": letter.receipt.model_dump(mode="json"),
                       "readability": letter.readability, "file": name,
                       "source": letter.source, "row": letter.row}
                lines.append(json.dumps(row, ensure_ascii=False, sort_keys=False))
            (tmp / "letters.jsonl").write_text("".join(f"{x}\n" for x in lines), encoding="utf-8")
            (tmp / "refusals.jsonl").write_text("".join(
                json.dumps(r.model_dump(include=set(REFUSAL_KEYS)), ensure_ascii=False) + "\n"
                for r in self.refusals), encoding="utf-8")
            (tmp / "summary.json").write_text(json.dumps(self.summary(), indent=2) + "\n",
                                              encoding="utf-8")


def write_letters(writer: LetterWriter, records: Records, *, columns: str | Path | None = None,
                  as_of: dt.date | None = None) -> LetterBatch:
    """The letter or refusal of every row of a batch (anything ``io.frame`` reads), sorted by
    decision id then source and row; a bsn of the batch never appears in what it holds."""
    rows = frame_records(records, columns).to_dicts()
    bsns = {str(r["bsn"]).strip() for r in rows if r.get("bsn") not in (None, "")}
    bsns = {b for b in bsns if len(b) >= 8}
    batch = LetterBatch(rows=len(rows))
    for raw in rows:
        result = writer.write(raw, as_of=as_of, bsns=bsns)
        if isinstance(result, Letter):
            batch.letters.append(result)
        else:
            batch.refusals.append(result.model_copy(update={
                "reasons": [mask_bsns_in_text(r, bsns) for r in result.reasons]}))
    batch.letters.sort(key=lambda x: (x.decision_id, x.source or "", x.row or 0))
    batch.refusals.sort(key=lambda x: (x.decision_id, x.source or "", x.row or 0))
    return batch
