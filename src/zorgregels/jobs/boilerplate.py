"""Finding motivations reused verbatim or near-verbatim across decisions (boilerplate).

A motivation is case-specific when it is about this family; the same text pasted into many
decisions is not (domain.md §6). Copies are rarely byte-identical: a name, a date or the spacing
changes. So texts are first *normalised* (Unicode NFKC, punctuation dropped, whitespace collapsed,
lower case, digits masked, capitalised words inside a sentence masked as names, and a word after
a title such as "dhr." or "mevrouw" too; a word masked as a name in any text of the batch is
masked in every text, so a copy typed in lower case loses its names as well). Equal normalised
texts are one group at once. Then the
distinct normalised texts are compared with each other: two are near-verbatim when the token
sequences have a similarity ratio (difflib) of at least ``similarity`` (default 0.9, i.e. about
one changed word in ten). Candidate pairs are texts sharing at least 3 of their 8 rarest word
bigrams that some other text also has, so the
comparison does not grow with the square of the number of texts in practice.

Groups are the connected components of "equal or near-verbatim". Everything is deterministic.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

NAME = "<naam>"
NUMBER = "#"
_TOKEN = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*|\d+|[^\w\s]", re.UNICODE)
_SENTENCE_END = {".", "!", "?", ":", ";", "\n"}
_TITLES = {"dhr", "mevr", "mw", "mr", "dr", "meneer", "mevrouw", "de heer", "heer", "juf", "meester"}
#: short words never taken into the name lexicon ("de" in "Anna de Vries" stays a word elsewhere)
_COMMON = {"de", "van", "der", "den", "het", "een", "en", "in", "op", "te", "ten", "ter", "la", "le", "el"}
_SKETCH = 8  # bottom-k sketch size
_MIN_SHARED = 3  # sketch elements two texts must share to be compared


def tokens(text: str, names: set[str] | frozenset[str] = frozenset(),
           found: set[str] | None = None) -> list[str]:
    """The normalised tokens of a motivation (see the module docstring).

    ``names``: lower-case words to mask as names wherever they occur (the batch's name lexicon,
    so that a copy typed in lower case loses its names too). ``found`` collects the lower-case
    form of every word this text masks as a name.
    """
    text = unicodedata.normalize("NFKC", text)
    letters = "".join(filter(str.isalpha, text))
    # a text typed in capitals carries no information in its case: no name masking then
    shouting = bool(letters) and sum(map(str.isupper, letters)) > 0.6 * len(letters)
    out: list[str] = []
    sentence_start = True
    after_title = False
    for match in _TOKEN.finditer(text.replace("\r", " ")):
        tok = match.group(0)
        if tok[0].isdigit():
            if not out or out[-1] != NUMBER:
                out.append(NUMBER)
            sentence_start = after_title = False
            continue
        if not tok[0].isalpha():
            if tok in _SENTENCE_END and not after_title:
                sentence_start = True
            continue
        lower = tok.lower()
        capitalised = tok[0].isupper() and not shouting
        if (capitalised and not sentence_start) or (after_title and tok[0].isupper()) or lower in names:
            if found is not None and lower not in _COMMON:
                found.add(lower)
            if not out or out[-1] != NAME:  # "Anna de Vries" and "Bo" are both one name
                out.append(NAME)
        else:
            out.append(lower)
        after_title = lower in _TITLES
        sentence_start = False
    return _join_particles(out)


_PARTICLES = {"de", "van", "der", "den", "het", "ten", "ter", "te", "la", "le", "el", "da", "di", "'t"}


def _join_particles(toks: list[str]) -> list[str]:
    """"<naam> de <naam>" (Anna de Vries) and "<naam> van der <naam>" are one name."""
    out: list[str] = []
    i = 0
    while i < len(toks):
        out.append(toks[i])
        if toks[i] == NAME:
            j = i + 1
            while j < len(toks) and toks[j] in _PARTICLES:
                j += 1
            if j > i + 1 and j < len(toks) and toks[j] == NAME:
                i = j + 1
                continue
        i += 1
    return out


def normalise(text: str) -> str:
    return " ".join(tokens(text))


def _bigrams(toks: list[str]) -> set[str]:
    return {" ".join(toks[i:i + 2]) for i in range(max(1, len(toks) - 1))}


def candidate_pairs(sketches: list[list[str]]) -> list[tuple[int, int]]:
    """The pairs ``(i, j)``, ``i < j``, in order, whose sketches share at least
    ``min(_MIN_SHARED, len(sketch i), len(sketch j))`` bigrams. Found through the subsets of that
    size of each sketch, not by counting every pair that shares one bigram: a common phrase
    would make that count grow with the square of the number of texts (and its memory too)."""
    short = sorted({len(sk) for sk in sketches if 0 < len(sk) < _MIN_SHARED})
    tables: dict[int, dict[tuple[str, ...], list[int]]] = {
        k: defaultdict(list) for k in (*short, _MIN_SHARED)}
    keys = [tuple(sorted(sk)) for sk in sketches]
    for i, key in enumerate(keys):
        for k, table in tables.items():
            if k <= len(key):
                for sub in combinations(key, k):
                    table[sub].append(i)
    pairs: set[tuple[int, int]] = set()
    for ids in tables[_MIN_SHARED].values():  # both sketches long: a shared subset of 3
        pairs.update(combinations(ids, 2))
    for i, key in enumerate(keys):  # a short sketch: the other sketch holds all of it
        if 0 < len(key) < _MIN_SHARED:
            pairs.update((min(i, j), max(i, j)) for j in tables[len(key)][key] if j != i)
    return sorted(pairs)


@dataclass(frozen=True)
class Groups:
    """For each input text: its group index (None for an empty text) and the group's size."""

    group: list[int | None]
    size: list[int]
    members: dict[int, list[int]]  # group index -> positions of the texts in it


