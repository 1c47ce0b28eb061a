"""A committed or tampered `.genai-lint-cache/` is a hint, never truth: it cannot hide a change,
hang a command, or make genai-lint read, follow or write through what it does not own."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ASSET_SHA, CLEAN, check_json, settle, sibling
from genai_lint.doccache import DocumentCache
from genai_lint.hashing import CACHE_FILE, TICKS, HashCache, hash_files
from test_gate import ai_jpeg

CACHE = ".genai-lint-cache"
ENDLESS = "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT n FROM r"


def genai_lint(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """The installed CLI in its own process; the timeout only detects a hang, it measures nothing."""
    return subprocess.run([sys.executable, "-m", "genai_lint", *args], capture_output=True, text=True,
                          timeout=120, cwd=cwd, env={**os.environ, "CI": "true"})


def rows(database: Path) -> list[tuple]:
    connection = sqlite3.connect(database)
    try:
        return connection.execute("SELECT path, sha256 FROM hashes").fetchall()
    finally:
        connection.close()


def schema(database: Path) -> set[tuple[str, str]]:
    connection = sqlite3.connect(database)
    try:
        return set(connection.execute("SELECT type, name FROM sqlite_master").fetchall())
    finally:
        connection.close()


def rewrite_in_place(path: Path, data: bytes, how: str, tmp_path: Path) -> None:
    """Change ``path``'s bytes (same size, same inode) and put its mtime back, as a tool would."""
    before = path.stat()
    assert len(data) == before.st_size
    if how == "utime":
        with open(path, "r+b") as stream:
            stream.write(data)
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    elif how == "touch -r":
        reference = tmp_path / "reference"
        shutil.copy2(path, reference)
        with open(path, "r+b") as stream:
            stream.write(data)
        subprocess.run(["touch", "-r", str(reference), str(path)], check=True)
    else:  # cp -p: copies the bytes into the existing file and its source's times onto it
        source = tmp_path / "source"
        source.write_bytes(data)
        os.utime(source, ns=(before.st_atime_ns, before.st_mtime_ns))
        subprocess.run(["cp", "-p", str(source), str(path)], check=True)
    after = path.stat()
    assert (after.st_ino, after.st_size, after.st_mtime_ns) == (before.st_ino, before.st_size, before.st_mtime_ns)


@pytest.mark.parametrize("how", ["utime", "touch -r", "cp -p"])
def test_a_file_changed_in_place_with_its_mtime_put_back_is_m008_with_and_without_the_cache(project, tmp_path, how):
    root = project()
    settle()
    assert check_json(root).findings == []
    asset = root / "a.png"
    assert rows(root / CACHE / CACHE_FILE) == [(str(asset), ASSET_SHA)]  # the cache was filled and is used
    rewrite_in_place(asset, bytes(reversed(asset.read_bytes())), how, tmp_path)
    assert check_json(root).codes() == {"M008"}
    assert check_json(root, "--no-cache").codes() == {"M008"}


def test_the_gate_sees_an_ai_image_swapped_in_with_its_mtime_put_back(project, tmp_path):
    generated = ai_jpeg()
    harmless = generated.replace(b"trainedAlgorithmicMedia", b"digitalCapture_padding_")
    assert len(harmless) == len(generated)
    digest = hashlib.sha256(harmless).hexdigest()
    root = project(CLEAN.replace(ASSET_SHA, digest).replace("a.png", "poster.jpg")
                   .replace("deliverable: false", "deliverable: true"))
    delivery = tmp_path / "delivery"
    delivery.mkdir()
    (delivery / "poster.jpg").write_bytes(harmless)
    (root / "poster.jpg").write_bytes(harmless)
    settle()
    first = genai_lint("gate", str(delivery), "--project", str(root), "--format", "json")
    assert first.returncode == 0 and json.loads(first.stdout)["findings"] == []
    assert str(delivery / "poster.jpg") in dict(rows(root / CACHE / CACHE_FILE))
    rewrite_in_place(delivery / "poster.jpg", generated, "utime", tmp_path)
    second = genai_lint("gate", str(delivery), "--project", str(root), "--format", "json")
    assert [f["code"] for f in json.loads(second.stdout)["findings"]] == ["D801"]
    assert second.returncode == 1


