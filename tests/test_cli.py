"""The command line as users meet it: exit codes, text/concise/json output, rules, explain, schema."""

from __future__ import annotations

import json
import re
import subprocess
import sys

from conftest import CLEAN, EXAMPLES, REPO, check_json, run_cli


def test_exit_codes(project, tmp_path):
    clean = project()
    assert run_cli("check", str(clean)).exit_code == 0
    broken = project(CLEAN.replace("tool: ent", "tool: nope"))
    assert run_cli("check", str(broken)).exit_code == 1
    assert run_cli("check", str(broken), "--exit-zero").exit_code == 0
    missing = run_cli("check", str(tmp_path / "nowhere"))
    assert missing.exit_code == 2
    assert "no such file or directory" in missing.stderr
    assert len(missing.stderr.strip().splitlines()) == 1
    assert run_cli("check", str(clean), "--format", "yaml").exit_code == 2
    assert run_cli("check", str(clean), "--date", "2026-13-01").exit_code == 2


def test_fail_on_threshold(project):
    root = project(CLEAN.replace('    disclosed_on: "2026-05-02"\n', ""))  # a warning only
    assert run_cli("check", str(root)).exit_code == 0
    assert run_cli("check", str(root), "--fail-on", "warning").exit_code == 1


def test_select_and_ignore_by_code_and_prefix(project):
    root = project(CLEAN.replace("environment: enterprise", "environment: consumer")
                   .replace("retains_inputs: false", "retains_inputs: true"))
    assert check_json(root).codes() == {"G202", "G301"}
    assert check_json(root, "--select", "G3").codes() == {"G301"}
    assert check_json(root, "--ignore", "G2").codes() == {"G301"}
    assert check_json(root, "--select", "G202,G301", "--ignore", "G301").codes() == {"G202"}


def test_text_output_has_frame_caret_fix_and_summary(project):
    root = project(CLEAN.replace("tool: ent", "tool: nope"))
    result = run_cli("check", str(root), "--color", "never")
    lines = result.output.splitlines()
    head = next(line for line in lines if "M005" in line)
    assert re.fullmatch(r".*genai-manifest\.yaml:\d+:11: M005 \[error\] tool 'nope' is not in any tools register \(asset A-1\)", head)
    index = lines.index(head)
    assert lines[index + 2].endswith("|     tool: nope")
    assert lines[index + 3].endswith("|           ^^^^")
    assert lines[index + 4].startswith("   = fix:")
    assert lines[-1] == "1 error, 1 info in 1 manifest (1 asset)"
    assert "\x1b[" not in result.output


def test_color_always_and_no_color(project, monkeypatch):
    root = project(CLEAN.replace("tool: ent", "tool: nope"))
    assert "\x1b[" in run_cli("check", str(root), "--color", "always").output
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" not in run_cli("check", str(root)).output


def test_concise_quiet_and_statistics(project):
    root = project(CLEAN.replace("tool: ent", "tool: nope"))
    concise = run_cli("check", str(root), "--format", "concise").output.splitlines()
    assert [line.split(": ", 2)[1].split()[0] for line in concise[:-1]] == ["M010", "M005"]
    quiet = run_cli("check", str(root), "--quiet").output.splitlines()
    assert len(quiet) == 2 and "summary" not in quiet[-1]
    stats = run_cli("check", str(root), "--statistics").output.splitlines()
    assert stats[0].split() == ["1", "M005", "unknown-tool", "[error]"]
    assert run_cli("check", str(project()), "--quiet").output == ""


def test_json_fields_are_documented_and_stable(project):
    root = project(CLEAN.replace("tool: ent", "tool: nope"))
    document = json.loads(run_cli("check", str(root), "--format", "json").output)
    finding = next(f for f in document["findings"] if f["code"] == "M005")
    assert set(finding) == {"code", "name", "severity", "message", "path", "line", "column", "end_line",
                            "end_column", "entry_id", "manifest", "fix", "waived"}
    assert (finding["code"], finding["name"], finding["severity"], finding["entry_id"]) == (
        "M005", "unknown-tool", "error", "A-1")
    assert document["summary"]["errors"] == 1 and document["summary"]["failed"] is True


def test_no_files_skips_file_checks(project):
    root = project(CLEAN.replace("path: a.png", "path: gone.png"))
    assert "M007" in check_json(root).codes()
    assert "M007" not in check_json(root, "--no-files").codes()


