"""Start-up: `check` imports only what its run needs (module names, never timings)."""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CLEAN, REPORT_AT_EXIT, settle

PROBE = REPORT_AT_EXIT + """
import runpy, sys
report = sys.argv.pop(1)
report_at_exit(lambda: open(report, "w", encoding="utf-8").write("\\n".join(sorted(sys.modules))))
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
    for heavy in ("click", "jsonschema_rs", "dataclasses", "inspect", "difflib", "copy", "hashlib", "typing", "textwrap"):
        assert heavy not in modules, heavy
    assert "click" in imported_by(tmp_path, "check", "--output", f"json:{tmp_path / 'out.json'}", str(root))


RUNNER = """
import sys
sys.argv[0] = "genai-lint"
if sys.argv.pop(1) == "click":
    from genai_lint.cli import main
else:
    from genai_lint.entry import main
main()
"""
"""``python -c RUNNER click|entry ARGS``: the click CLI itself, or the console script's entry point."""

HANDLED = [
    "check {root}",
    "check --no-files --format json --date 2026-06-30 {root}",
    "check --format=concise -q {root}/genai-manifest.yaml",
    "check --statistics --no-cache {root}",
    "check --select G1,M --select=A --ignore G101 --fail-on warning {root}",
    "check --extend-select X --exit-zero --color always --format text {root}",
    "check --profile sag-aftra-2023,eu-ai-act-art50 --quiet {root}",
    "check --config {root}/.genai-lint.yaml --format sarif {root}/genai-manifest.yaml",
    "check --format github --date 2026-06-30 --date 2030-01-01 {root}",
]
"""Command lines that `check` runs without importing click."""

ARGUMENT_VECTORS = HANDLED + [
    # usage errors, help and unusual lines: handed to click
    "check --help",
    "check -h",
    "check --format yaml {root}",
    "check --format",
    "check --date 2026-13-01 {root}",
    "check --select Q9 {root}",
    "check --profile nope {root}",
    "check --config {tmp}/missing.yaml {root}",
    "check --frobnicate {root}",
    "check --no-files=yes {root}",
    "check -- {root}",
    # errors of the work itself: the same one line either way
    "check {tmp}/nowhere",
    "check {tmp}/empty",
    "check {root}/notes.txt",
]


@pytest.mark.parametrize("vector", ARGUMENT_VECTORS)
def test_check_prints_the_same_without_click(vector, project, tmp_path, monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    root = project(CLEAN.replace("tool: ent", "tool: nope"), files={"notes.txt": "not a manifest"})
    (tmp_path / "empty").mkdir()
    args = vector.format(root=root, tmp=tmp_path).split()
    runs = [subprocess.run([sys.executable, "-c", RUNNER, path, *args], capture_output=True, text=True, cwd=tmp_path)
            for path in ("click", "entry")]
    click_run, entry_run = [(run.returncode, run.stdout, run.stderr) for run in runs]
    assert entry_run == click_run
    assert click_run[0] in (0, 1, 2) and "Traceback" not in click_run[2]


def test_rule_docs_are_cleaned_as_inspect_cleans_docstrings():
    from genai_lint.rules import all_rules, cleandoc

    for rule in all_rules().values():
        assert rule.doc == inspect.cleandoc(rule.check.__doc__ or ""), rule.code
    for doc in ("", "one line  ", "\n  \n", "  first\n\tindented\n  less \n\n     \n", "x\n   \n  a\n    b\n  \n"):
        assert cleandoc(doc) == inspect.cleandoc(doc), repr(doc)


@pytest.mark.parametrize("vector", HANDLED)
def test_usual_command_lines_do_not_import_click(vector, project, tmp_path):
    root = project()
    assert "click" not in imported_by(tmp_path, *vector.format(root=root, tmp=tmp_path).split())


def test_a_report_longer_than_a_pipe_buffer_arrives_whole(project, tmp_path):
    assets = "".join(f"  - id: A{n:04d}\n    path: a.png\n    tool: nope\n" for n in range(400))
    root = project(CLEAN.split("assets:")[0] + "assets:\n" + assets)
    args = ["check", "--no-files", "--format", "json", str(root)]
    click_run, entry_run = [subprocess.run([sys.executable, "-c", RUNNER, path, *args], capture_output=True, cwd=tmp_path)
                            for path in ("click", "entry")]
    assert len(entry_run.stdout) > 128 * 1024  # twice what a Linux pipe holds
    assert (entry_run.returncode, entry_run.stdout, entry_run.stderr) == (1, click_run.stdout, b"")


def test_a_closed_output_pipe_is_one_error_line_and_exit_2(project, tmp_path):
    root = project()
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run([sys.executable, "-c", RUNNER, "entry", "check", "--format", "json", str(root)],
                              stdout=write_end, stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    finally:
        os.close(write_end)
    assert done.returncode == 2
    assert done.stderr.splitlines() == ["genai-lint: error: Broken pipe"]
