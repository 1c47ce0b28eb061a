"""TIFF (and BigTIFF, DNG) and the EXIF blocks other containers embed: XMP, C2PA and generator text tags."""

from __future__ import annotations

import re
import struct
from collections.abc import Iterator
from dataclasses import dataclass

from genai_lint.provenance.budget import TooComplex
from genai_lint.provenance.c2pa import c2pa_hits
from genai_lint.provenance.evidence import Hit, Marker, UnreadableFile, emit, noted
from genai_lint.provenance.fingerprints import text_hits
from genai_lint.provenance.registry import reader
from genai_lint.provenance.source import Source
from genai_lint.provenance.xmp import xmp_hits

_TIFF_TYPE_SIZES = {3: 2, 4: 4, 5: 8, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4, 16: 8, 17: 8, 18: 8}
_TAG_XMP, _TAG_C2PA, _TAG_USER_COMMENT, _TAG_EXIF_IFD, _TAG_SUB_IFDS = 700, 52545, 37510, 34665, 330
_MAX_SUB_IFDS = 256  # real files have a few (previews, DNG raw data); thousands are a parser bomb
_TIFF_TAG_NAMES = {
    _TAG_XMP: "tag 700 (XMP)",
    _TAG_C2PA: "tag 52545 (C2PA)",
    270: "tag 270 (ImageDescription)",
    271: "tag 271 (Make)",
    272: "tag 272 (Model)",
    _TAG_USER_COMMENT: "Exif tag 37510 (UserComment)",
}
_EXIF_FIELDS = {270: "EXIF ImageDescription", 271: "EXIF Make", 272: "EXIF Model", _TAG_USER_COMMENT: "EXIF UserComment"}
_GRAPH_IN_TEXT = re.compile(r"(prompt|workflow):\s*(?=\{)", re.I)  # ComfyUI savers: "workflow:{...}" in Make/Model


@dataclass(frozen=True, slots=True)
class _Tiff:
    """Byte order and IFD entry layout of classic TIFF or BigTIFF."""

    order: str
    entry: struct.Struct

    @property
    def big(self) -> bool:
        return self.entry.size == 20


_TIFF_HEADERS = {
    b"II*\0": _Tiff("little", struct.Struct("<HHI4s")),
    b"MM\0*": _Tiff("big", struct.Struct(">HHI4s")),
    b"II+\0": _Tiff("little", struct.Struct("<HHQ8s")),
    b"MM\0+": _Tiff("big", struct.Struct(">HHQ8s")),
}


def _tiff_values(src: Source) -> Iterator[tuple[int, int, bytes]]:
    """``(tag, offset, value)`` for the provenance tags of IFD0 and of its Exif IFD."""
    tiff = _TIFF_HEADERS.get(src.read(0, 4, "TIFF header"))
    if tiff is None:
        raise UnreadableFile("invalid TIFF header at byte 0")
    head = src.read(0, 16 if tiff.big else 8, "TIFF header")
    ifd0 = _ifd(src, tiff, int.from_bytes(head[8:16] if tiff.big else head[4:8], tiff.order))
    if _TAG_SUB_IFDS in ifd0 and ifd0[_TAG_SUB_IFDS][1] > _MAX_SUB_IFDS:
        raise TooComplex(f"too complex to verify: {ifd0[_TAG_SUB_IFDS][1]} SubIFD directories (more than {_MAX_SUB_IFDS})")
    for tag in _TIFF_TAG_NAMES:
        if tag in ifd0:
            yield tag, *_tiff_value(src, tiff, tag, ifd0[tag])
    if _TAG_EXIF_IFD in ifd0:
        pointer = _tiff_value(src, tiff, _TAG_EXIF_IFD, ifd0[_TAG_EXIF_IFD])[1]
        exif = _ifd(src, tiff, int.from_bytes(pointer[:8], tiff.order))
        if _TAG_USER_COMMENT in exif:
            yield _TAG_USER_COMMENT, *_tiff_value(src, tiff, _TAG_USER_COMMENT, exif[_TAG_USER_COMMENT])


def _ifd(src: Source, tiff: _Tiff, offset: int) -> dict[int, tuple[int, int, bytes, int]]:
    """Entries of the IFD at ``offset``: tag -> ``(type, count, value field, field offset)``."""
    width = 8 if tiff.big else 2
    count = int.from_bytes(src.read(offset, width, "TIFF IFD"), tiff.order)
    if count > 4096:
        raise UnreadableFile(f"corrupt TIFF IFD at byte {offset}: {count} entries")
    src.budget.walk(count)
    table = src.read(offset + width, count * tiff.entry.size, "TIFF IFD")
    field_at = offset + width + tiff.entry.size - (8 if tiff.big else 4)
    return {
        tag: (kind, n, value, field_at + i * tiff.entry.size)
        for i, (tag, kind, n, value) in enumerate(tiff.entry.iter_unpack(table))
    }


def _tiff_value(src: Source, tiff: _Tiff, tag: int, entry: tuple[int, int, bytes, int]) -> tuple[int, bytes]:
    """``(offset, bytes)`` of an IFD entry's value, inline or pointed to."""
    kind, count, value, field_at = entry
    size = _TIFF_TYPE_SIZES.get(kind, 1) * count
    if size <= len(value):
        return field_at, value[:size]
    offset = int.from_bytes(value, tiff.order)
    return offset, src.payload(offset, size, f"TIFF tag {tag} value")


def _user_comment(value: bytes) -> str:
    code, body = value[:8], value[8:]
    if code == b"UNICODE\0":
        big_endian = body[0::2].count(0) >= body[1::2].count(0)
        return body.decode("utf-16-be" if big_endian else "utf-16-le", "replace")
    return body.decode("utf-8", "replace")


def _tiff_hits(tag: int, value: bytes) -> list[Hit]:
    if tag == _TAG_XMP:
        return xmp_hits(value)
    if tag == _TAG_C2PA:
        return c2pa_hits(value)
    if tag == _TAG_USER_COMMENT:
        return text_hits("parameters", _user_comment(value), _EXIF_FIELDS[tag])
    text = value.rstrip(b"\0").decode("utf-8", "replace")
    graph = _GRAPH_IN_TEXT.match(text)
    return text_hits(graph[1].lower(), text[graph.end() :], _EXIF_FIELDS[tag]) if graph else []


def exif_hits(exif: bytes) -> list[Hit]:
    """Hits in an EXIF block (a TIFF structure, with or without its ``Exif\\0\\0`` prefix)."""
    values = _tiff_values(Source.of(exif.removeprefix(b"Exif\0\0")))
    return [noted(hit, _TIFF_TAG_NAMES[tag]) for tag, _, value in values for hit in _tiff_hits(tag, value)]


def _is_tiff(head: bytes, size: int) -> bool:
    return head[:4] in _TIFF_HEADERS


@reader("TIFF", _is_tiff, extensions=[".tif", ".tiff", ".dng"])
def read_tiff(src: Source) -> Iterator[Marker]:
    for tag, offset, value in _tiff_values(src):
        yield from emit(f"TIFF {_TIFF_TAG_NAMES[tag]} at byte {offset}", offset, _tiff_hits, tag, value)
