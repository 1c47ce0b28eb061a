"""MXF: the header metadata of the header and footer partitions (descriptive metadata, XMP, C2PA).

Only the metadata sets are read, never the essence: the partition pack says how many bytes of
header metadata follow it, and the footer partition (which often repeats them, completed) is found
from the header partition pack.
"""

from __future__ import annotations

from collections.abc import Iterator

from genai_lint.provenance.c2pa import c2pa_hits, store_spans
from genai_lint.provenance.evidence import Hit, Marker, UnreadableFile, emit
from genai_lint.provenance.registry import reader
from genai_lint.provenance.source import Source, regions
from genai_lint.provenance.xmp import XMP_END, XMP_START, xmp_hits

_KEY_PREFIX = b"\x06\x0e\x2b\x34"
_PARTITION = bytes.fromhex("060e2b34020501010d010201")
_RUN_IN = 65536  # an MXF file may start with up to 64 KiB of run-in before the header partition


def _klv(src: Source, pos: int) -> tuple[bytes, int, int]:
    """``(key, value start, value end)`` of the KLV packet at ``pos``."""
    key = src.read(pos, 17, "MXF KLV key")
    if not key.startswith(_KEY_PREFIX):
        raise UnreadableFile(f"invalid MXF KLV key at byte {pos}")
    first = key[16]
    if first < 0x80:
        length, value = first, pos + 17
    else:
        size = first & 0x7F
        if not 1 <= size <= 8:
            raise UnreadableFile(f"invalid MXF BER length at byte {pos + 16}")
        length, value = int.from_bytes(src.read(pos + 17, size, "MXF BER length"), "big"), pos + 17 + size
    if value + length > src.size:
        raise UnreadableFile(f"truncated MXF KLV packet at byte {pos}")
    return key[:16], value, value + length


def _metadata_hits(value: bytes) -> list[Hit]:
    hits = [hit for _, packet in regions(value, XMP_START, XMP_END) for hit in xmp_hits(packet)]
    return hits + [hit for at, length in store_spans(value) for hit in c2pa_hits(value[at : at + length])]


def _partition(src: Source, pos: int) -> Iterator[Marker]:
    """Markers in the header metadata that follows the partition pack at ``pos``."""
    key, value, end = _klv(src, pos)
    if not key.startswith(_PARTITION):
        raise UnreadableFile(f"no MXF partition pack at byte {pos}")
    pack = src.read(value, 64, "MXF partition pack")
    metadata_end = end + int.from_bytes(pack[32:40], "big")
    if metadata_end > src.size:
        raise UnreadableFile(f"truncated MXF header metadata of the partition at byte {pos}")
    at = end
    while at < metadata_end:
        src.budget.walk()
        _, data, data_end = _klv(src, at)
        if data_end - data >= 16:
            where = f"MXF metadata set at byte {at}"
            yield from emit(where, at, _metadata_hits, src.payload(data, data_end - data, "MXF metadata set"))
        at = data_end


@reader("MXF", lambda head, size: _PARTITION in head[:_RUN_IN], extensions=[".mxf"])
def read_mxf(src: Source) -> Iterator[Marker]:
    head = src.read(0, min(src.size, _RUN_IN + 16), "MXF header")
    start = head.find(_PARTITION)
    if start < 0:
        raise UnreadableFile("no MXF header partition in the first 64 KiB")
    yield from _partition(src, start)
    _, value, _ = _klv(src, start)
    footer = start + int.from_bytes(src.read(value + 24, 8, "MXF partition pack"), "big")
    if footer > start:
        yield from _partition(src, footer)
