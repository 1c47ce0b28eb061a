"""Tests for the byte-level provenance scanner. Every fixture except the real C2PA files is built here."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import random
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest

from genai_lint import provenance
from genai_lint.provenance import Marker, UnreadableFile

DST = "http://cv.iptc.org/newscodes/digitalsourcetype/"
GIB = 1024**3
BLOCK = provenance.source.BLOCK
DCTERMS = "http://purl.org/dc/terms/"


def scan(path: Path, **options: int) -> list[Marker]:
    """The markers the scanner finds in ``path``; :class:`UnreadableFile` when it reports a problem."""
    result = provenance.scan(path, **options)
    if result.problem:
        raise UnreadableFile(result.problem)
    return list(result.markers)


# --- builders -------------------------------------------------------------------------------


def xmp(value: str = DST + "trainedAlgorithmicMedia", *, form: str = "element") -> bytes:
    """An XMP packet carrying ``value`` as Iptc4xmpExt:DigitalSourceType (or no DST for form="clean")."""
    ns = 'xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/" '
    ns += 'xmlns:xmp="http://ns.adobe.com/xap/1.0/"'
    tag = "Iptc4xmpExt:DigitalSourceType"
    body = {
        "element": f"<rdf:Description {ns}><{tag}>{value}</{tag}>",
        "attribute": f'<rdf:Description {ns} Iptc4xmpExt:DigitalSourceType="{value}">',
        "resource": f'<rdf:Description {ns}><Iptc4xmpExt:DigitalSourceType rdf:resource="{value}"/>',
        "clean": f"<rdf:Description {ns}><xmp:CreatorTool>Camera 1.0</xmp:CreatorTool>",
        "provenance": f'<rdf:Description xmlns:dcterms="{DCTERMS}" dcterms:provenance="{value}">',
    }[form]
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
        f'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">{body}</rdf:Description>'
        '</rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
    ).encode()


def cbor(value: object) -> bytes:
    def head(major: int, n: int) -> bytes:
        if n < 24:
            return bytes([major << 5 | n])
        size = next(s for s in (1, 2, 4, 8) if n < 1 << (8 * s))
        return bytes([major << 5 | {1: 24, 2: 25, 4: 26, 8: 27}[size]]) + n.to_bytes(size, "big")

    if isinstance(value, int):
        return head(0, value) if value >= 0 else head(1, -1 - value)
    if isinstance(value, str):
        return head(3, len(value.encode())) + value.encode()
    if isinstance(value, bytes):
        return head(2, len(value)) + value
    if isinstance(value, list):
        return head(4, len(value)) + b"".join(map(cbor, value))
    assert isinstance(value, dict)
    return head(5, len(value)) + b"".join(cbor(k) + cbor(v) for k, v in value.items())


def box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


def superbox(code: bytes, label: str, *children: bytes) -> bytes:
    jumd = code + bytes.fromhex("00110010800000aa00389b71") + b"\x03" + label.encode() + b"\0"
    return box(b"jumb", box(b"jumd", jumd) + b"".join(children))


def assertion(label: str, content: bytes, kind: bytes = b"cbor") -> bytes:
    return superbox(kind, label, box(kind, content))


def manifest(label: str, *assertions: bytes, code: bytes = b"c2ma") -> bytes:
    return superbox(code, label, superbox(b"c2as", "c2pa.assertions", *assertions))


def actions(*pairs: tuple[str, str], label: str = "c2pa.actions.v2") -> bytes:
    acts = [{"action": a, "digitalSourceType": DST + t} if t else {"action": a} for a, t in pairs]
    return assertion(label, cbor({"actions": acts}))


def c2pa(*pairs: tuple[str, str]) -> bytes:
    """A C2PA store with one manifest whose actions carry the given (action, term) pairs."""
    return superbox(
        b"c2pa", "c2pa", manifest("urn:uuid:1", actions(*pairs), assertion("c2pa.hash.data", cbor({})))
    )


AI_STORE = c2pa(("c2pa.created", "trainedAlgorithmicMedia"))
CAMERA_STORE = c2pa(("c2pa.created", "digitalCapture"), ("c2pa.color_adjustments", ""))


def segment(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + (len(payload) + 2).to_bytes(2, "big") + payload


def jpeg(*segments: bytes) -> bytes:
    app0 = segment(0xE0, b"JFIF\0\1\2\0\0\1\0\1\0\0")
    return b"\xff\xd8" + app0 + b"".join(segments) + SOS_EOI


def app11(store: bytes, size: int = 60000) -> bytes:
    """The store as consecutive APP11 JUMBF segments, each continuation repeating the box header."""
    chunks = [store[:size]] + [store[:8] + store[i : i + size] for i in range(size, len(store), size)]
    return b"".join(segment(0xEB, b"JP\0\1" + (n + 1).to_bytes(4, "big") + c) for n, c in enumerate(chunks))


def tiff(ifd0: dict[int, bytes], exif: dict[int, bytes] | None = None, *, big: bool = False) -> bytes:
    """A little-endian TIFF (or BigTIFF) whose IFD0 (and Exif IFD) hold UNDEFINED values."""
    fmt, head = (
        ("<HHQ8s", b"II+\0\x08\0\0\0" + (16).to_bytes(8, "little")) if big else ("<HHI4s", b"II*\0\x08\0\0\0")
    )
    width, field = (8, 8) if big else (2, 4)

    def ifd(entries: dict[int, bytes], at: int) -> bytes:
        table, data = b"", b""
        data_at = at + width + len(entries) * struct.calcsize(fmt) + field
        for tag, value in sorted(entries.items()):
            inline = len(value) <= field
            ref = value.ljust(field, b"\0") if inline else (data_at + len(data)).to_bytes(field, "little")
            table += struct.pack(fmt, tag, 7, len(value), ref)
            data += b"" if inline else value
        return len(entries).to_bytes(width, "little") + table + bytes(field) + data

    entries = dict(ifd0)
    if exif is not None:
        entries[34665] = bytes(field)
        first = ifd(entries, len(head))
        entries[34665] = (len(head) + len(first)).to_bytes(field, "little")
    body = ifd(entries, len(head))
    return head + body + (ifd(exif, len(head) + len(body)) if exif is not None else b"")


def user_comment(text: str) -> bytes:
    return tiff({}, {37510: b"UNICODE\0" + text.encode("utf-16-be")})


def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I4s", len(data), kind) + data + zlib.crc32(kind + data).to_bytes(4, "big")


def png(*chunks: bytes) -> bytes:
    ihdr = chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
    idat = chunk(b"IDAT", zlib.compress(b"\0\xff\0\0"))
    return b"\x89PNG\r\n\x1a\n" + ihdr + b"".join(chunks) + idat + chunk(b"IEND", b"")


def itxt(key: str, text: bytes, compressed: bool = False) -> bytes:
    body = zlib.compress(text) if compressed else text
    return chunk(b"iTXt", key.encode() + b"\0" + bytes([compressed, 0]) + b"\0\0" + body)


def text(key: str, value: str) -> bytes:
    return chunk(b"tEXt", key.encode("latin-1") + b"\0" + value.encode("latin-1"))


def riff_chunk(kind: bytes, data: bytes) -> bytes:
    return kind + struct.pack("<I", len(data)) + data + b"\0" * (len(data) & 1)


def riff(form: bytes, *chunks: bytes) -> bytes:
    body = form + b"".join(chunks)
    return b"RIFF" + struct.pack("<I", len(body)) + body


WAV_FMT = riff_chunk(b"fmt ", struct.pack("<HHIIHH", 1, 1, 8000, 8000, 1, 8))
WEBP_VP8X = riff_chunk(b"VP8X", bytes(10))


def mp4_box(kind: bytes, payload: bytes, *, large: bool = False) -> bytes:
    if large:
        return struct.pack(">I4sQ", 1, kind, 16 + len(payload)) + payload
    return box(kind, payload)


UUID_XMP = bytes.fromhex("be7acfcb97a942e89c71999491e3afac")
UUID_C2PA = bytes.fromhex("d8fec3d61b0e483c92975828877ec481")


def c2pa_uuid(store: bytes, purpose: bytes = b"manifest") -> bytes:
    return mp4_box(b"uuid", UUID_C2PA + bytes(4) + purpose + b"\0" + bytes(8) + store)


def ftyp(brand: bytes = b"isom") -> bytes:
    return mp4_box(b"ftyp", brand + bytes(4) + brand + b"mp41")


def synchsafe(n: int) -> bytes:
    return bytes((n >> s) & 0x7F for s in (21, 14, 7, 0))


def id3(*frames: bytes, version: int = 3) -> bytes:
    body = b"".join(frames) + bytes(16)
    return b"ID3" + bytes([version, 0, 0]) + synchsafe(len(body)) + body


def id3_frame(kind: bytes, data: bytes, version: int = 3, flags: int = 0) -> bytes:
    size = synchsafe(len(data)) if version == 4 else struct.pack(">I", len(data))
    return kind + size + flags.to_bytes(2, "big") + data


def geob(store: bytes, version: int = 3) -> bytes:
    return id3_frame(b"GEOB", b"\0application/c2pa\0c2pa\0c2pa manifest store\0" + store, version)


MPEG_FRAME = b"\xff\xfb\x90\x00" + bytes(200)


def pdf(*objects: bytes) -> bytes:
    body = b"".join(b"%d 0 obj\n" % (n + 1) + o + b"\nendobj\n" for n, o in enumerate(objects))
    return b"%PDF-1.7\n" + body + b"trailer\n<</Root 1 0 R>>\nstartxref\n0\n%%EOF\n"


def pdf_stream(dictionary: bytes, data: bytes) -> bytes:
    return b"<<" + dictionary + b"/Length %d>>stream\n" % len(data) + data + b"\nendstream"


def svg(inner: bytes) -> bytes:
    return b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><rect/>' + inner + b"</svg>\n"


APP1_XMP = segment(0xE1, b"http://ns.adobe.com/xap/1.0/\0" + xmp())
SOS_EOI = segment(0xDA, b"\1\1\0\0\x3f\0") + b"\x12\x34\xff\xd9"
PRIV_XMP = b"XMP\0" + xmp()
STORE_XLBOX = struct.pack(">I4sQ", 1, b"jumb", 16 + len(AI_STORE) - 8) + AI_STORE[8:]
A1111 = "a castle\nNegative prompt: blurry\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 1"
COMFY_PROMPT = json.dumps({"3": {"class_type": "KSampler", "inputs": {"seed": 1}}})
COMFY_WORKFLOW = json.dumps({"last_node_id": 9, "nodes": [{"id": 3, "type": "KSampler"}]})


# --- fixtures: (file bytes, expected markers as (kind, value, generative, where, offset)) ----------

AI = "trainedAlgorithmicMedia"
WEBP_EXIF_AT = 30 + 8 + len(AI_STORE) + (len(AI_STORE) & 1)
C2PA_NOTE = "C2PA manifest urn:uuid:1, assertion c2pa.actions.v2, action c2pa.created"

DETECTED: dict[str, tuple[bytes, list[tuple[str, str, bool, str, int]]]] = {
    "jpeg-xmp": (
        jpeg(APP1_XMP),
        [("iptc-digital-source-type", AI, True, "JPEG APP1 XMP segment at byte 20", 20)],
    ),
    "jpeg-fill-bytes-and-rst": (
        b"\xff\xd8" + b"\xff" * 5 + b"\xd0" + APP1_XMP + SOS_EOI,
        [("iptc-digital-source-type", AI, True, "JPEG APP1 XMP segment at byte 8", 8)],
    ),
    "jpeg-c2pa": (
        jpeg(app11(AI_STORE)),
        [("c2pa-generative-action", AI, True, f"JPEG APP11 C2PA JUMBF segment at byte 20: {C2PA_NOTE}", 20)],
    ),
    "jpeg-exif-usercomment": (
        jpeg(segment(0xE1, b"Exif\0\0" + user_comment(A1111))),
        [
            (
                "generator-fingerprint",
                "AUTOMATIC1111 parameters",
                True,
                "JPEG APP1 Exif segment at byte 20: Exif tag 37510 (UserComment)",
                20,
            )
        ],
    ),
    "png-itxt-xmp": (
        png(itxt("XML:com.adobe.xmp", xmp())),
        [("iptc-digital-source-type", AI, True, "PNG iTXt 'XML:com.adobe.xmp' chunk at byte 33", 33)],
    ),
    "png-itxt-xmp-compressed": (
        png(itxt("XML:com.adobe.xmp", xmp(), compressed=True)),
        [("iptc-digital-source-type", AI, True, "PNG iTXt 'XML:com.adobe.xmp' chunk at byte 33", 33)],
    ),
    "png-cabx": (
        png(chunk(b"caBX", AI_STORE)),
        [("c2pa-generative-action", AI, True, f"PNG caBX chunk at byte 33: {C2PA_NOTE}", 33)],
    ),
    "png-a1111": (
        png(text("parameters", A1111)),
        [
            (
                "generator-fingerprint",
                "AUTOMATIC1111 parameters",
                True,
                "PNG tEXt 'parameters' chunk at byte 33",
                33,
            )
        ],
    ),
    "png-a1111-ztxt-after-idat": (
        png(chunk(b"IDAT", b""), chunk(b"zTXt", b"parameters\0\0" + zlib.compress(A1111.encode()))),
        [
            (
                "generator-fingerprint",
                "AUTOMATIC1111 parameters",
                True,
                "PNG zTXt 'parameters' chunk at byte 45",
                45,
            )
        ],
    ),
    "png-comfyui": (
        png(text("prompt", COMFY_PROMPT), text("workflow", COMFY_WORKFLOW)),
        [
            ("generator-fingerprint", "ComfyUI prompt", True, "PNG tEXt 'prompt' chunk at byte 33", 33),
            (
                "generator-fingerprint",
                "ComfyUI workflow",
                True,
                f"PNG tEXt 'workflow' chunk at byte {33 + 12 + 7 + len(COMFY_PROMPT)}",
                33 + 12 + 7 + len(COMFY_PROMPT),
            ),
        ],
    ),
    "png-invokeai": (
        png(text("invokeai_metadata", '{"model": "sdxl", "seed": 3}')),
        [
            (
                "generator-fingerprint",
                "InvokeAI invokeai_metadata",
                True,
                "PNG tEXt 'invokeai_metadata' chunk at byte 33",
                33,
            )
        ],
    ),
    "png-invokeai-dream": (
        png(text("Dream", '"a fantasy landscape" -s 50 -W 512 -H 512 -C 7.5 -A k_lms -S 42')),
        [("generator-fingerprint", "InvokeAI Dream", True, "PNG tEXt 'Dream' chunk at byte 33", 33)],
    ),
    "png-novelai": (
        png(text("Software", "NovelAI")),
        [("generator-fingerprint", "NovelAI Software", True, "PNG tEXt 'Software' chunk at byte 33", 33)],
    ),
    "png-exif": (
        png(chunk(b"eXIf", user_comment(A1111))),
        [
            (
                "generator-fingerprint",
                "AUTOMATIC1111 parameters",
                True,
                "PNG eXIf chunk at byte 33: Exif tag 37510 (UserComment)",
                33,
            )
        ],
    ),
    "webp-xmp-c2pa-exif": (
        riff(
            b"WEBP",
            WEBP_VP8X,
            riff_chunk(b"C2PA", AI_STORE),
            riff_chunk(b"EXIF", b"Exif\0\0" + user_comment(A1111)),
        ),
        [
            ("c2pa-generative-action", AI, True, f"WebP RIFF chunk 'C2PA' at byte 30: {C2PA_NOTE}", 30),
            (
                "generator-fingerprint",
                "AUTOMATIC1111 parameters",
                True,
                f"WebP RIFF chunk 'EXIF' at byte {WEBP_EXIF_AT}: Exif tag 37510 (UserComment)",
                WEBP_EXIF_AT,
            ),
        ],
    ),
    "webp-xmp": (
        riff(b"WEBP", WEBP_VP8X, riff_chunk(b"XMP ", xmp())),
        [("iptc-digital-source-type", AI, True, "WebP RIFF chunk 'XMP ' at byte 30", 30)],
    ),
    "wav-pmx-after-data": (
        riff(b"WAVE", WAV_FMT, riff_chunk(b"data", bytes(1001)), riff_chunk(b"_PMX", xmp())),
        [("iptc-digital-source-type", AI, True, "WAV RIFF chunk '_PMX' at byte 1046", 1046)],
    ),
    "wav-c2pa": (
        riff(b"WAVE", WAV_FMT, riff_chunk(b"data", bytes(8)), riff_chunk(b"C2PA", AI_STORE)),
        [("c2pa-generative-action", AI, True, f"WAV RIFF chunk 'C2PA' at byte 52: {C2PA_NOTE}", 52)],
    ),
    "mp4-uuid-xmp-c2pa": (
        ftyp()
        + c2pa_uuid(AI_STORE)
        + mp4_box(b"mdat", bytes(64), large=True)
        + mp4_box(b"uuid", UUID_XMP + xmp()),
        [
            ("c2pa-generative-action", AI, True, f"MP4 box uuid (C2PA) at byte 24: {C2PA_NOTE}", 24),
            (
                "iptc-digital-source-type",
                AI,
                True,
                f"MP4 box uuid (XMP) at byte {24 + 8 + 16 + 4 + 9 + 8 + len(AI_STORE) + 80}",
                24 + 8 + 16 + 4 + 9 + 8 + len(AI_STORE) + 80,
            ),
        ],
    ),
    "mov-moov-at-end": (
        ftyp(b"qt  ")
        + mp4_box(b"mdat", bytes(100))
        + mp4_box(b"moov", mp4_box(b"mvhd", bytes(100)) + mp4_box(b"udta", mp4_box(b"XMP_", xmp()))),
        [("iptc-digital-source-type", AI, True, "MOV box moov/udta/XMP_ at byte 256", 256)],
    ),
    "heif-c2pa-size0-mdat": (
        ftyp(b"heic") + c2pa_uuid(AI_STORE) + struct.pack(">I4s", 0, b"mdat") + bytes(50),
        [("c2pa-generative-action", AI, True, f"HEIF box uuid (C2PA) at byte 24: {C2PA_NOTE}", 24)],
    ),
    "tiff-xmp": (
        tiff({700: xmp()}),
        [("iptc-digital-source-type", AI, True, "TIFF tag 700 (XMP) at byte 26", 26)],
    ),
    "bigtiff-c2pa": (
        tiff({52545: AI_STORE}, big=True),
        [("c2pa-generative-action", AI, True, f"TIFF tag 52545 (C2PA) at byte 52: {C2PA_NOTE}", 52)],
    ),
    "mp3-priv-xmp": (
        id3(id3_frame(b"PRIV", b"XMP\0" + xmp())) + MPEG_FRAME,
        [("iptc-digital-source-type", AI, True, "ID3v2 PRIV 'XMP' frame at byte 10", 10)],
    ),
    "mp3-id3v23-extended-header": (
        b"ID3\x03\0\x40"
        + synchsafe(10 + 10 + len(PRIV_XMP))
        + b"\0\0\0\x06"
        + bytes(6)
        + id3_frame(b"PRIV", PRIV_XMP),
        [("iptc-digital-source-type", AI, True, "ID3v2 PRIV 'XMP' frame at byte 20", 20)],
    ),
    "mp3-id3v24-data-length-indicator": (
        id3(id3_frame(b"PRIV", synchsafe(len(PRIV_XMP)) + PRIV_XMP, 4, flags=1), version=4),
        [("iptc-digital-source-type", AI, True, "ID3v2 PRIV 'XMP' frame at byte 10", 10)],
    ),
    "mp3-geob-c2pa-v24": (
        id3(id3_frame(b"TIT2", b"\0title", 4), geob(AI_STORE, 4), version=4) + MPEG_FRAME,
        [
            (
                "c2pa-generative-action",
                AI,
                True,
                f"ID3v2 GEOB 'application/c2pa' frame at byte 26: {C2PA_NOTE}",
                26,
            )
        ],
    ),
    "pdf-xmp": (
        pdf(b"<</Type/Catalog>>", pdf_stream(b"/Type/Metadata/Subtype/XML", xmp())),
        [("iptc-digital-source-type", AI, True, "PDF XMP packet at byte 98", 98)],
    ),
    "pdf-xmp-flate": (
        pdf(pdf_stream(b"/Type/Metadata/Subtype/XML/Filter/FlateDecode", zlib.compress(xmp()))),
        [("iptc-digital-source-type", AI, True, "PDF Flate stream at byte 77", 77)],
    ),
    "pdf-c2pa": (
        pdf(
            b"<</AFRelationship/C2PA_Manifest/EF<</F 2 0 R>>>>",
            pdf_stream(b"/Subtype/application#2Fc2pa", AI_STORE),
        ),
        [
            (
                "c2pa-generative-action",
                AI,
                True,
                f"PDF embedded C2PA manifest store at byte 130: {C2PA_NOTE}",
                130,
            )
        ],
    ),
    "pdf-c2pa-64-bit-box": (
        pdf(pdf_stream(b"/AFRelationship/C2PA_Manifest", STORE_XLBOX)),
        [
            (
                "c2pa-generative-action",
                AI,
                True,
                f"PDF embedded C2PA manifest store at byte 68: {C2PA_NOTE}",
                68,
            )
        ],
    ),
    "pdf-c2pa-flate": (
        pdf(
            b"<</AFRelationship/C2PA_Manifest/EF<</F 2 0 R>>>>",
            pdf_stream(b"/Filter/FlateDecode", zlib.compress(AI_STORE)),
        ),
        [("c2pa-generative-action", AI, True, f"PDF Flate stream at byte 115: {C2PA_NOTE}", 115)],
    ),
    "svg-metadata": (
        svg(b"<metadata>" + xmp(form="attribute") + b"</metadata>"),
        [("iptc-digital-source-type", AI, True, "SVG <metadata> element at byte 69", 69)],
    ),
    "svg-c2pa": (
        svg(b"<c2pa:manifest>" + base64.b64encode(AI_STORE) + b"</c2pa:manifest>"),
        [("c2pa-generative-action", AI, True, f"SVG <c2pa:manifest> element at byte 69: {C2PA_NOTE}", 69)],
    ),
    "html-with-xmp-packet": (
        b"<html><body>" + xmp() + b"</body></html>",
        [("iptc-digital-source-type", AI, True, "XML XMP packet at byte 12", 12)],
    ),
    "subtitles-with-xmp-packet": (
        b"1\n00:00:01,000 --> 00:00:02,000\nHello\n\n" + xmp(),
        [("iptc-digital-source-type", AI, True, "text XMP packet at byte 39", 39)],
    ),
    "xmp-sidecar": (xmp(), [("iptc-digital-source-type", AI, True, "XML XMP packet at byte 0", 0)]),
    "c2pa-sidecar": (
        AI_STORE,
        [("c2pa-generative-action", AI, True, f"C2PA manifest store file: {C2PA_NOTE}", 0)],
    ),
}

CLEAN: dict[str, bytes] = {
    "jpeg": jpeg(segment(0xE1, b"http://ns.adobe.com/xap/1.0/\0" + xmp(form="clean"))),
    "jpeg-camera-c2pa": jpeg(app11(CAMERA_STORE)),
    "jpeg-exif-plain-comment": jpeg(segment(0xE1, b"Exif\0\0" + user_comment("holiday photo"))),
    "png": png(itxt("XML:com.adobe.xmp", xmp(form="clean")), text("Comment", "Steps: 20")),
    "png-camera-c2pa": png(chunk(b"caBX", CAMERA_STORE)),
    "png-benign-prompt": png(text("prompt", "a castle at dusk"), text("workflow", '{"steps": [1, 2]}')),
    "png-json-prompt-without-class-type": png(text("prompt", '{"3": {"inputs": {}}}')),
    "png-parameters-not-a1111": png(text("parameters", "exposure: 1/250, iso: 100")),
    "png-software-photoshop": png(text("Software", "Adobe Photoshop")),
    "webp": riff(
        b"WEBP", WEBP_VP8X, riff_chunk(b"XMP ", xmp(form="clean")), riff_chunk(b"C2PA", CAMERA_STORE)
    ),
    "wav": riff(b"WAVE", WAV_FMT, riff_chunk(b"data", bytes(1001)), riff_chunk(b"_PMX", xmp(form="clean"))),
    "mp4": ftyp()
    + c2pa_uuid(CAMERA_STORE)
    + mp4_box(b"mdat", bytes(64))
    + mp4_box(b"uuid", UUID_XMP + xmp(form="clean")),
    "mp4-merkle-uuid": ftyp() + c2pa_uuid(b"", purpose=b"merkle") + mp4_box(b"mdat", bytes(8)),
    "mov-legacy-without-ftyp": mp4_box(b"wide", b"") + mp4_box(b"mdat", bytes(20)),
    "mov": ftyp(b"qt  ") + mp4_box(b"moov", mp4_box(b"udta", mp4_box(b"XMP_", xmp(form="clean")))),
    "tiff": tiff({700: xmp(form="clean"), 271: b"Canon\0"}),
    "mp3-id3v22": b"ID3\x02\0\0" + synchsafe(20) + b"TT2\0\0\x05\0titl" + bytes(9) + MPEG_FRAME,
    "mp3": id3(id3_frame(b"PRIV", b"XMP\0" + xmp(form="clean")), geob(CAMERA_STORE)) + MPEG_FRAME,
    "pdf": pdf(pdf_stream(b"/Type/Metadata/Subtype/XML", xmp(form="clean"))),
    "pdf-broken-flate-metadata": pdf(pdf_stream(b"/Type/Metadata/Filter/FlateDecode", b"not zlib")),
    "svg": svg(b"<metadata>" + xmp(form="clean") + b"</metadata>"),
    "xml-without-xmp": b'<?xml version="1.0"?><doc>' + DST.encode() + b"trainedAlgorithmicMedia</doc>",
    "text": b"hello, " + DST.encode() + b"trainedAlgorithmicMedia\n",
    "text-with-box-name": b"### free software, see " + DST.encode() + b"trainedAlgorithmicMedia\n",
    "empty": b"",
}


def write(tmp_path: Path, data: bytes, name: str = "f.bin") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def summary(markers: list[Marker]) -> list[tuple[str, str, bool, str, int]]:
    return [(m.kind, m.value, m.generative, m.where, m.offset) for m in markers]


@pytest.mark.parametrize("name", DETECTED)
def test_detects_marker_with_location(tmp_path: Path, name: str) -> None:
    data, expected = DETECTED[name]
    assert summary(scan(write(tmp_path, data))) == expected


@pytest.mark.parametrize("name", CLEAN)
def test_clean_counterpart_has_no_marker(tmp_path: Path, name: str) -> None:
    assert scan(write(tmp_path, CLEAN[name])) == []


# --- digital source type spellings ----------------------------------------------------------


URIS = [
    DST + "trainedAlgorithmicMedia",
    "https://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia",
    "http://cv.iptc.org/newscodes/DigitalSourceType/trainedalgorithmicmedia",
]
TERMS = ["digsrctype:trainedAlgorithmicMedia", "trainedAlgorithmicMedia"]


@pytest.mark.parametrize(
    ("form", "value"),
    [(form, value) for form in ("element", "attribute") for value in URIS + TERMS]
    + [("resource", v) for v in URIS],
)
def test_xmp_spellings(tmp_path: Path, form: str, value: str) -> None:
    markers = scan(write(tmp_path, png(itxt("XML:com.adobe.xmp", xmp(value, form=form)))))
    assert [(m.kind, m.value, m.generative) for m in markers] == [("iptc-digital-source-type", AI, True)]


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("compositeWithTrainedAlgorithmicMedia", [("compositeWithTrainedAlgorithmicMedia", True)]),
        ("compositeSynthetic", [("compositeSynthetic", False)]),
        ("algorithmicMedia", []),
        ("digitalCapture", []),
        ("trainedAlgorithmicMediaX", []),
        ("AlgorithmicMedia", []),
        ("untrainedAlgorithmicMedia", []),
    ],
)
def test_only_whole_generative_terms_count(
    tmp_path: Path, term: str, expected: list[tuple[str, bool]]
) -> None:
    for value in (DST + term, term):
        for data in (
            jpeg(segment(0xE1, b"http://ns.adobe.com/xap/1.0/\0" + xmp(value))),
            tiff({700: xmp(value)}),
        ):
            assert [(m.value, m.generative) for m in scan(write(tmp_path, data))] == expected


def test_external_manifest_reference(tmp_path: Path) -> None:
    remote = xmp("https://cai-manifests.example/abc.c2pa", form="provenance")
    markers = scan(write(tmp_path, jpeg(segment(0xE1, b"http://ns.adobe.com/xap/1.0/\0" + remote))))
    assert [(m.kind, m.value, m.generative) for m in markers] == [
        ("external-manifest", "https://cai-manifests.example/abc.c2pa", False)
    ]
    own = xmp("self#jumbf=/c2pa/urn:uuid:1/c2pa.claim", form="provenance")
    assert scan(write(tmp_path, jpeg(segment(0xE1, b"http://ns.adobe.com/xap/1.0/\0" + own)))) == []


def test_extended_xmp_across_segments(tmp_path: Path) -> None:
    packet = xmp()
    guid = hashlib.md5(packet).hexdigest().upper().encode()
    head = b"http://ns.adobe.com/xmp/extension/\0" + guid + len(packet).to_bytes(4, "big")
    parts = [(0, packet[:300]), (300, packet[300:])]
    segments = [segment(0xE1, head + off.to_bytes(4, "big") + part) for off, part in reversed(parts)]
    markers = scan(write(tmp_path, jpeg(*segments)))
    assert summary(markers) == [
        ("iptc-digital-source-type", AI, True, "JPEG APP1 extended XMP segments from byte 20", 20)
    ]


# --- C2PA semantics ----------------------------------------------------------------------------


def c2pa_values(tmp_path: Path, store: bytes) -> list[tuple[str, str, bool]]:
    return [(m.kind, m.value, m.generative) for m in scan(write(tmp_path, png(chunk(b"caBX", store))))]


def test_c2pa_generative_edit_in_ingredient_manifest(tmp_path: Path) -> None:
    active = manifest("urn:uuid:active", actions(("c2pa.created", "digitalCapture"), ("c2pa.placed", "")))
    ingredient = manifest(
        "urn:uuid:ingredient", actions(("c2pa.edited", "compositeWithTrainedAlgorithmicMedia"))
    )
    markers = scan(write(tmp_path, png(chunk(b"caBX", superbox(b"c2pa", "c2pa", ingredient, active)))))
    assert summary(markers) == [
        (
            "c2pa-generative-action",
            "compositeWithTrainedAlgorithmicMedia",
            True,
            "PNG caBX chunk at byte 33: C2PA manifest urn:uuid:ingredient, "
            "assertion c2pa.actions.v2, action c2pa.edited",
            33,
        )
    ]


def test_labels_from_the_file_stay_on_one_line(tmp_path: Path) -> None:
    store = superbox(b"c2pa", "c2pa", manifest("urn:\nuuid:\u00e9", actions(("c2pa.created\r", AI))))
    (marker,) = scan(write(tmp_path, png(chunk(b"caBX", store))))
    assert marker.where == (
        "PNG caBX chunk at byte 33: C2PA manifest urn:\\nuuid:\u00e9, "  # printable text stays as it is
        "assertion c2pa.actions.v2, action c2pa.created\\r"
    )


def test_c2pa_action_terms(tmp_path: Path) -> None:
    store = c2pa(("c2pa.created", "algorithmicMedia"), ("c2pa.edited", "compositeSynthetic"))
    assert c2pa_values(tmp_path, store) == [("c2pa-generative-action", "compositeSynthetic", False)]
    data_term = superbox(
        b"c2pa",
        "c2pa",
        manifest(
            "m",
            assertion(
                "c2pa.actions",
                cbor(
                    {
                        "actions": [
                            {
                                "action": "c2pa.created",
                                "digitalSourceType": "http://c2pa.org/digitalsourcetype/trainedAlgorithmicData",
                            }
                        ]
                    }
                ),
            ),
        ),
    )
    assert c2pa_values(tmp_path, data_term) == [("c2pa-generative-action", "trainedAlgorithmicData", True)]


def test_c2pa_dst_outside_actions_is_ignored(tmp_path: Path) -> None:
    other = assertion("stds.schema-org.CreativeWork", json.dumps({"about": DST + AI}).encode(), b"json")
    assert c2pa_values(tmp_path, superbox(b"c2pa", "c2pa", manifest("m", other))) == []


def test_c2pa_iptc_and_json_assertions(tmp_path: Path) -> None:
    iptc = assertion(
        "stds.iptc.photo-metadata", json.dumps({"Iptc4xmpExt:DigitalSourceType": DST + AI}).encode(), b"json"
    )
    legacy = assertion(
        "c2pa.actions",
        json.dumps({"actions": [{"action": "c2pa.created", "digitalSourceType": DST + AI}]}).encode(),
        b"json",
    )
    store = superbox(b"c2pa", "c2pa", manifest("m", iptc, legacy))
    assert c2pa_values(tmp_path, store) == [
        ("iptc-digital-source-type", AI, True),
        ("c2pa-generative-action", AI, True),
    ]


def test_c2pa_indefinite_length_cbor(tmp_path: Path) -> None:
    dst = cbor(DST[:20]) + cbor(DST[20:] + AI)
    action = (
        b"\xa6"
        + cbor("action")
        + cbor("c2pa.created")
        + cbor("when")
        + b"\xc0"
        + cbor("2024-01-01")
        + cbor("counts")
        + cbor([0, 23, 24, 300, 70000, 2**40, -1, -500, b"\0"])
        + cbor("score")
        + b"\xfb"
        + struct.pack(">d", 0.5)
        + cbor("ok")
        + b"\xf5"
        + cbor("digitalSourceType")
        + b"\x7f"
        + dst
        + b"\xff"
    )
    content = b"\xbf" + cbor("actions") + b"\x9f" + action + b"\xff\xff"
    store = superbox(b"c2pa", "c2pa", manifest("m", assertion("c2pa.actions__1", content)))
    assert c2pa_values(tmp_path, store) == [("c2pa-generative-action", AI, True)]


def test_deeply_nested_json_assertion_is_harmless(tmp_path: Path) -> None:
    content = b'{"actions": ' + b"[" * 300 + b"]" * 300 + b"}"
    assert (
        c2pa_values(
            tmp_path, superbox(b"c2pa", "c2pa", manifest("m", assertion("c2pa.actions", content, b"json")))
        )
        == []
    )


def test_non_box_parts_of_a_manifest_are_skipped(tmp_path: Path) -> None:
    store = superbox(
        b"c2pa",
        "c2pa",
        superbox(b"c2ma", "m", box(b"free", b"xx"), superbox(b"c2as", "a", actions(("c2pa.created", AI)))),
    )
    assert c2pa_values(tmp_path, store) == [("c2pa-generative-action", AI, True)]


def test_compressed_c2pa_manifest_is_undecoded(tmp_path: Path) -> None:
    compressed = superbox(b"c2cm", "urn:uuid:2", box(b"brob", b"\x1b\x03\x00\xf8"))
    store = superbox(
        b"c2pa", "c2pa", manifest("urn:uuid:1", actions(("c2pa.created", "digitalCapture"))), compressed
    )
    assert c2pa_values(tmp_path, store) == [("c2pa-undecoded", "compressed C2PA manifest", False)]
    brob_assertion = superbox(
        b"c2pa", "c2pa", manifest("m", superbox(b"cbor", "c2pa.actions", box(b"brob", b"x")))
    )
    assert c2pa_values(tmp_path, brob_assertion) == [("c2pa-undecoded", "compressed C2PA assertion", False)]


@pytest.mark.parametrize(
    "store",
    [
        b"garbage",
        superbox(b"json", "not-c2pa"),
        AI_STORE[:-5],
        superbox(b"c2pa", "c2pa", manifest("m", assertion("c2pa.actions", b"{not json", b"json"))),
        superbox(b"c2pa", "c2pa", manifest("m", box(b"jumb", box(b"cbor", b"")))),
        *(
            superbox(b"c2pa", "c2pa", manifest("m", assertion("c2pa.actions", content)))
            for content in (
                b"",  # no item
                b"\x9b" + b"\xff" * 8,  # array longer than the data
                b"\x1c",  # reserved additional information
                b"\xff",  # break outside an indefinite item
                b"\x1f",  # indefinite-length integer
                b"\xdf",  # indefinite-length tag
                b"\x7f\x01\xff",  # indefinite text string with an integer chunk
                b"\xbf\x01\xff",  # map with a key and no value
                b"\x5a\xff\xff\xff\xff",  # byte string longer than the data
                b"\x81" * 100 + b"\x00",  # nested deeper than the decoder allows
            )
        ),
    ],
)
def test_malformed_c2pa_store_is_undecoded(tmp_path: Path, store: bytes) -> None:
    values = c2pa_values(tmp_path, store)
    assert values == [("c2pa-undecoded", "C2PA manifest store not decodable", False)]


def test_pdf_c2pa_reference_without_store_is_undecoded(tmp_path: Path) -> None:
    data = pdf(
        b"<</AFRelationship/C2PA_Manifest/EF<</F 2 0 R>>>>", pdf_stream(b"/Filter/LZWDecode", b"\x80\x0b")
    )
    assert summary(scan(write(tmp_path, data))) == [
        (
            "c2pa-undecoded",
            "C2PA manifest attachment not decodable",
            False,
            "PDF C2PA_Manifest attachment reference at byte 19",
            19,
        )
    ]


def test_svg_invalid_base64_manifest_is_undecoded(tmp_path: Path) -> None:
    data = svg(b"<c2pa:manifest>abc</c2pa:manifest>")
    assert [m.kind for m in scan(write(tmp_path, data))] == ["c2pa-undecoded"]


# --- other containers ------------------------------------------------------------------------


def test_rf64_wav_with_64_bit_data_size(tmp_path: Path) -> None:
    pmx = riff_chunk(b"_PMX", xmp())
    data_chunk = b"data" + b"\xff\xff\xff\xff" + bytes(10)
    ds64 = riff_chunk(
        b"ds64", struct.pack("<QQQI", 4 + 36 + len(WAV_FMT) + len(data_chunk) + len(pmx), 10, 10, 0)
    )
    body = b"WAVE" + ds64 + WAV_FMT + data_chunk + pmx
    markers = scan(write(tmp_path, b"RF64\xff\xff\xff\xff" + body))
    assert [(m.value, m.where) for m in markers] == [
        (AI, f"WAV RIFF chunk '_PMX' at byte {len(body) + 8 - len(pmx)}")
    ]


def test_id3_unsynchronised_tag(tmp_path: Path) -> None:
    frame = id3_frame(b"PRIV", b"XMP\0" + xmp() + b"\xff\xe0")
    tag = bytearray(id3(frame.replace(b"\xff", b"\xff\x00")))
    tag[5] = 0x80
    assert [m.value for m in scan(write(tmp_path, bytes(tag) + MPEG_FRAME))] == [AI]


def test_id3_tag_appended_with_footer(tmp_path: Path) -> None:
    tag = bytearray(id3(id3_frame(b"PRIV", b"XMP\0" + xmp(), 4), version=4))
    tag[5] = 0x10
    footer = b"3DI" + bytes(tag[3:10])
    data = MPEG_FRAME + bytes(tag) + footer + b"TAG" + bytes(125)
    assert summary(scan(write(tmp_path, data))) == [
        (
            "iptc-digital-source-type",
            AI,
            True,
            f"ID3v2 PRIV 'XMP' frame at byte {len(MPEG_FRAME) + 10}",
            len(MPEG_FRAME) + 10,
        )
    ]


def test_exif_make_comfyui_saver(tmp_path: Path) -> None:
    exif = tiff(
        {271: b"Prompt: " + COMFY_PROMPT.encode() + b"\0", 270: b"Workflow: " + COMFY_WORKFLOW.encode()}
    )
    markers = scan(write(tmp_path, jpeg(segment(0xE1, b"Exif\0\0" + exif))))
    assert [(m.value, m.where) for m in markers] == [
        ("ComfyUI workflow", "JPEG APP1 Exif segment at byte 20: tag 270 (ImageDescription)"),
        ("ComfyUI prompt", "JPEG APP1 Exif segment at byte 20: tag 271 (Make)"),
    ]


def test_comfyui_animated_webp_exif_make_and_model(tmp_path: Path) -> None:
    """ComfyUI's SaveAnimatedWEBP writes "workflow:{...}" to Make (0x010F) and "prompt:{...}" to Model (0x0110)."""
    exif = tiff({0x010F: b"workflow:" + COMFY_WORKFLOW.encode() + b"\0", 0x0110: b"prompt:" + COMFY_PROMPT.encode()})
    markers = scan(write(tmp_path, riff(b"WEBP", WEBP_VP8X, riff_chunk(b"EXIF", exif))))
    assert [m.describe() for m in markers] == ["ComfyUI workflow in EXIF Make", "ComfyUI prompt in EXIF Model"]
    assert all(m.generative for m in markers)


