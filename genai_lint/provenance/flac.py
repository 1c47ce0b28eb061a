"""FLAC: Vorbis comments in the metadata blocks, and the ID3v2 tag some writers put in front (C2PA)."""

from __future__ import annotations

import struct
from collections.abc import Iterator

from genai_lint.provenance.budget import current
from genai_lint.provenance.evidence import Hit, Marker, UnreadableFile, emit, noted, printable
from genai_lint.provenance.fingerprints import tag_hits
from genai_lint.provenance.id3 import tag_markers
from genai_lint.provenance.registry import reader
from genai_lint.provenance.source import Source, id3_end

_VORBIS_COMMENT = 4


def comment_hits(data: bytes) -> list[Hit]:
    """Hits in a Vorbis comment structure (vendor string, then ``NAME=value`` comments), as in FLAC and Ogg."""
    if len(data) < 8:
        raise UnreadableFile("truncated Vorbis comment")
    vendor = struct.unpack_from("<I", data)[0]
    pos = 4 + vendor
    if pos + 4 > len(data):
        raise UnreadableFile("truncated Vorbis comment vendor string")
    count, pos = struct.unpack_from("<I", data, pos)[0], pos + 4
    hits: list[Hit] = []
    for _ in range(count):
        current().walk()
        if pos + 4 > len(data):
            raise UnreadableFile(f"truncated Vorbis comment at byte {pos}")
        size = struct.unpack_from("<I", data, pos)[0]
        name, _, value = data[pos + 4 : pos + 4 + size].decode("utf-8", "replace").partition("=")
        hits += [noted(hit, f"comment {printable(name[:64])}") for hit in tag_hits(name, value)]
        pos += 4 + size
    return hits


@reader("FLAC", b"fLaC", extensions=[".flac"], after_id3=True)
def read_flac(src: Source) -> Iterator[Marker]:
    pos = id3_end(src.read(0, min(src.size, 10), "FLAC header"))
    if pos:
        yield from tag_markers(src, 0)
    if src.read(pos, 4, "FLAC signature") != b"fLaC":
        raise UnreadableFile(f"no FLAC signature at byte {pos}")
    pos += 4
    while True:
        src.budget.walk()
        head = src.read(pos, 4, "FLAC metadata block header")
        kind, size = head[0] & 0x7F, int.from_bytes(head[1:], "big")
        if kind == 127:
            raise UnreadableFile(f"invalid FLAC metadata block at byte {pos}")
        if kind == _VORBIS_COMMENT:
            data = src.payload(pos + 4, size, "FLAC metadata block")
            yield from emit(f"FLAC VORBIS_COMMENT block at byte {pos}", pos, comment_hits, data)
        elif pos + 4 + size > src.size:
            raise UnreadableFile(f"truncated FLAC metadata block at byte {pos}")
        pos += 4 + size
        if head[0] & 0x80:
            return
