"""`gate --inventory FILE.csv|FILE.json`: one row per delivered file, through the real CLI."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
from pathlib import Path

import pytest

from conftest import ASSET_BYTES, ASSET_SHA, CLEAN, run_cli, write_project
from test_gate import ai_jpeg

FINAL_BYTES = b"\x89PNG\r\n\x1a\n the cleared final asset"
FINAL = CLEAN.replace("assets:\n", f"""assets:
  - id: F-1
    path: final.png
    sha256: "{hashlib.sha256(FINAL_BYTES).hexdigest()}"
    tool: ent
    media: image
    purpose: final
    deliverable: true
    created: "2026-05-01"
    disclosed_on: "2026-05-02"
    approvals: [APR-1]
""")


@pytest.fixture
def package(tmp_path: Path) -> tuple[Path, Path]:
    production = write_project(tmp_path / "prod", {"genai-manifest.yaml": FINAL, "a.png": ASSET_BYTES,
                                                   "final.png": FINAL_BYTES})
    delivery = tmp_path / "delivery"
    (delivery / "stills").mkdir(parents=True)
    shutil.copyfile(production / "final.png", delivery / "final.png")
    shutil.copyfile(production / "a.png", delivery / "stills" / "leaked.png")
    (delivery / "stills" / "poster.jpg").write_bytes(ai_jpeg())
    (delivery / "=HYPERLINK(1).txt").write_text("notes\n")
    return production, delivery


def test_json_inventory_has_one_row_per_file_with_its_verdict(tmp_path, package):
    production, delivery = package
    out = tmp_path / "ticket" / "inventory.json"
    result = run_cli("gate", str(delivery), "--project", str(production), "--inventory", str(out), "--format", "json")
    assert result.exit_code == 1
    document = json.loads(out.read_text())
    assert document["delivery_root"] == str(delivery.resolve())
    rows = {row["path"]: row for row in document["files"]}
    assert sorted(rows) == ["=HYPERLINK(1).txt", "final.png", "stills/leaked.png", "stills/poster.jpg"]
    assert {path: (row["verdict"], row["findings"]) for path, row in rows.items()} == {
        "=HYPERLINK(1).txt": ("pass", []), "final.png": ("pass", []),
        "stills/leaked.png": ("blocked", ["D802"]), "stills/poster.jpg": ("blocked", ["D801"])}
    leaked = rows["stills/leaked.png"]
    assert (leaked["assets"], leaked["manifests"], leaked["sha256"], leaked["size"]) == (
        ["A-1"], ["genai-manifest.yaml"], ASSET_SHA, len(ASSET_BYTES))
    poster = rows["stills/poster.jpg"]
    assert (poster["format"], poster["reader"]) == ("JPEG", "jpeg")
    assert any("trainedAlgorithmicMedia" in marker for marker in poster["markers"])
    assert rows["final.png"]["format"] is not None  # matched files are identified too
    findings = json.loads(result.output)["findings"]
    assert {f["path"] for f in findings} == {"stills/leaked.png", "stills/poster.jpg"}


def test_csv_inventory_is_spreadsheet_safe_and_an_expired_approval_blocks_the_final_file(tmp_path, package):
    production, delivery = package
    manifest = production / "genai-manifest.yaml"
    manifest.write_text(manifest.read_text().replace('reference: LEG-1', 'reference: LEG-1\n    expires: "2026-05-31"'))
    out = tmp_path / "inventory.csv"
    result = run_cli("gate", str(delivery), "--project", str(production), "--inventory", str(out),
                     "--date", "2026-06-01", "--format", "concise")
    assert result.exit_code == 1
    with open(out, newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert [row["path"] for row in rows] == ["'=HYPERLINK(1).txt", "final.png", "stills/leaked.png", "stills/poster.jpg"]
    final = rows[1]
    assert (final["assets"], final["findings"], final["verdict"]) == ("F-1", "A605", "blocked")


@pytest.mark.parametrize("name", ["inventory.txt", "delivery/inventory.csv"])
def test_inventory_path_must_be_csv_or_json_and_outside_the_delivery(tmp_path, package, name):
    production, delivery = package
    result = run_cli("gate", str(delivery), "--project", str(production), "--inventory", str(tmp_path / name))
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "--inventory" in result.stderr
    assert not (tmp_path / name).exists()


def test_accept_unread_globs_clear_d803_for_formats_without_a_reader_and_say_so(tmp_path):
    config = ('fail-on: warning\naccept-unread:\n  "*.7z": "camera reports, checked by the DIT"\n'
              '  "*.png": "a mislabelled file is never accepted"\n')
    production = write_project(tmp_path / "prod", {"genai-manifest.yaml": CLEAN, "a.png": ASSET_BYTES}, config=config)
    delivery = tmp_path / "delivery"
    (delivery / "reports").mkdir(parents=True)
    seven_zip = b"7z\xbc\xaf\x27\x1c" + bytes(40)
    (delivery / "reports" / "day1.7z").write_bytes(seven_zip)
    (delivery / "reports" / "day2.7z").write_bytes(seven_zip + b"2")
    (delivery / "random.png").write_bytes(bytes(range(256)) * 8)
    out = tmp_path / "inventory.json"
    result = run_cli("gate", str(delivery), "--project", str(production), "--inventory", str(out))
    assert result.exit_code == 1  # fail-on: warning, and random.png is still D803
    assert "random.png" in result.output and "day1.7z" not in result.output
    assert "accepted unread (accept-unread '*.7z'): 2 files: camera reports, checked by the DIT" in result.output
    rows = {row["path"]: row for row in json.loads(out.read_text())["files"]}
    assert rows["reports/day1.7z"]["verdict"] == "pass"
    assert rows["reports/day1.7z"]["accepted_unread"] == "*.7z: camera reports, checked by the DIT"
    assert (rows["random.png"]["verdict"], rows["random.png"]["findings"], rows["random.png"]["accepted_unread"]) == (
        "blocked", ["D803"], None)
    shown = run_cli("check", str(production), "--show-config").output
    assert 'accept-unread: {"*.7z": "camera reports, checked by the DIT"' in shown
