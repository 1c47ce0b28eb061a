"""PDF: XMP packets and embedded C2PA stores in the head and tail of the file, in plain or Flate streams."""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable, Iterator

from genai_lint.provenance.budget import MiB
from genai_lint.provenance.c2pa import c2pa_hits, store_spans
from genai_lint.provenance.evidence import Marker, UnreadableFile, emit
from genai_lint.provenance.registry import reader
from genai_lint.provenance.source import Source, regions
from genai_lint.provenance.xmp import XMP_END, XMP_START, xmp_hits

WINDOW = 4 * MiB

_PDF_STREAM = re.compile(rb"(?<!end)stream\r?\n")
_PDF_C2PA_REFERENCE = re.compile(rb"/AFRelationship\s*/C2PA_Manifest|/application#2Fc2pa")


def _pdf_windows(src: Source) -> list[tuple[int, bytes]]:
    """The head and the tail of the file, where PDF writers put metadata and updates."""
    width = min(WINDOW, src.cap)
    starts = [0] if src.size <= width else [0, src.size - width]
    return [(start, src.read(start, min(width, src.size), "PDF")) for start in starts]


def _pdf_flate_streams(
    src: Source, windows: list[tuple[int, bytes]], wanted: Callable[[bytes], bool]
) -> Iterator[tuple[int, bytes]]:
    """``(offset, inflated data)`` of the Flate streams whose dictionary ``wanted`` accepts.

    Linear in each window: the ``endstream`` found for one stream serves the streams before it,
    and once there is none, none is searched for again.
    """
    for base, blob in windows:
        end = 0
        for m in _PDF_STREAM.finditer(blob):
            src.budget.walk()
            dictionary = blob[max(0, blob.rfind(b"obj", max(0, m.start() - 4096), m.start())) : m.start()]
            if b"/FlateDecode" not in dictionary or not wanted(dictionary):
                continue
            if 0 <= end < m.end():
                end = blob.find(b"endstream", m.end())
            data = memoryview(blob)[m.end() : end if end >= 0 else len(blob)]  # no copy per candidate
            src.budget.examine(len(data))
            try:
                yield base + m.start(), src.budget.inflate(data, src.cap)
            except zlib.error:
                continue


@reader("PDF", b"%PDF-", extensions=[".pdf", ".ai"])
def read_pdf(src: Source) -> Iterator[Marker]:
    if b"%%EOF" not in src.read(max(0, src.size - 1024), min(src.size, 1024), "PDF trailer"):
        raise UnreadableFile(f"PDF without %%EOF in its last 1024 bytes (truncated at byte {src.size}?)")
    windows = _pdf_windows(src)
    stores = 0
    for base, blob in windows:
        for pos, packet in regions(blob, XMP_START, XMP_END):
            yield from emit(f"PDF XMP packet at byte {base + pos}", base + pos, xmp_hits, packet)
        for pos, length in store_spans(blob):
            stores += 1
            at = base + pos
            store = src.payload(at, min(length, src.size - at), "PDF C2PA manifest store")
            src.budget.examine(len(store))
            yield from emit(f"PDF embedded C2PA manifest store at byte {at}", at, c2pa_hits, store)
    references = [base + m.start() for base, blob in windows for m in _PDF_C2PA_REFERENCE.finditer(blob)]
    need_all = bool(references) and not stores

    def wanted(dictionary: bytes) -> bool:
        if b"/Metadata" in dictionary or b"/EmbeddedFile" in dictionary or b"c2pa" in dictionary.lower():
            return True
        return need_all and b"/Image" not in dictionary

    for pos, data in _pdf_flate_streams(src, windows, wanted):
        where = f"PDF Flate stream at byte {pos}"
        for _, packet in regions(data, XMP_START, XMP_END):
            yield from emit(where, pos, xmp_hits, packet)
        for start, length in store_spans(data):
            stores += 1
            src.budget.examine(min(length, len(data) - start))
            yield from emit(where, pos, c2pa_hits, data[start : start + length])
    if references and not stores:
        where = f"PDF C2PA_Manifest attachment reference at byte {references[0]}"
        yield Marker("c2pa-undecoded", "C2PA manifest attachment not decodable", where, references[0], False)
