"""ISO-BMFF (MP4, MOV, M4A, HEIF, AVIF): XMP and C2PA ``uuid`` boxes, ``moov/udta/XMP_``."""

from __future__ import annotations

import re
import struct
from collections.abc import Iterator

from genai_lint.provenance.c2pa import c2pa_hits
from genai_lint.provenance.budget import Unjudged, current
from genai_lint.provenance.evidence import Hit, Marker, UnreadableFile, emit, printable
from genai_lint.provenance.registry import Matches, reader
from genai_lint.provenance.source import Box, Source, boxes
from genai_lint.provenance.tiff import exif_hits
from genai_lint.provenance.xmp import xmp_hits

_BMFF_TOP = {b"moov", b"mdat", b"free", b"skip", b"wide", b"pnot", b"uuid"}
_BMFF_LABELS = {
    b"qt  ": "MOV",
    b"M4A ": "M4A",
    b"heic": "HEIF",
    b"heix": "HEIF",
    b"mif1": "HEIF",
    b"avif": "AVIF",
}
_JXL = b"\0\0\0\x0cJXL \r\n\x87\n"
_JP2 = b"\0\0\0\x0cjP  \r\n\x87\n"
_SIGNATURES = {_JXL: "JPEG XL", _JP2: "JPEG 2000"}
_BMFF_DESCEND = {("", b"moov"), ("moov/", b"udta")}
_COMPRESSED_BOXES = {b"jumb", b"xml ", b"Exif"}
_UUID_XMP = bytes.fromhex("be7acfcb97a942e89c71999491e3afac")
_UUID_C2PA = bytes.fromhex("d8fec3d61b0e483c92975828877ec481")


def _brand_box(kind: bytes) -> Matches:
    return lambda head, size: head[4:8] == kind


def _brand(*brands: bytes) -> Matches:
    return lambda head, size: head[4:8] == b"ftyp" and head[8:12] in brands


def _is_legacy_quicktime(head: bytes, size: int) -> bool:
    """A QuickTime file without ``ftyp``: a known top-level box whose size fits the file."""
    first_size = int.from_bytes(head[:4], "big")
    return head[4:8] in _BMFF_TOP and (first_size == 1 or 8 <= first_size <= size)


@reader("MOV", _is_legacy_quicktime, extensions=[".mov", ".qt"], fallback=True)
@reader("JPEG 2000", _JP2, extensions=[".jp2", ".jpf", ".jpx", ".j2k"])
@reader("JPEG XL", _JXL, extensions=[".jxl"])
@reader("MP4", _brand_box(b"ftyp"), extensions=[".mp4", ".m4v", ".3gp"])
@reader("M4A", _brand(b"M4A "), extensions=[".m4a"])
@reader("MOV", _brand(b"qt  "), extensions=[".mov", ".qt"])
@reader("AVIF", _brand(b"avif"), extensions=[".avif"])
@reader("HEIF", _brand(b"heic", b"heix", b"mif1"), extensions=[".heic", ".heif"])  # registered first: tried first
def read_bmff(src: Source) -> Iterator[Marker]:
    head = src.read(0, min(src.size, 12), "ISO-BMFF header")
    label = _BMFF_LABELS.get(head[8:12], "MP4") if head[4:8] == b"ftyp" else _SIGNATURES.get(head[:12], "MP4")
    yield from _walk(src, 0, src.size, label, "")


@reader("MP4 media segment", _brand_box(b"styp"), extensions=[".m4s", ".mp4"])
def read_segment(src: Source) -> Iterator[Marker]:
    """A DASH/CMAF media segment: its Content Credentials live in the initialization segment."""
    markers = list(_walk(src, 0, src.size, "MP4 segment", ""))
    if not markers:
        raise Unjudged("provenance lives in the initialization segment; a media segment is not judged alone")
    yield from markers


@reader("JPEG XL codestream", b"\xff\x0a", extensions=[".jxl"])
def read_bare_codestream(src: Source) -> Iterator[Marker]:
    """A bare JPEG XL codestream has no container, so no place for metadata: nothing to read."""
    return iter(())


