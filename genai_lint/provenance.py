"""Byte-level scanner for provenance markers that declare generative-AI origin.

:func:`scan` reads a media file's container structure with bounded seeks and reads, using the
standard library only, and reports every marker it finds:

* IPTC ``DigitalSourceType`` values in XMP (JPEG APP1 and extended XMP, PNG iTXt/tEXt/zTXt,
  RIFF ``XMP ``/``_PMX``, ISO-BMFF XMP ``uuid`` and ``moov/udta/XMP_``, TIFF tag 700,
  ID3v2 ``PRIV``, PDF XMP packets, SVG ``<metadata>``, standalone ``.xmp`` files), in element,
  attribute or ``rdf:resource`` form, spelled as http/https URI, QCode or bare term;
* C2PA manifest stores (JPEG APP11 JUMBF across segments, PNG ``caBX``, RIFF ``C2PA``,
  BMFF ``uuid`` D8FEC3D6-..., TIFF tag 52545, ID3v2 ``GEOB``, PDF embedded manifests,
  SVG ``<c2pa:manifest>``, ``.c2pa`` sidecars). Every manifest is read (ingredients too);
  only ``digitalSourceType`` values in ``c2pa.actions`` and IPTC assertions count, so a
  store holding only capture or ordinary edit actions yields nothing: camera originals pass;
* generator fingerprints, matched by key *and* shape: AUTOMATIC1111 ``parameters`` text
  (PNG text chunks, EXIF UserComment), ComfyUI ``prompt``/``workflow`` graph JSON, InvokeAI
  metadata keys, NovelAI ``Software``/``Source``;
* references to manifests outside the file (XMP ``dcterms:provenance``).

``trainedAlgorithmicMedia``, ``compositeWithTrainedAlgorithmicMedia`` and C2PA
``trainedAlgorithmicData`` are generative; ``compositeSynthetic`` is reported for human
review; ``algorithmicMedia`` (procedural, no training data) and capture terms are ignored.

What it cannot do: no marker does **not** mean no AI. Metadata is stripped by most
re-encodes, exports and platforms; unsigned markers (XMP, text chunks) can be forged or
removed; C2PA signatures are not validated. Pixel or audio watermarks (Google SynthID,
OpenAI's watermark) are invisible to container parsing. Compressed (Brotli) C2PA manifests,
PDF object streams, HEIF XMP items and generator names in ``Software``/``CreatorTool``/
``/Producer`` are not decoded; the first two are reported as ``c2pa-undecoded`` when seen.
"""

from __future__ import annotations

import binascii
import io
import json
import os
import re
import stat
import struct
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import BinaryIO

_MiB = 1024 * 1024
_PDF_WINDOW = 4 * _MiB
_MAX_DEPTH = 64


@dataclass(frozen=True, slots=True)
class Marker:
    """One provenance marker and the container element that holds it.

    ``kind`` is "iptc-digital-source-type", "c2pa-generative-action", "c2pa-undecoded",
    "generator-fingerprint" or "external-manifest"; ``value`` the term, tool or URL found;
    ``where`` a human description of the container element, whose byte offset is ``offset``.
    ``generative`` is true for declared generative AI and false for weaker evidence that a
    human should review (``compositeSynthetic``, an undecodable C2PA store, a remote manifest).
    """

    kind: str
    value: str
    where: str
    offset: int
    generative: bool


class UnreadableFile(Exception):
    """The file cannot be read or its structure is corrupt; ``str(exc)`` is a one-line reason."""


@dataclass(frozen=True, slots=True)
class _Hit:
    """A marker found inside one payload, before its container location is known."""

    kind: str
    value: str
    generative: bool
    note: str = ""


class _Src:
    """Bounded random access to a file, or to a payload already in memory."""

    __slots__ = ("_f", "cap", "size")

    def __init__(self, f: BinaryIO, size: int, cap: int) -> None:
        self._f, self.size, self.cap = f, size, cap

    @classmethod
    def of(cls, data: bytes) -> _Src:
        return cls(io.BytesIO(data), len(data), max(len(data), 1))

    def read(self, offset: int, n: int, what: str) -> bytes:
        """Exactly ``n`` bytes at ``offset``, or :class:`UnreadableFile` naming ``what``."""
        if offset < 0 or n < 0 or offset + n > self.size:
            raise UnreadableFile(f"truncated {what} at byte {offset}")
        self._f.seek(offset)
        data = self._f.read(n)
        if len(data) != n:
            raise UnreadableFile(f"truncated {what} at byte {offset}")
        return data

    def payload(self, offset: int, n: int, what: str) -> bytes:
        """Like :meth:`read`, but at most ``cap`` bytes."""
        return self.read(offset, min(n, self.cap), what)


def _printable(text: str | bytes) -> str:
    """``text`` fit for a one-line message: as is when printable ASCII, else escaped."""
    if isinstance(text, bytes):
        text = text.decode("latin-1")
    return text if text.isascii() and text.isprintable() else ascii(text)[1:-1]


def _emit(where: str, offset: int, analyse: Callable[..., list[_Hit]], *args: object) -> Iterator[Marker]:
    """Markers for the hits ``analyse(*args)`` finds in the payload at ``where``."""
    try:
        hits = analyse(*args)
    except UnreadableFile as exc:
        raise UnreadableFile(f"{exc} in {where}") from None
    for hit in hits:
        located = f"{where}: {hit.note}" if hit.note else where
        yield Marker(hit.kind, hit.value, located, offset, hit.generative)


def _noted(hit: _Hit, note: str) -> _Hit:
    return replace(hit, note=f"{note}, {hit.note}" if hit.note else note)


def _regions(blob: bytes, start: re.Pattern[bytes], end: re.Pattern[bytes]) -> Iterator[tuple[int, bytes]]:
    """``(offset, bytes)`` of each region from a ``start`` match to the next ``end`` match."""
    pos = 0
    while begin := start.search(blob, pos):
        close = end.search(blob, begin.end())
        pos = close.end() if close else len(blob)
        yield begin.start(), blob[begin.start() : pos]


