"""Issue 12: findings that say what to type, located precisely, through the real CLI."""

from __future__ import annotations

from conftest import CLEAN, check_json, position, run_cli

ASSET_END = "    approvals: [APR-1]\n"


def with_asset_fields(text: str) -> str:
    return CLEAN.replace(ASSET_END, ASSET_END + text)


def test_g103_reports_every_watchlist_match_in_a_prompt(project):
    manifest = with_asset_fields('    prompt: "castle in the style of Studio Ghibli, Pixar lighting"\n')
    found = [f for f in check_json(project(manifest)).findings if f["code"] == "G103"]
    line, column = position(manifest, "prompt:", "in the style of")
    assert [(f["line"], f["column"], f["end_column"]) for f in found] == [
        (line, column, column + len("in the style of")),
        (line, column + len("in the style of "), column + len("in the style of Studio Ghibli")),
        (line, column + len("in the style of Studio Ghibli, "), column + len("in the style of Studio Ghibli, Pixar")),
    ]
    assert all("A-1" in f["message"] for f in found)
    assert "'Pixar'" in found[2]["message"]


def only(result, code: str) -> dict:
    found = [f for f in result.findings if f["code"] == code]
    assert len(found) == 1, found
    return found[0]


def test_m002_one_finding_per_spot_lists_missing_fields_with_example_lines(project):
    manifest = CLEAN.replace("    media: image\n    purpose: concept\n    deliverable: false\n", "")
    finding = only(check_json(project(manifest)), "M002")
    assert finding["message"] == "asset A-1 is missing required fields 'media', 'purpose', 'deliverable'"
    assert (finding["line"], finding["column"]) == position(manifest, "- id: A-1", "id")
    assert "`media: image` (one of image, video, audio, voice, music, text, 3d, other)" in finding["fix"]
    assert "`purpose: ideation` (one of ideation, concept, previs, reference, temp, final)" in finding["fix"]
    assert "`deliverable: false` (true or false)" in finding["fix"]


def test_m002_says_the_value_to_write_instead(project):
    result = check_json(project(CLEAN.replace("deliverable: false", "deliverable: no")))
    finding = only(result, "M002")
    assert finding["message"] == "asset A-1: deliverable must be true or false, not 'no'"
    assert finding["fix"].startswith("write `deliverable: false`")
    typo = only(check_json(project(CLEAN.replace("media: image", "media: imgae"))), "M002")
    assert typo["fix"] == "write `media: image`"
    key = only(check_json(project(CLEAN.replace("disclosed_on:", "disclosed_0n:"))), "M002")
    assert key["fix"] == "rename it to `disclosed_on`"


def test_quoted_manifest_version_says_to_drop_the_quotes(project):
    finding = only(check_json(project(CLEAN.replace("manifest_version: 1", 'manifest_version: "1"'))), "M002")
    assert finding["message"] == "manifest_version must be the number 1, not the text '1'"
    assert finding["fix"] == "write `manifest_version: 1` (without quotes)"
    assert "reads version 1" not in finding["message"]


def test_m001_colon_in_plain_prompt_says_quote_the_whole_prompt(project):
    manifest = with_asset_fields("    prompt: Harbour at dusk: wide shot, fog\n")
    finding = only(check_json(project(manifest)), "M001")
    assert (finding["line"], finding["column"]) == position(manifest, "prompt:", ": wide")
    assert "': '" in finding["message"] and "prompt" in finding["message"]
    assert finding["fix"] == 'quote the whole prompt in double quotes: `prompt: "Harbour at dusk: wide shot, fog"`'


def test_m001_tab_is_named_and_shown_as_an_arrow(project):
    manifest = CLEAN.replace("    approvals: [APR-1]\n", "\tapprovals: [APR-1]\n")
    root = project(manifest)
    finding = only(check_json(root), "M001")
    assert "tab" in finding["message"]
    assert finding["fix"].startswith("this is a tab; YAML indents with spaces")
    text = run_cli("check", str(root), "--color", "never").output
    assert "| →approvals: [APR-1]" in text


