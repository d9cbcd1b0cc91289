"""The header of a decision file: its column names trimmed, mapped (``--columns``) and, when a
field's name up to case, that field; blank, duplicate and reserved names refused, naming them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from zorgregels.catalogue.fields import FIELDS
from zorgregels.diagnostics import InputError

#: column names the validate report writes itself; an input column by that name would be overwritten
RESERVED = frozenset({"verdict", "finding_count"})
_CANONICAL = {f.casefold(): f for f in FIELDS} | {"bsn": "bsn"}


def clean_header(names: Sequence[str], where: str, rename: Mapping[str, str] | None = None) -> list[str]:
    """The file's column names trimmed, mapped (``--columns``) and, when a field's name up to case,
    that field; blank, duplicate and reserved names refused, naming them."""
    mapping = {k.strip(): v for k, v in (rename or {}).items()}
    out: list[str] = []
    for raw in names:
        name = raw.strip()
        name = mapping.get(name, name)
        out.append(_CANONICAL.get(name.casefold(), name))
    hint = " (hernoem de kolommen in het bestand, of koppel ze met --columns)"
    blank = [str(i) for i, n in enumerate(out, 1) if not n]
    if blank:
        raise InputError(f"{where}: kolom {', '.join(blank)} heeft geen naam{hint}")
    seen: dict[str, list[str]] = {}
    for raw, name in zip(names, out, strict=True):
        seen.setdefault(name.casefold(), []).append(repr(raw))
    dups = [" en ".join(v) for v in seen.values() if len(v) > 1]
    if dups:
        raise InputError(f"{where}: dubbele kolomnamen: {'; '.join(dups)}{hint}")
    reserved = [n for n in out if n.casefold() in RESERVED or n.startswith("_")]
    if reserved:
        raise InputError(f"{where}: gereserveerde kolomnamen: {', '.join(map(repr, reserved))} "
                         f"(verdict, finding_count en namen die met _ beginnen schrijft zorgregels "
                         f"zelf){hint}")
    return out


__all__ = ["RESERVED", "clean_header"]
