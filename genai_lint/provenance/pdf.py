"""PDF: XMP packets and embedded C2PA stores in the head and tail of the file, in plain or Flate streams.

In a PDF larger than the two windows, the ``/Metadata`` streams the windows refer to are also
read where the cross-reference table or stream says they are (following ``/Prev``).
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable, Iterator

from genai_lint.provenance.budget import MiB, current
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


_METADATA_REFERENCE = re.compile(rb"/Metadata\s+(\d{1,10})\s+\d{1,5}\s+R")
_STARTXREF = re.compile(rb"startxref\s+(\d{1,20})\s+%%EOF")
_LENGTH = re.compile(rb"/Length\s+(\d{1,10})(?!\d)(?!\s+\d+\s+R)")
_XREF_ENTRY = re.compile(rb"(\d{10}) \d{5} n")
_PREV = re.compile(rb"/Prev\s+(\d{1,20})")
_XREF_SECTION = re.compile(rb"\s*(\d{1,10})\s+(\d{1,10})\s*[\r\n]+")
_MAX_XREF_SECTIONS = 64


def _metadata_elsewhere(src: Source, windows: list[tuple[int, bytes]]) -> Iterator[tuple[int, bytes]]:
    """``(offset, bytes)`` of the ``/Metadata`` streams of a large PDF that lie outside its windows.

    The objects are located through the cross-reference table (or stream) named by ``startxref``,
    following ``/Prev`` to older sections; each object is read from its offset.
    """
    covered = [(base, base + len(blob)) for base, blob in windows]
    if covered[-1][1] >= src.size and covered[0][1] >= covered[-1][0]:
        return  # the windows cover the whole file
    wanted = {int(m[1]) for _, blob in windows for m in _METADATA_REFERENCE.finditer(blob)}
    tail = windows[-1][1][-1024:]
    start = _STARTXREF.findall(tail)
    offsets = _xref_offsets(src, int(start[-1]), wanted) if wanted and start else {}
    for offset in sorted(offsets.values()):
        if not any(low <= offset < high for low, high in covered):
            src.budget.walk()
            yield offset, _object(src, offset)


def _object(src: Source, offset: int) -> bytes:
    """The object at ``offset``: up to its stream's direct ``/Length`` when it has one, else up to ``endobj``."""
    head = src.read(offset, min(src.size - offset, 4096), "PDF object")
    opening, length = _PDF_STREAM.search(head), _LENGTH.search(head)
    if opening and length and length.end() <= opening.start():
        size = opening.end() + int(length[1]) + len(b"\nendstream")
        return src.payload(offset, min(size, src.size - offset), "PDF object")
    data = src.payload(offset, src.size - offset, "PDF object")
    end = data.find(b"endobj")
    return data[: end if end >= 0 else len(data)]


def _xref_offsets(src: Source, at: int, wanted: set[int]) -> dict[int, int]:
    """Object number -> file offset for the ``wanted`` objects, newest cross-reference section first."""
    found: dict[int, int] = {}
    for _ in range(_MAX_XREF_SECTIONS):
        src.budget.walk()
        if at >= src.size or not wanted - found.keys():
            break
        head = src.read(at, min(src.size - at, 64 * 1024), "PDF cross-reference")
        if head.startswith(b"xref"):
            prev = _xref_table(src, at + 4, wanted - found.keys(), found)
        else:
            prev = _xref_stream(src, head, wanted - found.keys(), found)
        if prev is None:
            break
        at = prev
    return found


def _xref_table(src: Source, pos: int, wanted: set[int], found: dict[int, int]) -> int | None:
    """Read a classic table's subsections from ``pos``; the ``/Prev`` offset of its trailer, if any."""
    while True:
        src.budget.walk()
        line = src.read(pos, min(src.size - pos, 64), "PDF cross-reference subsection")
        section = _XREF_SECTION.match(line)
        if not section:
            trailer = src.read(pos, min(src.size - pos, 4096), "PDF trailer")
            prev = _PREV.search(trailer[: trailer.find(b">>") + 2 if b">>" in trailer else len(trailer)])
            return int(prev[1]) if prev else None
        first, count = int(section[1]), int(section[2])
        pos += section.end()
        for number in wanted:
            if first <= number < first + count and number not in found:
                entry = _XREF_ENTRY.match(src.read(pos + 20 * (number - first), 20, "PDF cross-reference entry"))
                if entry:
                    found[number] = int(entry[1])
        pos += 20 * count


def _xref_stream(src: Source, head: bytes, wanted: set[int], found: dict[int, int]) -> int | None:
    """Read a cross-reference stream (``/Type/XRef``) at the start of ``head``; its ``/Prev``, if any."""
    opening = _PDF_STREAM.search(head)
    dictionary = head[: opening.start()] if opening else b""
    widths = re.search(rb"/W\s*\[\s*(\d)\s+(\d)\s+(\d)\s*\]", dictionary)
    if not (opening and b"/XRef" in dictionary and widths and b"/FlateDecode" in dictionary):
        return None
    columns = re.search(rb"/Columns\s+(\d{1,3})", dictionary)
    predictor = re.search(rb"/Predictor\s+(\d{1,2})", dictionary)
    index = re.search(rb"/Index\s*\[([\d\s]{1,4096})\]", dictionary)
    size = re.search(rb"/Size\s+(\d{1,10})", dictionary)
    end = head.find(b"endstream", opening.end())
    try:
        rows = src.budget.inflate(head[opening.end() : end if end >= 0 else len(head)], src.cap)
    except zlib.error:
        raise UnreadableFile("corrupt PDF cross-reference stream") from None
    w = [int(widths[i]) for i in (1, 2, 3)]
    width = sum(w)
    if predictor and int(predictor[1]) >= 10:  # PNG predictors: a filter byte before each row
        rows = _unpredict(rows, int(columns[1]) if columns else width)
    numbers = [int(n) for n in index[1].split()] if index else [0, int(size[1]) if size else 0]
    row = 0
    for first, count in zip(numbers[::2], numbers[1::2], strict=False):
        for number in wanted:
            if first <= number < first + count and number not in found:
                at = (row + number - first) * width
                fields = [int.from_bytes(rows[at + sum(w[:i]) : at + sum(w[: i + 1])], "big") for i in range(3)]
                if (fields[0] if w[0] else 1) == 1:
                    found[number] = fields[1]
        row += count
    prev = _PREV.search(dictionary)
    return int(prev[1]) if prev else None


def _unpredict(data: bytes, columns: int) -> bytes:
    """Undo the PNG "None" and "Up" predictors of a cross-reference stream (the ones PDF writers use)."""
    out, previous = bytearray(), bytes(columns)
    for at in range(0, len(data) - columns, columns + 1):
        current().walk()
        kind, row = data[at], data[at + 1 : at + 1 + columns]
        if kind == 2:
            row = bytes((a + b) & 0xFF for a, b in zip(row, previous, strict=False))
        elif kind != 0:
            raise UnreadableFile(f"PDF cross-reference stream with PNG predictor {kind}: not read")
        out += row
        previous = row
    return bytes(out)


@reader("PDF", b"%PDF-", extensions=[".pdf", ".ai"])
def read_pdf(src: Source) -> Iterator[Marker]:
    if b"%%EOF" not in src.read(max(0, src.size - 1024), min(src.size, 1024), "PDF trailer"):
        raise UnreadableFile(f"PDF without %%EOF in its last 1024 bytes (truncated at byte {src.size}?)")
    windows = _pdf_windows(src)
    windows += list(_metadata_elsewhere(src, windows))
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
