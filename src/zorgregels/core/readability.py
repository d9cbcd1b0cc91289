"""How plain a Dutch text is, measured: sentence lengths and the Flesch-Douma reading ease.

Flesch-Douma (Douma 1960, Flesch's formula for Dutch):
``206.835 - 0.93 * (words / sentences) - 77 * (syllables / words)``; higher is easier (above 60
is plain, B1 letters score about 60-80). Syllables are counted by groups of vowels (a, e, i, o,
u, y and their accented forms; ``ij`` is one vowel), which is **approximate**: Dutch words such
as "geïnd" or loan words are counted by their spelling, not their sound. Good enough to compare
letters with each other and over time, not a linguist's count.

A sentence ends at ``.``, ``!`` or ``?`` followed by a space and a capital (or a line break, or
the end); a known abbreviation (``art.``, ``bijv.``) does not end one, nor does ``2.3``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: the plain-language limits the letters keep (docs/letters.md)
MAX_AVERAGE_WORDS = 15
MAX_SENTENCE_WORDS = 25

ABBREVIATIONS = frozenset({"art", "bijv", "o.a", "nr", "mr", "dr", "z.s.m", "t.a.v", "e.d", "enz", "jl"})
_BREAK = re.compile(r"(?<=[.!?])\s+(?=[\"'(]?[A-ZÀ-Ý0-9])|\n+")
_WORD = re.compile(r"[0-9A-Za-zÀ-ÖØ-öø-ÿ]+(?:[-'.:/][0-9A-Za-zÀ-ÖØ-öø-ÿ]+)*")
_VOWELS = re.compile(r"ij|[aeiouyàáâäèéêëìíîïòóôöùúûü]+", re.IGNORECASE)


@dataclass(frozen=True)
class Readability:
    sentences: int
    words: int
    syllables: int
    average_sentence_words: float  # rounded to 1 decimal
    longest_sentence_words: int
    flesch_douma: float  # rounded to 1 decimal

    def within_limits(self) -> bool:
        return (self.average_sentence_words <= MAX_AVERAGE_WORDS
                and self.longest_sentence_words <= MAX_SENTENCE_WORDS)

    def as_dict(self) -> dict[str, float | int]:
        return {"sentences": self.sentences, "words": self.words, "syllables": self.syllables,
                "average_sentence_words": self.average_sentence_words,
                "longest_sentence_words": self.longest_sentence_words,
                "flesch_douma": self.flesch_douma}


def split_sentences(text: str) -> list[str]:
    """The sentences of a text (see the module docstring for where one ends)."""
    out: list[str] = []
    pending = ""
    for piece in _BREAK.split(text):
        piece = piece.strip()
        if not piece:
            continue
        pending = f"{pending} {piece}".strip() if pending else piece
        last = pending.rsplit(" ", 1)[-1].rstrip(".").lower()
        if pending.endswith(".") and last in ABBREVIATIONS:
            continue
        out.append(pending)
        pending = ""
    if pending:
        out.append(pending)
    return out


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def syllables(word: str) -> int:
    """Vowel groups of a word, at least one (approximate; see the module docstring)."""
    return max(1, len(_VOWELS.findall(word)))


def measure(text: str) -> Readability:
    """Sentence lengths and Flesch-Douma of a Dutch text; an empty text measures 0."""
    lengths: list[int] = []
    syl = 0
    for sentence in split_sentences(text):
        ws = words(sentence)
        if ws:
            lengths.append(len(ws))
            syl += sum(syllables(w) for w in ws)
    n_words = sum(lengths)
    if not lengths:
        return Readability(0, 0, 0, 0.0, 0, 0.0)
    avg = n_words / len(lengths)
    score = 206.835 - 0.93 * avg - 77 * (syl / n_words)
    return Readability(len(lengths), n_words, syl, round(avg, 1), max(lengths), round(score, 1))


__all__ = ["MAX_AVERAGE_WORDS", "MAX_SENTENCE_WORDS", "Readability", "measure", "split_sentences",
           "syllables", "words"]
