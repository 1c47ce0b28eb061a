"""GitLab Code Quality report: a JSON list of Code Climate-style issues.

Each active finding becomes ``{type, description, check_name, fingerprint, severity,
location: {path, lines: {begin}}}``. The fingerprint is a sha256 hex digest of the rule code,
manifest and entry id (never line numbers), made unique within the report. Severity maps
info → ``info``, warning → ``minor``, error → ``major``. Paths are relative to the git top
level (else the project root; a delivered file's, to the delivery folder).
Waived findings are left out: GitLab has no notion of an accepted issue.
"""

from __future__ import annotations


from genai_lint.findings import Report, Severity
from genai_lint.formats._common import described, fingerprints, ordered
from genai_lint.safe_text import json_dumps

SEVERITIES = {Severity.INFO: "info", Severity.WARNING: "minor", Severity.ERROR: "major"}


def render(report: Report, color: bool = False) -> str:
    findings = [finding for finding in ordered(report) if finding.waived is None]
    issues = [
        {
            "type": "issue",
            "description": f"{finding.code} {finding.name}: {described(finding)}",
            "check_name": finding.code,
            "fingerprint": fingerprint,
            "severity": SEVERITIES[finding.severity],
            "location": {"path": report.host_path(finding), "lines": {"begin": max(1, finding.span.line)}},
        }
        for finding, fingerprint in zip(findings, fingerprints(findings))
    ]
    return json_dumps(issues)
