"""AIFF and AIFF-C: the ``ID3 `` chunk (an ID3v2 tag: XMP in PRIV, C2PA in GEOB frames)."""

from __future__ import annotations

import struct
from collections.abc import Iterator

from genai_lint.provenance.evidence import Marker, UnreadableFile, printable
from genai_lint.provenance.id3 import tag_markers
from genai_lint.provenance.registry import reader
from genai_lint.provenance.source import Source


def _is_aiff(head: bytes, size: int) -> bool:
    return head[:4] == b"FORM" and head[8:12] in (b"AIFF", b"AIFC")


@reader("AIFF", _is_aiff, extensions=[".aif", ".aiff", ".aifc"])
def read_aiff(src: Source) -> Iterator[Marker]:
    end = 8 + int.from_bytes(src.read(4, 4, "AIFF header"), "big")
    if end > src.size:
        raise UnreadableFile(f"truncated AIFF file: {src.size} bytes, header at byte 0 declares {end}")
    pos = 12
    while pos + 8 <= end:
        src.budget.walk()
        chunk_id, size = struct.unpack(">4sI", src.read(pos, 8, "AIFF chunk header"))
        if pos + 8 + size > end:
            raise UnreadableFile(f"truncated AIFF chunk '{printable(chunk_id)}' at byte {pos}")
        if chunk_id in (b"ID3 ", b"id3 "):
            tag = Source.of(src.payload(pos + 8, size, "AIFF ID3 chunk"))
            for marker in tag_markers(tag, 0):
                yield Marker(marker.kind, marker.value, f"AIFF chunk 'ID3 ' at byte {pos}: {marker.where}",
                             pos + 8 + marker.offset, marker.generative, marker.summary)
        pos += 8 + size + (size & 1)
