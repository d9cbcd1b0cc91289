"""``check`` of the letter sentences (``catalogue.letters``): collected from the parsed rule
files into ``Catalogue.letters``, with a diagnostic (file, line, sentence id) for each bad
template."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from zorgregels.catalogue.citations import resolve
from zorgregels.catalogue.letters import (
    PLACEHOLDERS,
    TEMPLATE_TOKEN,
    LetterCatalogue,
    LetterSection,
    LetterSentence,
    Sentence,
    placeholders,
)
from zorgregels.catalogue.yamlio import LocDict, locate
from zorgregels.diagnostics import Diagnostic


def _report(diags: list[Diagnostic], name: str, data: LocDict, i: int, s: Sentence, code: str,
            message: str, key: str | None) -> None:
    base = ("letters", "sentences", i)
    line = locate(data, (*base, key) if key else base)[0]
    diags.append(Diagnostic(code=code, message=message, file=name, line=line, rule=s.id))


class _Catalogue(Protocol):
    @property
    def codes(self) -> Mapping[str, Any]: ...
    @property
    def grounds(self) -> Mapping[str, Any]: ...
    @property
    def ladder(self) -> Mapping[int, Any]: ...
    @property
    def bibliography(self) -> Mapping[str, Any]: ...
    @property
    def letters(self) -> LetterCatalogue: ...


def attach_letters(cat: _Catalogue, parsed: Iterable[tuple[str, LocDict, Any]]) -> list[Diagnostic]:
    """Collect the ``letters`` sections of the parsed files into ``cat.letters`` and report every
    bad template: an unknown placeholder, code, care form, level, ground or source, a duplicate
    id, a product code or ground id written in the text."""
    diags: list[Diagnostic] = []
    seen: dict[str, str] = {}
    care_forms = {str(getattr(c, "care_form", None)) for c in cat.codes.values()}
    code_word = re.compile(r"\b(" + "|".join(re.escape(c) for c in sorted(cat.codes, key=len, reverse=True))
                           + r")\b") if cat.codes else None
    for name, data, model in parsed:
        section: LetterSection | None = getattr(model, "letters", None)
        if section is None:
            continue
        for i, s in enumerate(section.sentences):
            line, _ = locate(data, ("letters", "sentences", i))

            def error(code: str, message: str, key: str | None = None, *,
                      _at: tuple[str, LocDict, int, Sentence] = (name, data, i, s)) -> None:
                _report(diags, *_at, code, message, key)

            if s.id in seen:
                error("letters.duplicate_id", f"zin '{s.id}' is al gedefinieerd in {seen[s.id]}", "id")
                continue
            seen[s.id] = f"{name}:{line}"
            names, bad = placeholders(s.text)
            for b in bad:
                error("letters.unknown_placeholder", f"onbekende plaatshouder {{{b}}} in de tekst "
                      f"(toegestaan: {', '.join(sorted(PLACEHOLDERS))})", "text")
            if s.code is not None and s.code not in cat.codes:
                error("letters.unknown_code", f"code '{s.code}' staat niet in de catalogus", "code")
            if s.ground is not None and s.ground not in cat.grounds:
                error("letters.unknown_ground", f"afwijzingsgrond '{s.ground}' staat niet in de "
                      "catalogus", "ground")
            if s.level is not None and s.level not in cat.ladder:
                error("letters.unknown_level", f"trede {s.level} staat niet op de zorgzwaartetrap", "level")
            if s.care_form is not None and s.care_form not in care_forms:
                error("letters.unknown_care_form", f"zorgvorm '{s.care_form}' heeft geen code in de "
                      "catalogus", "care_form")
            if s.basis is not None:
                _, unknown = resolve(s.basis, dict(cat.bibliography))
                for part in unknown:
                    error("basis.unknown_source", f"de grondslag '{part}' noemt geen bron uit de "
                          "bronnencatalogus", "basis")
            literal = TEMPLATE_TOKEN.sub(" ", s.text)
            hit = code_word.search(literal) if code_word else None
            if hit:
                error("letters.code_in_text", f"de tekst noemt code {hit.group(1)}; een brief noemt "
                      "de naam van de hulp ({code_name}), nooit de code", "text")
            for gid in (g for g in cat.grounds if "_" in g):  # "woonplaats" is also a word
                if gid in literal:
                    error("letters.id_in_text", f"de tekst noemt het id '{gid}'; gebruik {{ground_name}}",
                          "text")
            if s.part == "provisions" and names != ["provision"]:
                error("letters.provision_template", "een zin van het deel provisions noemt precies "
                      "één plaatshouder: {provision}", "text")
            cat.letters.sentences.append(LetterSentence(s, tuple(names), name, line))
    return diags


__all__ = ["attach_letters"]
