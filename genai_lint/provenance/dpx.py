"""DPX: the user-defined data area after the file and industry headers (XMP or tool text written there)."""

from __future__ import annotations

from collections.abc import Iterator

from genai_lint.provenance.evidence import Marker, UnreadableFile, emit
from genai_lint.provenance.registry import reader
from genai_lint.provenance.source import Source
from genai_lint.provenance.xmp import xmp_hits

_USER_ID = 32  # the user data starts with a 32-byte identification string


@reader("DPX", lambda head, size: head[:4] in (b"SDPX", b"XPDS"), extensions=[".dpx"])
def read_dpx(src: Source) -> Iterator[Marker]:
    head = src.read(0, 36, "DPX file header")
    order = "big" if head[:4] == b"SDPX" else "little"
    generic, industry, user = (int.from_bytes(head[at : at + 4], order) for at in (24, 28, 32))
    if not user or user == 0xFFFFFFFF:
        return
    start = generic + industry
    if user < _USER_ID or start + user > src.size:
        raise UnreadableFile(f"DPX user data of {user} bytes at byte {start} does not fit the file")
    data = src.payload(start + _USER_ID, user - _USER_ID, "DPX user data")
    yield from emit(f"DPX user data at byte {start}", start, xmp_hits, data)
