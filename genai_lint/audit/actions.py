"""Outstanding actions: the open findings grouped by what must happen to clear the production.

Each group says what to do (obtain an approval for a scope, renew an approval before a date,
record a performer's consent, take assets out of the deliverables, fix a manifest ...) and lists
the findings behind it, each naming its entry (asset, tool or approval), rule and location. Legal-risk groups come first,
the most serious first; manifest hygiene (the ``M`` rules) is a section of its own.

A finding is attributed to the tool or approval it points at by position: the rules that judge
a tool or an approval point at the asset's reference to it (``tool: x`` or ``approvals: [x]``).
"""

from __future__ import annotations

from genai_lint.findings import Finding, Severity

#: Rules cleared by a written approval for one scope.
SCOPE_RULES = {"G102": "copyrighted-reference", "G401": "final-deliverable", "G502": "talent-performance",
               "A601": "proprietary-data", "A602": "artist-work-training", "A603": "key-creative",
               "A604": "public-figure"}

#: What must happen, in the order the report lists actions of the same severity.
KINDS = ("remove", "obtain-approval", "renew-approval", "record-consent", "tool", "license-inputs", "review-prompt",
         "confirm-approval", "disclose", "resolve", "fix-manifest")

TOOL_ACTIONS = {
    "G201": "Stop sending work to {tool} (it trains on what it is given or makes), or obtain terms that forbid it",
    "G202": "Stop sending work to {tool} (it retains inputs), or obtain terms that forbid it",
    "G203": "Obtain the contract or DPA clause that backs {tool}'s data-handling flags",
    "G301": "Move work from {tool} to an enterprise or local tool, or record why it is acceptable",
    "G302": "Take proprietary and personal data off {tool} (not enterprise or local)",
}


def is_hygiene(code: str) -> bool:
    """Manifest hygiene (the ``M`` rules) rather than legal risk."""
    return code.startswith("M")


def outstanding(findings: list[Finding], refs: dict[tuple[str, int, int], tuple[str, str]],
                approvals: dict[str, dict], assets: list[dict]) -> dict[str, list[dict]]:
    """``{"legal": [group...], "hygiene": [group...]}`` for the open ``findings``.

    ``refs`` maps ``(manifest, line, column)`` of an asset's tool or approval reference to
    ``("tool" | "approval", id)``; ``approvals`` and ``assets`` are the model's rows.
    """
    by_asset = {(asset["manifest"], asset["id"]): asset for asset in assets}
    groups: dict[tuple[str, str], dict] = {}
    for finding in findings:
        ref = refs.get((finding.path, finding.span.line, finding.span.column))
        kind, subject, title = _action(finding, ref, approvals, by_asset.get((finding.manifest, finding.entry_id)))
        group = groups.setdefault((kind, subject), {"action": kind, "subject": subject, "title": title,
                                                    "severity": str(finding.severity), "items": []})
        if Severity.parse(group["severity"]) < finding.severity:
            group["severity"] = str(finding.severity)
        group["items"].append(_item(finding))
    ordered = sorted(groups.values(), key=lambda g: (-Severity.parse(g["severity"]), KINDS.index(g["action"]),
                                                     g["subject"]))
    for group in ordered:
        group["entries"] = sorted({item["entry"] for item in group["items"] if item["entry"]})
    return {"legal": [g for g in ordered if g["action"] != "fix-manifest"],
            "hygiene": [g for g in ordered if g["action"] == "fix-manifest"]}


def _item(finding: Finding) -> dict:
    return {"entry": finding.entry_id, "code": finding.code, "name": finding.name, "severity": str(finding.severity),
            "message": finding.message, "path": finding.path, "line": finding.span.line}


def _action(finding: Finding, ref: tuple[str, str] | None, approvals: dict[str, dict],
            asset: dict | None) -> tuple[str, str, str]:
    """``(kind, subject, title)`` of what must happen to resolve ``finding``."""
    code = finding.code
    if is_hygiene(code):
        return "fix-manifest", finding.path, f"Fix the manifest {finding.path}"
    if code in SCOPE_RULES:
        scope = SCOPE_RULES[code]
        extra = ", or take the assets out of the deliverables" if code == "G401" else ""
        return "obtain-approval", scope, f"Obtain a written approval for scope {scope}{extra}"
    approval_id = ref[1] if ref is not None and ref[0] == "approval" else None
    if code in ("A605", "A606") and approval_id is not None:
        expires = (approvals.get(approval_id) or {}).get("expires") or "?"
        when = f"it expired on {expires}" if code == "A605" else f"before it expires on {expires}"
        return "renew-approval", approval_id, f"Renew approval {approval_id} ({when})"
    if code == "A607" and approval_id is not None:
        granted = (approvals.get(approval_id) or {}).get("granted_on") or "?"
        return ("confirm-approval", approval_id,
                f"Confirm approval {approval_id} (granted {granted}) covers the work done before it")
    tool_id = ref[1] if ref is not None and ref[0] == "tool" else None
    if code == "G203":  # reported on the tool's own entry
        tool_id = finding.entry_id
    if code == "G302" and asset is not None:  # reported at the input: the tool is the asset's one outside
        outside = [tool["id"] for tool in asset["tools"] if tool["environment"] not in ("enterprise", "local")]
        tool_id = outside[0] if len(outside) == 1 else None
    if code in TOOL_ACTIONS:
        tool = f"tool {tool_id}" if tool_id else "the asset's tool"
        return "tool", f"{tool_id or ''} {code}", TOOL_ACTIONS[code].format(tool=tool)
    if code == "G501":
        performer = (asset or {}).get("talent", {}) or {}
        performer = performer.get("name") or "the performer"
        return "record-consent", performer, f"Record the consent of {performer}"
    if code == "X701":
        return "remove", code, "Remove from the production and its deliverables: generated material " \
                               "depicting real events is forbidden"
    if code == "G101":
        return "license-inputs", code, "License or replace inputs that are not owned or licensed"
    if code == "G103":
        return "review-prompt", code, "Review prompts that name protected work or people, or obtain a " \
                                      "copyrighted-reference or public-figure approval"
    if code == "G001":
        return "disclose", code, "Report the use to the studio contact and record disclosed_on"
    return "resolve", code, f"Resolve {code} {finding.name}"
