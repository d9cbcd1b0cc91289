"""Reading a CSV file into a table of text columns, row for row: polars where every line is one
record it reads as the record-by-record reader would (``plain_csv``), else record by record
(``read_csv_slow``), each physical record a row and one that cannot be split an ``_error``
naming its line. ``io.source`` reads a plain CSV slice by slice with the same checks."""

from __future__ import annotations

import codecs
import csv
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from zorgregels.diagnostics import InputError
from zorgregels.io.columns import ERROR
from zorgregels.io.header import clean_header

#: what a CSV may be separated by (Dutch Excel writes ``;``)
SEPARATORS = (",", ";", "\t")
#: a line end: CRLF, CR or LF
LINES = re.compile(r"\r\n|\r|\n")


def decode(data: bytes, path: Path) -> tuple[str, bool]:
    """The text of a file: UTF-8 (with or without BOM), UTF-16 with BOM or else Windows-1252; and
    whether it was the Windows-1252 guess. A file that is none of these is refused."""
    if data.startswith(codecs.BOM_UTF8):
        enc = "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        enc = "utf-16"
    elif b"\x00" in data:
        raise InputError(f"{path}: bevat nul-bytes; lijkt UTF-16 zonder BOM of geen tekstbestand "
                         "(sla op als UTF-8)")
    else:
        enc = "utf-8"
    try:
        return data.decode(enc), False
    except UnicodeDecodeError as exc:
        if enc != "utf-8":
            raise InputError(f"{path}: geen geldige {enc.upper()} (byte {exc.start})") from None
    try:
        return data.decode("cp1252"), True
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: geen UTF-8 en geen Windows-1252 (byte {exc.start}); "
                         "sla het bestand op als UTF-8") from None


def _split_line(line: str, sep: str) -> list[str]:
    """The fields of one record; a value longer than the csv module's limit (128 KiB) is read too."""
    try:
        return next(csv.reader([line], delimiter=sep), [])
    except csv.Error:
        if len(line) < csv.field_size_limit():
            raise
        old = csv.field_size_limit(len(line) + 1)
        try:
            return next(csv.reader([line], delimiter=sep), [])
        finally:
            csv.field_size_limit(old)


def sniff(header_line: str) -> str:
    """The separator: whichever of comma, semicolon and tab the header line has most of."""
    counts = {s: _split_line(header_line, s).__len__() for s in SEPARATORS}
    return max(SEPARATORS, key=lambda s: (counts[s], -SEPARATORS.index(s)))


#: the bytes of a CSV's start that ``csv_layout`` reads (its header line is looked for in the
#: first 64 KiB; the two bytes after tell how that line ends)
HEAD_BYTES = 65536 + 2


@dataclass(frozen=True)
class CsvLayout:
    """A plain CSV (UTF-8, lines ending in a line feed, a header without an open quote): its
    separator, its column names (``clean_header``) and the byte where its first record starts."""

    sep: str
    names: list[str]
    body: int
    header_inside: int  # separators inside the header's quoted names


def csv_layout(path: Path, head: bytes, size: int, rename: Mapping[str, str] | None = None) -> CsvLayout | None:
    """The layout of the CSV whose first bytes are ``head`` (``HEAD_BYTES`` of them, or the whole
    file) and whose size is ``size``; None when it is no plain CSV (UTF-16, NUL bytes, lines that
    end in a carriage return alone, a header that is no UTF-8 or leaves a quote open): such a
    file is read record by record."""
    head, after = head[:HEAD_BYTES - 2], head
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in head:
        return None
    first_end = min((i for i in (head.find(b"\n"), head.find(b"\r")) if i >= 0), default=len(head))
    if first_end < size and after[first_end:first_end + 1] == b"\r" and after[first_end + 1:first_end + 2] != b"\n":
        return None
    try:
        header_line = head[:first_end].decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    if header_line.count('"') % 2:
        return None
    sep = sniff(header_line)
    raw = _split_line(header_line, sep)
    names = clean_header(raw, str(path), rename)
    body = first_end + (2 if after[first_end:first_end + 2] == b"\r\n" else 1)
    return CsvLayout(sep=sep, names=names, body=min(body, size),
                     header_inside=sum(name.count(sep) for name in raw))


def read_csv(path: Path, rename: Mapping[str, str] | None = None) -> pl.DataFrame:
    data = path.read_bytes()
    if not data.strip():
        raise InputError(f"{path}: leeg bestand")
    layout = csv_layout(path, data[:HEAD_BYTES], len(data), rename)
    if layout is not None:
        fast = plain_csv(data, layout, header=True)
        if fast is not None:
            return fast
    return read_csv_slow(path, data, rename)