def group_texts(texts: Sequence[str | None], similarity: float = 0.9) -> Groups:
    """Group the texts that are equal after normalising or near-verbatim copies of each other."""
    # pass 1: the batch's name lexicon (words some text capitalises inside a sentence)
    lexicon: set[str] = set()
    for t in texts:
        if t and t.strip():
            tokens(t, found=lexicon)
    names = frozenset(lexicon)
    norm: list[str | None] = [None if not t or not t.strip() else " ".join(tokens(t, names))
                              for t in texts]
    distinct: dict[str, int] = {}
    for n in norm:
        if n and n not in distinct:
            distinct[n] = len(distinct)
    reps = list(distinct)
    rep_tokens = [r.split(" ") for r in reps]
    parent = list(range(len(reps)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    # candidate pairs: distinct texts sharing at least _MIN_SHARED of their bottom-k bigrams
    # The sketch of a text is its _SKETCH rarest shared bigrams (document frequency over the distinct
    # texts, ties by the bigram itself): copies share their rare bigrams, while a common phrase
    # ("het gezin") would pair every text with every other and is only used when a text has
    # nothing rarer.
    grams = [_bigrams(t) for t in rep_tokens]
    df: Counter[str] = Counter(g for gs in grams for g in gs)
    # a bigram no other text has cannot pair anything: it never enters a sketch
    sketches = [sorted((g for g in gs if df[g] > 1), key=lambda g: (df[g], g))[:_SKETCH]
                for gs in grams]
    bags = [Counter(t) for t in rep_tokens]
    for i, j in candidate_pairs(sketches):
        if find(i) == find(j):
            continue
        a, b = rep_tokens[i], rep_tokens[j]
        # upper bounds of difflib's ratio first (length, then shared tokens): cheap rejections
        if 2 * min(len(a), len(b)) < similarity * (len(a) + len(b)):
            continue
        # near-verbatim copies share most of their bigrams; unrelated texts sharing a few
        # rare phrases are dropped here before the (slower) token comparisons
        if 2 * len(grams[i] & grams[j]) < min(len(grams[i]), len(grams[j])):
            continue
        if 2 * sum((bags[i] & bags[j]).values()) < similarity * (len(a) + len(b)):
            continue
        if difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() >= similarity:
            parent[find(j)] = find(i)

    root_of_rep = [find(i) for i in range(len(reps))]
    members: dict[int, list[int]] = defaultdict(list)
    group: list[int | None] = []
    for pos, n in enumerate(norm):
        if n is None:
            group.append(None)
            continue
        root = root_of_rep[distinct[n]]
        group.append(root)
        members[root].append(pos)
    size = [len(members[g]) if g is not None else 0 for g in group]
    return Groups(group=group, size=size, members=dict(members))


__all__ = ["Groups", "candidate_pairs", "group_texts", "normalise", "tokens"]
