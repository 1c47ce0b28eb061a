"""Bounded access to the bytes of a file: reads, ISO-BMFF/JUMBF boxes, delimited regions."""

from __future__ import annotations

import io
import re
import struct
from collections.abc import Iterator
from typing import BinaryIO

from genai_lint.provenance.evidence import UnreadableFile, printable

MiB = 1024 * 1024
MAX_DEPTH = 64

Box = tuple[bytes, int, int, int]  # type, box start, payload start, box end


class Source:
    """Bounded random access to a file, or to a payload already in memory."""

    __slots__ = ("_f", "cap", "size")

    def __init__(self, f: BinaryIO, size: int, cap: int) -> None:
        self._f, self.size, self.cap = f, size, cap

    @classmethod
    def of(cls, data: bytes) -> Source:
        return cls(io.BytesIO(data), len(data), max(len(data), 1))

    def read(self, offset: int, n: int, what: str) -> bytes:
        """Exactly ``n`` bytes at ``offset``, or :class:`UnreadableFile` naming ``what``."""
        if offset < 0 or n < 0 or offset + n > self.size:
            raise UnreadableFile(f"truncated {what} at byte {offset}")
        self._f.seek(offset)
        data = self._f.read(n)
        if len(data) != n:
            raise UnreadableFile(f"truncated {what} at byte {offset}")
        return data

    def payload(self, offset: int, n: int, what: str) -> bytes:
        """Like :meth:`read`, but at most ``cap`` bytes."""
        return self.read(offset, min(n, self.cap), what)


def boxes(src: Source, start: int, end: int, what: str) -> Iterator[Box]:
    """ISO-BMFF or JUMBF boxes in ``[start, end)``: ``(type, box start, payload start, box end)``."""
    pos = start
    while pos < end:
        size, kind = struct.unpack(">I4s", src.read(pos, 8, f"{what} header"))
        body = pos + 8
        if size == 1:
            size = int.from_bytes(src.read(body, 8, f"{what} 64-bit size"), "big")
            body += 8
        elif size == 0:
            size = end - pos
        if size < body - pos or pos + size > end:
            raise UnreadableFile(f"truncated {what} '{printable(kind)}' at byte {pos}")
        yield kind, pos, body, pos + size
        pos += size


def regions(blob: bytes, start: re.Pattern[bytes], end: re.Pattern[bytes]) -> Iterator[tuple[int, bytes]]:
    """``(offset, bytes)`` of each region from a ``start`` match to the next ``end`` match."""
    pos = 0
    while begin := start.search(blob, pos):
        close = end.search(blob, begin.end())
        pos = close.end() if close else len(blob)
        yield begin.start(), blob[begin.start() : pos]
