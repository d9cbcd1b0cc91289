"""A ``basis`` as citations of the sources catalogue (domain.md §8).

A basis is one or more citations separated by ``;`` (never inside a parenthesised note). Each
citation names a source of the catalogue's ``sources`` section, by its id or by the words it is
cited with, followed by the section and an optional note in parentheses::

    jeugdwet art. 1.2 lid 3 (hulp op last van een GI)
    Jeugdwet art. 1.2 lid 3 (hulp op last van een GI)      # the same citation, in words
    regiovisie-zk-ijmond §4.2; crvb-2017-1477 (stap 4)

Users always read the words ("Jeugdwet art. 1.2 lid 3"), with a link where one exists: the
article on wetten.overheid.nl for a law with a BWB id, the ruling on uitspraken.rechtspraak.nl
for an ECLI, or the source's own ``url``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from zorgregels.catalogue.model import SourceDecl

_NOTE = re.compile(r"\s*\(([^()]*)\)\s*$")
_ARTICLE = re.compile(r"\bart(?:ikel|\.)?\s*(\d+(?::\d+[a-z]*)?(?:\.\d+[a-z]*)*[a-z]?)")

#: How each kind of source is named to a reader (Dutch), in the order a register lists them.
KIND_LABELS = {"law": "wet", "case_law": "rechtspraak", "standard": "standaard", "policy": "beleid"}


@dataclass(frozen=True)
class Citation:
    source: SourceDecl
    section: str  # "art. 1.2 lid 3", "§4.2", "" (the source as a whole)
    note: str | None = None

    @property
    def text(self) -> str:
        """The citation in words without its note: 'Jeugdwet art. 1.2 lid 3'."""
        return f"{self.source.cite} {self.section}".strip()

    @property
    def words(self) -> str:
        return f"{self.text} ({self.note})" if self.note else self.text

    @property
    def url(self) -> str | None:
        src = self.source
        if src.bwb:
            m = _ARTICLE.search(self.section)
            if m is None:
                return f"https://wetten.overheid.nl/{src.bwb}"
            article = m.group(1)
            book = ""
            if src.book is not None:
                article = article.removeprefix(f"{src.book}:")
                book = f"&boek={src.book}"
            return f"https://wetten.overheid.nl/jci1.3:c:{src.bwb}{book}&artikel={article}"
        if src.ecli:
            return f"https://uitspraken.rechtspraak.nl/details?id={src.ecli}"
        return src.url


def split_basis(basis: str) -> list[str]:
    """A basis split into its citations at ';', never inside a parenthesised note."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(basis):
        depth += (ch == "(") - (ch == ")")
        if ch == ";" and depth == 0:
            parts.append(basis[start:i])
            start = i + 1
    parts.append(basis[start:])
    return [p.strip() for p in parts if p.strip()]


def cite(part: str, sources: dict[str, SourceDecl]) -> Citation | None:
    """One citation resolved against the sources catalogue; None when it names no known source."""
    text, note = part.strip().rstrip("."), None
    m = _NOTE.search(text)
    if m:
        note, text = m.group(1).strip(), text[: m.start()].strip()
    head, _, rest = text.partition(" ")
    if head in sources:
        return Citation(sources[head], rest.strip(), note)
    by_words = sorted(sources.values(), key=lambda s: len(s.cite), reverse=True)
    for src in by_words:
        if text == src.cite or text.startswith(src.cite + " ") or text.startswith(src.cite + ","):
            return Citation(src, text[len(src.cite):].lstrip(" ,"), note)
    return None


def resolve(basis: str, sources: dict[str, SourceDecl]) -> tuple[list[Citation], list[str]]:
    """The citations of a basis, and the parts that name no known source."""
    found: list[Citation] = []
    unknown: list[str] = []
    for part in split_basis(basis):
        c = cite(part, sources)
        if c is None:
            unknown.append(part)
        else:
            found.append(c)
    return found, unknown


def in_words(citations: list[Citation]) -> str:
    return "; ".join(c.words for c in citations)


__all__ = ["KIND_LABELS", "Citation", "cite", "in_words", "resolve", "split_basis"]
