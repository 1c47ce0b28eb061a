"""The shipped examples: aurora is clean on any date; violations fires every code where its comments say."""

from __future__ import annotations

import re

import pytest

from conftest import EXAMPLES, run_cli

ALL_CODES = {"G001", *(f"M{n:03d}" for n in range(1, 18)), "G101", "G102", "G103", "G201", "G202", "G203", "G301",
             "G302", "G401", "G402", "G501", "G502", *(f"A60{n}" for n in range(1, 8)), "X701"}
EXPECT = re.compile(r"#\s*expect:\s*([A-Z][0-9]{3}(?:\s*,\s*[A-Z][0-9]{3})*)")


@pytest.mark.parametrize("date", ["2026-06-01", "2026-11-25", "2030-01-01", "2045-12-31"])
def test_aurora_is_clean_on_any_date(date):
    result = run_cli("check", str(EXAMPLES / "aurora"), "--format", "json", "--date", date)
    assert result.exit_code == 0, result.output
    assert result.findings == []


@pytest.mark.parametrize("date", ["2026-06-01", "2026-11-25", "2030-01-01"])
def test_aurora_is_clean_under_every_profile(date):
    result = run_cli("check", str(EXAMPLES / "aurora"), "--format", "json", "--date", date,
                     "--profile", "netflix-2025,sag-aftra-2023", "--profile", "eu-ai-act-art50")
    assert result.exit_code == 0, result.output
    assert result.findings == []


def test_aurora_text_summary():
    result = run_cli("check", str(EXAMPLES / "aurora"))
    assert result.exit_code == 0
    assert re.search(r"no problems in \d+ manifests \(\d+ assets\)", result.output)


def expected_findings(example: str = "violations") -> set[tuple[str, int, str]]:
    root = EXAMPLES / example
    expected = set()
    for manifest in root.rglob("genai-manifest.yaml"):
        for number, line in enumerate(manifest.read_text().splitlines(), start=1):
            match = EXPECT.search(line)
            if match:
                for code in match.group(1).split(","):
                    expected.add((manifest.relative_to(root).as_posix(), number, code.strip()))
    return expected


def test_violations_fire_every_code_exactly_where_commented():
    result = run_cli("check", str(EXAMPLES / "violations"), "--format", "json", "--date", "2026-06-01")
    assert result.exit_code == 1
    actual = {(f["path"], f["line"], f["code"]) for f in result.findings}
    assert actual == expected_findings()
    assert {f["code"] for f in result.findings} == ALL_CODES
    assert all(f["line"] >= 1 and f["column"] >= 1 for f in result.findings)


POLICY_CODES = {"G002", "G204", "G303", "G402", "G403", "G503", "G504", "G505", *(f"U10{n}" for n in range(1, 7)), "E101"}


def test_policies_fire_every_new_code_exactly_where_commented():
    result = run_cli("check", str(EXAMPLES / "policies"), "--format", "json", "--date", "2026-09-01")
    assert result.exit_code == 1
    actual = {(f["path"], f["line"], f["code"]) for f in result.findings}
    assert actual == expected_findings("policies")
    assert {f["code"] for f in result.findings} == POLICY_CODES | {"S001", "S002"}
    assert all(f["line"] >= 1 and f["column"] >= 1 for f in result.findings)


def test_profile_on_the_command_line_replaces_the_configured_ones():
    result = run_cli("check", str(EXAMPLES / "policies"), "--format", "json", "--date", "2026-09-01",
                     "--profile", "sag-aftra-2023")
    assert {f["code"] for f in result.findings} == {f"U10{n}" for n in range(1, 7)} | {"S001", "S002"}  # studio rules always run


def test_eu_rules_wait_for_article_50_to_apply():
    result = run_cli("check", str(EXAMPLES / "policies"), "--format", "json", "--date", "2026-08-01")
    assert "E101" not in {f["code"] for f in result.findings}
    assert "U101" in {f["code"] for f in result.findings}


def test_explain_names_the_profile_and_source_item():
    doc = run_cli("explain", "U103").output
    for heading in ("## What it checks", "## Why", "## Example", "## Fix"):
        assert heading in doc
    assert "Profile: sag-aftra-2023: SAG-AFTRA 2023" in doc and "Source: SAG-AFTRA 2023 TV/Theatrical" in doc