def test_rules_and_explain():
    listing = run_cli("rules", "--format", "json")
    rules = json.loads(listing.output)
    from genai_lint.rules import all_rules

    assert [rule["code"] for rule in rules] == sorted(all_rules()) and rules[0]["code"] == "A601"
    assert {rule["profile"] for rule in rules} == {"core", "netflix-2025", "sag-aftra-2023", "eu-ai-act-art50"}
    for rule in rules:
        doc = run_cli("explain", rule["code"]).output
        for heading in ("## What it checks", "## Why", "## Example", "## Fix"):
            assert heading in doc, (rule["code"], heading)
        assert f"Profile: {rule['profile']}" in doc
        if rule["source"]:
            assert f"Source: {rule['source']}" in doc
    assert run_cli("explain", "tool-trains-on-data").output.startswith("# G201")
    unknown = run_cli("explain", "G2O1")
    assert unknown.exit_code == 2 and "did you mean G201" in unknown.stderr


def test_schema_command_prints_the_shipped_schema():
    printed = run_cli("schema").output
    assert printed == (REPO / "schemas" / "manifest-v1.schema.json").read_text()
    schema = json.loads(printed)
    assert schema["$schema"].endswith("2020-12/schema")

    def walk(node):
        if isinstance(node, dict):
            for name, sub in node.get("properties", {}).items():
                assert "description" in sub, name
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)


def test_readme_rule_table_matches_registry():
    readme = (REPO / "README.md").read_text()
    rows = re.findall(r"^\| `([A-Z]\d{3})` \| `([a-z-]+)` \| (\w+) \|", readme, re.MULTILINE)
    registry = [(r["code"], r["name"], r["severity"]) for r in json.loads(run_cli("rules", "--format", "json").output)]
    assert rows == registry


def test_console_script_runs_without_traceback(tmp_path):
    bad = tmp_path / "genai-manifest.yaml"
    bad.write_bytes(b"assets: \xc0\x80 garbage\n")
    (tmp_path / ".genai-lint.yaml").write_text("")
    process = subprocess.run([sys.executable, "-m", "genai_lint", "check", str(tmp_path)], capture_output=True, text=True)
    assert process.returncode == 1
    assert "M001" in process.stdout
    assert "Traceback" not in process.stdout + process.stderr


def test_examples_run_from_a_subfolder():
    result = run_cli("check", "--format", "json", cwd=EXAMPLES / "aurora" / "sound")
    assert result.exit_code == 0
    assert json.loads(result.output)["summary"]["manifests"] == 4


def test_code_host_paths_are_relative_to_the_git_top_level(tmp_path, project):
    root = project(CLEAN.replace("tool: ent", "tool: nope"))
    (root.parent / ".git").mkdir()  # the production lives in a subfolder of a repository
    sarif_file, gitlab_file = tmp_path / "out.sarif", tmp_path / "gl.json"
    run_cli("check", str(root), "--output", f"sarif:{sarif_file}", "--output", f"gitlab:{gitlab_file}")
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in json.loads(sarif_file.read_text())["runs"][0]["results"]}
    assert uris == {"prod/genai-manifest.yaml"}
    assert {issue["location"]["path"] for issue in json.loads(gitlab_file.read_text())} == {"prod/genai-manifest.yaml"}
    assert check_json(root).findings[0]["path"] == "genai-manifest.yaml"  # JSON stays root-relative


def test_readme_configuration_example_is_valid(tmp_path):
    readme = (REPO / "README.md").read_text()
    section = readme[readme.index("## Configuration"):readme.index("## In pre-commit and CI")]
    example = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    (tmp_path / ".genai-lint.yaml").write_text(example)
    (tmp_path / "genai-manifest.yaml").write_text("manifest_version: 1\nproduction:\n  id: demo\n")
    result = run_cli("check", str(tmp_path), "--show-config")
    assert result.exit_code == 0, result.stderr
    assert "G301" in result.output and "Mara Kellen" in result.output


def test_version_fast_path_matches_click():
    fast = subprocess.run([sys.executable, "-m", "genai_lint", "--version"], capture_output=True, text=True)
    slow = run_cli("--version")
    assert fast.stdout == slow.output == f"genai-lint, version {__import__('genai_lint').__version__}\n"


def test_usage_errors_are_one_line_on_stderr():
    for argv in (["check", "--format", "yaml"], ["check", "--nope"], ["bogus"]):
        process = subprocess.run([sys.executable, "-m", "genai_lint", *argv], capture_output=True, text=True)
        assert process.returncode == 2
        assert process.stdout == ""
        (line,) = process.stderr.strip().splitlines()
        assert line.startswith("genai-lint: error: ") and "--help" in line
