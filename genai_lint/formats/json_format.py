"""Machine-readable JSON. The shape is documented in the README and stable within version 1:

``{"version": 1, "tool": {...}, "root", "evaluation_date", "findings": [...], "summary": {...}}``,
each finding with code, name, severity, message, path, line, column, end_line, end_column,
entry_id, manifest, fix and waived (``null`` or ``{reason, expires, by}``). Paths are relative
to the project root, in POSIX form; the gate's findings about delivered files (``"delivered":
true``) have paths relative to ``delivery_root`` (the delivery's git top level, else the delivery
folder).
"""

from __future__ import annotations


from genai_lint import __version__
from genai_lint.findings import Finding, Report, Severity
from genai_lint.safe_text import json_dumps


def finding_dict(finding: Finding) -> dict:
    span = finding.span
    waived = finding.waived
    return {
        "code": finding.code, "name": finding.name, "severity": str(finding.severity), "message": finding.message,
        "path": finding.path, "line": span.line, "column": span.column, "end_line": span.end_line,
        "end_column": span.end_column, "entry_id": finding.entry_id, "manifest": finding.manifest,
        "fix": finding.fix,
        "waived": None if waived is None else {"reason": waived.reason, "expires": waived.expires, "by": waived.by},
    }


def _gate_fields(report: Report, finding: Finding, fields: dict) -> dict:
    """``fields``, with ``delivered`` in a gate report (whose delivered-file paths are relative to ``delivery_root``)."""
    if report.delivery_root is not None:
        fields["delivered"] = finding.delivered
    return fields


def render(report: Report, color: bool = False) -> str:
    counts = report.counts()
    document = {
        "version": 1,
        "tool": {"name": "genai-lint", "version": __version__},
        "command": report.command,
        "root": str(report.root),
        **({"delivery_root": str(report.delivery_root)} if report.delivery_root is not None else {}),
        "evaluation_date": report.evaluation_date,
        "findings": [_gate_fields(report, finding, finding_dict(finding)) for finding in report.findings],
        "summary": {
            "errors": counts[Severity.ERROR], "warnings": counts[Severity.WARNING], "infos": counts[Severity.INFO],
            "waived": len(report.waived), "manifests": report.manifests, "assets": report.assets,
            "failed": report.failed, "text": report.summary(),
        },
    }
    return json_dumps(document)
