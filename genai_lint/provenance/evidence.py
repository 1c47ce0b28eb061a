"""What the scanner reports: markers, the hits found inside one payload, and unreadable files."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

from genai_lint import safe_text


@dataclass(frozen=True, slots=True)
class Marker:
    """One provenance marker and the container element that holds it.

    ``kind`` is "iptc-digital-source-type", "c2pa-generative-action", "c2pa-undecoded",
    "generator-fingerprint" or "external-manifest"; ``value`` the term, tool or URL found;
    ``where`` a human description of the container element, whose byte offset is ``offset``.
    ``generative`` is true for declared generative AI and false for weaker evidence that a
    human should review (``compositeSynthetic``, an undecodable C2PA store, a remote manifest).
    ``summary`` says it in words ("C2PA claim by Sora (signed by OpenAI), action c2pa.created,
    digitalSourceType trainedAlgorithmicMedia", "ComfyUI workflow in EXIF Model").
    """

    kind: str
    value: str
    where: str
    offset: int
    generative: bool
    summary: str = ""

    def describe(self) -> str:
        """The evidence in words, naming the generator when the file does."""
        if self.summary:
            return self.summary
        return f"a reference to a remote manifest, {self.value}" if self.kind == "external-manifest" else self.value


class UnreadableFile(Exception):
    """The file cannot be read or its structure is corrupt; ``str(exc)`` is a one-line reason."""


@dataclass(frozen=True, slots=True)
class Hit:
    """A marker found inside one payload, before its container location is known."""

    kind: str
    value: str
    generative: bool
    note: str = ""
    summary: str = ""


def printable(text: str | bytes) -> str:
    """``text`` (bytes read as Latin-1) fit for a one-line message: :func:`genai_lint.safe_text.printable`."""
    return safe_text.printable(text.decode("latin-1") if isinstance(text, bytes) else text)


def emit(where: str, offset: int, analyse: Callable[..., list[Hit]], *args: object) -> Iterator[Marker]:
    """Markers for the hits ``analyse(*args)`` finds in the payload at ``where``."""
    try:
        hits = analyse(*args)
    except UnreadableFile as exc:
        raise type(exc)(f"{exc} in {where}") from None  # keeps "too complex" apart from "unreadable"
    for hit in hits:
        located = f"{where}: {hit.note}" if hit.note else where
        yield Marker(hit.kind, hit.value, located, offset, hit.generative, hit.summary)


def noted(hit: Hit, note: str) -> Hit:
    """``hit`` with ``note`` (where inside the payload it was found) put in front of its own note."""
    return replace(hit, note=f"{note}, {hit.note}" if hit.note else note)
