"""The production root is a wall: nothing outside it is read, printed, hashed or written, and one bad
path in a delivery is one D803, never the end of the gate."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hostile_harness import DATE, FORMATS, check_all_formats, cli, environment, findings_of, has, project

MARKER = "SECRET-MARKER-7f3a: machine ci.example login bot password hunter2"
HEAD = ("manifest_version: 1\nproduction: {id: demo, title: t, company: c, contact: c@d.example}\n"
        "tools:\n  - {id: t1, name: n, vendor: v, version: \"1\", environment: enterprise,"
        " data_handling: {trains_on_inputs: false, trains_on_outputs: false, retains_inputs: false}}\n")
ASSET = ("  - {id: A-1, path: %s, tool: t1, media: image, purpose: temp, deliverable: false,"
         " created: \"2026-01-01\"}\n")


def secret(tmp_path: Path) -> Path:
    outside = tmp_path / "home" / ".netrc"
    outside.parent.mkdir(parents=True, exist_ok=True)
    outside.write_text(MARKER + "\n" + MARKER + ": more\n")
    return outside


def every_output(root: Path, *extra: str) -> str:
    """stdout, stderr and written files of every command that could show the manifest's text."""
    runs = [check_all_formats(root, *extra)]
    runs += [cli("audit", "--format", name, "--date", DATE, cwd=root) for name in ("md", "html", "json")]
    runs += [cli("hash", cwd=root), cli("hash", "--check", cwd=root), cli("check", "--show-config", cwd=root)]
    runs += [cli("gate", str(root), "--project", str(root), "--format", name, "--date", DATE, cwd=root)
             for name in ("text", "json", "sarif", "github")]
    return "\n".join(run.out + run.err + "".join(run.files.values()) for run in runs)


def test_a_manifest_linked_outside_is_never_read(tmp_path: Path) -> None:
    outside = secret(tmp_path)
    root = project(tmp_path / "prod", {})
    (root / "genai-manifest.yaml").symlink_to(outside)
    shown = every_output(root)
    assert "SECRET-MARKER" not in shown
    assert "hunter2" not in shown
    run = check_all_formats(root)
    has(findings_of(run), "M001", 1, 1, "leads outside the project root")
    assert outside.read_text().startswith(MARKER)  # and nothing was written to it


def test_a_configuration_linked_outside_is_refused_unread(tmp_path: Path) -> None:
    outside = secret(tmp_path)
    root = project(tmp_path / "prod", {"genai-manifest.yaml": HEAD})
    (root / ".genai-lint.yaml").unlink()
    (root / ".genai-lint.yaml").symlink_to(outside)
    for args in (("check",), ("check", "--show-config"), ("audit",), ("hash",)):
        run = cli(*args, cwd=root)
        run.one_line_error("leads outside the project root")
        assert "SECRET-MARKER" not in run.out + run.err


