"""The delivery gate on real folders: matched, leaked, undeclared-generated and unverifiable files."""

from __future__ import annotations

import json
import os
import shutil
import struct
from pathlib import Path

import jsonschema
import pytest

from conftest import CLEAN, EXAMPLES, REPO, run_cli
from genai_lint.loader import load
from signing import GENERATOR, signed

AURORA = EXAMPLES / "aurora"
DST = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"


def ai_jpeg() -> bytes:
    """A minimal JPEG whose XMP says it was made by generative AI."""
    xmp = (f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
           f'<rdf:Description xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/">'
           f'<Iptc4xmpExt:DigitalSourceType>{DST}</Iptc4xmpExt:DigitalSourceType>'
           f'</rdf:Description></rdf:RDF></x:xmpmeta>').encode()
    payload = b"http://ns.adobe.com/xap/1.0/\x00" + xmp
    return b"\xff\xd8" + b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload + b"\xff\xd9"


def aurora_assets() -> list[tuple[Path, dict]]:
    assets = []
    for manifest in sorted(AURORA.rglob("genai-manifest.yaml")):
        for asset in load(manifest).data.get("assets", []):
            assets.append((manifest.parent / asset["path"], asset))
    return assets


def build_delivery(folder: Path) -> Path:
    """Every deliverable file of aurora, as a delivery package."""
    for path, asset in aurora_assets():
        if asset["deliverable"]:
            target = folder / "final" / path.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
    return folder


def gate_json(delivery: Path, project: Path = AURORA, *args: str):
    result = run_cli("gate", str(delivery), "--project", str(project), "--format", "json", "--no-cache", *args)
    return result, json.loads(result.output)["findings"] if result.output.startswith("{") else []


def test_gate_reports_exactly_the_undeclared_ai_image_and_the_leaked_temp_asset(tmp_path):
    delivery = build_delivery(tmp_path / "delivery")
    clean, findings = gate_json(delivery)
    assert clean.exit_code == 0, findings
    assert findings == []
    temp_path, temp_asset = next((p, a) for p, a in aurora_assets() if not a["deliverable"])
    shutil.copyfile(temp_path, delivery / "final" / "leaked.bin")
    (delivery / "extras").mkdir()
    (delivery / "extras" / "poster_alt.jpg").write_bytes(ai_jpeg())
    (delivery / "extras" / "notes.txt").write_text("delivery notes, no AI here\n")
    result, findings = gate_json(delivery)
    assert result.exit_code == 1
    got = sorted((f["code"], Path(f["path"]).name) for f in findings)
    assert got == [("D801", "poster_alt.jpg"), ("D802", "leaked.bin")]
    d802 = next(f for f in findings if f["code"] == "D802")
    assert d802["entry_id"] == temp_asset["id"]
    d801 = next(f for f in findings if f["code"] == "D801")
    assert "trainedAlgorithmicMedia" in d801["message"] and "byte" in d801["message"]
    os.unlink(delivery / "final" / "leaked.bin")
    os.unlink(delivery / "extras" / "poster_alt.jpg")
    assert gate_json(delivery)[0].exit_code == 0


def test_content_credentials_signed_by_the_sdk_only_generative_ones_flagged(tmp_path):
    delivery = tmp_path / "delivery"
    delivery.mkdir()
    for extension in ("jpg", "png", "pdf"):
        (delivery / f"generated.{extension}").write_bytes(signed(extension, generative=True))
        (delivery / f"camera.{extension}").write_bytes(signed(extension, generative=False))
    result, findings = gate_json(delivery)
    assert sorted((f["code"], Path(f["path"]).name) for f in findings) == [
        ("D801", "generated.jpg"), ("D801", "generated.pdf"), ("D801", "generated.png")]
    assert all(f"C2PA claim by {GENERATOR}" in f["message"] for f in findings)


def test_files_not_read_are_flagged_with_the_reason(tmp_path):
    delivery = tmp_path / "delivery"
    delivery.mkdir()
    (delivery / "random.png").write_bytes(bytes(range(256)) * 8)
    (delivery / "archive.7z").write_bytes(b"7z\xbc\xaf\x27\x1c" + bytes(40))
    (delivery / "notes.txt").write_text("reel 1, take 3\n")
    result, findings = gate_json(delivery)
    assert sorted((f["code"], Path(f["path"]).name, f["message"]) for f in findings) == [
        ("D803", "archive.7z", "7-Zip: no reader"),
        ("D803", "random.png", "not a PNG although named .png (content not recognised)"),
    ]


def test_matched_deliverable_without_final_approval_is_g401(tmp_path, project):
    root = project(CLEAN.replace("scopes: [final-deliverable]", "scopes: [key-creative]")
                   .replace("deliverable: false", "deliverable: true"))
    delivery = tmp_path / "delivery"
    delivery.mkdir()
    shutil.copyfile(root / "a.png", delivery / "a.png")
    result, findings = gate_json(delivery, root)
    assert [(f["code"], f["path"], f["entry_id"]) for f in findings] == [("G401", "genai-manifest.yaml", "A-1")]
    assert findings[0]["line"] > 1


def test_unverifiable_files_are_d803_and_symlinks_are_not_followed_out(tmp_path):
    delivery = tmp_path / "delivery"
    delivery.mkdir()
    outside = tmp_path / "secret.jpg"
    outside.write_bytes(ai_jpeg())
    os.symlink(outside, delivery / "link.jpg")
    os.mkfifo(delivery / "pipe")
    (delivery / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\xff\xffIHDR")
    result, findings = gate_json(delivery)
    got = {Path(f["path"]).name: f for f in findings}
    assert set(got) == {"link.jpg", "pipe", "broken.png"}
    assert all(f["code"] == "D803" and f["severity"] == "warning" for f in findings)
    assert "outside the delivery folder" in got["link.jpg"]["message"]
    assert result.exit_code == 0  # warnings do not fail by default


def test_gate_sarif_is_valid_for_files_outside_the_root(tmp_path):
    delivery = tmp_path / "delivery"
    delivery.mkdir()
    (delivery / "poster.jpg").write_bytes(ai_jpeg())
    out = tmp_path / "gate.sarif"
    result = run_cli("gate", str(delivery), "--project", str(AURORA), "--output", f"sarif:{out}", "--no-cache")
    assert result.exit_code == 1
    sarif = json.loads(out.read_text())
    schema = json.loads((REPO / "tests" / "data" / "vendor-schemas" / "sarif-schema-2.1.0.json").read_text())
    jsonschema.Draft4Validator(schema).validate(sarif)
    assert sarif["runs"][0]["results"][0]["ruleId"] == "D801"


@pytest.mark.parametrize("args", [["/nonexistent/delivery"], ["."]])
def test_gate_usage_errors_are_exit_2(args, tmp_path):
    result = run_cli("gate", *args, "--project", str(tmp_path / "missing"))
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1
