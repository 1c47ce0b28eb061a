"""Issue 19's scanner amplification cases: small hostile files that used to cost minutes or gigabytes.

Each case is reproduced as bytes and the bound is asserted on the work the scanner counts
(bytes inflated, container items walked, bytes examined, read calls), never on wall-clock time.
Past a budget the file is D803 "too complex to verify".
"""

from __future__ import annotations

import json
import struct
import subprocess
import sys
import textwrap
import zlib
from pathlib import Path

import pytest

from conftest import EXAMPLES, run_cli
from genai_lint import provenance
from genai_lint.provenance.c2pa import SIGNATURE
from test_provenance import CountingFile, assertion, chunk, jpeg, manifest, mp4_box, pdf, pdf_stream, png, riff, riff_chunk, segment, superbox

MiB = 1024 * 1024
LIMITS = provenance.Limits()
BLOCK = provenance.source.BLOCK


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    CountingFile.reads = []
    monkeypatch.setattr(provenance, "open", lambda path, mode, buffering: CountingFile(path, "r"), raising=False)
    return CountingFile.reads


def scan(tmp_path: Path, data: bytes, name: str) -> provenance.Scan:
    path = tmp_path / name
    path.write_bytes(data)
    return provenance.scan(path)


def too_complex(result: provenance.Scan) -> bool:
    return bool(result.problem) and "too complex to verify" in result.problem


