"""ISO-BMFF (MP4, MOV, M4A, HEIF, AVIF): XMP and C2PA ``uuid`` boxes, ``moov/udta/XMP_``."""

from __future__ import annotations

from collections.abc import Iterator

from genai_lint.provenance.c2pa import c2pa_hits
from genai_lint.provenance.evidence import Marker, UnreadableFile, emit, printable
from genai_lint.provenance.registry import Matches, reader
from genai_lint.provenance.source import Box, Source, boxes
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
_BMFF_DESCEND = {("", b"moov"), ("moov/", b"udta")}
_UUID_XMP = bytes.fromhex("be7acfcb97a942e89c71999491e3afac")
_UUID_C2PA = bytes.fromhex("d8fec3d61b0e483c92975828877ec481")


def _brand(*brands: bytes) -> Matches:
    return lambda head, size: head[4:8] == b"ftyp" and head[8:12] in brands


def _is_legacy_quicktime(head: bytes, size: int) -> bool:
    """A QuickTime file without ``ftyp``: a known top-level box whose size fits the file."""
    first_size = int.from_bytes(head[:4], "big")
    return head[4:8] in _BMFF_TOP and (first_size == 1 or 8 <= first_size <= size)


@reader("MOV", _is_legacy_quicktime, extensions=[".mov", ".qt"], fallback=True)
@reader("MP4", lambda head, size: head[4:8] in (b"ftyp", b"styp"), extensions=[".mp4", ".m4v", ".m4s", ".3gp"])
@reader("M4A", _brand(b"M4A "), extensions=[".m4a"])
@reader("MOV", _brand(b"qt  "), extensions=[".mov", ".qt"])
@reader("AVIF", _brand(b"avif"), extensions=[".avif"])
@reader("HEIF", _brand(b"heic", b"heix", b"mif1"), extensions=[".heic", ".heif"])  # registered first: tried first
def read_bmff(src: Source) -> Iterator[Marker]:
    head = src.read(0, min(src.size, 12), "ISO-BMFF header")
    label = _BMFF_LABELS.get(head[8:12], "MP4") if head[4:8] == b"ftyp" else "MP4"
    yield from _walk(src, 0, src.size, label, "")


def _walk(src: Source, start: int, end: int, label: str, parent: str) -> Iterator[Marker]:
    for box in boxes(src, start, end, f"{label} box"):
        kind, pos, body, box_end = box
        path = parent + printable(kind)
        if kind == b"uuid":
            yield from _bmff_uuid(src, label, path, box)
        elif kind == b"XMP_":
            where = f"{label} box {path} at byte {pos}"
            yield from emit(where, pos, xmp_hits, src.payload(body, box_end - body, f"{label} box"))
        elif (parent, kind) in _BMFF_DESCEND:
            yield from _walk(src, body, box_end, label, path + "/")


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
