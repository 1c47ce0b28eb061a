"""Waivers on assets (M013, M014) and baselines for adopting genai-lint on an old production."""

from __future__ import annotations

import json

import jsonschema

from conftest import CLEAN, EXAMPLES, REPO, check_json, position, run_cli

CONSUMER = CLEAN.replace("environment: enterprise", "environment: consumer")
ASSET_END = "    approvals: [APR-1]\n"


def waiver(rule: str = "G301", reason: str = '"tenant pending"', expires: str | None = None) -> str:
    text = f"    waivers:\n      - rule: {rule}\n        reason: {reason}\n"
    if expires:
        text += f'        expires: "{expires}"\n'
    return text


def with_waiver(base: str, **kwargs) -> str:
    return base.replace(ASSET_END, ASSET_END + waiver(**kwargs))


def test_waiver_honoured_shown_and_counted(project):
    root = project(with_waiver(CONSUMER, expires="2026-12-31"))
    result = check_json(root, "--fail-on", "warning")
    assert result.exit_code == 0
    (finding,) = result.findings
    assert finding["code"] == "G301"
    assert finding["waived"] == {"reason": "tenant pending", "expires": "2026-12-31", "by": None}
    assert json.loads(result.output)["summary"]["waived"] == 1
    text = run_cli("check", str(root), "--color", "never", "--date", "2026-06-01").output
    assert "(waived: tenant pending)" in text
    assert text.splitlines()[-1] == "1 waived in 1 manifest (1 asset)"


def test_waiver_reason_is_required(project):
    missing = check_json(project(CONSUMER.replace(ASSET_END, ASSET_END + "    waivers:\n      - rule: G301\n"))).findings
    assert ("M002", "G301") in {(f["code"], "G301") for f in missing}
    assert any("reason" in f["message"] for f in missing if f["code"] == "M002")
    blank = check_json(project(with_waiver(CONSUMER, reason='"   "'))).findings
    assert [f["code"] for f in blank if f["code"] == "M002"] == ["M002"]
    assert all(f["waived"] is None for f in blank)


def test_expired_waiver_is_live_again_and_reported(project):
    text = with_waiver(CONSUMER, expires="2026-03-31")
    result = check_json(project(text), "--fail-on", "warning")
    assert result.exit_code == 1
    codes = {f["code"]: f for f in result.findings}
    assert codes["G301"]["waived"] is None
    assert (codes["M014"]["line"], codes["M014"]["column"]) == position(text, "expires: \"2026-03-31\"", "\"2026")


def test_unused_waiver_reported_only_when_its_rule_runs(project):
    text = with_waiver(CLEAN)
    result = check_json(project(text))
    (finding,) = result.findings
    assert finding["code"] == "M013" and finding["severity"] == "info"
    assert (finding["line"], finding["column"]) == position(text, "- rule: G301", "G301")
    assert check_json(project(text), "--select", "G2,M").codes() == set()


def test_sarif_suppressions_validate(project, tmp_path):
    root = project(with_waiver(CONSUMER, expires="2026-12-31"))
    out = tmp_path / "out.sarif"
    run_cli("check", str(root), "--date", "2026-06-01", "--output", f"sarif:{out}")
    sarif = json.loads(out.read_text())
    schema = json.loads((REPO / "tests" / "data" / "vendor-schemas" / "sarif-schema-2.1.0.json").read_text())
    jsonschema.Draft4Validator(schema).validate(sarif)
    (result,) = sarif["runs"][0]["results"]
    assert result["suppressions"][0]["kind"] == "inSource"
    assert result["suppressions"][0]["justification"] == "tenant pending"


def test_baseline_survives_edits_and_reports_new_and_stale(project, tmp_path):
    first = CONSUMER[CONSUMER.index("  - id: A-1"):]
    second = first.replace("id: A-1", "id: A-2").replace("disclosed_on", "x-disclosed")
    text = CONSUMER + second
    root = project(text)
    baseline = tmp_path / "baseline.json"
    written = run_cli("check", str(root), "--date", "2026-06-01", "--write-baseline", str(baseline))
    assert written.exit_code == 0 and baseline.is_file()
    assert len(json.loads(baseline.read_text())["findings"]) == 3  # G301 twice, G001 once
    # Lines inserted above the assets and the two assets swapped: the baseline still matches.
    moved = CONSUMER[:CONSUMER.index("  - id: A-1")].replace("assets:\n", "# a new comment\n\n\nassets:\n") + second + first
    root = project(moved)
    result = run_cli("check", str(root), "--date", "2026-06-01", "--baseline", str(baseline), "--format", "json",
                     "--fail-on", "warning")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["findings"] == []
    # A new problem is reported; a fixed one makes its baseline entry stale.
    changed = moved.replace('    x-disclosed: "2026-05-02"\n', '    disclosed_on: "2026-05-02"\n').replace(
        "approvals: [APR-1]", "approvals: [APR-1, APR-9]", 1)
    root = project(changed)
    result = run_cli("check", str(root), "--date", "2026-06-01", "--baseline", str(baseline))
    assert result.exit_code == 1
    assert "M006" in result.output
    assert "1 baseline entry no longer match" in result.output


def test_baseline_on_violations_exits_zero(tmp_path):
    baseline = tmp_path / "b.json"
    violations = str(EXAMPLES / "violations")
    assert run_cli("check", violations, "--date", "2026-06-01", "--write-baseline", str(baseline)).exit_code == 0
    result = run_cli("check", violations, "--date", "2026-06-01", "--baseline", str(baseline))
    assert result.exit_code == 0
    assert "known findings not shown" in result.output


def test_bad_baseline_file_is_exit_2(project, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    result = run_cli("check", str(project()), "--baseline", str(bad))
    assert result.exit_code == 2
    assert "not a genai-lint baseline" in result.stderr
