"""Inputs past the loader's limits are refused before they cost memory; very long lines still work.

Bounds are asserted structurally (what is refused, the child's peak memory), never with a clock.
The alias budget and the nesting limit are cases of ``test_hostile_yaml.py``; the provenance
scanner's ``max_payload`` and the gate on a huge sparse file are in ``tests/test_provenance.py``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from conftest import ASSET_BYTES, CLEAN
from hostile_harness import DATE, check_all_formats, child_peak_rss_kib, cli, findings_of, has, project

HUGE = 500 * 2**20
LONG = 10_000_000


def test_a_500_mib_manifest_is_refused_by_its_size_before_it_is_read(tmp_path: Path) -> None:
    root = project(tmp_path / "prod", {"a.png": ASSET_BYTES, "new.png": b"new", "delivery/notes.txt": b"text"})
    manifest = root / "genai-manifest.yaml"
    with open(manifest, "wb") as stream:  # sparse: no disk blocks, and reading it would cost 500 MiB
        stream.write(CLEAN.encode())
        stream.truncate(HUGE)
    run, peak_kib = child_peak_rss_kib("check", "--format", "json", "--date", DATE, cwd=root)
    assert run.code == 1, run.err
    finding = has(json.loads(run.out)["findings"], "M001", 1, 1, "manifest is 500 MiB, over the 128 MiB limit")
    assert finding["path"] == "genai-manifest.yaml"
    assert peak_kib < 300 * 1024, f"peak RSS {peak_kib} KiB: the manifest was read"
    formats = check_all_formats(root)
    assert formats.code == 1 and [f["code"] for f in findings_of(formats)] == ["M001"]
    assert max(len(line) for line in formats.out.splitlines()) < 400  # the frame of a NUL-filled line is cut
    for args in (("hash",), ("hash", "--check")):
        run, peak_kib = child_peak_rss_kib(*args, cwd=root)
        run.one_line_error("genai-manifest.yaml:1:1: cannot update: manifest is 500 MiB, over the 128 MiB limit")
        assert peak_kib < 300 * 1024
    cli("add", "new.png", "--tool", "ent", "--media", "image", "--purpose", "concept", cwd=root) \
        .one_line_error("cannot add to it: manifest is 500 MiB")
    run, peak_kib = child_peak_rss_kib("audit", "--format", "json", "--date", DATE, cwd=root)
    assert run.code == 0 and peak_kib < 300 * 1024
    assert "over the 128 MiB limit" in json.loads(run.out)["projects"][0]["manifests"][0]["error"]
    run, peak_kib = child_peak_rss_kib("gate", "delivery", "--format", "json", "--date", DATE, cwd=root)
    assert run.code == 1 and peak_kib < 300 * 1024
    has(json.loads(run.out)["findings"], "M001", 1, 1, "over the 128 MiB limit")
    assert os.path.getsize(manifest) == HUGE


def test_ten_megabyte_lines_load_and_positions_hold_far_out(tmp_path: Path) -> None:
    """A 10 MB prompt, and a 10 MB plain scalar with an invisible character at its end."""
    manifest = CLEAN + f'    prompt: "{"x" * LONG}"\n    x-long: {"y" * LONG}\u200b\n'
    root = project(tmp_path / "prod", {"genai-manifest.yaml": manifest, "a.png": ASSET_BYTES, "new.png": b"new"})
    run = check_all_formats(root)
    assert run.code == 0, run.err
    found = findings_of(run)
    assert len(found) == 1
    has(found, "M015", 32, len("    x-long: ") + LONG + 1, "U+200B")
    assert max(len(line) for line in run.out.splitlines()) < 400  # the source frame shows a window of the line
    assert cli("hash", "--check", cwd=root).code == 0
    added = cli("add", "new.png", "--tool", "ent", "--media", "image", "--purpose", "concept", "--created", DATE,
                cwd=root)
    assert added.code == 0, added.err
    text = (root / "genai-manifest.yaml").read_text(encoding="utf-8")
    assert text.startswith(manifest) and text[len(manifest):].startswith("  - id: A-2\n    path: new.png\n")


def test_a_baseline_nested_too_deeply_is_a_one_line_error(tmp_path: Path) -> None:
    root = project(tmp_path / "prod", {"genai-manifest.yaml": CLEAN, "a.png": ASSET_BYTES,
                                       "baseline.json": "[" * 100_000 + "]" * 100_000})
    cli("check", "--baseline", "baseline.json", cwd=root).one_line_error("baseline.json: not a genai-lint baseline")


def test_reading_a_manifest_allocates_its_size_not_the_limit(tmp_path: Path) -> None:
    """The read buffer is the file's size: a 2 KB manifest must not reserve the 128 MiB limit (which
    tracemalloc, and a machine without overcommit, count)."""
    import tracemalloc

    from genai_lint.loader import read_manifest_bytes

    manifest = tmp_path / "genai-manifest.yaml"
    manifest.write_text(CLEAN, encoding="utf-8")
    tracemalloc.start()
    try:
        raw = read_manifest_bytes(manifest)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert raw == CLEAN.encode()
    assert peak < 64 * len(raw) + 64 * 1024, f"{peak:,} bytes traced to read {len(raw):,}"