def polars_csv(data: bytes, sep: str, *, header: bool) -> pl.DataFrame:
    """polars' reading of CSV bytes as text columns (raises ``PolarsError``); ``plain_csv`` checks
    it is what the record-by-record reader reads."""
    return pl.read_csv(data, separator=sep, infer_schema=False, encoding="utf8", has_header=header)


def plain_csv(data: bytes, layout: CsvLayout, *, header: bool) -> pl.DataFrame | None:
    """polars on plain UTF-8 lines (with the header line first, or records only), each line one
    record; None when its row count is not the line count (blank lines, a quote spanning lines,
    a ragged row, bad UTF-8): the slow path then reads the file record by record."""
    sep, names = layout.sep, layout.names
    try:
        df = polars_csv(data, sep, header=header)
    except pl.exceptions.PolarsError:
        return None
    if df.width != len(names):
        return None
    if data.startswith((b"\n", b"\r")):
        return None
    # a carriage return alone ends a line for the record-by-record reader, not for polars
    if b"\r" in data and data.count(b"\r") != data.count(b"\r\n"):
        return None
    # with one column no separator count can tell a blank line (polars makes a row of it) from
    # a value; with more, the count below does, and a search for blank lines would cost as much
    # as reading the file again
    if len(names) == 1 and (b"\n\n" in data or b"\n\r\n" in data):
        return None
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    # a quote spanning lines makes fewer rows than lines
    if df.height != lines - header:
        return None
    # a short row or a blank line is filled with nulls by polars (a long row is an error): the
    # separators tell. Those inside quoted values ("wel, maar later") are counted from the values
    # polars read, so one cannot make up for a separator a short row lacks
    inside = layout.header_inside if header else 0
    if data.count(sep.encode()) != (len(names) - 1) * lines + inside + _separators_inside(df, sep):
        return None
    df.columns = names
    return df


def _separators_inside(df: pl.DataFrame, sep: str) -> int:
    """The separators inside the values of ``df`` (each one quoted in the file: unquoted, it
    would have split the value)."""
    if not df.width or not df.height:
        return 0
    return int(df.select(pl.sum_horizontal(pl.col(c).str.count_matches(sep, literal=True).sum()
                                           for c in df.columns)).item() or 0)


def read_csv_slow(path: Path, data: bytes, rename: Mapping[str, str] | None = None) -> pl.DataFrame:
    """Record by record, line by line, for every file polars cannot read as is: each physical
    record becomes a row, one that cannot be split an ``_error`` naming its line. A quoted value
    may span lines, but a quote left open never swallows the records after it."""
    text, guessed = decode(data, path)
    if guessed:
        sys.stderr.write(f"let op: {path} is geen UTF-8; gelezen als Windows-1252\n")
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = LINES.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    first = next((i for i, ln in enumerate(lines) if ln.strip()), None)
    if first is None:
        raise InputError(f"{path}: leeg bestand")
    if lines[first].count('"') % 2:
        raise InputError(f"{path}:{first + 1}: los aanhalingsteken in de kopregel")
    sep = sniff(lines[first])
    header = clean_header(_split_line(lines[first], sep), str(path), rename)
    width = len(header)
    rows: list[dict[str, Any]] = []
    i = first + 1
    while i < len(lines):
        line_no, record = i + 1, lines[i]
        i += 1
        if not record.strip() and sep not in record:  # a blank line; a line of tabs is a record
            continue
        error = None
        if record.count('"') % 2:
            j = i
            while j < len(lines) and not _whole(lines[j], sep, width):
                record += "\n" + lines[j]
                j += 1
                if record.count('"') % 2 == 0:
                    break
            if record.count('"') % 2 == 0 and _splits(record, sep):
                i = j
            else:  # the quote never closes, or closes inside a value that is no quoted value
                record, error = lines[i - 1], f"regel {line_no}: aanhalingsteken niet gesloten"
        values = _split_line(record, sep)
        row: dict[str, Any] = dict(zip(header, values, strict=False))
        if error is None and len(values) != width:
            error = f"regel {line_no}: {len(values)} velden, de kop heeft er {width}"
        if error is not None:
            row[ERROR] = error
        rows.append(row)
    schema = {h: pl.Utf8 for h in header} | {ERROR: pl.Utf8}
    return pl.DataFrame(rows, schema=schema)


def _splits(record: str, sep: str) -> bool:
    """Whether a record of several lines splits into fields (a line end inside a value that is not
    quoted does not: ``a"<line end>b``)."""
    try:
        _split_line(record, sep)
    except csv.Error:
        return False
    return True


def _whole(line: str, sep: str, width: int) -> bool:
    """A line that is a record on its own (balanced quotes, the header's width)."""
    return line.count('"') % 2 == 0 and len(_split_line(line, sep)) == width


__all__ = ["HEAD_BYTES", "LINES", "SEPARATORS", "CsvLayout", "csv_layout", "decode", "plain_csv", "polars_csv", "read_csv",
           "read_csv_slow", "sniff"]
