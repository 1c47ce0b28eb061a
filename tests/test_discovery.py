"""Discovery in a media-heavy production: a file's name decides before any other work on it."""

from __future__ import annotations

from pathlib import Path

from conftest import ASSET_BYTES, CLEAN, check_json, sibling, write_project
from genai_lint import project as project_module
from genai_lint.config import Settings
from genai_lint.project import discover


def media_production(root: Path, frames: int) -> Path:
    write_project(root, {"genai-manifest.yaml": CLEAN, "a.png": ASSET_BYTES,
                         "episodes/genai-manifest.yml": sibling(),
                         "archive/genai-manifest.yaml": "not: [a manifest"}, "exclude: [archive/]\n")
    for shot in range(4):
        folder = root / "plates" / f"shot-{shot:03d}"
        folder.mkdir(parents=True)
        for frame in range(frames // 4):
            (folder / f"frame-{frame:05d}.exr").touch()
    return root


def test_media_files_cost_a_name_match_only(tmp_path, monkeypatch):
    root = media_production(tmp_path / "prod", frames=2000)
    paths_built: list[str] = []
    real_relative = project_module.relative
    monkeypatch.setattr(project_module, "relative", lambda path, base: paths_built.append(path.name) or real_relative(path, base))
    found = discover(root, Settings(exclude=["archive/"]))
    assert [path.relative_to(root).as_posix() for path in found] == ["episodes/genai-manifest.yml", "genai-manifest.yaml"]
    assert not any(name.endswith(".exr") for name in paths_built)
    assert len(paths_built) <= 12  # the folders and the manifest-named files, not the 2,000 frames


def test_path_globs_still_see_every_file(tmp_path):
    root = media_production(tmp_path / "prod", frames=8)
    (root / "plates" / "shot-001" / "notes.genai.yaml").write_text(CLEAN)
    found = discover(root, Settings(manifests=["genai-manifest.yaml", "plates/*/*.genai.yaml"], exclude=["archive/"]))
    assert [path.relative_to(root).as_posix() for path in found] == ["genai-manifest.yaml", "plates/shot-001/notes.genai.yaml"]


def test_check_of_a_media_heavy_production(tmp_path):
    result = check_json(media_production(tmp_path / "prod", frames=400))
    assert result.exit_code == 0, result.output
    assert '"manifests": 2' in result.output
