"""Findings for editor buffers: the pipeline of ``check``, with open buffers standing in for their files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from genai_lint.config import ConfigError
from genai_lint.findings import Finding, RuleInfo
from genai_lint.loader import Document
from genai_lint.project import Project


@dataclass
class Analysis:
    """One buffer's findings, and the production they were computed in (for hover and completion)."""

    findings: list[Finding]
    project: Project | None
    rel: str | None
    """The buffer's path relative to the production root, as findings name it."""
    error: str | None = None
    """Why the production could not be checked (a broken configuration), for one message to the user."""
    rules: dict[str, RuleInfo] | None = None
    """Every rule of the run, the production's studio rules included (for hover)."""


def analyse(path: Path, buffers: dict[Path, str], check_files: bool,
            loaded: dict[Path, Document] | None = None) -> Analysis:
    """Every finding of ``check`` on the manifest at ``path``; ``buffers`` are open manifests' unsaved texts.

    ``check_files=False`` is ``--no-files``: while the user types, files are not hashed. ``loaded`` keeps,
    from one analysis to the next, the document of each buffer's last text that loaded: an edit inside
    one entry then loads that entry alone.
    """
    from genai_lint.engine import evaluate_project, settings_for, targets
    from genai_lint.project import relative

    try:
        target = targets([str(path.parent)])[0]
        target.directories.clear()
        target.manifests.add(path)
        target.texts = {file: text for file, text in buffers.items() if _inside(file, target.root)}
        target.earlier = loaded if loaded is not None else {}
        settings = settings_for(target, {"check_files": check_files})
        project, report = evaluate_project(target, settings)
    except ConfigError as exc:
        return Analysis([], None, None, str(exc))
    if loaded is not None:
        loaded.update((manifest.path, manifest.document)
                      for manifest in project.manifests if manifest.path in target.texts and manifest.document)
    rel = relative(path, target.root)
    return Analysis([finding for finding in report.findings if finding.path == rel], project, rel, rules=report.rules)


def _inside(path: Path, root: Path) -> bool:
    return root == path or root in path.parents
