"""The delivery gate: look at the real files of a delivery package, not only at the manifests.

Every file under the delivery folder is hashed (in parallel, through the hash cache) and
matched by SHA-256 against every asset of the production: against the sha256 each asset
declares *and* the hash of the asset's real file (only files of a size some delivered file has
are hashed), so a stale or missing declaration cannot hide a leaked file. Matched files are
judged by their asset (D802 temporary material, D804 a declaration that does not describe the
delivered file, and for deliverables G401 and the approval rules A605-A607 on the evaluation
date); unmatched files are scanned for embedded generative-AI provenance (D801) by
:mod:`genai_lint.provenance`.

The delivery streams through: walked in path order, examined in batches, judged file by file;
findings are kept, a clean file is only counted (its inventory row set down in a temporary file), so memory
does not grow with the delivery.
"""

from __future__ import annotations

import fnmatch
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

from genai_lint.context import Context
from genai_lint.engine import apply_settings, load_project, selected_rules, settings_for, targets
from genai_lint.findings import Finding, Report
from genai_lint.hashing import HashCache, Hasher
from genai_lint.inventory import Row, Rows, row, spool_folder
from genai_lint.project import Entry, relative, source_root
from genai_lint.rules import all_rules
from genai_lint.safe_text import valid_text
from genai_lint.sequences import format_ranges
from genai_lint.waivers import apply_waivers

if TYPE_CHECKING:
    from genai_lint.provenance import Scan


@dataclass(slots=True)
class DeliveredFile:
    """One file of the delivery package and what the gate learnt about it."""

    path: str
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
    """The size as walked (counted only for a file that was hashed)."""

    @property
    def name(self) -> str:
        return os.path.basename(self.path)


@dataclass(slots=True)
class Walked:
    """One entry of the delivery as walked: a regular file and its one ``lstat``, or what stopped the walk there."""

    rel: str
    """The path relative to the delivery folder, ``/``-separated (``""``: the folder itself)."""
    path: str
    """The path as walked (the delivery folder, then ``rel``)."""
    info: os.stat_result | None = None
    problem: str | None = None


SPECIAL_FILE_SYSTEM = "on a special file system (like /proc or /sys): not read"


def walk(delivery: Path) -> Iterator[Walked]:
    """Every regular file under ``delivery`` and every place the walk could not go (no symlink followed out of
    it, nothing opened but folders), streamed in the order of their relative paths as text; one ``lstat`` per
    entry, only the open folders' sorted names held."""
    top = os.fspath(delivery)
    real_root = Path(os.path.realpath(top))
    pseudo: dict[int, bool] = {}

    def special(path: str, device: int) -> bool:
        """On a file system with no storage (/proc, /sys): its files are not data and may never end."""
        if device not in pseudo:
            try:
                pseudo[device] = os.statvfs(path).f_blocks == 0
            except (OSError, AttributeError):  # no statvfs (Windows): nothing of the kind there
                return False
        return pseudo[device]

    try:
        if special(top, os.lstat(top).st_dev):
            yield Walked("", top, problem=SPECIAL_FILE_SYSTEM)
            return
        stack = [("", _sorted_entries(top))]
    except OSError as exc:
        yield Walked("", top, problem=f"cannot be read ({exc.strerror})")
        return
    while stack:
        prefix, entries = stack[-1]
        if not entries:
            stack.pop()
            continue
        entry = entries.pop()  # a visited entry (and the stat it cached) is let go
        rel = prefix + entry.name
        try:
            if entry.is_symlink():
                problem = _symlink_problem(Path(entry.path), real_root)
                if _leads_to_folder(entry):
                    yield Walked(rel, entry.path, problem=problem or "symlink to a folder: not followed")
                elif problem:
                    yield Walked(rel, entry.path, problem=problem)
                continue  # a link to a file inside the package: its target is scanned where it lies
            info = entry.stat(follow_symlinks=False)
            if stat.S_ISDIR(info.st_mode):
                if special(entry.path, info.st_dev):
                    yield Walked(rel, entry.path, problem=SPECIAL_FILE_SYSTEM)
                else:
                    stack.append((rel + "/", _sorted_entries(entry.path)))
            elif stat.S_ISREG(info.st_mode):
                yield Walked(rel, entry.path, info)
            else:
                yield Walked(rel, entry.path, problem="not a regular file (a device, FIFO or socket)")
        except OSError as exc:  # a name past PATH_MAX, a folder unreadable or gone meanwhile: that entry only
            yield Walked(rel, entry.path, problem=f"cannot be read ({exc.strerror})")


