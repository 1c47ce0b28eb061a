"""Policy packs on real files: E102 in the delivery gate, exemptions, and studio rules as data."""

from __future__ import annotations

import json
import shutil
import struct
from pathlib import Path

import pytest

from conftest import EXAMPLES, run_cli

POLICIES = EXAMPLES / "policies"
POSTER = "files/hl_poster_v4.jpg"


def stripped_jpeg(data: bytes) -> bytes:
    """The JPEG without its APP1 (XMP) segments: what a metadata scrub or a careless re-export leaves."""
    out, at = bytearray(data[:2]), 2
    while at < len(data) and data[at] == 0xFF and data[at + 1] not in (0xD9, 0xDA):
        length = struct.unpack(">H", data[at + 2:at + 4])[0]
        if data[at + 1] != 0xE1:
            out += data[at:at + 2 + length]
        at += 2 + length
    return bytes(out + data[at:])


@pytest.fixture
def production(tmp_path: Path) -> Path:
    copy = tmp_path / "policies"
    shutil.copytree(POLICIES, copy)
    return copy


def gate(production: Path, delivery: Path, *args: str):
    result = run_cli("gate", str(delivery), "--project", str(production), "--format", "json", "--no-cache",
                     "--date", "2026-09-01", *args)
    return result, json.loads(result.output)["findings"]


def test_gate_reports_a_delivered_copy_whose_marking_was_stripped(production, tmp_path):
    delivery = tmp_path / "delivery"
    delivery.mkdir()
    original = (production / POSTER).read_bytes()
    (delivery / "hl_poster_v4.jpg").write_bytes(stripped_jpeg(original))
    assert b"DigitalSourceType" not in (delivery / "hl_poster_v4.jpg").read_bytes()
    result, findings = gate(production, delivery)
    assert result.exit_code == 0  # a warning
    [finding] = findings
    assert finding["code"] == "E102" and finding["path"].endswith("delivery/hl_poster_v4.jpg")
    assert "HL-016" in finding["message"] and "iptc-digital-source-type" in finding["message"]


def test_gate_passes_the_marked_copy_and_other_profiles(production, tmp_path):
    delivery = tmp_path / "delivery"
    delivery.mkdir()
    shutil.copyfile(production / POSTER, delivery / "hl_poster_v4.jpg")
    assert gate(production, delivery)[1] == []
    (delivery / "hl_poster_v4.jpg").write_bytes(stripped_jpeg((production / POSTER).read_bytes()))
    assert gate(production, delivery, "--profile", "netflix-2025")[1] == []
    assert gate(production, delivery, "--date", "2026-08-01")[1] == []  # before Article 50 applies


def test_an_exemption_of_the_right_kind_needs_no_consent(production):
    manifest = production / "genai-manifest.yaml"
    text = manifest.read_text()
    assert "      exemption: safety" in text
    manifest.write_text(text.replace("      exemption: safety", "      exemption: timing"))
    result = run_cli("check", str(production), "--format", "json", "--date", "2026-09-01", "--select", "G503")
    assert result.findings == []
