"""Asset paths that lead somewhere they must not: each is one finding at its ``path:`` value.

Absolute paths, ``..``, a symlink out of the root, a symlink loop, a folder, a FIFO, a device, a
file without read permission, a URL. ``check`` never opens a FIFO or a device (it would hang or
read forever); ``hash`` skips them with one warning line each; ``gate`` reports them as D803;
``add`` refuses them in one line.
"""

from __future__ import annotations

import json
import os
import stat
import threading
from pathlib import Path

import pytest
from hostile_harness import DATE, check_all_formats, cli, findings_of, has, project

HEAD = """manifest_version: 1
production: {id: demo}
tools:
  - id: ent
    name: Enterprise tool
    environment: enterprise
    data_handling: {trains_on_inputs: false, trains_on_outputs: false, retains_inputs: false, evidence: "MSA-1"}
assets:
"""
ASSET = """  - id: {id}
    path: {path}
    tool: ent
    media: image
    purpose: concept
    deliverable: false
    created: "2026-05-01"
    disclosed_on: "2026-05-02"
"""
AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def path_line(index: int) -> int:
    """The line of the ``path:`` of asset ``index`` (0-based) in the manifest built by :func:`manifest`."""
    return HEAD.count("\n") + index * ASSET.count("\n") + 2


def manifest(paths: list[str]) -> str:
    return HEAD + "".join(ASSET.format(id=f"A-{index}", path=json.dumps(path)) for index, path in enumerate(paths))


def hostile_tree(tmp_path: Path) -> tuple[Path, list[tuple[str, str, str]]]:
    """A production whose assets point at every kind of bad target: (path, code, message part) per asset."""
    root = tmp_path / "prod"
    root.mkdir()
    (tmp_path / "outside.png").write_bytes(b"outside")
    (root / "out-link.png").symlink_to("../outside.png")
    (root / "loop-a").symlink_to("loop-b")
    (root / "loop-b").symlink_to("loop-a")
    (root / "a-folder").mkdir()
    os.mkfifo(root / "fifo.png")
    (root / "dev-link").symlink_to(os.devnull)
    (root / "secret.png").write_bytes(b"secret")
    (root / "secret.png").chmod(0)
    cases = [
        ("/etc/hostname", "M009", "is an absolute path"),
        (os.devnull, "M009", "is an absolute path"),
        ("C:/art/castle.png", "M009", "is an absolute path"),
        ("\\\\server\\share\\castle.png", "M009", "is an absolute path"),
        ("../outside.png", "M009", "leaves the project root through '..'"),
        ("a-folder/../../outside.png", "M009", "leaves the project root through '..'"),
        ("out-link.png", "M009", "resolves through a symlink to a place outside the project root"),
        ("dev-link", "M009", "resolves through a symlink to a place outside the project root"),
        ("loop-a", "M007", "is a symlink loop"),
        ("a-folder", "M007", "is a directory"),
        ("fifo.png", "M007", "is not a regular file"),
        ("https://example.com/castle.png", "M007", "file does not exist"),
        # root reads any file whatever its mode: then the file is fine and only lacks its sha256
        ("secret.png", "M012", "has no sha256") if AS_ROOT else ("secret.png", "M007", "permission denied"),
    ]
    try:
        os.mknod(root / "null-device", stat.S_IFCHR | 0o666, os.makedev(1, 3))
        cases.append(("null-device", "M007", "is not a regular file"))
    except (OSError, AttributeError):
        pass  # creating a device node needs CAP_MKNOD; the symlink to /dev/null above still covers devices
    project(root, {"genai-manifest.yaml": manifest([path for path, _, _ in cases])})
    return root, cases


def test_each_bad_path_is_one_finding_at_its_value(tmp_path: Path) -> None:
    root, cases = hostile_tree(tmp_path)
    run = check_all_formats(root)
    assert run.code == 1
    found = findings_of(run)
    for index, (path, code, text) in enumerate(cases):
        finding = has(found, code, path_line(index), 11, text)
        assert finding["entry_id"] == f"A-{index}"
    assert len(found) == len(cases), json.dumps(found, indent=1)


def test_hash_skips_each_with_one_warning_line_and_changes_nothing_else(tmp_path: Path) -> None:
    root, cases = hostile_tree(tmp_path)
    before = (root / "genai-manifest.yaml").read_bytes()
    for args in (("hash", "--check"), ("hash",)):
        run = cli(*args, cwd=root)
        warnings = run.err.splitlines()
        readable = sum(code == "M012" for _, code, _ in cases)
        assert len(warnings) == len(cases) - readable, run.err
        assert all(line.startswith("warning: genai-manifest.yaml:") and " skipped: " in line for line in warnings)
        assert run.code == (1 if args == ("hash", "--check") and readable else 0)
    after = (root / "genai-manifest.yaml").read_bytes()
    if AS_ROOT:
        assert after.replace(after[after.index(b"    sha256:"):after.index(b"\n", after.index(b"    sha256:")) + 1],
                             b"") == before
    else:
        assert after == before


