"""The form of a message template (a rule's ``message``, a rejection ground's ``message`` and
``review``): literal text, ``{field}`` placeholders and conditional parts.

A conditional part shows its text only when a fact of the case makes it true, so a message
names the reason that holds and never the facts that do not (issue 12)::

    {?safety_concern: Er zijn zorgen over veiligheid.}        a yes/no fact that is ja; any
                                                             other fact that has a value
    {?!school_level: Het besluit legt geen schoolsoort vast.} a fact without a value
    {?complexity=meervoudig: De vraag is meervoudig.}         a fact that reads as this text
                                                             in a message (ja/nee for yes/no)

The text after the colon is kept as written (with its leading space) and may hold
``{field}`` placeholders. This module declares the form once; ``core.messages`` gives it its
two meanings side by side (one case, a batch).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal, Union

from zorgregels.catalogue.fields import FIELDS

#: a placeholder: ``{field}``
PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
#: a conditional part: ``{?field: text}``, ``{?!field: text}``, ``{?field=value: text}``
PART = re.compile(r"\{\?(!?)([a-z_]+)(?:=([^:{}]*))?:((?:[^{}]|\{[a-z_]+\})*)\}")

Test = Literal["set", "absent", "equals"]


@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Slot:
    """A placeholder: the fact's value as a message shows it."""

    field: str


@dataclass(frozen=True)
class Part:
    """A conditional part: ``body`` shows when ``field`` passes ``test`` (``value`` for equals)."""

    field: str
    test: Test
    value: str | None
    body: tuple[Text | Slot, ...]


Piece = Union[Text, Slot, Part]


def _plain(text: str) -> list[Text | Slot]:
    out: list[Text | Slot] = []
    pos = 0
    for m in PLACEHOLDER.finditer(text):
        if m.start() > pos:
            out.append(Text(text[pos:m.start()]))
        out.append(Slot(m.group(1)))
        pos = m.end()
    if pos < len(text):
        out.append(Text(text[pos:]))
    return out


@lru_cache(maxsize=1024)
def parse(template: str) -> tuple[Piece, ...]:
    """The pieces of a template, in order."""
    out: list[Piece] = []
    pos = 0
    for m in PART.finditer(template):
        out += _plain(template[pos:m.start()])
        negate, name, value, body = m.groups()
        test: Test = "absent" if negate else ("equals" if value is not None else "set")
        out.append(Part(name, test, value if test == "equals" else None, tuple(_plain(body))))
        pos = m.end()
    out += _plain(template[pos:])
    return tuple(out)


def fields_named(template: str) -> list[str]:
    """Every field a template reads (placeholders and the facts of its conditional parts)."""
    out: list[str] = []
    for p in parse(template):
        names = [p.field] if isinstance(p, Slot) else \
            [p.field, *(s.field for s in p.body if isinstance(s, Slot))] if isinstance(p, Part) else []
        out += [n for n in names if n not in out]
    return out


def problems(template: str) -> list[str]:
    """What is wrong with a template, in Dutch (empty when it is well formed)."""
    out = [f"bericht noemt onbekend veld '{f}'" for f in fields_named(template) if f not in FIELDS]
    rest = PART.sub("", template)
    if "{?" in rest:
        out.append("voorwaardelijk deel niet te lezen; schrijf {?veld: tekst}, {?!veld: tekst} "
                   "of {?veld=waarde: tekst}")
    for p in parse(template):
        if isinstance(p, Part) and p.test == "equals" and p.value in ("", None):
            out.append(f"voorwaardelijk deel {{?{p.field}=...}} zonder waarde")
    return out


__all__ = ["PART", "PLACEHOLDER", "Part", "Piece", "Slot", "Text", "fields_named", "parse", "problems"]
