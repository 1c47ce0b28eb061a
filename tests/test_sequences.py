"""Frame sequences declared once: missing, changed and extra frames, and the sequence sha256 that `hash` fills."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from genai_lint.sequences import FramesError, format_ranges, parse_frames, parse_pattern
from tests.conftest import CLEAN, check_json, run_cli, write_project

SEQUENCE_ASSET = """\
  - id: SEQ-1
    path: renders/sh010_matte.####.exr
    frames: "1001-1100"
    tool: ent
    media: image
    purpose: concept
    deliverable: false
    created: "2026-05-01"
    disclosed_on: "2026-05-02"
"""


def frame_bytes(frame: int) -> bytes:
    return b"v1 EXR frame %d" % frame


def sequence_production(tmp_path: Path, frames: range = range(1001, 1101), asset: str = SEQUENCE_ASSET) -> Path:
    files: dict[str, str | bytes] = {"genai-manifest.yaml": CLEAN + asset, "a.png": b"\x89PNG\r\n\x1a\n tiny test asset"}
    files.update({f"renders/sh010_matte.{frame:04d}.exr": frame_bytes(frame) for frame in frames})
    return write_project(tmp_path / "prod", files)


def by_definition(root: Path, frames: range) -> str:
    """The README's definition: sha256 of '<frame> <sha256 of the frame file>\\n' per frame, in frame order."""
    text = "".join(f"{frame} {hashlib.sha256((root / f'renders/sh010_matte.{frame:04d}.exr').read_bytes()).hexdigest()}\n"
                   for frame in frames)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def findings(root: Path, code: str) -> list[dict]:
    import json

    return [f for f in json.loads(check_json(root).output)["findings"] if f["code"] == code]


def test_hash_fills_the_sequence_sha256_by_its_documented_definition(tmp_path: Path) -> None:
    root = sequence_production(tmp_path)
    assert [f["message"] for f in findings(root, "M012")] == ["renders/sh010_matte.####.exr has no sha256 (asset SEQ-1)"]
    result = run_cli("hash", str(root))
    assert result.exit_code == 0, result.output
    text = (root / "genai-manifest.yaml").read_text()
    assert f'    path: renders/sh010_matte.####.exr\n    sha256: "{by_definition(root, range(1001, 1101))}"\n' in text
    assert check_json(root).exit_code == 0
    assert run_cli("hash", "--check", str(root)).exit_code == 0, "nothing left to fill"


def test_missing_frames_are_named_as_ranges(tmp_path: Path) -> None:
    root = sequence_production(tmp_path)
    run_cli("hash", str(root))
    for frame in (1010, 1011, 1012, 1050):
        (root / f"renders/sh010_matte.{frame}.exr").unlink()
    (m007,) = findings(root, "M007")
    assert m007["message"] == "renders/sh010_matte.####.exr: frames 1010-1012, 1050 missing (of 1001-1100) (asset SEQ-1)"
    assert m007["line"] == CLEAN.count("\n") + 4, "points at frames: (below the sha256 that hash added)"
    assert not findings(root, "M008"), "an incomplete sequence is M007, not also M008"


def test_changed_frames_are_named_with_a_count(tmp_path: Path) -> None:
    root = sequence_production(tmp_path)
    run_cli("hash", str(root))
    for frame in (1003, 1004, 1020, 1030, 1040, 1060, 1099):
        (root / f"renders/sh010_matte.{frame}.exr").write_bytes(b"re-rendered %d" % frame)
    (m008,) = findings(root, "M008")
    assert m008["message"] == ("renders/sh010_matte.####.exr: 7 of 100 frames changed since the sha256 was "
                               "recorded: 1003, 1004, 1020, 1030, 1040, ... (asset SEQ-1)")
    assert findings(root, "M008") == [m008], "the same with the cache, run again"
    (m008_uncached,) = [f for f in __import__("json").loads(check_json(root, "--no-cache").output)["findings"]
                        if f["code"] == "M008"]
    assert m008_uncached["line"] == m008["line"]


def test_a_changed_sequence_without_recorded_frames_still_fails(tmp_path: Path) -> None:
    root = sequence_production(tmp_path)
    run_cli("hash", str(root))
    import shutil

    shutil.rmtree(root / ".genai-lint-cache")
    (root / "renders/sh010_matte.1001.exr").write_bytes(b"swapped")
    (m008,) = findings(root, "M008")
    assert "differs from the declared value" in m008["message"]


def test_frames_outside_the_declared_set_are_reported_once(tmp_path: Path) -> None:
    root = sequence_production(tmp_path, frames=range(1001, 1105))
    (m017,) = findings(root, "M017")
    assert m017["message"] == ("renders/sh010_matte.####.exr: frames 1101-1104 on disk outside frames: 1001-1100 (asset SEQ-1)")
    assert m017["severity"] == "warning"


@pytest.mark.parametrize(("frames_line", "message"), [
    ('    frames: "1100-1001"\n', "SEQ-1: frames: range 1100-1001 runs backwards"),
    ("", "SEQ-1: the sequence has no frames:"),
])
def test_unusable_frames_are_m016(tmp_path: Path, frames_line: str, message: str) -> None:
    root = sequence_production(tmp_path, asset=SEQUENCE_ASSET.replace('    frames: "1001-1100"\n', frames_line))
    assert [f["message"] for f in findings(root, "M016")] == [message]


def test_frames_on_a_one_file_path_is_m016(tmp_path: Path) -> None:
    root = write_project(tmp_path / "prod", {"genai-manifest.yaml": CLEAN.replace(
        "    path: a.png\n", '    path: a.png\n    frames: "1-2"\n'), "a.png": b"\x89PNG\r\n\x1a\n tiny test asset"})
    (m016,) = findings(root, "M016")
    assert "names one file, not a sequence" in m016["message"]


def test_patterns_and_ranges() -> None:
    assert parse_pattern("comp/sh010.%04d.dpx").path(7) == "comp/sh010.0007.dpx"
    assert parse_pattern("comp/sh010.%d.dpx").name(1001) == "sh010.1001.dpx"
    assert parse_pattern("comp/plate.png") is None
    assert parse_pattern("comp/a.##.b.##.exr") is None, "two frame numbers is not a sequence"
    assert not parse_pattern("take #2.png").unmistakable, "a lone # is a frame number only with frames:"
    assert format_ranges(parse_frames("1001-1003, 1010, 1005-1006")) == "1001-1003, 1005-1006, 1010"
    with pytest.raises(FramesError, match="more than"):
        parse_frames("1-99999999999")


def test_add_records_a_sequence_with_the_frames_on_disk(tmp_path: Path) -> None:
    root = sequence_production(tmp_path, frames=range(1001, 1011), asset="")
    (root / "renders/sh010_matte.1005.exr").unlink()
    result = run_cli("add", str(root / "renders/sh010_matte.####.exr"), "--tool", "ent", "--media", "image",
                     "--purpose", "concept")
    assert result.exit_code == 0, result.output + result.stderr
    text = (root / "genai-manifest.yaml").read_text()
    frames = [*range(1001, 1005), *range(1006, 1011)]
    assert '    path: "renders/sh010_matte.####.exr"\n    frames: "1001-1004, 1006-1010"\n' in text
    assert f'    sha256: "{by_definition(root, frames)}"\n' in text
    assert not findings(root, "M007") and not findings(root, "M008") and not findings(root, "M016")
    again = run_cli("add", str(root / "renders/sh010_matte.####.exr"), "--tool", "ent", "--media", "image",
                    "--purpose", "concept")
    assert again.exit_code == 2 and "already recorded" in again.stderr