# --- IPTC digital source type and XMP ------------------------------------------------------

_DST_TERMS = {
    "trainedalgorithmicmedia": ("trainedAlgorithmicMedia", True),
    "compositewithtrainedalgorithmicmedia": ("compositeWithTrainedAlgorithmicMedia", True),
    "trainedalgorithmicdata": ("trainedAlgorithmicData", True),
    "compositesynthetic": ("compositeSynthetic", False),
}
_DST_IN_XMP = re.compile(
    r"(?:digitalsourcetype/|digsrctype:|digitalsourcetype\s*(?:=\s*[\"']|>)\s*)([a-z]+)(?![\w:])", re.I
)
_DST_PREFIX = re.compile(r"^.*(?:digitalsourcetype/|digsrctype:)", re.I | re.S)
_PROVENANCE = re.compile(r":provenance(?:\s+rdf:resource)?\s*(?:=\s*[\"']|>)\s*([^\s\"'<>]+)")
_XMP_START = re.compile(rb"<\?xpacket begin|<(?:[\w.-]+:)?xmpmeta\b")
_XMP_END = re.compile(rb"<\?xpacket end[^>]*>|</(?:[\w.-]+:)?xmpmeta\s*>")


def _dst_hit(kind: str, term: str, note: str = "") -> _Hit | None:
    """A hit for a digital source type term worth reporting, else ``None``."""
    known = _DST_TERMS.get(term.lower())
    return _Hit(kind, known[0], known[1], note) if known else None


def _xmp_hits(xmp: bytes) -> list[_Hit]:
    text = xmp.decode("utf-8", "replace")
    hits = [hit for m in _DST_IN_XMP.finditer(text) if (hit := _dst_hit("iptc-digital-source-type", m[1]))]
    for m in _PROVENANCE.finditer(text):
        if not m[1].startswith("self#"):
            hits.append(_Hit("external-manifest", m[1][:200], False, "XMP dcterms:provenance"))
    return hits


# --- generator fingerprints -----------------------------------------------------------------

_A1111 = re.compile(r"(?:^|\n)Steps: \d+")
_DREAM_SEED = re.compile(r"\s-S\s*-?\d+")


def _json(text: str | bytes) -> object:
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        raise UnreadableFile("malformed JSON") from None


def _json_object(text: str) -> dict[str, object]:
    """``text`` parsed as a JSON object, or an empty dict when it is not one."""
    try:
        parsed = _json(text)
    except UnreadableFile:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def _is_comfy_prompt(text: str) -> bool:
    return any(isinstance(node, dict) and "class_type" in node for node in _json_object(text).values())


def _is_comfy_workflow(text: str) -> bool:
    return isinstance(_json_object(text).get("nodes"), list)


def _is_json_object(text: str) -> bool:
    return bool(_json_object(text))


_TEXT_FINGERPRINTS: dict[str, tuple[str, Callable[[str], object]]] = {
    "parameters": ("AUTOMATIC1111", _A1111.search),
    "prompt": ("ComfyUI", _is_comfy_prompt),
    "workflow": ("ComfyUI", _is_comfy_workflow),
    "invokeai_metadata": ("InvokeAI", _is_json_object),
    "invokeai_graph": ("InvokeAI", _is_json_object),
    "sd-metadata": ("InvokeAI", _is_json_object),
    "Dream": ("InvokeAI", lambda text: text.startswith('"') and _DREAM_SEED.search(text)),
    "Software": ("NovelAI", lambda text: text.strip() == "NovelAI"),
    "Source": ("NovelAI", lambda text: text.startswith("NovelAI Diffusion")),
}


def _text_hits(key: str, text: str) -> list[_Hit]:
    """A fingerprint hit when ``key`` is a known generator key and ``text`` has its shape."""
    tool, shaped = _TEXT_FINGERPRINTS.get(key, ("", None))
    return [_Hit("generator-fingerprint", f"{tool} {key}", True)] if shaped and shaped(text) else []


# --- C2PA manifest stores (JUMBF boxes holding CBOR or JSON assertions) ---------------------

_C2PA_SIGNATURE = b"jumdc2pa" + bytes.fromhex("00110010800000aa00389b71")
_Box = tuple[bytes, int, int, int]  # type, box start, payload start, box end
_ACTIONS_LABEL = re.compile(r"c2pa\.actions(?:\.v2)?(?:__\d+)?")
_IPTC_LABEL = re.compile(r"stds\.iptc(?:\.photo-metadata)?(?:__\d+)?")


def _boxes(src: _Src, start: int, end: int, what: str) -> Iterator[_Box]:
    """ISO-BMFF or JUMBF boxes in ``[start, end)``: ``(type, box start, payload start, box end)``."""
    pos = start
    while pos < end:
        size, kind = struct.unpack(">I4s", src.read(pos, 8, f"{what} header"))
        body = pos + 8
        if size == 1:
            size = int.from_bytes(src.read(body, 8, f"{what} 64-bit size"), "big")
            body += 8
        elif size == 0:
            size = end - pos
        if size < body - pos or pos + size > end:
            raise UnreadableFile(f"truncated {what} '{_printable(kind)}' at byte {pos}")
        yield kind, pos, body, pos + size
        pos += size


def _superbox(src: _Src, start: int, end: int) -> tuple[bytes, str, list[_Box]]:
    """``(type code, label, child boxes)`` of the JUMBF superbox payload in ``[start, end)``."""
    children = list(_boxes(src, start, end, "JUMBF box"))
    if not children or children[0][0] != b"jumd" or children[0][3] - children[0][2] < 17:
        raise UnreadableFile(f"JUMBF superbox without description box at byte {start}")
    _, _, body, box_end = children[0]
    desc = src.read(body, box_end - body, "JUMBF description box")
    label = _printable(desc[17:].split(b"\0", 1)[0].decode("utf-8", "replace")) if desc[16] & 0x02 else ""
    return desc[:4], label, children[1:]