def test_hash_through_a_symlink_is_refused_and_the_target_unchanged(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere" / "genai-manifest.yaml"
    target.parent.mkdir()
    (target.parent / "a.png").write_bytes(b"png")
    text = HEAD + "assets:\n" + ASSET % "a.png"
    target.write_text(text)
    root = project(tmp_path / "prod", {"a.png": b"png"})
    (root / "genai-manifest.yaml").symlink_to(target)
    before = target.stat()
    cli("hash", cwd=root).one_line_error("cannot update: it leads outside the project root")
    cli("hash", "genai-manifest.yaml", cwd=root).one_line_error("leads outside the project root")
    run = cli("add", "a.png", "--tool", "t1", "--media", "image", "--purpose", "temp", cwd=root)
    run.one_line_error("leads outside the project root")
    assert target.read_text() == text
    assert (target.stat().st_mtime_ns, target.stat().st_ino) == (before.st_mtime_ns, before.st_ino)


def test_an_asset_linked_outside_is_m009_and_never_hashed(tmp_path: Path) -> None:
    outside = secret(tmp_path)
    root = project(tmp_path / "prod", {"genai-manifest.yaml": HEAD + "assets:\n" + ASSET % "link.png"})
    (root / "link.png").symlink_to(outside)
    run = check_all_formats(root)
    has(findings_of(run), "M009", text="outside the project root")
    hashed = cli("hash", cwd=root)
    assert "sha256" not in (root / "genai-manifest.yaml").read_text()
    assert "SECRET-MARKER" not in every_output(root) + hashed.out + hashed.err


@pytest.mark.parametrize("linked", [".genai-lint-cache", ".genai-lint-cache/documents"])
def test_a_symlinked_cache_folder_is_never_written_through(tmp_path: Path, linked: str) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    sibling = HEAD.replace("id: demo", "id: demo").replace("id: t1", "id: t2")
    root = project(tmp_path / "prod", {"genai-manifest.yaml": HEAD + "assets:\n" + ASSET % "a.png",
                                       "b/genai-manifest.yaml": sibling, "a.png": b"png"})
    (root / ".genai-lint-cache").mkdir()
    if linked.endswith("documents"):
        (root / linked).symlink_to(elsewhere)
    else:
        (root / ".genai-lint-cache").rmdir()
        (root / linked).symlink_to(elsewhere)
    for args in (("check", "genai-manifest.yaml", "--date", DATE), ("hash",), ("check", "--date", DATE),
                 ("gate", str(root), "--date", DATE)):
        run = cli(*args, cwd=root)
        assert run.code in (0, 1), run.err
    assert list(elsewhere.iterdir()) == []
    assert (root / linked).is_symlink()


def test_a_nul_in_an_asset_path_is_a_finding_in_every_command(tmp_path: Path) -> None:
    root = project(tmp_path / "prod", {"genai-manifest.yaml": HEAD + "assets:\n" + ASSET % '"a\\0b.png"'})
    run = check_all_formats(root)
    has(findings_of(run), "M007", text="not a valid file name (it holds a NUL byte)")
    assert "\x00" not in "".join(run.files.values())
    assert cli("hash", cwd=root).code == 0
    assert cli("audit", "--format", "json", "--date", DATE, cwd=root).code == 0
    assert "internal error" not in every_output(root)


def deep_folder(base: Path, depth: int = 24) -> Path:
    """A folder whose path is longer than PATH_MAX (4096), made one step at a time."""
    here = os.open(base, os.O_RDONLY)
    name = "d" * 250
    try:
        for _ in range(depth):
            os.mkdir(name, dir_fd=here)
            below = os.open(name, os.O_RDONLY, dir_fd=here)
            os.close(here)
            here = below
        fd = os.open("deep.png", os.O_WRONLY | os.O_CREAT, dir_fd=here)
        os.write(fd, b"deep")
        os.close(fd)
    finally:
        os.close(here)
    return base / name


def gate_json(root: Path, delivery: Path, *extra: str):
    run = cli("gate", str(delivery), "--project", str(root), "--format", "json", "--date", DATE, *extra, cwd=root)
    assert run.code in (0, 1), run.err
    return run, json.loads(run.out)["findings"]


def test_a_path_past_path_max_is_one_d803_and_the_rest_is_judged(tmp_path: Path) -> None:
    root = project(tmp_path / "prod", {"genai-manifest.yaml": HEAD + "assets:\n" + ASSET % "temp.png",
                                       "temp.png": b"leaked temp"})
    delivery = tmp_path / "delivery"
    delivery.mkdir()
    (delivery / "copy.png").write_bytes(b"leaked temp")  # a temporary asset, delivered: D802
    deep_folder(delivery)
    run, findings = gate_json(root, delivery)
    assert any(f["code"] == "D803" and "name too long" in f["message"].lower() for f in findings), findings
    assert any(f["code"] == "D802" for f in findings), findings


def test_special_file_systems_are_d803_not_read(tmp_path: Path) -> None:
    if not os.path.isdir("/proc/self"):
        pytest.skip("no /proc here")
    root = project(tmp_path / "prod", {"genai-manifest.yaml": HEAD})
    run, findings = gate_json(root, Path("/proc/self"))
    assert [f["code"] for f in findings] == ["D803"] and "special file system" in findings[0]["message"]
    delivery = tmp_path / "delivery"
    delivery.mkdir()
    (delivery / "proc").symlink_to("/proc/self")
    (delivery / "ok.txt").write_bytes(b"fine")
    run, findings = gate_json(root, delivery)
    assert [f["code"] for f in findings] == ["D803"] and "not followed" in findings[0]["message"]


def as_nobody():
    """Drop to an unprivileged user (root reads every folder, so "unreadable" needs someone else)."""
    os.setgid(65534)
    os.setuid(65534)


def test_an_unreadable_folder_is_one_d803_and_the_rest_is_judged(tmp_path: Path) -> None:
    root = project(tmp_path / "prod", {"genai-manifest.yaml": HEAD + "assets:\n" + ASSET % "temp.png",
                                       "temp.png": b"leaked temp"})
    delivery = tmp_path / "delivery"
    (delivery / "locked").mkdir(parents=True)
    (delivery / "locked" / "x.png").write_bytes(b"x")
    (delivery / "copy.png").write_bytes(b"leaked temp")
    for path in (tmp_path, root, root / "genai-manifest.yaml", root / ".genai-lint.yaml", root / "temp.png",
                 delivery, delivery / "copy.png"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    (delivery / "locked").chmod(0)
    args = [sys.executable, "-m", "genai_lint", "gate", str(delivery), "--project", str(root), "--format", "json",
            "--date", DATE, "--no-cache"]
    preexec = as_nobody if os.geteuid() == 0 else None
    try:
        probe = subprocess.run([sys.executable, "-c", "import genai_lint"], preexec_fn=preexec, capture_output=True,
                               env=environment(), cwd=root)
    except OSError:
        probe = None
    if probe is None or probe.returncode != 0:
        (delivery / "locked").chmod(0o755)
        pytest.skip("an unprivileged user cannot run this interpreter (root reads every folder; "
                    "test_a_path_past_path_max covers the same walk error)")
    process = subprocess.run(args, preexec_fn=preexec, capture_output=True, env=environment(), cwd=root, timeout=300)
    (delivery / "locked").chmod(0o755)
    assert process.returncode == 1, process.stderr.decode()[-2000:]
    findings = json.loads(process.stdout)["findings"]
    assert any(f["code"] == "D803" and f["path"].endswith("locked") and "ermission denied" in f["message"]
               for f in findings), findings
    assert any(f["code"] == "D802" for f in findings), findings


def test_windows_style_names_never_become_absolute_uris(tmp_path: Path) -> None:
    root = project(tmp_path / "prod", {"genai-manifest.yaml": HEAD + "assets:\n" + ASSET % "temp.png",
                                       "temp.png": b"leaked temp"})
    names = ("C:\\evil.png", "\\\\server\\share\\x.png", "c:evil.png")
    for name in names:
        (root / name).write_bytes(b"leaked temp")  # each one is D802 at its own path, at the top of the root
    run = cli("gate", str(root), "--project", str(root), "--format", "sarif", "--date", DATE, cwd=root)
    sarif = json.loads(run.out)
    artifacts = [location["physicalLocation"]["artifactLocation"]
                 for result in sarif["runs"][0]["results"] for location in result["locations"]
                 if result["ruleId"] == "D802"]
    assert len(artifacts) == len(names) + 1, sarif["runs"][0]["results"]  # and temp.png itself
    for artifact in artifacts:
        assert artifact.get("uriBaseId") and not artifact["uri"].startswith(("/", "file")), artifact
        assert ":" not in artifact["uri"] and "\\" not in artifact["uri"], artifact


def test_show_config_escapes_the_root_name(tmp_path: Path) -> None:
    root = project(tmp_path / "prod\x1b]0;pwned\x07\u202e", {"genai-manifest.yaml": HEAD})
    run = cli("check", "--show-config", cwd=root)
    assert "\x1b" not in run.out and "\u202e" not in run.out
    assert "prod\\x1b]0;pwned\\x07\\u202e" in run.out


assert set(FORMATS) >= {"text", "json", "sarif", "github"}
