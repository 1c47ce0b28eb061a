"""Work budgets: every file gets a bounded amount of decompression, container walking and searching.

A hostile file can be small and still ask for a lot of work (a stream that inflates 1000-fold,
millions of empty boxes, a signature repeated on every line). The scanner counts the work it
does on the file in progress and stops with :class:`TooComplex` ("too complex to verify") when
a budget runs out, so the cost of a scan is bounded whatever the file holds.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from genai_lint.provenance.evidence import UnreadableFile

MiB = 1024 * 1024


class Unjudged(UnreadableFile):
    """The file was read but cannot be judged on its own; ``str(exc)`` says why."""


class TooComplex(Unjudged):
    """The file asks for more work than the budget allows; ``str(exc)`` says which budget."""


@dataclass(slots=True)
class Work:
    """Work done on one file: bytes produced by decompression, container items walked, bytes searched,
    C2PA manifest stores decoded."""

    inflated: int = 0
    items: int = 0
    examined: int = 0
    stores: int = 0


@dataclass(frozen=True, slots=True)
class Limits:
    """The budgets of one file."""

    inflated: int = 64 * MiB  # decompressed bytes, all streams of the file together
    ratio: int = 1000  # output / input of one stream, once past ``floor`` bytes
    floor: int = 1 * MiB
    items: int = 200_000  # boxes, chunks, segments, frames, elements, entries, CBOR items
    examined: int = 256 * MiB  # bytes read or searched


class Budget:
    """The budget of the file being scanned, and the work counted against it."""

    __slots__ = ("limits", "work")

    def __init__(self, limits: Limits) -> None:
        self.limits, self.work = limits, Work()

    def walk(self, n: int = 1) -> None:
        """Count ``n`` container items walked."""
        self.work.items += n
        if self.work.items > self.limits.items:
            raise TooComplex(f"too complex to verify: more than {self.limits.items:,} container items")

    def examine(self, n: int) -> None:
        """Count ``n`` bytes read or searched."""
        self.work.examined += n
        if self.work.examined > self.limits.examined:
            raise TooComplex(f"too complex to verify: more than {self.limits.examined // MiB} MiB to examine")

    def _room(self, data: bytes | memoryview, limit: int) -> tuple[int, int, int]:
        remaining = self.limits.inflated - self.work.inflated
        by_ratio = max(self.limits.floor, self.limits.ratio * len(data))
        return min(limit, remaining, by_ratio), remaining, by_ratio

    def _check(self, out: bytes, limit: int, room: int, remaining: int, by_ratio: int) -> bytes:
        self.work.inflated += len(out)
        if len(out) <= room:
            return out
        if room == by_ratio:
            raise TooComplex(f"too complex to verify: compressed data inflates more than {self.limits.ratio}-fold")
        if room == remaining:
            raise TooComplex(f"too complex to verify: more than {self.limits.inflated // MiB} MiB to decompress")
        raise TooComplex(f"too complex to verify: compressed data inflates past {limit:,} bytes")

    def unbrotli(self, data: bytes, limit: int) -> bytes:
        """``data`` decompressed with Brotli (the optional ``brotli`` package), within every budget.

        Raises :class:`ImportError` when the package is not installed, :class:`UnreadableFile`
        for corrupt data and :class:`TooComplex` past a budget, like :meth:`inflate`.
        """
        import brotli

        room, remaining, by_ratio = self._room(data, limit)
        try:
            out = brotli.Decompressor().process(data, output_buffer_limit=room + 1)
        except brotli.error:
            raise UnreadableFile("corrupt Brotli data") from None
        return self._check(out, limit, room, remaining, by_ratio)

    def inflate(self, data: bytes | memoryview, limit: int, wbits: int = zlib.MAX_WBITS) -> bytes:
        """``data`` decompressed (zlib, or raw deflate with negative ``wbits``), within every budget.

        Raises :class:`zlib.error` for corrupt data and :class:`TooComplex` when the output would
        pass ``limit``, the file's decompression budget or the ratio budget.
        """
        room, remaining, by_ratio = self._room(data, limit)
        return self._check(zlib.decompressobj(wbits).decompress(data, room + 1), limit, room, remaining, by_ratio)


_CURRENT: ContextVar[Budget] = ContextVar("budget")


def current() -> Budget:
    """The budget of the file being scanned (a default one outside :func:`scan`)."""
    try:
        return _CURRENT.get()
    except LookupError:
        return Budget(Limits())


@contextmanager
def budgeted(limits: Limits) -> Iterator[Budget]:
    """Count the work done inside the ``with`` block against a fresh budget."""
    budget = Budget(limits)
    token = _CURRENT.set(budget)
    try:
        yield budget
    finally:
        _CURRENT.reset(token)
