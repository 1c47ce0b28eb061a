"""Last of the corpus (files run in name order): grep everything the hostile runs printed for a traceback.

Each run already asserts this on its own output; this is the issue's acceptance check over the
whole capture, as CI would run it.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest
from hostile_harness import LOG


def test_no_traceback_in_any_captured_output() -> None:
    captured = LOG.read_text(encoding="utf-8") if LOG.exists() else ""
    if not captured:
        pytest.skip("no hostile case ran in this session (run tests/hostile/ as a whole)")
    assert captured.count("$ genai-lint ") >= 50
    assert "Traceback" not in captured
    if shutil.which("grep"):
        grep = subprocess.run(["grep", "-c", "Traceback", str(LOG)], capture_output=True, text=True)
        assert grep.stdout.strip() == "0", grep.stdout + grep.stderr
