"""The readers for what real deliveries contain, each with and without a marker, cut and mutated.

Fixtures are built here as bytes (XMP, tags, boxes); Content Credentials are signed at test time by
the official C2PA SDK in every container it writes (``signing.py``).
"""

from __future__ import annotations

import io
import json
import random
import struct
import zipfile
from pathlib import Path

import pytest

from conftest import EXAMPLES, run_cli
from genai_lint import provenance
from signing import CARRIERS, GENERATOR, signed
from test_provenance import (
    AI_STORE,
    APP1_XMP,
    CAMERA_STORE,
    COMFY_PROMPT,
    SOS_EOI,
    app11,
    box,
    cut_and_mutated,
    id3,
    id3_frame,
    jpeg,
    segment,
    xmp,
)

DST = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"


# --- builders -------------------------------------------------------------------------------


def gif(*extensions: bytes) -> bytes:
    image = b",\0\0\0\0\1\0\1\0\0\2\2D\1\0"
    return b"GIF89a\1\0\1\0\x80\0\0\0\0\0\xff\xff\xff" + b"".join(extensions) + image + b";"


def gif_xmp(packet: bytes) -> bytes:
    """XMP as Adobe writes it in GIF: raw bytes, then the 258-byte "magic trailer"."""
    trailer = b"\1" + bytes(range(255, -1, -1)) + b"\0"
    return b"!\xff\x0bXMP DataXMP" + packet + trailer


def gif_c2pa(store: bytes) -> bytes:
    blocks = b"".join(bytes([len(store[i : i + 255])]) + store[i : i + 255] for i in range(0, len(store), 255))
    return b"!\xff\x0bC2PA_GIF\1\0\0" + blocks + b"\0"


def zipped(*members: tuple[str, bytes], deflate: bool = True) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED) as z:
        for name, data in members:
            z.writestr(name, data)
    return out.getvalue()


CONTENT_TYPES = ("[Content_Types].xml", b'<?xml version="1.0"?><Types/>')
CORE = "docProps/core.xml"


def heif_with_xmp(packet: bytes) -> bytes:
    infe = box(b"infe", b"\2\0\0\0" + struct.pack(">HH", 7, 0) + b"mime" + b"\0application/rdf+xml\0")
    head = box(b"ftyp", b"heic\0\0\0\0mif1heic")

    def meta(at: int) -> bytes:
        iloc = box(b"iloc", bytes(4) + b"\x44\x00" + struct.pack(">HHHHII", 1, 7, 0, 1, at, len(packet)))
        return box(b"meta", bytes(4) + box(b"hdlr", bytes(8) + b"pict" + bytes(13)) + iloc
                   + box(b"iinf", bytes(4) + struct.pack(">H", 1) + infe))

    at = len(head) + len(meta(0)) + 8
    return head + meta(at) + box(b"mdat", packet)


def vorbis_comments(*comments: str) -> bytes:
    body = b"".join(struct.pack("<I", len(c.encode())) + c.encode() for c in comments)
    return struct.pack("<I", 6) + b"tester" + struct.pack("<I", len(comments)) + body


def flac(*comments: str) -> bytes:
    info = bytes(34)
    block = vorbis_comments(*comments)
    return b"fLaC" + b"\0" + len(info).to_bytes(3, "big") + info + b"\x84" + len(block).to_bytes(3, "big") + block


