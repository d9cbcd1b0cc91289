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
comparison does not grow with the square of the number of texts in practice. A pair is compared
only when its cheap upper bounds of the ratio allow it (the lengths, the shared bigrams, the
shared tokens); a batch written from the same phrases has millions of candidate pairs, so those
bounds are taken for all pairs at once in polars (``_maybe_near``) and only the pairs they let
through are compared one by one, in the same order as before, with the same bounds again.

Groups are the connected components of "equal or near-verbatim". Everything is deterministic.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations

import polars as pl

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
    return _join_particles(_masked(text, names, found))


def _masked(text: str, names: set[str] | frozenset[str], found: set[str] | None) -> list[str]:
    """``tokens`` before the particles of a name are joined. ``names`` only decides about a word
    it holds: a text none of whose unmasked words is in ``names`` masks the same without it."""
    text = unicodedata.normalize("NFKC", text)
    letters = "".join(filter(str.isalpha, text))
    # a text typed in capitals carries no information in its case: no name masking then
    shouting = bool(letters) and sum(map(str.isupper, letters)) > 0.6 * len(letters)
    out: list[str] = []
    sentence_start = True
    after_title = False
    for tok in _TOKEN.findall(text.replace("\r", " ")):
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
    return out


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
    if len(toks) < 2:
        return {" ".join(toks)}
    return {a + " " + b for a, b in zip(toks, toks[1:])}


def candidate_pairs(sketches: list[list[str]]) -> list[tuple[int, int]]:
    """The pairs ``(i, j)``, ``i < j``, in order, whose sketches share at least
    ``min(_MIN_SHARED, len(sketch i), len(sketch j))`` bigrams (``_candidate_frame``)."""
    frame = _candidate_frame(sketches)
    return list(zip(frame["i"].to_list(), frame["j"].to_list(), strict=True))


