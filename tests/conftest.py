"""Shared helpers: build a real production in a temporary folder and run the real CLI on it."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from genai_lint.cli import main

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"

ASSET_BYTES = b"\x89PNG\r\n\x1a\n tiny test asset"
ASSET_SHA = hashlib.sha256(ASSET_BYTES).hexdigest()

CLEAN = f"""\
manifest_version: 1
production:
  id: demo
  title: "Demo"
tools:
  - id: ent
    name: Enterprise tool
    environment: enterprise
    data_handling:
      trains_on_inputs: false
      trains_on_outputs: false
      retains_inputs: false
      evidence: "MSA-1 s.7"
approvals:
  - id: APR-1
    scopes: [final-deliverable]
    granted_by: Studio Legal
    granted_on: "2026-01-01"
    reference: LEG-1
assets:
  - id: A-1
    path: a.png
    sha256: "{ASSET_SHA}"
    tool: ent
    media: image
    purpose: concept
    deliverable: false
    created: "2026-05-01"
    disclosed_on: "2026-05-02"
    approvals: [APR-1]
"""


def sibling(production: str = "demo", asset: str = "S-1") -> str:
    """A second department's manifest (for sound/) that uses the tool registered in CLEAN."""
    return f"""\
manifest_version: 1
production:
  id: {production}
assets:
  - id: {asset}
    path: ../a.png
    sha256: "{ASSET_SHA}"
    tool: ent
    media: audio
    purpose: temp
    deliverable: false
    created: "2026-05-01"
    disclosed_on: "2026-05-02"
"""


@pytest.fixture(autouse=True)
def _not_inside_github_actions(monkeypatch):
    """``--format auto`` prints workflow commands under GitHub Actions; tests expect the plain default."""
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)


@dataclass
class Result:
    exit_code: int
    output: str
    stderr: str

    @property
    def findings(self) -> list[dict]:
        return json.loads(self.output)["findings"]

    def codes(self) -> set[str]:
        return {finding["code"] for finding in self.findings}


def run_cli(*args: str, cwd: Path | None = None) -> Result:
    """Invoke the real CLI in-process, optionally from another working directory."""
    import os

    runner = CliRunner()
    previous = os.getcwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        result = runner.invoke(main, list(args), catch_exceptions=False)
    finally:
        os.chdir(previous)
    return Result(result.exit_code, result.stdout, result.stderr)


def write_project(root: Path, files: dict[str, str | bytes], config: str = "fail-on: error\n") -> Path:
    """A project root with a `.genai-lint.yaml` and the given files (text or bytes)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / ".genai-lint.yaml").write_text(config)
    for name, content in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content)
    return root


@pytest.fixture
def project(tmp_path: Path):
    """Factory: project(manifest_text, **extra_files) -> root with the asset file a.png."""

    def make(manifest: str = CLEAN, files: dict[str, str | bytes] | None = None) -> Path:
        all_files: dict[str, str | bytes] = {"genai-manifest.yaml": manifest, "a.png": ASSET_BYTES}
        all_files.update(files or {})
        return write_project(tmp_path / "prod", all_files)

    return make


REPORT_AT_EXIT = """
import atexit as _atexit, os as _os
def report_at_exit(report):
    reported = []
    def once():
        if not reported:
            reported.append(True)
            report()
    _atexit.register(once)
    exit_at_once = _os._exit
    _os._exit = lambda code: (once(), exit_at_once(code))
"""
"""Source for a ``python -c`` probe around the CLI: ``report_at_exit(report)`` calls ``report`` once when the
process ends, however it ends (`check`'s own path ends with ``os._exit``, skipping atexit and ``finally``)."""


def settle() -> None:
    """Let files just written age past the hash cache's timestamp tick, so that they are remembered."""
    import time

    time.sleep(0.1)


def check_json(root: Path, *args: str) -> Result:
    return run_cli("check", str(root), "--format", "json", "--date", "2026-06-01", *args)


def position(text: str, line_part: str, column_part: str | None = None, occurrence: int = 1) -> tuple[int, int]:
    """1-based (line, column) of ``column_part`` on the ``occurrence``-th line containing ``line_part``."""
    seen = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if line_part in line:
            seen += 1
            if seen == occurrence:
                return number, line.index(column_part or line_part) + 1
    raise AssertionError(f"{line_part!r} not in text")