def _c2pa_hits(store: bytes) -> list[_Hit]:
    """Hits from a C2PA manifest store; an undecodable store is itself a hit for review."""
    hits: list[_Hit] = []
    try:
        for hit in _c2pa_store(_Src.of(store)):  # one by one: keep the hits found before a defect
            hits.append(hit)
    except UnreadableFile as exc:
        hits.append(_Hit("c2pa-undecoded", "C2PA manifest store not decodable", False, str(exc)))
    return hits


def _c2pa_store(src: _Src) -> Iterator[_Hit]:
    kind, _, body, end = next(_boxes(src, 0, src.size, "JUMBF box"), (b"", 0, 0, 0))
    store = _superbox(src, body, end) if kind == b"jumb" else None
    if store is None or store[0] != b"c2pa":
        raise UnreadableFile("no C2PA manifest store at byte 0")
    for box_kind, _, manifest, manifest_end in store[2]:
        if box_kind == b"jumb":
            yield from _manifest_hits(src, *_superbox(src, manifest, manifest_end))


def _manifest_hits(src: _Src, kind: bytes, label: str, parts: list[_Box]) -> Iterator[_Hit]:
    if kind == b"c2cm" or any(part[0] == b"brob" for part in parts):
        yield _Hit("c2pa-undecoded", "compressed C2PA manifest", False, f"C2PA manifest {label}")
        return
    for part_kind, _, body, end in parts:
        if part_kind != b"jumb":
            continue
        store_kind, _, assertions = _superbox(src, body, end)
        if store_kind == b"c2as":
            for _, _, assertion, assertion_end in (a for a in assertions if a[0] == b"jumb"):
                _, assertion_label, contents = _superbox(src, assertion, assertion_end)
                yield from _assertion_hits(src, label, assertion_label, contents)


def _assertion_hits(src: _Src, manifest: str, label: str, parts: list[_Box]) -> Iterator[_Hit]:
    if _ACTIONS_LABEL.fullmatch(label):
        hit_kind = "c2pa-generative-action"
    elif _IPTC_LABEL.fullmatch(label):
        hit_kind = "iptc-digital-source-type"
    else:
        return
    where = f"C2PA manifest {manifest}, assertion {label}"
    for content_kind, _, body, end in parts:
        if content_kind == b"brob":
            yield _Hit("c2pa-undecoded", "compressed C2PA assertion", False, where)
        elif content_kind in (b"cbor", b"json"):
            content = src.read(body, end - body, "C2PA assertion content")
            decoded = _cbor(content) if content_kind == b"cbor" else _json(content)
            for action, value in _source_types(decoded):
                note = f"{where}, action {_printable(action)}" if action else where
                if hit := _dst_hit(hit_kind, _DST_PREFIX.sub("", value.strip(), count=1), note):
                    yield hit


def _source_types(node: object, action: str = "", depth: int = 0) -> Iterator[tuple[str, str]]:
    """``(action, value)`` for every string under a key ending in ``digitalSourceType``."""
    if depth > _MAX_DEPTH:
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


def _cbor(data: bytes) -> object:
    """Decode one CBOR item (RFC 8949); floats and simple values decode to ``None``."""
    return _cbor_item(data, 0, 0)[0]


def _cbor_fail(pos: int) -> UnreadableFile:
    return UnreadableFile(f"malformed CBOR at byte {pos}")


def _cbor_arg(data: bytes, pos: int, info: int) -> tuple[int | None, int]:
    """The argument that follows an initial byte: a number, or ``None`` for indefinite length."""
    if info < 24:
        return info, pos
    if info == 31:
        return None, pos
    if info > 27 or pos + (1 << (info - 24)) > len(data):
        raise _cbor_fail(pos)
    end = pos + (1 << (info - 24))
    return int.from_bytes(data[pos:end], "big"), end


def _cbor_item(data: bytes, pos: int, depth: int) -> tuple[object, int]:
    if depth > _MAX_DEPTH or pos >= len(data):
        raise _cbor_fail(pos)
    major, info = data[pos] >> 5, data[pos] & 31
    arg, pos = _cbor_arg(data, pos + 1, info)
    if major == 7:
        if arg is None:
            raise _cbor_fail(pos)
        return {20: False, 21: True}.get(info), pos
    if arg is None and major in (0, 1, 6):
        raise _cbor_fail(pos)
    if major in (0, 1):
        return (arg if major == 0 else -1 - arg), pos
    if major == 6:
        return _cbor_item(data, pos, depth + 1)
    if major in (2, 3):
        return _cbor_string(data, pos, arg, major == 3, depth)
    items, pos = _cbor_items(data, pos, arg if arg is None or major == 4 else 2 * arg, depth)
    if major == 4:
        return items, pos
    if len(items) % 2:
        raise _cbor_fail(pos)
    keys = [k if isinstance(k, (str, int, bytes)) else repr(k) for k in items[::2]]
    return dict(zip(keys, items[1::2], strict=True)), pos


def _cbor_items(data: bytes, pos: int, count: int | None, depth: int) -> tuple[list[object], int]:
    """``count`` items, or items up to a break byte when ``count`` is ``None``."""
    if count is not None and count > len(data) - pos:
        raise _cbor_fail(pos)
    items: list[object] = []
    while len(items) != count:
        if count is None and data[pos : pos + 1] == b"\xff":
            return items, pos + 1
        item, pos = _cbor_item(data, pos, depth + 1)
        items.append(item)
    return items, pos


