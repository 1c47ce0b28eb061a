"""BMP: the format has no metadata block, so a well-formed BMP carries no provenance and passes as read."""

from __future__ import annotations

from collections.abc import Iterator

from genai_lint.provenance.evidence import Marker, UnreadableFile
from genai_lint.provenance.registry import reader
from genai_lint.provenance.source import Source

_DIB_HEADER_SIZES = {12, 16, 40, 52, 56, 64, 108, 124}


def _is_bmp(head: bytes, size: int) -> bool:
    return head[:2] == b"BM" and len(head) >= 18 and int.from_bytes(head[14:18], "little") in _DIB_HEADER_SIZES


@reader("BMP", _is_bmp, extensions=[".bmp", ".dib"])
def read_bmp(src: Source) -> Iterator[Marker]:
    pixels = int.from_bytes(src.read(10, 4, "BMP header"), "little")
    if pixels > src.size:
        raise UnreadableFile(f"truncated BMP: pixel data declared at byte {pixels}")
    return iter(())
