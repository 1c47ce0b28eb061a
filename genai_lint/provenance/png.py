"""PNG: XMP and generator text in tEXt/zTXt/iTXt chunks, C2PA in caBX, EXIF in eXIf."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator

from genai_lint.provenance.budget import current
from genai_lint.provenance.c2pa import c2pa_hits
from genai_lint.provenance.evidence import Marker, UnreadableFile, emit
from genai_lint.provenance.fingerprints import TEXT_FINGERPRINTS, text_hits
from genai_lint.provenance.registry import reader
from genai_lint.provenance.source import Source
from genai_lint.provenance.tiff import exif_hits
from genai_lint.provenance.xmp import xmp_hits

_XMP_KEYWORD = "XML:com.adobe.xmp"


def _png_chunks(src: Source) -> Iterator[tuple[int, bytes, int]]:
    """``(offset, type, length)`` of each chunk before IEND."""
    pos = 8
    while True:
        length, kind = struct.unpack(">I4s", src.read(pos, 8, "PNG chunk header"))
        if length > 0x7FFFFFFF or not kind.isalpha():
            raise UnreadableFile(f"corrupt PNG chunk at byte {pos}")
        if pos + 12 + length > src.size:
            raise UnreadableFile(f"truncated PNG chunk at byte {pos}")
        if kind == b"IEND":
            return
        src.budget.walk()
        yield pos, kind, length
        pos += 12 + length


def _png_text(kind: bytes, rest: bytes, cap: int, pos: int) -> bytes:
    """The text of a tEXt/zTXt/iTXt chunk after its keyword, inflated when compressed."""
    compressed = kind == b"zTXt"
    if kind == b"iTXt":
        fields = rest[2:].split(b"\0", 2)
        if len(fields) < 3:
            raise UnreadableFile(f"corrupt PNG iTXt chunk at byte {pos}")
        compressed, rest = rest[0] == 1, fields[2]
    if not compressed:
        return rest
    try:
        return current().inflate(rest[1:] if kind == b"zTXt" else rest, cap)
    except zlib.error:
        raise UnreadableFile(f"corrupt compressed text in PNG {kind.decode()} chunk at byte {pos}") from None


def _png_text_markers(src: Source, pos: int, kind: bytes, length: int) -> Iterator[Marker]:
    key = src.read(pos + 8, min(length, 80), "PNG chunk").partition(b"\0")[0].decode("latin-1")
    if key != _XMP_KEYWORD and key not in TEXT_FINGERPRINTS:
        return
    rest = src.payload(pos + 8, length, "PNG chunk")[len(key) + 1 :]
    text = _png_text(kind, rest, src.cap, pos)
    where = f"PNG {kind.decode()} '{key}' chunk at byte {pos}"
    if key == _XMP_KEYWORD:
        yield from emit(where, pos, xmp_hits, text)
    else:
        encoding = "utf-8" if kind == b"iTXt" else "latin-1"
        yield from emit(where, pos, text_hits, key, text.decode(encoding, "replace"), f"PNG {kind.decode()} chunk")


@reader("PNG", b"\x89PNG\r\n\x1a\n", extensions=[".png"])
def read_png(src: Source) -> Iterator[Marker]:
    for pos, kind, length in _png_chunks(src):
        if kind in (b"tEXt", b"zTXt", b"iTXt"):
            yield from _png_text_markers(src, pos, kind, length)
        elif kind in (b"caBX", b"eXIf"):
            analyse = c2pa_hits if kind == b"caBX" else exif_hits
            data = src.payload(pos + 8, length, "PNG chunk")
            yield from emit(f"PNG {kind.decode()} chunk at byte {pos}", pos, analyse, data)
