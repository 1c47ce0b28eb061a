"""The pipeline: discover → load (data + positions) → validate → rules → findings → report."""

from __future__ import annotations

import fnmatch
import gc
import os
import re
from collections.abc import Callable
from pathlib import Path

from genai_lint.config import CONFIG_NAMES, ConfigError, Settings, apply_overrides, load_config
from genai_lint.findings import Finding, Report, Severity
from genai_lint.loader import Document, open_regular
from genai_lint.project import (Manifest, Project, changed_file_manifests, discover, find_root, folder_worked_in,
                                is_excluded, is_manifest_name, load_manifests, relative, source_root)
from genai_lint.rules import Rule, all_rules, in_profiles, matches
from genai_lint.suggest import closest
from genai_lint.waivers import apply_waivers

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at every start-up
if TYPE_CHECKING:
    from typing import Any


class Target:
    """What the user asked to check inside one project root; ``texts`` are manifest texts that stand in
    for the files on disk (an editor's unsaved buffers)."""

    def __init__(self, root: Path, config: Path | None, manifests: set[Path] | None = None):
        self.root = root
        self.config = config
        self.everything = False
        self.manifests: set[Path] = set() if manifests is None else manifests
        self.directories: list[Path] = []
        self.changed: list[Path] = []
        self.texts: dict[Path, str] = {}
        self.earlier: dict[Path, Document] = {}
        """Documents loaded from an earlier text of some of those: entries an edit left alone are reused."""


def targets(paths: list[str], config_override: Path | None = None) -> list[Target]:
    """Group the command-line paths by project root (no paths: the project of the current directory)."""
    by_root: dict[Path, Target] = {}

    def target_for(start: Path, unmarked: Path | None = None) -> Target:
        root, config = find_root(start, unmarked)
        if config_override is not None:
            config = config_override
        return by_root.setdefault(root, Target(root, config))

    if not paths:
        target_for(Path.cwd().resolve()).everything = True
    for raw in paths:
        path = Path(raw).absolute()
        if not path.exists():
            raise ConfigError(f"{raw}: no such file or directory")
        if path.is_dir():
            target = target_for(path.resolve())
            target.directories.append(path.resolve())
        else:
            target = target_for(path.parent.resolve(), folder_worked_in(path.parent.resolve()))
            resolved = path.parent.resolve() / path.name
            if target.config is not None and resolved == target.config:
                target.everything = True
            elif resolved.name.endswith((".yaml", ".yml")) and _is_manifest_file(resolved):
                target.manifests.add(resolved)
            else:
                target.changed.append(resolved)
    return list(by_root.values())


def _is_manifest_file(path: Path) -> bool:
    return is_manifest_name(path.name, Settings())


def settings_for(target: Target, overrides: dict[str, Any]) -> Settings:
    """Defaults, then the project's configuration file, then the command-line ``overrides``."""
    settings = Settings()
    if target.config is not None:
        load_config(target.config, settings)
    apply_overrides(settings, overrides)
    return settings


def check(paths: list[str], overrides: dict[str, Any], config: Path | None = None) -> Report:
    """Run every selected rule on the manifests named by ``paths``; one report for all roots."""
    with without_gc():
        reports = [check_project(target, settings_for(target, overrides)) for target in targets(paths, config)]
    return merge(reports)


class without_gc:  # noqa: N801 - used as a function, like contextlib's (not imported: ~0.5 ms per start)
    """No cyclic garbage collection inside: loading builds millions of containers and no cycles."""

    def __enter__(self) -> None:
        self.was_enabled = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc_info: object) -> None:
        if self.was_enabled:
            gc.enable()


def check_project(target: Target, settings: Settings) -> Report:
    return evaluate_project(target, settings)[1]


