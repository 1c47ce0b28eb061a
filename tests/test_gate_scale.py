"""The gate at scale: memory bounded whatever the number of clean delivered files, with or without an
inventory (counted by tracemalloc, never timed), and a streamed walk whose order is the paths' order."""

from __future__ import annotations

import gc
import json
import os
import struct
import tracemalloc
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

import pytest

from conftest import ASSET_BYTES, CLEAN, run_cli
from genai_lint import gate, hashing

def png(pixel: int) -> bytes:
    """A valid one-pixel PNG without metadata: the scanner reads it and finds nothing to report."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(bytes([0, pixel]))) + chunk(b"IEND", b""))


def production(folder: Path) -> Path:
    folder.mkdir()
    (folder / "a.png").write_bytes(ASSET_BYTES)
    (folder / "genai-manifest.yaml").write_text(CLEAN)
    return folder


def delivery(folder: Path, files: int) -> Path:
    """``files`` clean files (readable, no provenance, no asset's), 100 a folder."""
    for number in range(files):
        sub = folder / f"shot{number // 100:04d}"
        if number % 100 == 0:
            sub.mkdir(parents=True)
        (sub / f"frame.{number:06d}.png").write_bytes(png(number % 251))
    return folder


@contextmanager
def traced() -> Iterator[None]:
    """tracemalloc on and the cyclic garbage collector off: garbage cycles count as memory held (a reference
    cycle left per file would show), and the peak does not depend on when a collection happens to run."""
    gc.collect()
    gc.disable()
    tracemalloc.start()
    try:
        yield
    finally:
        tracemalloc.stop()
        gc.enable()


def gate_peak(delivery_folder: Path, project: Path, *options: str) -> int:
    """Peak bytes Python allocated by one real gate run (CLI in-process, hash cache on) once the production
    is loaded (loading reads a manifest through a buffer as large as the largest manifest allowed)."""
    with traced():
        result = run_cli("gate", str(delivery_folder), "--project", str(project), "--format", "json", *options)
        peak = tracemalloc.get_traced_memory()[1]
    assert result.exit_code == 0, result.output + result.stderr
    assert json.loads(result.output)["findings"] == []
    return peak


def measure_after_loading(monkeypatch: pytest.MonkeyPatch, module: ModuleType) -> None:
    """Peaks counted from the moment ``module`` has loaded the production (its caches are not the delivery's),
    the hash cache's pending rows kept few."""
    monkeypatch.setattr(hashing, "FLUSH_EVERY", 500)
    real_production = module.production

    def production_then_measure(*args, **kwargs):
        loaded = real_production(*args, **kwargs)
        tracemalloc.reset_peak()
        return loaded

    monkeypatch.setattr(module, "production", production_then_measure)


def test_memory_does_not_grow_with_clean_delivered_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    measure_after_loading(monkeypatch, gate)
    project = production(tmp_path / "production")
    small, large = delivery(tmp_path / "small", 2_000), delivery(tmp_path / "large", 20_000)
    gate_peak(small, project)  # imports, the production's caches: paid once, before measuring
    first_small, first_large = gate_peak(small, project), gate_peak(large, project)
    cached_small, cached_large = gate_peak(small, project), gate_peak(large, project)  # every hash remembered
    # Before streaming, the gate held about 4 KiB per file: 18,000 more files were ~70 MiB more; now under
    # 15 bytes a file (the walk batch and the open folders' names are the same size in both).
    assert first_large - first_small < 1 << 18, (first_small, first_large)
    assert cached_large - cached_small < 1 << 18, (cached_small, cached_large)
    for kind in ("csv", "json"):  # the rows wait in a temporary file, the inventory is written a chunk at a time
        small_rows, large_rows = tmp_path / f"small.{kind}", tmp_path / f"large.{kind}"
        with_small, with_large = gate_peak(small, project, "--inventory", str(small_rows)), gate_peak(
            large, project, "--inventory", str(large_rows))
        # Holding the rows was ~1 KiB a file (18 MiB more for the large delivery).
        assert with_large - with_small < 1 << 18, (kind, with_small, with_large)
        assert large_rows.read_text().count('"verdict": "pass"' if kind == "json" else ",pass,") == 20_000
        assert not list(tmp_path.glob(".*"))  # no temporary file left beside the inventory


def test_the_walk_is_in_path_order_and_streamed(tmp_path: Path) -> None:
    from genai_lint.gate.walk import walk

    for name in ("a/x.png", "a-b.png", "a0.png", "a.png", "b/c/d.png", "b/c.png", "b.c/e.png"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"x")
    entries = walk(tmp_path)
    assert not isinstance(entries, list)
    rels = [entry.rel for entry in entries]
    assert rels == sorted(rels) and len(rels) == 7



def test_a_delivered_hard_link_to_an_asset_file_is_not_read_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = production(tmp_path / "production")
    folder = tmp_path / "delivery"
    folder.mkdir()
    os.link(project / "a.png", folder / "linked.png")
    (folder / "copied.png").write_bytes((project / "a.png").read_bytes())
    read: list[str] = []
    real = hashing.sha256_file

    def counted(path, progress=None):
        read.append(os.path.basename(path))
        return real(path, progress)

    monkeypatch.setattr(hashing, "sha256_file", counted)
    result = run_cli("gate", str(folder), "--project", str(project), "--format", "json", "--no-cache")
    assert sorted(read) == ["a.png", "copied.png"]  # the asset file once, the copy; the link is the asset's file
    d802 = [finding["path"] for finding in json.loads(result.output)["findings"] if finding["code"] == "D802"]
    assert result.exit_code == 1 and sorted(d802) == ["copied.png", "linked.png"], result.output
