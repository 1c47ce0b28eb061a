"""Bounded access to the bytes of a file: reads, ISO-BMFF/JUMBF boxes, delimited regions."""

from __future__ import annotations

import io
import re
import struct
from collections.abc import Iterator
from typing import BinaryIO

from genai_lint.provenance.budget import current
from genai_lint.provenance.evidence import UnreadableFile, printable

MAX_DEPTH = 64
BLOCK = 64 * 1024

Box = tuple[bytes, int, int, int]  # type, box start, payload start, box end


class Source:
    """Bounded random access to a file, or to a payload already in memory.

    Small reads are served from one block of :data:`BLOCK` bytes read ahead, so walking many
    small headers costs one system call per block, not one per header; every byte read from the
    file counts against the budget of the scan.
    """

    __slots__ = ("_block", "_f", "_start", "budget", "cap", "size")

    def __init__(self, f: BinaryIO, size: int, cap: int) -> None:
        self._f, self.size, self.cap = f, size, cap
        self._block, self._start = b"", 0
        self.budget = current()

    @classmethod
    def of(cls, data: bytes) -> Source:
        src = cls(io.BytesIO(data), len(data), max(len(data), 1))
        src._block = data
        return src

    def read(self, offset: int, n: int, what: str) -> bytes:
        """Exactly ``n`` bytes at ``offset``, or :class:`UnreadableFile` naming ``what``."""
        if offset < 0 or n < 0 or offset + n > self.size:
            raise UnreadableFile(f"truncated {what} at byte {offset}")
        at = offset - self._start
        if 0 <= at and at + n <= len(self._block):
            return self._block[at : at + n]
        self._f.seek(offset)
        data = self._f.read(max(n, min(BLOCK, self.size - offset)))
        self.budget.examine(len(data))
        if len(data) < n:
            raise UnreadableFile(f"truncated {what} at byte {offset}")
        if n <= BLOCK:
            self._block, self._start = data, offset
        return data[:n]

    def payload(self, offset: int, n: int, what: str) -> bytes:
        """Like :meth:`read`, but at most ``cap`` bytes."""
        return self.read(offset, min(n, self.cap), what)


def synchsafe(raw: bytes) -> int:
    """An ID3v2 "synchsafe" integer: 7 bits per byte, big-endian."""
    return sum((b & 0x7F) << (7 * i) for i, b in enumerate(reversed(raw)))


def id3_end(head: bytes) -> int:
    """Where an ID3v2 tag at the start of ``head`` ends (footer included), or 0 when there is none."""
    if len(head) < 10 or head[:3] != b"ID3" or any(b & 0x80 for b in head[6:10]):
        return 0
    return 10 + synchsafe(head[6:10]) + (10 if head[5] & 0x10 else 0)


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
        src.budget.walk()
        yield kind, pos, body, pos + size
        pos += size


def regions(blob: bytes, start: re.Pattern[bytes], end: re.Pattern[bytes]) -> Iterator[tuple[int, bytes]]:
    """``(offset, bytes)`` of each region from a ``start`` match to the next ``end`` match (one forward pass)."""
    pos = 0
    while begin := start.search(blob, pos):
        current().walk()
        close = end.search(blob, begin.end())
        pos = close.end() if close else len(blob)
        yield begin.start(), blob[begin.start() : pos]
