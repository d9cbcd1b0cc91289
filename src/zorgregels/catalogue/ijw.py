"""Facts of the iJw 3.2 message standard that the rules and the importers rely on.

Copied from shared/ijw/codelists.yaml (XSD enumerations of Basisschema 3.2) so the package has
no run-time dependency on that folder; tests/test_ijw_codelists.py holds the copy to the source.
"""

from __future__ import annotations

#: JZ020 productcategorie
PRODUCT_CATEGORIES: dict[str, str] = {
    "31": "(2015) zonder verblijf: uitgevoerd door wijkteam",
    "32": "(2015) zonder verblijf: ambulant op locatie aanbieder",
    "33": "(2015) zonder verblijf: dagbehandeling op locatie aanbieder",
    "34": "(2015) zonder verblijf: in het netwerk van de jeugdige",
    "35": "(2015) met verblijf: pleegzorg",
    "36": "(2015) met verblijf: gezinsgericht",
    "37": "(2015) met verblijf: gesloten plaatsing",
    "38": "(2015) met verblijf: overig residentieel",
    "40": "Persoonlijke verzorging",
    "41": "Dagbehandeling",
    "42": "Vervoerdiensten",
    "43": "Jeugdhulp verblijf inclusief behandeling",
    "44": "Jeugdhulp verblijf exclusief behandeling",
    "45": "Jeugdhulp ambulant",
    "46": "Jeugdhulp crisis",
    "47": "Jeugdreclassering",
    "48": "Jeugdbescherming",
    "49": "Activiteiten in het preventief justitieel kader",
    "50": "Maatwerkarrangementen jeugd",
    "51": "Generalistische basis-ggz",
    "52": "Specialistische ggz",
    "53": "Kindergeneeskunde",
    "54": "Jeugd-ggz",
    "55": "Landelijk ingekochte zorg",
}

#: WJ756 eenheid
UNITS: dict[str, str] = {
    "01": "minuut",
    "04": "uur",
    "14": "etmaal",
    "16": "dagdeel",
    "82": "stuks (output)",
    "83": "euro",
    "84": "stuks (inspanning)",
}

#: WMO757 frequentie
FREQUENCIES: dict[str, str] = {
    "1": "per dag",
    "2": "per week",
    "4": "per maand",
    "6": "totaal binnen geldigheidsduur",
}

#: COD327 type verwijzer
REFERRER_TYPES: dict[str, str] = {
    "01": "gemeente",
    "02": "huisarts",
    "03": "jeugdarts",
    "04": "gecertificeerde instelling",
    "05": "medisch specialist",
    "06": "zelfverwijzer / geen verwijzer",
    "08": "rechter, officier van justitie of functionaris justitiele jeugdinrichting",
}

#: JZ002 reden wijziging toewijzing
CHANGE_REASONS: dict[str, str] = {
    "01": "administratieve correctie (vervallen)",
    "02": "client overleden",
    "03": "contractwijziging",
    "04": "herbeoordeling: verlenging",
    "05": "herbeoordeling: verkorting",
    "06": "uitstroom naar ander domein",
    "07": "verhuizing naar andere gemeente",
    "08": "wijziging leveringsvorm",
    "09": "overstap naar andere aanbieder",
    "10": "overgang naar nieuwe bekostigingssystematiek",
    "11": "gemeentelijke herindeling",
    "12": "geinitieerd door de aanbieder",
    "13": "verwijderd",
    "14": "administratieve correctie",
}

#: OP259 / TR302: an allocation sent with one of these reasons and Einddatum equal to
#: Ingangsdatum is withdrawn (13 verwijderd, 01 administratieve correctie (vervallen)) and is
#: no current allocation: it takes no part in the stacking check.
WITHDRAWN_CHANGE_REASONS = frozenset({"01", "13"})

#: CS338/CS343: these units only with frequency week (2), month (4) or total (6).
UNITS_NEEDING_PERIOD_FREQUENCY = frozenset({"14", "16", "83", "84"})


def unit_frequency_valid(unit: str, frequency: str) -> bool:
    if unit not in UNITS or frequency not in FREQUENCIES:
        return False
    if unit in UNITS_NEEDING_PERIOD_FREQUENCY:
        return frequency in {"2", "4", "6"}
    return True
