"""The delivery gate: look at the real files of a delivery package, not only at the manifests.

Every file under the delivery folder is hashed (in parallel, through the hash cache) and
matched by SHA-256 against every asset of the production: against the sha256 each asset
declares *and* the hash of the asset's real file (only files of a size some delivered file has
are hashed), so a stale or missing declaration cannot hide a leaked file. Matched files are
judged by their asset (D802 temporary material, D804 a declaration that does not describe the
delivered file, and for deliverables G401 and the approval rules A605-A607 on the evaluation
date); unmatched files are scanned for embedded generative-AI provenance (D801) by
:mod:`genai_lint.provenance`.
"""

from __future__ import annotations

import fnmatch
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from genai_lint.context import Context
from genai_lint.engine import apply_settings, load_project, selected_rules, settings_for, targets
from genai_lint.findings import Finding, Report
from genai_lint.hashing import HashCache, hash_files
from genai_lint.inventory import Row, row
from genai_lint.project import Entry, relative, source_root
from genai_lint.rules import all_rules
from genai_lint.sequences import format_ranges
from genai_lint.waivers import apply_waivers

if TYPE_CHECKING:
    from genai_lint.provenance import Scan


@dataclass
class DeliveredFile:
    """One file of the delivery package and what the gate learnt about it."""

    path: Path
    shown: str
    sha256: str | None = None
    problem: str | None = None
    assets: list[Entry] = field(default_factory=list)
    markers: list[Any] = field(default_factory=list)
    scan: Scan | None = None
    accepted: tuple[str, str] | None = None
    """The ``accept-unread`` (glob, reason) that accepted this file unread (its format has no reader)."""
    frame: int | None = None
    """The frame number, when the file is a frame of a matched frame-sequence asset."""
    size: int = 0


SPECIAL_FILE_SYSTEM = "on a special file system (like /proc or /sys): not read"


def walk(delivery: Path) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Regular files under ``delivery`` (no symlink followed out of it), and what could not be walked."""
    files: list[Path] = []
    problems: list[tuple[Path, str]] = []
    real_root = delivery.resolve()

    pseudo: dict[int, bool] = {}

    def unreadable(error: OSError) -> None:
        problems.append((Path(error.filename or delivery), f"cannot be read ({error.strerror})"))

    def special(path: Path) -> bool:
        """On a file system with no storage (/proc, /sys): its files are not data and may never end."""
        try:
            device = os.lstat(path).st_dev
            if device not in pseudo:
                pseudo[device] = os.statvfs(path).f_blocks == 0
        except (OSError, AttributeError):  # no statvfs (Windows): nothing of the kind there
            return False
        return pseudo[device]

    if special(delivery):
        return files, [(delivery, SPECIAL_FILE_SYSTEM)]
    for directory, dirnames, filenames in os.walk(delivery, onerror=unreadable):
        for name in sorted(dirnames):
            path = Path(directory, name)
            try:
                link = stat.S_ISLNK(os.lstat(path).st_mode)
            except OSError as exc:  # a name past PATH_MAX, a folder gone meanwhile: that folder only
                problems.append((path, f"cannot be read ({exc.strerror})"))
                dirnames.remove(name)
                continue
            if link:
                problems.append((path, _symlink_problem(path, real_root) or "symlink to a folder: not followed"))
            elif special(path):
                problems.append((path, SPECIAL_FILE_SYSTEM))
                dirnames.remove(name)
        for name in sorted(filenames):
            path = Path(directory, name)
            try:
                info = os.lstat(path)
            except OSError as exc:
                problems.append((path, f"cannot be read ({exc.strerror})"))
                continue
            if stat.S_ISLNK(info.st_mode):
                problem = _symlink_problem(path, real_root)
                if problem:
                    problems.append((path, problem))
                continue  # a link inside the package: its target is scanned where it lies
            if not stat.S_ISREG(info.st_mode):
                problems.append((path, "not a regular file (a device, FIFO or socket)"))
                continue
            files.append(path)
    return files, problems


def _symlink_problem(path: Path, real_root: Path) -> str | None:
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return "broken or looping symlink: not followed"
    if target != real_root and real_root not in target.parents:
        return "symlink to a place outside the delivery folder: not followed"
    return None


MATCHED_ASSET_RULES = ("G401", "A605", "A606", "A607")
"""Asset rules that judge a delivered deliverable asset, as ``check`` judges it on the same date."""


@dataclass
class GateRun:
    """The gate's report, and the inventory rows when they were asked for."""

    report: Report
    inventory: list[Row] | None = None


