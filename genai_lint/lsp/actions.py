"""Quick fixes, each an edit of the buffer that keeps comments and layout (the splices ``hash`` makes).

* fill or refresh ``sha256`` for the asset under the cursor;
* add the approval from the register that carries the scope a finding says is missing;
* quote a value that broke the YAML (a prompt with ``: `` in it);
* add a waiver skeleton whose ``reason:`` is left for the user to write.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from genai_lint.edit import EditError, Editor, Source, double_quoted
from genai_lint.findings import Finding
from genai_lint.loader import LoadError
from genai_lint.project import Entry, Project

MISSING_SCOPE = {"A601": "proprietary-data", "A602": "artist-work-training", "A603": "key-creative",
                 "A604": "public-figure", "G102": "copyrighted-reference", "G401": "final-deliverable",
                 "G502": "talent-performance"}
"""The approval scope each rule says an asset lacks (the scope its ``ctx.cleared`` call asks for)."""

_PLAIN_VALUE = re.compile(r"^(\s*(?:-\s+)?[\w.-]+:[ \t]+)([^\s'\"\[{|>&*!#].*?)[ \t]*(#.*)?$")

if TYPE_CHECKING:
    from genai_lint.context import Context

Splice = tuple[int, int, str]


@dataclass
class Fix:
    title: str
    splices: list[Splice]
    finding: Finding | None = None
    preferred: bool = False


def fixes(path: Path, text: str, project: Project | None, findings: list[Finding], line: int) -> list[Fix]:
    """The quick fixes for the 1-based ``line`` of the buffer ``text`` of the manifest at ``path``."""
    here = [finding for finding in findings if finding.span.line <= line <= finding.span.end_line]
    result: list[Fix] = [fix for finding in here if finding.code == "M001" for fix in _quote(text, finding)]
    asset = _asset_at(project, path, findings, here)
    if asset is None:
        return result
    from genai_lint.context import Context

    ctx = Context(project)
    for finding in here:
        scope = MISSING_SCOPE.get(finding.code)
        if scope and finding.entry_id == asset.id:
            result.extend(_add_approval(path, text, asset, scope, ctx, finding))
    result.extend(_fill_sha256(path, text, asset, ctx, [f for f in here if f.code in ("M008", "M012")]))
    for finding in here:
        if finding.entry_id == asset.id and finding.waived is None and finding.code[0] != "M":
            result.extend(_waiver(path, text, asset, finding))
    return result


def _asset_at(project: Project | None, path: Path, findings: list[Finding], here: list[Finding]) -> Entry | None:
    if project is None:
        return None
    ids = {finding.entry_id for finding in here if finding.entry_id}
    for asset in project.assets:
        if asset.manifest.path == path and asset.id in ids:
            return asset
    return None


def _quote(text: str, finding: Finding) -> list[Fix]:
    """``key: a value: with a colon`` becomes ``key: "a value: with a colon"``."""
    starts = _line_starts(text)
    for number in (finding.span.line - 1, finding.span.line - 2):  # libyaml points at or after the line
        if number < 0 or number >= len(starts):
            continue
        start = starts[number]
        end = text.find("\n", start)
        line = text[start:end if end >= 0 else len(text)].rstrip("\r")
        match = _PLAIN_VALUE.match(line)
        if match and (": " in match.group(2) or match.group(2).endswith(":")):
            value = match.group(2)
            at = start + match.start(2)
            return [Fix(f"Quote the value of '{match.group(1).strip(' -:')}' in double quotes",
                        [(at, at + len(value), double_quoted(value))], finding, preferred=True)]
    return []


def _add_approval(path: Path, text: str, asset: Entry, scope: str, ctx: Context, finding: Finding) -> list[Fix]:
    """One fix per live register approval covering ``scope`` (the ones `check`'s fix hint names)."""
    listed = asset.get("approvals") if isinstance(asset.get("approvals"), list) else []
    out = []
    for approval_id in ctx.covering_approvals(scope):
        if approval_id in listed:
            continue
        edited = _edit(path, text, lambda editor: editor.add_to_list(asset.path, "approvals", approval_id),
                       lambda data: _listed(data, asset.path, "approvals", approval_id))
        if edited is not None:
            out.append(Fix(f"Add approval {approval_id} ({scope}) to {asset.label()}", edited, finding, preferred=True))
    return out


def _fill_sha256(path: Path, text: str, asset: Entry, ctx: Context, here: list[Finding]) -> list[Fix]:
    from genai_lint.hashing import hash_files
    from genai_lint.rehash import put_sha256, sha256_style

    located = ctx.asset_file(asset)
    if located is None or located.state != "ok":
        return []
    digest = hash_files([located.path], None, quiet=True).get(located.path)
    if not isinstance(digest, str) or asset.get("sha256") == digest:
        return []
    verb = "Refresh" if asset.get("sha256") else "Fill"

    def put(editor: Editor) -> None:
        put_sha256(editor, asset.path, digest, sha256_style(editor.document))

    edited = _edit(path, text, put, lambda data: _set(data, asset.path, "sha256", digest))
    return [Fix(f"{verb} sha256 of {asset.label()} from its file", edited, here[0] if here else None,
                preferred=bool(here))] if edited is not None else []


def _waiver(path: Path, text: str, asset: Entry, finding: Finding) -> list[Fix]:
    item = f'{{rule: {finding.code}, reason: ""}}'
    edited = _edit(path, text, lambda editor: editor.add_to_list(asset.path, "waivers", item),
                   lambda data: _listed(data, asset.path, "waivers", {"rule": finding.code, "reason": ""}))
    return [Fix(f"Waive {finding.code} on {asset.label()} (write the reason)", edited, finding)] if edited else []


def _edit(path: Path, text: str, change: Any, expect: Any) -> list[Splice] | None:
    """The splices ``change`` makes to ``text``, once the edited text is checked to load as ``expect`` says."""
    try:
        editor = Editor(Source(path, text.encode("utf-8"), text))
        expected = copy.deepcopy(editor.document.data)
        expect(expected)
        change(editor)
        editor.verify(expected)
    except (EditError, LoadError):  # LoadError: the buffer does not parse, so no structural fix is offered
        return None
    return sorted(editor.splices)


def _entry(data: dict, entry_path: tuple) -> dict:
    register, index = entry_path
    return data[register][index]


def _listed(data: dict, entry_path: tuple, key: str, item: Any) -> None:
    _entry(data, entry_path).setdefault(key, []).append(item)


def _set(data: dict, entry_path: tuple, key: str, value: Any) -> None:
    _entry(data, entry_path)[key] = value


def _line_starts(text: str) -> list[int]:
    starts = [0]
    starts.extend(match.end() for match in re.finditer("\n", text))
    return starts
