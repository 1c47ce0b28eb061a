"""The editor set-ups in editors/ start the server this package installs, for the manifest names it reads."""

from __future__ import annotations

import json
import re
import tomllib

from genai_lint.config import DEFAULT_MANIFESTS
from tests.conftest import REPO, run_cli

EDITORS = REPO / "editors"


def test_the_lsp_command_exists_and_says_how_to_install_it() -> None:
    result = run_cli("lsp", "--help")
    assert result.exit_code == 0 and "pip install 'genai-lint[lsp]'" in result.output


def test_vscode_extension_starts_genai_lint_lsp_for_manifests() -> None:
    package = json.loads((EDITORS / "vscode" / "package.json").read_text())
    assert (EDITORS / "vscode" / package["main"]).is_file()
    assert package["contributes"]["configuration"]["properties"]["genaiLint.command"]["default"] == ["genai-lint", "lsp"]
    assert "vscode-languageclient" in package["dependencies"]
    pattern = re.search(r'pattern: "\*\*/genai-manifest\.\{(.+?)\}"', (EDITORS / "vscode" / "extension.js").read_text())
    assert {f"genai-manifest.{ending}" for ending in pattern.group(1).split(",")} == set(DEFAULT_MANIFESTS)


def test_neovim_and_helix_snippets_start_the_server() -> None:
    neovim = (EDITORS / "neovim" / "genai-lint.lua").read_text()
    assert 'cmd = { "genai-lint", "lsp" }' in neovim and all(name in neovim for name in DEFAULT_MANIFESTS)
    helix = tomllib.loads((EDITORS / "helix" / "languages.toml").read_text())
    assert helix["language-server"]["genai-lint"] == {"command": "genai-lint", "args": ["lsp"]}
    assert "genai-lint" in helix["language"][0]["language-servers"]