def _cbor_string(data: bytes, pos: int, length: int | None, text: bool, depth: int) -> tuple[object, int]:
    if length is None:
        chunks, pos = _cbor_items(data, pos, None, depth)
        if not all(isinstance(c, str if text else bytes) for c in chunks):
            raise _cbor_fail(pos)
        return ("" if text else b"").join(chunks), pos  # type: ignore[arg-type]
    if length > len(data) - pos:
        raise _cbor_fail(pos)
    raw = data[pos : pos + length]
    return (raw.decode("utf-8", "replace") if text else raw), pos + length


def _c2pa_base64_hits(text: bytes) -> list[_Hit]:
    try:
        store = binascii.a2b_base64(text)
    except binascii.Error:
        return [_Hit("c2pa-undecoded", "C2PA manifest store not decodable", False, "invalid base64")]
    return _c2pa_hits(store)


# --- TIFF and EXIF --------------------------------------------------------------------------

_TIFF_TYPE_SIZES = {3: 2, 4: 4, 5: 8, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4, 16: 8, 17: 8, 18: 8}
_TAG_XMP, _TAG_C2PA, _TAG_USER_COMMENT, _TAG_EXIF_IFD = 700, 52545, 37510, 34665
_TIFF_TAG_NAMES = {
    _TAG_XMP: "tag 700 (XMP)",
    _TAG_C2PA: "tag 52545 (C2PA)",
    271: "tag 271 (Make)",
    270: "tag 270 (ImageDescription)",
    _TAG_USER_COMMENT: "Exif tag 37510 (UserComment)",
}
_EXIF_TOOL_TEXT = {271: ("Prompt:", "prompt"), 270: ("Workflow:", "workflow")}  # third-party ComfyUI savers


@dataclass(frozen=True, slots=True)
class _Tiff:
    """Byte order and IFD entry layout of classic TIFF or BigTIFF."""

    order: str
    entry: struct.Struct

    @property
    def big(self) -> bool:
        return self.entry.size == 20


_TIFF_HEADERS = {
    b"II*\0": _Tiff("little", struct.Struct("<HHI4s")),
    b"MM\0*": _Tiff("big", struct.Struct(">HHI4s")),
    b"II+\0": _Tiff("little", struct.Struct("<HHQ8s")),
    b"MM\0+": _Tiff("big", struct.Struct(">HHQ8s")),
}


def _tiff_values(src: _Src) -> Iterator[tuple[int, int, bytes]]:
    """``(tag, offset, value)`` for the provenance tags of IFD0 and of its Exif IFD."""
    tiff = _TIFF_HEADERS.get(src.read(0, 4, "TIFF header"))
    if tiff is None:
        raise UnreadableFile("invalid TIFF header at byte 0")
    head = src.read(0, 16 if tiff.big else 8, "TIFF header")
    ifd0 = _ifd(src, tiff, int.from_bytes(head[8:16] if tiff.big else head[4:8], tiff.order))
    for tag in _TIFF_TAG_NAMES:
        if tag in ifd0:
            yield tag, *_tiff_value(src, tiff, tag, ifd0[tag])
    if _TAG_EXIF_IFD in ifd0:
        pointer = _tiff_value(src, tiff, _TAG_EXIF_IFD, ifd0[_TAG_EXIF_IFD])[1]
        exif = _ifd(src, tiff, int.from_bytes(pointer[:8], tiff.order))
        if _TAG_USER_COMMENT in exif:
            yield _TAG_USER_COMMENT, *_tiff_value(src, tiff, _TAG_USER_COMMENT, exif[_TAG_USER_COMMENT])


def _ifd(src: _Src, tiff: _Tiff, offset: int) -> dict[int, tuple[int, int, bytes, int]]:
    """Entries of the IFD at ``offset``: tag -> ``(type, count, value field, field offset)``."""
    width = 8 if tiff.big else 2
    count = int.from_bytes(src.read(offset, width, "TIFF IFD"), tiff.order)
    if count > 4096:
        raise UnreadableFile(f"corrupt TIFF IFD at byte {offset}: {count} entries")
    table = src.read(offset + width, count * tiff.entry.size, "TIFF IFD")
    field_at = offset + width + tiff.entry.size - (8 if tiff.big else 4)
    return {
        tag: (kind, n, value, field_at + i * tiff.entry.size)
        for i, (tag, kind, n, value) in enumerate(tiff.entry.iter_unpack(table))
    }


def _tiff_value(src: _Src, tiff: _Tiff, tag: int, entry: tuple[int, int, bytes, int]) -> tuple[int, bytes]:
    """``(offset, bytes)`` of an IFD entry's value, inline or pointed to."""
    kind, count, value, field_at = entry
    size = _TIFF_TYPE_SIZES.get(kind, 1) * count
    if size <= len(value):
        return field_at, value[:size]
    offset = int.from_bytes(value, tiff.order)
    return offset, src.payload(offset, size, f"TIFF tag {tag} value")


def _user_comment(value: bytes) -> str:
    code, body = value[:8], value[8:]
    if code == b"UNICODE\0":
        big_endian = body[0::2].count(0) >= body[1::2].count(0)
        return body.decode("utf-16-be" if big_endian else "utf-16-le", "replace")
    return body.decode("utf-8", "replace")


def _tiff_hits(tag: int, value: bytes) -> list[_Hit]:
    if tag == _TAG_XMP:
        return _xmp_hits(value)
    if tag == _TAG_C2PA:
        return _c2pa_hits(value)
    if tag == _TAG_USER_COMMENT:
        return _text_hits("parameters", _user_comment(value))
    prefix, key = _EXIF_TOOL_TEXT[tag]
    text = value.rstrip(b"\0").decode("utf-8", "replace")
    return _text_hits(key, text[len(prefix) :]) if text.startswith(prefix) else []


def _exif_hits(exif: bytes) -> list[_Hit]:
    values = _tiff_values(_Src.of(exif.removeprefix(b"Exif\0\0")))
    return [_noted(hit, _TIFF_TAG_NAMES[tag]) for tag, _, value in values for hit in _tiff_hits(tag, value)]


