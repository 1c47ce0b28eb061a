"""The gate's judgement of the delivered files, one after another, as ``check`` judges the same assets."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from genai_lint.context import Context
from genai_lint.engine import apply_settings, selected_rules
from genai_lint.findings import Finding, Report
from genai_lint.gate.delivered import DeliveredFile
from genai_lint.gate.inventory import Row, Rows, row
from genai_lint.project import Entry, source_root
from genai_lint.rules import all_rules
from genai_lint.sequences import format_ranges
from genai_lint.waivers import apply_waivers


MATCHED_ASSET_RULES = ("G401", "A605", "A606", "A607")
"""Asset rules that judge a delivered deliverable asset, as ``check`` judges it on the same date."""


@dataclass
class GateRun:
    """The gate's report, and the inventory rows (streamed, by path) when they were asked for."""

    report: Report
    inventory: Iterator[Row] | None = None


class Verdicts:
    """The gate's judgement, made file by file as the delivery streams past (in walk order): the per-file
    rules, each sequence once, the asset rules for every delivered deliverable. Findings are kept; a
    file without any is only counted (and, for the inventory, its row set down in ``rows``)."""

    def __init__(self, ctx: Context, rows: Rows | None = None):
        self.ctx = ctx
        self.selected = {rule.code: rule for rule in selected_rules(ctx.settings)}
        self.per_file = [rule for rule in self.selected.values() if rule.scope == "delivery"]
        self.per_asset = [self.selected[code] for code in MATCHED_ASSET_RULES if code in self.selected]
        self.findings: list[Finding] = []
        self.judged: dict[int, list[Finding]] = {}
        self.frame_groups: dict[tuple[str, int], FrameGroup] = {}
        self.files = self.matched = self.size = 0
        self.accepted: dict[tuple[str, str], int] = {}
        self.rows = rows
        self.inventory = rows is not None
        self.about: dict[tuple, list[int]] = {}
        """Which delivered files each finding is about (for the inventory)."""
        self.kept: dict[int, DeliveredFile] = {}
        """The files with findings (for the inventory): their rows wait for the findings' final form."""

    def add(self, item: DeliveredFile) -> None:
        """Judge one delivered file."""
        number, ctx = self.files, self.ctx
        self.files += 1
        if item.assets:
            self.matched += 1
        if item.sha256:
            self.size += item.size
        if item.accepted is not None:
            self.accepted[item.accepted] = self.accepted.get(item.accepted, 0) + 1
        mine = [finding for rule in self.per_file for finding in rule.check(item, ctx)]
        concerned = bool(mine)
        for asset in item.assets:
            if asset.get("deliverable") is False:
                continue
            if id(asset) not in self.judged:
                self.judged[id(asset)] = [finding._replace(message=f"{finding.message} (delivered as {item.shown})")
                                          for asset_rule in self.per_asset for finding in asset_rule.check(asset, ctx)]
                self.findings.extend(self.judged[id(asset)])
            for finding in self.judged[id(asset)]:
                concerned = True
                self._about(finding, number)
        if self.rows is not None:
            if concerned:
                self.kept[number] = item
            else:
                self.rows.add(number, row(item, [], ctx.settings.fail_on))
        if item.frame is not None:  # a frame: its sequence is reported once, in run()
            for finding in mine:
                group = self.frame_groups.setdefault((finding.code, id(item.assets[0])),
                                                     FrameGroup(item.assets[0], finding))
                group.frames.append(item.frame)
                if self.inventory:
                    group.items.append(number)
            return
        for finding in mine:
            self._about(finding, number)
        self.findings.extend(mine)

    def _about(self, finding: Finding, number: int) -> None:
        if self.inventory:
            self.about.setdefault(_identity(finding), []).append(number)

    def run(self, delivery_label: str, delivery_root: Path) -> GateRun:
        """The report (and the inventory rows, when asked for) once every file was added."""
        ctx, selected = self.ctx, self.selected
        project, settings = ctx.project, ctx.settings
        findings = list(self.findings)
        for group in self.frame_groups.values():
            finding = group.finding(ctx)
            self.about[_identity(finding)] = group.items
            findings.append(finding)
        if "M001" in selected:  # a manifest that did not load declares no assets: the gate cannot vouch for them
            for manifest in project.manifests:
                findings.extend(selected["M001"].check(manifest, ctx))
        findings = apply_settings(apply_waivers(findings, ctx, self.per_file + self.per_asset), settings)
        note = (f"scanned {self.files} delivered file{'s' if self.files != 1 else ''} ({self.size / 2**20:.1f} MiB) "
                f"in {delivery_label}: {self.matched} matched declared assets")
        notes = [note, *(f"accepted unread (accept-unread {glob!r}): {count} file{'s' if count != 1 else ''}: {reason}"
                         for (glob, reason), count in self.accepted.items())]
        rules = {code: rule.info() for code, rule in all_rules().items()}
        report = Report(root=project.root, source_root=source_root(project.root), delivery_root=delivery_root,
                        findings=sorted(findings, key=lambda f: f.sort_key), rules=rules,
                        manifests=len(project.manifests), assets=len(project.assets),
                        evaluation_date=settings.date.isoformat(), fail_on=settings.fail_on, command="gate",
                        notes=notes)
        if self.rows is None:
            return GateRun(report)
        per_item: dict[int, list[Finding]] = {number: [] for number in self.kept}
        for finding in report.findings:
            for number in dict.fromkeys(self.about.get(_identity(finding), [])):
                per_item[number].append(finding)
        for number, item in self.kept.items():
            self.rows.add(number, row(item, per_item[number], settings.fail_on), final=False)
        return GateRun(report, self.rows.in_order())


@dataclass
class FrameGroup:
    """The delivered frames of one sequence asset that one rule reported: said once, for the sequence."""

    asset: Entry
    first: Finding
    frames: list[int] = field(default_factory=list)
    items: list[int] = field(default_factory=list)

    def finding(self, ctx: Context) -> Finding:
        """The first frame's finding, saying how many of the sequence's frames were delivered."""
        sequence = ctx.sequence(self.asset)
        total = len(sequence.declared) if sequence is not None and sequence.declared else len(self.frames)
        frames = sorted(set(self.frames))
        partial = " (a partial delivery)" if len(frames) < total else ""
        return self.first._replace(message=f"{len(frames)} of {total} frames of {self.asset.get('path')} delivered"
                                           f"{partial}, frames {format_ranges(frames)}: {self.first.message}")


def _identity(finding: Finding) -> tuple:
    """What stays of a finding through waivers and severity overrides."""
    return (finding.code, finding.path, finding.span, finding.message)