def _walk(src: Source, start: int, end: int, label: str, parent: str) -> Iterator[Marker]:
    for box in boxes(src, start, end, f"{label} box"):
        kind, pos, body, box_end = box
        path = parent + printable(kind)
        if kind == b"uuid":
            yield from _bmff_uuid(src, label, path, box)
        elif kind in (b"XMP_", b"xml "):
            where = f"{label} box {path} at byte {pos}"
            yield from emit(where, pos, xmp_hits, src.payload(body, box_end - body, f"{label} box"))
        elif kind == b"jumb" and not parent:
            where = f"{label} box jumb (C2PA) at byte {pos}"
            yield from emit(where, pos, c2pa_hits, src.payload(pos, box_end - pos, f"{label} box"))
        elif kind == b"Exif" and not parent:
            yield from emit(f"{label} box Exif at byte {pos}", pos, _exif_box_hits, src.payload(body, box_end - body, f"{label} box"))
        elif kind == b"brob" and not parent and (inner := src.read(body, 4, f"{label} brob box")) in _COMPRESSED_BOXES:
            yield from _brotli_box(src, label, inner, pos, src.payload(body + 4, box_end - body - 4, f"{label} brob box"))
        elif kind == b"meta" and not parent:
            yield from _meta_items(src, body, box_end, label)
        elif (parent, kind) in _BMFF_DESCEND:
            yield from _walk(src, body, box_end, label, path + "/")
        elif kind == b"moov" and parent:
            raise UnreadableFile(f"{label} box {path} at byte {pos}: a moov box inside another box")


def _brotli_box(src: Source, label: str, inner: bytes, pos: int, compressed: bytes) -> Iterator[Marker]:
    """A JPEG XL ``brob`` box: the Brotli-compressed payload of a ``jumb``, ``xml `` or ``Exif`` box."""
    where = f"{label} box brob ({printable(inner)}) at byte {pos}"
    try:
        data = src.budget.unbrotli(compressed, src.cap)
    except ImportError:
        yield Marker("metadata-undecoded", f"Brotli-compressed '{printable(inner)}' box (install genai-lint[brotli])",
                     where, pos, False)
        return
    if inner == b"jumb":
        yield from emit(where, pos, c2pa_hits, struct.pack(">I4s", 8 + len(data), inner) + data)
    else:
        yield from emit(where, pos, xmp_hits if inner == b"xml " else _exif_box_hits, data)


def _exif_box_hits(data: bytes) -> list[Hit]:
    """An ``Exif`` box or item: a 4-byte offset to the TIFF header, then the EXIF block."""
    offset = int.from_bytes(data[:4], "big") if len(data) >= 4 else len(data)
    return exif_hits(data[4 + offset :])


def _meta_items(src: Source, start: int, end: int, label: str) -> Iterator[Marker]:
    """XMP and Exif items of a HEIF/AVIF ``meta`` box, located through ``iinf`` and ``iloc``."""
    children = {kind: (body, box_end) for kind, _, body, box_end in boxes(src, start + 4, end, f"{label} meta box")}
    if b"iinf" not in children or b"iloc" not in children:
        return
    wanted = _item_types(Source.of(src.payload(*_span(children[b"iinf"]), f"{label} iinf box")))
    if not wanted:
        return
    locations = _item_locations(src.payload(*_span(children[b"iloc"]), f"{label} iloc box"))
    for item_id, kind in wanted.items():
        method, extents = locations.get(item_id, (0, []))
        if method not in (0, 1) or (method == 1 and b"idat" not in children):
            raise UnreadableFile(f"{label} item {item_id} stored with construction method {method}: not read")
        base = children[b"idat"][0] if method == 1 else 0
        data = b"".join(src.payload(base + at, length, f"{label} {kind} item") for at, length in extents)[: src.cap]
        offset = base + extents[0][0] if extents else start
        analyse = xmp_hits if kind == "XMP" else _exif_box_hits
        yield from emit(f"{label} {kind} item {item_id} at byte {offset}", offset, analyse, data)