def _scan_tiff(src: _Src) -> Iterator[Marker]:
    for tag, offset, value in _tiff_values(src):
        yield from _emit(f"TIFF {_TIFF_TAG_NAMES[tag]} at byte {offset}", offset, _tiff_hits, tag, value)


# --- JPEG -----------------------------------------------------------------------------------

_XMP_ID = b"http://ns.adobe.com/xap/1.0/\0"
_XMP_EXT_ID = b"http://ns.adobe.com/xmp/extension/\0"


@dataclass(slots=True)
class _Pieces:
    """Parts of one payload split over several JPEG segments, kept up to the payload cap."""

    offset: int
    parts: list[tuple[int, bytes]] = field(default_factory=list)
    size: int = 0

    def add(self, order: int, chunk: bytes, cap: int) -> None:
        if self.size < cap:
            self.parts.append((order, chunk))
        self.size += len(chunk)

    def joined(self, repeated_header: bool) -> bytes:
        """The parts in order; with ``repeated_header``, drop the box header JUMBF repeats."""
        chunks = [chunk for _, chunk in sorted(self.parts, key=lambda part: part[0])]
        if repeated_header:
            chunks[1:] = [c[16:] if c[:4] == b"\0\0\0\1" else c[8:] for c in chunks[1:]]
        return b"".join(chunks)


def _jpeg_segments(src: _Src) -> Iterator[tuple[int, int, bytes]]:
    """``(offset, marker, payload)`` of the APP1 and APP11 segments before the scan data."""
    pos = 2
    while True:
        prefix, marker = src.read(pos, 2, "JPEG marker")
        if prefix != 0xFF:
            raise UnreadableFile(f"invalid JPEG marker at byte {pos}")
        if marker in (0xD9, 0xDA):
            return
        if marker == 0xFF:  # fill bytes: skip the whole run, a block at a time
            run = src.read(pos + 1, min(4096, src.size - pos - 1), "JPEG fill bytes")
            pos += len(run) - len(run.lstrip(b"\xff"))
            continue
        if marker == 0x01 or 0xD0 <= marker <= 0xD8:
            pos += 2
            continue
        length = int.from_bytes(src.read(pos + 2, 2, "JPEG segment length"), "big")
        if length < 2 or pos + 2 + length > src.size:
            raise UnreadableFile(f"truncated JPEG segment at byte {pos}")
        if marker in (0xE1, 0xEB):
            yield pos, marker, src.payload(pos + 4, length - 2, "JPEG segment")
        pos += 2 + length


def _scan_jpeg(src: _Src) -> Iterator[Marker]:
    extended: dict[bytes, _Pieces] = {}
    jumbf: dict[bytes, _Pieces] = {}
    for pos, marker, data in _jpeg_segments(src):
        if marker == 0xEB:
            if data[:2] == b"JP" and len(data) >= 8:  # CI, box instance En, sequence Z, box data
                box = jumbf.setdefault(data[2:4], _Pieces(pos))
                box.add(int.from_bytes(data[4:8], "big"), data[8:], src.cap)
        elif data.startswith(_XMP_ID):
            yield from _emit(f"JPEG APP1 XMP segment at byte {pos}", pos, _xmp_hits, data[len(_XMP_ID) :])
        elif data.startswith(_XMP_EXT_ID) and len(data) >= 75:
            part = extended.setdefault(data[35:67], _Pieces(pos))
            part.add(int.from_bytes(data[71:75], "big"), data[75:], src.cap)
        elif data.startswith(b"Exif\0\0"):
            yield from _emit(f"JPEG APP1 Exif segment at byte {pos}", pos, _exif_hits, data)
    for pieces in extended.values():
        where = f"JPEG APP1 extended XMP segments from byte {pieces.offset}"
        yield from _emit(where, pieces.offset, _xmp_hits, pieces.joined(repeated_header=False))
    for pieces in jumbf.values():
        store = pieces.joined(repeated_header=True)
        if store[12:32] == _C2PA_SIGNATURE:
            where = f"JPEG APP11 C2PA JUMBF segment at byte {pieces.offset}"
            yield from _emit(where, pieces.offset, _c2pa_hits, store)


# --- PNG ------------------------------------------------------------------------------------

_XMP_KEYWORD = "XML:com.adobe.xmp"


def _png_chunks(src: _Src) -> Iterator[tuple[int, bytes, int]]:
    """``(offset, type, length)`` of each chunk before IEND."""
    pos = 8
    while True:
        length, kind = struct.unpack(">I4s", src.read(pos, 8, "PNG chunk header"))
        if length > 0x7FFFFFFF or not kind.isalpha():
            raise UnreadableFile(f"corrupt PNG chunk at byte {pos}")
        if pos + 12 + length > src.size:
            raise UnreadableFile(f"truncated PNG chunk at byte {pos}")
        if kind == b"IEND":
            return
        yield pos, kind, length
        pos += 12 + length


def _png_text(kind: bytes, rest: bytes, cap: int, pos: int) -> bytes:
    """The text of a tEXt/zTXt/iTXt chunk after its keyword, inflated when compressed."""
    compressed = kind == b"zTXt"
    if kind == b"iTXt":
        fields = rest[2:].split(b"\0", 2)
        if len(fields) < 3:
            raise UnreadableFile(f"corrupt PNG iTXt chunk at byte {pos}")
        compressed, rest = rest[0] == 1, fields[2]
    if not compressed:
        return rest
    try:
        return zlib.decompressobj().decompress(rest[1:] if kind == b"zTXt" else rest, cap)
    except zlib.error:
        raise UnreadableFile(f"corrupt compressed text in PNG {kind.decode()} chunk at byte {pos}") from None


