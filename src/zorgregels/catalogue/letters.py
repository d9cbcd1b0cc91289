"""The sentences of the decision letter (``letters:`` in a rule file): their format, the
placeholders they may use, and ``check``'s diagnostics of a bad template.

A sentence is a Dutch template of one ``part`` of the letter (``PARTS``, in the order the letter
shows them), optionally limited to one product ``code``, ``care_form``, ladder ``level`` or
rejection ``ground``. Its text may name only the placeholders of ``PLACEHOLDERS``: words the
letter job makes from the record's facts and the catalogue (a code's name, never its id). No
expression, no attribute access: ``{name}`` is the only syntax (``core.messages.PLACEHOLDER``).
The national law layer declares the objection, provisions and closing sentences; a region the
rest (rules/<region>/letters.yaml). docs/letters.md explains how a region edits them.

This module imports nothing of the catalogue, so that ``catalogue.model`` can
name its section and ``catalogue.catalogue`` hold the merged sentences.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

Part = Literal[
    "grant.intro", "grant.help", "grant.fit", "grant.time", "grant.provider",
    "rejection.intro", "rejection.steps", "rejection.ground", "rejection.alternative",
    "objection", "provisions", "closing",
]
#: the parts of a letter, in the order it shows them
PARTS: tuple[str, ...] = get_args(Part)
#: the parts that make up the motivation proper (what ``letters.jsonl`` calls ``motivation``);
#: objection, provisions and closing are the same in every letter and follow it
MOTIVATION_PARTS = frozenset(p for p in PARTS if p.startswith(("grant.", "rejection.")))

#: every placeholder a sentence may name, with the record facts (or catalogue) it is made from
PLACEHOLDERS: dict[str, tuple[str, ...]] = {
    "code_name": ("code",),
    "level_name": ("code",),
    "provider_kinds": ("code",),
    "hours": ("code", "decision_date"),
    "duration": ("start_date", "end_date"),
    "start_date": ("start_date",),
    "end_date": ("end_date",),
    "request_date": ("request_date",),
    "decision_date": ("decision_date",),
    "term": ("request_date", "decision_date"),
    "domains": ("domains",),
    "severity": ("severity",),
    "complexity": ("complexity", "domains"),
    "referrer": ("referrer_type",),
    "age": ("birth_date", "age"),
    "municipality": ("municipality",),
    "responsible_municipality": ("responsible_municipality",),
    "information_requested_date": ("information_requested_date",),
    "help_question": ("help_question",),
    "problems": ("problems",),
    "needed_help": ("needed_help",),
    "network_assessment": ("network_assessment",),
    "expertise": ("expertise",),
    "ground_name": ("rejection_reason",),
    "alternative": ("alternative_offered",),
    "provision": (),  # one citation of the provisions, in words
}
TEMPLATE_TOKEN = re.compile(r"\{([^{}]*)\}")
SENTENCE_ID = r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$"


class Sentence(BaseModel):
    """One sentence template of a letter."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=SENTENCE_ID, description="unique id, shown in the trace (--format json)")
    part: Part
    text: str = Field(min_length=1, description="Dutch; {placeholder} inserts a word of the case")
    code: str | None = Field(None, description="only for this product code")
    care_form: str | None = Field(None, description="only for codes of this care form")
    level: int | None = Field(None, ge=0, description="only for codes of this ladder level")
    ground: str | None = Field(None, description="only for rejections on this ground")
    optional: bool = Field(False, description="left out (not refused) when a placeholder has no value")
    basis: str | None = Field(None, description="provision the sentence rests on (sources catalogue)")
    motivation: bool = Field(True, description="false: the sentence states the decision, not a "
                             "reason; the letter shows it, the case's motivation leaves it out")


class LetterSection(BaseModel):
    """The ``letters:`` section of a rule file."""

    model_config = ConfigDict(extra="forbid")

    sentences: list[Sentence] = Field(default_factory=list)


@dataclass(frozen=True)
class LetterSentence:
    sentence: Sentence
    placeholders: tuple[str, ...]
    file: str
    line: int | None


@dataclass
class LetterCatalogue:
    """Every sentence of the catalogue's letters, law layer first, in file order."""

    sentences: list[LetterSentence] = field(default_factory=list)

    def of_part(self, part: str) -> list[LetterSentence]:
        return [s for s in self.sentences if s.sentence.part == part]


def placeholders(text: str) -> tuple[list[str], list[str]]:
    """The placeholders a template names, and the ones it may not name (unknown, or not a plain
    ``{name}``: an attribute, an index, a format spec)."""
    names: list[str] = []
    bad: list[str] = []
    for m in TEMPLATE_TOKEN.finditer(text):
        name = m.group(1)
        (names if name in PLACEHOLDERS else bad).append(name)
    rest = TEMPLATE_TOKEN.sub("", text)
    if "{" in rest or "}" in rest:
        bad.append("losse accolade")
    return names, bad


def fill(text: str, words: Mapping[str, str]) -> str:
    """A checked template filled with words: only ``{name}`` of ``words``, nothing evaluated."""
    return TEMPLATE_TOKEN.sub(lambda m: words[m.group(1)], text)


__all__ = ["MOTIVATION_PARTS", "PARTS", "PLACEHOLDERS", "LetterCatalogue", "LetterSection",
           "LetterSentence", "Sentence", "fill", "placeholders"]
