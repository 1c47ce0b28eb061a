"""C2PA manifest stores: JUMBF boxes holding CBOR or JSON assertions, and ``.c2pa`` sidecar files.

Every manifest is read (ingredients too); only ``digitalSourceType`` values in ``c2pa.actions``
and IPTC assertions count, so a store holding only capture or ordinary edit actions yields
nothing: camera originals pass. Signatures are not validated.
"""

from __future__ import annotations

import binascii
import re
from dataclasses import replace
from collections.abc import Iterator

from genai_lint.provenance import cbor
from genai_lint.provenance.budget import TooComplex, current
from genai_lint.provenance.evidence import Hit, Marker, UnreadableFile, emit, printable
from genai_lint.provenance.fingerprints import parse_json
from genai_lint.provenance.registry import reader
from genai_lint.provenance.source import MAX_DEPTH, Box, Source, boxes
from genai_lint.provenance.x509 import signer_organisation
from genai_lint.provenance.xmp import DST_PREFIX, dst_hit

SIGNATURE = b"jumdc2pa" + bytes.fromhex("00110010800000aa00389b71")
_ACTIONS_LABEL = re.compile(r"c2pa\.actions(?:\.v2)?(?:__\d+)?")
_PRERELEASE = "adobe.beta"  # the assertion that marks pre-release content the official SDK refuses
_ALGORITHMS = {-7, -35, -36, -37, -38, -39, -8}  # ES256/384/512, PS256/384/512, EdDSA
_IPTC_LABEL = re.compile(r"stds\.iptc(?:\.photo-metadata)?(?:__\d+)?")


def _superbox(src: Source, start: int, end: int) -> tuple[bytes, str, list[Box]]:
    """``(type code, label, child boxes)`` of the JUMBF superbox payload in ``[start, end)``."""
    children = list(boxes(src, start, end, "JUMBF box"))
    if not children or children[0][0] != b"jumd" or children[0][3] - children[0][2] < 17:
        raise UnreadableFile(f"JUMBF superbox without description box at byte {start}")
    _, _, body, box_end = children[0]
    desc = src.read(body, box_end - body, "JUMBF description box")
    label = printable(desc[17:].split(b"\0", 1)[0].decode("utf-8", "replace")) if desc[16] & 0x02 else ""
    return desc[:4], label, children[1:]


def c2pa_hits(store: bytes) -> list[Hit]:
    """Hits from a C2PA manifest store; an undecodable store is itself a hit for review."""
    hits: list[Hit] = []
    try:
        hits.extend(_store_hits(Source.of(store)))
    except TooComplex:
        raise
    except UnreadableFile as exc:
        hits.append(Hit("c2pa-undecoded", "C2PA manifest store not decodable", False, str(exc)))
    else:
        current().work.stores += 1
    return hits


def _store_hits(src: Source) -> Iterator[Hit]:
    kind, _, body, end = next(boxes(src, 0, src.size, "JUMBF box"), (b"", 0, 0, 0))
    store = _superbox(src, body, end) if kind == b"jumb" else None
    if store is None or store[0] != b"c2pa":
        raise UnreadableFile("no C2PA manifest store at byte 0")
    for box_kind, _, manifest, manifest_end in store[2]:
        if box_kind == b"jumb":
            yield from _manifest_hits(src, *_superbox(src, manifest, manifest_end))


def _manifest_hits(src: Source, kind: bytes, label: str, parts: list[Box]) -> Iterator[Hit]:
    if kind == b"c2cm" or any(part[0] == b"brob" for part in parts):
        yield Hit("c2pa-undecoded", "compressed C2PA manifest", False, f"C2PA manifest {label}")
        return
    boxes_by_kind: dict[bytes, list[Box]] = {}
    for part_kind, _, body, end in parts:
        if part_kind == b"jumb":
            store_kind, _, children = _superbox(src, body, end)
            boxes_by_kind.setdefault(store_kind, children)
    signature = _cbor_content(src, boxes_by_kind.get(b"c2cs", []))
    claim = _cbor_content(src, boxes_by_kind.get(b"c2cl", []))
    claimant = _claimant(claim, signature)
    if (signature is not None and not _known_algorithm(signature)) or not _hash_algorithm_named(claim):
        yield Hit("c2pa-undecoded", "C2PA claim or signature without a known algorithm", False, f"C2PA manifest {label}")
    for _, _, assertion, assertion_end in (a for a in boxes_by_kind.get(b"c2as", []) if a[0] == b"jumb"):
        _, assertion_label, contents = _superbox(src, assertion, assertion_end)
        if assertion_label == _PRERELEASE:
            yield Hit("c2pa-undecoded", "pre-release C2PA manifest", False, f"C2PA manifest {label}, assertion {assertion_label}")
        yield from _assertion_hits(src, label, assertion_label, contents, claimant)


def _known_algorithm(signature: object) -> bool:
    """Whether a COSE_Sign1 signature's protected header names an algorithm C2PA allows."""
    if not (isinstance(signature, list) and signature and isinstance(signature[0], bytes)):
        return False
    try:
        header = cbor.decode(signature[0]) if signature[0] else {}
    except UnreadableFile:
        return False
    return isinstance(header, dict) and header.get(1) in _ALGORITHMS