def _span(bounds: tuple[int, int]) -> tuple[int, int]:
    return bounds[0], bounds[1] - bounds[0]


def _item_types(iinf: Source) -> dict[int, str]:
    """Item id -> "XMP" or "Exif" for the items of an ``iinf`` payload that can carry provenance."""
    wide = iinf.read(0, 1, "iinf box")[0] > 0
    found: dict[int, str] = {}
    for kind, _, body, end in boxes(iinf, 8 if wide else 6, iinf.size, "infe box"):
        entry = iinf.read(body, end - body, "infe box")
        if kind != b"infe" or len(entry) < 8:
            continue
        version = entry[0]
        if version < 2:
            item_id, rest, item_type = int.from_bytes(entry[4:6], "big"), entry[8:], b"mime"
            rest = rest.split(b"\0", 1)[-1]  # after the item name: content type
        else:
            id_size = 4 if version == 3 else 2
            item_id = int.from_bytes(entry[4 : 4 + id_size], "big")
            item_type = entry[6 + id_size : 10 + id_size]
            rest = entry[10 + id_size :].split(b"\0", 1)[-1]
        if item_type == b"Exif":
            found[item_id] = "Exif"
        elif item_type == b"mime" and re.match(rb"application/(?:rdf\+xml|xmp)", rest):
            found[item_id] = "XMP"
    return found


def _item_locations(iloc: bytes) -> dict[int, tuple[int, list[tuple[int, int]]]]:
    """Item id -> (construction method, [(offset, length)]) from an ``iloc`` payload."""
    cursor = _Cursor(iloc)
    version = cursor.take(4)[0]
    sizes = cursor.take(2)
    offset_size, length_size, base_size = sizes[0] >> 4, sizes[0] & 15, sizes[1] >> 4
    index_size = sizes[1] & 15 if version in (1, 2) else 0
    count = cursor.number(4 if version == 2 else 2)
    locations: dict[int, tuple[int, list[tuple[int, int]]]] = {}
    for _ in range(count):
        current().walk()
        item_id = cursor.number(4 if version == 2 else 2)
        method = cursor.number(2) & 15 if version in (1, 2) else 0
        cursor.number(2)  # data reference index
        base = cursor.number(base_size)
        extents = []
        for _ in range(cursor.number(2)):
            current().walk()
            cursor.number(index_size)
            extents.append((base + cursor.number(offset_size), cursor.number(length_size)))
        locations[item_id] = (method, extents)
    return locations


class _Cursor:
    """Sequential reads from a payload; running past its end is :class:`UnreadableFile`."""

    __slots__ = ("data", "pos")

    def __init__(self, data: bytes) -> None:
        self.data, self.pos = data, 0

    def take(self, n: int) -> bytes:
        if self.pos + n > len(self.data):
            raise UnreadableFile(f"truncated iloc box at byte {self.pos}")
        self.pos += n
        return self.data[self.pos - n : self.pos]

    def number(self, size: int) -> int:
        return int.from_bytes(self.take(size), "big")


def _bmff_uuid(src: Source, label: str, path: str, box: Box) -> Iterator[Marker]:
    _, pos, body, end = box
    if end - body < 16:
        raise UnreadableFile(f"corrupt {label} uuid box at byte {pos}")
    user_type, body = src.read(body, 16, f"{label} uuid box"), body + 16
    if user_type == _UUID_XMP:
        where = f"{label} box {path} (XMP) at byte {pos}"
        yield from emit(where, pos, xmp_hits, src.payload(body, end - body, f"{label} uuid box"))
    elif user_type == _UUID_C2PA:
        purpose, nul, _ = src.read(body, min(end - body, 80), f"{label} uuid box")[4:].partition(b"\0")
        store = body + 4 + len(purpose) + 1 + 8
        if not nul or store > end:
            raise UnreadableFile(f"corrupt C2PA {label} uuid box at byte {pos}")
        if purpose != b"merkle":
            where = f"{label} box {path} (C2PA) at byte {pos}"
            yield from emit(where, pos, c2pa_hits, src.payload(store, end - store, f"{label} uuid box"))