def _png_text_markers(src: _Src, pos: int, kind: bytes, length: int) -> Iterator[Marker]:
    key = src.read(pos + 8, min(length, 80), "PNG chunk").partition(b"\0")[0].decode("latin-1")
    if key != _XMP_KEYWORD and key not in _TEXT_FINGERPRINTS:
        return
    rest = src.payload(pos + 8, length, "PNG chunk")[len(key) + 1 :]
    text = _png_text(kind, rest, src.cap, pos)
    where = f"PNG {kind.decode()} '{key}' chunk at byte {pos}"
    if key == _XMP_KEYWORD:
        yield from _emit(where, pos, _xmp_hits, text)
    else:
        encoding = "utf-8" if kind == b"iTXt" else "latin-1"
        yield from _emit(where, pos, _text_hits, key, text.decode(encoding, "replace"))


def _scan_png(src: _Src) -> Iterator[Marker]:
    for pos, kind, length in _png_chunks(src):
        if kind in (b"tEXt", b"zTXt", b"iTXt"):
            yield from _png_text_markers(src, pos, kind, length)
        elif kind in (b"caBX", b"eXIf"):
            analyse = _c2pa_hits if kind == b"caBX" else _exif_hits
            data = src.payload(pos + 8, length, "PNG chunk")
            yield from _emit(f"PNG {kind.decode()} chunk at byte {pos}", pos, analyse, data)


# --- RIFF (WebP, WAV, AVI) ------------------------------------------------------------------

_RIFF_FORMS = {b"WEBP": "WebP", b"WAVE": "WAV", b"AVI ": "AVI"}
_RIFF_PAYLOADS = {b"XMP ": _xmp_hits, b"_PMX": _xmp_hits, b"C2PA": _c2pa_hits, b"EXIF": _exif_hits}


def _riff_extent(src: _Src, head: bytes) -> tuple[int, int | None]:
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


def _scan_riff(src: _Src) -> Iterator[Marker]:
    head = src.read(0, 12, "RIFF header")
    label = _RIFF_FORMS.get(head[8:12], "RIFF")
    end, data_size = _riff_extent(src, head)
    pos = 12
    while pos + 8 <= end:
        chunk_id, size = struct.unpack("<4sI", src.read(pos, 8, "RIFF chunk header"))
        if chunk_id == b"data" and size == 0xFFFFFFFF and data_size is not None:
            size = data_size
        if pos + 8 + size > end:
            raise UnreadableFile(f"truncated RIFF chunk '{_printable(chunk_id)}' at byte {pos}")
        if analyse := _RIFF_PAYLOADS.get(chunk_id):
            where = f"{label} RIFF chunk '{_printable(chunk_id)}' at byte {pos}"
            yield from _emit(where, pos, analyse, src.payload(pos + 8, size, "RIFF chunk"))
        pos += 8 + size + (size & 1)


# --- ISO-BMFF (MP4, MOV, M4A, HEIF) ---------------------------------------------------------

_BMFF_TOP = {b"moov", b"mdat", b"free", b"skip", b"wide", b"pnot", b"uuid"}
_BMFF_LABELS = {
    b"qt  ": "MOV",
    b"M4A ": "M4A",
    b"heic": "HEIF",
    b"heix": "HEIF",
    b"mif1": "HEIF",
    b"avif": "AVIF",
}
_BMFF_DESCEND = {("", b"moov"), ("moov/", b"udta")}
_UUID_XMP = bytes.fromhex("be7acfcb97a942e89c71999491e3afac")
_UUID_C2PA = bytes.fromhex("d8fec3d61b0e483c92975828877ec481")


def _scan_bmff(src: _Src) -> Iterator[Marker]:
    head = src.read(0, min(src.size, 12), "ISO-BMFF header")
    label = _BMFF_LABELS.get(head[8:12], "MP4") if head[4:8] == b"ftyp" else "MP4"
    yield from _bmff_boxes(src, 0, src.size, label, "")


def _bmff_boxes(src: _Src, start: int, end: int, label: str, parent: str) -> Iterator[Marker]:
    for box in _boxes(src, start, end, f"{label} box"):
        kind, pos, body, box_end = box
        path = parent + _printable(kind)
        if kind == b"uuid":
            yield from _bmff_uuid(src, label, path, box)
        elif kind == b"XMP_":
            where = f"{label} box {path} at byte {pos}"
            yield from _emit(where, pos, _xmp_hits, src.payload(body, box_end - body, f"{label} box"))
        elif (parent, kind) in _BMFF_DESCEND:
            yield from _bmff_boxes(src, body, box_end, label, path + "/")


def _bmff_uuid(src: _Src, label: str, path: str, box: _Box) -> Iterator[Marker]:
    _, pos, body, end = box
    if end - body < 16:
        raise UnreadableFile(f"corrupt {label} uuid box at byte {pos}")
    user_type, body = src.read(body, 16, f"{label} uuid box"), body + 16
    if user_type == _UUID_XMP:
        where = f"{label} box {path} (XMP) at byte {pos}"
        yield from _emit(where, pos, _xmp_hits, src.payload(body, end - body, f"{label} uuid box"))
    elif user_type == _UUID_C2PA:
        purpose, nul, _ = src.read(body, min(end - body, 80), f"{label} uuid box")[4:].partition(b"\0")
        store = body + 4 + len(purpose) + 1 + 8
        if not nul or store > end:
            raise UnreadableFile(f"corrupt C2PA {label} uuid box at byte {pos}")
        if purpose != b"merkle":
            where = f"{label} box {path} (C2PA) at byte {pos}"
            yield from _emit(where, pos, _c2pa_hits, src.payload(store, end - store, f"{label} uuid box"))


# --- ID3v2 (MP3) ----------------------------------------------------------------------------

_ID3_STRING = {False: re.compile(rb"[^\0]*\0"), True: re.compile(rb"(?:..)*?\0\0", re.S)}  # by "is UTF-16"


def _synchsafe(raw: bytes) -> int:
    return sum((b & 0x7F) << (7 * i) for i, b in enumerate(reversed(raw)))


def _resync(data: bytes) -> bytes:
    return data.replace(b"\xff\x00", b"\xff")


