"""Photoshop documents (PSD, PSB): XMP and EXIF in the image resources section."""

from __future__ import annotations

import struct
from collections.abc import Iterator

from genai_lint.provenance.evidence import Marker, UnreadableFile, emit
from genai_lint.provenance.registry import reader
from genai_lint.provenance.source import Source
from genai_lint.provenance.tiff import exif_hits
from genai_lint.provenance.xmp import xmp_hits

_SIGNATURES = (b"8BIM", b"MeSa", b"AgHg", b"PHUT", b"DCSR")
_XMP, _EXIF = 1060, (1058, 1059)


@reader("PSD", lambda head, size: head[:4] == b"8BPS" and head[4:6] in (b"\0\1", b"\0\2"), extensions=[".psd", ".psb"])
def read_psd(src: Source) -> Iterator[Marker]:
    color_data = int.from_bytes(src.read(26, 4, "PSD color mode data length"), "big")
    section = 30 + color_data
    pos, end = section + 4, section + 4 + int.from_bytes(src.read(section, 4, "PSD image resources length"), "big")
    if end > src.size:
        raise UnreadableFile(f"truncated PSD image resources at byte {section}")
    while pos + 12 <= end:
        src.budget.walk()
        signature, resource, name_length = struct.unpack(">4sHB", src.read(pos, 7, "PSD image resource"))
        if signature not in _SIGNATURES:
            raise UnreadableFile(f"corrupt PSD image resource at byte {pos}")
        size_at = pos + 6 + ((name_length + 2) & ~1)  # Pascal name padded to an even length
        size = int.from_bytes(src.read(size_at, 4, "PSD image resource size"), "big")
        if size_at + 4 + size > end:
            raise UnreadableFile(f"truncated PSD image resource {resource} at byte {pos}")
        if resource == _XMP or resource in _EXIF:
            data = src.payload(size_at + 4, size, "PSD image resource")
            where = f"PSD image resource {resource} ({'XMP' if resource == _XMP else 'EXIF'}) at byte {pos}"
            yield from emit(where, pos, xmp_hits if resource == _XMP else exif_hits, data)
        pos = size_at + 4 + size + (size & 1)
