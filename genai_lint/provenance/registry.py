"""The one registry from content (magic bytes) to reader.

A reader module registers each format it reads with :func:`reader`; the package imports every
module of ``genai_lint.provenance`` so a new format is added in one file. Formats are identified
by content only: the first registered format whose ``matches(head, size)`` accepts the file's
first bytes wins (stacked decorators register bottom-up: put the most specific one last), formats
registered as ``fallback`` (heuristic sniffing) are tried after all others.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from genai_lint.provenance.evidence import Marker
from genai_lint.provenance.source import Source

HEAD = 256  # bytes of the file every ``matches`` sees (fewer when the file is shorter)

Read = Callable[[Source], Iterable[Marker]]
Matches = Callable[[bytes, int], bool]


@dataclass(frozen=True, slots=True)
class Format:
    """A file format: its name, how to recognise it, the reader that scans it and its usual extensions."""

    name: str
    reader: str
    read: Read
    matches: Matches
    extensions: tuple[str, ...]
    fallback: bool


FORMATS: list[Format] = []


def reader(name: str, magic: bytes | Matches, *, extensions: Iterable[str] = (), fallback: bool = False) -> Callable[[Read], Read]:
    """Register the decorated function as the reader of format ``name``, recognised by ``magic``.

    ``magic`` is a byte prefix, or a function of the file's first bytes and its size.
    """

    def matches_prefix(head: bytes, size: int) -> bool:
        return head.startswith(magic)  # type: ignore[arg-type]

    def register(read: Read) -> Read:
        matches = matches_prefix if isinstance(magic, bytes) else magic
        module = read.__module__.rsplit(".", 1)[-1]
        FORMATS.append(Format(name, module, read, matches, tuple(extensions), fallback))
        return read

    return register


def identify(head: bytes, size: int) -> Format | None:
    """The format of a file of ``size`` bytes starting with ``head``, or ``None`` when none matches."""
    for fallback in (False, True):
        for fmt in FORMATS:
            if fmt.fallback is fallback and fmt.matches(head, size):
                return fmt
    return None
