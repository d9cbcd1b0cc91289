"""The words a letter's placeholders insert, made from a record's typed facts and the catalogue:
a code's name (never its id), dates in Dutch, the domains by their names, the direct time per 3
months by the project's one normalisation (``core.tariffs.three_months``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from zorgregels.catalogue.catalogue import Catalogue
from zorgregels.core import nl
from zorgregels.core.periods import months_spanned
from zorgregels.core.tariffs import three_months

PROVIDER_WORDS = {"consortium": "een consortium van jeugdhulpaanbieders",
                  "vrijgevestigde": "een vrijgevestigde jeugdhulpverlener",
                  "instelling": "een jeugdhulpinstelling"}
SEVERITY_WORDS = {"licht": "licht", "matig": "matig ernstig", "ernstig": "ernstig"}
#: numbers up to twenty are written in words (Taalunie); above that in digits
NUMBER_WORDS = ("nul een twee drie vier vijf zes zeven acht negen tien elf twaalf dertien veertien "
                "vijftien zestien zeventien achttien negentien twintig").split()
COMPLEXITY_WORDS = {"enkelvoudig": "één soort probleem", "meervoudig": "meer problemen tegelijk"}


def _lower_first(text: str) -> str:
    if len(text) > 1 and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def _join(items: list[str], last: str = "en") -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


def _free(value: Any) -> str | None:
    """A free text of the record as a clause: trimmed, without its closing punctuation."""
    if value is None:
        return None
    text = " ".join(str(value).split()).rstrip(" .!?;:")
    # it follows a colon inside a sentence: a lower-case first letter, unless a name or an
    # abbreviation starts it (a capital second letter, or a word the record capitalises twice)
    return _lower_first(text) if text else None


def _date(value: Any) -> str | None:
    return nl.date(value) if isinstance(value, dt.date) else None


def letter_words(typed: Mapping[str, Any], derived: Mapping[str, Any],
                 catalogue: Catalogue) -> dict[str, str]:
    """Every placeholder that has a value for this record (absent ones are left out)."""
    words: dict[str, str | None] = {}
    code = catalogue.codes.get(typed.get("code") or "")
    if code is not None:
        words["code_name"] = _lower_first(code.name)
        level = catalogue.ladder.get(code.level)
        words["level_name"] = level.name if level else None
        words["provider_kinds"] = _join([PROVIDER_WORDS.get(p, p) for p in code.provider_types], "of")
        on = typed.get("decision_date")
        tariff = catalogue.tariff_on(code.id, on) if isinstance(on, dt.date) else None
        hours = three_months(code, tariff.amount if tariff else None).hours_3m
        words["hours"] = f"{nl.number(hours, 0 if hours >= 10 else 1)} uur" if hours else None
    start, end = typed.get("start_date"), typed.get("end_date")
    words["start_date"], words["end_date"] = _date(start), _date(end)
    if isinstance(start, dt.date) and isinstance(end, dt.date) and start <= end:
        n = months_spanned(start, end)
        words["duration"] = "1 maand" if n == 1 else f"{n} maanden"
    for name in ("request_date", "decision_date", "information_requested_date"):
        words[name] = _date(typed.get(name))
    asked, decided = typed.get("request_date"), typed.get("decision_date")
    if isinstance(asked, dt.date) and isinstance(decided, dt.date) and asked <= decided:
        weeks = -(-(decided - asked).days // 7) or 1
        count = NUMBER_WORDS[weeks] if weeks < len(NUMBER_WORDS) else str(weeks)
        words["term"] = "één week" if weeks == 1 else f"{count} weken"
    domains = [catalogue.domains[d].name for d in typed.get("domains") or [] if d in catalogue.domains]
    words["domains"] = _join([_lower_first(d) for d in domains]) or None
    words["severity"] = SEVERITY_WORDS.get(typed.get("severity") or "")
    # the region's complexity table decided it (the engine's facts), never a count of domains here
    words["complexity"] = COMPLEXITY_WORDS.get(derived.get("complexity") or "")
    ref = catalogue.referrer_types.get(typed.get("referrer_type") or "")
    words["referrer"] = f"de {ref.name.replace(' / ', ' of ')}" if ref is not None and ref.authorised else None
    age = derived.get("age", typed.get("age"))
    if isinstance(age, int) and age >= 0:
        words["age"] = NUMBER_WORDS[age] if age < len(NUMBER_WORDS) else str(age)
    names = {m.code: m.name for m in catalogue.region.municipalities}
    for name in ("municipality", "responsible_municipality"):
        value = typed.get(name)
        # a municipality outside the region: by its CBS code, the only name the record gives
        words[name] = names.get(value, f"de gemeente met CBS-code {value}") if value else None
    for name in ("help_question", "problems", "needed_help", "network_assessment", "expertise",
                 "alternative_offered"):
        words["alternative" if name == "alternative_offered" else name] = _free(typed.get(name))
    gid = typed.get("rejection_reason")
    ground = catalogue.grounds.get(gid) if gid else None
    words["ground_name"] = _lower_first(ground.ground.name) if ground else None
    return {k: v for k, v in words.items() if v}
