"""Small helpers shared by the machine-readable formats (SARIF, GitHub, JUnit, GitLab)."""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from collections.abc import Iterable, Iterator
from itertools import groupby

from genai_lint.findings import Finding, Report

FINGERPRINT_KEY = "genaiLint/v1"


def ordered(report: Report) -> list[Finding]:
    """All findings (waived ones included) in a stable order: path, line, column, code."""
    return sorted(report.findings, key=lambda f: f.sort_key)


def by_path(findings: Iterable[Finding]) -> Iterator[tuple[str, list[Finding]]]:
    """``(path, findings)`` per file, for findings already sorted by :func:`ordered`."""
    for path, group in groupby(findings, key=lambda f: f.path):
        yield path, list(group)


def fingerprint(finding: Finding) -> str:
    """A sha256 hex digest that identifies a finding without its line numbers.

    Built from the rule code, the manifest (or the file, when the finding is not about a
    manifest entry) and the entry id; the message stands in for the entry id when there is
    none. Moving an entry inside its file therefore keeps its fingerprint.
    """
    parts = [finding.code, finding.manifest if finding.manifest is not None else finding.path]
    parts.append(finding.entry_id if finding.entry_id is not None else "\x00" + finding.message)
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def fingerprints(findings: Iterable[Finding]) -> list[str]:
    """:func:`fingerprint` of each finding, made unique: a repeat mixes in its occurrence number.

    The first occurrence keeps the plain digest, so a fingerprint only changes when an
    identical-looking finding is added before it.
    """
    seen: Counter[str] = Counter()
    result = []
    for finding in findings:
        base = fingerprint(finding)
        seen[base] += 1
        n = seen[base]
        result.append(base if n == 1 else hashlib.sha256(f"{base}#{n}".encode()).hexdigest())
    return result


def described(finding: Finding, separator: str = " ") -> str:
    """The finding's message followed by its fix hint, if it has one."""
    if not finding.fix:
        return finding.message
    return f"{finding.message}{separator}Fix: {finding.fix}"


def location(finding: Finding) -> str:
    """``path:line:col``, as compilers and editors print it."""
    return f"{finding.path}:{finding.span.line}:{finding.span.column}"


def bounds(finding: Finding) -> tuple[int, int, int, int]:
    """``(line, column, end_line, end_column)``, 1-based and never ending before they start."""
    span = finding.span
    line, column = max(1, span.line), max(1, span.column)
    end_line = max(line, span.end_line)
    end_column = max(1, span.end_column)
    if end_line == line:
        end_column = max(column, end_column)
    return line, column, end_line, end_column


def display_path(report: Report, finding: Finding) -> str:
    """A finding's path as the user can open it: relative to the current directory."""
    full = os.path.join(report.base(finding), finding.path)
    try:
        relative = os.path.relpath(full)
    except ValueError:  # another drive on Windows
        relative = os.path.abspath(full)
    return relative.replace(os.sep, "/")