def test_unknown_tool_and_approval_get_a_did_you_mean(project):
    result = check_json(project(CLEAN.replace("tool: ent", "tool: entt").replace("approvals: [APR-1]\n", "approvals: [apr-l]\n")))
    tool, approval = only(result, "M005"), only(result, "M006")
    assert "did you mean 'ent'?" in tool["message"] and tool["fix"] == "write `tool: ent`"
    assert "did you mean 'APR-1'?" in approval["message"]
    assert "APR-1" in approval["fix"]


def test_g401_and_a60x_name_the_register_approval_that_covers_the_scope(project):
    manifest = (CLEAN.replace("scopes: [final-deliverable]", "scopes: [final-deliverable, public-figure]")
                .replace("    approvals: [APR-1]\n", "    content: [public-figure]\n")
                .replace("deliverable: false", "deliverable: true"))
    result = check_json(project(manifest))
    assert only(result, "G401")["fix"].startswith("add `approvals: [APR-1]` to asset A-1")
    assert only(result, "A604")["fix"].startswith("add `approvals: [APR-1]` to asset A-1")
    none_covers = check_json(project(manifest.replace("scopes: [final-deliverable, public-figure]", "scopes: [key-creative]")))
    assert "obtain written approval with scope final-deliverable" in only(none_covers, "G401")["fix"]


def test_every_asset_level_finding_names_the_asset(project):
    inputs = ("    inputs:\n      - ref: board-17\n        source: personal-data\n        use: training\n"
              "      - ref: still-3\n        source: unknown\n        use: conditioning\n")
    manifest = (CLEAN.replace("scopes: [final-deliverable]", "scopes: [key-creative]")
                .replace("environment: enterprise", "environment: vendor-cloud")
                .replace("    approvals: [APR-1]\n",
                         inputs + "    content: [main-character, public-figure, copyrighted-material]\n"))
    findings = check_json(project(manifest)).findings
    codes = {f["code"] for f in findings}
    assert {"A601", "A603", "A604", "G101", "G102", "G302"} <= codes
    asset_level = [f for f in findings if f["entry_id"] == "A-1"]
    assert asset_level and all("A-1" in f["message"] for f in asset_level), [f["message"] for f in asset_level]


def test_fix_hints_survive_the_document_cache(project):
    root = project(CLEAN.replace("    media: image\n    purpose: concept\n", "").replace("deliverable: false", "deliverable: no"))
    first, second = check_json(root).findings, check_json(root).findings
    assert second == first
    assert [f["fix"][:8] for f in second if f["code"] == "M002"] == ["add `med", "write `d"]


def test_a_named_file_that_is_not_a_manifest_is_exit_2_not_a_false_green(project, monkeypatch):
    monkeypatch.delenv("PRE_COMMIT", raising=False)
    root = project(files={"notes.yaml": "title: notes\n", "README.md": "# notes\n", "b/genai_manifest.yaml": "x: 1\n"})
    for name in ("notes.yaml", "README.md", "b/genai_manifest.yaml"):
        result = run_cli("check", name, cwd=root)
        assert result.exit_code == 2, (name, result.output)
        assert result.output == ""
        [line] = result.stderr.splitlines()
        assert line.startswith(f"genai-lint: error: {name}: not a manifest")
        assert "genai-manifest.yaml or genai-manifest.yml" in line
    assert "did you mean genai-manifest.yaml?" in run_cli("check", "b/genai_manifest.yaml", cwd=root).stderr
    assert run_cli("check", "a.png", cwd=root).exit_code == 0  # a recorded file selects its manifest


def test_a_named_file_from_pre_commit_is_skipped_silently(project, monkeypatch):
    root = project(files={"README.md": "# notes\n"})
    monkeypatch.setenv("PRE_COMMIT", "1")
    result = run_cli("check", "README.md", cwd=root)
    assert (result.exit_code, result.stderr) == (0, "")


