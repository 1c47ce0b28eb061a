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

The package, one part a module: :mod:`.walk` (the streamed walk), :mod:`.delivered` (each file hashed,
matched to assets and scanned), :mod:`.verdicts` (the rules, file by file), :mod:`.scancache` (scans
remembered), :mod:`.inventory` (one row per file) and :mod:`.shards` (the gate spread over machines).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from genai_lint.context import Context
from genai_lint.engine import load_project, settings_for, targets
from genai_lint.gate.delivered import examine
from genai_lint.gate.inventory import Rows, spool_folder
from genai_lint.gate.verdicts import GateRun, Verdicts
from genai_lint.project import source_root


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
