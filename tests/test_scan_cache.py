"""The gate's scan cache: a cached re-run does not scan unchanged delivered files again and reports the
same bytes; a changed scanner, a damaged or foreign row, a file that changed while it was read is a miss
(scans are counted by wrapping the real scanner, never timed)."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from pathlib import Path

import pytest

from conftest import run_cli, settle
from genai_lint import provenance
from genai_lint.gate import scancache
from test_cache_safety import CACHE, ENDLESS, genai_lint
from test_gate import ai_jpeg
from test_gate_scale import png, production

SCANS = "scans-v1.sqlite"


def delivery(folder: Path) -> Path:
    """An AI image (D801), clean PNGs, a PNG named .jpg (D803), the same bytes under two extensions, an empty file."""
    folder.mkdir()
    (folder / "poster.jpg").write_bytes(ai_jpeg())
    for number in range(5):
        (folder / f"frame.{number}.png").write_bytes(png(number))
    (folder / "still.jpg").write_bytes(png(1))
    (folder / "empty.txt").write_bytes(b"")
    return folder


@pytest.fixture
def scanned(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files the real scanner reads, in order."""
    names: list[str] = []
    real = provenance.scan

    def counted(path, **kwargs):
        names.append(os.path.basename(path))
        return real(path, **kwargs)

    monkeypatch.setattr(provenance, "scan", counted)
    return names


def gate(folder: Path, project: Path, *options: str) -> tuple[int, str]:
    result = run_cli("gate", str(folder), "--project", str(project), "--format", "json", *options)
    assert result.exit_code in (0, 1), result.stderr
    return result.exit_code, result.output


def rows(project: Path) -> list[tuple[str, str]]:
    connection = sqlite3.connect(project / CACHE / SCANS)
    try:
        return connection.execute("SELECT key, result FROM scans ORDER BY key").fetchall()
    finally:
        connection.close()


def test_a_cached_rerun_scans_nothing_again_and_says_the_same(tmp_path: Path, scanned: list[str]) -> None:
    project = production(tmp_path / "production")
    folder = delivery(tmp_path / "delivery")
    settle()
    first = gate(folder, project)
    codes = sorted(finding["code"] for finding in json.loads(first[1])["findings"])
    assert first[0] == 1 and codes == ["D801", "D803"], codes
    assert len(scanned) == 8 and len(rows(project)) == 8  # frame.1.png and still.jpg: same bytes, two extensions
    scanned.clear()
    assert gate(folder, project) == first and scanned == []
    inventory = tmp_path / "inventory.json"
    gate(folder, project, "--inventory", str(inventory))
    assert scanned == []
    cached_rows = inventory.read_text()
    assert gate(folder, project, "--no-cache", "--inventory", str(inventory)) == first and len(scanned) == 8
    assert inventory.read_text() == cached_rows


def test_a_changed_scanner_scans_again(tmp_path: Path, scanned: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    project = production(tmp_path / "production")
    folder = delivery(tmp_path / "delivery")
    settle()
    first = gate(folder, project)
    scanned.clear()
    monkeypatch.setattr(scancache, "scanner_fingerprint", lambda: "another scanner")
    assert gate(folder, project) == first and len(scanned) == 8
    scanned.clear()
    assert gate(folder, project) == first and scanned == []  # remembered for the new scanner


def test_the_fingerprint_follows_the_scanner_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = scancache.scanner_fingerprint()
    copy = tmp_path / "provenance"
    copy.mkdir()
    for source in Path(provenance.__file__).parent.glob("*.py"):
        (copy / source.name).write_bytes(source.read_bytes())
    monkeypatch.setattr(provenance, "__file__", str(copy / "__init__.py"))
    assert scancache.scanner_fingerprint() == before
    with open(copy / "png.py", "a") as stream:
        stream.write("# a reader changed\n")
    assert scancache.scanner_fingerprint() != before


@pytest.mark.parametrize("result", ['["PNG", "png", null]', "not json", "[" * 5000 + "]" * 5000,
                                    '["PNG", "png", null, [["kind", "value", "where", "0", true, ""]]]',
                                    '["PNG", 7, null, []]', "", '{"format": "PNG"}'])
def test_a_damaged_row_is_a_miss(tmp_path: Path, scanned: list[str], result: str) -> None:
    project = production(tmp_path / "production")
    folder = delivery(tmp_path / "delivery")
    settle()
    first = gate(folder, project)
    connection = sqlite3.connect(project / CACHE / SCANS)
    connection.execute("UPDATE scans SET result = ?", (result,))
    connection.commit()
    connection.close()
    scanned.clear()
    assert gate(folder, project) == first and len(scanned) == 8
    assert all(row != result for _, row in rows(project))  # rewritten as scanned


def test_a_file_not_read_as_hashed_is_not_remembered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = production(tmp_path / "production")
    folder = delivery(tmp_path / "delivery")
    settle()
    real = provenance.scan

    def meanwhile(path, **kwargs):
        name = os.path.basename(path)
        if name == "frame.0.png":  # replaced while it is read: its sha256 is the old bytes'
            os.unlink(path)
            Path(path).write_bytes(ai_jpeg())
        elif name == "frame.2.png":  # gone before it is opened: nothing was read
            os.unlink(path)
        return real(path, **kwargs)

    monkeypatch.setattr(provenance, "scan", meanwhile)
    gate(folder, project)
    remembered = {key.split()[0] for key, _ in rows(project)}
    for number, kept in ((0, False), (2, False), (3, True)):
        assert (hashlib.sha256(png(number)).hexdigest() in remembered) is kept, number


def test_a_committed_hostile_scan_database_hangs_nothing_and_is_rebuilt(tmp_path: Path) -> None:
    project = production(tmp_path / "production")
    folder = delivery(tmp_path / "delivery")
    (project / CACHE).mkdir()
    connection = sqlite3.connect(project / CACHE / SCANS)
    connection.execute("CREATE TABLE origin (device INTEGER, inode INTEGER)")
    connection.execute(f"CREATE VIEW scans(key, scanner, result) AS SELECT n, n, n FROM ({ENDLESS})")
    connection.commit()
    connection.close()
    settle()
    result = genai_lint("gate", str(folder), "--project", str(project), "--format", "json")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert [line for line in result.stderr.splitlines() if "ignored the cache" in line] == [
        f"genai-lint: warning: ignored the cache {CACHE}/{SCANS}: its tables are not the ones genai-lint makes; "
        f"it is rebuilt"]
    assert sorted(finding["code"] for finding in json.loads(result.stdout)["findings"]) == ["D801", "D803"]
    assert len(rows(project)) == 8
