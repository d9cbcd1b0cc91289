"""The two layers of a catalogue (domain.md §9): the national law layer (Jeugdwet, Awb, BW book 1,
iJw message rules; the same in every region) and a region's own rules. A region names the law
layer it builds on (``region.builds_on``); it adds rules, and tightens a national rule only with a
rule of its own that says ``tightens: <id>``, belongs to the same check, is at least as severe and
cites its own basis.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zorgregels.catalogue.catalogue import ParsedRule
from zorgregels.catalogue.yamlio import LocDict

SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}


@dataclass(frozen=True)
class LayerError:
    """One diagnostic of the layering, in the loader's ``error(code, message, file, data, path)`` form."""

    args: tuple[str, str, str, LocDict, tuple[Any, ...]]
    rule: str


def tightening_errors(rules: list[ParsedRule], raw: list[tuple[str, LocDict, int, Any]],
                      national_files: set[str]) -> list[LayerError]:
    national = {r.id: r.rule for r in rules if r.source.national}
    errors: list[LayerError] = []
    for name, data, i, r in raw:
        if r.tightens is None:
            continue
        base = r.tightens
        path: tuple[Any, ...] = ("rules", i, "tightens")
        if name in national_files:
            code, msg = "layer.tightens_in_law", (f"regel {r.id}: een regel van de wettelijke laag "
                                                  "scherpt niets aan; 'tightens' is voor een regio")
        elif base not in national:
            code, msg = "layer.tightens_unknown", (f"regel {r.id}: 'tightens: {base}' noemt geen "
                                                   "regel van de wettelijke laag")
        elif national[base].check != r.check:
            code, msg = "layer.tightens_other_check", (f"regel {r.id} scherpt {base} aan, maar hoort "
                                                       f"bij controle {r.check}, niet bij "
                                                       f"{national[base].check}")
        elif SEVERITY_RANK[r.severity] < SEVERITY_RANK[national[base].severity]:
            code, msg = "layer.tightens_weaker", (f"regel {r.id} scherpt {base} aan met ernst "
                                                  f"{r.severity}, lichter dan {national[base].severity}")
        elif r.basis.strip() == national[base].basis.strip():
            code, msg = "layer.tightens_without_basis", (f"regel {r.id} scherpt {base} aan met "
                                                         "dezelfde basis; een aanscherping noemt de "
                                                         "eigen grondslag van de regio")
            path = ("rules", i, "basis")
        else:
            continue
        errors.append(LayerError((code, msg, name, data, path), r.id))
    return errors


def bundle_hash(raws: dict[str, bytes], root: Path, region_files: list[str],
                national_root: Path | None, national_files: set[str]) -> str:
    """One hash of the rule files, the same whether the region folder or its parent is loaded:
    each file is named relative to its own layer (the law layer or the region's folder)."""
    region_root = (Path(region_files[0]).parent if region_files
                   else root if root.is_dir() else root.parent).resolve()
    named = []
    for name, raw in raws.items():
        path = Path(name).resolve()
        if national_root is not None and name in national_files:
            rel = "national/" + path.relative_to(national_root).as_posix()
        elif path.is_relative_to(region_root):
            rel = "region/" + path.relative_to(region_root).as_posix()
        else:
            rel = "region/" + path.name
        named.append((rel, raw))
    digest = hashlib.sha256()
    for rel, raw in sorted(named):
        digest.update(rel.encode() + b"\0" + raw + b"\0")
    return digest.hexdigest()


__all__ = ["LayerError", "bundle_hash", "tightening_errors"]
