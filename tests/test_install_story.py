"""The README's install and hook recipe, run as written: real git, real pre-commit, offline.

The README's pre-commit configuration is copied verbatim into a temporary production repository;
only `repo:` (a clone of this repository) and `rev:` (that clone's commit) are substituted. pre-commit
then clones it and pip-installs it itself; without a network, pip takes the dependencies from this
test environment (``--no-deps``, ``--no-build-isolation``, ``PYTHONPATH``), never from an index.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
import yaml

from conftest import ASSET_BYTES, CLEAN, run_cli
from test_precommit import Repo

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")
PLACEHOLDER = "https://github.com/YOUR-ORG/genai-lint"

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def readme_block(marker: str) -> str:
    """The README's fenced yaml block whose first line is ``marker``."""
    blocks = re.findall(r"```yaml\n(.*?)```", README, re.DOTALL)
    found = [block for block in blocks if block.startswith(marker)]
    assert len(found) == 1, marker
    return found[0]


REMOTE = readme_block("# .pre-commit-config.yaml in the production repository\n")
LOCAL = readme_block("# .pre-commit-config.yaml in the production repository, using the installed genai-lint\n")
WARNING_ONLY = CLEAN.replace('    disclosed_on: "2026-05-02"\n', "")  # G001, a warning: the commit passes


def test_one_placeholder_spelled_the_same_everywhere():
    texts = {name: (REPO / name).read_text(encoding="utf-8") for name in
             ("README.md", "hooks/README.md", ".pre-commit-hooks.yaml", "hooks/github-actions.yml",
              "hooks/gitlab-ci.yml", "hooks/pre-commit")}
    for name, text in texts.items():
        assert PLACEHOLDER in text, name
        assert not re.search(r"github\.com/(?!YOUR-ORG/genai-lint)[^/\s\"]+/genai-lint", text), name
        assert "v0.1.0" not in text and "<org>" not in text, name
    assert f'pip install "git+{PLACEHOLDER}@REV"' in README and f'pipx install "git+{PLACEHOLDER}@REV"' in README


def test_init_writes_the_readme_snippet_word_for_word(tmp_path):
    result = run_cli("init", cwd=tmp_path)
    assert result.exit_code == 0
    assert (tmp_path / ".pre-commit-config.yaml").read_text() == REMOTE
    assert REMOTE in result.output


def test_readme_snippets_enable_both_hooks_verbosely():
    published = {hook["id"]: hook for hook in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())}
    for snippet in (REMOTE, LOCAL):
        hooks = yaml.safe_load(snippet)["repos"][0]["hooks"]
        assert [hook["id"] for hook in hooks] == ["genai-lint", "genai-lint-hash"]
        assert all(hook["verbose"] is True for hook in hooks)
    for hook in yaml.safe_load(LOCAL)["repos"][0]["hooks"]:  # the local variant runs what the published one runs
        assert hook["entry"] == published[hook["id"]]["entry"]
        assert hook.get("files") == published[hook["id"]].get("files")


def production(repo: Repo, config: str) -> None:
    repo.write({".pre-commit-config.yaml": config, ".genai-lint.yaml": "fail-on: error\n",
                "art/genai-manifest.yaml": WARNING_ONLY, "art/a.png": ASSET_BYTES})
    repo.git("add", "-A")


def commit(repo: Repo, env: dict) -> subprocess.CompletedProcess:
    return repo.run("git", "commit", "-q", "-m", "add the art register", env=env)


def test_readme_pre_commit_snippet_runs_verbatim_from_a_clone(tmp_path):
    clone = tmp_path / "genai-lint"
    subprocess.run(["git", "clone", "-q", str(REPO), str(clone)], check=True, capture_output=True, timeout=120)
    work = subprocess.run(["git", "status", "--porcelain"], cwd=REPO, capture_output=True, text=True).stdout
    if work.strip():  # a working copy with uncommitted edits: pre-commit installs what is committed, so commit it
        shutil.copytree(REPO, clone, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns(".git", ".venv", "build", "*.egg-info", ".genai-lint-cache",
                                                      "__pycache__", ".pytest_cache"))
        for args in (["add", "-A"], ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "--no-verify",
                                     "-m", "working copy"]):
            subprocess.run(["git", *args], cwd=clone, check=True, capture_output=True, timeout=120)
    rev = subprocess.run(["git", "rev-parse", "HEAD"], cwd=clone, capture_output=True, text=True, check=True).stdout.strip()
    config = re.sub(r"(?m)^(\s*- repo: ).*$", rf"\g<1>{clone}", REMOTE, count=1)
    config = re.sub(r"(?m)^(\s*rev: ).*$", rf"\g<1>{rev}", config, count=1)
    assert config.replace(str(clone), PLACEHOLDER).replace(rev, "REV") == REMOTE  # nothing else changed

    repo = Repo(tmp_path)
    production(repo, config)
    env = {**repo.env, "PIP_CONFIG_FILE": "/dev/null", "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": "",
           "PIP_NO_DEPS": "1", "PIP_NO_BUILD_ISOLATION": "0",  # pip's "no-" variables invert: 0 turns isolation off
           "PYTHONPATH": sysconfig.get_paths()["purelib"]}
    installed = repo.run(sys.executable, "-m", "pre_commit", "install", env=env)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    result = commit(repo, env)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "genai-lint" in output and "Passed" in output
    assert "G001 [warning] asset A-1 has no disclosed_on" in output  # verbose: a passing commit shows its warnings
    broken = WARNING_ONLY.replace("tool: ent", "tool: entt")
    repo.write({"art/genai-manifest.yaml": broken})
    repo.git("add", "-A")
    blocked = commit(repo, env)
    assert blocked.returncode == 1
    assert "M005 [error] tool 'entt' is not in any tools register; did you mean 'ent'?" in blocked.stdout + blocked.stderr


def test_readme_local_variant_runs_verbatim(tmp_path):
    repo = Repo(tmp_path)
    production(repo, LOCAL)
    installed = repo.run(sys.executable, "-m", "pre_commit", "install")
    assert installed.returncode == 0, installed.stdout + installed.stderr
    result = commit(repo, repo.env)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "G001 [warning] asset A-1 has no disclosed_on" in output
    assert "genai-lint hash --check" in output and "Passed" in output