def ogg_page(serial: int, sequence: int, packet: bytes, first: bool) -> bytes:
    lacing = bytes([255] * (len(packet) // 255) + [len(packet) % 255])
    return (b"OggS\0" + bytes([2 if first else 0]) + bytes(8) + struct.pack("<III", serial, sequence, 0)
            + bytes([len(lacing)]) + lacing + packet)


def opus(*comments: str) -> bytes:
    head = b"OpusHead\1\2" + bytes(10)
    return ogg_page(7, 0, head, True) + ogg_page(7, 1, b"OpusTags" + vorbis_comments(*comments), False)


def ebml(element_id: int, payload: bytes) -> bytes:
    size = len(payload)
    return element_id.to_bytes((element_id.bit_length() + 7) // 8, "big") + (0x10000000 | size).to_bytes(4, "big") + payload


def matroska(name: str, value: str) -> bytes:
    simple = ebml(0x67C8, ebml(0x45A3, name.encode()) + ebml(0x4487, value.encode()))
    tags = ebml(0x1254C367, ebml(0x7373, simple))
    cluster = ebml(0x1F43B675, bytes(100))
    return ebml(0x1A45DFA3, ebml(0x4282, b"matroska")) + ebml(0x18538067, cluster + tags)


def exr(*attributes: tuple[str, str, bytes]) -> bytes:
    header = b"".join(n.encode() + b"\0" + t.encode() + b"\0" + struct.pack("<i", len(v)) + v for n, t, v in attributes)
    return b"\x76\x2f\x31\x01\2\0\0\0" + header + b"\0" + bytes(16)


def dpx(user: bytes) -> bytes:
    head = b"SDPX" + struct.pack(">I", 2048 + 32 + len(user)) + b"V2.0\0\0\0\0" + bytes(8) + struct.pack(">III", 1664, 384, 32 + len(user))
    return head + bytes(2048 - len(head)) + b"user-id".ljust(32, b"\0") + user + bytes(16)


def mxf(metadata_value: bytes) -> bytes:
    metadata = bytes.fromhex("060e2b34025301010d01010101013000") + b"\x83" + len(metadata_value).to_bytes(3, "big") + metadata_value
    pack = bytes(32) + struct.pack(">Q", len(metadata)) + bytes(48)
    partition = bytes.fromhex("060e2b34020501010d01020101020400") + b"\x83" + len(pack).to_bytes(3, "big") + pack
    essence = bytes.fromhex("060e2b34010201010d01030115010500") + b"\x83" + (4000).to_bytes(3, "big") + bytes(4000)
    return partition + metadata + essence


def font(store: bytes) -> bytes:
    table = struct.pack(">HHIHHII", 0, 1, 0, 0, 0, 20, len(store)) + store
    head_table = bytes(54)
    directory = struct.pack(">4sHHHH", b"\0\1\0\0", 2, 32, 1, 0)
    at = len(directory) + 32
    records = struct.pack(">4sIII", b"C2PA", 0, at, len(table)) + struct.pack(">4sIII", b"head", 0, at + len(table), 54)
    return directory + records + table + head_table


def aiff(*chunks: bytes) -> bytes:
    body = b"AIFF" + b"".join(chunks)
    return b"FORM" + struct.pack(">I", len(body)) + body


def aiff_chunk(kind: bytes, data: bytes) -> bytes:
    return kind + struct.pack(">I", len(data)) + data + b"\0" * (len(data) & 1)


def psd(*resources: tuple[int, bytes]) -> bytes:
    blocks = b"".join(b"8BIM" + struct.pack(">H", rid) + b"\0\0" + struct.pack(">I", len(d)) + d + b"\0" * (len(d) & 1)
                      for rid, d in resources)
    header = b"8BPS\0\1" + bytes(6) + struct.pack(">HIIHH", 3, 1, 1, 8, 3)
    return header + struct.pack(">I", 0) + struct.pack(">I", len(blocks)) + blocks + bytes(8)


def jxl(*boxes_: bytes) -> bytes:
    return b"\0\0\0\x0cJXL \r\n\x87\n" + box(b"ftyp", b"jxl \0\0\0\0jxl ") + b"".join(boxes_) + box(b"jxlc", b"\xff\x0a" + bytes(8))


def bmp() -> bytes:
    dib = struct.pack("<IiiHHIIiiII", 40, 1, 1, 1, 24, 0, 4, 2835, 2835, 0, 0)
    return b"BM" + struct.pack("<IHHI", 14 + 40 + 4, 0, 0, 54) + dib + bytes(4)


# --- the readers: (file bytes, name, format, reader, expected summaries) ------------------------

XMP_AI = "IPTC DigitalSourceType trainedAlgorithmicMedia"
C2PA_AI = "C2PA claim by an unnamed generator, action c2pa.created, digitalSourceType trainedAlgorithmicMedia"

READERS: dict[str, tuple[bytes, str, str, str, list[str]]] = {
    "gif-xmp": (gif(gif_xmp(xmp())), "a.gif", "GIF", "gif", [XMP_AI]),
    "gif-c2pa": (gif(gif_c2pa(AI_STORE)), "a.gif", "GIF", "gif", [C2PA_AI]),
    "gif-clean": (gif(gif_xmp(xmp(form="clean")), gif_c2pa(CAMERA_STORE)), "a.gif", "GIF", "gif", []),
    "jxl-c2pa-and-xml": (jxl(AI_STORE, box(b"xml ", xmp())), "a.jxl", "JPEG XL", "bmff", [C2PA_AI, XMP_AI]),
    "jxl-clean": (jxl(CAMERA_STORE), "a.jxl", "JPEG XL", "bmff", []),
    "jxl-codestream": (b"\xff\x0a" + bytes(30), "a.jxl", "JPEG XL codestream", "bmff", []),
    "docx-c2pa": (zipped(CONTENT_TYPES, ("META-INF/content_credential.c2pa", AI_STORE)), "a.docx", "OOXML", "zip", [C2PA_AI]),
    "docx-core-xmp": (zipped(CONTENT_TYPES, (CORE, xmp())), "a.docx", "OOXML", "zip", [XMP_AI]),
    "docx-clean": (zipped(CONTENT_TYPES, (CORE, b"<cp:coreProperties/>")), "a.docx", "OOXML", "zip", []),
    "odt-meta": (zipped(("mimetype", b"application/vnd.oasis.opendocument.text"), ("meta.xml", xmp()), deflate=False),
                 "a.odt", "ODF", "zip", [XMP_AI]),
    "heif-xmp-item": (heif_with_xmp(xmp()), "a.heic", "HEIF", "bmff", [XMP_AI]),
    "heif-clean-item": (heif_with_xmp(xmp(form="clean")), "a.heic", "HEIF", "bmff", []),
    "flac-comment": (flac(f"PROMPT={COMFY_PROMPT}", "TITLE=x"), "a.flac", "FLAC", "flac", ["ComfyUI prompt"]),
    "flac-xmp-comment": (flac("XMP=" + xmp().decode()), "a.flac", "FLAC", "flac", [XMP_AI]),
    "flac-clean": (flac("TITLE=room tone", "ARTIST=crew"), "a.flac", "FLAC", "flac", []),
    "opus-dst": (opus(f"DIGITALSOURCETYPE={DST}"), "a.opus", "Ogg", "ogg", [XMP_AI]),
    "opus-clean": (opus("TITLE=x"), "a.opus", "Ogg", "ogg", []),
    "mkv-tag": (matroska("PROMPT", COMFY_PROMPT), "a.mkv", "Matroska", "mkv", ["ComfyUI prompt"]),
    "mkv-clean": (matroska("TITLE", "dailies"), "a.mkv", "Matroska", "mkv", []),
    "bmp": (bmp(), "a.bmp", "BMP", "bmp", []),
    "psd-xmp": (psd((1005, bytes(16)), (1060, xmp())), "a.psd", "PSD", "psd", [XMP_AI]),
    "psd-clean": (psd((1060, xmp(form="clean"))), "a.psd", "PSD", "psd", []),
    "aiff-id3-xmp": (aiff(aiff_chunk(b"COMM", bytes(18)), aiff_chunk(b"ID3 ", id3(id3_frame(b"PRIV", b"XMP\0" + xmp())))),
                     "a.aif", "AIFF", "aiff", [XMP_AI]),
    "aiff-clean": (aiff(aiff_chunk(b"COMM", bytes(18)), aiff_chunk(b"SSND", bytes(16))), "a.aif", "AIFF", "aiff", []),
    "exr-string": (exr(("prompt", "string", COMFY_PROMPT.encode()), ("channels", "chlist", bytes(18))),
                   "a.exr", "OpenEXR", "exr", ["ComfyUI prompt"]),
    "exr-clean": (exr(("owner", "string", b"VFX vendor")), "a.exr", "OpenEXR", "exr", []),
    "dpx-user-xmp": (dpx(xmp()), "a.dpx", "DPX", "dpx", [XMP_AI]),
    "dpx-clean": (dpx(b"grading notes"), "a.dpx", "DPX", "dpx", []),
    "mxf-xmp": (mxf(b"\0" * 20 + xmp()), "a.mxf", "MXF", "mxf", [XMP_AI]),
    "mxf-clean": (mxf(bytes(64)), "a.mxf", "MXF", "mxf", []),
    "font-c2pa": (font(AI_STORE), "a.ttf", "font", "font", [C2PA_AI]),
    "font-clean": (font(CAMERA_STORE), "a.ttf", "font", "font", []),
    "jpeg-stray-bytes-after-app1": (b"\xff\xd8" + APP1_XMP + b"\0\0" + SOS_EOI, "a.jpg", "JPEG", "jpeg", [XMP_AI]),
    "jpeg-store-and-remote-reference": (jpeg(segment(0xE1, b"http://ns.adobe.com/xap/1.0/\0" + xmp(
        "https://cai-manifests.example/m1", form="provenance")), app11(CAMERA_STORE)), "a.jpg", "JPEG", "jpeg", []),
}


def write(tmp_path: Path, data: bytes, name: str) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("case", READERS)
def test_reader_finds_what_the_file_carries(tmp_path: Path, case: str) -> None:
    data, name, fmt, reader, expected = READERS[case]
    result = provenance.scan(write(tmp_path, data, name))
    assert (result.format, result.reader, result.problem) == (fmt, reader, None)
    assert [m.describe() for m in result.markers] == expected
    assert all(m.generative for m in result.markers)


def test_a_remote_reference_alone_still_needs_review(tmp_path: Path) -> None:
    data = jpeg(segment(0xE1, b"http://ns.adobe.com/xap/1.0/\0" + xmp("https://cai-manifests.example/m1", form="provenance")))
    result = provenance.scan(write(tmp_path, data, "a.jpg"))
    assert [(m.kind, m.generative) for m in result.markers] == [("external-manifest", False)]


def test_brotli_compressed_jxl_metadata_is_decoded(tmp_path: Path) -> None:
    import brotli

    result = provenance.scan(write(tmp_path, jxl(box(b"brob", b"xml " + brotli.compress(xmp()))), "a.jxl"))
    assert [m.describe() for m in result.markers] == [XMP_AI]
    assert "corrupt Brotli data" in provenance.scan(write(tmp_path, jxl(box(b"brob", b"xml " + bytes(20))), "a.jxl")).problem


def test_zip_bomb_member_is_too_complex_not_expanded(tmp_path: Path) -> None:
    bomb = zipped(CONTENT_TYPES, (CORE, b"\0" * (64 * 1024 * 1024)))
    assert len(bomb) < 200_000
    result = provenance.scan(write(tmp_path, bomb, "a.docx"))
    assert result.problem and "too complex to verify" in result.problem
    assert result.work.inflated <= 16 * 1024 * 1024 + 1


def assert_bounded(path: Path) -> None:
    result = provenance.scan(path)
    assert isinstance(result, provenance.Scan)
    assert result.problem is None or "\n" not in result.problem
    assert result.work.examined <= 2 * path.stat().st_size + 2 * 65536
    assert result.work.items <= 100_000


@pytest.mark.parametrize("case", READERS)
def test_cut_and_mutated_files_are_a_finding_never_a_traceback(tmp_path: Path, case: str) -> None:
    data, name, *_ = READERS[case]
    path = tmp_path / name
    for variant in cut_and_mutated(data, random.Random(case), cuts=40, mutants=30):
        path.write_bytes(variant)
        assert_bounded(path)


# --- Content Credentials written by the official SDK, in every container it writes --------------


@pytest.mark.parametrize("extension", CARRIERS)
@pytest.mark.parametrize("generative", [True, False])
def test_sdk_signed_files_in_every_container(tmp_path: Path, extension: str, generative: bool) -> None:
    result = provenance.scan(write(tmp_path, signed(extension, generative=generative), f"signed.{extension}"))
    assert result.problem is None
    assert result.work.stores >= 1
    expected = [f"C2PA claim by {GENERATOR} (signed by genai-lint tests), action c2pa.created, "
                "digitalSourceType trainedAlgorithmicMedia"] if generative else []
    assert [m.describe() for m in result.markers] == expected


def test_signed_files_through_the_cli_gate(tmp_path: Path) -> None:

    delivery = tmp_path / "delivery"
    delivery.mkdir()
    for extension in ("gif", "jxl", "docx", "flac"):
        (delivery / f"ai.{extension}").write_bytes(signed(extension, generative=True))
        (delivery / f"camera.{extension}").write_bytes(signed(extension, generative=False))
    result = run_cli("gate", str(delivery), "--project", str(EXAMPLES / "aurora"), "--format", "json", "--no-cache")
    findings = json.loads(result.output)["findings"]
    assert sorted((f["code"], Path(f["path"]).name) for f in findings) == [
        ("D801", f"ai.{extension}") for extension in ("docx", "flac", "gif", "jxl")]
    assert result.exit_code == 1



def test_xmp_names_the_tool_that_wrote_it(tmp_path: Path) -> None:
    packet = xmp().replace(b"</rdf:Description>", b"<xmp:CreatorTool>Image Generator 3</xmp:CreatorTool></rdf:Description>")
    result = provenance.scan(write(tmp_path, jpeg(segment(0xE1, b"http://ns.adobe.com/xap/1.0/\0" + packet)), "a.jpg"))
    assert [m.describe() for m in result.markers] == [f"{XMP_AI} (XMP CreatorTool Image Generator 3)"]


def test_the_gate_says_what_a_person_should_review(tmp_path: Path) -> None:
    delivery = tmp_path / "delivery"
    delivery.mkdir()
    reference = xmp("https://cai-manifests.example/m1", form="provenance")
    (delivery / "remote.jpg").write_bytes(jpeg(segment(0xE1, b"http://ns.adobe.com/xap/1.0/\0" + reference)))
    (delivery / "composite.png").write_bytes(READERS["gif-clean"][0])
    result = run_cli("gate", str(delivery), "--project", str(EXAMPLES / "aurora"), "--format", "json", "--no-cache")
    messages = {Path(f["path"]).name: f["message"] for f in json.loads(result.output)["findings"]}
    assert messages["remote.jpg"].startswith(
        "provenance needs review: a reference to a remote manifest, https://cai-manifests.example/m1 at JPEG APP1")
    assert messages["composite.png"] == "not a PNG although named .png (content is GIF)"
