"""A loaded, cross-checked region catalogue: codes, ladder, tables and rules with their conditions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from zorgregels.catalogue.citations import Citation
from zorgregels.catalogue.conditions import Cond
from zorgregels.catalogue.letters import LetterCatalogue
from zorgregels.catalogue.model import (
    BudgetCeiling,
    Code,
    Domain,
    Ground,
    LadderLevel,
    ReferrerType,
    Region,
    Rule,
    SourceDecl,
    Table,
    Tariff,
)


@dataclass(frozen=True)
class Source:
    file: str
    line: int | None
    national: bool = False  # declared in the national law layer (region.builds_on), not by the region


@dataclass(frozen=True)
class ParsedRow:
    index: int
    cond: Cond
    outputs: dict[str, Any]  # in fact form
    source: Source
    note: str | None = None


@dataclass(frozen=True)
class ParsedTable:
    table: Table
    applies_when: Cond | None
    rows: tuple[ParsedRow, ...]
    source: Source

    @property
    def id(self) -> str:
        return self.table.id


@dataclass(frozen=True)
class ParsedRule:
    rule: Rule
    cond: Cond
    source: Source

    @property
    def id(self) -> str:
        return self.rule.id


@dataclass(frozen=True)
class ParsedGround:
    ground: Ground
    holds_when: Cond | None
    source: Source

    @property
    def id(self) -> str:
        return self.ground.id


@dataclass
class Catalogue:
    region: Region
    ladder: dict[int, LadderLevel]
    domains: dict[str, Domain]
    referrer_types: dict[str, ReferrerType]
    codes: dict[str, Code]
    tables: list[ParsedTable]
    rules: list[ParsedRule]
    grounds: dict[str, ParsedGround] = field(default_factory=dict)
    budget_ceilings: list[BudgetCeiling] = field(default_factory=list)
    sources: dict[str, Source] = field(default_factory=dict)  # "code:45A01", "rule:x" -> where
    bundle_hash: str = ""
    files: list[str] = field(default_factory=list)
    #: the sources catalogue (law layer and region), by id
    bibliography: dict[str, SourceDecl] = field(default_factory=dict)
    #: every citation a basis makes, by its words without the note ("Jeugdwet art. 1.2 lid 3")
    citations: dict[str, Citation] = field(default_factory=dict)
    #: the sentences of the decision letter (``letters:`` sections; ``zorgregels letter``)
    letters: LetterCatalogue = field(default_factory=LetterCatalogue)

    def tariff_on(self, code: str, on: dt.date) -> Tariff | None:
        c = self.codes.get(code)
        if c is None:
            return None
        for t in c.tariffs:
            if t.valid_from <= on and (t.valid_to is None or on <= t.valid_to):
                return t
        return None

    def perceel_of_level(self, level: int) -> int | None:
        lvl = self.ladder.get(level)
        return lvl.perceel if lvl else None

    def vocabulary(self) -> dict[str, set[str]]:
        """Closed vocabularies the catalogue adds to the record's fields (its domains)."""
        return {"domains": set(self.domains)}

    def citation_links(self) -> dict[str, str]:
        """Each citation in words with its link (wetten.overheid.nl, an ECLI), for pages."""
        return {text: c.url for text, c in self.citations.items() if c.url}

    def light_help_codes(self) -> set[str]:
        light = {lvl.level for lvl in self.ladder.values() if lvl.light_help}
        return {c.id for c in self.codes.values() if c.level in light}
