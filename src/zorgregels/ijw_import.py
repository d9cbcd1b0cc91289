"""iJw 3.2 XML messages as decision records: JW301 (toewijzing) and JW315 (verzoek om
toewijzing), from single files, folders or zip archives.

One row per product (ToegewezenProduct / AangevraagdProduct), as TEXT, like every other
reader: a value the message gets wrong (JW315.xml's end date ``2027-06-31``) stays as written
and becomes an ``input`` finding on that product when the row is validated; it never stops
the import. Fields a message lacks stay empty (a JW301 has no referrer; a JW315 is a request,
so it has no decision date). Unit 83 (euro) volumes and ``Budget`` are eurocent in iJw and are
converted to euro here, exactly (Decimal). The BSN is kept in a ``bsn`` column, which every
output masks; ``client_id`` is a pseudonym derived from it (a SHA-256 prefix) so that the
cross-decision checks can link one client's products.

Mapping (domain.md §7 field <- iJw element):

=================  ======================================  ==========================================
field              JW301                                   JW315
=================  ======================================  ==========================================
decision_id        JW301-<ToewijzingNummer>                JW315-<Identificatie>-<product index>
municipality       GM + Header/Afzender                    GM + Header/Ontvanger
provider           Header/Ontvanger (AGB)                  Header/Afzender (AGB)
decision_date      Toewijzingsdatum                        (empty)
request_date       (empty)                                 Header/Dagtekening
birth_date         Client/Geboortedatum/Datum              Client/Geboortedatum/Datum
referrer_type      (empty)                                 Verwijzer/Type
code               Product/Code                            Product/Code
start_date         Ingangsdatum                            ToewijzingIngangsdatum
end_date           Einddatum                               ToewijzingEinddatum
volume/unit/freq   Omvang (unit 83: eurocent -> euro)      Omvang (unit 83: eurocent -> euro)
outcome            granted                                 (empty)
=================  ======================================  ==========================================
"""

from __future__ import annotations

import hashlib
import io
import xml.etree.ElementTree as ET
import zipfile
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import polars as pl

from .diagnostics import InputError

SUFFIXES = {".xml", ".zip"}
ERROR = "_error"
COLUMNS = ["decision_id", "municipality", "provider", "decision_date", "request_date", "client_id", "bsn",
           "birth_date", "referrer_type", "code", "start_date", "end_date", "volume", "unit", "frequency",
           "outcome", "ijw_message", "ijw_file", "ijw_product_category", "ijw_reference",
           "ijw_referrer_name", "ijw_referrer_agb", "ijw_comment", ERROR]


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _find(node: ET.Element | None, *path: str) -> ET.Element | None:
    for name in path:
        if node is None:
            return None
        node = next((c for c in node if _local(c.tag) == name), None)
    return node


def _text(node: ET.Element | None, *path: str) -> str | None:
    n = _find(node, *path)
    if n is None or n.text is None:
        return None
    t = n.text.strip()
    return t or None


def _children(node: ET.Element | None, name: str) -> list[ET.Element]:
    return [] if node is None else [c for c in node if _local(c.tag) == name]


def pseudonym(bsn: str | None) -> str | None:
    if not bsn:
        return None
    return "bsn-" + hashlib.sha256(bsn.encode()).hexdigest()[:16]


def _eurocent(text: str | None) -> str | None:
    if text is None:
        return None
    try:
        return str(Decimal(text) / 100)
    except InvalidOperation:
        return text  # left as written: the validation reports it


def _omvang(prod: ET.Element, row: dict[str, Any]) -> None:
    omvang = _find(prod, "Omvang")
    if omvang is not None:
        unit = _text(omvang, "Eenheid")
        volume = _text(omvang, "Volume")
        row.update(unit=unit, frequency=_text(omvang, "Frequentie"),
                   volume=_eurocent(volume) if unit == "83" else volume)
    budget = _text(prod, "Budget")
    if budget is not None and omvang is None:
        # a budget in eurocent for the whole allocation period
        row.update(volume=_eurocent(budget), unit="83", frequency="6")


def _municipality(code: str | None) -> str | None:
    if code and code.isdigit() and len(code) == 4:
        return "GM" + code
    return code


