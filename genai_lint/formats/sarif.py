"""SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.

One run. ``tool.driver.rules`` lists every rule the report knows, sorted by code (plus any
code a finding uses that the report does not describe), so ``ruleIndex`` always resolves.
Artifact URIs are relative to ``%SRCROOT%``, which ``originalUriBaseIds`` maps to the git top
level (else the project root); a delivered file outside it is relative to ``%DELIVERYROOT%``,
the delivery folder. ``partialFingerprints["genaiLint/v1"]`` never includes line numbers, so an alert keeps its
identity when lines move; ``primaryLocationLineHash`` is left for ``upload-sarif`` to compute.
Waived findings are reported with an ``inSource`` suppression carrying the waiver's reason.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from urllib.parse import quote

from genai_lint import __version__
from genai_lint.findings import Finding, Report, RuleInfo, Severity
from genai_lint.formats._common import FINGERPRINT_KEY, bounds, described, fingerprints, ordered
from genai_lint.safe_text import json_dumps

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/genai-lint/genai-lint"
SRCROOT = "%SRCROOT%"
DELIVERYROOT = "%DELIVERYROOT%"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
# GitHub truncates (or rejects) longer descriptions.
MAX_DESCRIPTION = 1024


def render(report: Report, color: bool = False) -> str:
    return json_dumps(sarif(report))


def sarif(report: Report) -> dict:
    """The SARIF log as a JSON-ready dict."""
    findings = ordered(report)
    rules = _rules(report, findings)
    index = {rule.code: i for i, rule in enumerate(rules)}
    results = [
        _result(finding, index[finding.code], fp, report.host_path(finding), _base_id(report, finding))
        for finding, fp in zip(findings, fingerprints(findings))
    ]
    invocation: dict = {"executionSuccessful": True}
    if report.notes:
        invocation["toolExecutionNotifications"] = [
            {"level": "note", "message": {"text": note}} for note in report.notes
        ]
    run: dict = {
        "tool": {
            "driver": {
                "name": "genai-lint",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": [_rule(rule) for rule in rules],
            }
        },
        "invocations": [invocation],
        "originalUriBaseIds": _bases(report),
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    if report.evaluation_date:
        run["properties"] = {"evaluationDate": report.evaluation_date}
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


def _rules(report: Report, findings: list[Finding]) -> list[RuleInfo]:
    rules = dict(report.rules)
    for finding in findings:
        if finding.code not in rules:
            rules[finding.code] = RuleInfo(
                finding.code, finding.name, finding.severity, finding.name, ""
            )
    return [rules[code] for code in sorted(rules)]


def _rule(rule: RuleInfo) -> dict:
    summary = rule.summary or rule.name or rule.code
    doc = rule.doc.strip() or summary
    return {
        "id": rule.code,
        "name": rule.name or rule.code,
        "shortDescription": {"text": _clip(summary)},
        "fullDescription": {"text": _clip(_first_paragraph(doc) or summary)},
        "help": {"text": doc, "markdown": doc},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
    }


def _bases(report: Report) -> dict:
    bases = {SRCROOT: {"uri": _root_uri(report.source_root or report.root)}}
    if _delivery_apart(report):
        bases[DELIVERYROOT] = {"uri": _root_uri(report.delivery_root)}
    return bases


def _delivery_apart(report: Report) -> bool:
    return report.delivery_root is not None and report.delivery_root != (report.source_root or report.root)


def _base_id(report: Report, finding: Finding) -> str:
    return DELIVERYROOT if finding.delivered and _delivery_apart(report) else SRCROOT


def _result(finding: Finding, rule_index: int, fingerprint: str, path: str, base_id: str) -> dict:
    line, column, end_line, end_column = bounds(finding)
    artifact = {"uri": _uri(path)}
    if not _is_absolute(path):
        artifact["uriBaseId"] = base_id
    result: dict = {
        "ruleId": finding.code,
        "ruleIndex": rule_index,
        "level": LEVELS[finding.severity],
        "message": {"text": described(finding)},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": artifact,
                    "region": {
                        "startLine": line,
                        "startColumn": column,
                        "endLine": end_line,
                        "endColumn": end_column,
                    },
                }
            }
        ],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
    }
    properties = _present(entryId=finding.entry_id, manifest=finding.manifest)
    if properties:
        result["properties"] = properties
    if finding.waived is not None:
        waiver = finding.waived
        suppression: dict = {
            "kind": "inSource",
            "status": "accepted",
            "justification": waiver.reason,
        }
        extra = _present(expires=waiver.expires, by=waiver.by)
        if extra:
            suppression["properties"] = extra
        result["suppressions"] = [suppression]
    return result


def _present(**values: str | None) -> dict[str, str]:
    return {key: value for key, value in values.items() if value is not None}


def _is_absolute(path: str) -> bool:
    """Only a POSIX absolute path: a delivered file named ``C:\\evil.png`` or ``\\\\server\\x`` is a
    relative name whose backslashes and colon are percent-encoded, never a drive or UNC URI."""
    return PurePosixPath(path).is_absolute()


def _uri(path: str) -> str:
    """A root-relative POSIX path as a URI reference; an absolute path as a ``file:`` URI."""
    # Percent-encode everything but unreserved characters and '/': spaces, '%', '#', '?', '\\',
    # and ':' (which would otherwise read as a scheme), non-ASCII as UTF-8.
    encoded = quote(path, safe="/", errors="backslashreplace")
    return "file://" + encoded if _is_absolute(path) else encoded


def _root_uri(root: Path) -> str:
    uri = Path(root).resolve().as_uri()
    return uri if uri.endswith("/") else uri + "/"


def _first_paragraph(doc: str) -> str:
    """The first paragraph of a markdown document that is not a heading."""
    paragraph: list[str] = []
    for line in doc.splitlines():
        text = line.strip()
        if text.startswith("#") or not text:
            if paragraph:
                break
            continue
        paragraph.append(text)
    return " ".join(paragraph)


def _clip(text: str) -> str:
    return text if len(text) <= MAX_DESCRIPTION else text[: MAX_DESCRIPTION - 1] + "…"
