"""Hover: a finding's rule documentation, a key's schema description, a tool's or approval's summary."""

from __future__ import annotations

from genai_lint.findings import Finding, RuleInfo
from genai_lint.lsp import schema_docs
from genai_lint.lsp.completion import REFERENCES
from genai_lint.project import Project


def finding_doc(finding: Finding, rule: RuleInfo | None) -> str:
    """The finding's message and its rule's doc (What it checks / Why / Example / Fix)."""
    head = f"**{finding.code} {finding.name}** ({finding.severity}): {finding.message}"
    if finding.fix:
        head += f"\n\nFix: {finding.fix}"
    if finding.waived is not None:
        head += f"\n\nWaived: {finding.waived.reason}"
    return head + (f"\n\n---\n\n{rule.doc}" if rule is not None else "")


def key_doc(path: tuple) -> str | None:
    """The schema's description of the field at ``path``."""
    text = schema_docs.description(path)
    return f"**{path[-1]}**: {text}" if text else None


def reference_doc(path: tuple, value: object, project: Project | None) -> str | None:
    """For a tool or approval id (a reference in an asset, or the register entry's own ``id``), its summary."""
    if project is None or not isinstance(value, str):
        return None
    if path and path[-1] == "id" and len(path) == 3 and path[0] in ("tools", "approvals"):
        register = path[0]
    else:
        steps = [step for step in path if isinstance(step, str)]
        register = REFERENCES.get(steps[-1]) if len(steps) == 2 and steps[0] == "assets" else None
    entry = getattr(project, register).get(value) if register else None
    if entry is None:
        return None
    return (tool_summary if register == "tools" else approval_summary)(value, entry.data)


def tool_summary(tool_id: str, data: dict) -> str:
    handling = data.get("data_handling") if isinstance(data.get("data_handling"), dict) else {}
    facts = ", ".join(f"{key} {'yes' if value else 'no'}" for key, value in handling.items() if isinstance(value, bool))
    lines = [f"**tool {tool_id}**: {data.get('name', '')}",
             f"- environment: {data.get('environment', 'not stated')}",
             f"- data handling: {facts or 'not stated'}"]
    if handling.get("evidence"):
        lines.append(f"- evidence: {handling['evidence']}")
    return "\n".join(lines)


def approval_summary(approval_id: str, data: dict) -> str:
    scopes = data.get("scopes")
    return "\n".join([f"**approval {approval_id}**: {data.get('reference', '')}",
                      f"- scopes: {', '.join(map(str, scopes)) if isinstance(scopes, list) else 'none'}",
                      f"- granted: {data.get('granted_on', '?')} by {data.get('granted_by', '?')}",
                      f"- expires: {data.get('expires', 'never')}"])
