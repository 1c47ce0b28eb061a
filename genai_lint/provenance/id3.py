"""ID3v2 tags (MP3): XMP in PRIV frames, C2PA in GEOB frames; tags at the front or appended with a footer."""

from __future__ import annotations

import re
import struct
from collections.abc import Iterator

from genai_lint.provenance.c2pa import c2pa_hits
from genai_lint.provenance.evidence import Marker, UnreadableFile, emit, printable
from genai_lint.provenance.registry import reader
from genai_lint.provenance.source import Source, synchsafe
from genai_lint.provenance.xmp import xmp_hits

_ID3_STRING = {False: re.compile(rb"[^\0]*\0"), True: re.compile(rb"(?:..)*?\0\0", re.S)}  # by "is UTF-16"


def _resync(data: bytes) -> bytes:
    return data.replace(b"\xff\x00", b"\xff")


def _is_mpeg_audio(head: bytes, size: int) -> bool:
    return len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0 and head[1] & 0x06 != 0


@reader("MP3", b"ID3", extensions=[".mp3"])
@reader("MP3", _is_mpeg_audio, extensions=[".mp3"], fallback=True)
def read_id3(src: Source) -> Iterator[Marker]:
    if src.read(0, min(src.size, 3), "ID3v2 header") == b"ID3":
        yield from tag_markers(src, 0)
    end = src.size
    if end >= 128 and src.read(end - 128, 3, "ID3v1 tag") == b"TAG":
        end -= 128
    if end >= 20 and (footer := src.read(end - 10, 10, "ID3v2 footer"))[:3] == b"3DI":
        start = end - 20 - synchsafe(footer[6:10])
        if start < 0:
            raise UnreadableFile(f"corrupt ID3v2 footer at byte {end - 10}")
        yield from tag_markers(src, start)


def tag_markers(src: Source, start: int) -> Iterator[Marker]:
    """Markers in the PRIV (XMP) and GEOB (C2PA) frames of the ID3v2 tag at ``start``."""
    head = src.read(start, 10, "ID3v2 header")
    if head[:3] != b"ID3" or head[3] not in (2, 3, 4) or any(b & 0x80 for b in head[6:10]):
        raise UnreadableFile(f"corrupt ID3v2 header at byte {start}")
    version, flags, end = head[3], head[5], start + 10 + synchsafe(head[6:10])
    if end > src.size:
        raise UnreadableFile(f"truncated ID3v2 tag at byte {start}")
    if version == 2:  # ID3v2.2 has neither PRIV nor the frame layout below
        return
    tag, shift, pos = src, 0, start + 10
    if flags & 0x80 and version == 3:  # whole-tag unsynchronisation; offsets become approximate
        tag = Source.of(_resync(src.payload(pos, end - pos, "ID3v2 tag")))
        shift, pos, end = pos, 0, tag.size
    if flags & 0x40:
        size = tag.read(pos, 4, "ID3v2 extended header")
        pos += synchsafe(size) if version == 4 else 4 + int.from_bytes(size, "big")
    for frame_pos, frame_id, data in _id3_frames(tag, pos, end, version):
        yield from _id3_frame_markers(frame_pos + shift, frame_id, data)


def _id3_frames(src: Source, pos: int, end: int, version: int) -> Iterator[tuple[int, bytes, bytes]]:
    """``(offset, id, data)`` of the PRIV and GEOB frames in ``[pos, end)``."""
    while pos + 10 <= end:
        src.budget.walk()
        frame_id, raw_size, flags = struct.unpack(">4s4sH", src.read(pos, 10, "ID3v2 frame header"))
        if frame_id[0] == 0:
            return
        size = synchsafe(raw_size) if version == 4 else int.from_bytes(raw_size, "big")
        if pos + 10 + size > end:
            raise UnreadableFile(f"truncated ID3v2 frame at byte {pos}")
        hidden = flags & (0x000C if version == 4 else 0x00C0)  # compressed or encrypted
        if frame_id in (b"PRIV", b"GEOB") and not hidden:
            data = src.payload(pos + 10, size, "ID3v2 frame")
            if version == 4 and flags & 0x0001:
                data = data[4:]
            yield pos, frame_id, _resync(data) if version == 4 and flags & 0x0002 else data
        pos += 10 + size


def _id3_frame_markers(pos: int, frame_id: bytes, data: bytes) -> Iterator[Marker]:
    if frame_id == b"PRIV":
        owner, _, value = data.partition(b"\0")
        if owner == b"XMP":
            yield from emit(f"ID3v2 PRIV 'XMP' frame at byte {pos}", pos, xmp_hits, value)
        return
    mime, _, rest = data[1:].partition(b"\0")
    if b"c2pa" in mime.lower():
        string = _ID3_STRING[data[0] in (1, 2)]
        for _ in range(2):  # file name, then description
            if terminated := string.match(rest):
                rest = rest[terminated.end() :]
        where = f"ID3v2 GEOB '{printable(mime)}' frame at byte {pos}"
        yield from emit(where, pos, c2pa_hits, rest)