def test_a_named_yaml_file_with_manifest_version_is_checked_with_a_note(project, monkeypatch):
    monkeypatch.delenv("PRE_COMMIT", raising=False)
    root = project(files={"b/ai-register.yaml": CLEAN.replace("path: a.png", "path: ../a.png").replace("id: A-1", "id: B-1")
                          .replace("id: ent", "id: ent2").replace("id: APR-1", "id: APR-2").replace("[APR-1]", "[APR-2]")})
    result = run_cli("check", "b/ai-register.yaml", "--color", "never", "--date", "2026-06-01", cwd=root)
    assert result.exit_code == 0, result.output
    assert "note: b/ai-register.yaml was checked because it was named" in result.output
    assert "in 1 manifest (1 asset)" in result.output


def test_selectors_take_rule_names_and_any_case_everywhere(project):
    manifest = CLEAN.replace("environment: enterprise", "environment: consumer")  # G301
    root = project(manifest)
    for selector in ("non-enterprise-tool", "NON-ENTERPRISE-TOOL", "g301", "g3", "G301"):
        assert check_json(root, "--select", selector).codes() == {"G301"}, selector
        assert "G301" not in check_json(root, "--ignore", selector).codes(), selector
    configured = project(manifest, files={".genai-lint.yaml": "ignore: [non-enterprise-tool]\nseverity: {g301: error}\n"})
    assert "G301" not in check_json(configured).codes()
    result = run_cli("check", str(root), "--select", "tool-trains")
    assert result.exit_code == 2 and "did you mean G201?" in result.stderr


def test_junit_failures_match_the_exit_code(project, tmp_path):
    import xml.etree.ElementTree as ET

    root = project(CLEAN.replace('    disclosed_on: "2026-05-02"\n', ""))  # G001, a warning
    junit = tmp_path / "out.xml"
    result = run_cli("check", str(root), "--date", "2026-06-01", "--output", f"junit:{junit}")
    assert result.exit_code == 0
    suite = ET.parse(junit).getroot().find("testsuite")
    assert suite.get("failures") == "0" and suite.find("testcase/failure") is None
    assert "G001 A-1" in suite.find("system-out").text
    strict = run_cli("check", str(root), "--date", "2026-06-01", "--fail-on", "warning", "--output", f"junit:{junit}")
    assert strict.exit_code == 1
    assert ET.parse(junit).getroot().find("testsuite").get("failures") == "1"


def test_a_waiver_naming_its_rule_in_lowercase_or_by_name_is_told_the_code(project):
    for written in ("g001", "undisclosed-use"):
        manifest = CLEAN.replace('    disclosed_on: "2026-05-02"\n', f"    waivers:\n      - rule: {written}\n        reason: ok\n")
        assert only(check_json(project(manifest)), "M002")["fix"] == "write `rule: G001` (a waiver names the rule by its code)"


def test_statistics_columns_are_aligned(project):
    manifest = CLEAN.replace("environment: enterprise", "environment: consumer").replace('    disclosed_on: "2026-05-02"\n', "")
    result = run_cli("check", str(project(manifest)), "--date", "2026-06-01", "--statistics")
    rows = result.output.splitlines()[:-1]
    assert len(rows) == 2
    assert len({row.index("[") for row in rows}) == 1, rows
    assert len({row.index(code) for row, code in zip(rows, ("G001", "G301"))}) == 1, rows


def test_fix_line_sits_under_the_gutter_for_three_digit_lines(project):
    padding = "".join(f"x-note-{n}: padding\n" for n in range(120))
    manifest = CLEAN.replace("tools:\n", padding + "tools:\n").replace("tool: ent", "tool: nope")
    lines = run_cli("check", str(project(manifest)), "--color", "never").output.splitlines()
    head = next(index for index, line in enumerate(lines) if "M005" in line)
    frame, fix = lines[head + 1], lines[head + 4]
    assert frame == "    |" and fix.startswith("    = fix:"), (frame, fix)
    assert fix.index("=") == frame.index("|")


