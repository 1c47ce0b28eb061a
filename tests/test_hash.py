"""`genai-lint hash`: fills and refreshes sha256 values and changes no other byte of a manifest."""

from __future__ import annotations

import codecs
import difflib
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ASSET_BYTES, ASSET_SHA, CLEAN, REPO, check_json, run_cli, write_project
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from genai_lint.loader import load

FILES = {name: f"{name} bytes\n".encode() for name in ("a.png", "b.png", "c.png", "d.png", "e.png")}
SHA = {name: hashlib.sha256(data).hexdigest() for name, data in FILES.items()}
ASSET = "    tool: ent\n    media: image\n    purpose: concept\n    deliverable: false\n    created: \"2026-05-01\"\n" \
        "    disclosed_on: \"2026-05-02\"\n"
HEADER = CLEAN.split("assets:\n")[0].replace("  - id: APR-1", "  - id: APR-1   # the studio's sign-off") \
    .replace("approvals: [APR-1]", "")

# Comments everywhere, every quoting style, an indentless list item, a flow-style entry, an empty
# value, a merge key, and no final newline: only the sha256 values may change.
ODD = HEADER.replace("tools:\n", "tools:   # the register\n") + f"""\
x-common: &common
  tool: ent
  media: image
  purpose: concept
  deliverable: false
  created: '2026-05-01'
  disclosed_on: "2026-05-02"
assets:
  # A-1 has no hash yet
  - id: A-1      # first
    path: "a.png"   # a quoted path
{ASSET}  - id: A-2
    path: b.png
    sha256: 'deadbeef'   # stale, single-quoted
{ASSET}  - {{id: A-3, path: c.png, tool: ent, media: image, purpose: concept, deliverable: false, created: "2026-05-01", disclosed_on: "2026-05-02"}}
  - id: A-4
    sha256:
    path: d.png
{ASSET}  - <<: *common
    id: A-5
    path: e.png
    # trailing comment, no final newline"""

EXPECTED = (ODD
            .replace('    path: "a.png"   # a quoted path\n',
                     f'    path: "a.png"   # a quoted path\n    sha256: \'{SHA["a.png"]}\'\n')
            .replace("sha256: 'deadbeef'", f"sha256: '{SHA['b.png']}'")
            .replace("path: c.png, tool:", f"path: c.png, sha256: '{SHA['c.png']}', tool:")
            .replace("    sha256:\n", f"    sha256: '{SHA['d.png']}'\n")
            .replace("    path: e.png\n", f"    path: e.png\n    sha256: '{SHA['e.png']}'\n"))


def odd_project(tmp_path: Path, text: str = ODD, newline: str = "\n", bom: bytes = b"", encoding: str = "utf-8") -> Path:
    root = write_project(tmp_path / "prod", dict(FILES))
    (root / "genai-manifest.yaml").write_bytes(bom + text.replace("\n", newline).encode(encoding))
    return root


@pytest.mark.parametrize("newline, bom, encoding", [
    ("\n", b"", "utf-8"),
    ("\r\n", codecs.BOM_UTF8, "utf-8"),
    ("\r\n", codecs.BOM_UTF16_LE, "utf-16-le"),
])
def test_hash_changes_only_the_hash_values(tmp_path, newline, bom, encoding):
    root = odd_project(tmp_path, newline=newline, bom=bom, encoding=encoding)
    manifest = root / "genai-manifest.yaml"
    result = run_cli("hash", cwd=root)
    assert result.exit_code == 0, result.stderr
    assert manifest.read_bytes() == bom + EXPECTED.replace("\n", newline).encode(encoding)
    lines = result.output.splitlines()
    assert lines[:5] == [
        f"genai-manifest.yaml:{_line_of(EXPECTED, SHA['a.png'])}: A-1 sha256 filled",
        f"genai-manifest.yaml:{_line_of(EXPECTED, SHA['b.png'])}: A-2 sha256 refreshed (was deadbeef)",
        f"genai-manifest.yaml:{_line_of(EXPECTED, SHA['c.png'])}: A-3 sha256 filled",
        f"genai-manifest.yaml:{_line_of(EXPECTED, SHA['d.png'])}: A-4 sha256 filled",
        f"genai-manifest.yaml:{_line_of(EXPECTED, SHA['e.png'])}: A-5 sha256 filled",
    ]
    assert lines[5] == "4 filled, 1 refreshed, 0 up to date in 1 manifest"
    again = run_cli("hash", cwd=root)
    assert again.exit_code == 0 and again.output == "5 up to date in 1 manifest\n"
    assert manifest.read_bytes() == bom + EXPECTED.replace("\n", newline).encode(encoding)
    assert {finding["code"] for finding in check_json(root).findings} <= {"M010"}  # APR-1 is not used here


def _line_of(text: str, needle: str) -> int:
    return next(number for number, line in enumerate(text.splitlines(), 1) if needle in line)


