"""Policy packs on real files: E102 in the delivery gate, exemptions, and studio rules as data."""

from __future__ import annotations

import json
import re
import shutil
import struct
from pathlib import Path

import pytest

from conftest import ASSET_BYTES, CLEAN, EXAMPLES, check_json, position, run_cli, write_project

POLICIES = EXAMPLES / "policies"
POSTER = "files/hl_poster_v4.jpg"


def stripped_jpeg(data: bytes) -> bytes:
    """The JPEG without its APP1 (XMP) segments: what a metadata scrub or a careless re-export leaves."""
    out, at = bytearray(data[:2]), 2
    while at < len(data) and data[at] == 0xFF and data[at + 1] not in (0xD9, 0xDA):
        length = struct.unpack(">H", data[at + 2:at + 4])[0]
        if data[at + 1] != 0xE1:
            out += data[at:at + 2 + length]
        at += 2 + length
    return bytes(out + data[at:])


@pytest.fixture
def production(tmp_path: Path) -> Path:
    copy = tmp_path / "policies"
    shutil.copytree(POLICIES, copy)
    return copy


def gate(production: Path, delivery: Path, *args: str):
    result = run_cli("gate", str(delivery), "--project", str(production), "--format", "json", "--no-cache",
                     "--date", "2026-09-01", *args)
    return result, json.loads(result.output)["findings"]


def test_gate_reports_a_delivered_copy_whose_marking_was_stripped(production, tmp_path):
    delivery = tmp_path / "delivery"
    delivery.mkdir()
    original = (production / POSTER).read_bytes()
    (delivery / "hl_poster_v4.jpg").write_bytes(stripped_jpeg(original))
    assert b"DigitalSourceType" not in (delivery / "hl_poster_v4.jpg").read_bytes()
    result, findings = gate(production, delivery)
    assert result.exit_code == 0  # a warning
    [finding] = findings
    assert finding["code"] == "E102" and finding["path"].endswith("hl_poster_v4.jpg")
    assert "HL-016" in finding["message"] and "iptc-digital-source-type" in finding["message"]


def test_gate_passes_the_marked_copy_and_other_profiles(production, tmp_path):
    delivery = tmp_path / "delivery"
    delivery.mkdir()
    shutil.copyfile(production / POSTER, delivery / "hl_poster_v4.jpg")
    assert gate(production, delivery)[1] == []
    (delivery / "hl_poster_v4.jpg").write_bytes(stripped_jpeg((production / POSTER).read_bytes()))
    assert gate(production, delivery, "--profile", "netflix-2025")[1] == []
    assert gate(production, delivery, "--date", "2026-08-01")[1] == []  # before Article 50 applies


def test_an_exemption_of_the_right_kind_needs_no_consent(production):
    manifest = production / "genai-manifest.yaml"
    text = manifest.read_text()
    assert "      exemption: safety" in text
    manifest.write_text(text.replace("      exemption: safety", "      exemption: timing"))
    result = run_cli("check", str(production), "--format", "json", "--date", "2026-09-01", "--select", "G503")
    assert result.findings == []


# -- studio rules as data ----------------------------------------------------------------------------

RULE = """\
studio-rules:
  - code: S010
    name: concept-from-consumer-tool
    severity: warning
    summary: A concept made with a tool outside enterprise or local environments.
    what: Concepts must come from enterprise or local tools.
    why: Studio policy QF-1.
    example: "tool: chat-free"
    fix: Use an enterprise tool.
    when:
      all:
        - field: asset.purpose
          equals: concept
        - any:
            - field: tool.environment
              in: [consumer, vendor-cloud]
            - not: {field: asset.disclosed_on, exists: true}
    at: asset.tool
"""


def studio_project(tmp_path: Path, config: str, manifest: str = CLEAN, files: dict | None = None) -> Path:
    return write_project(tmp_path / "prod", {"genai-manifest.yaml": manifest, "a.png": ASSET_BYTES, **(files or {})},
                         config)


def one_line_error(result) -> str:
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]