def test_fooocus_json_parameters_and_scheme(tmp_path: Path) -> None:
    fooocus = json.dumps({"prompt": "a castle", "base_model": "juggernautXL_v8", "seed": 1, "version": "Fooocus v2.4.3"})
    markers = scan(write(tmp_path, png(text("parameters", fooocus), text("fooocus_scheme", "fooocus"))))
    assert [m.describe() for m in markers] == [
        "Fooocus parameters in PNG tEXt chunk", "Fooocus fooocus_scheme in PNG tEXt chunk"]
    assert scan(write(tmp_path, png(text("parameters", json.dumps({"exposure": 1}))))) == []


# --- unreadable files ------------------------------------------------------------------------

UNREADABLE: dict[str, tuple[bytes, str]] = {
    "png-truncated-chunk": (png(text("parameters", A1111))[:60], "truncated PNG chunk at byte 33"),
    "png-bad-chunk-type": (png(chunk(b"t3Xt", b"x")), "corrupt PNG chunk at byte 33"),
    "png-no-iend": (png()[:-12], "truncated PNG chunk header at byte"),
    "png-corrupt-itxt-zlib": (
        png(chunk(b"iTXt", b"XML:com.adobe.xmp\0\1\0\0\0not zlib")),
        "corrupt compressed text in PNG iTXt chunk at byte 33",
    ),
    "png-corrupt-ztxt": (
        png(chunk(b"zTXt", b"parameters\0\0not zlib")),
        "corrupt compressed text in PNG zTXt chunk at byte 33",
    ),
    "png-corrupt-itxt": (png(chunk(b"iTXt", b"parameters\0\0")), "corrupt PNG iTXt chunk at byte 33"),
    "jpeg-truncated-segment": (jpeg(APP1_XMP)[:200], "truncated JPEG segment at byte 20"),
    "jpeg-bad-marker": (b"\xff\xd8\xff\xe0\x00\x04\0\0\x12\x34", "invalid JPEG marker at byte 8"),
    "jpeg-exif-not-tiff": (
        jpeg(segment(0xE1, b"Exif\0\0GIF89a")),
        "invalid TIFF header at byte 0 in JPEG APP1 Exif segment at byte 20",
    ),
    "jpeg-no-sos": (b"\xff\xd8" + segment(0xE0, b"JFIF\0"), "truncated JPEG marker at byte 11"),
    "jpeg-corrupt-exif": (
        jpeg(segment(0xE1, b"Exif\0\0II*\0\xff\0\0\0")),
        "truncated TIFF IFD at byte 255 in JPEG APP1 Exif segment at byte 20",
    ),
    "riff-size-beyond-file": (riff(b"WAVE", WAV_FMT)[:-4], "truncated RIFF file"),
    "riff-chunk-beyond-riff": (
        b"RIFF\x14\0\0\0WAVEdata\xff\0\0\0" + bytes(8),
        "truncated RIFF chunk 'data' at byte 12",
    ),
    "rf64-without-ds64": (b"RF64\xff\xff\xff\xffWAVE" + WAV_FMT, "RF64 file without ds64 chunk at byte 12"),
    "mp4-box-beyond-file": (ftyp() + mp4_box(b"mdat", bytes(64))[:-1], "truncated MP4 box 'mdat' at byte 24"),
    "mp4-box-too-small": (ftyp() + struct.pack(">I4s", 4, b"free"), "truncated MP4 box 'free' at byte 24"),
    "mp4-64bit-truncated": (
        ftyp() + struct.pack(">I4s", 1, b"mdat") + b"\0\0",
        "truncated MP4 box 64-bit size at byte 32",
    ),
    "mp4-short-uuid": (ftyp() + mp4_box(b"uuid", b"x" * 8), "corrupt MP4 uuid box at byte 24"),
    "mp4-c2pa-uuid-no-purpose": (
        ftyp() + mp4_box(b"uuid", UUID_C2PA + b"\0\0\0\0manifest"),
        "corrupt C2PA MP4 uuid box at byte 24",
    ),
    "tiff-ifd-beyond-file": (b"II*\0\xff\0\0\0", "truncated TIFF IFD at byte 255"),
    "tiff-absurd-ifd": (b"II*\0\x08\0\0\0\xff\xff" + bytes(20), "corrupt TIFF IFD at byte 8: 65535 entries"),
    "tiff-value-beyond-file": (
        b"II*\0\x08\0\0\0\x01\0\xbc\x02\x07\0\0\1\0\0\0\1\0\0" + bytes(4),
        "truncated TIFF tag 700 value at byte 256",
    ),
    "id3-truncated-tag": (id3(id3_frame(b"PRIV", b"XMP\0" + xmp()))[:100], "truncated ID3v2 tag at byte 0"),
    "id3-bad-size": (b"ID3\x03\0\0\x80\0\0\0" + bytes(20), "corrupt ID3v2 header at byte 0"),
    "id3-frame-beyond-tag": (
        b"ID3\x03\0\0\0\0\0\x14PRIV\0\0\1\0\0\0" + bytes(10),
        "truncated ID3v2 frame at byte 10",
    ),
    "id3-bad-footer": (MPEG_FRAME + b"3DI\4\0\0\x7f\x7f\x7f\x7f", "corrupt ID3v2 footer at byte 204"),
    "pdf-truncated": (pdf(pdf_stream(b"/Type/Metadata", xmp()))[:-10], "PDF without %%EOF"),
}