def _candidate_frame(sketches: list[list[str]]) -> pl.DataFrame:
    """``candidate_pairs`` as a frame (columns ``i``, ``j``; unique, sorted). Found through the
    subsets of that size of each sketch, not by counting every pair that shares one bigram: a
    common phrase would make that count grow with the square of the number of texts. A batch
    written from the same phrases has millions of pairs sharing a subset of 3: they are made in
    polars (each text with the texts after it in its subset's bucket); a sketch shorter than 3
    is rare and looked up here."""
    ids: dict[str, int] = {}
    coded = [sorted(ids.setdefault(g, len(ids)) for g in sk) for sk in sketches]
    base = len(ids) + 1
    packed = base ** _MIN_SHARED <= _PACKED  # a subset of 3 as one number; else numbered by a join
    by_len: dict[int, list[int]] = defaultdict(list)
    for i, c in enumerate(coded):
        if len(c) >= _MIN_SHARED:
            by_len[len(c)].append(i)
    subsets = [pl.DataFrame(schema={"a": pl.UInt64, "b": pl.UInt64, "c": pl.UInt64, "id": pl.UInt64})]
    for n, texts in sorted(by_len.items()):
        frame = pl.DataFrame({"id": texts, **{f"s{x}": [coded[i][x] for i in texts] for x in range(n)}},
                             schema={"id": pl.UInt64, **{f"s{x}": pl.UInt64 for x in range(n)}})
        subsets += [frame.select(a=f"s{x}", b=f"s{y}", c=f"s{z}", id="id")
                    for x, y, z in combinations(range(n), _MIN_SHARED)]
    table = pl.concat(subsets)
    if packed:
        table = table.select(k=(pl.col("a") * base + pl.col("b")) * base + pl.col("c"), id="id")
    else:
        keys = table.select("a", "b", "c").unique().with_row_index("k", offset=0)
        table = table.join(keys, on=["a", "b", "c"]).select(pl.col("k").cast(pl.UInt64), "id")
    table = table.filter(pl.len().over("k") > 1).sort("k", "id").with_row_index("p")
    after = table.select(i="id", q=pl.int_ranges(pl.col("p") + 1, pl.col("p").max().over("k") + 1,
                                                dtype=pl.UInt32)).explode("q").drop_nulls()
    codes = [after["i"] * _PAIR + table["id"].gather(after["q"])]
    short = sorted({len(c) for c in coded if 0 < len(c) < _MIN_SHARED})
    if short:  # a short sketch pairs with every sketch that holds all of it
        tables: dict[int, dict[tuple[int, ...], list[int]]] = {k: defaultdict(list) for k in short}
        for i, c in enumerate(coded):
            for k, tab in tables.items():
                for sub in combinations(c, k):
                    tab[sub].append(i)
        codes.append(pl.Series([min(i, j) * _PAIR + max(i, j) for i, c in enumerate(coded)
                                if 0 < len(c) < _MIN_SHARED for j in tables[len(c)][tuple(c)] if j != i],
                               dtype=pl.UInt64))
    code = pl.concat(codes).unique().sort()
    return pl.DataFrame({"i": (code // _PAIR).cast(pl.UInt32), "j": (code % _PAIR).cast(pl.UInt32)})


_PAIR = 1 << 32  # a pair (i, j) as one number i * _PAIR + j
_PACKED = (1 << 64) - 1  # the largest number a subset of 3 sketch bigrams is packed into
_WORDS = 32  # 64-bit words of exact membership per text in the prefilter (more elements: counted)
_SLACK = 1e-6  # the prefilter's float comparisons keep a pair the exact test then decides


class _Members:
    """The elements (bigrams; or tokens, each occurrence its own element) each text shares with
    some other text: the ``_WORDS * 64`` most frequent as bit words, the count of the rest
    beside them, so that the size of the intersection of two texts (for tokens: of their
    multisets) is bounded from above in polars, exact when every shared element has a bit."""

    def __init__(self, lists: Sequence[Iterable[str]], *, repeats: bool):
        code: dict[object, int] = {}
        owner: list[int] = []
        elements: list[int] = []
        for t, x in enumerate(lists):
            if repeats:  # the k-th "de" of a text is element ("de", k): min(k_a, k_b) of them are shared
                seen: dict[str, int] = {}
                keyed: list[object] = []
                for e in x:
                    k = seen[e] = seen.get(e, -1) + 1
                    keyed.append((e, k) if k else e)
            else:
                keyed = list(x)
            owner += [t] * len(keyed)
            elements += [code.setdefault(e, len(code)) for e in keyed]
        rows = pl.DataFrame({"t": owner, "e": elements}, schema={"t": pl.UInt32, "e": pl.UInt32})
        keys = ["e"]
        rows = rows.filter(pl.len().over(keys) > 1)  # an element of one text is never shared
        bits = (rows.group_by(keys).agg(n=pl.len())
                .sort(["n", *keys], descending=[True] + [False] * len(keys)).with_row_index("bit"))
        rows = rows.join(bits.select(*keys, "bit"), on=keys)
        n = len(lists)
        known = rows.filter(pl.col("bit") < _WORDS * 64).group_by("t", word=pl.col("bit") // 64).agg(
            v=pl.lit(2, dtype=pl.UInt64).pow(pl.col("bit") % 64).sum())
        self.words = [pl.zeros(n, dtype=pl.UInt64, eager=True).scatter(w["t"], w["v"])
                      for w in (known.filter(pl.col("word") == k)
                                for k in range((min(bits.height, _WORDS * 64) + 63) // 64))]
        rest = rows.filter(pl.col("bit") >= _WORDS * 64).group_by("t").len()
        self.rest = pl.zeros(n, dtype=pl.UInt32, eager=True).scatter(rest["t"], rest["len"])

    def shared_at_most(self, i: pl.Series, j: pl.Series) -> pl.Series:
        total = _least(self.rest.gather(i), self.rest.gather(j))
        for w in self.words:
            total = total + (w.gather(i) & w.gather(j)).bitwise_count_ones()
        return total


def _least(a: pl.Series, b: pl.Series) -> pl.Series:
    return a.zip_with(a <= b, b)


def _maybe_near(rep_tokens: list[list[str]], grams: list[set[str]], sketches: list[list[str]],
                similarity: float) -> list[tuple[int, int]]:
    """The candidate pairs, in order, that the cheap upper bounds of ``group_texts`` may let
    through (a superset of those that pass them, bounded in polars); the others cannot be
    near-verbatim copies and are never looked at one by one."""
    pairs = _candidate_frame(sketches)
    i, j = pairs["i"], pairs["j"]

    def keep(mask: pl.Series) -> None:
        nonlocal i, j
        i, j = i.filter(mask), j.filter(mask)

    lengths = pl.Series([len(t) for t in rep_tokens], dtype=pl.Int64)
    li, lj = lengths.gather(i), lengths.gather(j)
    keep(2 * _least(li, lj) >= similarity * (li + lj) - _SLACK)
    sizes = pl.Series([len(g) for g in grams], dtype=pl.Int64)
    si, sj = sizes.gather(i), sizes.gather(j)
    keep(2 * _Members(grams, repeats=False).shared_at_most(i, j).cast(pl.Int64)
         >= _least(si, sj))
    bags = _Members(rep_tokens, repeats=True)
    keep(2 * bags.shared_at_most(i, j).cast(pl.Int64)
         >= similarity * (lengths.gather(i) + lengths.gather(j)) - _SLACK)
    return list(zip(i.to_list(), j.to_list(), strict=True))


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
    first = {t: _masked(t, frozenset(), lexicon) for t in dict.fromkeys(texts) if t and t.strip()}
    names = frozenset(lexicon)
    # pass 2: a text none of whose words is in the lexicon is masked as in pass 1 (``_masked``);
    # a text of punctuation alone has no words: it is as empty as an empty one
    second = {t: " ".join(_join_particles(f if names.isdisjoint(f) else _masked(t, names, None)))
              for t, f in first.items() if f}
    norm: list[str | None] = [second.get(t) if t else None for t in texts]
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
    rank = {g: r for r, g in enumerate(sorted((g for g, n in df.items() if n > 1), key=lambda g: (df[g], g)))}
    sketches = [sorted((g for g in gs if g in rank), key=rank.__getitem__)[:_SKETCH] for gs in grams]
    bags = [Counter(t) for t in rep_tokens]
    for i, j in _maybe_near(rep_tokens, grams, sketches, similarity):
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