def test_a_studio_rule_fires_where_it_points_and_travels_into_sarif(tmp_path):
    root = studio_project(tmp_path, RULE)
    assert check_json(root).findings == []  # an enterprise tool: the rule holds
    (root / "genai-manifest.yaml").write_text(CLEAN.replace("environment: enterprise", "environment: consumer"))
    result = check_json(root, "--select", "S")
    [finding] = result.findings
    text = (root / "genai-manifest.yaml").read_text()
    assert (finding["code"], finding["severity"]) == ("S010", "warning")
    assert (finding["line"], finding["column"]) == position(text, "    tool: ent", "ent")
    sarif = run_cli("check", str(root), "--format", "sarif", "--date", "2026-06-01")
    [run] = json.loads(sarif.output)["runs"]
    [rule] = [rule for rule in run["tool"]["driver"]["rules"] if rule["id"] == "S010"]
    assert rule["name"] == "concept-from-consumer-tool" and "## Why" in rule["help"]["markdown"]
    listed = {rule["code"]: rule for rule in json.loads(run_cli("rules", "--format", "json", cwd=root).output)}
    assert listed["S010"]["profile"] == "studio"


def test_explain_prints_a_studio_rule_of_the_example():
    doc = run_cli("explain", "S001", cwd=POLICIES).output
    for heading in ("## What it checks", "## Why", "## Example", "## Fix"):
        assert heading in doc
    assert "Source: studio rule, .genai-lint.yaml:" in doc
    assert "S002" in run_cli("explain", "S002", cwd=POLICIES).output


@pytest.mark.parametrize("old, new, expected", [
    ("          equals: concept", "          equal: concept", r":13:11: unknown operator 'equal'; did you mean 'equals'\?"),
    ("        - field: asset.purpose", "        - field: asset.purpse", r":12:18: unknown field 'asset.purpse'; did you mean 'asset.purpose'\?"),
    ("          equals: concept", "          equals: concpt", r":13:19: asset.purpose is never 'concpt'; did you mean 'concept'\?"),
    ("    severity: warning", "    severity: warn", r":4:15: severity: 'warn' is not one of error, warning, info; did you mean 'warning'\?"),
    ("    at: asset.tool", "    at: asset.tol", r":18:9: unknown field 'asset.tol'; did you mean 'asset.tool'\?"),
    ("  - code: S010", "  - code: G010", r":2:11: code: 'G010' is not valid: S001 to S999; built-in codes never use S"),
    ("          equals: concept", "          matches: '(a)\\1'", r":13:20: '\(a\)\\\\1' is not a valid regular expression for a studio rule"),
    ("            - not: {field: asset.disclosed_on, exists: true}", "            - not: {exists: true}",
     r":17:15: 'exists' needs a field"),
])
def test_a_bad_studio_rule_is_one_line_with_its_position_and_a_did_you_mean(tmp_path, old, new, expected):
    assert old in RULE
    root = studio_project(tmp_path, RULE.replace(old, new))
    message = one_line_error(run_cli("check", str(root)))
    assert re.search(rf"^genai-lint: error: {re.escape(str(root / '.genai-lint.yaml'))}{expected}", message), message


def test_rule_files_stay_inside_the_project_and_report_their_own_positions(tmp_path):
    listed = "studio-rules:\n  - rules/extra.yaml\n"
    body = "\n".join(line[2:] for line in RULE.splitlines()[1:]) + "\n"
    root = studio_project(tmp_path, listed, files={"rules/extra.yaml": body.replace("equals: concept", "equls: concept")})
    message = one_line_error(run_cli("check", str(root)))
    assert message.startswith(f"genai-lint: error: {root / 'rules' / 'extra.yaml'}:12:9: unknown operator 'equls'; did you mean 'equals'?"), message
    (tmp_path / "outside.yaml").write_text(body)
    root = studio_project(tmp_path, "studio-rules:\n  - ../outside.yaml\n")
    assert "leaves the project folder" in one_line_error(run_cli("check", str(root)))


def test_studio_codes_and_names_are_unique(tmp_path):
    twice = RULE + "\n".join(RULE.splitlines()[1:]) + "\n"
    message = one_line_error(run_cli("check", str(studio_project(tmp_path, twice))))
    assert "S010: also defined by .genai-lint.yaml:2" in message
    builtin = RULE.replace("name: concept-from-consumer-tool", "name: tool-trains-on-data")
    message = one_line_error(run_cli("check", str(studio_project(tmp_path / "b", builtin))))
    assert "tool-trains-on-data: also defined by built-in rule G201" in message


def test_a_nested_condition_is_bounded(tmp_path):
    condition = "{field: asset.purpose, equals: concept}"
    for _ in range(9):
        condition = "{not: " + condition + "}"
    root = studio_project(tmp_path, re.sub(r"    when:\n(.*\n)*?    at:", f"    when: {condition}\n    at:", RULE))
    assert "the condition nests 10 levels; at most 8" in one_line_error(run_cli("check", str(root)))
