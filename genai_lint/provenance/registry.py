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
from genai_lint.provenance.source import Source, id3_end

HEAD = 256  # bytes of the file every ``matches`` sees (fewer when the file is shorter)

Read = Callable[[Source], Iterable[Marker]]
Matches = Callable[[bytes, int], bool]


@dataclass(frozen=True, slots=True)
class Format:
    """A file format: its name, how to recognise it, the reader that scans it and its usual extensions."""

    name: str
    reader: str | None
    read: Read | None
    matches: Matches
    extensions: tuple[str, ...]
    fallback: bool
    after_id3: bool


FORMATS: list[Format] = []


def _matcher(magic: bytes | Matches) -> Matches:
    if isinstance(magic, bytes):
        return lambda head, size: head.startswith(magic)
    return magic


def reader(
    name: str,
    magic: bytes | Matches,
    *,
    extensions: Iterable[str] = (),
    fallback: bool = False,
    after_id3: bool = False,
) -> Callable[[Read], Read]:
    """Register the decorated function as the reader of format ``name``, recognised by ``magic``.

    ``magic`` is a byte prefix, or a function of the file's first bytes and its size; with
    ``after_id3`` it is also tried on the bytes that follow a leading ID3v2 tag (FLAC).
    """

    def register(read: Read) -> Read:
        module = read.__module__.rsplit(".", 1)[-1]
        FORMATS.append(Format(name, module, read, _matcher(magic), tuple(extensions), fallback, after_id3))
        return read

    return register


def known(name: str, magic: bytes | Matches, *, extensions: Iterable[str] = ()) -> None:
    """Register a format the scanner recognises but has no reader for: its files are reported as unread."""
    FORMATS.append(Format(name, None, None, _matcher(magic), tuple(extensions), False, False))


def claimed_by(extension: str) -> list[Format]:
    """The formats whose files are usually named with ``extension`` (lower case, with the dot)."""
    return [fmt for fmt in FORMATS if extension in fmt.extensions]


def identify(src: Source) -> Format | None:
    """The format of the file in ``src`` from its first bytes, or ``None`` when none matches."""
    head = src.read(0, min(src.size, HEAD), "file header")
    tag_end = id3_end(head)
    if tag_end and tag_end < src.size:
        after = src.read(tag_end, min(src.size - tag_end, HEAD), "file header")
        for fmt in FORMATS:
            if fmt.after_id3 and fmt.matches(after, src.size):
                return fmt
    return _match(head, src.size)


def _match(head: bytes, size: int) -> Format | None:
    for fallback in (False, True):
        for fmt in FORMATS:
            if fmt.fallback is fallback and fmt.matches(head, size):
                return fmt
    return None
