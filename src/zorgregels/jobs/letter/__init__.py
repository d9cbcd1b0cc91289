"""The motivation section of the decision letter, written from the rules and facts that decided
(docs/letters.md): ``LetterWriter`` for one record, ``write_letters`` for a batch."""

from zorgregels.jobs.letter.compose import LetterWriter
from zorgregels.jobs.letter.model import FORMATS, Letter, LetterReceipt, Refusal, TracedSentence
from zorgregels.jobs.letter.output import LetterBatch, render, write_letters

__all__ = ["FORMATS", "Letter", "LetterBatch", "LetterReceipt", "LetterWriter", "Refusal", "TracedSentence",
           "render", "write_letters"]