def test_new_values_follow_the_manifests_quoting(project):
    """No sha256 in the file yet: double quotes, as SPEC's example writes them."""
    root = project(CLEAN.replace(f'    sha256: "{ASSET_SHA}"\n', ""))
    assert run_cli("hash", cwd=root).exit_code == 0
    assert (root / "genai-manifest.yaml").read_text() == CLEAN


def test_check_writes_nothing_and_exits_1_when_stale(project):
    root = project(CLEAN.replace(ASSET_SHA, "0" * 64))
    manifest = root / "genai-manifest.yaml"
    before, mtime = manifest.read_bytes(), manifest.stat().st_mtime_ns
    result = run_cli("hash", "--check", cwd=root)
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"genai-manifest.yaml:{_line_of(CLEAN, ASSET_SHA)}: A-1 sha256 stale (declared 00000000…)",
        "0 missing, 1 stale, 0 up to date in 1 manifest; run `genai-lint hash` to update them",
    ]
    assert manifest.read_bytes() == before and manifest.stat().st_mtime_ns == mtime
    assert set(os.listdir(root)) - {".genai-lint-cache"} == {".genai-lint.yaml", "genai-manifest.yaml", "a.png"}


def test_check_exits_0_when_fresh(project):
    root = project()
    manifest = root / "genai-manifest.yaml"
    mtime = manifest.stat().st_mtime_ns
    result = run_cli("hash", "--check", "--quiet", cwd=root)
    assert result.exit_code == 0 and result.output == ""
    assert manifest.stat().st_mtime_ns == mtime and manifest.read_text() == CLEAN


def test_uppercase_hash_counts_as_fresh(project):
    root = project(CLEAN.replace(ASSET_SHA, ASSET_SHA.upper()))
    assert run_cli("hash", "--check", cwd=root).exit_code == 0


def test_missing_file_is_skipped_with_a_warning(project):
    root = project(CLEAN.replace("path: a.png", "path: gone.png"))
    before = (root / "genai-manifest.yaml").read_bytes()
    result = run_cli("hash", cwd=root)
    assert result.exit_code == 0
    assert result.stderr == f"warning: genai-manifest.yaml:{_line_of(CLEAN, 'path: a.png')}: A-1 skipped: gone.png does not exist\n"
    assert result.output == "0 up to date, 1 skipped in 1 manifest\n"
    assert (root / "genai-manifest.yaml").read_bytes() == before


def test_a_broken_manifest_is_reported_and_the_others_still_updated(tmp_path):
    sound = CLEAN.split("tools:\n")[0] + "assets:\n" + CLEAN.split("assets:\n")[1]
    root = write_project(tmp_path / "prod", {
        "art/genai-manifest.yaml": CLEAN.replace(ASSET_SHA, "1" * 64), "art/a.png": ASSET_BYTES,
        "sound/genai-manifest.yaml": sound.replace("A-1", "A-2").replace(ASSET_SHA, "2" * 64), "sound/a.png": ASSET_BYTES,
        "vfx/genai-manifest.yaml": "assets: [\n",
    })
    result = run_cli("hash", cwd=root)
    assert result.exit_code == 2
    assert result.stderr.startswith("genai-lint: error: vfx/genai-manifest.yaml:2:1: cannot update: invalid YAML")
    assert result.stderr.count("\n") == 1
    assert (root / "art/genai-manifest.yaml").read_text() == CLEAN
    assert ASSET_SHA in (root / "sound/genai-manifest.yaml").read_text()
    assert (root / "vfx/genai-manifest.yaml").read_text() == "assets: [\n"


def test_a_shared_anchor_is_refused_not_rewritten(project):
    """Two assets share one anchored value: changing it for one would change the other."""
    second = CLEAN.split("assets:\n")[1].replace("A-1", "A-2").replace("a.png", "b.png")
    text = CLEAN.replace(f'sha256: "{ASSET_SHA}"', 'sha256: &shared "' + "0" * 64 + '"') \
        + second.replace(f'"{ASSET_SHA}"', "*shared")
    root = project(text, {"b.png": b"other bytes"})
    before = (root / "genai-manifest.yaml").read_bytes()
    result = run_cli("hash", cwd=root)
    assert result.exit_code == 2
    assert "alias" in result.stderr and "would not hold the intended data" in result.stderr
    assert (root / "genai-manifest.yaml").read_bytes() == before


