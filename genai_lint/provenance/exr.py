"""OpenEXR: the string attributes of each part's header (generative tools write their settings there)."""

from __future__ import annotations

import struct
from collections.abc import Iterator

from genai_lint.provenance.evidence import Marker, UnreadableFile, emit, printable
from genai_lint.provenance.fingerprints import tag_hits
from genai_lint.provenance.registry import reader
from genai_lint.provenance.source import Source

_MULTIPART = 0x1000
_NAME_MAX = 256


def _cstring(src: Source, pos: int, what: str) -> tuple[str, int]:
    """The NUL-terminated string at ``pos`` (at most 255 bytes) and where it ends."""
    raw = src.read(pos, min(_NAME_MAX, src.size - pos), what)
    text, nul, _ = raw.partition(b"\0")
    if not nul:
        raise UnreadableFile(f"unterminated OpenEXR {what} at byte {pos}")
    return text.decode("latin-1"), pos + len(text) + 1


@reader("OpenEXR", b"\x76\x2f\x31\x01", extensions=[".exr"])
def read_exr(src: Source) -> Iterator[Marker]:
    multipart = int.from_bytes(src.read(4, 4, "OpenEXR version"), "little") & _MULTIPART
    pos = 8
    while True:  # one header per part; an empty header ends a multi-part file's list
        name, pos = _cstring(src, pos, "attribute name")
        if not name:
            return
        while name:
            src.budget.walk()
            kind, pos = _cstring(src, pos, "attribute type")
            size = struct.unpack("<i", src.read(pos, 4, "attribute size"))[0]
            if size < 0 or pos + 4 + size > src.size:
                raise UnreadableFile(f"truncated OpenEXR attribute '{printable(name)}' at byte {pos}")
            if kind == "string":
                value = src.payload(pos + 4, size, "attribute value").decode("utf-8", "replace")
                where = f"OpenEXR attribute '{printable(name)}' at byte {pos + 4}"
                yield from emit(where, pos + 4, tag_hits, name, value)
            pos += 4 + size
            name, pos = _cstring(src, pos, "attribute name")
        if not multipart:
            return
