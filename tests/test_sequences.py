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


def delivered_frames(root: Path, frames: range, folder: str = "delivery") -> Path:
    import shutil

    delivery = root.parent / folder
    (delivery / "vfx").mkdir(parents=True)
    for frame in frames:
        shutil.copy(root / f"renders/sh010_matte.{frame:04d}.exr", delivery / "vfx" / f"matte_{frame}.exr")
    return delivery


def gate_json(delivery: Path, root: Path, *args: str) -> tuple[int, list[dict]]:
    import json

    result = run_cli("gate", str(delivery), "--project", str(root), "--format", "json", *args)
    assert result.exit_code in (0, 1), result.output + result.stderr
    return result.exit_code, json.loads(result.output)["findings"]


def test_a_leaked_temporary_sequence_is_one_d802(tmp_path: Path) -> None:
    root = sequence_production(tmp_path)
    run_cli("hash", str(root))
    code, found = gate_json(delivered_frames(root, range(1001, 1101)), root)
    assert code == 1
    (d802,) = [f for f in found if f["code"] == "D802"]
    assert d802["message"].startswith("100 of 100 frames of renders/sh010_matte.####.exr delivered, frames 1001-1100: ")
    assert [f["code"] for f in found] == ["D802"], found


def test_a_partial_delivery_says_so_and_a_stale_sequence_is_one_d804(tmp_path: Path) -> None:
    root = sequence_production(tmp_path)
    run_cli("hash", str(root))
    (root / "renders/sh010_matte.1001.exr").write_bytes(b"re-rendered after hashing")
    _, found = gate_json(delivered_frames(root, range(1001, 1041)), root)
    (d802,) = [f for f in found if f["code"] == "D802"]
    assert d802["message"].startswith("40 of 100 frames of renders/sh010_matte.####.exr delivered (a partial "
                                      "delivery), frames 1001-1040: ")
    assert len([f for f in found if f["code"] == "D804"]) == 1


def sharded_production(tmp_path: Path) -> tuple[Path, Path]:
    """A production with a leaked temporary sequence and a final asset, and a delivery of both plus extras."""
    import shutil

    root = sequence_production(tmp_path)
    run_cli("hash", str(root))
    delivery = delivered_frames(root, range(1001, 1101))
    shutil.copy(root / "a.png", delivery / "final.png")
    (delivery / "notes.txt").write_text("conform notes\n")
    (delivery / "unknown.bin").write_bytes(b"\x00\x01 not a known format")
    return root, delivery


def test_shards_merged_give_the_unsharded_report(tmp_path: Path) -> None:
    root, delivery = sharded_production(tmp_path)
    whole = run_cli("gate", str(delivery), "--project", str(root), "--format", "json")
    parts = []
    for k in (1, 2, 3):
        part = tmp_path / f"part-{k}.json"
        shard = run_cli("gate", str(delivery), "--project", str(root), "--shard", f"{k}/3", "--part", str(part))
        assert shard.exit_code == 0, shard.stderr
        parts.append(str(part))
    import json

    sizes = [len(json.loads(Path(part).read_text())["files"]) for part in parts]
    assert sum(sizes) == 103 and all(sizes), "every file in exactly one share, every share some"
    merged = run_cli("gate", "merge", *reversed(parts), "--project", str(root), "--format", "json")
    assert merged.exit_code == whole.exit_code == 1
    assert merged.output == whole.output, "byte-identical JSON"
    sarif = [run_cli("gate", *args, "--project", str(root), "--format", "sarif").output
             for args in ([str(delivery)], ["merge", *parts])]
    assert sarif[0] == sarif[1]


def test_merge_refuses_parts_that_do_not_belong_together(tmp_path: Path) -> None:
    root, delivery = sharded_production(tmp_path)
    part = {k: tmp_path / f"part-{k}.json" for k in (1, 2)}
    for k, path in part.items():
        run_cli("gate", str(delivery), "--project", str(root), "--shard", f"{k}/2", "--part", str(path))
    (delivery / "late.txt").write_text("added after shard 1 ran\n")
    other = tmp_path / "other-2.json"
    run_cli("gate", str(delivery), "--project", str(root), "--shard", "2/2", "--part", str(other))
    refused = run_cli("gate", "merge", str(part[1]), str(other), "--project", str(root))
    assert refused.exit_code == 2 and "another delivery" in refused.stderr
    incomplete = run_cli("gate", "merge", str(part[1]), "--project", str(root))
    assert incomplete.exit_code == 2 and "1/2 to 2/2" in incomplete.stderr
    (root / "genai-manifest.yaml").write_text((root / "genai-manifest.yaml").read_text() + "# edited\n")
    changed = run_cli("gate", "merge", str(part[1]), str(part[2]), "--project", str(root))
    assert changed.exit_code == 2 and "other manifests or another configuration" in changed.stderr
    junk = tmp_path / "junk.json"
    junk.write_text('{"format": "something else"}')
    assert "not a genai-lint gate part" in run_cli("gate", "merge", str(junk), "--project", str(root)).stderr


def test_a_delivered_uncleared_final_sequence_is_one_g401(tmp_path: Path) -> None:
    root = sequence_production(tmp_path, asset=SEQUENCE_ASSET.replace("    purpose: concept\n    deliverable: false\n",
                                                                      "    purpose: final\n    deliverable: true\n"))
    run_cli("hash", str(root))
    code, found = gate_json(delivered_frames(root, range(1001, 1101)), root)
    assert code == 1
    assert [f["code"] for f in found] == ["G401"], found