def _is_mpeg_audio(head: bytes) -> bool:
    return len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0 and head[1] & 0x06 != 0


def _scan_id3(src: _Src) -> Iterator[Marker]:
    if src.read(0, min(src.size, 3), "ID3v2 header") == b"ID3":
        yield from _id3_tag(src, 0)
    end = src.size
    if end >= 128 and src.read(end - 128, 3, "ID3v1 tag") == b"TAG":
        end -= 128
    if end >= 20 and (footer := src.read(end - 10, 10, "ID3v2 footer"))[:3] == b"3DI":
        start = end - 20 - _synchsafe(footer[6:10])
        if start < 0:
            raise UnreadableFile(f"corrupt ID3v2 footer at byte {end - 10}")
        yield from _id3_tag(src, start)


def _id3_tag(src: _Src, start: int) -> Iterator[Marker]:
    head = src.read(start, 10, "ID3v2 header")
    if head[:3] != b"ID3" or head[3] not in (2, 3, 4) or any(b & 0x80 for b in head[6:10]):
        raise UnreadableFile(f"corrupt ID3v2 header at byte {start}")
    version, flags, end = head[3], head[5], start + 10 + _synchsafe(head[6:10])
    if end > src.size:
        raise UnreadableFile(f"truncated ID3v2 tag at byte {start}")
    if version == 2:  # ID3v2.2 has neither PRIV nor the frame layout below
        return
    tag, shift, pos = src, 0, start + 10
    if flags & 0x80 and version == 3:  # whole-tag unsynchronisation; offsets become approximate
        tag = _Src.of(_resync(src.payload(pos, end - pos, "ID3v2 tag")))
        shift, pos, end = pos, 0, tag.size
    if flags & 0x40:
        size = tag.read(pos, 4, "ID3v2 extended header")
        pos += _synchsafe(size) if version == 4 else 4 + int.from_bytes(size, "big")
    for frame_pos, frame_id, data in _id3_frames(tag, pos, end, version):
        yield from _id3_frame_markers(frame_pos + shift, frame_id, data)


def _id3_frames(src: _Src, pos: int, end: int, version: int) -> Iterator[tuple[int, bytes, bytes]]:
    """``(offset, id, data)`` of the PRIV and GEOB frames in ``[pos, end)``."""
    while pos + 10 <= end:
        frame_id, raw_size, flags = struct.unpack(">4s4sH", src.read(pos, 10, "ID3v2 frame header"))
        if frame_id[0] == 0:
            return
        size = _synchsafe(raw_size) if version == 4 else int.from_bytes(raw_size, "big")
        if pos + 10 + size > end:
            raise UnreadableFile(f"truncated ID3v2 frame at byte {pos}")
        hidden = flags & (0x000C if version == 4 else 0x00C0)  # compressed or encrypted
        if frame_id in (b"PRIV", b"GEOB") and not hidden:
            data = src.payload(pos + 10, size, "ID3v2 frame")
            if version == 4 and flags & 0x0001:
                data = data[4:]
            yield pos, frame_id, _resync(data) if version == 4 and flags & 0x0002 else data
        pos += 10 + size


def _id3_frame_markers(pos: int, frame_id: bytes, data: bytes) -> Iterator[Marker]:
    if frame_id == b"PRIV":
        owner, _, value = data.partition(b"\0")
        if owner == b"XMP":
            yield from _emit(f"ID3v2 PRIV 'XMP' frame at byte {pos}", pos, _xmp_hits, value)
        return
    mime, _, rest = data[1:].partition(b"\0")
    if b"c2pa" in mime.lower():
        string = _ID3_STRING[data[0] in (1, 2)]
        for _ in range(2):  # file name, then description
            if terminated := string.match(rest):
                rest = rest[terminated.end() :]
        where = f"ID3v2 GEOB '{_printable(mime)}' frame at byte {pos}"
        yield from _emit(where, pos, _c2pa_hits, rest)


# --- PDF ------------------------------------------------------------------------------------

_PDF_STREAM = re.compile(rb"(?<!end)stream\r?\n")
_PDF_C2PA_REFERENCE = re.compile(rb"/AFRelationship\s*/C2PA_Manifest|/application#2Fc2pa")


def _c2pa_store_spans(blob: bytes) -> Iterator[tuple[int, int]]:
    """``(offset, declared length)`` of each C2PA manifest store in ``blob``."""
    pos = blob.find(_C2PA_SIGNATURE)
    while pos >= 0:
        if pos >= 12 and blob[pos - 8 : pos - 4] == b"jumb":
            yield pos - 12, int.from_bytes(blob[pos - 12 : pos - 8], "big")
        elif pos >= 20 and blob[pos - 20 : pos - 12] == b"\0\0\0\1jumb":  # 64-bit XLBox
            yield pos - 20, int.from_bytes(blob[pos - 12 : pos - 4], "big")
        pos = blob.find(_C2PA_SIGNATURE, pos + 1)


def _pdf_windows(src: _Src) -> list[tuple[int, bytes]]:
    """The head and the tail of the file, where PDF writers put metadata and updates."""
    width = min(_PDF_WINDOW, src.cap)
    starts = [0] if src.size <= width else [0, src.size - width]
    return [(start, src.read(start, min(width, src.size), "PDF")) for start in starts]


def _pdf_flate_streams(
    windows: list[tuple[int, bytes]], wanted: Callable[[bytes], bool], cap: int
) -> Iterator[tuple[int, bytes]]:
    """``(offset, inflated data)`` of the Flate streams whose dictionary ``wanted`` accepts."""
    budget = cap
    for base, blob in windows:
        for m in _PDF_STREAM.finditer(blob):
            dictionary = blob[max(0, blob.rfind(b"obj", max(0, m.start() - 4096), m.start())) : m.start()]
            if budget <= 0 or b"/FlateDecode" not in dictionary or not wanted(dictionary):
                continue
            end = blob.find(b"endstream", m.end())
            try:
                data = zlib.decompressobj().decompress(blob[m.end() : end if end >= 0 else len(blob)], budget)
            except zlib.error:
                continue
            budget -= len(data)
            yield base + m.start(), data


