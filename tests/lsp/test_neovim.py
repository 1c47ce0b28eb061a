"""A real editor: headless Neovim's built-in LSP client collects the server's diagnostics for a manifest."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.lsp.test_server import check_findings, expected

SCRIPT = Path(__file__).with_name("neovim_diagnostics.lua")


@pytest.mark.skipif(shutil.which("nvim") is None and not os.environ.get("CI"),
                    reason="Neovim is not installed (apt-get install neovim); .ci/run installs it")
def test_neovim_receives_the_same_diagnostics_as_check(tmp_path: Path) -> None:
    from tests.conftest import EXAMPLES

    root = tmp_path / "violations"
    shutil.copytree(EXAMPLES / "violations", root, ignore=shutil.ignore_patterns(".genai-lint-cache"))
    out = tmp_path / "diagnostics.txt"
    env = {**os.environ, "GENAI_ROOT": str(root), "GENAI_FILE": str(root / "art" / "genai-manifest.yaml"),
           "GENAI_OUT": str(out), "GENAI_PYTHON": sys.executable, "HOME": str(tmp_path)}
    subprocess.run(["nvim", "--headless", "--clean", "-u", "NONE", "-c", f"luafile {SCRIPT}"],
                   env=env, cwd=root, timeout=120, check=True, stdin=subprocess.DEVNULL, capture_output=True)
    received = sorted((code, int(l) + 1, int(c) + 1, int(el) + 1, int(ec) + 1, int(severity))
                      for code, l, c, el, ec, severity in (line.split() for line in out.read_text().splitlines()))
    lines = (root / "art" / "genai-manifest.yaml").read_text(encoding="utf-8").splitlines()

    def in_bytes(line: int, column: int) -> int:  # Neovim counts columns in UTF-8 bytes, check in characters
        return len(lines[line - 1][:column - 1].encode("utf-8")) + 1 if line <= len(lines) else column

    want = [(code, line, in_bytes(line, column), end_line, in_bytes(end_line, end_column), severity)
            for code, line, column, end_line, end_column, severity in expected(
                check_findings(root, "art/genai-manifest.yaml"))]
    assert len(received) > 20
    assert received == sorted(want)