def hostile_view(database: Path) -> None:
    """`hashes` is a view over an endless recursive query: any read of it never ends."""
    connection = sqlite3.connect(database)
    connection.execute("CREATE TABLE origin (device INTEGER, inode INTEGER)")
    connection.execute(f"CREATE VIEW hashes(path, size, mtime_ns, ctime_ns, inode, device, sha256) AS "
                       f"SELECT n, n, n, n, n, n, n FROM ({ENDLESS})")
    connection.commit()
    connection.close()


def hostile_trigger(database: Path) -> None:
    """The real tables, and a trigger that runs an endless query before every insert."""
    connection = sqlite3.connect(database)
    for statement in ("CREATE TABLE hashes (path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER,"
                      " ctime_ns INTEGER, inode INTEGER, device INTEGER, sha256 TEXT)",
                      "CREATE TABLE origin (device INTEGER, inode INTEGER)",
                      f"CREATE TRIGGER slow BEFORE INSERT ON hashes BEGIN SELECT max(n) FROM ({ENDLESS}); END"):
        connection.execute(statement)
    info = database.stat()
    connection.execute("INSERT INTO origin VALUES (?, ?)", (info.st_dev, info.st_ino))
    connection.commit()
    connection.close()


COMMANDS = {
    "check": lambda root, delivery: ["check", str(root)],
    "gate": lambda root, delivery: ["gate", str(delivery), "--project", str(root)],
    "hash": lambda root, delivery: ["hash", str(root)],
    "hash --check": lambda root, delivery: ["hash", "--check", str(root)],
}


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("plant", [hostile_view, hostile_trigger])
def test_a_committed_hostile_database_hangs_no_command_and_is_rebuilt(project, tmp_path, command, plant):
    root = project()
    delivery = tmp_path / "delivery"
    delivery.mkdir()
    shutil.copyfile(root / "a.png", delivery / "a.png")
    (root / CACHE).mkdir()
    database = root / CACHE / CACHE_FILE
    plant(database)
    settle()
    result = genai_lint(*COMMANDS[command](root, delivery))
    assert result.returncode in (0, 1), result.stderr
    warnings = [line for line in result.stderr.splitlines() if "ignored the cache" in line]
    assert warnings == [f"genai-lint: warning: ignored the cache {CACHE}/{CACHE_FILE}: its tables are not the"
                        f" ones genai-lint makes; it is {'not used' if command == 'hash --check' else 'rebuilt'}"]
    assert "Traceback" not in result.stderr
    if command == "hash --check":  # writes nothing: the file is left as it was
        assert ("view", "hashes") in schema(database) or ("trigger", "slow") in schema(database)
    else:
        assert schema(database) == {("table", "hashes"), ("table", "origin"), ("index", "sqlite_autoindex_hashes_1")}
        assert genai_lint(*COMMANDS[command](root, delivery)).stderr.count("ignored the cache") == 0


def test_every_statement_has_a_budget_counted_in_sqlite_instructions(tmp_path):
    """Defence in depth behind the schema check: a query that would never end is interrupted."""
    target = tmp_path / "a.bin"
    target.write_bytes(b"abc")
    settle()
    cache = HashCache(tmp_path)
    hash_files([target], cache)
    reader = cache._read_connection()
    with pytest.raises(sqlite3.OperationalError, match="interrupted"):
        cache._run(reader, f"SELECT max(n) FROM ({ENDLESS})", ()).fetchone()
    assert cache.ticks == TICKS + 1  # stopped at its budget of TICKS x 1,000 instructions


