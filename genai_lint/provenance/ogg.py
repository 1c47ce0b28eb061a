"""Ogg (Vorbis, Opus, FLAC, Theora): the comment header packet of each logical stream."""

from __future__ import annotations

from collections.abc import Iterator

from genai_lint.provenance.evidence import Marker, UnreadableFile, emit
from genai_lint.provenance.flac import comment_hits
from genai_lint.provenance.registry import reader
from genai_lint.provenance.source import Source

_COMMENT_PREFIXES = (b"\x03vorbis", b"OpusTags", b"\x81theora")
_MAX_PAGES = 1000  # the headers of every stream come first; past this the file is not a sane Ogg


def _packets(src: Source) -> Iterator[tuple[int, int, int, bytes]]:
    """``(page offset, stream serial, packet number, packet)`` for the first two packets of each logical stream."""
    pos, partial, done = 0, dict[int, bytes](), dict[int, int]()
    for _ in range(_MAX_PAGES):
        if pos >= src.size:
            return
        src.budget.walk()
        head = src.read(pos, 27, "Ogg page header")
        if head[:4] != b"OggS":
            raise UnreadableFile(f"invalid Ogg page at byte {pos}")
        serial, segments = int.from_bytes(head[14:18], "little"), head[26]
        lacing = src.read(pos + 27, segments, "Ogg segment table")
        body = pos + 27 + segments
        data = src.payload(body, sum(lacing), "Ogg page")
        at = 0
        for size in lacing:
            partial[serial] = partial.get(serial, b"") + data[at : at + size]
            at += size
            if size < 255:
                count = done.get(serial, 0)
                if count < 2:
                    yield pos, serial, count, partial[serial]
                done[serial], partial[serial] = count + 1, b""
        if done and all(n >= 2 for n in done.values()) and not head[5] & 0x02:
            return
        pos = body + sum(lacing)
    raise UnreadableFile(f"no end of the Ogg headers in the first {_MAX_PAGES} pages")


@reader("Ogg", b"OggS", extensions=[".ogg", ".oga", ".ogv", ".opus"])
def read_ogg(src: Source) -> Iterator[Marker]:
    flac: set[int] = set()
    for pos, serial, number, packet in _packets(src):
        if number == 0:
            if packet.startswith(b"\x7fFLAC"):
                flac.add(serial)
            continue
        prefix = next((p for p in _COMMENT_PREFIXES if packet.startswith(p)), None)
        if prefix is not None:
            yield from emit(f"Ogg comment packet at byte {pos}", pos, comment_hits, packet[len(prefix) :])
        elif serial in flac and packet[:1] and packet[0] & 0x7F == 4:  # FLAC in Ogg: a VORBIS_COMMENT block
            yield from emit(f"Ogg FLAC comment packet at byte {pos}", pos, comment_hits, packet[4:])
