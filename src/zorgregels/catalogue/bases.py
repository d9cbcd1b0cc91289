"""Every ``basis`` of a loaded catalogue resolved against its sources catalogue (domain.md §8).

Each basis is rewritten in words ("Jeugdwet art. 1.2 lid 3", whether the file cites
``jeugdwet art. 1.2 lid 3`` or the words), so findings, traces, pages and the register entry all
show the same citation; the catalogue keeps each citation with its source and link. A basis that
names no known source, and a national rule that cites a region's policy, are errors.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from zorgregels.catalogue.catalogue import Catalogue, Source
from zorgregels.catalogue.citations import Citation, in_words, resolve
from zorgregels.diagnostics import Diagnostic


def resolve_bases(cat: Catalogue, folder: str) -> list[Diagnostic]:
    """Rewrite every basis of ``cat`` in words (in place) and return what does not resolve;
    a diagnostic without a known line names ``folder``."""
    diags: list[Diagnostic] = []
    sources = cat.bibliography
    region_sources = {sid for sid in sources
                      if not cat.sources.get(f"source:{sid}", Source("", None)).national}

    def words(owner: str, basis: str, where: Source | None) -> str:
        found, unknown = resolve(basis, sources)
        file, line = (where.file, where.line) if where else (folder, None)
        for part in unknown:
            known = ", ".join(sorted(sources)) or "geen: de catalogus heeft geen sources-sectie"
            diags.append(Diagnostic(
                code="basis.unknown_source", severity="error", file=file, line=line, column=None,
                rule=owner, message=f"{owner}: de basis '{part}' noemt geen bekende bron; begin met "
                f"de id of de naam van een bron uit de bronnencatalogus (bekend: {known})"))
        if not found and not unknown:
            diags.append(Diagnostic(code="basis.empty", severity="error", file=file, line=line,
                                    column=None, rule=owner, message=f"{owner}: de basis is leeg"))
        if where is not None and where.national:
            for c in found:
                if c.source.id in region_sources:
                    diags.append(Diagnostic(
                        code="basis.region_source_in_law", severity="error", file=file, line=line,
                        column=None, rule=owner, message=f"{owner}: een regel van de wettelijke laag "
                        f"noemt de regionale bron '{c.source.id}'; de wettelijke laag geldt voor elke "
                        "regio en rust alleen op wet, rechtspraak en standaarden"))
        for c in found:
            cat.citations.setdefault(c.text, c)
        return in_words(found) if found and not unknown else basis

    def where(key: str) -> Source | None:
        return cat.sources.get(key)

    def update(model: Any, owner: str, src: Source | None) -> Any:
        basis = getattr(model, "basis", None)
        if basis is None:
            return model
        return model.model_copy(update={"basis": words(owner, basis, src)})

    cat.region = update(cat.region, f"regio {cat.region.id}", where("region:region"))
    cat.ladder = {k: update(v, f"trede {k}", where(f"level:{k}")) for k, v in cat.ladder.items()}
    cat.referrer_types = {k: update(v, f"verwijzer {k}", where(f"referrer_type:{k}"))
                          for k, v in cat.referrer_types.items()}
    cat.tables = [dataclasses.replace(t, table=update(t.table, f"tabel {t.id}", t.source))
                  for t in cat.tables]
    cat.rules = [dataclasses.replace(r, rule=update(r.rule, f"regel {r.id}", r.source))
                 for r in cat.rules]
    cat.grounds = {k: dataclasses.replace(g, ground=update(g.ground, f"grond {k}", g.source))
                   for k, g in cat.grounds.items()}
    cat.budget_ceilings = [update(b, f"budgetplafond {b.code}", where(f"code:{b.code}"))
                           for b in cat.budget_ceilings]
    return diags


def citations_of(cat: Catalogue, basis: str) -> list[Citation]:
    """The citations of a basis already in words (findings, traces), as the catalogue knows them."""
    found, _ = resolve(basis, cat.bibliography)
    return found

__all__ = ["citations_of", "resolve_bases"]
