"""`genai-lint init` scaffolds a production that passes check; `genai-lint add` appends an asset, keeping every byte."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from pathlib import Path

import pytest
import yaml
from conftest import ASSET_BYTES, CLEAN, check_json, run_cli, write_project

from genai_lint.add import next_id
from genai_lint.loader import load

NEW_BYTES = b"\x89PNG\r\n\x1a\n a new generated image"
NEW_SHA = hashlib.sha256(NEW_BYTES).hexdigest()
TODAY = dt.date.today().isoformat()


def block(asset_id: str, path: str, dash: int = 2, offset: int = 2, newline: str = "\n", **extra: str) -> str:
    fields = [("id", asset_id), ("path", path), ("sha256", f'"{NEW_SHA}"'), ("tool", "ent"), ("media", "image"),
              ("purpose", "concept"), ("deliverable", "false"), ("created", f'"{extra.pop("created", TODAY)}"'),
              *extra.items()]
    lines = [(" " * dash + "-" + " " * (offset - 1) if index == 0 else " " * (dash + offset)) + f"{key}: {value}"
             for index, (key, value) in enumerate(fields)]
    return newline.join(lines) + newline


# init -------------------------------------------------------------------------------------------


def test_init_then_check_passes_with_no_findings(tmp_path):
    result = run_cli("init", cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    assert sorted(os.listdir(tmp_path)) == [".genai-lint.yaml", ".pre-commit-config.yaml", "genai-manifest.yaml"]
    assert "created genai-manifest.yaml" in result.output and "- id: genai-lint" in result.output
    report = run_cli("check", "--format", "json", cwd=tmp_path)
    assert report.exit_code == 0 and report.findings == []
    assert run_cli("check", "--show-config", cwd=tmp_path).exit_code == 0


def test_init_writes_the_pre_commit_config(tmp_path):
    assert run_cli("init", cwd=tmp_path).exit_code == 0
    config = yaml.safe_load((tmp_path / ".pre-commit-config.yaml").read_text())
    assert config == {"repos": [{"repo": "https://github.com/YOUR-ORG/genai-lint", "rev": "REV",
                                 "hooks": [{"id": "genai-lint", "verbose": True},
                                           {"id": "genai-lint-hash", "verbose": True}]}]}


def test_init_template_is_commented_and_names_the_production_after_the_folder(tmp_path):
    assert run_cli("init", "Aurora Season 2", cwd=tmp_path).exit_code == 0
    text = (tmp_path / "Aurora Season 2" / "genai-manifest.yaml").read_text()
    data = load(Path("m"), text).data
    assert data == {"manifest_version": 1, "production": {"id": "aurora-season-2", "title": "Aurora Season 2"}}
    for example in ("# tools:", "#       evidence:", "# approvals:", "# assets:", "#   - id: A-0001"):
        assert example in text


@pytest.mark.parametrize("existing", ["genai-manifest.yaml", "genai-manifest.yml", ".genai-lint.yaml"])
def test_init_refuses_to_overwrite(tmp_path, existing):
    (tmp_path / existing).write_text("mine\n")
    result = run_cli("init", cwd=tmp_path)
    assert result.exit_code == 2
    assert existing in result.stderr and result.stderr.count("\n") == 1
    assert os.listdir(tmp_path) == [existing] and (tmp_path / existing).read_text() == "mine\n"


def test_init_refuses_a_pyproject_that_configures_genai_lint(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.genai-lint]\nfail-on = "error"\n')
    result = run_cli("init", cwd=tmp_path)
    assert result.exit_code == 2 and "pyproject.toml" in result.stderr
    assert os.listdir(tmp_path) == ["pyproject.toml"]


def test_init_keeps_an_existing_pre_commit_config(tmp_path):
    (tmp_path / ".pre-commit-config.yaml").write_text("repos: []\n")
    result = run_cli("init", cwd=tmp_path)
    assert result.exit_code == 0
    assert (tmp_path / ".pre-commit-config.yaml").read_text() == "repos: []\n"
    assert "already exists and was left alone" in result.output and "- id: genai-lint" in result.output
    assert (tmp_path / "genai-manifest.yaml").exists() and (tmp_path / ".genai-lint.yaml").exists()


# add --------------------------------------------------------------------------------------------


def add(root: Path, *args: str, cwd: Path | None = None):
    return run_cli("add", *args, cwd=cwd or root)


def test_add_appends_and_keeps_every_byte(project):
    original = CLEAN.replace("tools:\n", "tools:   # register\n").replace("    tool: ent\n", "    tool: ent  # hi\n")
    root = project(original, {"art/new.png": NEW_BYTES})
    result = add(root, "art/new.png", "--tool", "ent", "--media", "image", "--purpose", "concept")
    assert result.exit_code == 0, result.stderr
    text = (root / "genai-manifest.yaml").read_text()
    assert text == original + block("A-2", "art/new.png")
    line = text.count("\n", 0, text.index("- id: A-2")) + 1
    assert result.output == f"genai-manifest.yaml:{line}: added A-2 (art/new.png, sha256 {NEW_SHA[:12]}…)\n"
    report = check_json(root)
    assert report.exit_code == 0
    assert {finding["code"] for finding in report.findings} == {"G001"}  # disclosed_on is for people to add


def test_add_in_the_middle_keeps_what_follows(project):
    head, tail = CLEAN.split("approvals:\n  - id: APR-1")
    assets = "assets:\n" + CLEAN.split("assets:\n")[1]
    approvals = "approvals:\n  - id: APR-1" + tail.split("assets:\n")[0]
    original = head + assets + "\n# approvals follow\n" + approvals
    root = project(original, {"new.png": NEW_BYTES})
    result = add(root, "new.png", "--tool", "ent", "--media", "image", "--purpose", "concept", "--prompt", 'a "castle"')
    assert result.exit_code == 0, result.stderr
    expected = head + assets + block("A-2", "new.png", prompt='"a \\"castle\\""') + "\n# approvals follow\n" + approvals
    assert (root / "genai-manifest.yaml").read_text() == expected
    assert check_json(root).exit_code == 0


@pytest.mark.parametrize("dash, offset", [(0, 2), (4, 4), (2, 3)])
def test_add_copies_the_list_indentation(project, dash, offset):
    assets = CLEAN.split("assets:\n")[1]
    reindented = "".join((" " * dash + "-" + " " * (offset - 1) + line[4:]) if line.startswith("  - ")
                         else " " * (dash + offset) + line[4:] for line in assets.splitlines(True))
    original = CLEAN.split("assets:\n")[0] + "assets:\n" + reindented
    root = project(original, {"new.png": NEW_BYTES})
    assert add(root, "new.png", "--tool", "ent", "--media", "image", "--purpose", "concept").exit_code == 0
    assert (root / "genai-manifest.yaml").read_text() == original + block("A-2", "new.png", dash, offset)


def test_add_keeps_crlf_and_a_bom(project):
    root = project(files={"new.png": NEW_BYTES})
    manifest = root / "genai-manifest.yaml"
    original = b"\xef\xbb\xbf" + CLEAN.replace("\n", "\r\n").encode()
    manifest.write_bytes(original)
    assert add(root, "new.png", "--tool", "ent", "--media", "image", "--purpose", "concept").exit_code == 0
    assert manifest.read_bytes() == original + block("A-2", "new.png", newline="\r\n").encode()


@pytest.mark.parametrize("assets", ["assets: []\n", "assets:\n", "assets: []   # none yet\n", ""])
def test_add_to_an_empty_or_missing_assets_list(project, assets):
    header = CLEAN.split("assets:\n")[0]
    root = project(header + assets, {"new.png": NEW_BYTES})
    result = add(root, "new.png", "--tool", "ent", "--media", "image", "--purpose", "final", "--deliverable",
                 "--created", "2026-05-01")
    assert result.exit_code == 0, result.stderr
    new = block("A-0001", "new.png", created="2026-05-01").replace("purpose: concept", "purpose: final") \
        .replace("deliverable: false", "deliverable: true")
    comment = "   # none yet" if "#" in assets else ""
    expected = header + (f"assets:{comment}\n" if assets else "\nassets:\n") + new
    assert (root / "genai-manifest.yaml").read_text() == expected


def test_add_after_init(tmp_path):
    assert run_cli("init", cwd=tmp_path).exit_code == 0
    manifest = tmp_path / "genai-manifest.yaml"
    text = manifest.read_text()
    start = text.index("# tools:")
    end = text.index("\n\n", start)
    uncommented = "\n".join(line[2:] if line.startswith("# ") else line for line in text[start:end].split("\n")[1:])
    manifest.write_text(text[:start] + "tools:\n" + uncommented + text[end:])
    (tmp_path / "art").mkdir()
    (tmp_path / "art" / "castle.png").write_bytes(NEW_BYTES)
    before = manifest.read_text()
    result = run_cli("add", "castle.png", "--tool", "firefly-ent", "--media", "image", "--purpose", "concept",
                     cwd=tmp_path / "art")
    assert result.exit_code == 0, result.stderr
    assert result.output.startswith(f"{manifest.resolve()}:")  # outside the current folder: shown in full
    after = manifest.read_text()
    assert after.startswith(before) and after[len(before):].startswith("\nassets:\n  - id: A-0001\n    path: art/castle.png\n")
    report = run_cli("check", "--format", "json", cwd=tmp_path)
    assert report.exit_code == 0 and {finding["code"] for finding in report.findings} == {"G001"}


def test_add_picks_the_nearest_manifest_and_the_next_id_across_the_project(tmp_path):
    art = CLEAN.replace("A-1", "IMG-0041")
    sound = CLEAN.split("tools:\n")[0] + "assets:\n" + CLEAN.split("assets:\n")[1].replace("A-1", "IMG-0007")
    root = write_project(tmp_path / "prod", {"genai-manifest.yaml": art, "a.png": ASSET_BYTES,
                                             "sound/genai-manifest.yaml": sound, "sound/a.png": ASSET_BYTES,
                                             "sound/fx/new.wav": NEW_BYTES})
    result = add(root, "sound/fx/new.wav", "--tool", "ent", "--media", "audio", "--purpose", "temp")
    assert result.exit_code == 0, result.stderr
    assert result.output.startswith("sound/genai-manifest.yaml:")
    expected = block("IMG-0042", "fx/new.wav").replace("media: image", "media: audio").replace("purpose: concept", "purpose: temp")
    assert (root / "sound/genai-manifest.yaml").read_text() == sound + expected
    assert (root / "genai-manifest.yaml").read_text() == art


def test_add_to_a_named_manifest_with_a_path_relative_to_it(project):
    root = project(files={"sound/new.wav": NEW_BYTES})
    result = add(root, "sound/new.wav", "--tool", "ent", "--media", "audio", "--purpose", "temp",
                 "--manifest", "genai-manifest.yaml", cwd=root)
    assert result.exit_code == 0, result.stderr
    assert "    path: sound/new.wav\n" in (root / "genai-manifest.yaml").read_text()


@pytest.mark.parametrize("args, message", [
    (["new.png", "--tool", "entt", "--media", "image", "--purpose", "concept"], "unknown tool 'entt'; did you mean 'ent'?"),
    (["gone.png", "--tool", "ent", "--media", "image", "--purpose", "concept"], "gone.png: no such file"),
    (["a.png", "--tool", "ent", "--media", "image", "--purpose", "concept"], "already recorded as A-1"),
    (["new.png", "--tool", "ent", "--media", "image", "--purpose", "concept", "--created", "2026-02-30"],
     "not a date"),
    (["new.png", "--tool", "ent", "--media", "picture", "--purpose", "concept"], "'picture' is not one of"),
    (["new.png", "--tool", "ent", "--media", "image", "--purpose", "concept", "--manifest", "nope.yaml"],
     "nope.yaml: no such manifest"),
])
def test_add_refuses_in_one_line_and_writes_nothing(project, args, message):
    root = project(files={"new.png": NEW_BYTES})
    result = add(root, *args)
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    assert (root / "genai-manifest.yaml").read_text() == CLEAN


def test_add_refuses_a_file_outside_the_project(tmp_path, project):
    root = project()
    (tmp_path / "outside.png").write_bytes(NEW_BYTES)
    result = add(root, str(tmp_path / "outside.png"), "--tool", "ent", "--media", "image", "--purpose", "concept",
                 "--manifest", "genai-manifest.yaml")
    assert result.exit_code == 2 and "outside" in result.stderr
    assert (root / "genai-manifest.yaml").read_text() == CLEAN


def test_add_refuses_a_flow_style_assets_list(project):
    text = CLEAN.split("assets:\n")[0] + "assets: [{id: A-1, path: a.png, tool: ent, media: image, purpose: concept, " \
                                        "deliverable: false, created: \"2026-05-01\", disclosed_on: \"2026-05-02\"}]\n"
    root = project(text, {"new.png": NEW_BYTES})
    result = add(root, "new.png", "--tool", "ent", "--media", "image", "--purpose", "concept")
    assert result.exit_code == 2 and "flow-style" in result.stderr
    assert (root / "genai-manifest.yaml").read_text() == text


def test_add_keeps_the_file_mode(project):
    root = project(files={"new.png": NEW_BYTES})
    manifest = root / "genai-manifest.yaml"
    manifest.chmod(0o640)
    assert add(root, "new.png", "--tool", "ent", "--media", "image", "--purpose", "concept").exit_code == 0
    assert manifest.stat().st_mode & 0o777 == 0o640


@pytest.mark.parametrize("ids, taken, wanted", [
    ([], [], "A-0001"),
    (["A-0009", "A-0010"], [], "A-0011"),
    (["IMG_001", "IMG_002", "A-0001"], [], "IMG_003"),
    (["A-0001", "A-0002"], ["A-0003"], "A-0004"),
    (["A-99"], [], "A-100"),
    (["castle", "moon"], [], "A-0001"),
])
def test_next_id(ids, taken, wanted):
    assert next_id(ids, taken) == wanted
