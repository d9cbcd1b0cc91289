"""Strict YAML reading: ``yaml.safe_load`` semantics, plus duplicate-key detection and line numbers.

Scalars stay strings where YAML would guess (dates, yes/no): the loader parses them on purpose,
so ``2027-06-31`` is reported as an impossible date with its line, not a crash or a silent string.

Rule files are limited, each limit a diagnostic with a stable code before anything is built:
the file's size (``yaml.too_large``), its encoding (UTF-8, ``yaml.encoding``), the nesting
depth (``yaml.too_deep``) and what aliases expand to (``yaml.too_many_aliases``,
``yaml.too_large_expanded``): a billion-laughs bomb is refused while it is composed, before
anything is expanded.
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


#: the largest rule file read (the region's largest is under 20 KB)
MAX_FILE_BYTES = 2_000_000
#: the deepest nesting of mappings and lists in a rule file (the region's rules reach 10)
MAX_DEPTH = 64
#: the most aliases (``*name``) in one rule file
MAX_ALIASES = 1_000
#: the most nodes a rule file may hold once every alias is expanded
MAX_NODES = 200_000


class _LimitError(yaml.MarkedYAMLError):
    def __init__(self, code: str, problem: str, mark: Any):
        super().__init__(problem=problem, problem_mark=mark)
        self.code = code


class _StrictLoader(yaml.SafeLoader):
    duplicates: list[Diagnostic]
    depth: int = 0
    aliases: int = 0
    nodes: int = 0
    sizes: dict[int, int]

    def compose_node(self, parent: Any, index: Any) -> Any:
        # counted while composing: an alias adds the expanded size of what it names, so an
        # alias bomb is stopped before it is expanded, and depth before Python's recursion limit
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if self.depth >= MAX_DEPTH:
            raise _LimitError("yaml.too_deep", f"de YAML is dieper genest dan {MAX_DEPTH} niveaus",
                              event.start_mark)
        before = self.nodes
        if isinstance(event, yaml.AliasEvent) and event.anchor in self.anchors:
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                raise _LimitError("yaml.too_many_aliases",
                                  f"meer dan {MAX_ALIASES} aliassen (*naam) in één bestand",
                                  event.start_mark)
            self.nodes += self.sizes.get(id(self.anchors[event.anchor]), 1)
            self._check_nodes(event.start_mark)
            return super().compose_node(parent, index)
        self.depth += 1
        try:
            node = super().compose_node(parent, index)
        finally:
            self.depth -= 1
        self.nodes += 1
        self._check_nodes(event.start_mark)
        self.sizes[id(node)] = self.nodes - before
        return node

    def _check_nodes(self, mark: Any) -> None:
        if self.nodes > MAX_NODES:
            raise _LimitError("yaml.too_large_expanded",
                              f"de aliassen (*naam) vouwen uit tot meer dan {MAX_NODES} "
                              "waarden (een 'alias-bom'?)", mark)


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
    name = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, [Diagnostic(code="yaml.too_large", file=name,
                                     message=f"het bestand is {size} bytes; een regelbestand is "
                                     f"hoogstens {MAX_FILE_BYTES} bytes")]
        raw = path.read_bytes()
    except OSError as exc:
        return None, [Diagnostic(code="yaml.unreadable", file=name,
                                 message=f"het bestand kan niet worden gelezen ({exc.strerror or exc})")]
    return load_yaml_bytes(raw, name)


def load_yaml_bytes(raw: bytes, name: str) -> tuple[Any, list[Diagnostic]]:
    """Decode as UTF-8 (a BOM is allowed) and read; anything else is a diagnostic naming the file."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [Diagnostic(
            code="yaml.encoding", file=name, line=line, column=column,
            message=f"het bestand is geen UTF-8 (byte 0x{raw[exc.start]:02x}); sla het op als "
            "UTF-8")]
    return load_yaml_text(text, name)


def load_yaml_text(text: str, name: str) -> tuple[Any, list[Diagnostic]]:
    try:
        loader = _StrictLoader(text)  # the reader refuses control characters right here
    except yaml.reader.ReaderError as exc:
        line = text[:exc.position].count("\n") + 1
        return None, [Diagnostic(code="yaml.syntax", file=name, line=line,
                                 message=f"teken U+{exc.character:04X} is niet toegestaan in YAML")]
    loader.duplicates = []
    loader.sizes = {}
    try:
        data = loader.get_single_data()
    except _LimitError as exc:
        mark = exc.problem_mark
        return None, [Diagnostic(code=exc.code, message=str(exc.problem), file=name,
                                 line=mark.line + 1 if mark else None,
                                 column=mark.column + 1 if mark else None)]
    except yaml.YAMLError as exc:
        if not isinstance(exc, yaml.MarkedYAMLError):
            return None, [Diagnostic(code="yaml.syntax", message=f"geen geldige YAML: {exc}",
                                     file=name)]
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
