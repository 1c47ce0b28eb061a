"""The one write path (genai_lint.writing): whole or not at all, mode kept, nothing left behind."""

from __future__ import annotations

import errno
import os
import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from genai_lint import writing
from genai_lint.writing import ChangedOnDisk, atomic_write, replace_if_unchanged
from conftest import CLEAN, run_cli

ORIGINAL = b"# keep me\r\nmanifest_version: 1\r\n"


def listing(folder: Path) -> set[str]:
    return set(os.listdir(folder))


def failing_write(after: int):
    """An ``os.write`` that writes ``after`` bytes of the temporary file, then reports a full disk."""
    real = os.write
    written = {"count": 0}

    def write(handle: int, data) -> int:
        if handle <= 2:
            return real(handle, data)
        room = after - written["count"]
        if room <= 0:
            raise OSError(errno.ENOSPC, "No space left on device")
        count = real(handle, bytes(data[:room]))
        written["count"] += count
        return count

    return write


def test_new_file_gets_the_umask_mode(tmp_path):
    previous = os.umask(0o027)
    try:
        atomic_write(tmp_path / "new.txt", "hello")
    finally:
        os.umask(previous)
    assert (tmp_path / "new.txt").read_bytes() == b"hello"
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o640
    assert listing(tmp_path) == {"new.txt"}


def test_replace_keeps_the_mode_and_writes_bytes_unchanged(tmp_path):
    target = tmp_path / "m.yaml"
    target.write_bytes(ORIGINAL)
    target.chmod(0o640)
    atomic_write(target, b"a\r\nb\xef\xbb\xbf")
    assert target.read_bytes() == b"a\r\nb\xef\xbb\xbf"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert listing(tmp_path) == {"m.yaml"}


def test_a_symlink_stays_a_link(tmp_path):
    real = tmp_path / "real.yaml"
    real.write_bytes(ORIGINAL)
    link = tmp_path / "link.yaml"
    link.symlink_to(real.name)
    atomic_write(link, "new")
    assert link.is_symlink() and real.read_text() == "new"


@pytest.mark.parametrize("after", [0, 1, 5])
def test_disk_full_half_way_leaves_the_original(tmp_path, monkeypatch, after):
    target = tmp_path / "m.yaml"
    target.write_bytes(ORIGINAL)
    monkeypatch.setattr(writing.os, "write", failing_write(after))
    with pytest.raises(OSError) as caught:
        atomic_write(target, b"x" * 100)
    assert caught.value.errno == errno.ENOSPC
    assert target.read_bytes() == ORIGINAL
    assert listing(tmp_path) == {"m.yaml"}


@pytest.mark.parametrize("step", ["replace", "fsync", "fchmod"])
def test_a_failing_step_leaves_the_original(tmp_path, monkeypatch, step):
    target = tmp_path / "m.yaml"
    target.write_bytes(ORIGINAL)

    def fail(*args, **kwargs):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(writing.os, step, fail)
    with pytest.raises(OSError):
        atomic_write(target, b"new content")
    monkeypatch.undo()
    assert target.read_bytes() == ORIGINAL
    assert listing(tmp_path) == {"m.yaml"}


def test_an_interrupt_half_way_leaves_the_original(tmp_path, monkeypatch):
    target = tmp_path / "m.yaml"
    target.write_bytes(ORIGINAL)

    def interrupted(handle, data):
        raise KeyboardInterrupt

    monkeypatch.setattr(writing, "_write_all", interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic_write(target, b"new content")
    assert target.read_bytes() == ORIGINAL
    assert listing(tmp_path) == {"m.yaml"}


def test_a_killed_process_leaves_the_original(tmp_path):
    """SIGKILL half-way through the write: no cleanup can run, yet the manifest is untouched."""
    target = tmp_path / "genai-manifest.yaml"
    target.write_bytes(ORIGINAL)
    script = textwrap.dedent(f"""
        import os, signal
        from genai_lint import writing
        real = os.write
        def write(handle, data):
            real(handle, bytes(data[:10]))
            os.kill(os.getpid(), signal.SIGKILL)
        writing.os.write = write
        writing.atomic_write({str(target)!r}, b"y" * 4096)
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=60)
    assert result.returncode == -signal.SIGKILL
    assert target.read_bytes() == ORIGINAL
    leftovers = listing(tmp_path) - {"genai-manifest.yaml"}
    assert all(name.startswith(".genai-manifest.yaml.") and name.endswith(".tmp") for name in leftovers)


def test_exclusive_never_replaces(tmp_path):
    target = tmp_path / "m.yaml"
    target.write_bytes(ORIGINAL)
    with pytest.raises(FileExistsError):
        atomic_write(target, "new", exclusive=True)
    assert target.read_bytes() == ORIGINAL
    atomic_write(tmp_path / "fresh.yaml", "new", exclusive=True)
    assert (tmp_path / "fresh.yaml").read_text() == "new"
    assert listing(tmp_path) == {"m.yaml", "fresh.yaml"}


def test_replace_if_unchanged(tmp_path):
    target = tmp_path / "m.yaml"
    target.write_bytes(b"old")
    assert replace_if_unchanged(target, b"old", b"new") is True
    assert replace_if_unchanged(target, b"old", b"new") is False  # someone already wrote the same edit
    target.write_bytes(b"edited by hand")
    with pytest.raises(ChangedOnDisk):
        replace_if_unchanged(target, b"old", b"newer")
    assert target.read_bytes() == b"edited by hand"


def test_cli_keeps_its_import():
    from genai_lint.cli import write_text_atomic

    assert write_text_atomic is writing.write_text_atomic


def test_hash_with_a_full_disk_fails_in_one_line_and_keeps_the_manifest(project, monkeypatch):
    root = project(CLEAN.replace('    sha256: "', '    x-old: "'))
    manifest = root / "genai-manifest.yaml"
    before = manifest.read_bytes()
    monkeypatch.setattr(writing.os, "write", failing_write(7))
    result = run_cli("hash", "--no-cache", cwd=root)
    monkeypatch.undo()
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "No space left on device" in result.stderr
    assert "Traceback" not in result.stderr + result.output
    assert manifest.read_bytes() == before
    assert not [name for name in listing(root) if name.endswith(".tmp")]
