"""What the letter job returns: a letter (its sentences, each traced to its template and facts)
or a refusal (what is missing), with a receipt."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from zorgregels.core.receipt import ReceiptBasis

Outcome = Literal["granted", "rejected"]
Format = Literal["text", "md", "html", "json"]
FORMATS: tuple[str, ...] = ("text", "md", "html", "json")

#: the headings of the letter's sections, in order (the parts that make up each)
SECTIONS: tuple[tuple[str, str], ...] = (
    ("motivation", "Waarom dit besluit"),
    ("objection", "Niet eens met dit besluit?"),
    ("provisions", "Waar dit besluit op rust"),
    ("closing", "Over deze tekst"),
)


class LetterReceipt(ReceiptBasis):
    """The receipt of one letter: the same record, rules and versions give the same text."""

    input_hash: str = Field(description="sha256 of the record as canonical JSON (empty values, "
                            "reader bookkeeping and bsn left out)")
    result_hash: str = Field(description="sha256 of the letter's text")
    hash: str = Field(description="sha256 over every other field of this receipt")


class TracedSentence(BaseModel):
    """One sentence of a letter and where it came from."""

    template: str = Field(description="the sentence's id in the rule files")
    part: str
    section: str
    text: str
    facts: dict[str, str] = Field(default_factory=dict,
                                  description="placeholder -> the record facts it was made from")
    rule: str | None = Field(None, description="the ground, code, care form or level the sentence is for")
    basis: str | None = Field(None, description="the provision the sentence rests on, in words")
    file: str
    line: int | None = None
    reason: bool = Field(True, description="part of the case's motivation (Letter.motivation)")


class Letter(BaseModel):
    """The motivation section of one decision letter."""

    decision_id: str
    outcome: Outcome
    motivation: str = Field(description="the motivation proper: the case's own sentences")
    text: str = Field(description="the whole section as plain text")
    citations: list[str] = Field(description="the provisions in words")
    sentences: list[TracedSentence]
    readability: dict[str, float | int]
    review: list[str] = Field(default_factory=list,
                              description="what a professional must still judge (from the audit)")
    source: str | None = None
    row: int | None = None
    receipt: LetterReceipt


class Refusal(BaseModel):
    """No letter: the facts do not carry a motivation. ``reasons`` say what is missing."""

    decision_id: str
    outcome: str | None
    reasons: list[str]
    source: str | None = None
    row: int | None = None
