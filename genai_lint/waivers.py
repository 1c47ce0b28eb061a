"""Apply the waivers written on assets to the findings of a run.

A live waiver marks the asset's findings of its rule as waived (shown and counted apart, never
failures). An expired waiver waives nothing and is reported (M014); a live waiver that matches
nothing is reported too (M013), but only when its rule was selected in this run.
"""

from __future__ import annotations

from collections import defaultdict

from genai_lint.context import Context, parse_date
from genai_lint.findings import Finding, Waiver
from genai_lint.rules import Rule, matches


def apply_waivers(findings: list[Finding], ctx: Context, selected: list[Rule]) -> list[Finding]:
    """``findings`` with waived ones marked, plus the M013/M014 findings about the waivers."""
    judges = {rule.code: rule.check for rule in selected if rule.scope == "waiver"}
    selected_codes = [rule.code for rule in selected]
    by_entry: dict[tuple[str, str], list[int]] = defaultdict(list)
    for position, finding in enumerate(findings):
        if finding.entry_id is not None and finding.manifest is not None:
            by_entry[(finding.manifest, finding.entry_id)].append(position)
    result = list(findings)
    for asset in ctx.project.assets:
        waivers = asset.get("waivers")
        if not asset.manifest.requested or not isinstance(waivers, list) or asset.id is None:
            continue
        mine = by_entry.get((asset.manifest.rel, asset.id), [])
        for index, waiver in enumerate(waivers):
            if not isinstance(waiver, dict) or not isinstance(waiver.get("rule"), str):
                continue
            expires = parse_date(waiver.get("expires"))
            if expires is not None and expires < ctx.date:
                judge, matched = judges.get("M014"), 0
            else:
                matched = 0
                for position in mine:
                    if result[position].code == waiver["rule"] and result[position].waived is None:
                        result[position] = result[position]._replace(waived=_waiver(waiver))
                        matched += 1
                judge = judges.get("M013") if matches(waiver["rule"], selected_codes) else None
            if judge is not None:
                result.extend(judge(asset, index, waiver, matched, ctx))
    return result


def _waiver(waiver: dict) -> Waiver:
    expires, by = waiver.get("expires"), waiver.get("by")
    return Waiver(reason=str(waiver.get("reason", "")), expires=expires if isinstance(expires, str) else None,
                  by=by if isinstance(by, str) else None)
