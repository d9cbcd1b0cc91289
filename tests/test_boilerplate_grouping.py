"""group_texts groups exactly as the pair-by-pair algorithm it replaced (kept here as the
reference): the same groups, with the same group index, on batches written from shared phrases
(buckets full of near-copies and of texts sharing only a phrase), at any similarity."""

from __future__ import annotations

import difflib
import random
from collections import Counter, defaultdict
from collections.abc import Sequence
from itertools import combinations

from hypothesis import given, settings
from hypothesis import strategies as st

import zorgregels.jobs.boilerplate as boilerplate
from zorgregels.jobs.boilerplate import Groups, group_texts, tokens


def reference_candidate_pairs(sketches: list[list[str]]) -> list[tuple[int, int]]:
    short = sorted({len(sk) for sk in sketches if 0 < len(sk) < 3})
    tables: dict[int, dict[tuple[str, ...], list[int]]] = {k: defaultdict(list) for k in (*short, 3)}
    keys = [tuple(sorted(sk)) for sk in sketches]
    for i, key in enumerate(keys):
        for k, table in tables.items():
            if k <= len(key):
                for sub in combinations(key, k):
                    table[sub].append(i)
    pairs: set[tuple[int, int]] = set()
    for ids in tables[3].values():
        pairs.update(combinations(ids, 2))
    for i, key in enumerate(keys):
        if 0 < len(key) < 3:
            pairs.update((min(i, j), max(i, j)) for j in tables[len(key)][key] if j != i)
    return sorted(pairs)


def reference_group_texts(texts: Sequence[str | None], similarity: float = 0.9) -> Groups:
    """group_texts as it was before the candidate pairs were filtered in polars."""
    lexicon: set[str] = set()
    for t in texts:
        if t and t.strip():
            tokens(t, found=lexicon)
    names = frozenset(lexicon)
    norm = [None if not t or not t.strip() else " ".join(tokens(t, names)) for t in texts]
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

    grams = [{" ".join(t[i:i + 2]) for i in range(max(1, len(t) - 1))} for t in rep_tokens]
    df: Counter[str] = Counter(g for gs in grams for g in gs)
    sketches = [sorted((g for g in gs if df[g] > 1), key=lambda g: (df[g], g))[:8] for gs in grams]
    bags = [Counter(t) for t in rep_tokens]
    for i, j in reference_candidate_pairs(sketches):
        if find(i) == find(j):
            continue
        a, b = rep_tokens[i], rep_tokens[j]
        if 2 * min(len(a), len(b)) < similarity * (len(a) + len(b)):
            continue
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


#: slots of a motivation, each a few phrases (the generated years are written like this)
SLOTS = [
    ["na het gesprek met Anouk op 3 maart blijkt dat", "tijdens het huisbezoek gaven de ouders aan dat",
     "uit de vragenlijst volgt dat", "bij de intake werd met vader besproken dat"],
    ["het schermgebruik de grootste bron van conflict is", "de slaapproblemen sinds de verhuizing spelen",
     "de ruzies thuis vooral rond de scheiding spelen", "het verzuim samenhangt met buikpijn"],
    ["een tante met opvoedervaring woont om de hoek.", "oma past twee middagen per week op.",
     "de voetbaltrainer is een vertrouwd aanspreekpunt.", "het gezin heeft een vaste oppas via de kerk."],
    ["de hulpvraag is klein en concreet", "er zijn geen signalen van onveiligheid",
     "de school ziet geen leerachterstand", "het netwerk is voldoende sterk"],
    ["wij spreken af over zes weken te evalueren.", "contactpersoon is de coach van het team.",
     "bij nieuwe zorgen kan het gezin direct contact opnemen.", "de afspraken staan in het gezinsplan."],
]
WORDS = ["de", "het", "gezin", "ruim", "zeker", "nu", "ook", "Mohammed", "12", "niet", "wel"]


def motivation(rng: random.Random, combo: Sequence[int], edits: int) -> str:
    words = " ".join(SLOTS[s][c] for s, c in enumerate(combo)).split(" ")
    for _ in range(edits):
        at = rng.randrange(len(words))
        kind = rng.randrange(3)
        if kind == 0 and len(words) > 3:
            del words[at]
        elif kind == 1:
            words.insert(at, rng.choice(WORDS))
        else:
            words[at] = rng.choice(WORDS)
    text = " ".join(words)
    return text[0].upper() + text[1:]


@st.composite
def batches(draw: st.DrawFn) -> list[str | None]:
    rng = random.Random(draw(st.integers(0, 2**32 - 1)))
    slots = draw(st.integers(2, len(SLOTS)))
    combos = [tuple(rng.randrange(4) for _ in range(slots)) for _ in range(draw(st.integers(1, 12)))]
    texts: list[str | None] = []
    for _ in range(draw(st.integers(0, 45))):
        roll = rng.random()
        if roll < 0.05:
            texts.append(rng.choice([None, "", "  "]))
        else:  # near-copies of a few combinations, and fresh ones sharing their phrases
            combo = rng.choice(combos) if roll < 0.7 else tuple(rng.randrange(4) for _ in range(slots))
            texts.append(motivation(rng, combo, rng.choice([0, 0, 1, 1, 2, 3, 6])))
    return texts


@settings(max_examples=150, deadline=None)
@given(texts=batches(), similarity=st.sampled_from([0.3, 0.5, 0.7, 0.8, 0.85, 0.9, 0.95, 1.0]),
       few_bits=st.booleans(), unpacked=st.booleans())
def test_groups_are_those_of_the_pair_by_pair_algorithm(texts: list[str | None], similarity: float,
                                                        few_bits: bool, unpacked: bool) -> None:
    words, packed = boilerplate._WORDS, boilerplate._PACKED
    boilerplate._WORDS = 1 if few_bits else words  # most shared elements then only counted, not known
    boilerplate._PACKED = 1 if unpacked else packed  # subsets numbered by a join, as in a huge batch
    try:
        got = group_texts(texts, similarity)
    finally:
        boilerplate._WORDS, boilerplate._PACKED = words, packed
    assert got == reference_group_texts(texts, similarity)


def test_a_bucket_full_of_near_copies_and_of_texts_sharing_a_phrase() -> None:
    rng = random.Random(14)
    texts: list[str | None] = [motivation(rng, (0, 1, 2, 3, 0), rng.choice([0, 1, 2])) for _ in range(250)]
    texts += [motivation(rng, (rng.randrange(4), 1, rng.randrange(4), rng.randrange(4), rng.randrange(4)), 1)
              for _ in range(250)]
    got = group_texts(texts)
    assert got == reference_group_texts(texts)
    assert max(got.size) > 200  # the copies are one group
    assert len(got.members) > 20  # the texts sharing one phrase mostly are not


def test_a_text_of_punctuation_alone_is_empty() -> None:
    g = group_texts(["...", "-", BASE := "De hulpvraag is klein.", BASE, None])
    assert g.group[:2] == [None, None] and g.size[:2] == [0, 0]
    assert g.size[2:4] == [2, 2] and g.group[4] is None
