"""Machine formats through the real command line: --output FORMAT:PATH, --format auto, vendor schemas."""

from __future__ import annotations

import json
import shlex
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
import xmlschema
import yaml

from conftest import CLEAN, EXAMPLES, REPO, run_cli
from genai_lint.cli import FORMAT_NAMES

VENDOR = Path(__file__).parent / "data" / "vendor-schemas"
BROKEN = CLEAN.replace("tool: ent", "tool: nope").replace('    disclosed_on: "2026-05-02"\n', "")  # M005, G001, M010


@pytest.fixture(autouse=True)
def outside_github_actions(monkeypatch):
    """`--format auto` (the default) depends on GITHUB_ACTIONS; these tests expect text unless they set it."""
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)


@pytest.fixture(scope="module")
def sarif_validator():
    schema = json.loads((VENDOR / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    return jsonschema.Draft4Validator(schema)


@pytest.fixture(scope="module")
def junit_schema():
    return xmlschema.XMLSchema(str(VENDOR / "JUnit.xsd"))


@pytest.fixture
def broken(project) -> Path:
    return project(BROKEN)


def productions() -> list[str]:
    return ["tmp"] + (["examples/violations"] if (EXAMPLES / "violations").is_dir() else [])


@pytest.mark.parametrize("which", productions())
def test_sarif_and_junit_outputs_with_text_on_stdout(which, project, tmp_path, sarif_validator, junit_schema):
    root = project(BROKEN) if which == "tmp" else REPO / which
    sarif, junit = tmp_path / "out.sarif", tmp_path / "out.xml"
    result = run_cli("check", str(root), "--date", "2026-06-01", "--output", f"sarif:{sarif}",
                     "--output", f"junit:{junit}")
    assert result.exit_code == 1
    assert " [error] " in result.output and "error" in result.output.splitlines()[-1]  # the text report
    log = json.loads(sarif.read_text())
    sarif_validator.validate(log)
    results = log["runs"][0]["results"]
    assert results and all(r["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1 for r in results)
    assert not any(Path(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]).is_absolute() for r in results)
    junit_schema.validate(str(junit))
    failures = ET.parse(junit).getroot().iter("failure")
    assert sum(1 for _ in failures) >= 1
    if which == "tmp":
        assert {r["ruleId"] for r in results} == {"M005", "G001", "M010"}


@pytest.mark.parametrize("name", FORMAT_NAMES)
def test_every_format_can_be_an_output_file(name, broken, tmp_path):
    target = tmp_path / "reports" / "nested" / f"genai-lint.{name}"  # missing folders are created
    result = run_cli("check", str(broken), "--format", "concise", "--output", f"{name}:{target}")
    assert result.exit_code == 1
    assert "M005" in result.output
    text = target.read_text(encoding="utf-8")
    assert "M005" in text
    if name in ("json", "sarif", "gitlab"):
        json.loads(text)
    elif name == "junit":
        ET.fromstring(text)
    assert not list(target.parent.glob(".*.tmp"))  # the atomic write left nothing behind


def test_outputs_match_the_same_format_on_stdout(broken, tmp_path):
    files = {name: tmp_path / f"out.{name}" for name in ("json", "gitlab", "sarif")}
    args = [item for name, path in files.items() for item in ("--output", f"{name}:{path}")]
    run_cli("check", str(broken), "--date", "2026-06-01", *args)
    for name, path in files.items():
        stdout = run_cli("check", str(broken), "--date", "2026-06-01", "--format", name).output
        assert json.loads(path.read_text()) == json.loads(stdout)


@pytest.mark.parametrize("spec", ["sarif", "sarif:", "yaml:out.yaml", "auto:out.txt", ":out.txt"])
def test_bad_output_specs_are_exit_2(broken, spec):
    result = run_cli("check", str(broken), "--output", spec)
    assert result.exit_code == 2
    assert "FORMAT:PATH" in result.stderr and "Traceback" not in result.stderr


def test_unwritable_output_is_exit_2(broken, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = run_cli("check", str(broken), "--output", f"sarif:{blocker}/x.sarif")
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1


def test_format_auto_is_github_inside_github_actions(broken, monkeypatch):
    monkeypatch.chdir(broken)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    for args in ((), ("--format", "auto")):
        result = run_cli("check", *args)
        assert result.exit_code == 1
        assert "::group::genai-manifest.yaml" in result.output
        assert "::error file=genai-manifest.yaml,line=" in result.output and "title=M005 unknown-tool::" in result.output
    assert "::error" not in run_cli("check", "--format", "text").output  # an explicit format wins


@pytest.mark.parametrize("value", [None, "false", "1"])
def test_format_auto_is_text_elsewhere(broken, monkeypatch, value):
    monkeypatch.chdir(broken)
    if value is None:
        monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    else:
        monkeypatch.setenv("GITHUB_ACTIONS", value)
    output = run_cli("check").output
    assert "genai-manifest.yaml:" in output and " M005 [error] " in output
    assert "::" not in output


def test_github_annotations_alongside_a_sarif_file(broken, monkeypatch, tmp_path):
    monkeypatch.chdir(broken)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    result = run_cli("check", "--output", f"sarif:{tmp_path / 'genai-lint.sarif'}")
    assert "::error " in result.output
    assert json.loads((tmp_path / "genai-lint.sarif").read_text())["version"] == "2.1.0"


def test_gitlab_code_quality_fields(broken, tmp_path):
    report = tmp_path / "gl-code-quality-report.json"
    run_cli("check", str(broken), "--date", "2026-06-01", "--output", f"gitlab:{report}")
    issues = json.loads(report.read_text())
    assert sorted(issue["check_name"] for issue in issues) == ["G001", "M005", "M010"]
    for issue in issues:
        assert issue["description"].startswith(issue["check_name"] + " ")
        assert len(issue["fingerprint"]) == 64 and int(issue["fingerprint"], 16) >= 0
        assert issue["severity"] in {"info", "minor", "major", "critical", "blocker"}
        assert issue["location"]["path"] == "genai-manifest.yaml"
        assert isinstance(issue["location"]["lines"]["begin"], int) and issue["location"]["lines"]["begin"] >= 1
    assert len({issue["fingerprint"] for issue in issues}) == len(issues)
    by_code = {issue["check_name"]: issue["severity"] for issue in issues}
    assert by_code == {"M005": "major", "G001": "minor", "M010": "info"}


# -- the CI examples in hooks/ run as written ------------------------------------------------------


def ci_commands() -> list[tuple[str, str]]:
    github = yaml.safe_load((REPO / "hooks" / "github-actions.yml").read_text())
    steps = [step.get("run", "") for job in github["jobs"].values() for step in job["steps"]]
    gitlab = yaml.safe_load((REPO / "hooks" / "gitlab-ci.yml").read_text())
    lines = steps + [line for job in gitlab.values() for line in job["script"]]
    return [line for line in lines if line.startswith("genai-lint ")]


def test_ci_examples_commands_work(broken, monkeypatch, junit_schema, sarif_validator):
    commands = ci_commands()
    assert len(commands) == 2
    monkeypatch.chdir(broken)
    written = []
    for command in commands:
        args = shlex.split(command)[1:]
        assert run_cli(*args).exit_code == 1
        written += [value.split(":", 1) for flag, value in zip(args, args[1:]) if flag == "--output"]
    assert sorted(name for name, _ in written) == ["gitlab", "junit", "sarif"]
    paths = dict(written)
    sarif_validator.validate(json.loads((broken / paths["sarif"]).read_text()))
    junit_schema.validate(str(broken / paths["junit"]))
    gitlab = yaml.safe_load((REPO / "hooks" / "gitlab-ci.yml").read_text())["genai-lint"]["artifacts"]
    assert gitlab["reports"] == {"codequality": paths["gitlab"], "junit": paths["junit"]}
    assert gitlab["when"] == "always"


def test_github_workflow_uploads_sarif_always():
    workflow = yaml.safe_load((REPO / "hooks" / "github-actions.yml").read_text())
    steps = [step for job in workflow["jobs"].values() for step in job["steps"]]
    upload = next(step for step in steps if step.get("uses", "").startswith("github/codeql-action/upload-sarif@"))
    assert upload["if"] == "always()"
    assert f"sarif:{upload['with']['sarif_file']}" in next(s["run"] for s in steps if "genai-lint check" in s.get("run", ""))
    assert workflow["permissions"]["security-events"] == "write"
