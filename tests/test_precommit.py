"""Real pre-commit and git hook runs in temporary repositories, offline.

The pre-commit tests use the hook exactly as `.pre-commit-hooks.yaml` publishes it (entry, files,
require_serial), as a `repo: local` hook with `language: system` so that pre-commit runs the
genai-lint of this environment instead of pip-installing the repository (which needs a network).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ASSET_BYTES, CLEAN

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

# Two departments of one production: art registers the tool and the approval, sound uses them.
ART = CLEAN
SOUND = (CLEAN.split("tools:\n")[0] + "assets:\n" + CLEAN.split("assets:\n")[1]).replace("A-1", "A-2")
ART_BROKEN = ART.replace("approvals: [APR-1]", "approvals: [APR-1, APR-404]")  # M006, only in art


def published_hook() -> dict:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    return next(hook for hook in hooks if hook["id"] == "genai-lint")


class Repo:
    """A throwaway git repository with an environment that writes nothing outside ``tmp_path``."""

    def __init__(self, tmp_path: Path):
        self.path = tmp_path / "repo"
        self.path.mkdir()
        home = tmp_path / "home"
        home.mkdir()
        self.env = {
            **os.environ,
            "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            "HOME": str(home),
            "XDG_CACHE_HOME": str(home / ".cache"),
            "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": str(home / ".gitconfig"),
            "PIP_NO_INDEX": "1",
            "NO_COLOR": "1",
        }
        for name in ("GITHUB_ACTIONS", "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "PRE_COMMIT"):
            self.env.pop(name, None)
        self.git("init", "-q", "-b", "main")
        self.git("config", "user.name", "Test Artist")
        self.git("config", "user.email", "artist@example.test")
        self.git("config", "commit.gpgsign", "false")

    def run(self, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
        return subprocess.run(args, cwd=self.path, env=env or self.env, capture_output=True, text=True, timeout=120)

    def git(self, *args: str) -> subprocess.CompletedProcess:
        result = self.run("git", *args)
        assert result.returncode == 0, result.stderr
        return result

    def write(self, files: dict[str, str | bytes]) -> None:
        for name, content in files.items():
            target = self.path / name
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(content)

    def production(self, art: str = ART, sound: str | None = None) -> None:
        """A production root (its `.genai-lint.yaml`) with art's manifest and, optionally, sound's."""
        files: dict[str, str | bytes] = {".genai-lint.yaml": "fail-on: error\n", "README.md": "Aurora\n",
                                         "art/genai-manifest.yaml": art, "art/a.png": ASSET_BYTES}
        if sound is not None:
            files.update({"sound/genai-manifest.yaml": sound, "sound/a.png": ASSET_BYTES})
        self.write(files)

    def commit_all(self) -> None:
        self.git("add", "-A")
        self.git("commit", "-q", "--no-verify", "-m", "baseline")

    def pre_commit(self, *args: str) -> subprocess.CompletedProcess:
        return self.run(sys.executable, "-m", "pre_commit", *args)


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    return Repo(tmp_path)


@pytest.fixture
def framework(repo: Repo) -> Repo:
    """The repository with a `.pre-commit-config.yaml` using the published hook, locally."""
    hook = {**published_hook(), "language": "system"}
    config = {"repos": [{"repo": "local", "hooks": [hook]}]}
    repo.write({".pre-commit-config.yaml": yaml.safe_dump(config, sort_keys=False)})
    repo.git("add", ".pre-commit-config.yaml")
    return repo


def test_published_hooks_manifest_is_valid():
    result = subprocess.run([sys.executable, "-m", "pre_commit", "validate-manifest", str(REPO / ".pre-commit-hooks.yaml")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    hook = published_hook()
    assert hook["entry"] == "genai-lint check" and hook["language"] == "python"
    assert hook["require_serial"] is True and hook["minimum_pre_commit_version"] == "3.0.0"
    ids = [hook["id"] for hook in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())]
    assert ids == ["genai-lint", "genai-lint-hash"]


@pytest.mark.parametrize("path, wanted", [
    ("genai-manifest.yaml", True), ("art/genai-manifest.yml", True), (".genai-lint.yaml", True),
    ("sub/.genai-lint.yml", True), ("pyproject.toml", True), ("tools/pyproject.toml", True),
    ("old-genai-manifest.yaml", False), ("art/a.png", False), ("genai-manifest.yaml.bak", False),
    (".pre-commit-config.yaml", False),
])
def test_hook_files_pattern(path, wanted):
    assert bool(re.search(published_hook()["files"], path)) is wanted


def test_pre_commit_passes_on_a_clean_production(framework):
    framework.production(sound=SOUND)
    framework.git("add", "-A")
    result = framework.pre_commit("run")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "genai-lint" in result.stdout and "Passed" in result.stdout


def test_pre_commit_fails_and_prints_the_finding_on_a_broken_production(framework):
    framework.production(art=ART_BROKEN)
    framework.git("add", "-A")
    result = framework.pre_commit("run")
    assert result.returncode == 1
    assert "Failed" in result.stdout
    assert "art/genai-manifest.yaml:" in result.stdout and "M006 [error]" in result.stdout
    assert "APR-404" in result.stdout


def test_only_the_staged_manifest_is_reported_with_its_siblings_loaded(framework):
    framework.production(art=ART_BROKEN, sound=SOUND)
    framework.commit_all()  # art is committed with an error of its own
    framework.write({"sound/genai-manifest.yaml": SOUND + "    created_by: mix@example.test\n"})
    framework.git("add", "sound/genai-manifest.yaml")
    result = framework.pre_commit("run")
    assert result.returncode == 0, result.stdout  # sound's tool and approval resolve in art's registers: no M005/M006
    assert "Passed" in result.stdout

    framework.write({"sound/genai-manifest.yaml": SOUND.replace("tool: ent", "tool: synth-x")})
    framework.git("add", "sound/genai-manifest.yaml")
    result = framework.pre_commit("run")
    assert result.returncode == 1
    assert "sound/genai-manifest.yaml:" in result.stdout and "M005 [error]" in result.stdout
    assert "synth-x" in result.stdout
    assert "art/genai-manifest.yaml:" not in result.stdout  # not staged, not reported


def test_staging_the_config_checks_the_whole_production(framework):
    framework.production(art=ART_BROKEN, sound=SOUND)
    framework.commit_all()
    framework.write({".genai-lint.yaml": "fail-on: error\nexpiring_days: 10\n"})
    framework.git("add", ".genai-lint.yaml")
    result = framework.pre_commit("run")
    assert result.returncode == 1
    assert "art/genai-manifest.yaml:" in result.stdout and "M006" in result.stdout


def test_a_bad_config_fails_the_hook_with_one_line(framework):
    framework.production()
    framework.write({".genai-lint.yaml": "fail-on: error\nignroe: [G001]\n"})
    framework.git("add", "-A")
    result = framework.pre_commit("run")
    assert result.returncode == 1
    assert ".genai-lint.yaml:2:1: ignroe: unknown setting; did you mean 'ignore'?" in result.stdout


def test_hook_is_skipped_without_manifests(framework):
    framework.production(art=ART_BROKEN)
    framework.commit_all()
    framework.write({"README.md": "Aurora, season 2\n"})
    framework.git("add", "README.md")
    result = framework.pre_commit("run")
    assert result.returncode == 0
    assert "(no files to check)Skipped" in result.stdout.replace(".", "")


def test_installed_hook_blocks_a_git_commit(framework):
    framework.production()
    framework.commit_all()
    assert framework.pre_commit("install").returncode == 0
    framework.write({"art/genai-manifest.yaml": ART_BROKEN})
    framework.git("add", "-A")
    blocked = framework.run("git", "commit", "-m", "add an approval that does not exist")
    assert blocked.returncode != 0
    assert "M006" in blocked.stdout + blocked.stderr
    assert framework.git("rev-list", "--count", "HEAD").stdout.strip() == "1"
    framework.write({"art/genai-manifest.yaml": ART + "    created_by: pat@example.test\n"})
    framework.git("add", "-A")
    passed = framework.run("git", "commit", "-m", "fine")
    assert passed.returncode == 0, passed.stdout + passed.stderr


# -- hooks/pre-commit: the plain git hook -----------------------------------------------------------


@pytest.fixture
def plain(repo: Repo) -> Repo:
    hook = repo.path / ".git" / "hooks" / "pre-commit"
    shutil.copyfile(REPO / "hooks" / "pre-commit", hook)
    hook.chmod(0o755)
    return repo


def commit(repo: Repo, env: dict | None = None) -> subprocess.CompletedProcess:
    repo.git("add", "-A")
    return repo.run("git", "commit", "-m", "change", env=env)


def test_plain_hook_is_posix_shell():
    script = REPO / "hooks" / "pre-commit"
    assert script.read_text().startswith("#!/bin/sh\n")
    assert os.access(script, os.X_OK)
    for shell in ("sh", "dash", "bash"):
        if shutil.which(shell):
            assert subprocess.run([shell, "-n", str(script)]).returncode == 0


def test_plain_hook_passes_a_clean_commit_and_blocks_a_broken_one(plain):
    plain.production(sound=SOUND)
    result = commit(plain)
    assert result.returncode == 0, result.stdout + result.stderr
    plain.write({"sound/genai-manifest.yaml": SOUND.replace("tool: ent", "tool: synth-x")})
    result = commit(plain)
    assert result.returncode == 1
    output = result.stdout + result.stderr  # git sends a hook's stdout to stderr
    assert "sound/genai-manifest.yaml:" in output and "M005 [error]" in output
    assert "commit blocked" in output


def test_plain_hook_checks_only_staged_manifests_with_siblings(plain):
    plain.production(art=ART_BROKEN, sound=SOUND)
    plain.git("add", "-A")
    plain.git("commit", "-q", "--no-verify", "-m", "baseline")
    plain.write({"sound/genai-manifest.yaml": SOUND + "    created_by: mix@example.test\n"})
    assert commit(plain).returncode == 0  # no M005 for sound, art's M006 not reported


def test_plain_hook_passes_when_no_manifest_is_staged(plain):
    plain.production(art=ART_BROKEN)
    plain.git("add", "-A")
    plain.git("commit", "-q", "--no-verify", "-m", "baseline")
    plain.write({"README.md": "Aurora, season 2\n"})
    result = commit(plain, env={**plain.env, "GENAI_LINT": str(plain.path / "not-installed")})
    assert result.returncode == 0, result.stderr  # nothing to check: genai-lint is not even needed


def test_plain_hook_handles_spaces_in_paths(plain):
    plain.write({"Sound Dept/genai-manifest.yaml": SOUND.replace("tool: ent", "tool: synth-x"),
                 "Sound Dept/a.png": ASSET_BYTES})
    plain.production()
    result = commit(plain)
    assert result.returncode == 1
    assert "Sound Dept/genai-manifest.yaml:" in result.stderr and "M005" in result.stderr


def test_plain_hook_says_when_genai_lint_is_missing(plain):
    plain.production()
    result = commit(plain, env={**plain.env, "GENAI_LINT": "genai-lint-missing"})
    assert result.returncode == 1
    assert "'genai-lint-missing' is not installed or not on PATH" in result.stderr
    assert 'pipx install "git+https://github.com/YOUR-ORG/genai-lint@REV"' in result.stderr
    assert plain.run("git", "rev-parse", "--verify", "HEAD").returncode != 0  # nothing was committed