def load_project(target: Target, settings: Settings) -> Project:
    """Every manifest under the root of ``target``, loaded, with ``requested`` set on those asked for."""
    root = target.root
    every = discover(root, settings)
    named = {path for path in target.changed if is_manifest_name(path.name, settings) or declares_manifest(path)}
    changed = [path for path in target.changed if path not in named]
    # Configured excludes win over paths given explicitly, as pre-commit passes them (ruff's --force-exclude).
    requested: set[Path] = {path for path in target.manifests | named if not is_excluded(path, root, settings)}
    if target.everything:
        requested.update(every)
    for directory in target.directories:
        requested.update(path for path in every if directory == root or directory in path.parents)
    project = Project(root, settings, [Manifest(path, relative(path, root), requested=path in requested)
                                       for path in sorted(set(every) | requested)])
    load_manifests(project, target.texts, target.earlier)
    if changed:
        requested.update(changed_file_manifests(project, changed))
        if not os.environ.get("PRE_COMMIT"):  # pre-commit passes any staged file: those are skipped silently
            refuse_unrecorded_files(project, changed)
    if (target.directories or target.everything) and not requested:
        raise ConfigError(no_manifests_message(target, settings))
    for manifest in project.manifests:
        manifest.requested = manifest.path in requested
    return project


def no_manifests_message(target: Target, settings: Settings) -> str:
    """Where manifests were looked for, and how to name a production instead."""
    from genai_lint.project import nested_projects

    where = target.directories[0] if target.directories else target.root
    how = f"root of {target.config.name}" if target.config is not None else (
        "git top level" if (target.root / ".git").exists() else "folder itself: no configuration or git above it")
    nested = [os.path.relpath(path) for path in nested_projects(where)]
    hint = (f"; productions below it: {', '.join(nested[:5])}{' ...' if len(nested) > 5 else ''}: name one as PATH, "
            f"e.g. {nested[0]}") if nested else \
        "; name a production folder or a manifest as PATH, or start one with `genai-lint init`"
    return (f"no manifests ({', '.join(settings.manifests)}) found under {where} (project root {target.root}, "
            f"the {how}; folders with their own .genai-lint.yaml are separate productions){hint}")


MANIFEST_VERSION_LINE = rb"(?m)^manifest_version[ \t]*:"
"""Compiled on first use (re's cache): only a changed file of another name needs it."""


def declares_manifest(path: Path) -> bool:
    """Whether a YAML file of another name is a manifest all the same: a top-level ``manifest_version``."""
    if not path.name.endswith((".yaml", ".yml")):
        return False
    try:
        with open_regular(path) as stream:
            return re.search(MANIFEST_VERSION_LINE, stream.read(64 * 1024)) is not None
    except OSError:
        return False


def refuse_unrecorded_files(project: Project, changed: list[Path]) -> None:
    """A named file that is neither a manifest nor recorded by one would check nothing: a false green.

    The configuration files the hooks pass (``.genai-lint.yaml``, ``pyproject.toml``) are accepted.
    """
    for path in changed:
        if path.name in (*CONFIG_NAMES, "pyproject.toml") or changed_file_manifests(project, [path]):
            continue
        names = " or ".join(project.settings.manifests)
        close = closest(path.name, project.settings.manifests, cutoff=0.8)
        hint = f"did you mean {close}? " if close else ""
        raise ConfigError(f"{os.path.relpath(path)}: not a manifest (no manifest_version) and no manifest records "
                          f"this file; {hint}genai-lint checks manifests named {names}")


def evaluate_project(target: Target, settings: Settings) -> tuple[Project, Report]:
    """Load the production of ``target`` and run the rules: the loaded project and its report."""
    project = load_project(target, settings)
    root = target.root
    findings = run_rules(project, selected_rules(settings))
    wanted = {manifest.rel for manifest in project.manifests if manifest.requested}
    findings = [finding for finding in findings if finding.path in wanted]
    findings = apply_settings(findings, settings)
    assets = sum(1 for asset in project.assets if asset.manifest.requested)
    rules = {code: rule.info() for code, rule in rule_book(settings).items()}
    report = Report(root=root, source_root=source_root(root), findings=sorted(findings, key=lambda f: f.sort_key),
                    rules=rules, manifests=len(wanted),
                    assets=assets, evaluation_date=settings.date.isoformat(), fail_on=settings.fail_on)
    report.notes.extend(f"note: {manifest.rel} was checked because it was named; a run without paths skips it: "
                        f"rename it {settings.manifests[0]} or add its name to `manifests:` in the configuration"
                        for manifest in project.manifests
                        if manifest.requested and not is_manifest_name(manifest.path.name, settings))
    return project, report


def rule_book(settings: Settings) -> dict[str, Rule]:
    """Every rule a run under ``settings`` knows, by code: the built-in ones and the studio's."""
    return dict(sorted({**all_rules(), **{rule.code: rule for rule in settings.studio_rules}}.items()))


