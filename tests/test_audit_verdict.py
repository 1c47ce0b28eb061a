"""`genai-lint audit` as studio legal reads it: the verdict, outstanding actions, roll-ups, the
studio-wide view, reproducibility from any folder, and the published JSON Schema.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import jsonschema
import pytest

from conftest import CLEAN, EXAMPLES, REPO, run_cli, write_project

DATE = "2026-06-01"
BROKEN = "manifest_version: 1\nproduction:\n  id: demo\nassets:\n  - id: B-1\n    prompt: lighthouse: wide shot\n"


def audit(*args: str, cwd: Path | None = None):
    return run_cli("audit", *args, "--date", DATE, cwd=cwd)


def model_of(*args: str, cwd: Path | None = None) -> dict:
    result = audit(*args, "--format", "json", cwd=cwd)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.output)


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    """The JSON Schema that `genai-lint schema --audit` publishes."""
    result = run_cli("schema", "--audit")
    assert result.exit_code == 0
    schema = json.loads(result.output)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def assert_valid(validator: jsonschema.Draft202012Validator, model: dict) -> None:
    errors = [f"{error.json_path}: {error.message}" for error in validator.iter_errors(model)]
    assert errors == []


# The verdict --------------------------------------------------------------------------------


def open_errors_by_asset(root: Path) -> set[str]:
    result = run_cli("check", str(root), "--format", "json", "--date", DATE)
    return {f["entry_id"] for f in result.findings if f["waived"] is None and f["severity"] == "error" and f["entry_id"]}


def test_violations_are_not_cleared_and_every_asset_with_an_error_has_an_action(validator):
    model = model_of(str(EXAMPLES / "violations"))
    assert_valid(validator, model)
    [project] = model["projects"]
    assert model["verdict"] == project["verdict"]["state"] == "not cleared"
    assert project["verdict"]["date"] == DATE
    assert all(reason.endswith(".") and reason.count(". ") == 0 for reason in project["verdict"]["reasons"])
    named = {item["entry"] for section in ("legal", "hygiene") for group in project["actions"][section]
             for item in group["items"]}
    assert open_errors_by_asset(EXAMPLES / "violations") <= named
    legal, hygiene = project["actions"]["legal"], project["actions"]["hygiene"]
    assert all(not item["code"].startswith("M") for group in legal for item in group["items"])
    assert hygiene and all(item["code"].startswith("M") for group in hygiene for item in group["items"])
    severities = [group["severity"] for group in legal]
    assert severities == sorted(severities, key=["error", "warning", "info"].index)  # legal risk, worst first
    titles = {group["title"] for group in legal}
    assert "Renew approval APR-090 (it expired on 2026-03-31)" in titles
    assert "Renew approval APR-110 (before it expires on 2026-06-20)" in titles
    assert "Record the consent of D. Okoro" in titles
    assert any(title.startswith("Obtain a written approval for scope final-deliverable") for title in titles)


def test_html_shows_the_verdict_actions_and_rollups():
    page = audit(str(EXAMPLES / "violations"), "--format", "html").output
    head = page[:page.index('<section id="p1">')]
    assert '<span class="state"' in head and ">not cleared</span>" in head  # on top, before any section
    actions = page[page.index('id="p1-actions"'):page.index('id="p1-summary"')]
    for asset in open_errors_by_asset(EXAMPLES / "violations"):
        assert f"<code>{asset}</code>" in actions, asset
    legal, hygiene = actions.split("<h4>Manifest hygiene</h4>")
    assert ">M0" not in legal and ">M002" in hygiene and ">G401" in legal
    tools = page[page.index('id="p1-tools"'):page.index('id="p1-approvals"')]
    dreamboard = tools[tools.index("<code>dreamboard-free</code>"):].split("</tr>")[0]
    assert ">G201" in dreamboard and ">G202" in dreamboard and "TW-A-017" in dreamboard
    approvals = page[page.index('id="p1-approvals"'):page.index('id="p1-assets"')]
    expired = approvals[approvals.index("<code>APR-090</code>"):].split("</tr>")[0]
    assert ">expired</span>" in expired and "<code>TW-A-029</code>" in expired and ">A605" in expired
    assert 'href="#rule-G401"' in page and 'id="rule-G401"' in page  # asset findings link to the appendix
    appendix = page[page.index('id="rule-G401"'):]
    doc = appendix.split('<div class="rule-doc"')[0]
    assert "<h5>What it checks</h5>" in doc and "<h5>Fix</h5>" in doc
    example = doc[doc.index("<pre><code>"):doc.index("</code></pre>")]
    assert "\n" in example and "\\n" not in example  # the YAML example keeps its lines


def test_a_manifest_that_does_not_parse_makes_the_audit_incomplete(tmp_path, validator):
    root = write_project(tmp_path / "prod", {"genai-manifest.yaml": CLEAN, "a.png": b"\x89PNG\r\n\x1a\n tiny test asset",
                                             "sound/genai-manifest.yaml": BROKEN})
    model = model_of(str(root))
    assert_valid(validator, model)
    [project] = model["projects"]
    assert project["verdict"]["state"] == "incomplete"
    assert any("sound/genai-manifest.yaml could not be read" in reason for reason in project["verdict"]["reasons"])
    status = {m["path"]: (m["status"], m["error"]) for m in project["manifests"]}
    assert status["genai-manifest.yaml"] == ("audited", None)
    assert status["sound/genai-manifest.yaml"][0] == "not audited" and "YAML" in status["sound/genai-manifest.yaml"][1]
    page = audit(str(root), "--format", "html").output
    assert ">incomplete</span>" in page and ">not audited</strong>" in page
    text = audit(str(root), "--format", "md").output
    assert "**Verdict on 2026-06-01: INCOMPLETE**" in text and "**not audited**" in text


def test_clean_production_is_cleared_and_no_files_is_incomplete(project, validator):
    root = project()
    cleared = model_of(str(root))
    assert_valid(validator, cleared)
    assert cleared["verdict"] == "cleared" and cleared["projects"][0]["checked_files"] is True
    unchecked = model_of(str(root), "--no-files")
    assert unchecked["verdict"] == "incomplete"
    assert any("--no-files" in reason for reason in unchecked["projects"][0]["verdict"]["reasons"])


def test_approval_states_on_the_date(project):
    text = CLEAN.replace('granted_on: "2026-01-01"', 'granted_on: "2026-07-01"')
    [approval] = model_of(str(project(text)))["projects"][0]["approvals"]
    assert approval["status"] == "not yet granted" and approval["assets"] == ["A-1"]


# Reproducible and private --------------------------------------------------------------------


@pytest.mark.parametrize("format_name", ["html", "md", "json"])
def test_two_copies_in_two_folders_give_the_same_bytes(tmp_path, format_name):
    first = tmp_path / "one" / "tidewater"
    second = tmp_path / "elsewhere" / "deeper" / "copy-of-tidewater"
    for copy in (first, second):
        shutil.copytree(EXAMPLES / "violations", copy)
    by_path = audit(str(first), "--format", format_name)
    from_inside = audit("--format", format_name, cwd=second)
    assert by_path.exit_code == from_inside.exit_code == 0
    assert by_path.output.encode() == from_inside.output.encode()
    for leak in (str(tmp_path), str(REPO), "/tmp/", "/home/", "/root"):
        assert leak not in by_path.output


def test_an_absolute_root_in_a_message_is_not_printed(tmp_path):
    root = write_project(tmp_path / "prod", {"genai-manifest.yaml": CLEAN.replace("path: a.png", "path: missing.png")})
    for format_name in ("html", "md", "json"):
        output = audit(str(root), "--format", format_name).output
        assert "missing.png" in output and str(tmp_path) not in output


# The studio-wide view -------------------------------------------------------------------------


def test_two_productions_give_one_portfolio_report(validator):
    model = model_of(str(EXAMPLES / "aurora"), str(EXAMPLES / "violations"))
    assert_valid(validator, model)
    rows = {row["name"]: row for row in model["portfolio"]}
    assert set(rows) == {"aurora", "violations"}
    assert rows["aurora"]["verdict"] == "cleared" and rows["violations"]["verdict"] == "not cleared"
    assert model["verdict"] == "not cleared"
    assert rows["violations"]["open_errors"] == model["projects"][1]["summary"]["errors"] > 0
    assert rows["violations"]["approvals_expiring_soon"] == 1  # APR-110, in 19 days
    assert rows["aurora"]["assets"] == model["projects"][0]["summary"]["assets"] > 0
    page = audit(str(EXAMPLES / "aurora"), str(EXAMPLES / "violations"), "--format", "html").output
    assert page.index("<h2>Portfolio</h2>") < page.index('<section id="p1">') < page.index('<section id="p2">')
    text = audit(str(EXAMPLES / "aurora"), str(EXAMPLES / "violations"), "--format", "md").output
    assert text.index("## Portfolio") < text.index("## Aurora, Season 2") < text.index("## Tidewater (pilot)")


def test_a_folder_holding_productions_is_the_studio_view(tmp_path):
    studio = tmp_path / "studio"
    for name in ("aurora", "violations"):
        shutil.copytree(EXAMPLES / name, studio / name)
    named = model_of(str(EXAMPLES / "aurora"), str(EXAMPLES / "violations"))
    for model in (model_of(str(studio)), model_of(cwd=studio)):
        assert model["portfolio"] == named["portfolio"]


def test_a_folder_with_manifests_of_its_own_and_productions_below_reports_them_all(tmp_path):
    studio = tmp_path / "studio"
    shutil.copytree(EXAMPLES / "aurora", studio / "aurora")
    (studio / "genai-manifest.yaml").write_text(CLEAN.replace("path: a.png", "path: aurora/missing.png"))
    model = model_of(str(studio))
    assert [(row["name"], row["production"]) for row in model["portfolio"]] == [(".", "demo"), ("aurora", "aurora-s02")]


def test_the_readme_audit_command_works_at_the_repository_root(tmp_path):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    command = re.search(r"`(genai-lint audit --format html -o report\.html)`", readme)
    assert command, "the README shows the audit command"
    report = tmp_path / "report.html"
    result = run_cli("audit", "--format", "html", "-o", str(report), cwd=REPO)
    assert result.exit_code == 0, result.stderr
    page = report.read_text(encoding="utf-8")
    assert "<h2>Portfolio</h2>" in page and "Aurora, Season 2" in page and "Tidewater (pilot)" in page


def test_no_manifests_says_where_it_looked_and_how_to_name_one(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run_cli("audit", cwd=empty)
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    message = result.stderr
    assert str(empty) in message and "genai-manifest.yaml" in message and "no configuration or git above it" in message
    assert "name a production folder or a manifest as PATH" in message
    shutil.copytree(EXAMPLES / "aurora", empty / "shows" / "aurora")
    (empty / ".genai-lint.yaml").write_text("fail-on: error\n")
    nested = run_cli("check", cwd=empty)
    assert nested.exit_code == 2 and "productions below it: shows/aurora" in nested.stderr


# Markdown for people ----------------------------------------------------------------------------


def test_markdown_reads_as_plain_text(project):
    text = audit(str(project(CLEAN.replace('title: "Demo"', 'title: "Score & FX [temp]"'))), "--format", "md").output
    assert "## Score & FX [temp]" in text
    assert "\\&" not in text and "\\[" not in text
    assert "(error)" in text or "(warning)" in text or "Nothing outstanding." in text