def gate(delivery: Path, project_dir: str | None, overrides: dict[str, Any], config: Path | None = None,
         inventory: bool = False) -> GateRun:
    """Run the delivery gate on ``delivery`` for the production at ``project_dir`` (default: here).

    With ``inventory``, every delivered file is also identified by the scanner (matched ones too)
    and described in one inventory row."""
    ctx = production(project_dir, overrides, config)
    delivery_root = delivery_root_of(delivery)
    delivered = examine(delivery.absolute(), delivery_root, ctx, identify_all=inventory)
    return judge(delivered, ctx, str(delivery), delivery_root, inventory)


def production(project_dir: str | None, overrides: dict[str, Any], config: Path | None = None) -> Context:
    """The production at ``project_dir`` (default: here), loaded with every manifest, as rules see it."""
    target = targets([project_dir] if project_dir else [], config)[0]
    target.everything = True
    settings = settings_for(target, overrides)
    return Context(load_project(target, settings))


def delivery_root_of(delivery: Path) -> Path:
    """The folder delivered-file paths are shown relative to: the delivery's git top level, else the delivery."""
    from genai_lint.config import ConfigError

    if not delivery.is_dir():
        raise ConfigError(f"{delivery}: not a folder")
    return source_root(delivery.resolve())


def judge(delivered: list[DeliveredFile], ctx: Context, delivery_label: str, delivery_root: Path,
          inventory: bool = False) -> GateRun:
    """The report on ``delivered`` (examined files, in walk order): the per-file rules, each sequence once, and
    the asset rules for every delivered deliverable; with ``inventory``, one row per file too."""
    project, settings = ctx.project, ctx.settings
    selected = {rule.code: rule for rule in selected_rules(settings)}
    per_file = [rule for rule in selected.values() if rule.scope == "delivery"]
    per_asset = [selected[code] for code in MATCHED_ASSET_RULES if code in selected]
    findings: list[Finding] = []
    about: dict[tuple, list[int]] = {}  # which delivered files each finding is about, for the inventory
    judged: dict[int, list[Finding]] = {}
    frame_groups: dict[tuple[str, int], FrameGroup] = {}
    for number, item in enumerate(delivered):
        mine = [finding for rule in per_file for finding in rule.check(item, ctx)]
        for asset in item.assets:
            if asset.get("deliverable") is False:
                continue
            if id(asset) not in judged:
                judged[id(asset)] = [finding._replace(message=f"{finding.message} (delivered as {item.shown})")
                                     for asset_rule in per_asset for finding in asset_rule.check(asset, ctx)]
                findings.extend(judged[id(asset)])
            for finding in judged[id(asset)]:
                about.setdefault(_identity(finding), []).append(number)
        if item.frame is not None:  # a frame: its sequence is reported once, below
            for finding in mine:
                group = frame_groups.setdefault((finding.code, id(item.assets[0])), FrameGroup(item.assets[0], finding))
                group.frames.append(item.frame)
                group.items.append(number)
            continue
        for finding in mine:
            about.setdefault(_identity(finding), []).append(number)
        findings.extend(mine)
    for group in frame_groups.values():
        finding = group.finding(ctx)
        about[_identity(finding)] = group.items
        findings.append(finding)
    if "M001" in selected:  # a manifest that did not load declares no assets: the gate cannot vouch for them
        for manifest in project.manifests:
            findings.extend(selected["M001"].check(manifest, ctx))
    findings = apply_settings(apply_waivers(findings, ctx, per_file + per_asset), settings)
    matched = sum(1 for item in delivered if item.assets)
    size = sum(item.size for item in delivered if item.sha256)
    note = (f"scanned {len(delivered)} delivered file{'s' if len(delivered) != 1 else ''} ({size / 2**20:.1f} MiB) "
            f"in {delivery_label}: {matched} matched declared assets")
    notes = [note, *_accepted_notes(delivered)]
    rules = {code: rule.info() for code, rule in all_rules().items()}
    report = Report(root=project.root, source_root=source_root(project.root), delivery_root=delivery_root,
                    findings=sorted(findings, key=lambda f: f.sort_key), rules=rules,
                    manifests=len(project.manifests), assets=len(project.assets),
                    evaluation_date=settings.date.isoformat(), fail_on=settings.fail_on, command="gate", notes=notes)
    if not inventory:
        return GateRun(report)
    per_item: list[list[Finding]] = [[] for _ in delivered]
    for finding in report.findings:
        for number in dict.fromkeys(about.get(_identity(finding), [])):
            per_item[number].append(finding)
    rows = sorted((row(item, mine, settings.fail_on) for item, mine in zip(delivered, per_item)), key=lambda r: r.path)
    return GateRun(report, rows)


