"""A description of a region's rule set in the fields of the Dutch public algorithm register.

The Algoritmeregister Publicatiestandaard (regels.overheid.nl) asks a government body to
publish, per algorithm, fields such as *Naam*, *Korte omschrijving*, *Organisatie*, *Status*,
*Publicatiecategorie*, *Doel en impact*, *Menselijke tussenkomst* and *Wettelijke basis*. Most of
what those fields should say already lives in the catalogue: every rule and table cites its
``basis``, every condition names the fields it reads, the ladder and codes say what the
algorithm allocates. This module derives the entry from the catalogue, so it cannot drift from
the rules it describes, and marks the fields only a person can fill in (contact, impact
assessments) instead of inventing them.

The output is deterministic (no timestamps): the entry changes exactly when the rules change,
and carries the rules' bundle hash.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zorgregels.catalogue.bases import citations_of
from zorgregels.catalogue.catalogue import Catalogue
from zorgregels.catalogue.citations import KIND_LABELS
from zorgregels.catalogue.citations import Citation as CatalogueCitation
from zorgregels.catalogue.conditions import fields_of
from zorgregels.catalogue.fields import FIELDS
from zorgregels.jobs.verify import verify_catalogue
from zorgregels.version import __version__

STANDARD = "Algoritmeregister Publicatiestandaard"
STATUSES = ("In gebruik", "In ontwikkeling", "Buiten gebruik")
CATEGORIES = ("Hoog-risico AI-systemen", "Impactvolle algoritmes", "Overige algoritmes")
NOT_FILLED = "Veld niet ingevuld"

#: The standard's field names, in the order of its sections (Algemene informatie, Verantwoord
#: gebruik, Werking).
SECTIONS: dict[str, tuple[str, ...]] = {
    "Algemene informatie": (
        "Naam", "Korte omschrijving", "Organisatie", "Thema", "Status", "Begindatum", "Einddatum",
        "Contactgegevens", "Link naar publiekspagina", "Publicatiecategorie",
        "Link naar bronregistratie",
    ),
    "Verantwoord gebruik": (
        "Doel en impact", "Afwegingen", "Menselijke tussenkomst", "Risicobeheer",
        "Wettelijke basis", "Link naar wettelijke basis", "Impacttoetsen",
    ),
    "Werking": ("Gegevens", "Technische werking", "Leverancier", "Link naar broncode"),
}
FIELD_ORDER = tuple(f for fs in SECTIONS.values() for f in fs)

OBJECTION = (
    "Het advies van dit algoritme is geen besluit. Het besluit over jeugdhulp neemt het college "
    "van burgemeester en wethouders van de gemeente van de jeugdige. Wie het niet eens is met dat "
    "besluit, kan binnen 6 weken na de dag waarop het besluit is bekendgemaakt bezwaar maken bij "
    "het college dat het besluit nam (Algemene wet bestuursrecht art. 6:7, 6:8 en 7:1). Het besluit "
    "vermeldt waar en hoe (Awb art. 3:45). In het bezwaar kan om de uitleg van het advies worden "
    "gevraagd: zorgregels legt per advies vast welke regels vuurden, welke waarden zij vergeleken "
    "en op welke bron zij rusten."
)

HUMAN = (
    "Het algoritme adviseert; een mens beslist. Een medewerker van het toegangsteam of een andere "
    "verwijzer beoordeelt de zorgvraag samen met de jeugdige en ouders en neemt het besluit. Het "
    "advies (passende zorgcodes, trede, perceel, tarief en verwachte tijd per 3 maanden) en de "
    "bevindingen bij een verwijsbesluit zijn feiten met hun bron, geen oordeel over personen. Een "
    "bevinding leidt nooit vanzelf tot een afwijzing; een budgetplafond is alleen een waarschuwing "
    "en nooit een grond om noodzakelijke hulp te weigeren."
)


@dataclass
class Citation:
    """One cited provision or section, with every note and owner that cites it."""

    cited: CatalogueCitation
    notes: list[str] = field(default_factory=list)
    used_by: list[str] = field(default_factory=list)

    @property
    def source(self) -> str:  # "Jeugdwet", "iJw 3.2", "Regiovisie jeugdhulp Zuid-Kennemerland en IJmond"
        return self.cited.source.cite

    @property
    def reference(self) -> str:  # "art. 2.6 lid 1 onderdeel e", "§4"
        return self.cited.section

    @property
    def kind(self) -> str:
        return KIND_LABELS[self.cited.source.kind]

    def text(self) -> str:
        return self.cited.text


def legal_basis(cat: Catalogue) -> list[Citation]:
    """Every ``basis`` of the catalogue, as citations of its sources catalogue, deduplicated."""
    owners: list[tuple[str, str]] = []
    if cat.region.basis:
        owners.append((f"regio {cat.region.id}", cat.region.basis))
    owners += [(f"trede {lv.level}", lv.basis) for lv in cat.ladder.values()]
    owners += [(f"verwijzer {r.code}", r.basis) for r in cat.referrer_types.values()]
    owners += [(f"tabel {t.id}", t.table.basis) for t in cat.tables]
    owners += [(f"regel {r.id}", r.rule.basis) for r in cat.rules]
    owners += [(f"grond {g.id}", g.ground.basis) for g in cat.grounds.values()]
    owners += [(f"budgetplafond {b.code}", b.basis) for b in cat.budget_ceilings]
    found: dict[tuple[str, str], Citation] = {}
    for owner, basis in owners:
        for cited in citations_of(cat, basis):
            c = found.setdefault((cited.source.id, cited.section), Citation(cited))
            if cited.note and cited.note not in c.notes:
                c.notes.append(cited.note)
            if owner not in c.used_by:
                c.used_by.append(owner)
    order = list(KIND_LABELS)
    return sorted(found.values(), key=lambda c: (order.index(c.cited.source.kind), c.source,
                                                 _natural(c.reference)))


def _natural(text: str) -> list[Any]:
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", text)]


@dataclass
class DataField:
    name: str
    type: str
    doc: str
    derived: bool
    read_by: list[str]


def data_used(cat: Catalogue) -> list[DataField]:
    """The fields the rules read, from their conditions (and ``requires``), with who reads them."""
    readers: dict[str, list[str]] = {}

    def add(names: list[str], owner: str) -> None:
        for n in names:
            lst = readers.setdefault(n, [])
            if owner not in lst:
                lst.append(owner)

    for t in cat.tables:
        add(list(t.table.inputs), f"tabel {t.id}")
        if t.applies_when is not None:
            add(fields_of(t.applies_when), f"tabel {t.id}")
    for r in cat.rules:
        add(fields_of(r.cond) + list(r.rule.requires), f"regel {r.id}")
    for g in cat.grounds.values():
        add((fields_of(g.holds_when) if g.holds_when is not None else []) + list(g.ground.needs),
            f"grond {g.id}")
    out = []
    for name in sorted(readers, key=lambda n: (FIELDS[n].derived, n)):
        f = FIELDS[name]
        out.append(DataField(name, f.type, f.doc, f.derived, readers[name]))
    return out


def _month(d: Any) -> str:
    return f"{d.year:04d}-{d.month:02d}" if d else ""


def register_entry(cat: Catalogue, *, status: str = "In ontwikkeling", organisation: str | None = None,
                   contact: str | None = None, public_url: str | None = None,
                   source_url: str | None = None, theme: str = "Zorg en gezondheid",
                   category: str = "Impactvolle algoritmes", rules_path: str | None = None) -> dict[str, Any]:
    """The register entry as a JSON-ready dict: ``velden`` in the standard's names, the structured
    ``aanvullingen`` behind them, the fields a person must still fill in, and where it came from."""
    if status not in STATUSES:
        raise ValueError(f"status {status!r} is geen van {', '.join(STATUSES)}")
    if category not in CATEGORIES:
        raise ValueError(f"publicatiecategorie {category!r} is geen van {', '.join(CATEGORIES)}")
    region = cat.region
    org = organisation or region.name
    perceel_codes = Counter(c.perceel for c in cat.codes.values())
    checks = Counter(r.rule.check for r in cat.rules)
    light = [lv for lv in cat.ladder.values() if lv.light_help]
    citations = legal_basis(cat)
    data = data_used(cat)
    verified = verify_catalogue(cat)
    v_err = sum(d.severity == "error" for d in verified)
    v_warn = sum(d.severity == "warning" for d in verified)
    forbidden = [g for g in cat.grounds.values() if g.ground.forbidden]

    naam = f"Toewijzing en toetsing jeugdhulp {region.name}"[:99]
    omschrijving = (
        f"Dit algoritme adviseert welke zorgcode past bij een zorgvraag van een jeugdige en toetst "
        f"verwijsbesluiten aan {len(cat.rules)} regels van de regio {region.name}. "
        "Een medewerker neemt het besluit; het algoritme geeft advies met uitleg."
    )[:349]
    levels = ", ".join(f"{lv.level} {lv.name}" for lv in sorted(cat.ladder.values(), key=lambda x: x.level))
    doel = (
        f"Doel: de regels voor jeugdhulp in {region.name} uitvoerbaar, toetsbaar en voor iedereen "
        f"na te lezen maken. Het algoritme bepaalt bij een zorgvraag de trede op de zorgzwaartetrap "
        f"({levels}), het perceel en de passende zorgcodes uit een catalogus van {len(cat.codes)} "
        f"codes ({perceel_codes.get(1, 0)} in perceel 1, {perceel_codes.get(2, 0)} in perceel 2, "
        f"{perceel_codes.get(None, 0)} in de sociale basis), met het tarief per behandeling van 3 "
        "maanden en de directe tijd die een gezin kan verwachten. Bij een verwijsbesluit toetst het "
        f"{len(cat.rules)} regels in {len(checks)} controles ({', '.join(sorted(checks))}). "
        "Impact: jeugdigen en ouders krijgen een advies dat voor iedere aanvraag op dezelfde, "
        "openbare regels berust; toegangsteams en controllers zien per besluit welke regel een "
        "bevinding gaf en waarom. "
        + (f"Afwijzingen van lichte hulp (trede {', '.join(str(lv.level) for lv in light)}) worden "
           "getoetst op transparantie: grond, motivering en alternatief. " if light else "")
        + "Het algoritme neemt zelf geen besluit en weigert geen hulp."
    )
    afwegingen = [
        ("Matched care, geen stepped care: de tabellen geven meteen de passende intensiteit; "
         "zwaardere hulp hangt nooit af van het eerst proberen van lichtere hulp."),
        ("Een budgetplafond geeft alleen een waarschuwing, nooit een grond om noodzakelijke hulp te "
         "weigeren."),
    ]
    if forbidden:
        afwegingen.append("Verboden afwijzingsgronden worden gemeld: "
                          + ", ".join(g.ground.name for g in forbidden) + ".")
    if region.illustrative_tariffs:
        afwegingen.append("Let op: de tarieven in deze catalogus zijn illustratief, niet de "
                          "contractprijzen van de regio.")
    risico = (
        f"De regels zijn data (YAML) en worden vóór gebruik volledig nagegaan met `zorgregels "
        f"check`: alle invoercombinaties van de beslistabellen zijn doorgerekend (geen steekproef). "
        f"Uitkomst voor deze versie: {v_err} fout(en) (lacunes of tegenstrijdige rijen) en "
        f"{v_warn} waarschuwing(en) (rijen of kolommen zonder effect, onbereikbare codes, "
        "perioden zonder tarief). Iedere regel noemt zijn bron; de regels worden getest met "
        "testcasussen (`zorgregels test`). Elk advies legt de hash van de gebruikte regels vast, "
        f"zodat later na te gaan is op welke regels het berustte (deze versie: {cat.bundle_hash[:12]})."
    )
    laws = [c for c in citations if c.kind == "wet"]
    wettelijk = "; ".join(c.text() for c in laws)
    others = [c for c in citations if c.kind != "wet"]
    if others:
        wettelijk += ". Beleid en standaarden: " + "; ".join(c.text() for c in others)
    law_links = sorted({f"https://wetten.overheid.nl/{c.cited.source.bwb}" for c in laws
                        if c.cited.source.bwb})
    gegevens_in = [d for d in data if not d.derived]
    gegevens_af = [d for d in data if d.derived]
    read = {d.name for d in data}
    gegevens = ("Uit het verwijsbesluit of de zorgvraag: " + ", ".join(d.name for d in gegevens_in)
                + ". Daaruit afgeleid: " + ", ".join(d.name for d in gegevens_af) + ".")
    if read & {"domains", "primary_domain", "domain_count"}:
        gegevens += (" De leefgebieden van de zorgvraag (domains) zijn gegevens over gezondheid "
                     "(AVG art. 9).")
    if "bsn" not in read:
        gegevens += " Een BSN lezen de regels niet; zorgregels toont het nooit ongemaskeerd."
    tables = "; ".join(
        f"{t.id} ({t.table.hit_policy}, {len(t.rows)} rijen: {', '.join(t.table.inputs)} → "
        f"{', '.join(t.table.outputs)})" for t in cat.tables)
    techniek = (
        "Regelgebaseerd en deterministisch; geen zelflerend model. De regio legt codes, tarieven, "
        f"beslistabellen en controleregels vast in YAML. Beslistabellen: {tables}. Daarna "
        f"{len(cat.rules)} controleregels. Uitgevoerd met de rules engine durable-rules via "
        f"zorgregels {__version__}; iedere uitkomst heeft een uitlegboom met de vergeleken waarden "
        "en de bron van elke regel."
    )
    velden: dict[str, Any] = {
        "Naam": naam,
        "Korte omschrijving": omschrijving,
        "Organisatie": org,
        "Thema": [theme],
        "Status": status,
        "Begindatum": _month(region.contract_from),
        "Einddatum": _month(region.contract_to) if status == "Buiten gebruik" else "",
        "Contactgegevens": contact or "",
        "Link naar publiekspagina": public_url or "",
        "Publicatiecategorie": category,
        "Link naar bronregistratie": "",
        "Doel en impact": doel,
        "Afwegingen": " ".join(afwegingen),
        "Menselijke tussenkomst": HUMAN,
        "Risicobeheer": risico,
        "Wettelijke basis": wettelijk,
        "Link naar wettelijke basis": law_links,
        "Impacttoetsen": "",
        "Gegevens": gegevens,
        "Technische werking": techniek,
        "Leverancier": "Eigen beheer van de regio, met de open-source bibliotheek zorgregels",
        "Link naar broncode": source_url or "",
    }
    person = [k for k in ("Contactgegevens", "Impacttoetsen", "Link naar publiekspagina",
                          "Link naar broncode") if not velden[k]]
    return {
        "standaard": STANDARD,
        "velden": velden,
        "aanvullingen": {
            "Bezwaar": OBJECTION,
            "Gemeenten": [f"{m.name} ({m.code})" for m in region.municipalities],
            "Wettelijke basis per bron": [
                {"bron": c.source, "verwijzing": c.reference, "soort": c.kind,
                 "bron_id": c.cited.source.id, "titel": c.cited.source.title,
                 "uitgever": c.cited.source.publisher or "", "jaar": c.cited.source.year,
                 "link": c.cited.url or "", "toelichting": c.notes, "gebruikt_door": c.used_by}
                for c in citations],
            "Gegevens per veld": [
                {"veld": d.name, "type": d.type, "afgeleid": d.derived, "omschrijving": d.doc,
                 "gelezen_door": d.read_by} for d in data],
        },
        "in_te_vullen": person,
        "afgeleid_van": {
            "regels": rules_path or "",
            "bestanden": [Path(f).name for f in cat.files],
            "bundle_hash": cat.bundle_hash,
            "zorgregels": __version__,
        },
    }


def _md_value(value: Any) -> str:
    if isinstance(value, list):
        return "\n".join(f"- {v}" for v in value) if value else f"_{NOT_FILLED}_"
    return str(value) if value else f"_{NOT_FILLED}_"


def to_markdown(entry: dict[str, Any]) -> str:
    v = entry["velden"]
    add = entry["aanvullingen"]
    intro = (f"Beschrijving volgens de {entry['standaard']}, afgeleid uit de regels "
             f"(bundle hash `{entry['afgeleid_van']['bundle_hash'][:12]}`, zorgregels "
             f"{entry['afgeleid_van']['zorgregels']}). Velden die alleen een mens kan invullen "
             f"staan als _{NOT_FILLED}_.")
    out = [f"# {v['Naam']}", "", intro, ""]
    if entry["in_te_vullen"]:
        out += ["> Nog in te vullen door de organisatie: " + ", ".join(entry["in_te_vullen"]) + ".", ""]
    for section, names in SECTIONS.items():
        out += [f"## {section}", ""]
        for name in names:
            out += [f"### {name}", "", _md_value(v[name]), ""]
    out += ["## Bezwaar", "", add["Bezwaar"], ""]
    if add["Gemeenten"]:
        note = ("De standaard vraagt één registratie per organisatie; deze beschrijving geldt "
                "voor elk van:")
        out += ["## Gemeenten", "", note, ""] + [f"- {g}" for g in add["Gemeenten"]] + [""]
    out += ["## Wettelijke basis per bron", "", "| bron | verwijzing | toelichting | gebruikt door |",
            "|---|---|---|---|"]
    for c in add["Wettelijke basis per bron"]:
        ref = f"[{c['verwijzing'] or c['titel']}]({c['link']})" if c["link"] else c["verwijzing"]
        out.append(f"| {c['bron']} | {ref} | {'; '.join(c['toelichting'])} | "
                   f"{', '.join(c['gebruikt_door'])} |")
    out += ["", "## Gegevens per veld", "", "| veld | type | afgeleid | omschrijving | gelezen door |",
            "|---|---|---|---|---|"]
    for d in add["Gegevens per veld"]:
        out.append(f"| {d['veld']} | {d['type']} | {'ja' if d['afgeleid'] else 'nee'} | "
                   f"{d['omschrijving']} | {', '.join(d['gelezen_door'])} |")
    out.append("")
    return "\n".join(out)


def write_register(entry: dict[str, Any], out_dir: Path) -> tuple[Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    js = out_dir / "algoritmeregister.json"
    md = out_dir / "algoritmeregister.md"
    js.write_text(json.dumps(entry, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    md.write_text(to_markdown(entry), encoding="utf-8")
    return js, md


__all__ = ["FIELD_ORDER", "SECTIONS", "data_used", "legal_basis", "register_entry", "to_markdown",
           "write_register"]