def test_pdf_flate_metadata_of_16_mib_of_store_signatures(tmp_path: Path) -> None:
    signature = struct.pack(">I4sI", 0xFFFFFF00, b"jumb", 30) + SIGNATURE
    inflated = signature * (16 * MiB // len(signature))
    data = pdf(pdf_stream(b"/Type/Metadata/Filter/FlateDecode", zlib.compress(inflated, 9)))
    assert len(data) < 100_000
    result = scan(tmp_path, data, "bomb.pdf")
    assert result.work.inflated <= 16 * MiB + 1
    assert result.work.items < 100  # one candidate store spans the rest: no signature sliced twice
    assert result.work.examined <= 2 * 16 * MiB
    assert result.problem or [m.kind for m in result.markers] == ["c2pa-undecoded"]


def test_svg_of_unclosed_c2pa_manifest_starts_is_linear(tmp_path: Path) -> None:
    data = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">' + b"<c2pa:manifest " * (MiB // 15)
    result = scan(tmp_path, data, "many.svg")
    assert (result.problem, result.markers) == (None, ())
    assert result.work.examined <= len(data) + BLOCK


def test_pdf_without_endstream_is_linear(tmp_path: Path) -> None:
    data = b"%PDF-1.7\n" + b"1 0 obj <</FlateDecode/Metadata>> stream\n" * (2 * MiB // 40) + b"%%EOF\n"
    result = scan(tmp_path, data, "open.pdf")
    assert result.work.examined <= LIMITS.examined + 8 * MiB
    assert result.problem is None or too_complex(result)


def test_pdf_of_131000_store_signatures(tmp_path: Path) -> None:
    store = struct.pack(">I4sI", 36, b"jumb", 30) + SIGNATURE + bytes(4)
    data = pdf(store * 131_000)
    result = scan(tmp_path, data, "signatures.pdf")
    assert result.work.items <= LIMITS.items + 10
    assert too_complex(result)


def test_cabx_of_15_million_empty_cbor_arrays(tmp_path: Path) -> None:
    count = 15_000_000
    content = b"\x9a" + count.to_bytes(4, "big") + b"\x80" * count
    store = superbox(b"c2pa", "c2pa", manifest("urn:uuid:1", assertion("c2pa.actions.v2", content)))
    result = scan(tmp_path, png(chunk(b"caBX", store)), "arrays.png")
    assert too_complex(result)
    assert result.work.items <= LIMITS.items + 1


def test_200_ztxt_chunks_of_16_mib_each(tmp_path: Path) -> None:
    text = zlib.compress(b"Steps: 20 " * (16 * MiB // 10), 9)
    data = png(*[chunk(b"zTXt", b"parameters\0\0" + text) for _ in range(200)])
    result = scan(tmp_path, data, "ztxt.png")
    assert result.work.inflated <= LIMITS.inflated + 16 * MiB
    assert too_complex(result) or result.markers


def test_jpeg_extended_xmp_with_distinct_guids(tmp_path: Path) -> None:
    ext = b"http://ns.adobe.com/xmp/extension/\0"
    segments = [segment(0xE1, ext + b"%032X" % n + struct.pack(">II", 60_000, 0) + bytes(60_000)) for n in range(1000)]
    result = scan(tmp_path, jpeg(*segments), "guids.jpg")
    assert too_complex(result)
    assert result.work.examined <= 32 * 65_536  # stopped after a handful of payloads, not the whole file


READ_STORMS = {
    "restart-markers.jpg": b"\xff\xd8" + b"\xff\xd0" * (2 * MiB),
    "tiny-boxes.mp4": mp4_box(b"ftyp", b"isom\0\0\0\0isom") + mp4_box(b"free", b"") * (MiB // 2),
    "tiny-chunks.wav": riff(b"WAVE", *[riff_chunk(b"junk", b"")] * (MiB // 2)),
    "tiny-chunks.png": png(*[chunk(b"tIME", b"")] * (MiB // 4)),
    "tiny-frames.mp3": b"ID3\3\0\0" + bytes([0x7F] * 4) + b"TIT2\0\0\0\0\0\0" * (MiB // 4),
}


@pytest.mark.parametrize("name", READ_STORMS)
def test_read_storms_read_in_blocks_and_stop_at_the_item_budget(tmp_path: Path, name: str, reads: list[int]) -> None:
    data = READ_STORMS[name]
    result = scan(tmp_path, data, name)
    assert len(reads) <= len(data) // BLOCK + 4  # one read per 64 KiB block, never one per marker
    assert result.work.items <= LIMITS.items + 1
    assert result.problem is None or too_complex(result) or "truncated" in result.problem


def test_the_gate_says_too_complex_to_verify(tmp_path: Path) -> None:
    delivery = tmp_path / "delivery"
    delivery.mkdir()
    (delivery / "restart.jpg").write_bytes(READ_STORMS["restart-markers.jpg"])
    result = run_cli("gate", str(delivery), "--project", str(EXAMPLES / "aurora"), "--format", "json", "--no-cache")
    findings = json.loads(result.output)["findings"]
    assert [(f["code"], f["message"]) for f in findings] == [
        ("D803", f"JPEG: too complex to verify: more than {LIMITS.items:,} container items")]


def test_peak_memory_stays_bounded_on_the_amplification_cases(tmp_path: Path) -> None:
    """The scanner's own peak RSS (VmHWM of a child process) on the worst cases, far below what they asked for."""
    count = 15_000_000
    arrays = superbox(b"c2pa", "c2pa", manifest("urn:uuid:1", assertion("c2pa.actions.v2", b"\x9a" + count.to_bytes(4, "big") + b"\x80" * count)))
    ext = b"http://ns.adobe.com/xmp/extension/\0"
    cases = {
        "arrays.png": png(chunk(b"caBX", arrays)),
        "guids.jpg": jpeg(*[segment(0xE1, ext + b"%032X" % n + struct.pack(">II", 60_000, 0) + bytes(60_000)) for n in range(2000)]),
        "ztxt.png": png(*[chunk(b"zTXt", b"parameters\0\0" + zlib.compress(b"Steps: 20 " * (16 * MiB // 10), 9))] * 50),
    }
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
    script = textwrap.dedent(f"""
        from pathlib import Path
        from genai_lint import provenance
        for path in sorted(Path({str(tmp_path)!r}).iterdir()):
            print(path.name, provenance.scan(path).problem)
        print(next(line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM:")))
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout.splitlines()
    assert all("too complex to verify" in line for line in out[:-1]), out
    assert int(out[-1]) < 160 * 1024  # KiB: the files ask for gigabytes (1.1 GB of CBOR lists, 800 MiB of text)
