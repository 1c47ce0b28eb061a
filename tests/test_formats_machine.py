"""The machine-readable formats: SARIF, GitHub workflow commands, JUnit XML, GitLab Code Quality."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
import xmlschema

from genai_lint import __version__
from genai_lint.findings import FILE_START, Finding, Report, RuleInfo, Severity, Span, Waiver
from genai_lint.formats import FORMATS, render, renderer
from genai_lint.formats import github

SCHEMAS = Path(__file__).parent / "data" / "vendor-schemas"
PLAIN = "prod/ep01.genai.yaml"
WEIRD = "prod/we,ird: 100% señal.yaml"
WEIRD_URI = "prod/we%2Cird%3A%20100%25%20se%C3%B1al.yaml"

DOC = """## What it checks

Every generated asset names the consent record of each performer it depicts.

## Why

Union agreements require it.

## Example

```yaml
consent_ref: null
```

## Fix

Point `consent_ref` at the signed release.
"""

RULES = {
    code: RuleInfo(code, name, severity, f"{name} summary", DOC)
    for code, name, severity in [
        ("GA101", "missing-consent", Severity.ERROR),
        ("GA102", "budget-overrun", Severity.ERROR),
        ("GA201", "stale-model", Severity.WARNING),
        ("GA301", "note-provenance", Severity.INFO),
        ("GA999", "unused-rule", Severity.WARNING),
    ]
}


def finding(code, severity, path, line, entry_id, message="problem", **extra) -> Finding:
    extra.setdefault("manifest", path if entry_id is not None else None)
    return Finding(
        code=code,
        name=RULES[code].name,
        severity=severity,
        message=message,
        path=path,
        span=Span(line, 3, line, 9),
        entry_id=entry_id,
        **extra,
    )


def findings() -> list[Finding]:
    return [
        finding("GA101", Severity.ERROR, PLAIN, 4, "shot-001", "Consent missing for actor.",
                fix="Add consent_ref."),
        finding("GA201", Severity.WARNING, PLAIN, 9, "shot-002", "Model version is stale."),
        finding("GA301", Severity.INFO, PLAIN, 10, "shot-002", "Provenance could be richer."),
        finding("GA101", Severity.ERROR, PLAIN, 14, "shot-003", "Consent missing again.",
                waived=Waiver("Release signed on paper", expires="2031-01-01", by="legal")),
        finding("GA102", Severity.ERROR, WEIRD, 2, "vfx 7", "Budget over by 5%\nsee ledger"),
        finding("GA201", Severity.WARNING, WEIRD, 1, None, "File-level: no header.")._replace(span=FILE_START),
    ]


def make_report(root: Path, items: list[Finding] | None = None) -> Report:
    return Report(
        root=root,
        findings=findings() if items is None else items,
        rules=RULES,
        manifests=2,
        assets=7,
        evaluation_date="2030-06-01",
    )


def shifted(report: Report, by: int) -> Report:
    def move(f: Finding) -> Finding:
        s = f.span
        span = Span(s.line + by, s.column, s.end_line + by, s.end_column)
        return f._replace(span=span)

    return make_report(report.root, [move(f) for f in report.findings])


@pytest.fixture
def report(tmp_path: Path) -> Report:
    return make_report(tmp_path)


def test_formats_are_registered(report: Report) -> None:
    for name in ("sarif", "github", "junit", "gitlab"):
        assert name in FORMATS
        assert renderer(name) is not None
        assert render(name, report)


# --- SARIF -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sarif_validator() -> jsonschema.Draft4Validator:
    schema = json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema)


def sarif(report: Report) -> dict:
    return json.loads(render("sarif", report))


def by_entry(results: list[dict]) -> dict:
    return {(r["ruleId"], r.get("properties", {}).get("entryId")): r for r in results}


def test_sarif_validates_against_the_schema(report, sarif_validator) -> None:
    log = sarif(report)
    errors = sorted(sarif_validator.iter_errors(log), key=str)
    assert not errors, "\n".join(e.message for e in errors)
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert log["version"] == "2.1.0"
    assert len(log["runs"]) == 1
    run = log["runs"][0]
    assert run["tool"]["driver"]["name"] == "genai-lint"
    assert run["tool"]["driver"]["version"] == __version__
    assert run["invocations"] == [{"executionSuccessful": True}]


def test_sarif_empty_report_validates(tmp_path, sarif_validator) -> None:
    log = sarif(make_report(tmp_path, []))
    sarif_validator.validate(log)
    assert log["runs"][0]["results"] == []
    assert len(log["runs"][0]["tool"]["driver"]["rules"]) == len(RULES)


def test_sarif_rules(report) -> None:
    run = sarif(report)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted(RULES)
    consent = rules[0]
    assert consent["name"] == "missing-consent"
    assert consent["shortDescription"]["text"] == "missing-consent summary"
    assert consent["fullDescription"]["text"].startswith("Every generated asset names")
    assert consent["help"]["markdown"] == DOC.strip()
    assert consent["help"]["text"]
    levels = {r["id"]: r["defaultConfiguration"]["level"] for r in rules}
    assert levels == {"GA101": "error", "GA102": "error", "GA201": "warning",
                      "GA301": "note", "GA999": "warning"}
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_sarif_results(report, tmp_path) -> None:
    run = sarif(report)["runs"][0]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == tmp_path.resolve().as_uri() + "/"
    results = by_entry(run["results"])
    assert len(run["results"]) == 6
    levels = {key: r["level"] for key, r in results.items()}
    assert levels == {
        ("GA101", "shot-001"): "error",
        ("GA201", "shot-002"): "warning",
        ("GA301", "shot-002"): "note",
        ("GA101", "shot-003"): "error",
        ("GA102", "vfx 7"): "error",
        ("GA201", None): "warning",
    }
    first = results[("GA101", "shot-001")]
    assert first["message"]["text"] == "Consent missing for actor. Fix: Add consent_ref."
    assert first["properties"] == {"entryId": "shot-001", "manifest": PLAIN}
    location = first["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": PLAIN, "uriBaseId": "%SRCROOT%"}
    assert location["region"] == {"startLine": 4, "startColumn": 3, "endLine": 4, "endColumn": 9}

    weird = results[("GA102", "vfx 7")]
    assert weird["message"]["text"] == "Budget over by 5%\nsee ledger"
    assert weird["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == WEIRD_URI
    file_level = results[("GA201", None)]["locations"][0]["physicalLocation"]["region"]
    assert file_level == {"startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 1}


def test_sarif_suppressions_only_on_waived(report) -> None:
    results = by_entry(sarif(report)["runs"][0]["results"])
    waived = results[("GA101", "shot-003")]
    assert waived["suppressions"][0]["kind"] == "inSource"
    assert waived["suppressions"][0]["justification"] == "Release signed on paper"
    assert [key for key, r in results.items() if "suppressions" in r] == [("GA101", "shot-003")]


def test_sarif_fingerprints_ignore_line_numbers(report) -> None:
    def prints(rep: Report) -> dict:
        results = by_entry(sarif(rep)["runs"][0]["results"])
        return {key: r["partialFingerprints"] for key, r in results.items()}

    before, after = prints(report), prints(shifted(report, 12))
    assert before == after
    values = [p["genaiLint/v1"] for p in before.values()]
    assert len(set(values)) == len(values)
    assert all(len(v) == 64 and int(v, 16) >= 0 for v in values)


def test_sarif_fingerprints_disambiguate_duplicates(tmp_path) -> None:
    twin = finding("GA101", Severity.ERROR, PLAIN, 4, "shot-001", "Consent missing.")
    report = make_report(tmp_path, [twin, twin._replace(span=Span(5, 1, 5, 2))])
    values = [r["partialFingerprints"]["genaiLint/v1"] for r in sarif(report)["runs"][0]["results"]]
    assert len(set(values)) == 2


def test_sarif_unknown_rule_gets_a_descriptor(tmp_path, sarif_validator) -> None:
    stray = finding("GA101", Severity.ERROR, PLAIN, 1, "x")._replace(code="GA000")
    log = sarif(make_report(tmp_path, [stray]))
    sarif_validator.validate(log)
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert rules[log["runs"][0]["results"][0]["ruleIndex"]]["id"] == "GA000"


# --- JUnit -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def junit_schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(SCHEMAS / "JUnit.xsd"))


def junit(report: Report, schema: xmlschema.XMLSchema) -> ET.Element:
    text = render("junit", report)
    schema.validate(text)
    return ET.fromstring(text)


def test_junit_validates_and_counts(report, junit_schema) -> None:
    root = junit(report, junit_schema)
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [PLAIN, WEIRD]
    assert [s.get("id") for s in suites] == ["0", "1"]
    attributes = ("tests", "failures", "errors", "skipped")
    counts = [tuple(s.get(a) for a in attributes) for s in suites]
    assert counts == [("4", "1", "0", "1"), ("2", "1", "0", "0")]  # fail-on error: the warnings pass
    cases = suites[0].findall("testcase")
    assert [c.get("name") for c in cases] == [
        "GA101 shot-001 4:3", "GA201 shot-002 9:3", "GA301 shot-002 10:3", "GA101 shot-003 14:3",
    ]
    assert {c.get("classname") for c in cases} == {PLAIN}
    failure = cases[0].find("failure")
    assert failure.get("type") == "GA101"
    assert "Consent missing for actor." in failure.get("message")
    assert "fix: Add consent_ref." in failure.text
    assert list(cases[1]) == list(cases[2]) == []
    assert suites[0].find("system-out").text.splitlines() == [
        "GA201 shot-002 9:3: warning stale-model: Model version is stale.",
        "GA301 shot-002 10:3: info note-provenance: Provenance could be richer.",
    ]
    assert cases[3].find("skipped").get("message").startswith("waived: Release signed on paper")
    weird = suites[1].findall("testcase")
    assert weird[0].get("name") == "GA201 1:1"
    assert list(weird[0]) == []
    message = weird[1].find("failure").get("message")
    assert message == "budget-overrun: Budget over by 5%\nsee ledger"


def test_junit_failures_follow_fail_on(tmp_path, junit_schema) -> None:
    strict = make_report(tmp_path)
    strict.fail_on = Severity.INFO
    counts = [s.get("failures") for s in junit(strict, junit_schema).findall("testsuite")]
    assert counts == ["3", "2"]


def test_junit_empty_report_is_one_passing_case(tmp_path, junit_schema) -> None:
    root = junit(make_report(tmp_path, []), junit_schema)
    (suite,) = root.findall("testsuite")
    assert suite.get("name") == "genai-lint"
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("1", "0", "0")
    (case,) = suite.findall("testcase")
    assert list(case) == []


def test_junit_control_characters_stay_valid_xml(tmp_path, junit_schema) -> None:
    message = "bell\x07 nul\x00 <&\"> \ud800 ok"
    nasty = finding("GA101", Severity.ERROR, "a\x01b.yaml", 1, "id\x0b", message)
    root = junit(make_report(tmp_path, [nasty]), junit_schema)
    failure = root.find("testsuite/testcase/failure")
    assert "bell\\x07 nul\\x00" in failure.get("message")  # shown escaped, as in every format
    assert "<&\">" in failure.get("message")


def test_junit_honours_source_date_epoch(report, junit_schema, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    root = junit(report, junit_schema)
    assert root.find("testsuite").get("timestamp") == "1970-01-01T00:00:00"


# --- GitLab ------------------------------------------------------------------------------------


def test_gitlab_code_quality(report) -> None:
    issues = json.loads(render("gitlab", report))
    assert len(issues) == 5  # the waived finding is left out
    for issue in issues:
        assert {"description", "check_name", "fingerprint", "severity", "location"} <= issue.keys()
        assert isinstance(issue["location"]["lines"]["begin"], int)
        assert issue["severity"] in {"info", "minor", "major", "critical", "blocker"}
    assert len({i["fingerprint"] for i in issues}) == len(issues)
    assert [(i["check_name"], i["severity"], i["location"]["path"], i["location"]["lines"]["begin"])
            for i in issues] == [
        ("GA101", "major", PLAIN, 4),
        ("GA201", "minor", PLAIN, 9),
        ("GA301", "info", PLAIN, 10),
        ("GA201", "minor", WEIRD, 1),
        ("GA102", "major", WEIRD, 2),
    ]
    assert "shot-003" not in json.dumps(issues)


def test_gitlab_fingerprints_ignore_line_numbers(report) -> None:
    def prints(rep: Report) -> list[str]:
        return [i["fingerprint"] for i in json.loads(render("gitlab", rep))]

    assert prints(report) == prints(shifted(report, 3))


def test_gitlab_duplicates_get_distinct_fingerprints(tmp_path) -> None:
    twin = finding("GA101", Severity.ERROR, PLAIN, 4, "shot-001")
    issues = json.loads(render("gitlab", make_report(tmp_path, [twin, twin])))
    assert issues[0]["fingerprint"] != issues[1]["fingerprint"]


# --- GitHub ------------------------------------------------------------------------------------


def test_github_escaping_matches_the_toolkit() -> None:
    assert github.escape_data("a%b\r\nc:d,e") == "a%25b%0D%0Ac:d,e"
    assert github.escape_property("a%b\r\nc:d,e") == "a%25b%0D%0Ac%3Ad%2Ce"


def test_github_groups_and_annotations(report, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    lines = render("github", report).splitlines()
    assert lines == [
        f"::group::{PLAIN}",
        f"::error file={PLAIN},line=4,col=3,endLine=4,endColumn=9,title=GA101 missing-consent"
        "::Consent missing for actor.%0AFix: Add consent_ref.",
        f"::warning file={PLAIN},line=9,col=3,endLine=9,endColumn=9,title=GA201 stale-model"
        "::Model version is stale.",
        f"::notice file={PLAIN},line=10,col=3,endLine=10,endColumn=9,title=GA301 note-provenance"
        "::Provenance could be richer.",
        f"waived: {PLAIN}:14:3: GA101 missing-consent: Consent missing again. "
        "(waiver: Release signed on paper)",
        "::endgroup::",
        "::group::prod/we,ird: 100%25 señal.yaml",
        "::warning file=prod/we%2Cird%3A 100%25 señal.yaml,line=1,col=1,endLine=1,endColumn=1,"
        "title=GA201 stale-model::File-level: no header.",
        "::error file=prod/we%2Cird%3A 100%25 señal.yaml,line=2,col=3,endLine=2,endColumn=9,"
        "title=GA102 budget-overrun::Budget over by 5%25%0Asee ledger",
        "::endgroup::",
        "2 errors, 2 warnings, 1 info, 1 waived in 2 manifests (7 assets)",
    ]


def test_github_paths_are_relative_to_the_working_directory(report, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path.parent)
    output = render("github", report)
    assert f"::error file={tmp_path.name}/{PLAIN},line=4," in output
    assert f"::group::{PLAIN}" in output


def test_github_plain_lines_cannot_inject_commands(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    sneaky = finding("GA101", Severity.ERROR, PLAIN, 1, "x", "ok\n::error::injected",
                     waived=Waiver("fine\r\n::warning::also injected"))
    lines = render("github", make_report(tmp_path, [sneaky])).splitlines()
    assert [line for line in lines if line.startswith("::") and "injected" in line] == []


def test_github_counts_hidden_annotations(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    many = [finding("GA101", Severity.ERROR, PLAIN, n, f"shot-{n}") for n in range(1, 12)]
    many.append(finding("GA201", Severity.WARNING, PLAIN, 20, "shot-20"))
    lines = render("github", make_report(tmp_path, many)).splitlines()
    assert sum(line.startswith("::error ") for line in lines) == 11
    assert lines[-2] == "11 errors, 1 warning in 2 manifests (7 assets)"
    assert "1 annotation (1 error) will not be displayed" in lines[-1]
    assert "SARIF" in lines[-1]

    few = render("github", make_report(tmp_path, many[1:])).splitlines()
    assert few[-1] == "10 errors, 1 warning in 2 manifests (7 assets)"