@pytest.mark.parametrize("name", UNREADABLE)
def test_corrupt_structure_is_unreadable(tmp_path: Path, name: str) -> None:
    data, reason = UNREADABLE[name]
    with pytest.raises(UnreadableFile) as info:
        scan(write(tmp_path, data))
    assert reason in str(info.value)
    assert "\n" not in str(info.value)


def test_directory_missing_and_permission(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(UnreadableFile, match=r"^is a directory$"):
        scan(tmp_path)
    with pytest.raises(UnreadableFile, match=r"^no such file or directory$"):
        scan(tmp_path / "missing.png")

    def denied(*args: object, **kwargs: object) -> io.FileIO:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(provenance, "open", denied, raising=False)
    with pytest.raises(UnreadableFile, match=r"^permission denied$"):
        scan(write(tmp_path, jpeg(APP1_XMP)))


def test_fifo_is_not_opened(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(UnreadableFile, match=r"^not a regular file$"):
        scan(fifo)


def test_max_payload_must_be_positive(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        scan(write(tmp_path, b""), max_payload=0)


# --- robustness: garbage and truncations -------------------------------------------------------

MAGICS = [
    b"\xff\xd8\xff",
    b"\x89PNG\r\n\x1a\n",
    b"RIFF",
    b"RF64",
    b"II*\0",
    b"MM\0*",
    b"II+\0",
    b"\0\0\0\x18ftyp",
    b"ID3\x03\0\0",
    b"ID3\x04\0\x80",
    b"\xff\xfb",
    b"%PDF-",
    b"<?xml",
    b"<svg",
    b"\0\0\0\x40jumb",
    b"GIF89a",
    b"PK\3\4",
    b"PK\5\6",
    b"fLaC",
    b"OggS\0\2",
    b"\x1a\x45\xdf\xa3",
    b"\x76\x2f\x31\x01",
    b"SDPX",
    b"\x06\x0e\x2b\x34\x02\x05\x01\x01\x0d\x01\x02\x01",
    b"\0\1\0\0",
    b"ttcf\0\1\0\0",
    b"wOFF",
    b"BM",
    b"8BPS\0\1",
    b"FORM\0\0\1\0AIFF",
    b"\0\0\0\x0cJXL \r\n\x87\n",
    b"\0\0\0\x18ftypheic",
    b"\0\0\0\x18styp",
    b"",
]


def assert_scans_or_unreadable(path: Path) -> None:
    try:
        result = scan(path)
    except UnreadableFile as exc:
        assert str(exc) and "\n" not in str(exc)
    else:
        assert all(isinstance(m, Marker) for m in result)


def test_random_garbage_only_raises_unreadable(tmp_path: Path) -> None:
    rng = random.Random(20240110)
    path = tmp_path / "garbage"
    for i in range(1200):
        tail = rng.randbytes(rng.choice([0, 1, 7, 30, 200, 3000]))
        path.write_bytes(MAGICS[i % len(MAGICS)] + tail)
        assert_scans_or_unreadable(path)


def cut_and_mutated(data: bytes, rng: random.Random, cuts: int = 60, mutants: int = 40) -> Iterator[bytes]:
    """``data`` cut at ``cuts`` places, then ``mutants`` copies with one to four bytes changed."""
    for cut in sorted({*range(0, len(data), max(1, len(data) // cuts)), len(data) - 1}):
        yield data[:cut]
    for _ in range(mutants):
        mutant = bytearray(data)
        for _ in range(rng.randint(1, 4)):
            mutant[rng.randrange(len(mutant))] = rng.randrange(256)
        yield bytes(mutant)


def test_truncated_and_mutated_fixtures_only_raise_unreadable(tmp_path: Path) -> None:
    rng = random.Random(7)
    path = tmp_path / "mutant"
    for data, _ in DETECTED.values():
        for variant in cut_and_mutated(data, rng):
            path.write_bytes(variant)
            assert_scans_or_unreadable(path)


# --- bounded reading of huge files -------------------------------------------------------------


class CountingFile(io.FileIO):
    """A raw file that records the size of every read."""

    reads: ClassVar[list[int]] = []

    def read(self, size: int = -1) -> bytes:
        assert size >= 0, "the scanner must never read a whole file"
        data = super().read(size)
        CountingFile.reads.append(len(data))
        return data


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    CountingFile.reads = []
    monkeypatch.setattr(
        provenance, "open", lambda path, mode, buffering: CountingFile(path, "r"), raising=False
    )
    return CountingFile.reads


def sparse(tmp_path: Path, name: str, head: bytes, hole: int, tail: bytes) -> Path:
    path = tmp_path / name
    with path.open("wb") as f:
        f.write(head)
        f.truncate(len(head) + hole)
        f.seek(len(head) + hole)
        f.write(tail)
    return path


def test_multi_gb_wav_reads_only_headers_and_payloads(tmp_path: Path, counted: list[int]) -> None:
    hole = 3 * GIB
    tail = riff_chunk(b"C2PA", AI_STORE)
    riff_size = 4 + len(WAV_FMT) + 8 + hole + len(tail)
    head = b"RIFF" + struct.pack("<I", riff_size) + b"WAVE" + WAV_FMT + b"data" + struct.pack("<I", hole)
    path = sparse(tmp_path, "huge.wav", head, hole, tail)
    markers = scan(path)
    assert [(m.value, m.offset) for m in markers] == [(AI, len(head) + hole)]
    assert sum(counted) <= 3 * BLOCK and len(counted) < 10


def test_multi_gb_mp4_with_moov_at_end_reads_little(tmp_path: Path, counted: list[int]) -> None:
    hole = 5 * GIB
    head = ftyp() + struct.pack(">I4sQ", 1, b"mdat", 16 + hole)
    moov = mp4_box(
        b"moov",
        mp4_box(b"mvhd", bytes(100))
        + mp4_box(b"trak", bytes(50_000))
        + mp4_box(b"udta", mp4_box(b"XMP_", xmp())),
    )
    path = sparse(tmp_path, "huge.mp4", head, hole, moov + c2pa_uuid(AI_STORE))
    markers = scan(path)
    assert [(m.kind, m.offset) for m in markers] == [
        ("iptc-digital-source-type", len(head) + hole + 8 + 108 + 50_008 + 8),
        ("c2pa-generative-action", len(head) + hole + len(moov)),
    ]
    assert sum(counted) <= 4 * BLOCK and len(counted) < 10


def test_multi_gb_pdf_reads_only_head_and_tail(tmp_path: Path, counted: list[int]) -> None:
    tail = b"\n" + pdf_stream(b"/Type/Metadata/Subtype/XML", xmp()) + b"\n%%EOF\n"
    path = sparse(tmp_path, "huge.pdf", b"%PDF-1.7\n", 2 * GIB, tail)
    assert [m.value for m in scan(path)] == [AI]
    assert sum(counted) <= 2 * provenance.pdf.WINDOW + 2 * BLOCK


def test_payload_reads_are_capped(tmp_path: Path, counted: list[int]) -> None:
    padding = b"<!-- " + b"x" * 2_000_000 + b" -->"
    path = write(tmp_path, png(itxt("XML:com.adobe.xmp", xmp()[:100] + padding + xmp()[100:])))
    assert scan(path, max_payload=4096) == []
    assert sum(counted) <= 2 * BLOCK
    counted.clear()
    assert [m.value for m in scan(path)] == [AI]


# --- the scan result: format identified by content, reader used ---------------------------------


@pytest.mark.parametrize(
    ("name", "fmt", "reader"),
    [
        ("jpeg-xmp", "JPEG", "jpeg"),
        ("png-cabx", "PNG", "png"),
        ("webp-xmp", "WebP", "riff"),
        ("wav-c2pa", "WAV", "riff"),
        ("mov-moov-at-end", "MOV", "bmff"),
        ("heif-c2pa-size0-mdat", "HEIF", "bmff"),
        ("mp4-uuid-xmp-c2pa", "MP4", "bmff"),
        ("bigtiff-c2pa", "TIFF", "tiff"),
        ("mp3-priv-xmp", "MP3", "id3"),
        ("pdf-xmp", "PDF", "pdf"),
        ("svg-c2pa", "SVG", "text"),
        ("xmp-sidecar", "XML", "text"),
        ("subtitles-with-xmp-packet", "SubRip subtitles", "text"),
        ("c2pa-sidecar", "C2PA manifest store", "c2pa"),
    ],
)
def test_scan_names_the_format_found_in_the_content_and_its_reader(
    tmp_path: Path, name: str, fmt: str, reader: str
) -> None:
    result = provenance.scan(write(tmp_path, DETECTED[name][0], "no-extension"))
    assert (result.format, result.reader, result.problem) == (fmt, reader, None)
    assert result.markers


def test_scan_reports_a_problem_instead_of_raising(tmp_path: Path) -> None:
    result = provenance.scan(write(tmp_path, DETECTED["png-cabx"][0][:60], "cut.png"))
    assert (result.format, result.reader, result.markers) == ("PNG", "png", ())
    assert result.problem and "truncated PNG chunk" in result.problem



@pytest.mark.parametrize(
    ("data", "name", "problem"),
    [
        (random.Random(7).randbytes(4000), "still.png", "not a PNG although named .png (content not recognised)"),
        (DETECTED["jpeg-xmp"][0], "still.png", "not a PNG although named .png (content is JPEG)"),
        (b"", "take.mov", "not an MOV although named .mov (an empty file)"),
        (DETECTED["png-cabx"][0], "scene.mp4", "not an MP4 although named .mp4 (content is PNG)"),
        (b"7z\xbc\xaf\x27\x1c" + bytes(40), "archive.7z", "7-Zip: no reader"),
        (random.Random(8).randbytes(4000), "take.ari", "format not recognised from its content: no reader"),
    ],
)
def test_content_decides_the_format_and_a_mismatch_is_a_problem(
    tmp_path: Path, data: bytes, name: str, problem: str
) -> None:
    assert provenance.scan(write(tmp_path, data, name)).problem == problem


def test_a_mismatched_file_is_still_read_by_its_content(tmp_path: Path) -> None:
    result = provenance.scan(write(tmp_path, DETECTED["jpeg-xmp"][0], "still.png"))
    assert (result.format, result.reader, [m.value for m in result.markers]) == ("JPEG", "jpeg", [AI])


def test_binary_behind_a_text_header_is_not_read_as_text(tmp_path: Path) -> None:
    result = provenance.scan(write(tmp_path, b"CAMERA RAW v1\n" * 30 + bytes(range(256)) * 4, "take.raw"))
    assert (result.format, result.problem) == ("text", "text could not be read: binary content after a text header at byte 420")


@pytest.mark.parametrize("name", ["notes.txt", "cpl.xml", "subs.srt", "subs.vtt", "empty.txt"])
def test_text_without_markers_passes_as_read(tmp_path: Path, name: str) -> None:
    body = {
        ".txt": "Reel 1, take 3: façade shot\n" if name != "empty.txt" else "",
        ".xml": '<?xml version="1.0"?><CompositionPlaylist xmlns="http://www.smpte-ra.org/schemas/2067-3/2016"/>',
        ".srt": "1\n00:00:01,000 --> 00:00:02,000\nHello\n",
        ".vtt": "WEBVTT\n\n00:01.000 --> 00:02.000\nHello\n",
    }[Path(name).suffix]
    result = provenance.scan(write(tmp_path, body.encode(), name))
    assert (result.markers, result.problem) == ((), None)


def large_pdf(tmp_path: Path, metadata: bytes, hole: int, *, xref_stream: bool) -> Path:
    """A PDF whose /Metadata stream lies in the middle, far from both windows, found through its xref."""
    head = b"%PDF-1.7\n1 0 obj\n<</Type/Catalog/Metadata 2 0 R>>\nendobj\n"
    middle_at = len(head) + hole
    middle = b"2 0 obj\n" + metadata + b"\nendobj\n"
    xref_at = middle_at + len(middle) + hole
    if xref_stream:
        rows = [bytes(6), b"\1\0\0\0\x09\0", b"\1" + middle_at.to_bytes(4, "big") + b"\0"]
        encoded = b"".join(b"\2" + bytes((a - b) & 0xFF for a, b in zip(row, previous))  # PNG "Up" predictor
                           for row, previous in zip(rows, [bytes(6), *rows[:-1]]))
        data = zlib.compress(encoded)
        xref = (b"3 0 obj\n<</Type/XRef/Size 3/W[1 4 1]/Filter/FlateDecode/DecodeParms<</Columns 6/Predictor 12>>"
                + b"/Length %d>>stream\n" % len(data) + data + b"\nendstream\nendobj\n")
    else:
        xref = (b"xref\n0 3\n0000000000 65535 f\r\n0000000009 00000 n\r\n%010d 00000 n\r\n" % middle_at
                + b"trailer\n<</Size 3/Root 1 0 R>>\n")
    path = tmp_path / "large.pdf"
    with path.open("wb") as f:
        f.write(head)
        f.seek(middle_at)
        f.write(middle)
        f.seek(xref_at)
        f.write(xref + b"startxref\n%d\n%%%%EOF\n" % xref_at)
    return path


@pytest.mark.parametrize("xref_stream", [False, True])
@pytest.mark.parametrize("compressed", [False, True])
def test_large_pdf_metadata_in_the_middle_is_found_through_the_xref(
    tmp_path: Path, xref_stream: bool, compressed: bool
) -> None:
    packet = zlib.compress(xmp()) if compressed else xmp()
    metadata = pdf_stream(b"/Type/Metadata/Subtype/XML" + (b"/Filter/FlateDecode" if compressed else b""), packet)
    path = large_pdf(tmp_path, metadata, 3 * provenance.pdf.WINDOW, xref_stream=xref_stream)
    result = provenance.scan(path)
    assert ([m.value for m in result.markers], result.problem) == ([AI], None)
    assert result.work.examined <= 2 * provenance.pdf.WINDOW + 4 * BLOCK  # the windows, the xref, one object


def test_large_pdf_with_a_mutated_xref_is_a_finding_never_a_traceback(tmp_path: Path) -> None:
    metadata = pdf_stream(b"/Type/Metadata/Subtype/XML", xmp())
    for xref_stream in (False, True):
        path = large_pdf(tmp_path, metadata, 3 * provenance.pdf.WINDOW, xref_stream=xref_stream)
        size = path.stat().st_size
        tail_at = size - 400
        original = path.read_bytes()[tail_at:]
        for variant in cut_and_mutated(original, random.Random(xref_stream), cuts=10, mutants=15):
            with path.open("r+b") as f:
                f.truncate(tail_at)
                f.seek(tail_at)
                f.write(variant)
            result = provenance.scan(path)
            assert result.problem is None or "\n" not in result.problem
