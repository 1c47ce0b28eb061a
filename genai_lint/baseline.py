"""Baselines: adopt genai-lint on an old production by recording today's findings, then report only new ones.

A baseline entry is keyed on (manifest path relative to the root, entry id, rule code), never
on line or column, so editing or reordering a manifest does not break it. Each key carries a
count: three M002 on one asset are three entries' worth; a fourth is new.
"""

from __future__ import annotations

import copy
import json
from collections import Counter
from pathlib import Path

from genai_lint import __version__
from genai_lint.config import ConfigError
from genai_lint.findings import Finding, Report
from genai_lint.safe_text import json_dumps

FORMAT_VERSION = 1


def key(finding: Finding) -> tuple[str, str | None, str]:
    return (finding.manifest or finding.path, finding.entry_id, finding.code)


def render(report: Report) -> str:
    """The baseline file for ``report``'s active findings (sorted, stable, human-readable)."""
    counts = Counter(key(finding) for finding in report.active)
    messages = {key(finding): finding.message for finding in report.active}
    entries = [{"manifest": manifest, "entry_id": entry_id, "code": code, "count": count,
                "message": messages[(manifest, entry_id, code)]}
               for (manifest, entry_id, code), count in sorted(counts.items(), key=lambda item: (item[0][0], item[0][1] or "", item[0][2]))]
    document = {"version": FORMAT_VERSION, "tool": f"genai-lint {__version__}", "findings": entries}
    return json_dumps(document) + "\n"


def write(path: Path, report: Report) -> None:
    """Write the baseline of ``report`` to ``path`` atomically, under the file's edit lock."""
    from genai_lint.writing import atomic_write, edit_lock

    with edit_lock(path):
        atomic_write(path, render(report))


def load(path: Path) -> Counter:
    """The counted keys of a baseline file; a bad file is a one-line configuration error."""
    from genai_lint.loader import open_regular

    try:
        with open_regular(path) as stream:  # a FIFO given by mistake must not hang the run
            document = json.loads(stream.read().decode("utf-8"))
        if document.get("version") != FORMAT_VERSION:
            raise ValueError(f"unsupported baseline version {document.get('version')!r}")
        counts: Counter = Counter()
        for entry in document["findings"]:
            counts[(entry["manifest"], entry.get("entry_id"), entry["code"])] += int(entry.get("count", 1))
        return counts
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read baseline: {exc.strerror or exc}") from None
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise ConfigError(f"{path}: not a genai-lint baseline ({exc})") from None


def apply(report: Report, path: Path) -> Report:
    """``report`` without the findings recorded in the baseline at ``path``, with a note on what was hidden."""
    remaining = load(path)
    kept: list[Finding] = []
    hidden = 0
    for finding in report.findings:
        finding_key = key(finding)
        if finding.waived is None and remaining[finding_key] > 0:
            remaining[finding_key] -= 1
            hidden += 1
        else:
            kept.append(finding)
    stale = sum(count for count in remaining.values() if count > 0)
    notes = list(report.notes)
    notes.append(f"baseline {path}: {hidden} known finding{'s' if hidden != 1 else ''} not shown"
                 + (f"; {stale} baseline entr{'ies' if stale != 1 else 'y'} no longer match anything "
                    f"(rewrite it with --write-baseline to prune)" if stale else ""))
    kept_report = copy.copy(report)
    kept_report.findings, kept_report.notes = kept, notes
    return kept_report