def _cbor_content(src: Source, parts: list[Box]) -> object:
    """The decoded content of the first ``cbor`` box among ``parts`` (``None`` when there is none)."""
    for kind, _, body, end in parts:
        if kind == b"cbor":
            return cbor.decode(src.read(body, end - body, "C2PA CBOR box"))
    return None


def _hash_algorithm_named(claim: object) -> bool:
    """Whether the claim names the hash algorithm of its assertion references (itself or in each reference)."""
    if not isinstance(claim, dict) or isinstance(claim.get("alg"), str):
        return True
    references = [r for key in ("assertions", "created_assertions", "gathered_assertions")
                  if isinstance(claim.get(key), list) for r in claim[key]]
    return all(isinstance(r, dict) and isinstance(r.get("alg"), str) for r in references)


def _claimant(content: object, signature: object) -> str:
    """Who made the claim, in words: the claim generator, and the signer's organisation when known."""
    name = ""
    if isinstance(content, dict):
        info = content.get("claim_generator_info")
        first = info[0] if isinstance(info, list) and info else info
        if isinstance(first, dict) and isinstance(first.get("name"), str):
            name = first["name"]
        elif isinstance(content.get("claim_generator"), str):
            name = content["claim_generator"].split("/")[0].split(" ")[0].replace("_", " ")
    organisation = signer_organisation(signature)
    name, organisation = printable(name[:80]), printable(organisation[:80])
    if name and organisation and organisation.lower() not in name.lower():
        return f"{name} (signed by {organisation})"
    return name or organisation or "an unnamed generator"


def _assertion_hits(src: Source, manifest: str, label: str, parts: list[Box], claimant: str) -> Iterator[Hit]:
    if _ACTIONS_LABEL.fullmatch(label):
        hit_kind = "c2pa-generative-action"
    elif _IPTC_LABEL.fullmatch(label):
        hit_kind = "iptc-digital-source-type"
    else:
        return
    where = f"C2PA manifest {manifest}, assertion {label}"
    for content_kind, _, body, end in parts:
        if content_kind == b"brob":
            yield Hit("c2pa-undecoded", "compressed C2PA assertion", False, where)
        elif content_kind in (b"cbor", b"json"):
            content = src.read(body, end - body, "C2PA assertion content")
            decoded = cbor.decode(content) if content_kind == b"cbor" else parse_json(content)
            for action, value in _source_types(decoded):
                note = f"{where}, action {printable(action)}" if action else where
                if hit := dst_hit(hit_kind, DST_PREFIX.sub("", value.strip(), count=1), note):
                    said = f", action {printable(action)}" if action else f", assertion {label}"
                    yield replace(hit, summary=f"C2PA claim by {claimant}{said}, digitalSourceType {hit.value}")


def _source_types(node: object, action: str = "", depth: int = 0) -> Iterator[tuple[str, str]]:
    """``(action, value)`` for every string under a key ending in ``digitalSourceType``."""
    if depth > MAX_DEPTH:
        return
    if isinstance(node, dict):
        action = node["action"] if isinstance(node.get("action"), str) else action
        for key, value in node.items():
            if isinstance(key, str) and key.lower().endswith("digitalsourcetype") and isinstance(value, str):
                yield action, value
            else:
                yield from _source_types(value, action, depth + 1)
    elif isinstance(node, list):
        for item in node:
            yield from _source_types(item, action, depth + 1)


def c2pa_base64_hits(text: bytes) -> list[Hit]:
    """Hits from a base64-encoded C2PA manifest store."""
    try:
        store = binascii.a2b_base64(text)
    except binascii.Error:
        return [Hit("c2pa-undecoded", "C2PA manifest store not decodable", False, "invalid base64")]
    return c2pa_hits(store)


def store_spans(blob: bytes) -> Iterator[tuple[int, int]]:
    """``(offset, declared length)`` of each C2PA manifest store in ``blob``, in one pass.

    A signature inside a store already found (up to its declared length, clamped to ``blob``)
    belongs to that store and is not a new candidate, so the search is linear in ``blob``.
    """
    pos = blob.find(SIGNATURE)
    while pos >= 0:
        current().walk()
        span = None
        if pos >= 12 and blob[pos - 8 : pos - 4] == b"jumb":
            span = pos - 12, int.from_bytes(blob[pos - 12 : pos - 8], "big")
        elif pos >= 20 and blob[pos - 20 : pos - 12] == b"\0\0\0\1jumb":  # 64-bit XLBox
            span = pos - 20, int.from_bytes(blob[pos - 12 : pos - 4], "big")
        if span:
            yield span
        after = min(len(blob), span[0] + span[1]) if span else 0
        pos = blob.find(SIGNATURE, max(pos + 1, after))


def _is_store(head: bytes, size: int) -> bool:
    return head[4:8] == b"jumb" and head[12:32] == SIGNATURE


@reader("C2PA manifest store", _is_store, extensions=[".c2pa"])
def read_store_file(src: Source) -> Iterator[Marker]:
    store = src.payload(0, src.size, "C2PA manifest store")
    yield from emit("C2PA manifest store file", 0, c2pa_hits, store)