def selected_rules(settings: Settings) -> list[Rule]:
    return [rule for code, rule in rule_book(settings).items() if in_profiles(rule, settings.profiles)
            and (matches(code, settings.select) or matches(code, settings.extend_select))
            and not matches(code, settings.ignore)]


def run_rules(project: Project, rules: list[Rule]) -> list[Finding]:
    """Every finding of ``rules`` on the requested manifests and their assets."""
    from genai_lint.context import Context

    ctx = Context(project)
    findings: list[Finding] = []
    by_scope: dict[str, list[Callable]] = {"manifest": [], "asset": [], "project": [], "waiver": [], "delivery": []}
    for rule in rules:
        by_scope[rule.scope].append(rule.check)
    for manifest in project.manifests:
        if manifest.requested:
            for check_manifest in by_scope["manifest"]:
                findings.extend(check_manifest(manifest, ctx))
    asset_checks = by_scope["asset"]
    for asset in project.assets:
        if asset.manifest.requested:
            for check_asset in asset_checks:
                findings.extend(check_asset(asset, ctx))
    for check_project_rule in by_scope["project"]:
        findings.extend(check_project_rule(ctx))
    return apply_waivers(findings, ctx, rules)


def apply_settings(findings: list[Finding], settings: Settings) -> list[Finding]:
    """Per-path ignores and severity overrides, then at most :data:`MAX_PER_RULE` findings per rule and file."""
    result = []
    for finding in findings:
        if any(fnmatch.fnmatch(finding.path, glob) and matches(finding.code, codes)
               for glob, codes in settings.per_path_ignores.items()):
            continue
        override = _severity_override(finding.code, settings.severity)
        result.append(finding if override is None else finding._replace(severity=override))
    return cap_per_rule(result)


MAX_PER_RULE = 100
"""Findings shown per rule, file and waived-or-not; the rest are summed up in one finding of the same rule."""


def cap_per_rule(findings: list[Finding]) -> list[Finding]:
    """The first :data:`MAX_PER_RULE` findings of each rule in each file, plus one "N more" finding for the
    rest (at the first one left out, with the most severe severity among them), so a hostile file with
    100,000 errors prints in seconds and still fails as it should."""
    groups: dict[tuple, list[Finding]] = {}
    for finding in findings:
        groups.setdefault((finding.path, finding.code, finding.waived is None), []).append(finding)
    if all(len(group) <= MAX_PER_RULE for group in groups.values()):
        return findings
    kept: list[Finding] = []
    for group in groups.values():
        if len(group) <= MAX_PER_RULE:
            kept.extend(group)
            continue
        group.sort(key=lambda f: f.sort_key)
        rest = group[MAX_PER_RULE:]
        first = rest[0]
        kept.extend(group[:MAX_PER_RULE])
        kept.append(first._replace(severity=max(f.severity for f in rest), entry_id=None, fix=None,
                            message=f"{len(rest):,} more {first.code} findings in this file are not shown "
                                    f"(at most {MAX_PER_RULE} per rule and file); fix the ones above and run again"))
    return kept


def _severity_override(code: str, overrides: dict[str, Severity]) -> Severity | None:
    best = None
    for selector, severity in overrides.items():
        if matches(code, [selector]) and (best is None or len(selector) > len(best[0])):
            best = (selector, severity)
    return best[1] if best else None


def merge(reports: list[Report]) -> Report:
    """One report over several project roots, with paths relative to their common folder."""
    if len(reports) == 1:
        return reports[0]
    import os

    common = Path(os.path.commonpath([str(report.root) for report in reports]))
    findings = []
    for report in reports:
        prefix = relative(report.root, common)
        for finding in report.findings:
            joined = finding.path if prefix in ("", ".") else f"{prefix}/{finding.path}"
            manifest = finding.manifest if finding.manifest is None or prefix in ("", ".") else f"{prefix}/{finding.manifest}"
            findings.append(finding._replace(path=joined, manifest=manifest))
    first = reports[0]
    return Report(root=common, source_root=source_root(common), findings=sorted(findings, key=lambda f: f.sort_key),
                  rules=first.rules,
                  manifests=sum(r.manifests for r in reports), assets=sum(r.assets for r in reports),
                  evaluation_date=first.evaluation_date, fail_on=min(r.fail_on for r in reports))