def _leads_to_folder(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()
    except OSError:  # a loop
        return False


def _sorted_entries(folder: str) -> list[os.DirEntry]:
    """The entries of ``folder`` in the reverse order of the paths below it as text (a folder sorts as ``name/``),
    to be popped."""
    with os.scandir(folder) as listing:
        entries = list(listing)

    def key(entry: os.DirEntry) -> str:
        try:
            return entry.name + "/" if entry.is_dir(follow_symlinks=False) else entry.name
        except OSError:
            return entry.name

    return sorted(entries, key=key, reverse=True)


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
    """The gate's report, and the inventory rows (streamed, by path) when they were asked for."""

    report: Report
    inventory: Iterator[Row] | None = None


def gate(delivery: Path, project_dir: str | None, overrides: dict[str, Any], config: Path | None = None,
         inventory: Path | None = None) -> GateRun:
    """Run the delivery gate on ``delivery`` for the production at ``project_dir`` (default: here).

    With an ``inventory`` file to write, every delivered file is also identified by the scanner (matched
    ones too) and described in one inventory row, the rows waiting in that file's folder."""
    ctx = production(project_dir, overrides, config)
    delivery_root = delivery_root_of(delivery)
    verdicts = Verdicts(ctx, Rows(spool_folder(inventory)) if inventory is not None else None)
    for item in examine(delivery.absolute(), delivery_root, ctx, identify_all=inventory is not None):
        verdicts.add(item)
    return verdicts.run(str(delivery), delivery_root)


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


BATCH = 1024
"""Walked entries examined together (their cache lookups batched, their hashing spread over the pool)."""


def examine(delivery: Path, delivery_root: Path, ctx: Context, identify_all: bool = False,
            walked: Iterable[Walked] | None = None) -> Iterator[DeliveredFile]:
    """Every delivered file (those of ``walked``, default: the walk of ``delivery``) hashed, matched to assets
    and (unmatched, or all with ``identify_all``) scanned, streamed in walk order; paths shown relative to
    ``delivery_root``. Hashes and scans go through the caches (unless ``--no-cache``)."""
    from genai_lint.scancache import ScanCache, scan_all

    shown = _shower(delivery, delivery_root)
    hasher = Hasher(HashCache(ctx.project.root) if ctx.settings.cache else None, quiet=ctx.settings.quiet)
    scans = ScanCache(ctx.project.root) if ctx.settings.cache else None
    matcher = AssetMatcher(ctx, hasher)
    try:
        for batch in _batches(walk(delivery) if walked is None else walked, BATCH):
            digests = iter(matcher.hash([(entry.path, entry.info) for entry in batch if entry.info is not None]))
            items = []
            for entry in batch:
                item = DeliveredFile(entry.path, shown(entry.rel), problem=entry.problem)
                if entry.info is not None:
                    item.size = entry.info.st_size
                    digest = next(digests)
                    if isinstance(digest, str):
                        item.sha256 = digest
                        matches = matcher.by_hash.get(digest, [])
                        item.assets = [asset for asset, _ in matches]
                        item.frame = next((frame for _, frame in matches if frame is not None), None)
                    else:
                        item.problem = f"cannot be read ({getattr(digest, 'strerror', None) or digest})"
                items.append(item)
            # a declared file is judged by its asset: scanned only for the inventory
            scanned = [(entry, item) for entry, item in zip(batch, items)
                       if item.sha256 and (identify_all or not item.assets)]
            found = scan_all([(entry.path, item.sha256, entry.info) for entry, item in scanned], scans)
            for (entry, item), result in zip(scanned, found):
                item.scan, item.markers = result, list(result.markers)
                if not item.assets:
                    item.problem = result.problem
                    item.accepted = _accepted_unread(item, entry.rel, ctx.settings.accept_unread)
                    if item.accepted is not None:
                        item.problem = None
            yield from items
            batch = digests = items = scanned = found = None  # type: ignore[assignment]  # freed before the next batch
    finally:
        hasher.close()
        if scans is not None:
            scans.close()


def _batches(entries: Iterable[Walked], size: int) -> Iterator[list[Walked]]:
    batch: list[Walked] = []
    for entry in entries:
        batch.append(entry)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _shower(delivery: Path, delivery_root: Path) -> Callable[[str], str]:
    """How a path relative to ``delivery`` (as walked) is shown: relative to ``delivery_root`` (the delivery
    resolved, or its git top), as valid text."""
    base = relative(delivery.resolve(), delivery_root)

    def shown(rel: str) -> str:
        if not rel:
            return base
        return valid_text(rel) if base == "." else f"{base}/{valid_text(rel)}"

    return shown


def _accepted_unread(item: DeliveredFile, rel: str, globs: dict[str, str]) -> tuple[str, str] | None:
    """The ``accept-unread`` (glob, reason) covering ``item``, if nothing could read it and its name promises nothing readable.

    A file named like a format the scanner reads (``.png``) but holding something else is never
    accepted: that mismatch is the finding."""
    from genai_lint.provenance.registry import claimed_by

    if not globs or item.scan is None or item.scan.reader is not None or item.problem is None:
        return None
    if any(fmt.read is not None for fmt in claimed_by(Path(item.path).suffix.lower())):
        return None
    return next(((glob, reason) for glob, reason in globs.items()
                 if fnmatch.fnmatch(rel, glob) or fnmatch.fnmatch(item.name, glob)), None)


Match = tuple[Entry, "int | None"]
"""An asset a delivered file is, and the frame number when the asset is a frame sequence."""


class AssetMatcher:
    """Every asset under its declared sha256 and under the hash of its real file (each frame of a sequence
    under its own), each once per hash.

    The production's asset files are stat'ed once; those of a size no delivered file has are never
    hashed (a production far larger than its delivery costs one ``stat`` per asset file), the others
    when the first delivered file of their size comes past. A delivered file that is a hard link to
    an asset file is not read again."""

    def __init__(self, ctx: Context, hasher: Hasher):
        self.ctx = ctx
        self.hasher = hasher
        self.by_hash: dict[str, list[Match]] = {}
        self.candidates: dict[str, list[Match]] = {}
        self.by_size: dict[int, list[str]] = {}
        self.by_inode: dict[tuple[int, int], str | OSError] = {}
        for asset in ctx.project.assets:
            declared = asset.get("sha256")
            if isinstance(declared, str):
                self._put(declared.lower(), (asset, None))
        for asset in ctx.project.assets:
            sequence = ctx.sequence(asset)
            if sequence is not None:  # a sequence is matched frame by frame, from its real frame files
                for frame, path in sequence.present.items():
                    self._consider(os.fspath(path), (asset, frame))
                continue
            located = ctx.asset_file(asset)
            if located is not None and located.state == "ok" and located.path is not None:
                self._consider(os.fspath(located.path), (asset, None))

    def _consider(self, path: str, match: Match) -> None:
        if path not in self.candidates:
            try:
                size = os.stat(path).st_size  # only the size is kept: a stat result is ~0.5 KiB
            except OSError:
                return
            self.by_size.setdefault(size, []).append(path)
        self.candidates.setdefault(path, []).append(match)

    def _put(self, digest: str, match: Match) -> None:
        listed = self.by_hash.setdefault(digest, [])
        if not any(other is match[0] for other, _ in listed):
            listed.append(match)

    def hash(self, files: list[tuple[str, os.stat_result]]) -> list[str | OSError]:
        """The hash of each delivered file (path and stat), the asset files of their sizes hashed first."""
        for size in {info.st_size for _, info in files}:
            waiting = self.by_size.pop(size, [])
            for start in range(0, len(waiting), BATCH):
                stated = []
                for path in waiting[start:start + BATCH]:
                    try:
                        stated.append((path, os.stat(path)))
                    except OSError:
                        continue  # gone since: it matches nothing
                for (path, info), digest in zip(stated, self.hasher.hash(stated)):
                    self.by_inode.setdefault((info.st_dev, info.st_ino), digest)
                    if isinstance(digest, str):
                        self.ctx.known_hashes[path] = digest
                        for match in self.candidates[path]:
                            self._put(digest, match)
        known = [self.by_inode.get((info.st_dev, info.st_ino)) for _, info in files]
        todo = [number for number, digest in enumerate(known) if digest is None]
        for number, digest in zip(todo, self.hasher.hash([files[number] for number in todo])):
            known[number] = digest
        return known  # type: ignore[return-value]
