"""Hashing: bounded memory on huge files, parallel results equal to hashlib, and the cache."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
import textwrap

from genai_lint.hashing import CACHE_DIR, CACHE_FILE, HashCache, hash_files

from conftest import ASSET_SHA, CLEAN, check_json, settle


def test_multi_gb_sparse_file_hashed_with_bounded_memory(tmp_path):
    big = tmp_path / "big.mov"
    with open(big, "wb") as stream:
        stream.truncate(2 * 1024**3 + 17)  # 2 GiB of holes: costs no disk
    script = textwrap.dedent(f"""
        from pathlib import Path
        from genai_lint.hashing import sha256_file
        print(sha256_file(Path({str(big)!r})))
        # VmHWM: this process's own peak RSS (ru_maxrss would include the forking parent's).
        print(next(line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM:")))
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout.split()
    assert len(out[0]) == 64 and out[0] != hashlib.sha256(b"").hexdigest()
    assert int(out[1]) < 100 * 1024  # peak RSS in KiB: far below the file's 2 GiB


def test_parallel_hashes_match_hashlib(tmp_path):
    files = []
    for index in range(12):
        path = tmp_path / f"f{index}.bin"
        path.write_bytes(os.urandom(index * 100_003))
        files.append(path)
    missing = tmp_path / "missing.bin"
    results = hash_files(files + [missing], workers=4)
    for path in files:
        assert results[path] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert isinstance(results[missing], OSError)


def test_cache_hit_on_unchanged_file_and_miss_after_touch(tmp_path, monkeypatch):
    target = tmp_path / "clip.wav"
    target.write_bytes(b"RIFF" + os.urandom(5000))
    settle()
    calls = []
    import genai_lint.hashing as hashing

    real = hashing.sha256_file
    monkeypatch.setattr(hashing, "sha256_file", lambda path, progress=None: calls.append(path) or real(path, progress))
    first = hash_files([target], HashCache(tmp_path))[target]
    second = hash_files([target], HashCache(tmp_path))[target]
    assert first == second and calls == [target]
    stat = target.stat()
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    hash_files([target], HashCache(tmp_path))
    assert calls == [target, target]
    assert (tmp_path / CACHE_DIR / ".gitignore").read_text().strip().endswith("*")


def test_corrupted_or_truncated_cache_is_rebuilt(tmp_path):
    target = tmp_path / "a.bin"
    target.write_bytes(b"abc")
    settle()
    hash_files([target], HashCache(tmp_path))
    database = tmp_path / CACHE_DIR / CACHE_FILE
    for suffix in ("-wal", "-shm"):
        if os.path.exists(str(database) + suffix):
            os.unlink(str(database) + suffix)
    database.write_bytes(b"this is not a database" * 10)
    assert hash_files([target], HashCache(tmp_path))[target] == hashlib.sha256(b"abc").hexdigest()
    connection = sqlite3.connect(database)
    assert connection.execute("SELECT count(*) FROM hashes").fetchone()[0] == 1
    connection.close()
    database.write_bytes(b"")
    assert hash_files([target], HashCache(tmp_path))[target] == hashlib.sha256(b"abc").hexdigest()


def test_check_uses_cache_and_still_catches_a_changed_file(project):
    root = project()
    settle()
    assert check_json(root).findings == []
    assert (root / CACHE_DIR / CACHE_FILE).is_file()
    (root / "a.png").write_bytes(b"changed bytes")
    assert check_json(root).codes() == {"M008"}
    assert ASSET_SHA in CLEAN


def test_progress_only_on_a_terminal_outside_ci_and_not_quiet(monkeypatch):
    import io

    from genai_lint.hashing import Progress, show_progress

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.delenv("CI", raising=False)
    assert show_progress(quiet=False)
    assert not show_progress(quiet=True)
    monkeypatch.setenv("CI", "true")
    assert not show_progress(quiet=False)
    meter = Progress(files=2, total=3 * 2**30, enabled=True)
    meter.start -= 10  # as if hashing had been going on for a while
    meter.last -= 10
    meter.done_files = 1
    meter.advance(2**30)
    meter.close()
    drawn = terminal.getvalue()
    assert "hashing 1/2 files" in drawn and "1.0 GiB of 3.0 GiB" in drawn and "/s" in drawn
    assert drawn.endswith("\r")