def parse_message(data: bytes, name: str) -> list[dict[str, Any]]:
    """The products of one JW301 or JW315 message as text rows (a broken message: one row
    with ``_error``)."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        return [{"ijw_file": name, ERROR: f"{name}: geen leesbaar XML ({exc})"}]
    ns = root.tag.split("}", 1)[0].lstrip("{") if root.tag.startswith("{") else ""
    kind = ns.rstrip("/").split("/")[-2].upper() if ns.count("/") >= 2 else ""
    header = _find(root, "Header")
    client = _find(root, "Client")
    if kind not in ("JW301", "JW315") or client is None:
        return [{"ijw_file": name, ERROR: f"{name}: geen JW301- of JW315-bericht ({kind or _local(root.tag)})"}]
    bsn = _text(client, "Bsn")
    base = {
        "bsn": bsn, "client_id": pseudonym(bsn), "birth_date": _text(client, "Geboortedatum", "Datum"),
        "ijw_message": kind, "ijw_file": name,
    }
    rows: list[dict[str, Any]] = []
    if kind == "JW301":
        base.update(municipality=_municipality(_text(header, "Afzender")), provider=_text(header, "Ontvanger"))
        products = _children(_find(client, "ToegewezenProducten"), "ToegewezenProduct")
        for prod in products:
            row = dict(base)
            row.update(
                decision_id=f"JW301-{_text(prod, 'ToewijzingNummer') or len(rows) + 1}",
                decision_date=_text(prod, "Toewijzingsdatum"), code=_text(prod, "Product", "Code"),
                ijw_product_category=_text(prod, "Product", "Categorie"),
                start_date=_text(prod, "Ingangsdatum"), end_date=_text(prod, "Einddatum"),
                outcome="granted", ijw_reference=_text(prod, "ReferentieAanbieder"),
                ijw_comment=_text(prod, "Commentaar"))
            _omvang(prod, row)
            rows.append(row)
    else:
        ident = _text(header, "BerichtIdentificatie", "Identificatie") or "?"
        base.update(municipality=_municipality(_text(header, "Ontvanger")), provider=_text(header, "Afzender"),
                    request_date=_text(header, "BerichtIdentificatie", "Dagtekening"))
        products = _children(_find(client, "AangevraagdeProducten"), "AangevraagdProduct")
        for i, prod in enumerate(products, 1):
            row = dict(base)
            row.update(
                decision_id=f"JW315-{ident}-{i}", code=_text(prod, "Product", "Code"),
                ijw_product_category=_text(prod, "Product", "Categorie"),
                start_date=_text(prod, "ToewijzingIngangsdatum"), end_date=_text(prod, "ToewijzingEinddatum"),
                referrer_type=_text(prod, "Verwijzer", "Type"),
                ijw_referrer_name=_text(prod, "Verwijzer", "Naam"),
                ijw_referrer_agb=_text(prod, "Verwijzer", "ZorgverlenerCode"),
                ijw_reference=_text(prod, "ReferentieAanbieder"), ijw_comment=_text(prod, "Commentaar"))
            _omvang(prod, row)
            rows.append(row)
    if not rows:
        return [{**base, ERROR: f"{name}: bericht zonder producten"}]
    return rows


def read_ijw(path: Path) -> pl.DataFrame:
    """One XML message or a zip archive of them (members in name order)."""
    rows: list[dict[str, Any]] = []
    if path.suffix.lower() == ".zip":
        try:
            with zipfile.ZipFile(path) as zf:
                for member in sorted(n for n in zf.namelist() if n.lower().endswith(".xml")):
                    rows += parse_message(zf.read(member), f"{path.name}!{member}")
        except zipfile.BadZipFile as exc:
            raise InputError(f"{path}: geen leesbaar zip-archief ({exc})") from None
    else:
        rows += parse_message(path.read_bytes(), path.name)
    if not rows:
        raise InputError(f"{path}: geen iJw-berichten gevonden")
    return pl.DataFrame(rows, schema={c: pl.Utf8 for c in COLUMNS}).select(
        [c for c in COLUMNS if any(r.get(c) is not None for r in rows) or c in ("decision_id", ERROR)])


def read_ijw_bytes(data: bytes, name: str) -> pl.DataFrame:
    rows = parse_message(data, name)
    return pl.DataFrame(rows, schema={c: pl.Utf8 for c in COLUMNS})


__all__ = ["SUFFIXES", "parse_message", "pseudonym", "read_ijw", "read_ijw_bytes", "io"]
