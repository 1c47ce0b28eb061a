"""The default human format: one finding per line, a source frame with a caret, the fix, a summary."""

from __future__ import annotations

import os

from genai_lint.findings import Finding, Report, Severity
from genai_lint.formats._common import display_path

TEXT_SUFFIXES = (".yaml", ".yml", ".toml")
"""Files whose findings get a source frame (a delivered media file gets none)."""

COLORS = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.INFO: "36"}


def paint(text: str, code: str, color: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if color else text


def headline(report: Report, finding: Finding, color: bool) -> str:
    """``path:line:col: CODE [severity] message`` (with ``(waived: reason)`` when waived)."""
    where = f"{display_path(report, finding.path)}:{finding.span.line}:{finding.span.column}:"
    severity = paint(f"[{finding.severity}]", COLORS[finding.severity], color)
    line = f"{paint(where, '1', color)} {paint(finding.code, '1', color)} {severity} {finding.message}"
    if finding.waived is not None:
        line += f" (waived: {finding.waived.reason})"
    return line


def render(report: Report, color: bool = False) -> str:
    lines: list[str] = []
    sources = _Sources(report)
    for finding in report.findings:
        lines.append(headline(report, finding, color))
        if finding.path.endswith(TEXT_SUFFIXES):
            lines.extend(_frame(finding, sources.line(finding.path, finding.span.line), color))
        if finding.fix:
            lines.append(f"   = {paint('fix', '32', color)}: {finding.fix}")
        lines.append("")
    lines.extend(report.notes)
    summary = report.summary()
    lines.append(paint(summary, "1;31" if report.failed else "1;32", color))
    return "\n".join(lines)


def _frame(finding: Finding, text: str | None, color: bool) -> list[str]:
    if text is None:
        return []
    number = str(finding.span.line)
    gutter = " " * len(number)
    text = text.replace("\t", " ")
    if len(text) > 200:
        start = max(0, finding.span.column - 80)
        text = ("…" if start else "") + text[start:start + 160] + "…"
        column = finding.span.column - start + (1 if start else 0)
    else:
        column = finding.span.column
    width = finding.span.end_column - finding.span.column if finding.span.end_line == finding.span.line else 1
    width = max(1, min(width, len(text) - column + 2))
    caret = " " * (column - 1) + "^" * width
    return [f"{gutter} |", f"{number} | {text}", f"{gutter} | {paint(caret, COLORS[finding.severity], color)}"]


class _Sources:
    """Reads each file once, and only the files with findings."""

    def __init__(self, report: Report):
        self.root = report.root
        self.cache: dict[str, list[str] | None] = {}

    def line(self, path: str, number: int) -> str | None:
        if path not in self.cache:
            try:
                with open(os.path.join(self.root, path), encoding="utf-8", errors="replace") as stream:
                    self.cache[path] = stream.read(8 * 1024 * 1024).splitlines()
            except OSError:
                self.cache[path] = None
        lines = self.cache[path]
        if lines is None or not 1 <= number <= len(lines):
            return None
        return "".join(ch if ch.isprintable() else "?" for ch in lines[number - 1])
