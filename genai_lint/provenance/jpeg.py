"""JPEG: XMP and extended XMP in APP1, EXIF in APP1, C2PA JUMBF in APP11 (split over segments)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from genai_lint.provenance.budget import TooComplex
from genai_lint.provenance.c2pa import SIGNATURE, c2pa_hits
from genai_lint.provenance.evidence import Marker, UnreadableFile, emit
from genai_lint.provenance.registry import reader
from genai_lint.provenance.source import Source
from genai_lint.provenance.tiff import exif_hits
from genai_lint.provenance.xmp import xmp_hits

_XMP_ID = b"http://ns.adobe.com/xap/1.0/\0"
_XMP_EXT_ID = b"http://ns.adobe.com/xmp/extension/\0"
_STRAY_MAX = 4096  # stray bytes tolerated between two segments
_MAX_SPLIT = 16


@dataclass(slots=True)
class _Pieces:
    """Parts of one payload split over several JPEG segments, kept while the payload cap allows."""

    offset: int
    parts: list[tuple[int, bytes]] = field(default_factory=list)
    size: int = 0

    def add(self, order: int, chunk: bytes, room: int) -> int:
        """Keep ``chunk`` if ``room`` bytes are left for it; the bytes kept."""
        self.size += len(chunk)
        if len(chunk) > room:
            return 0
        self.parts.append((order, chunk))
        return len(chunk)

    def joined(self, repeated_header: bool) -> bytes:
        """The parts in order; with ``repeated_header``, drop the box header JUMBF repeats."""
        chunks = [chunk for _, chunk in sorted(self.parts, key=lambda part: part[0])]
        if repeated_header:
            chunks[1:] = [c[16:] if c[:4] == b"\0\0\0\1" else c[8:] for c in chunks[1:]]
        return b"".join(chunks)


def _pieces(split: dict[bytes, _Pieces], key: bytes, pos: int, what: str) -> _Pieces:
    """The pieces of the payload ``key``; a file may split only a few payloads (real files split one)."""
    if key not in split and len(split) >= _MAX_SPLIT:
        raise TooComplex(f"too complex to verify: more than {_MAX_SPLIT} {what} split over segments")
    return split.setdefault(key, _Pieces(pos))


def _jpeg_segments(src: Source) -> Iterator[tuple[int, int, bytes]]:
    """``(offset, marker, payload)`` of the APP1 and APP11 segments before the scan data."""
    pos = 2
    while True:
        src.budget.walk()
        prefix, marker = src.read(pos, 2, "JPEG marker")
        if prefix != 0xFF:  # stray bytes after a segment (some writers leave a few): skip to the next marker
            ahead = src.read(pos, min(_STRAY_MAX, src.size - pos), "JPEG marker")
            skip = ahead.find(b"\xff")
            if skip < 0:
                raise UnreadableFile(f"invalid JPEG marker at byte {pos}")
            pos += skip
            continue
        if marker in (0xD9, 0xDA):
            return
        if marker == 0xFF:  # fill bytes: skip the whole run, a block at a time
            run = src.read(pos + 1, min(4096, src.size - pos - 1), "JPEG fill bytes")
            pos += len(run) - len(run.lstrip(b"\xff"))
            continue
        if marker == 0x01 or 0xD0 <= marker <= 0xD8:
            pos += 2
            continue
        length = int.from_bytes(src.read(pos + 2, 2, "JPEG segment length"), "big")
        if length < 2 or pos + 2 + length > src.size:
            raise UnreadableFile(f"truncated JPEG segment at byte {pos}")
        if marker in (0xE1, 0xEB):
            yield pos, marker, src.payload(pos + 4, length - 2, "JPEG segment")
        pos += 2 + length


@reader("JPEG", b"\xff\xd8\xff", extensions=[".jpg", ".jpeg", ".jpe", ".jfif"])
def read_jpeg(src: Source) -> Iterator[Marker]:
    extended: dict[bytes, _Pieces] = {}
    jumbf: dict[bytes, _Pieces] = {}
    kept = 0  # bytes held for split payloads, all of them together: at most the payload cap
    for pos, marker, data in _jpeg_segments(src):
        if marker == 0xEB:
            if data[:2] == b"JP" and len(data) >= 8:  # CI, box instance En, sequence Z, box data
                box = _pieces(jumbf, data[2:4], pos, "C2PA JUMBF boxes")
                kept += box.add(int.from_bytes(data[4:8], "big"), data[8:], src.cap - kept)
        elif data.startswith(_XMP_ID):
            yield from emit(f"JPEG APP1 XMP segment at byte {pos}", pos, xmp_hits, data[len(_XMP_ID) :])
        elif data.startswith(_XMP_EXT_ID) and len(data) >= 75:
            part = _pieces(extended, data[35:67], pos, "extended XMP packets")
            kept += part.add(int.from_bytes(data[71:75], "big"), data[75:], src.cap - kept)
        elif data.startswith(b"Exif\0\0"):
            yield from emit(f"JPEG APP1 Exif segment at byte {pos}", pos, exif_hits, data)
    for pieces in extended.values():
        where = f"JPEG APP1 extended XMP segments from byte {pieces.offset}"
        yield from emit(where, pieces.offset, xmp_hits, pieces.joined(repeated_header=False))
    for pieces in jumbf.values():
        store = pieces.joined(repeated_header=True)
        if store[12:32] == SIGNATURE:
            where = f"JPEG APP11 C2PA JUMBF segment at byte {pieces.offset}"
            yield from emit(where, pieces.offset, c2pa_hits, store)