def _scan_pdf(src: _Src) -> Iterator[Marker]:
    if b"%%EOF" not in src.read(max(0, src.size - 1024), min(src.size, 1024), "PDF trailer"):
        raise UnreadableFile(f"PDF without %%EOF in its last 1024 bytes (truncated at byte {src.size}?)")
    windows = _pdf_windows(src)
    stores = 0
    for base, blob in windows:
        for pos, packet in _regions(blob, _XMP_START, _XMP_END):
            yield from _emit(f"PDF XMP packet at byte {base + pos}", base + pos, _xmp_hits, packet)
        for pos, length in _c2pa_store_spans(blob):
            stores += 1
            at = base + pos
            store = src.payload(at, min(length, src.size - at), "PDF C2PA manifest store")
            yield from _emit(f"PDF embedded C2PA manifest store at byte {at}", at, _c2pa_hits, store)
    references = [base + m.start() for base, blob in windows for m in _PDF_C2PA_REFERENCE.finditer(blob)]
    need_all = bool(references) and not stores

    def wanted(dictionary: bytes) -> bool:
        if b"/Metadata" in dictionary or b"/EmbeddedFile" in dictionary or b"c2pa" in dictionary.lower():
            return True
        return need_all and b"/Image" not in dictionary

    for pos, data in _pdf_flate_streams(windows, wanted, src.cap):
        where = f"PDF Flate stream at byte {pos}"
        for _, packet in _regions(data, _XMP_START, _XMP_END):
            yield from _emit(where, pos, _xmp_hits, packet)
        for start, length in _c2pa_store_spans(data):
            stores += 1
            yield from _emit(where, pos, _c2pa_hits, data[start : start + length])
    if references and not stores:
        where = f"PDF C2PA_Manifest attachment reference at byte {references[0]}"
        yield Marker("c2pa-undecoded", "C2PA manifest attachment not decodable", where, references[0], False)


# --- SVG and other XML ----------------------------------------------------------------------

_XML_STARTS = (b"<?xml", b"<svg", b"<x:xmpmeta", b"<?xpacket", b"<!DOCTYPE svg")
_METADATA_START = re.compile(rb"<(?:[\w.-]+:)?metadata\b")
_METADATA_END = re.compile(rb"</(?:[\w.-]+:)?metadata\s*>")
_SVG_C2PA = re.compile(rb"<c2pa:manifest\b[^>]*>([^<]*)</c2pa:manifest\s*>")


def _scan_xml(src: _Src) -> Iterator[Marker]:
    blob = src.payload(0, src.size, "XML document")
    label = "SVG" if b"<svg" in blob[:4096] else "XML"
    regions = list(_regions(blob, _METADATA_START, _METADATA_END))
    element = "<metadata> element" if regions else "XMP packet"
    for pos, region in regions or _regions(blob, _XMP_START, _XMP_END):
        yield from _emit(f"{label} {element} at byte {pos}", pos, _xmp_hits, region)
    for m in _SVG_C2PA.finditer(blob):
        where = f"{label} <c2pa:manifest> element at byte {m.start()}"
        yield from _emit(where, m.start(), _c2pa_base64_hits, m[1])


def _scan_jumbf(src: _Src) -> Iterator[Marker]:
    store = src.payload(0, src.size, "C2PA manifest store")
    yield from _emit("C2PA manifest store file", 0, _c2pa_hits, store)


# --- entry point ----------------------------------------------------------------------------


def _is_bmff(head: bytes, size: int) -> bool:
    """An ``ftyp`` box first, or a legacy QuickTime top-level box whose size fits the file."""
    if head[4:8] in (b"ftyp", b"styp"):
        return True
    first_size = int.from_bytes(head[:4], "big")
    return head[4:8] in _BMFF_TOP and (first_size == 1 or 8 <= first_size <= size)


def _walker(head: bytes, size: int) -> Callable[[_Src], Iterable[Marker]] | None:
    """The scanner for a file of ``size`` bytes starting with ``head``, or ``None`` if it has none."""
    if head.startswith(b"\xff\xd8\xff"):
        return _scan_jpeg
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return _scan_png
    if head[:4] in (b"RIFF", b"RF64", b"BW64"):
        return _scan_riff
    if head[:4] in _TIFF_HEADERS:
        return _scan_tiff
    if _is_bmff(head, size):
        return _scan_bmff
    if head[4:8] == b"jumb" and head[12:32] == _C2PA_SIGNATURE:
        return _scan_jumbf
    if head.startswith(b"ID3") or _is_mpeg_audio(head):
        return _scan_id3
    if head.startswith(b"%PDF-"):
        return _scan_pdf
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(_XML_STARTS):
        return _scan_xml
    return None


def scan(path: str | os.PathLike[str], *, max_payload: int = 16 * _MiB) -> list[Marker]:
    """Provenance markers in the file at ``path``, in the order found, without duplicates.

    Reads only container headers and metadata payloads, each capped at ``max_payload`` bytes.
    Raises :class:`UnreadableFile` when the file cannot be opened or its structure is corrupt.
    """
    if max_payload < 1:
        raise ValueError("max_payload must be positive")
    try:
        mode = os.stat(path).st_mode
        if not stat.S_ISREG(mode):
            raise UnreadableFile("is a directory" if stat.S_ISDIR(mode) else "not a regular file")
        with open(path, "rb", buffering=0) as f:
            src = _Src(f, os.fstat(f.fileno()).st_size, max_payload)
            walk = _walker(src.read(0, min(src.size, 256), "file header"), src.size)
            return list(dict.fromkeys(walk(src))) if walk else []
    except OSError as exc:
        raise UnreadableFile(exc.strerror.lower() if exc.strerror else str(exc)) from None
