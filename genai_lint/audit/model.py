"""The audit report's model: a verdict, what is outstanding, and every asset, tool and approval.

:func:`collect` runs the same pipeline as ``check`` (discovery, loading, rules, waivers) for each
production named and keeps the loaded production as well as its findings; :func:`build` turns them
into plain, JSON-ready data. The renderers (:mod:`genai_lint.audit.json`,
:mod:`genai_lint.audit.markdown`, :mod:`genai_lint.audit.html`) read only that model, so the three
formats always agree. Its shape is published as a JSON Schema (``genai-lint schema --audit``,
``genai_lint/schemas/audit-report.schema.json``).

Reproducible and private: the model holds no wall-clock time and no absolute path. A production is
named by its folder relative to the productions' common folder (``.`` for one production), and any
absolute root path inside a message is rewritten the same way, so the same manifests,
configuration, genai-lint version and ``--date`` give the same bytes from any folder.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any

from genai_lint import __version__
from genai_lint.containment import OutsideRoot
from genai_lint.context import parse_date
from genai_lint.findings import Finding, Report, Severity
from genai_lint.formats.json_format import finding_dict
from genai_lint.project import Entry, Manifest, Project, relative

FORMAT_VERSION = 2

#: Guideline families by code prefix, in the order the report lists them.
FAMILIES: tuple[tuple[str, str, str], ...] = (
    ("G0", "Disclosure", "Every generative-AI use is reported to the studio contact."),
    ("G1", "Rights and copyright", "Inputs are owned or licensed; outputs do not copy protected work, "
                                   "names or likenesses without permission."),
    ("G2", "Data handling", "Tools do not train on, keep or reuse what the production sends them or gets back."),
    ("G3", "Enterprise tools", "Tools run in enterprise-secured or local environments; proprietary data stays there."),
    ("G4", "Final deliverables", "Generated material stays temporary unless a written approval covers its "
                                 "use in the deliverables."),
    ("G5", "Talent and performance", "A performer's likeness, voice or performance needs their consent and "
                                     "written approval."),
    ("A6", "Written approvals", "Proprietary data, training on others' work, key creative elements and "
                                "public figures need a written approval in force."),
    ("X7", "Forbidden uses", "Nothing generated may pass for real events, people or quotes."),
    ("M0", "Manifest integrity", "The manifests are valid, consistent, and match the files they describe."),
)

STATUS_LIVE, STATUS_EXPIRING, STATUS_EXPIRED, STATUS_NOT_YET = "live", "expiring", "expired", "not yet granted"
CLEARED, NOT_CLEARED, INCOMPLETE = "cleared", "not cleared", "incomplete"
VERDICT_ORDER = (CLEARED, INCOMPLETE, NOT_CLEARED)
PORTFOLIO_DAYS = 30  # the portfolio counts approvals expiring within this many days
SUMMARY_KEYS = ("manifests", "manifests_not_audited", "assets", "final_assets", "tools", "approvals",
                "approvals_live", "approvals_expiring", "approvals_expired", "approvals_not_yet_granted",
                "open_findings", "errors", "warnings", "infos", "waived", "assets_with_open_findings")


def family_of(code: str) -> str:
    """The guideline family of a rule code: its letter and first digit, e.g. ``G2`` for G201."""
    return code[:2]


# Collecting ---------------------------------------------------------------------------------


def collect(paths: list[str], overrides: dict[str, Any], config: Path | None = None) -> dict:
    """The audit model for the productions named by ``paths`` (``check``'s path semantics).

    A folder that is not itself a production but holds several (each with its own configuration
    file) stands for all of them: the studio-wide view.
    """
    from genai_lint.engine import evaluate_project, settings_for, targets, without_gc

    with without_gc():
        evaluated = []
        for target in targets(_productions(paths), config):
            project, report = evaluate_project(target, settings_for(target, overrides))
            evaluated.append((project, report, target.config))
        return build(evaluated)


def _productions(paths: list[str]) -> list[str]:
    """``paths`` with each folder that holds several productions (and is none) replaced by them."""
    from genai_lint.config import Settings
    from genai_lint.project import discover, find_root, nested_projects

    result = []
    for raw in paths or ["."]:
        folder = Path(raw)
        if folder.is_dir() and find_root(folder.resolve())[1] is None:
            nested = nested_projects(folder)
            if nested:
                if discover(folder.resolve(), Settings()):  # manifests of its own too: nothing is left out
                    result.append(raw)
                result += [str(path) for path in nested]
                continue
        result.append(raw)
    return result if paths or result != ["."] else []


def build(evaluated: list[tuple[Project, Report, Path | None]]) -> dict:
    """The model from ``(project, report, configuration file)`` per project root."""
    names = _names([project.root for project, _, _ in evaluated])
    projects = [_private_project(_project(project, report, config, name), project.root, name)
                for (project, report, config), name in zip(evaluated, names)]
    dates = sorted({project.settings.date.isoformat() for project, _, _ in evaluated})
    codes = sorted({finding.code for _, report, _ in evaluated for finding in report.findings})
    rules = evaluated[0][1].rules if evaluated else {}
    return {
        "report": "genai-lint audit",
        "format_version": FORMAT_VERSION,
        "tool": {"name": "genai-lint", "version": __version__},
        "evaluation_date": dates[0] if dates else "",
        "verdict": max((p["verdict"]["state"] for p in projects), key=VERDICT_ORDER.index, default=INCOMPLETE),
        "portfolio": [_portfolio_row(project) for project in projects],
        "summary": {key: sum(p["summary"][key] for p in projects) for key in SUMMARY_KEYS},
        "projects": projects,
        "rules": [{"code": code, "name": rules[code].name, "severity": str(rules[code].severity),
                   "summary": rules[code].summary, "doc": rules[code].doc} for code in codes if code in rules],
    }


def _names(roots: list[Path]) -> list[str]:
    """Each root relative to the roots' common folder (``.`` for that folder itself)."""
    import os

    if len(roots) == 1:
        return ["."]
    common = Path(os.path.commonpath([str(root) for root in roots]))
    return [relative(root, common) or "." for root in roots]


def _private_project(project: dict, root: Path, name: str) -> dict:
    """The project's model with no absolute root in it (one C-speed scan when there is none, as usual)."""
    import json

    return _private(project, root, name) if str(root) in json.dumps(project, ensure_ascii=False) else project


def _private(value: Any, root: Path, name: str) -> Any:
    """``value`` with the absolute ``root`` in any string replaced by the production's ``name``."""
    if isinstance(value, dict):
        return {key: _private(item, root, name) for key, item in value.items()}
    if isinstance(value, list):
        return [_private(item, root, name) for item in value]
    if isinstance(value, str) and str(root) in value:
        return value.replace(str(root) + "/", "" if name == "." else name + "/").replace(str(root), name)
    return value


def _portfolio_row(project: dict) -> dict:
    summary = project["summary"]
    expiring = sum(1 for approval in project["approvals"]
                   if approval["days_to_expiry"] is not None and 0 <= approval["days_to_expiry"] <= PORTFOLIO_DAYS)
    return {"name": project["name"], "production": project["production"]["id"],
            "title": project["production"]["title"], "verdict": project["verdict"]["state"],
            "assets": summary["assets"], "final_assets": summary["final_assets"], "open_errors": summary["errors"],
            "approvals_expiring_soon": expiring}


def _project(project: Project, report: Report, config: Path | None, name: str) -> dict:
    from genai_lint.audit.actions import outstanding

    date, expiring_days = project.settings.date, project.settings.expiring_days
    audited = [manifest for manifest in project.manifests if manifest.requested]
    assets_in = [asset for asset in project.assets if asset.manifest.requested]
    open_by_entry = _attach(project, report.active)
    assets = [_asset(asset, project, report, open_by_entry, date, expiring_days) for asset in assets_in]
    users: dict[str, list[dict]] = {}  # assets by the tools they use and the approvals they list
    relying: dict[str, list[dict]] = {}
    for asset in assets:
        for tool_id in dict.fromkeys(tool["id"] for tool in asset["tools"]):
            users.setdefault(tool_id, []).append(asset)
        for approval_id in dict.fromkeys(clearance["approval"] for clearance in asset["clearances"]):
            relying.setdefault(approval_id, []).append(asset)
    tools = [_tool(entry, users.get(entry.id or "", []), open_by_entry) for entry in project.tools.values()
             if entry.manifest.requested or entry.id in users]
    approvals = [_approval(entry, relying.get(entry.id or "", []), open_by_entry, date, expiring_days)
                 for entry in project.approvals.values()
                 if entry.manifest.requested or entry.id in relying]
    production_ids = sorted({m.production_id for m in project.manifests if m.production_id is not None})
    statuses = Counter(approval["status"] for approval in approvals)
    severities = Counter(str(finding.severity) for finding in report.active)
    unread = [manifest for manifest in audited if manifest.error is not None]
    summary = {
        "manifests": len(audited), "manifests_not_audited": len(unread), "assets": len(assets),
        "final_assets": sum(1 for a in assets if a["final"]), "tools": len(tools), "approvals": len(approvals),
        "approvals_live": statuses[STATUS_LIVE], "approvals_expiring": statuses[STATUS_EXPIRING],
        "approvals_expired": statuses[STATUS_EXPIRED], "approvals_not_yet_granted": statuses[STATUS_NOT_YET],
        "open_findings": len(report.active), "errors": severities["error"], "warnings": severities["warning"],
        "infos": severities["info"], "waived": len(report.waived),
        "assets_with_open_findings": sum(1 for a in assets if a["open_findings"]),
    }
    refs = _references(assets_in)
    pointing: dict[str, list[dict]] = {}  # the findings that point at an asset's reference to an approval
    for finding in report.active:
        kind, target = refs.get((finding.path, finding.span.line, finding.span.column), ("", ""))
        if kind == "approval":
            pointing.setdefault(target, []).append({"asset": finding.entry_id, **_brief([finding])[0]})
    for approval in approvals:
        approval["asset_findings"] = pointing.get(approval["id"] or "", [])
    return {
        "name": name,
        "config": None if config is None else {"path": relative(config, project.root), "sha256": _sha256(config)},
        "expiring_days": expiring_days,
        "fail_on": str(project.settings.fail_on),
        "checked_files": project.settings.check_files,
        "production": _production(project.manifests),
        "production_ids": production_ids,
        "verdict": _verdict(project, report, unread, assets, date),
        "actions": outstanding(report.active, refs, {approval["id"]: approval for approval in approvals}, assets),
        "manifests": [_manifest(manifest) for manifest in project.manifests],
        "tools": tools,
        "approvals": approvals,
        "assets": assets,
        "breakdown": _breakdown(assets),
        "open_risks": _open_risks(report.active),
        "accepted_risks": [finding_dict(finding) for finding in report.waived],
        "summary": summary,
    }


def _verdict(project: Project, report: Report, unread: list[Manifest], assets: list[dict], date: dt.date) -> dict:
    """``{state, reasons, date}``: cleared, not cleared or incomplete, with one sentence per reason.

    Open findings at or above ``fail-on`` make it "not cleared", except the one that says a
    manifest could not be read: that manifest was not audited, which makes the report incomplete.
    """
    unread_paths = {manifest.rel for manifest in unread}
    blocking = [f for f in report.active if f.severity >= project.settings.fail_on and f.path not in unread_paths]
    reasons = []
    if blocking:
        asset_ids = {asset["id"] for asset in assets}
        on_assets = len({(f.manifest, f.entry_id) for f in blocking if f.entry_id in asset_ids})
        reasons.append(f"{plural(len(blocking), 'open finding')} at or above {project.settings.fail_on} severity "
                       f"({plural(on_assets, 'asset')} concerned) must be resolved or waived in writing.")
    for manifest in unread:
        reasons.append(f"The manifest {manifest.rel} could not be read, so its assets were not audited "
                       f"({manifest.error.message if manifest.error else 'unreadable'}).")
    if not project.settings.check_files:
        reasons.append("Asset files were not checked (--no-files): their existence and sha256 are unverified.")
    if blocking:
        state = NOT_CLEARED
    elif unread or not project.settings.check_files:
        state = INCOMPLETE
    else:
        state = CLEARED
        others = len(report.active)
        reasons.append(f"No open finding at or above {project.settings.fail_on} severity on "
                       f"{plural(len(assets), 'asset')}" + (f"; {plural(others, 'lesser finding')} remain listed "
                                                           "under outstanding actions." if others else "."))
    return {"state": state, "reasons": reasons, "date": date.isoformat()}


def _references(assets: list[Entry]) -> dict[tuple[str, int, int], tuple[str, str]]:
    """Where each asset names a tool or an approval: ``(manifest, line, column)`` to ``(kind, id)``."""
    refs: dict[tuple[str, int, int], tuple[str, str]] = {}
    for asset in assets:
        document = asset.manifest.document
        if document is None:
            continue
        tool, listed = asset.get("tool"), asset.get("approvals")
        named = [(("tool",), "tool", tool)] if isinstance(tool, str) else []
        named += [(("tool", i), "tool", item) for i, item in enumerate(tool)] if isinstance(tool, list) else []
        named += [(("approvals", i), "approval", item) for i, item in enumerate(listed)] \
            if isinstance(listed, list) else []
        for path, kind, value in named:
            if isinstance(value, str):
                span = document.span(asset.path + path)
                refs[(asset.manifest.rel, span.line, span.column)] = (kind, value)
    return refs


def _production(manifests: list[Manifest]) -> dict:
    for manifest in manifests:
        production = manifest.data.get("production")
        if isinstance(production, dict):
            return {key: text(production.get(key)) for key in ("id", "title", "company", "contact")}
    return {"id": None, "title": None, "company": None, "contact": None}


def _sha256(path: Path) -> str | None:
    from genai_lint.hashing import sha256_file

    try:
        return sha256_file(path)
    except OSError:
        return None


def _manifest(manifest: Manifest) -> dict:
    data = manifest.data
    if not manifest.requested:
        status = "loaded for references"
    else:
        status = "not audited" if manifest.error is not None else "audited"
    return {
        "path": manifest.rel, "sha256": None if isinstance(manifest.error, OutsideRoot) else _sha256(manifest.path),
        "status": status,
        "production_id": manifest.production_id,
        **{register: len(data[register]) if isinstance(data.get(register), list) else 0
           for register in ("assets", "tools", "approvals")},
        "error": manifest.error.message if manifest.error is not None else None,
    }


def _attach(project: Project, findings: list[Finding]) -> dict[int, list[Finding]]:
    """Open findings by the entry (``id()`` of its :class:`Entry`) they concern.

    A finding belongs to the asset, tool or approval whose text holds its position, so one on an
    entry whose id broke the schema still lands there; failing that, to the entry its id names.
    Findings about no entry (a file that does not parse, a production id that differs) are
    listed under their guideline family only.
    """
    extents: dict[str, list[tuple[int, int, Entry]]] = {}
    by_id: dict[tuple[str, str], Entry] = {}
    for entry in [*project.assets, *project.tools.values(), *project.approvals.values()]:
        extents.setdefault(entry.manifest.rel, []).append((*_extent(entry), entry))
        if entry.id is not None:
            by_id.setdefault((entry.manifest.rel, entry.id), entry)
    for rows in extents.values():
        rows.sort(key=lambda row: row[0])
    starts = {rel: [row[0] for row in rows] for rel, rows in extents.items()}
    attached: dict[int, list[Finding]] = {}
    for finding in findings:
        rows, line = extents.get(finding.path, []), finding.span.line
        index = bisect.bisect_right(starts.get(finding.path, []), line) - 1
        entry = rows[index][2] if index >= 0 and rows[index][1] >= line else None
        entry = entry or by_id.get((finding.manifest or "", finding.entry_id or ""))
        if entry is not None:
            attached.setdefault(id(entry), []).append(finding)
    return attached


def _extent(entry: Entry) -> tuple[int, int]:
    """The first and last line of the entry in its manifest."""
    document = entry.manifest.document
    if document is None:
        return 1, 1
    span = document.extent(entry.path)
    return span.line, span.end_line


def _line(entry: Entry) -> int:
    return _extent(entry)[0]


def _brief(findings: list[Finding]) -> list[dict]:
    return [{"code": f.code, "name": f.name, "severity": str(f.severity), "message": f.message, "line": f.span.line}
            for f in findings]


def _rollup(assets: list[dict]) -> list[dict]:
    """The open findings of ``assets`` by rule: ``[{code, name, severity, count, assets}]``, worst first."""
    by_code: dict[str, dict] = {}
    for asset in assets:
        for finding in asset["open_findings"]:
            row = by_code.setdefault(finding["code"], {"code": finding["code"], "name": finding["name"],
                                                       "severity": finding["severity"], "count": 0, "assets": []})
            row["count"] += 1
            if asset["id"] not in row["assets"]:
                row["assets"].append(asset["id"])
    return sorted(by_code.values(), key=lambda row: (-Severity.parse(row["severity"]), row["code"]))


def _tool(entry: Entry, users: list[dict], open_by_entry: dict[int, list[Finding]]) -> dict:
    return {
        "id": entry.id, **{key: text(entry.get(key)) for key in ("name", "vendor", "version", "environment")},
        "data_handling": _data_handling(entry), "data_handling_label": data_handling_label(_data_handling(entry)),
        "manifest": entry.manifest.rel, "line": _line(entry),
        "assets": [asset["id"] for asset in users],
        "open_findings": _brief(open_by_entry.get(id(entry), [])),
        "asset_findings": _rollup(users),
    }


def _data_handling(tool: Entry) -> dict | None:
    handling = tool.get("data_handling")
    if not isinstance(handling, dict):
        return None
    flags = {key: handling.get(key) if isinstance(handling.get(key), bool) else None
             for key in ("trains_on_inputs", "trains_on_outputs", "retains_inputs")}
    return {**flags, "evidence": text(handling.get("evidence"))}


def data_handling_label(handling: dict | None) -> str:
    """A short reading of a tool's data-handling flags, e.g. ``no training, no retention``."""
    if handling is None:
        return "not declared"
    trains = [side for side in ("inputs", "outputs") if handling.get(f"trains_on_{side}")]
    unknown = [key for key in ("trains_on_inputs", "trains_on_outputs", "retains_inputs") if handling.get(key) is None]
    parts = [f"trains on {' and '.join(trains)}" if trains else "no training",
             "retains inputs" if handling.get("retains_inputs") else "no retention"]
    if unknown:
        parts.append(f"{len(unknown)} flag{'s' if len(unknown) > 1 else ''} undeclared")
    if not handling.get("evidence"):
        parts.append("no evidence")
    return ", ".join(parts)


def approval_status(entry: Entry, date: dt.date, expiring_days: int) -> tuple[str, int | None]:
    """``(live | expiring | expired | not yet granted, days until expiry)`` of an approval on ``date``."""
    expires = parse_date(entry.get("expires"))
    days = None if expires is None else (expires - date).days
    granted = parse_date(entry.get("granted_on"))
    if granted is not None and granted > date:
        return STATUS_NOT_YET, days
    if days is None:
        return STATUS_LIVE, None
    if days < 0:
        return STATUS_EXPIRED, days
    return (STATUS_EXPIRING if days <= expiring_days else STATUS_LIVE), days


def _approval(entry: Entry, relying: list[dict], open_by_entry: dict[int, list[Finding]], date: dt.date,
              expiring_days: int) -> dict:
    status, days = approval_status(entry, date, expiring_days)
    return {
        "id": entry.id, "scopes": strings(entry.get("scopes")),
        **{key: text(entry.get(key)) for key in ("granted_by", "granted_on", "expires", "reference")},
        "status": status, "days_to_expiry": days, "manifest": entry.manifest.rel, "line": _line(entry),
        "assets": [asset["id"] for asset in relying],
        "open_findings": _brief(open_by_entry.get(id(entry), [])),
    }


def _asset(asset: Entry, project: Project, report: Report, open_by_entry: dict[int, list[Finding]], date: dt.date,
           expiring_days: int) -> dict:
    data = asset.data
    tool_value = data.get("tool")
    tool_ids = [tool_value] if isinstance(tool_value, str) else strings(tool_value)
    tools = []
    for tool_id in tool_ids:
        entry = project.tools.get(tool_id)
        handling = _data_handling(entry) if entry is not None else None
        tools.append({"id": tool_id, "known": entry is not None,
                      "name": text(entry.get("name")) if entry is not None else None,
                      "environment": text(entry.get("environment")) if entry is not None else None,
                      "data_handling": handling,
                      "data_handling_label": data_handling_label(handling) if entry is not None else "unknown tool"})
    clearances = []
    for approval_id in strings(data.get("approvals")):
        entry = project.approvals.get(approval_id)
        status = approval_status(entry, date, expiring_days)[0] if entry is not None else "unknown"
        clearances.append({"approval": approval_id, "known": entry is not None,
                           "scopes": strings(entry.get("scopes")) if entry is not None else [], "status": status})
    open_findings = sorted(open_by_entry.get(id(asset), []), key=lambda f: (f.code, f.sort_key))
    deliverable = data.get("deliverable") if isinstance(data.get("deliverable"), bool) else None
    prompts = [data["prompt"]] if isinstance(data.get("prompt"), str) else []
    prompts += [p for p in data.get("prompts") or [] if isinstance(p, str)] if isinstance(data.get("prompts"), list) else []
    talent = data.get("talent")
    return {
        "id": text(data.get("id")), "manifest": asset.manifest.rel, "line": _line(asset),
        **{key: text(data.get(key)) for key in ("path", "sha256", "media", "purpose")},
        "deliverable": deliverable, "final": deliverable is True or data.get("purpose") == "final",
        "tools": tools,
        **{key: text(data.get(key)) for key in ("created", "created_by", "disclosed_on")},
        "prompts": prompts,
        "inputs": [{key: text(item.get(key)) for key in ("ref", "source", "use", "license")}
                   for item in data.get("inputs") or [] if isinstance(item, dict)]
        if isinstance(data.get("inputs"), list) else [],
        "content": strings(data.get("content")),
        "talent": {"name": text(talent.get("name")), "union_covered": talent.get("union_covered")
                   if isinstance(talent.get("union_covered"), bool) else None, "consent": text(talent.get("consent"))}
        if isinstance(talent, dict) else None,
        "clearances": clearances,
        "cleared_scopes": sorted({scope for c in clearances if c["status"] in (STATUS_LIVE, STATUS_EXPIRING)
                                  for scope in c["scopes"]}),
        "waivers": _waivers(asset, report, date),
        "open_findings": _brief(open_findings),
        "risk": str(max(f.severity for f in open_findings)) if open_findings else "none",
    }


def _waivers(asset: Entry, report: Report, date: dt.date) -> list[dict]:
    waivers = asset.data.get("waivers")
    if not isinstance(waivers, list):
        return []
    applied = Counter(f.code for f in report.waived if f.manifest == asset.manifest.rel and f.entry_id == asset.id)
    result = []
    for waiver in waivers:
        if not isinstance(waiver, dict):
            continue
        rule, expires = text(waiver.get("rule")), parse_date(waiver.get("expires"))
        if expires is not None and expires < date:
            status = "expired"
        else:
            status = "applied" if applied.get(rule or "") else "unused"
        result.append({"rule": rule, "reason": text(waiver.get("reason")), "expires": text(waiver.get("expires")),
                       "by": text(waiver.get("by")), "status": status})
    return result


def _breakdown(assets: list[dict]) -> dict[str, dict[str, int]]:
    def ranked(counter: Counter) -> dict[str, int]:
        return dict(sorted(counter.items(), key=lambda item: (-item[1], item[0])))

    return {
        "tool": ranked(Counter(tool["id"] for asset in assets for tool in asset["tools"])
                       + Counter("(none)" for asset in assets if not asset["tools"])),
        "media": ranked(Counter(asset["media"] or "(none)" for asset in assets)),
        "purpose": ranked(Counter(asset["purpose"] or "(none)" for asset in assets)),
        "deliverable_status": ranked(Counter(deliverable_status(asset) for asset in assets)),
    }


def deliverable_status(asset: dict) -> str:
    """``final, cleared`` / ``final, not cleared`` / ``temporary``: where an asset stands for delivery."""
    if not asset["final"]:
        return "temporary"
    return "final, cleared" if "final-deliverable" in asset["cleared_scopes"] else "final, not cleared"


def _open_risks(findings: list[Finding]) -> list[dict]:
    known = {prefix for prefix, _, _ in FAMILIES}
    families = list(FAMILIES) + sorted({(family_of(f.code), f"Other ({family_of(f.code)})", "")
                                        for f in findings if family_of(f.code) not in known})
    result = []
    for prefix, title, guideline in families:
        mine = [f for f in findings if family_of(f.code) == prefix]
        severities = Counter(f.severity for f in mine)
        result.append({"family": prefix, "title": title, "guideline": guideline, "count": len(mine),
                       "errors": severities[Severity.ERROR], "warnings": severities[Severity.WARNING],
                       "infos": severities[Severity.INFO], "findings": [finding_dict(f) for f in mine]})
    return result


# Shared by the renderers ---------------------------------------------------------------------

DASH = "—"


def idle_waivers(project: dict) -> list[tuple[dict, dict]]:
    """``(asset, waiver)`` for every waiver that waives nothing on the evaluation date."""
    return [(asset, waiver) for asset in project["assets"] for waiver in asset["waivers"] if waiver["status"] != "applied"]


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def yes_no(value: bool | None) -> str:
    return DASH if value is None else ("yes" if value else "no")


# Values from untrusted manifests -------------------------------------------------------------


def text(value: Any) -> str | None:
    """A manifest scalar as text (``None`` when missing or not a scalar); never a container."""
    if value is None or isinstance(value, (dict, list)):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def strings(value: Any) -> list[str]:
    """The text items of a manifest list (anything else gives an empty list)."""
    if not isinstance(value, list):
        return []
    return [item for item in (text(v) for v in value) if item is not None]