NEW_PNG = b"\x89PNG\r\n\x1a\n a new generated voice take"


def test_add_records_approvals_disclosure_prompt_inputs_and_talent_so_check_passes(project):
    root = project(CLEAN.replace("scopes: [final-deliverable]", "scopes: [final-deliverable, talent-performance]"),
                   files={"take.wav": NEW_PNG})
    result = run_cli("add", str(root / "take.wav"), "--tool", "ent", "--media", "voice", "--purpose", "final",
                     "--deliverable", "--approval", "APR-1", "--disclosed-on", "2026-05-03", "--created", "2026-05-02",
                     "--prompt", 'Harbour at dusk: "wide"', "--input", "takes/ep2:17.wav:talent:conditioning",
                     "--content", "talent-voice", "--talent", "J. Doe", "--consent", "CONSENT-7", "--union-covered")
    assert result.exit_code == 0, result.stderr
    import yaml

    asset = yaml.safe_load((root / "genai-manifest.yaml").read_text())["assets"][-1]
    assert asset["approvals"] == ["APR-1"] and asset["disclosed_on"] == "2026-05-03"
    assert asset["prompt"] == 'Harbour at dusk: "wide"'
    assert asset["inputs"] == [{"ref": "takes/ep2:17.wav", "source": "talent", "use": "conditioning"}]
    assert asset["talent"] == {"name": "J. Doe", "consent": "CONSENT-7", "union_covered": True}
    assert asset["content"] == ["talent-voice"]
    checked = check_json(root, "--ignore", "G402")  # final material: add records no human_contribution or legal_review
    assert checked.exit_code == 0 and checked.findings == [], checked.findings


def test_add_disclose_defaults_to_today(project):
    import datetime as dt

    import yaml

    root = project(files={"new.png": NEW_PNG})
    assert run_cli("add", str(root / "new.png"), "--tool", "ent", "--media", "image", "--purpose", "concept",
                   "--disclose").exit_code == 0
    asset = yaml.safe_load((root / "genai-manifest.yaml").read_text())["assets"][-1]
    assert asset["disclosed_on"] == dt.date.today().isoformat()


def test_add_errors_are_one_line(project):
    root = project(files={"new.png": NEW_PNG})
    base = ("add", str(root / "new.png"), "--tool", "ent", "--media", "image")
    cases = [
        ((), "Missing option '--purpose'. Choose from: ideation, concept, previs, reference, temp, final"),
        (("--purpose", "concept", "--approval", "APR-l"), "unknown approval 'APR-l'; did you mean 'APR-1'?"),
        (("--purpose", "concept", "--input", "board:owend:conditioning"), "'owend' is not a source; did you mean 'owned'?"),
        (("--purpose", "concept", "--input", "board"), "expected REF:SOURCE:USE"),
        (("--purpose", "concept", "--consent", "C-1"), "name them with --talent"),
    ]
    for extra, expected in cases:
        result = run_cli(*base, *extra)
        assert result.exit_code == 2, extra
        assert len(result.stderr.splitlines()) == 1 and "\\n" not in result.stderr and "\\t" not in result.stderr
        assert expected in result.stderr, result.stderr
    assert (root / "genai-manifest.yaml").read_text() == CLEAN


def test_missing_tool_lists_the_registered_tools_and_g001_names_the_contact(project):
    manifest = CLEAN.replace('  title: "Demo"\n', '  title: "Demo"\n  contact: legal@demo.example\n')
    manifest = manifest.replace("    tool: ent\n", "").replace('    disclosed_on: "2026-05-02"\n', "")
    result = check_json(project(manifest))
    assert only(result, "M002")["fix"] == "add `tool: ent` (a registered tool: ent)"
    assert only(result, "G001")["fix"] == 'report the use to legal@demo.example and record the day: `disclosed_on: "YYYY-MM-DD"`'
