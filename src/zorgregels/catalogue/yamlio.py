"""Strict YAML reading: ``yaml.safe_load`` semantics, plus duplicate-key detection and line numbers.

Scalars stay strings where YAML would guess (dates, yes/no): the loader parses them on purpose,
so ``2027-06-31`` is reported as an impossible date with its line, not a crash or a silent string.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from zorgregels.diagnostics import Diagnostic


class LocDict(dict[str, Any]):
    """A mapping that remembers the line and column (1-based) of itself and of each key."""

    line: int = 0
    column: int = 0
    key_lines: dict[str, tuple[int, int]]


class LocList(list[Any]):
    line: int = 0
    column: int = 0
    item_lines: list[tuple[int, int]]


class _StrictLoader(yaml.SafeLoader):
    duplicates: list[Diagnostic]


# Keep timestamps and floats as strings: dates are parsed by the models with a clear message,
# and "85.20" becomes Decimal("85.20") exactly instead of passing through a binary float.
_KEEP_AS_STRING = {"tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:float"}
_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in _KEEP_AS_STRING]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> LocDict:
    # Duplicates are looked for among the keys written in this mapping; keys brought in by a
    # YAML merge (``<<: *base``) may be overridden, as the YAML merge spec intends.
    seen: dict[str, int] = {}
    for key_node, _ in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            continue
        key = str(loader.construct_object(key_node, deep=True))
        line = key_node.start_mark.line + 1
        if key in seen:
            loader.duplicates.append(
                Diagnostic(
                    code="yaml.duplicate_key",
                    message=f"sleutel '{key}' staat twee keer in dezelfde mapping "
                    f"(eerst op regel {seen[key]}); verwijder of hernoem er een",
                    line=line,
                    column=key_node.start_mark.column + 1,
                )
            )
        else:
            seen[key] = line
    loader.flatten_mapping(node)
    result = LocDict()
    result.line, result.column = node.start_mark.line + 1, node.start_mark.column + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            key = str(key)
        result.key_lines[key] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
        result[key] = loader.construct_object(value_node, deep=True)
    return result


def _construct_sequence(loader: _StrictLoader, node: yaml.SequenceNode, deep: bool = False) -> LocList:
    result = LocList(loader.construct_object(child, deep=True) for child in node.value)
    result.line, result.column = node.start_mark.line + 1, node.start_mark.column + 1
    result.item_lines = [(c.start_mark.line + 1, c.start_mark.column + 1) for c in node.value]
    return result


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def load_yaml(path: Path) -> tuple[Any, list[Diagnostic]]:
    """Read one YAML file. Returns (data, diagnostics); data is None when the file cannot parse."""
    text = path.read_text(encoding="utf-8")
    return load_yaml_text(text, str(path))


def load_yaml_text(text: str, name: str) -> tuple[Any, list[Diagnostic]]:
    loader = _StrictLoader(text)
    loader.duplicates = []
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        return None, [
            Diagnostic(
                code="yaml.syntax",
                message=f"geen geldige YAML: {exc.problem or exc}",
                file=name,
                line=mark.line + 1 if mark else None,
                column=mark.column + 1 if mark else None,
            )
        ]
    finally:
        loader.dispose()
    diags = [d.model_copy(update={"file": name}) for d in loader.duplicates]
    return data, diags


def locate(data: Any, path: tuple[Any, ...]) -> tuple[int | None, int | None]:
    """Line and column of the node at ``path`` (keys and indexes), or of its nearest ancestor."""
    line: int | None = getattr(data, "line", None)
    col: int | None = getattr(data, "column", None)
    node = data
    for part in path:
        if isinstance(node, LocDict) and isinstance(part, str) and part in node:
            line, col = node.key_lines[part]
            node = node[part]
        elif isinstance(node, LocList) and isinstance(part, int) and 0 <= part < len(node):
            line, col = node.item_lines[part]
            node = node[part]
        else:
            break
    return line, col


def plain(value: Any) -> Any:
    """Plain dicts and lists instead of the located ones (for data handed to other code)."""
    if isinstance(value, dict):
        return {k: plain(x) for k, x in value.items()}
    if isinstance(value, list):
        return [plain(x) for x in value]
    return value
