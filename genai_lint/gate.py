"""The delivery gate: look at the real files of a delivery package, not only at the manifests.

Every file under the delivery folder is hashed (in parallel, through the hash cache) and
matched by SHA-256 against every asset of the production. Matched files are judged by their
asset (D802 temporary material, G401 uncleared final use); unmatched files are scanned for
embedded generative-AI provenance (D801) by :mod:`genai_lint.provenance`.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from genai_lint.context import Context
from genai_lint.engine import apply_settings, load_project, selected_rules, settings_for, targets
from genai_lint.findings import Finding, Report
from genai_lint.hashing import HashCache, hash_files
from genai_lint.project import Entry, relative, source_root
from genai_lint.rules import all_rules
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


def walk(delivery: Path) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Regular files under ``delivery`` (no symlink followed out of it), and what could not be walked."""
    files: list[Path] = []
    problems: list[tuple[Path, str]] = []
    real_root = delivery.resolve()

    def unreadable(error: OSError) -> None:
        problems.append((Path(error.filename or delivery), f"cannot be read ({error.strerror})"))

    for directory, dirnames, filenames in os.walk(delivery, onerror=unreadable):
        for name in sorted(dirnames):
            path = Path(directory, name)
            if path.is_symlink():
                problems.append((path, _symlink_problem(path, real_root) or "symlink to a folder: not followed"))
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


def gate(delivery: Path, project_dir: str | None, overrides: dict[str, Any], config: Path | None = None) -> Report:
    """Run the delivery gate on ``delivery`` for the production at ``project_dir`` (default: here)."""
    if not delivery.is_dir():
        from genai_lint.config import ConfigError

        raise ConfigError(f"{delivery}: not a folder")
    target = targets([project_dir] if project_dir else [], config)[0]
    target.everything = True
    settings = settings_for(target, overrides)
    project = load_project(target, settings)
    ctx = Context(project)
    delivered = _examine(delivery.absolute(), ctx)
    selected = {rule.code: rule for rule in selected_rules(settings)}
    per_file = [rule for rule in selected.values() if rule.scope == "delivery"]
    final_use = selected.get("G401")
    gate_rules = per_file + ([final_use] if final_use else [])
    findings: list[Finding] = []
    judged: set[int] = set()
    for item in delivered:
        for rule in per_file:
            findings.extend(rule.check(item, ctx))
        for asset in item.assets:
            if final_use and asset.get("deliverable") is not False and id(asset) not in judged:
                judged.add(id(asset))
                findings.extend(final_use.check(asset, ctx))
    if "M001" in selected:  # a manifest that did not load declares no assets: the gate cannot vouch for them
        for manifest in project.manifests:
            findings.extend(selected["M001"].check(manifest, ctx))
    findings = apply_settings(apply_waivers(findings, ctx, gate_rules), settings)
    matched = sum(1 for item in delivered if item.assets)
    size = sum(item.path.stat().st_size for item in delivered if item.sha256)
    note = (f"scanned {len(delivered)} delivered file{'s' if len(delivered) != 1 else ''} ({size / 2**20:.1f} MiB) "
            f"in {delivery}: {matched} matched declared assets")
    rules = {code: rule.info() for code, rule in all_rules().items()}
    return Report(root=project.root, source_root=source_root(project.root), findings=sorted(findings, key=lambda f: f.sort_key), rules=rules,
                  manifests=len(project.manifests), assets=len(project.assets),
                  evaluation_date=settings.date.isoformat(), fail_on=settings.fail_on, command="gate", notes=[note])


def _examine(delivery: Path, ctx: Context) -> list[DeliveredFile]:
    from genai_lint.provenance import scan

    root = ctx.project.root
    files, problems = walk(delivery)
    cache = HashCache(root) if ctx.settings.cache else None
    hashes = hash_files(files, cache, quiet=ctx.settings.quiet)
    by_hash: dict[str, list[Entry]] = {}
    for asset in ctx.project.assets:
        declared = asset.get("sha256")
        if isinstance(declared, str):
            by_hash.setdefault(declared.lower(), []).append(asset)
    delivered = [DeliveredFile(path, relative(path, root), problem=problem) for path, problem in problems]
    for path in files:
        item = DeliveredFile(path, relative(path, root))
        digest = hashes.get(path)
        if isinstance(digest, str):
            item.sha256 = digest
            item.assets = by_hash.get(digest, [])
        else:
            item.problem = f"cannot be read ({getattr(digest, 'strerror', None) or digest})"
        if item.sha256 and not item.assets:
            item.scan = scan(path)
            item.markers = list(item.scan.markers)
            if item.scan.problem:
                item.problem = f"provenance could not be parsed: {item.scan.problem}"
        delivered.append(item)
    return delivered
