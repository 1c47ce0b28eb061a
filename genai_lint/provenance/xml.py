"""SVG and other XML (XMP sidecars): ``<metadata>`` or XMP packets, ``<c2pa:manifest>`` elements."""

from __future__ import annotations

import re
from collections.abc import Iterator

from genai_lint.provenance.c2pa import c2pa_base64_hits
from genai_lint.provenance.evidence import Marker, emit
from genai_lint.provenance.registry import reader
from genai_lint.provenance.source import Source, regions
from genai_lint.provenance.xmp import XMP_END, XMP_START, xmp_hits

_XML_STARTS = (b"<?xml", b"<svg", b"<x:xmpmeta", b"<?xpacket", b"<!DOCTYPE svg")
_METADATA_START = re.compile(rb"<(?:[\w.-]+:)?metadata\b")
_METADATA_END = re.compile(rb"</(?:[\w.-]+:)?metadata\s*>")
_SVG_C2PA = re.compile(rb"<c2pa:manifest\b[^>]*>([^<]*)</c2pa:manifest\s*>")


def _is_xml(head: bytes, size: int) -> bool:
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(_XML_STARTS)


@reader("XML", _is_xml, extensions=[".svg", ".xml", ".xmp"], fallback=True)
def read_xml(src: Source) -> Iterator[Marker]:
    blob = src.payload(0, src.size, "XML document")
    label = "SVG" if b"<svg" in blob[:4096] else "XML"
    metadata = list(regions(blob, _METADATA_START, _METADATA_END))
    element = "<metadata> element" if metadata else "XMP packet"
    for pos, region in metadata or regions(blob, XMP_START, XMP_END):
        yield from emit(f"{label} {element} at byte {pos}", pos, xmp_hits, region)
    for m in _SVG_C2PA.finditer(blob):
        where = f"{label} <c2pa:manifest> element at byte {m.start()}"
        yield from emit(where, m.start(), c2pa_base64_hits, m[1])
