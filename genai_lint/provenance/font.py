"""Fonts (TrueType, OpenType, collections, WOFF): the C2PA manifest store of the ``C2PA`` table."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator

from genai_lint.provenance.c2pa import c2pa_hits
from genai_lint.provenance.evidence import Marker, UnreadableFile, emit
from genai_lint.provenance.registry import known, reader
from genai_lint.provenance.source import Source

_SFNT = (b"\0\1\0\0", b"OTTO", b"true", b"typ1")


def _tables(src: Source, directory: int) -> dict[bytes, tuple[int, int]]:
    """Tag -> ``(offset, length)`` of the tables of the sfnt table directory at ``directory``."""
    count = int.from_bytes(src.read(directory + 4, 2, "font table directory"), "big")
    records = src.read(directory + 12, 16 * count, "font table records")
    src.budget.walk(count)
    return {tag: (offset, length) for tag, _, offset, length in struct.iter_unpack(">4sIII", records)}


def _store(table: bytes, at: int) -> bytes:
    """The manifest store of a ``C2PA`` table (version, URI offset and length, store offset and length)."""
    if len(table) < 20:
        raise UnreadableFile(f"truncated C2PA font table at byte {at}")
    offset, length = struct.unpack_from(">II", table, 12)
    if offset + length > len(table):
        raise UnreadableFile(f"C2PA font table at byte {at}: store outside the table")
    return table[offset : offset + length]


@reader("font", lambda head, size: head[:4] in _SFNT, extensions=[".ttf", ".otf"])
@reader("font collection", b"ttcf", extensions=[".ttc", ".otc"])
def read_font(src: Source) -> Iterator[Marker]:
    head = src.read(0, 12, "font header")
    if head[:4] == b"ttcf":
        count = int.from_bytes(head[8:12], "big")
        src.budget.walk(count)
        directories = struct.unpack(f">{count}I", src.read(12, 4 * count, "font collection offsets"))
    else:
        directories = (0,)
    for directory in directories:
        if span := _tables(src, directory).get(b"C2PA"):
            at, length = span
            table = src.payload(at, length, "C2PA font table")
            yield from emit(f"font C2PA table at byte {at}", at, c2pa_hits, _store(table, at))


@reader("WOFF", b"wOFF", extensions=[".woff"])
def read_woff(src: Source) -> Iterator[Marker]:
    count = int.from_bytes(src.read(12, 2, "WOFF header"), "big")
    src.budget.walk(count)
    for tag, offset, compressed, length, _ in struct.iter_unpack(">4sIIII", src.read(44, 20 * count, "WOFF table directory")):
        if tag != b"C2PA":
            continue
        table = src.payload(offset, compressed, "WOFF C2PA table")
        if compressed < length:
            try:
                table = src.budget.inflate(table, src.cap)
            except zlib.error:
                raise UnreadableFile(f"corrupt compressed WOFF C2PA table at byte {offset}") from None
        yield from emit(f"WOFF C2PA table at byte {offset}", offset, c2pa_hits, _store(table, offset))


known("WOFF2", b"wOF2", extensions=[".woff2"])
