"""The boilerplate detector: reworded copies are found, genuinely different motivations are not."""

from __future__ import annotations

import csv
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from zorgregels.jobs.boilerplate import candidate_pairs, group_texts, normalise, tokens

ROOT = Path(__file__).resolve().parent.parent

BASE = ("Na het gesprek met Anouk (12 jaar) en haar moeder op 3 maart blijkt dat de hulpvraag via "
        "het opvoedspreekuur van het CJG kan worden opgepakt. Het netwerk is voldoende sterk om "
        "de komende maanden te ondersteunen.")

COPIES = {
    "whitespace": BASE.replace(" ", "   ", 5).replace(". ", ".\n") + "   ",
    "case": BASE.lower(),
    "upper": BASE.upper(),
    "name": BASE.replace("Anouk", "Mohammed"),
    "two_word_name": BASE.replace("Anouk", "Anna de Vries"),
    "digits": BASE.replace("12", "9").replace("3 maart", "17 maart"),
    "punctuation": BASE.replace("(", "").replace(")", ",").replace(".", ";"),
    "one_word": BASE.replace("voldoende sterk", "ruim voldoende sterk"),
}

DIFFERENT = [
    ("Moeder vertelt dat de slaapproblemen van Bo sinds de verhuizing zijn verbeterd; oma past twee "
     "middagen per week op en de school ziet geen zorgen meer."),
    ("De vraag van vader gaat over grenzen stellen bij een peuter. Hij volgt al de oudercursus in de "
     "wijk en wil daar eerst de laatste bijeenkomsten van afronden."),
    ("Uit het overleg met de mentor blijkt dat het verzuim samenhangt met buikpijnklachten die de "
     "huisarts onderzoekt; de school heeft een aangepast rooster gemaakt."),
    ("Na het gesprek met Anouk en haar moeder blijkt dat de ruzies thuis vooral rond de scheiding "
     "spelen. Mediation via het juridisch loket is al gestart en loopt tot de zomer."),
]


def test_each_reworded_copy_is_the_same_motivation() -> None:
    for kind, copy in COPIES.items():
        g = group_texts([BASE, copy], similarity=0.9)
        assert g.group[0] == g.group[1], kind


def test_exact_normalisation_for_whitespace_case_names_digits() -> None:
    for kind in ("whitespace", "name", "two_word_name", "digits", "punctuation"):
        assert normalise(COPIES[kind]) == normalise(BASE), kind
    # a copy in lower or upper case loses its names through the batch's name lexicon
    lexicon: set[str] = set()
    tokens(BASE, found=lexicon)
    assert {"anouk", "cjg"} <= lexicon
    for kind in ("case", "upper"):
        assert tokens(COPIES[kind], frozenset(lexicon)) == tokens(BASE, frozenset(lexicon)), kind


def test_copies_form_one_group_with_its_size() -> None:
    texts = [BASE, *COPIES.values(), *DIFFERENT, None, ""]
    g = group_texts(texts)
    base_group = g.group[0]
    assert all(x == base_group for x in g.group[: 1 + len(COPIES)])
    assert g.size[0] == 1 + len(COPIES)
    assert g.group[-1] is None and g.group[-2] is None and g.size[-1] == 0


def test_genuinely_different_motivations_are_not_grouped() -> None:
    texts = [BASE, *DIFFERENT]
    g = group_texts(texts)
    assert len(set(g.group)) == len(texts)
    assert set(g.size) == {1}


def test_same_opening_different_case_is_not_a_copy() -> None:
    # shares its first clause with BASE, then says something else entirely
    g = group_texts([BASE, DIFFERENT[3]])
    assert g.group[0] != g.group[1]


def test_similarity_threshold_matters() -> None:
    reworded = BASE.replace("kan worden opgepakt", "goed opgepakt kan worden door de coach")
    assert group_texts([BASE, reworded], similarity=0.8).size == [2, 2]
    assert group_texts([BASE, reworded], similarity=0.99).size == [1, 1]


def test_genuine_motivations_of_the_example_year_stay_apart() -> None:
    rows = list(csv.DictReader((ROOT / "fixtures" / "audit" / "decisions_2025.csv").open(encoding="utf-8")))
    genuine = [r["motivation"] for r in rows if r["outcome"] == "rejected" and r["motivation"]
               and "motivation_specific" not in r["planted"]]
    assert len(genuine) > 300
    g = group_texts(genuine)
    assert max(g.size) == 1


WORDS = st.sampled_from(["de", "hulpvraag", "is", "klein", "het", "gezin", "kan", "zelf", "verder",
                         "met", "steun", "van", "school", "en", "netwerk", "oma", "helpt"])


@settings(max_examples=80, deadline=None)
@given(words=st.lists(WORDS, min_size=4, max_size=30), spaces=st.lists(st.sampled_from([" ", "  ", "\t", "\n "]),
       min_size=30, max_size=30), upper=st.booleans())
def test_whitespace_and_case_never_matter(words: list[str], spaces: list[str], upper: bool) -> None:
    plain = " ".join(words)
    messy = "".join(w + s for w, s in zip(words, spaces, strict=False))
    messy = messy.upper() if upper else messy.capitalize()
    assert normalise(messy) == normalise(plain.capitalize()) or normalise(messy) == normalise(plain)
    assert group_texts([plain, messy]).size == [2, 2]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.sampled_from("abcdefghijkl"), max_size=8, unique=True), max_size=30))
def test_candidate_pairs_are_exactly_those_sharing_enough_sketch_bigrams(sketches: list[list[str]]) -> None:
    """The subset index finds the same pairs, in the same order, as counting every pair."""
    expected = [(i, j) for i in range(len(sketches)) for j in range(i + 1, len(sketches))
                if sketches[i] and sketches[j]
                and len(set(sketches[i]) & set(sketches[j])) >= min(3, len(sketches[i]), len(sketches[j]))]
    assert candidate_pairs(sketches) == expected
