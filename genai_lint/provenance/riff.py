"""RIFF (WebP, WAV and RF64/BW64, AVI): XMP, C2PA and EXIF chunks."""

from __future__ import annotations

import struct
from collections.abc import Iterator

from genai_lint.provenance.c2pa import c2pa_hits
from genai_lint.provenance.evidence import Marker, UnreadableFile, emit, printable
from genai_lint.provenance.registry import Matches, reader
from genai_lint.provenance.source import Source
from genai_lint.provenance.tiff import exif_hits
from genai_lint.provenance.xmp import xmp_hits

_RIFF_FORMS = {b"WEBP": "WebP", b"WAVE": "WAV", b"AVI ": "AVI"}
_RIFF_PAYLOADS = {b"XMP ": xmp_hits, b"_PMX": xmp_hits, b"C2PA": c2pa_hits, b"EXIF": exif_hits}


def _riff_extent(src: Source, head: bytes) -> tuple[int, int | None]:
    """End of the RIFF data and, for RF64/BW64, the 64-bit size of the ``data`` chunk."""
    if head[:4] == b"RIFF":
        end, data_size = 8 + int.from_bytes(head[4:8], "little"), None
    else:
        ds64 = src.read(12, 24, "RF64 ds64 chunk")
        if ds64[:4] != b"ds64":
            raise UnreadableFile("RF64 file without ds64 chunk at byte 12")
        riff_size, data_size = struct.unpack_from("<QQ", ds64, 8)
        end = 8 + riff_size
    if end > src.size:
        raise UnreadableFile(f"truncated RIFF file: {src.size} bytes, header at byte 0 declares {end}")
    return end, data_size


def _riff(form: bytes) -> Matches:
    return lambda head, size: head[:4] in (b"RIFF", b"RF64", b"BW64") and head[8:12] == form


@reader("RIFF", lambda head, size: head[:4] in (b"RIFF", b"RF64", b"BW64"))
@reader("AVI", _riff(b"AVI "), extensions=[".avi"])
@reader("WAV", _riff(b"WAVE"), extensions=[".wav", ".bwf"])
@reader("WebP", _riff(b"WEBP"), extensions=[".webp"])  # registered first: tried first
def read_riff(src: Source) -> Iterator[Marker]:
    head = src.read(0, 12, "RIFF header")
    label = _RIFF_FORMS.get(head[8:12], "RIFF")
    end, data_size = _riff_extent(src, head)
    pos = 12
    while pos + 8 <= end:
        src.budget.walk()
        chunk_id, size = struct.unpack("<4sI", src.read(pos, 8, "RIFF chunk header"))
        if chunk_id == b"data" and size == 0xFFFFFFFF and data_size is not None:
            size = data_size
        if pos + 8 + size > end:
            raise UnreadableFile(f"truncated RIFF chunk '{printable(chunk_id)}' at byte {pos}")
        if analyse := _RIFF_PAYLOADS.get(chunk_id):
            where = f"{label} RIFF chunk '{printable(chunk_id)}' at byte {pos}"
            yield from emit(where, pos, analyse, src.payload(pos + 8, size, "RIFF chunk"))
        pos += 8 + size + (size & 1)
