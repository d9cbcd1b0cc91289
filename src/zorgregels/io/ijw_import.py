"""iJw 3.2 XML messages to decision records: JW301 (toewijzing) and JW315 (verzoek om toewijzing).

A message becomes one row per product (``ToegewezenProduct`` / ``AangevraagdProduct``) in the
same text-column table ``readers.read_file`` returns: canonical field names of
``zorgregels.fields`` (domain.md §7), every value as TEXT (typing and validation happen later,
per field, in ``facts.read_record``: an impossible date stays text here and becomes an
``input.invalid_value`` finding on its own row), plus ``_row`` (1-based product number within
the message), ``_error`` and ``_source``.

Inputs: a single ``.xml`` file, or a ``.zip`` archive holding messages (nested folders and
nested archives included; members are read in sorted order). A file that is no readable
JW301/JW315 message (malformed XML, another message type, a DOCTYPE or entity declaration, an
unexpected archive member) is never dropped: it yields one row whose ``_error`` names the file
and the reason, so rows in equals rows reported.

Security: parsing uses the standard library only; DOCTYPE and ENTITY declarations are refused
before the document is parsed (no entity expansion, no external entities), archive members are
size-limited, and nothing from a message is ever evaluated.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterable, Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from xml.parsers import expat

import polars as pl

from zorgregels.diagnostics import InputError
from zorgregels.io.columns import ERROR, SOURCE, SOURCE_ROW
from zorgregels.io.ijw_pool import cores, map_parts

BASE_NS = "http://www.istandaarden.nl/ijw/3_2/basisschema/schema"
_NS_RE = re.compile(r"^\{http://www\.istandaarden\.nl/ijw/(\d+_\d+)/(jw\d{3})/schema\}Bericht$")

#: message types that are decisions (or requests for one) and are imported
IMPORTED = {"jw301": "toewijzing", "jw315": "verzoek om toewijzing"}
#: other iJw messages, named in the error row
OTHER = {
    "jw302": "retourbericht toewijzing", "jw305": "start zorg", "jw306": "retourbericht start zorg",
    "jw307": "stop zorg", "jw308": "retourbericht stop zorg", "jw316": "retourbericht verzoek om toewijzing",
    "jw317": "verzoek om wijziging", "jw318": "retourbericht verzoek om wijziging",
    "jw319": "antwoordbericht", "jw320": "retourbericht antwoordbericht",
}

#: an archive member larger than this is refused (guards against zip bombs)
MAX_MEMBER_BYTES = 64 * 1024 * 1024
MAX_ZIP_DEPTH = 3

#: the columns every imported table has, in this order (canonical fields first, then extras)
COLUMNS = (
    "decision_id", "municipality", "decision_date", "bsn", "birth_date", "referrer_type",
    "outcome", "code", "volume", "unit", "frequency", "start_date", "end_date",
    # iJw fields the rules of rules/national/ijw.yaml read (fields.py)
    "message_type", "product_category", "budget", "referrer_agb", "referrer_name",
    # then pass-through columns, except provider, change_reason and allocation_number: fields
    # that the no-stacking check reads (OP259/TR302; the order of the columns is kept)
    "provider", "change_reason", "comment", "message_id", "message_date",
    "allocation_number", "provider_reference", "beschikking_number", "beschikking_start_date",
)


class _Refused(Exception):
    pass


class _RootSeen(Exception):
    pass


def _refuse_declarations(data: bytes) -> None:
    """Raise ``_Refused`` when the document declares a DOCTYPE or entities.

    Declarations can only precede the root element, so expat stops at the first element.
    """
    p = expat.ParserCreate()

    def doctype(name: str, *_: Any) -> None:
        raise _Refused(f"DOCTYPE-declaratie ({name}) wordt geweigerd")

    def entity(name: str, *_: Any) -> None:
        raise _Refused(f"ENTITY-declaratie ({name}) wordt geweigerd")

    def start(*_: Any) -> None:
        raise _RootSeen

    p.StartDoctypeDeclHandler = doctype
    p.EntityDeclHandler = entity
    p.StartElementHandler = start
    try:
        p.Parse(data, True)
    except (_RootSeen, expat.ExpatError):
        return  # root reached (fine) or malformed (ElementTree reports it with its position)


def _text(el: ET.Element | None) -> str | None:
    if el is None or el.text is None:
        return None
    t = el.text.strip()
    return t or None


def _cents_to_euro(value: str | None) -> str | None:
    """Eurocent (whole number) as euro text with 2 decimals; anything else passes unchanged,
    so the per-field parsing reports it."""
    if value is None:
        return None
    try:
        d = Decimal(value)
    except InvalidOperation:
        return value
    if not d.is_finite() or d != d.to_integral_value():
        return value
    return f"{d / 100:.2f}"


def municipality_code(value: str | None) -> str | None:
    """CBS gemeentecode: '0384' and '384' become 'GM0384'; other text passes unchanged."""
    if value is None:
        return None
    v = value.strip()
    if v.isdigit() and len(v) <= 4:
        return "GM" + v.zfill(4)
    if len(v) == 6 and v[:2].upper() == "GM" and v[2:].isdigit():
        return "GM" + v[2:]
    return v


def _error_row(source: str, message: str, message_type: str | None = None) -> dict[str, Any]:
    return {SOURCE_ROW: 1, ERROR: message, SOURCE: source, "message_type": message_type}


def _may_declare(data: bytes) -> bool:
    """Whether ``data`` can hold a DOCTYPE or ENTITY declaration: in an ASCII-compatible
    encoding every declaration starts with ``<!``; a document with NUL bytes (UTF-16/32) is
    always checked. A message without either skips the declaration parse (a year is tens of
    thousands of messages)."""
    return b"<!" in data or b"\x00" in data


def parse_message(data: bytes, source: str) -> list[dict[str, Any]]:
    """Rows (one per product) of one message; an error row when it cannot be read."""
    try:
        if _may_declare(data):
            _refuse_declarations(data)
    except _Refused as exc:
        return [_error_row(source, f"{source}: {exc} (beveiliging: geen entiteiten in iJw-berichten)")]
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        line, col = exc.position
        return [_error_row(source, f"{source}: geen geldige XML (regel {line}, kolom {col}): {exc}")]
    m = _NS_RE.match(root.tag)
    if not m:
        return [_error_row(source, f"{source}: geen iJw-bericht (wortelelement {root.tag}); "
                                   "verwacht Bericht in namespace http://www.istandaarden.nl/ijw/3_2/<bericht>/schema")]
    version, msg = m.groups()
    label = msg.upper()
    if version != "3_2":
        return [_error_row(source, f"{source}: {label} is iJw-release {version.replace('_', '.')}; "
                                   "alleen release 3.2 wordt ingelezen", label)]
    if msg not in IMPORTED:
        what = OTHER.get(msg, "onbekend bericht")
        return [_error_row(source, f"{source}: bericht {label} ({what}) is geen toewijzing of verzoek "
                                   "om toewijzing en wordt niet ingelezen; alleen JW301 en JW315", label)]
    ns = {"m": f"http://www.istandaarden.nl/ijw/3_2/{msg}/schema", "b": BASE_NS}
    m_, b_ = "{" + ns["m"] + "}", "{" + BASE_NS + "}"
    header = root.find(m_ + "Header")
    client = root.find(m_ + "Client")
    if header is None or client is None:
        missing = "Header" if header is None else "Client"
        return [_error_row(source, f"{source}: {label} mist het element {missing}", label)]
    h: dict[str, str | None] = {}
    _flatten(header, (ns["m"], ns["b"]), "", h)
    sender, receiver = h.get("Afzender"), h.get("Ontvanger")
    ident, msg_date = h.get("BerichtIdentificatie/Identificatie"), h.get("BerichtIdentificatie/Dagtekening")
    common = {
        "message_type": label,
        "message_id": ident,
        "message_date": msg_date,
        # JW301 goes from municipality to provider, JW315 from provider to municipality
        "municipality": municipality_code(sender if msg == "jw301" else receiver),
        "provider": receiver if msg == "jw301" else sender,
        "bsn": _text(client.find(m_ + "Bsn")),
        "birth_date": _text(next((d for g in client.findall(m_ + "Geboortedatum")
                                  for d in g.findall(b_ + "Datum")), None)),
    }
    box, element = ("ToegewezenProducten", "ToegewezenProduct") if msg == "jw301" \
        else ("AangevraagdeProducten", "AangevraagdProduct")
    products = [p for b in client.findall(m_ + box) for p in b.findall(m_ + element)]
    if not products:
        return [_error_row(source, f"{source}: {label} bevat geen {element}", label)]
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    for n, prod in enumerate(products, 1):
        try:
            row = dict(common)
            row.update(_product(prod, msg, ns))
        except Exception as exc:  # a product that cannot be read at all keeps its row
            row = {"message_type": label, ERROR: f"{source}: {element} {n} is niet leesbaar: {exc}"}
        number = row.get("allocation_number") or row.get("provider_reference") \
            or row.get("beschikking_number") or str(n)
        did = f"{label}-{sender or '?'}-{ident or '?'}-{number}"
        if did in seen:
            did = f"{did}#{n}"
        seen.add(did)
        row["decision_id"] = did
        row[SOURCE_ROW] = n
        row[SOURCE] = source
        rows.append(row)
    return rows


#: per pair of namespaces read: an element's tag -> its local name, or None when outside them
_LOCALS: dict[tuple[str, str], dict[Any, str | None]] = {}
_MISS = object()


def _local(tag: Any, spaces: tuple[str, str]) -> str | None:
    if not isinstance(tag, str):
        return None  # comments, processing instructions
    ns, local = tag[1:].partition("}")[::2] if tag[:1] == "{" else ("", tag)
    return local if ns in spaces else None


def _flatten(el: ET.Element, spaces: tuple[str, str], prefix: str, out: dict[str, str | None]) -> None:
    """Text of every leaf below ``el`` by its local path (``Omvang/Volume``), first one wins;
    elements outside the message's and the basisschema's namespaces are ignored."""
    names = _LOCALS.get(spaces)
    if names is None:
        names = _LOCALS.setdefault(spaces, {}) if len(_LOCALS) < 100 else {}
    _walk(el, spaces, names, prefix, out)


def _walk(el: ET.Element, spaces: tuple[str, str], names: dict[Any, str | None], prefix: str,
          out: dict[str, str | None]) -> None:
    for child in el:
        tag = child.tag
        local = names.get(tag, _MISS)
        if local is _MISS:
            local = _local(tag, spaces)
            if len(names) < 10_000:
                names[tag] = local
        if local is None:
            continue
        key = prefix + local  # type: ignore[operator]
        if len(child):
            _walk(child, spaces, names, key + "/", out)
        elif key not in out:
            text = child.text
            out[key] = (text.strip() or None) if text else None


def _product(prod: ET.Element, msg: str, ns: dict[str, str]) -> dict[str, Any]:
    v: dict[str, str | None] = {}
    _flatten(prod, (ns["m"], ns["b"]), "", v)
    t = v.get
    unit = t("Omvang/Eenheid")
    volume = t("Omvang/Volume")
    row: dict[str, Any] = {
        "product_category": t("Product/Categorie"),
        "code": t("Product/Code"),
        "volume": _cents_to_euro(volume) if unit == "83" else volume,
        "unit": unit,
        "frequency": t("Omvang/Frequentie"),
        "budget": _cents_to_euro(t("Budget")),
        "provider_reference": t("ReferentieAanbieder"),
        "comment": t("Commentaar"),
    }
    if msg == "jw301":
        row.update({
            "allocation_number": t("ToewijzingNummer"),
            "decision_date": t("Toewijzingsdatum"),
            "start_date": t("Ingangsdatum"),
            "end_date": t("Einddatum"),
            "change_reason": t("RedenWijziging"),
            "outcome": "granted",
        })
    else:
        row.update({
            "beschikking_number": t("BeschikkingNummer"),
            "beschikking_start_date": t("BeschikkingIngangsdatum"),
            "start_date": t("ToewijzingIngangsdatum"),
            "end_date": t("ToewijzingEinddatum"),
            "referrer_type": t("Verwijzer/Type"),
            "referrer_agb": t("Verwijzer/ZorgverlenerCode"),
            "referrer_name": t("Verwijzer/Naam"),
        })
    return row


def _zip_rows(data: bytes | Path, source: str, depth: int = 1, part: tuple[int, int] = (0, 1)
              ) -> Iterator[dict[str, Any]]:
    """The rows of an archive; of its ``part = (k, n)``: the k-th of n equal slices of its sorted
    members (the archive's own error row comes with slice 0)."""
    k, n = part
    try:
        zf = zipfile.ZipFile(data if isinstance(data, Path) else io.BytesIO(data))
    except (zipfile.BadZipFile, OSError) as exc:
        if k == 0:
            yield _error_row(source, f"{source}: geen leesbaar zip-archief ({exc})")
        return
    with zf:
        members = sorted((i for i in zf.infolist() if not i.is_dir()), key=lambda i: i.filename)
        if not members:
            if k == 0:
                yield _error_row(source, f"{source}: leeg zip-archief, geen berichten")
            return
        for info in members[len(members) * k // n:len(members) * (k + 1) // n]:
            name = f"{source}!{info.filename}"
            suffix = Path(info.filename).suffix.lower()
            if suffix not in (".xml", ".zip"):
                yield _error_row(name, f"{name}: geen iJw-bericht (.xml) en niet ingelezen")
                continue
            if info.file_size > MAX_MEMBER_BYTES:
                yield _error_row(name, f"{name}: {info.file_size} bytes uitgepakt, meer dan de grens "
                                       f"van {MAX_MEMBER_BYTES}; niet ingelezen")
                continue
            try:
                with zf.open(info) as fh:
                    content = fh.read(MAX_MEMBER_BYTES + 1)
            except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError) as exc:
                yield _error_row(name, f"{name}: niet uit te pakken ({exc})")
                continue
            if len(content) > MAX_MEMBER_BYTES:
                yield _error_row(name, f"{name}: groter dan {MAX_MEMBER_BYTES} bytes; niet ingelezen")
                continue
            if suffix == ".zip":
                if depth >= MAX_ZIP_DEPTH:
                    yield _error_row(name, f"{name}: zip in zip dieper dan {MAX_ZIP_DEPTH} niveaus; niet ingelezen")
                else:
                    yield from _zip_rows(content, name, depth + 1)
            else:
                yield from parse_message(content, name)


def read_rows(path: Path) -> list[dict[str, Any]]:
    """The rows of one ``.xml`` message or ``.zip`` archive of messages."""
    return list(iter_rows(path))


def iter_rows(path: Path) -> Iterator[dict[str, Any]]:
    suffix = path.suffix.lower()
    if suffix == ".zip":
        yield from _zip_rows(path, str(path))
        return
    if suffix == ".xml":
        yield from _file_rows(str(path))
        return
    raise InputError(f"{path}: geen iJw-bericht (.xml) of zip-archief")


def _file_rows(path: str) -> list[dict[str, Any]]:
    """The rows of the message in the ``.xml`` file ``path``."""
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        raise InputError(f"{path}: niet te lezen ({exc.strerror})") from None
    return parse_message(data, path)


def read_ijw(path: str | Path) -> pl.DataFrame:
    """One ``.xml`` message or ``.zip`` archive as the text-column decision table."""
    return read_many([path])


def read_many(paths: Iterable[str | Path]) -> pl.DataFrame:
    """Many messages and archives as one table (one frame instead of one per file: a folder of
    a year's messages holds tens of thousands of small files). From ``POOL_MIN_MESSAGES`` on,
    the messages are read by a pool of processes (``ijw_pool``), with the same rows in the
    same order."""
    files = [Path(p) for p in paths]
    workers = min(cores(), MAX_WORKERS)
    pooled = workers >= 2 and _messages(files) >= POOL_MIN_MESSAGES
    # the same parts either way: read one after another here, or by the pool
    parts = plan(files, workers if pooled else 1)
    columns = map_parts(read_part, parts, workers) if pooled else map(read_part, parts)
    frames = [pl.DataFrame(cols, schema=SCHEMA) for cols in columns]
    if not frames:
        return pl.DataFrame(schema=SCHEMA)
    return pl.concat(frames, rechunk=True) if len(frames) > 1 else frames[0]


#: from this many messages on an import is read on all cores (below it, forking the workers and
#: carrying their rows back costs more than it saves)
POOL_MIN_MESSAGES = 2_000
MAX_WORKERS = 8
#: bytes of a zip archive counted as one message when deciding on the pool (a one-client message
#: compresses to ~600 bytes)
ZIP_BYTES_PER_MESSAGE = 1_000
#: parts per worker of a folder (small parts even out the cores; a part is one task)
PARTS_PER_WORKER = 4

#: (file, k, n): the k-th of n slices of an archive's members, or (file, 0, 1) all of a file
Piece = tuple[str, int, int]


def _messages(files: list[Path]) -> int:
    """About how many messages ``files`` hold (an archive by its size)."""
    n = 0
    for f in files:
        if str(f)[-4:].lower() == ".zip":
            try:
                n += f.stat().st_size // ZIP_BYTES_PER_MESSAGE
            except OSError:
                n += 1  # reading it reports the error
        else:
            n += 1
    return n


def plan(files: list[Path], workers: int) -> list[list[Piece]]:
    """The parts of a pooled import, in the order of their rows: consecutive files, and each
    large archive in one slice per worker (a worker opens an archive's directory once)."""
    pieces: list[Piece] = []
    for f in files:
        name = str(f)
        if name[-4:].lower() == ".zip" and _messages([f]) >= POOL_MIN_MESSAGES // 2:
            pieces += [(name, k, workers) for k in range(workers)]
        else:
            pieces.append((name, 0, 1))
    size = max(1, -(-len(pieces) // (workers * PARTS_PER_WORKER)))
    parts: list[list[Piece]] = []
    for piece in pieces:
        if piece[2] > 1 or not parts or parts[-1][-1][2] > 1 or len(parts[-1]) >= size:
            parts.append([piece])
        else:
            parts[-1].append(piece)
    return parts


def read_part(part: list[Piece]) -> dict[str, list[Any]]:
    """The rows of one part, as columns (what a worker of the pool returns)."""
    rows: list[tuple[Any, ...]] = []
    for path, k, n in part:
        if n > 1:
            found: Iterable[dict[str, Any]] = _zip_rows(Path(path), path, part=(k, n))
        elif path[-4:].lower() == ".xml":
            found = _file_rows(path)
        else:
            found = iter_rows(Path(path))
        rows += (tuple(map(r.get, SCHEMA)) for r in found)
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in SCHEMA]
    return dict(zip(SCHEMA, (list(c) for c in columns), strict=True))


SCHEMA = {c: pl.Utf8 for c in COLUMNS} | {SOURCE_ROW: pl.Int64, ERROR: pl.Utf8, SOURCE: pl.Utf8}


__all__ = ["COLUMNS", "municipality_code", "parse_message", "read_ijw", "read_many", "read_rows"]
