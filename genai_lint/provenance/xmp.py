"""XMP packets: IPTC digital source types and references to manifests outside the file."""

from __future__ import annotations

import re
from dataclasses import replace

from genai_lint.provenance.evidence import Hit, printable

DST_TERMS = {
    "trainedalgorithmicmedia": ("trainedAlgorithmicMedia", True),
    "compositewithtrainedalgorithmicmedia": ("compositeWithTrainedAlgorithmicMedia", True),
    "trainedalgorithmicdata": ("trainedAlgorithmicData", True),
    "compositesynthetic": ("compositeSynthetic", False),
}
_DST_IN_XMP = re.compile(
    r"(?:digitalsourcetype/|digsrctype:|digitalsourcetype\s*(?:=\s*[\"']|>)\s*)([a-z]+)(?![\w:])", re.I
)
DST_PREFIX = re.compile(r"^.*(?:digitalsourcetype/|digsrctype:)", re.I | re.S)
_PROVENANCE = re.compile(r":provenance(?:\s+rdf:resource)?\s*(?:=\s*[\"']|>)\s*([^\s\"'<>]+)")
_CREATOR_TOOL = re.compile(r"CreatorTool(?:>|\s*=\s*[\"'])([^<\"']{1,200})")
XMP_START = re.compile(rb"<\?xpacket begin|<(?:[\w.-]{1,64}:)?xmpmeta\b")
XMP_END = re.compile(rb"<\?xpacket end[^>]{0,64}>|</(?:[\w.-]{1,64}:)?xmpmeta\s{0,64}>")


def dst_hit(kind: str, term: str, note: str = "") -> Hit | None:
    """A hit for a digital source type term worth reporting, else ``None``."""
    known = DST_TERMS.get(term.lower())
    return Hit(kind, known[0], known[1], note, f"IPTC DigitalSourceType {known[0]}") if known else None


def xmp_hits(xmp: bytes) -> list[Hit]:
    """Digital source types and external manifest references in one XMP packet."""
    text = xmp.decode("utf-8", "replace")
    hits = [hit for m in _DST_IN_XMP.finditer(text) if (hit := dst_hit("iptc-digital-source-type", m[1]))]
    if hits and (tool := _CREATOR_TOOL.search(text)):  # name the tool that wrote it, in its own words
        named = f" (XMP CreatorTool {printable(tool[1].strip()[:80])})"
        hits = [replace(hit, summary=hit.summary + named) for hit in hits]
    for m in _PROVENANCE.finditer(text):
        if not m[1].startswith("self#"):
            hits.append(Hit("external-manifest", m[1][:200], False, "XMP dcterms:provenance"))
    return hits
