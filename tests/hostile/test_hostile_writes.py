"""Writers never lose an edit: concurrent ``add`` and ``hash`` take turns under the manifest's edit lock,
a killed writer's temporary files go with the next write, hard links and extended attributes survive,
a read-only manifest is refused, and a failed write names the file."""

from __future__ import annotations

import os
import random
import resource
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml
from hostile_harness import cli, environment, project

HEAD = ("manifest_version: 1\nproduction: {id: demo, title: t, company: c, contact: c@d.example}\n"
        "tools:\n  - {id: t1, name: n, vendor: v, version: \"1\", environment: enterprise,"
        " data_handling: {trains_on_inputs: false, trains_on_outputs: false, retains_inputs: false}}\n")
ASSET = ("  - id: A-{n}\n    path: {path}\n    tool: t1\n    media: image\n    purpose: temp\n"
         "    deliverable: false\n    created: \"2026-01-01\"\n")
ROUNDS = 50


def start(root: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "genai_lint", *args], cwd=root, env=environment(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)


def finish(process: subprocess.Popen) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=300)
    return process.returncode, out.decode(), err.decode()


def add_args(name: str) -> tuple[str, ...]:
    return ("add", name, "--tool", "t1", "--media", "image", "--purpose", "temp", "--created", "2026-02-01")


def assets(root: Path) -> list[dict]:
    return yaml.safe_load((root / "genai-manifest.yaml").read_text())["assets"] or []


def leftovers(root: Path) -> list[str]:
    return sorted(name for name in os.listdir(root) if name.endswith((".tmp", ".lock")))


def race(tmp_path: Path, index: int, first: tuple[str, ...], second: tuple[str, ...], manifest: str,
         files: dict[str, bytes]) -> tuple[Path, list[tuple[int, str, str]]]:
    root = project(tmp_path / f"round-{index}", {"genai-manifest.yaml": manifest, **files})
    processes = [start(root, *first), start(root, *second)]
    return root, [finish(process) for process in processes]


def test_add_and_add_at_once_lose_nothing(tmp_path: Path) -> None:
    files = {"a.png": b"first file", "b.png": b"second file"}

    def one(index: int) -> None:
        root, results = race(tmp_path, index, add_args("a.png"), add_args("b.png"), HEAD + "assets: []\n", files)
        for code, out, err in results:
            assert code == 0, (index, out, err)
        recorded = assets(root)
        assert sorted(asset["path"] for asset in recorded) == ["a.png", "b.png"], (index, recorded)
        assert len({asset["id"] for asset in recorded}) == 2, recorded
        assert leftovers(root) == []

    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(one, range(ROUNDS)))


def test_hash_and_add_at_once_lose_nothing(tmp_path: Path) -> None:
    files = {"a.png": b"recorded file" * 1000, "b.png": b"added file"}
    manifest = HEAD + "assets:\n" + ASSET.format(n=1, path="a.png")

    def one(index: int) -> None:
        root, results = race(tmp_path, index, ("hash",), add_args("b.png"), manifest, files)
        (hash_code, hash_out, hash_err), (add_code, add_out, add_err) = results
        assert hash_code == 0 and "1 filled" in hash_out, (index, hash_out, hash_err)
        assert add_code == 0, (index, add_out, add_err)
        recorded = {asset["path"]: asset for asset in assets(root)}
        assert set(recorded) == {"a.png", "b.png"}, recorded
        assert len(recorded["a.png"].get("sha256", "")) == 64, recorded  # hash's edit survived add's
        assert leftovers(root) == []

    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(one, range(ROUNDS)))