def _accepted_notes(delivered: list[DeliveredFile]) -> list[str]:
    """One summary line per ``accept-unread`` glob that accepted files: the glob, how many, and the reason."""
    counts: dict[tuple[str, str], int] = {}
    for item in delivered:
        if item.accepted is not None:
            counts[item.accepted] = counts.get(item.accepted, 0) + 1
    return [f"accepted unread (accept-unread {glob!r}): {count} file{'s' if count != 1 else ''}: {reason}"
            for (glob, reason), count in counts.items()]


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


def examine(delivery: Path, delivery_root: Path, ctx: Context, identify_all: bool = False,
            files_and_problems: tuple[list[Path], list[tuple[Path, str]]] | None = None) -> list[DeliveredFile]:
    """Every delivered file (those of ``files_and_problems``, default: all), hashed, matched to assets and
    (unmatched, or all with ``identify_all``) scanned; paths shown relative to ``delivery_root``."""
    from genai_lint.provenance import scan

    root = ctx.project.root
    files, problems = files_and_problems or walk(delivery)
    sizes = _sizes(files)
    candidates = _asset_files_to_hash(ctx, set(sizes.values()))
    cache = HashCache(root) if ctx.settings.cache else None
    hashes = _hash_once(files + list(candidates), cache, ctx.settings.quiet)
    by_hash = _assets_by_hash(ctx.project.assets, candidates, hashes)
    delivered = [DeliveredFile(path, _shown(path, delivery, delivery_root), problem=problem) for path, problem in problems]
    for path in files:
        item = DeliveredFile(path, _shown(path, delivery, delivery_root))
        digest = hashes.get(path)
        if isinstance(digest, str):
            item.sha256 = digest
            item.size = sizes.get(path, 0)
            matches = by_hash.get(digest, [])
            item.assets = [asset for asset, _ in matches]
            item.frame = next((frame for _, frame in matches if frame is not None), None)
        else:
            item.problem = f"cannot be read ({getattr(digest, 'strerror', None) or digest})"
        if item.sha256 and item.assets and identify_all:
            item.scan = scan(path)  # for the inventory only: a declared file is judged by its asset
            item.markers = list(item.scan.markers)
        elif item.sha256 and not item.assets:
            item.scan = scan(path)
            item.markers = list(item.scan.markers)
            item.problem = item.scan.problem
            item.accepted = _accepted_unread(item, path.relative_to(delivery).as_posix(), ctx.settings.accept_unread)
            if item.accepted is not None:
                item.problem = None
        delivered.append(item)
    return delivered