def test_gate_reports_what_it_cannot_verify_and_never_opens_a_fifo(tmp_path: Path) -> None:
    root, cases = hostile_tree(tmp_path)
    run = cli("gate", ".", "--format", "json", "--date", DATE, cwd=root)
    found = json.loads(run.out)["findings"]
    # root reads secret.png: the production's own temporary asset, delivered (D802) with no sha256 (D804)
    errors = sorted(finding["code"] for finding in found if finding["severity"] == "error")
    assert (run.code, errors) == ((1, ["D802", "D804"]) if AS_ROOT else (0, [])), run.err
    for name, why in [("fifo.png", "not a regular file"), ("loop-a", "looping symlink"),
                      ("out-link.png", "outside the delivery folder"), ("dev-link", "outside the delivery folder")]:
        has(found, "D803", 1, 1, why)
        assert any(finding["path"] == name for finding in found)
    for delivery in ("fifo.png", "loop-a", "out-link.png", "missing-folder"):
        cli("gate", delivery, cwd=root).one_line_error(f"{delivery}: not a folder")


def test_gate_text_output_never_opens_a_fifo_for_its_source_frame(tmp_path: Path) -> None:
    """The text format shows the source line of findings in YAML files: a FIFO named like one must not be read."""
    root = project(tmp_path / "prod", {"genai-manifest.yaml": HEAD.replace("assets:\n", "assets: []\n")})
    (root / "delivery").mkdir()
    os.mkfifo(root / "delivery" / "notes.yaml")
    run = cli("gate", "delivery", "--format", "text", "--date", DATE, cwd=root)
    assert run.code == 0 and "delivery/notes.yaml:1:1: D803 [warning] not a regular file" in run.out, run.err


@pytest.mark.parametrize("target, message", [
    ("fifo.png", "fifo.png: not a regular file"),
    ("a-folder", "a-folder: not a regular file"),
    ("dev-link", "dev-link: not a regular file"),
    (os.devnull, "not a regular file"),
    ("loop-a", "loop-a: no such file"),
    ("out-link.png", "resolves through a symlink to a place outside the project root"),
])
def test_add_refuses_in_one_line(target: str, message: str, tmp_path: Path) -> None:
    root, _ = hostile_tree(tmp_path)
    before = (root / "genai-manifest.yaml").read_bytes()
    cli("add", target, "--tool", "ent", "--media", "image", "--purpose", "concept", cwd=root).one_line_error(message)
    assert (root / "genai-manifest.yaml").read_bytes() == before


def test_outside_paths_given_to_add_with_a_manifest_are_refused(tmp_path: Path) -> None:
    root, _ = hostile_tree(tmp_path)
    for target in ("../outside.png", str(tmp_path / "outside.png")):
        cli("add", target, "--manifest", "genai-manifest.yaml", "--tool", "ent", "--media", "image", "--purpose",
            "concept", cwd=root).one_line_error("leaves the project root")


def test_a_manifest_that_is_a_fifo_or_a_device_is_m001_not_a_hang(tmp_path: Path) -> None:
    root = project(tmp_path / "prod", {})
    os.mkfifo(root / "genai-manifest.yaml")
    run = check_all_formats(root, "genai-manifest.yaml")
    has(findings_of(run), "M001", 1, 1, "not a regular file")
    (root / "genai-manifest.yaml").unlink()
    (root / "genai-manifest.yaml").symlink_to(os.devnull)  # outside the root as well: never even opened
    run = check_all_formats(root, "genai-manifest.yaml")
    has(findings_of(run), "M001", 1, 1, "leads outside the project root")
    cli("hash", "genai-manifest.yaml", cwd=root).one_line_error("cannot update: it leads outside the project root")
    (root / "genai-manifest.yaml").unlink()
    os.mkfifo(root / "genai-manifest.yaml")
    cli("hash", "genai-manifest.yaml", cwd=root).one_line_error("cannot update: not a regular file")
    os.mkfifo(root / "baseline.json")
    cli("check", "genai-manifest.yaml", "--baseline", "baseline.json", cwd=root) \
        .one_line_error("baseline.json: cannot read baseline: not a regular file")


def test_outputs_to_devices_and_fifos_are_written_through_never_replaced(tmp_path: Path) -> None:
    """``--output json:/dev/stdout`` must write to the device: renaming a file over it would replace the device.

    The device is a private copy of /dev/null where the system lets us make one, so that a
    regression cannot damage the machine's own /dev/null.
    """
    root = project(tmp_path / "prod", {"genai-manifest.yaml": HEAD.replace("assets:\n", "assets: []\n")})
    try:
        os.mknod(root / "null-device", stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except (OSError, AttributeError):
        pass
    else:
        for args in (("--output", "json:null-device"), ("--write-baseline", "null-device")):
            assert cli("check", *args, cwd=root).code == 0
            assert stat.S_ISCHR(os.stat(root / "null-device").st_mode)
    os.mkfifo(root / "reader")
    # a FIFO with nobody reading would block any writer, as a shell redirection does; one with a reader gets the report
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append((root / "reader").read_bytes()), daemon=True)
    reader.start()
    run = cli("check", "--output", "json:reader", cwd=root)
    reader.join(timeout=60)
    assert run.code == 0 and stat.S_ISFIFO(os.stat(root / "reader").st_mode)
    assert [finding["code"] for finding in json.loads(received[0])["findings"]] == ["M010"]