def test_a_killed_writer_leaves_nothing_after_the_next_run(tmp_path: Path) -> None:
    manifest = HEAD + "assets:\n" + "".join(ASSET.format(n=n, path=f"f{n}.png") for n in range(40))
    root = project(tmp_path / "prod", {"genai-manifest.yaml": manifest,
                                       **{f"f{n}.png": os.urandom(64 * 1024) for n in range(40)}})
    rng = random.Random(18)
    for _ in range(30):
        (root / "genai-manifest.yaml").write_text(manifest)
        for name in ("f1.png", "f2.png"):
            (root / name).write_bytes(os.urandom(64 * 1024))
        process = start(root, "hash", "--no-cache")
        time.sleep(rng.uniform(0.05, 0.6))
        process.send_signal(signal.SIGKILL)
        process.wait()
        text = (root / "genai-manifest.yaml").read_text()
        assert yaml.safe_load(text)["assets"], "the manifest is always the old or the new text"
    (root / "genai-manifest.yaml").write_text(manifest)  # so that the next run writes
    (root / ".genai-manifest.yaml.k1ll3d.tmp").write_text("what a killed run leaves")  # certainly one
    (root / ".genai-manifest.yaml.lock").write_text("")  # and the lock file of a killed holder
    run = cli("hash", cwd=root)
    assert run.code == 0, run.err
    assert leftovers(root) == []
    assert all(len(asset.get("sha256", "")) == 64 for asset in assets(root))


def test_hard_links_and_extended_attributes_survive(tmp_path: Path) -> None:
    root = project(tmp_path / "prod", {"genai-manifest.yaml": HEAD + "assets:\n" + ASSET.format(n=1, path="a.png"),
                                       "a.png": b"png"})
    other = tmp_path / "other-name.yaml"
    os.link(root / "genai-manifest.yaml", other)
    try:
        os.setxattr(root / "genai-manifest.yaml", "user.genai-lint-test", b"kept")
        xattrs = True
    except OSError:
        xattrs = False
    before = os.stat(root / "genai-manifest.yaml")
    run = cli("hash", cwd=root)
    assert run.code == 0, run.err
    after = os.stat(root / "genai-manifest.yaml")
    assert after.st_ino == before.st_ino and after.st_nlink == 2
    assert "sha256" in other.read_text()
    if xattrs:
        assert os.getxattr(root / "genai-manifest.yaml", "user.genai-lint-test") == b"kept"
    os.unlink(other)  # one link again: the atomic rename path, which copies the attributes
    (root / "b.png").write_bytes(b"b")
    assert cli(*add_args("b.png"), cwd=root).code == 0
    if xattrs:
        assert os.getxattr(root / "genai-manifest.yaml", "user.genai-lint-test") == b"kept"


def test_a_read_only_manifest_is_refused_not_replaced(tmp_path: Path) -> None:
    text = HEAD + "assets:\n" + ASSET.format(n=1, path="a.png")
    root = project(tmp_path / "prod", {"genai-manifest.yaml": text, "a.png": b"png", "b.png": b"b"})
    (root / "genai-manifest.yaml").chmod(0o444)
    inode = os.stat(root / "genai-manifest.yaml").st_ino
    cli("hash", cwd=root).one_line_error("genai-manifest.yaml", "read-only")
    cli(*add_args("b.png"), cwd=root).one_line_error("genai-manifest.yaml", "read-only")
    assert (root / "genai-manifest.yaml").read_text() == text
    assert os.stat(root / "genai-manifest.yaml").st_ino == inode
    assert oct(os.stat(root / "genai-manifest.yaml").st_mode & 0o777) == "0o444"


def small_files():
    """Let the child write at most 1 KiB per file: a full disk as the writer sees it (Python ignores SIGXFSZ)."""
    resource.setrlimit(resource.RLIMIT_FSIZE, (1024, 1024))


@pytest.mark.parametrize("command", ["hash", "add"])
def test_a_failed_write_names_the_file_and_keeps_it(tmp_path: Path, command: str) -> None:
    text = HEAD + "assets:\n" + "".join(ASSET.format(n=n, path="a.png" if n == 1 else f"x{n}.png") for n in range(1, 8))
    root = project(tmp_path / "prod", {"genai-manifest.yaml": text, "a.png": b"png", "b.png": b"b"})
    args = ("hash",) if command == "hash" else add_args("b.png")
    process = subprocess.run([sys.executable, "-m", "genai_lint", *args, "--no-cache"], cwd=root, env=environment(),
                             capture_output=True, preexec_fn=small_files, timeout=300)
    err = process.stderr.decode()
    assert process.returncode == 2, err
    errors = [line for line in err.splitlines() if line.startswith("genai-lint: error:")]
    assert errors and "genai-manifest.yaml" in errors[0] and "File too large" in errors[0], err
    assert (root / "genai-manifest.yaml").read_text() == text
    assert leftovers(root) == []