def _accepted_unread(item: DeliveredFile, rel: str, globs: dict[str, str]) -> tuple[str, str] | None:
    """The ``accept-unread`` (glob, reason) covering ``item``, if nothing could read it and its name promises nothing readable.

    A file named like a format the scanner reads (``.png``) but holding something else is never
    accepted: that mismatch is the finding."""
    from genai_lint.provenance.registry import claimed_by

    if not globs or item.scan is None or item.scan.reader is not None or item.problem is None:
        return None
    if any(fmt.read is not None for fmt in claimed_by(item.path.suffix.lower())):
        return None
    return next(((glob, reason) for glob, reason in globs.items()
                 if fnmatch.fnmatch(rel, glob) or fnmatch.fnmatch(item.path.name, glob)), None)


def _sizes(paths: list[Path]) -> dict[Path, int]:
    """Each file's size (a file that cannot be looked at has none: its hashing reports why)."""
    sizes = {}
    for path in paths:
        try:
            sizes[path] = os.stat(path).st_size
        except OSError:
            continue
    return sizes


def _shown(path: Path, delivery: Path, delivery_root: Path) -> str:
    """``path`` (under ``delivery``, as walked) relative to ``delivery_root`` (the delivery resolved, or its git top)."""
    return relative(delivery.resolve() / path.relative_to(delivery), delivery_root)


Match = tuple[Entry, "int | None"]
"""An asset a delivered file is, and the frame number when the asset is a frame sequence."""


def _asset_files_to_hash(ctx: Context, sizes: set[int]) -> dict[Path, list[Match]]:
    """The production's asset files (and sequence frames) that could equal a delivered file (one of ``sizes``).

    Files of any other size cannot match, so a production far larger than its delivery costs
    one ``stat`` per asset file, not a hash.
    """
    candidates: dict[Path, list[Match]] = {}

    def consider(path: Path, asset: Entry, frame: int | None) -> None:
        try:
            if os.stat(path).st_size in sizes:
                candidates.setdefault(path, []).append((asset, frame))
        except OSError:
            pass

    for asset in ctx.project.assets:
        sequence = ctx.sequence(asset)
        if sequence is not None:  # a sequence is matched frame by frame, from its real frame files
            for frame, path in sequence.present.items():
                consider(path, asset, frame)
            continue
        located = ctx.asset_file(asset)
        if located is not None and located.state == "ok" and located.path is not None:
            consider(located.path, asset, None)
    return candidates


def _hash_once(paths: list[Path], cache: HashCache | None, quiet: bool) -> dict[Path, str | OSError]:
    """:func:`hash_files` over ``paths``, reading each file once however many names (hard links) it has."""
    first: dict[tuple[int, int], Path] = {}
    alias: dict[Path, Path] = {}
    for path in dict.fromkeys(paths):
        try:
            info = os.stat(path)
        except OSError:
            alias[path] = path
            continue
        alias[path] = first.setdefault((info.st_dev, info.st_ino), path)
    hashes = hash_files(list(dict.fromkeys(alias.values())), cache, quiet=quiet)
    return {path: hashes[original] for path, original in alias.items() if original in hashes}


def _assets_by_hash(assets: list[Entry], files: dict[Path, list[Match]],
                    hashes: dict[Path, str | OSError]) -> dict[str, list[Match]]:
    """Every asset under its declared sha256 and under the hash of its real file (each frame of a sequence
    under its own), each once per hash."""
    by_hash: dict[str, list[Match]] = {}

    def put(digest: str, match: Match) -> None:
        listed = by_hash.setdefault(digest, [])
        if not any(other is match[0] for other, _ in listed):
            listed.append(match)

    for asset in assets:
        declared = asset.get("sha256")
        if isinstance(declared, str):
            put(declared.lower(), (asset, None))
    for path, owners in files.items():
        actual = hashes.get(path)
        if isinstance(actual, str):
            for match in owners:
                put(actual, match)
    return by_hash
