"""GIF: XMP in the ``XMP DataXMP`` application extension, C2PA in the ``C2PA_GIF`` application extension."""

from __future__ import annotations

from collections.abc import Iterator

from genai_lint.provenance.c2pa import c2pa_hits
from genai_lint.provenance.evidence import Hit, Marker, UnreadableFile, emit, printable
from genai_lint.provenance.registry import reader
from genai_lint.provenance.source import Source, regions
from genai_lint.provenance.xmp import XMP_END, XMP_START, xmp_hits


def _color_table(flags: int) -> int:
    return 3 << ((flags & 7) + 1) if flags & 0x80 else 0


def _sub_blocks(src: Source, pos: int) -> int:
    """Where the data sub-blocks starting at ``pos`` end (after their terminator)."""
    while size := src.read(pos, 1, "GIF data sub-block")[0]:
        src.budget.walk()
        pos += 1 + size
    return pos + 1


def _joined(src: Source, pos: int, end: int) -> bytes:
    """The data of the sub-blocks in ``[pos, end)`` without their length bytes, up to the payload cap."""
    raw, parts, at = src.payload(pos, end - pos, "GIF application extension"), [], 0
    while at < len(raw) and raw[at]:
        parts.append(raw[at + 1 : at + 1 + raw[at]])
        at += 1 + raw[at]
    return b"".join(parts)


def _xmp_packets(raw: bytes) -> list[Hit]:
    """XMP written raw (its bytes double as sub-block lengths, then the 258-byte "magic trailer")."""
    return [hit for _, packet in regions(raw, XMP_START, XMP_END) for hit in xmp_hits(packet)]


@reader("GIF", lambda head, size: head[:6] in (b"GIF87a", b"GIF89a"), extensions=[".gif"])
def read_gif(src: Source) -> Iterator[Marker]:
    pos = 13 + _color_table(src.read(0, 13, "GIF header")[10])
    while True:
        src.budget.walk()
        intro = src.read(pos, 1, "GIF block")[0]
        if intro == 0x3B:
            return
        if intro == 0x2C:
            pos += 10 + _color_table(src.read(pos, 10, "GIF image descriptor")[9]) + 1
            pos = _sub_blocks(src, pos)
        elif intro == 0x21:
            label, size = src.read(pos + 1, 2, "GIF extension")
            if label != 0xFF:
                pos = _sub_blocks(src, pos + 2)
                continue
            ident, data = src.read(pos + 3, size, "GIF application extension"), pos + 3 + size
            end = _sub_blocks(src, data)
            where = f"GIF application extension '{printable(ident[:8])}' at byte {pos}"
            if ident == b"XMP DataXMP":
                yield from emit(where, pos, _xmp_packets, src.payload(data, end - data, "GIF XMP"))
            elif ident[:8] == b"C2PA_GIF":
                yield from emit(where, pos, c2pa_hits, _joined(src, data, end))
            pos = end
        else:
            raise UnreadableFile(f"invalid GIF block 0x{intro:02x} at byte {pos}")