def test_a_changed_media_file_selects_the_manifests_that_record_it(tmp_path):
    sound = CLEAN.split("tools:\n")[0] + "assets:\n" + CLEAN.split("assets:\n")[1]
    art_text = CLEAN.replace(ASSET_SHA, "1" * 64)
    sound_text = sound.replace("A-1", "A-2").replace(ASSET_SHA, "2" * 64).replace("a.png", "s.wav")
    root = write_project(tmp_path / "prod", {"art/genai-manifest.yaml": art_text, "art/a.png": ASSET_BYTES,
                                             "sound/genai-manifest.yaml": sound_text, "sound/s.wav": ASSET_BYTES})
    result = run_cli("hash", "--check", "sound/s.wav", cwd=root)
    assert result.exit_code == 1
    assert [line.split(":")[0] for line in result.output.splitlines()[:-1]] == ["sound/genai-manifest.yaml"]
    assert run_cli("hash", "art", cwd=root).exit_code == 0
    assert (root / "art/genai-manifest.yaml").read_text() == CLEAN
    assert (root / "sound/genai-manifest.yaml").read_text() == sound_text


def test_usage_problems_exit_2_in_one_line(project):
    root = project()
    result = run_cli("hash", "nowhere.yaml", cwd=root)
    assert result.exit_code == 2 and result.stderr.count("\n") == 1 and "nowhere.yaml" in result.stderr


def test_the_published_hook_runs_hash_check():
    import yaml

    hooks = {hook["id"]: hook for hook in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())}
    assert hooks["genai-lint-hash"]["entry"] == "genai-lint hash --check"


def test_two_processes_hashing_at_once_leave_a_valid_manifest(tmp_path):
    root = odd_project(tmp_path)
    manifest = root / "genai-manifest.yaml"
    command = [sys.executable, "-m", "genai_lint", "hash"]
    for _ in range(4):
        manifest.write_text(ODD)
        runs = [subprocess.Popen(command, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for _ in range(2)]
        outputs = [run.communicate(timeout=120) for run in runs]
        for run, (out, err) in zip(runs, outputs):
            assert run.returncode == 0, err
            assert "Traceback" not in out + err
        assert manifest.read_text() == EXPECTED
    assert [name for name in os.listdir(root) if name.endswith(".tmp")] == []


# Property: whatever the layout, only sha256 lines change and the data is the intended data.

@st.composite
def layouts(draw):
    dash = draw(st.sampled_from([0, 2, 4]))
    offset = draw(st.sampled_from([2, 3, 4]))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    comment = draw(st.sampled_from(["", "  # note", " #: x"]))
    assets = []
    for index, name in enumerate(sorted(FILES)):
        state = draw(st.sampled_from(["missing", "null", "stale", "fresh"]))
        quote = draw(st.sampled_from(["'", '"', ""]))
        path_quote = draw(st.sampled_from(["'", '"', ""]))
        fields = [("id", f"A-{index}"), ("path", f"{path_quote}{name}{path_quote}")]
        stale = "ab" * 32 if state == "stale" else SHA[name]
        if state in ("stale", "fresh"):
            fields.insert(draw(st.integers(0, 2)), ("sha256", f"{quote}{stale}{quote}"))
        elif state == "null":
            fields.append(("sha256", draw(st.sampled_from(["", "~", "null"]))))
        fields += [("tool", "ent"), ("media", "image"), ("purpose", "concept"), ("deliverable", "false"),
                   ("created", '"2026-05-01"')]
        lines = []
        for position, (key, value) in enumerate(fields):
            lead = " " * dash + "-" + " " * (offset - 1) if position == 0 else " " * (dash + offset)
            lines.append(f"{lead}{key}:{' ' + value if value else ''}{comment}")
        assets.append("\n".join(lines))
    text = HEADER + "assets:" + comment + "\n" + "\n".join(assets) + draw(st.sampled_from(["", "\n", "\n# end\n"]))
    return text.replace("\n", newline)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=layouts())
def test_any_layout_changes_only_sha256_lines(tmp_path_factory, text):
    root = write_project(tmp_path_factory.mktemp("prop") / "prod", dict(FILES))
    manifest = root / "genai-manifest.yaml"
    manifest.write_bytes(text.encode())
    result = run_cli("hash", "--no-cache", cwd=root)
    assert result.exit_code == 0, result.stderr
    after = manifest.read_bytes().decode()
    before_data = load(manifest, text).data
    for asset in before_data["assets"]:
        asset["sha256"] = SHA[asset["path"]]
    assert json.dumps(load(manifest, after).data, sort_keys=True) == json.dumps(before_data, sort_keys=True)
    changed = [line for line in difflib.ndiff(text.splitlines(True), after.splitlines(True)) if line[0] in "+-"]
    assert all("sha256:" in line for line in changed), changed
    if "\r\n" in text:
        assert after.count("\n") == after.count("\r\n")


def test_hash_check_creates_no_cache_folder(tmp_path):
    """`hash --check` promises to write nothing: caches are read if present, never created."""
    from conftest import ASSET_BYTES, CLEAN, run_cli, write_project

    root = write_project(tmp_path / "prod", {"genai-manifest.yaml": CLEAN, "a.png": ASSET_BYTES})
    before = sorted(p.name for p in root.iterdir())
    result = run_cli("hash", "--check", str(root))
    assert result.exit_code == 0, result.output + result.stderr
    assert sorted(p.name for p in root.iterdir()) == before
