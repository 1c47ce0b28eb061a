"""Text formats: SVG and other XML (XMP sidecars, IMF CPL/PKL), subtitles, plain text.

They cannot carry provenance in a container, so they are scanned as text: XMP packets (or an
SVG's ``<metadata>``), ``<c2pa:manifest>`` elements holding a base64 C2PA store, references to
external manifests. A text file with none of these passes as read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from genai_lint.provenance.c2pa import c2pa_base64_hits
from genai_lint.provenance.budget import TooComplex
from genai_lint.provenance.evidence import Marker, UnreadableFile, emit
from genai_lint.provenance.registry import HEAD, Matches, reader
from genai_lint.provenance.source import Source, regions
from genai_lint.provenance.xmp import XMP_END, XMP_START, xmp_hits

_XML_STARTS = (b"<?xml", b"<svg", b"<x:xmpmeta", b"<?xpacket", b"<!DOCTYPE svg")
_METADATA_START = re.compile(rb"<(?:[\w.-]{1,64}:)?metadata\b")
_METADATA_END = re.compile(rb"</(?:[\w.-]{1,64}:)?metadata\s{0,64}>")
_C2PA_OPEN, _C2PA_CLOSE = re.compile(rb"<c2pa:manifest\b"), b"</c2pa:manifest"
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f\x7f]")
_SRT = re.compile(rb"\s*\d+\r?\n\d\d:\d\d:\d\d,\d\d\d --> ")


def _is_text(head: bytes, size: int) -> bool:
    """UTF-8 (or UTF-16 with a byte order mark) without control characters in the first bytes."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    body = head.removeprefix(b"\xef\xbb\xbf")
    if not body or _CONTROL.search(body):
        return False
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start >= len(body) - 3 and len(head) == HEAD  # a character cut by the end of the head
    return True


def _starts(*prefixes: bytes) -> Matches:
    return lambda head, size: _is_text(head, size) and head.removeprefix(_BOMS[0]).lstrip().startswith(prefixes)


def _is_svg(head: bytes, size: int) -> bool:
    return _starts(*_XML_STARTS)(head, size) and b"<svg" in head


@reader("text", _is_text, extensions=[".txt", ".csv", ".edl", ".ale", ".json", ".md"], fallback=True)
@reader("SubRip subtitles", lambda head, size: _is_text(head, size) and bool(_SRT.match(head)), extensions=[".srt"], fallback=True)
@reader("WebVTT subtitles", _starts(b"WEBVTT"), extensions=[".vtt"], fallback=True)
@reader("XML", _starts(*_XML_STARTS, b"<"), extensions=[".xml", ".xmp", ".cpl", ".pkl"], fallback=True)
@reader("SVG", _is_svg, extensions=[".svg"], fallback=True)  # registered first: tried first
def read_text(src: Source) -> Iterator[Marker]:
    if src.size > src.cap:
        raise TooComplex(f"too complex to verify: a text file larger than {src.cap:,} bytes")
    blob = src.payload(0, src.size, "text")
    for bom, codec in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if blob.startswith(bom):
            blob = blob[2:].decode(codec, "replace").encode("utf-8")
    if binary := _CONTROL.search(blob):  # a binary format behind a text-looking header is not text
        raise UnreadableFile(f"binary content after a text header at byte {binary.start()}")
    label = "SVG" if b"<svg" in blob[:4096] else "XML" if blob.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<") else "text"
    metadata = list(regions(blob, _METADATA_START, _METADATA_END)) if label != "text" else []
    element = "<metadata> element" if metadata else "XMP packet"
    for pos, region in metadata or regions(blob, XMP_START, XMP_END):
        yield from emit(f"{label} {element} at byte {pos}", pos, xmp_hits, region)
    for pos, content in _c2pa_elements(blob):
        yield from emit(f"{label} <c2pa:manifest> element at byte {pos}", pos, c2pa_base64_hits, content)


def _c2pa_elements(blob: bytes) -> Iterator[tuple[int, bytes]]:
    """``(offset, text)`` of each ``<c2pa:manifest>`` element, in one forward pass over ``blob``."""
    pos = 0
    while opening := _C2PA_OPEN.search(blob, pos):
        start = blob.find(b">", opening.end())
        end = blob.find(_C2PA_CLOSE, start) if start >= 0 else -1
        if end < 0:
            return  # no later element can be complete either
        yield opening.start(), blob[start + 1 : end]
        pos = end