def test_a_database_copied_from_another_checkout_is_not_trusted(project, tmp_path):
    root = project()
    settle()
    check_json(root)
    other = tmp_path / "other"
    shutil.copytree(root, other)  # the same rows, but not the database file this checkout made
    result = genai_lint("check", str(other))
    assert f"ignored the cache {CACHE}/{CACHE_FILE}: it was not made in this checkout; it is rebuilt" in result.stderr
    assert rows(other / CACHE / CACHE_FILE) == [(str(other / "a.png"), ASSET_SHA)]


def test_a_symlinked_database_is_replaced_never_followed(project, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    outside = elsewhere / "hashes.sqlite"
    outside.write_bytes(b"not mine")
    root = project()
    (root / CACHE).mkdir()
    os.symlink(outside, root / CACHE / CACHE_FILE)
    settle()
    result = genai_lint("check", str(root))
    assert f"ignored the cache {CACHE}/{CACHE_FILE}: it is a symlink; it is rebuilt" in result.stderr
    assert outside.read_bytes() == b"not mine"
    assert not (root / CACHE / CACHE_FILE).is_symlink()
    assert rows(root / CACHE / CACHE_FILE) == [(str(root / "a.png"), ASSET_SHA)]


def test_a_symlinked_cache_folder_is_neither_read_nor_written(project, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    root = project(files={"sound/genai-manifest.yaml": sibling()})
    os.symlink(outside, root / CACHE)
    settle()
    result = genai_lint("check", str(root / "sound" / "genai-manifest.yaml"), str(root))
    assert result.returncode == 0, result.stderr
    assert f"ignored the cache {CACHE}: it is a symlink; it is not used" in result.stderr
    assert result.stderr.count("ignored the cache") == 1
    assert list(outside.iterdir()) == []


def fill_document_cache(root: Path) -> tuple[Path, Path]:
    """Run once so that the art manifest is cached as a sibling; its entry and the sound manifest."""
    sound = root / "sound" / "genai-manifest.yaml"
    assert genai_lint("check", str(sound)).returncode == 0
    (entry,) = (root / CACHE / "documents").glob("*.json")
    return entry, sound


@pytest.mark.parametrize("kind", ["symlink to /dev/zero", "fifo"])
def test_a_document_entry_that_is_a_device_link_or_fifo_is_never_read(project, kind):
    root = project(files={"sound/genai-manifest.yaml": sibling()})
    entry, sound = fill_document_cache(root)
    entry.unlink()
    if kind == "fifo":
        os.mkfifo(entry)
    else:
        os.symlink("/dev/zero", entry)
    cache = DocumentCache(root)
    art = root / "genai-manifest.yaml"
    raw = art.read_bytes()
    assert cache.load(art, raw, cache.key(art, raw)) is None
    assert cache.bytes_read == 0
    result = genai_lint("check", str(sound), "--format", "json")  # would hang or fill memory if read
    assert result.returncode == 0 and json.loads(result.stdout)["findings"] == []
    reason = "it is a symlink" if kind != "fifo" else "it is not a plain file"
    assert result.stderr.splitlines() == [
        f"genai-lint: warning: ignored the cache {CACHE}/documents/{entry.name}: {reason}; it is rebuilt"]
    assert entry.is_file() and not entry.is_symlink()  # replaced by a real entry, the link not followed
    assert json.loads(entry.read_text())["data"]["production"]["id"] == "demo"


def test_a_document_entry_over_its_size_cap_is_not_read(project):
    root = project(files={"sound/genai-manifest.yaml": sibling()})
    entry, sound = fill_document_cache(root)
    text = entry.read_text()
    entry.write_text(text + " " * (9 * 2**20))  # valid JSON, far larger than the manifest warrants
    cache = DocumentCache(root)
    art = root / "genai-manifest.yaml"
    raw = art.read_bytes()
    assert cache.load(art, raw, cache.key(art, raw)) is None
    assert cache.bytes_read == 0
    entry.write_text(text)
    assert cache.load(art, raw, cache.key(art, raw)) is not None
    assert cache.bytes_read == len(text.encode())
