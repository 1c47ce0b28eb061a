"""Start-up: `check` imports only what its run needs (module names, never timings)."""

from __future__ import annotations

import inspect
import subprocess
import sys
from pathlib import Path

from conftest import settle

PROBE = """
import atexit, runpy, sys
report = sys.argv.pop(1)
atexit.register(lambda: open(report, "w", encoding="utf-8").write("\\n".join(sorted(sys.modules))))
sys.argv[0] = "genai-lint"
runpy.run_module("genai_lint", run_name="__main__", alter_sys=True)
"""
"""Runs ``python -m genai_lint ARGS`` and writes the names of the modules it imported to a file."""


def imported_by(tmp_path: Path, *args: str) -> set[str]:
    """The modules a `genai-lint ARGS` process had imported when it exited."""
    report = tmp_path / "modules.txt"
    done = subprocess.run([sys.executable, "-c", PROBE, str(report), *args], capture_output=True, text=True)
    assert done.returncode in (0, 1), done.stderr
    return set(report.read_text(encoding="utf-8").split("\n"))


def test_check_of_an_unchanged_production_imports_no_validator_and_no_dataclasses(project, tmp_path):
    root = project()
    settle()
    args = ("check", "--no-files", "--format", "json", str(root))
    assert "jsonschema_rs" in imported_by(tmp_path, *args)  # the first run validates, and caches the result
    modules = imported_by(tmp_path, *args)
    assert "genai_lint.rules.manifest" in modules and "genai_lint.formats.json_format" in modules
    for heavy in ("jsonschema_rs", "dataclasses", "difflib"):
        assert heavy not in modules, heavy


def test_rule_docs_are_cleaned_as_inspect_cleans_docstrings():
    from genai_lint.rules import all_rules

    for rule in all_rules().values():
        assert rule.doc == inspect.cleandoc(rule.check.__doc__ or ""), rule.code
