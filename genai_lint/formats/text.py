"""The default human format: one finding per line, a source frame with a caret, the fix, a summary."""

from __future__ import annotations

import re

from genai_lint.findings import Finding, Report, Severity
from genai_lint.formats._common import display_path
from genai_lint.safe_text import log_line, printable

TEXT_SUFFIXES = (".yaml", ".yml", ".toml")
"""Files whose findings get a source frame (a delivered media file gets none)."""

LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
"""Line breaks as the YAML parser counts them, so a frame shows the line a finding's position names."""

COLORS = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.INFO: "36"}


def paint(text: str, code: str, color: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if color else text


def headline(report: Report, finding: Finding, color: bool) -> str:
    """``path:line:col: CODE [severity] message`` (with ``(waived: reason)`` when waived)."""
    where = f"{printable(display_path(report, finding))}:{finding.span.line}:{finding.span.column}:"
    severity = paint(f"[{finding.severity}]", COLORS[finding.severity], color)
    line = f"{paint(where, '1', color)} {paint(finding.code, '1', color)} {severity} {printable(finding.message)}"
    if finding.waived is not None:
        line += f" (waived: {printable(finding.waived.reason)})"
    return log_line(line)


def render(report: Report, color: bool = False) -> str:
    lines: list[str] = []
    sources = _Sources(report)
    for finding in report.findings:
        lines.append(headline(report, finding, color))
        if finding.path.endswith(TEXT_SUFFIXES) and not finding.delivered:
            lines.extend(_frame(finding, sources.line(finding.path, finding.span.line), color))
        if finding.fix:
            pad = " " * max(3, len(str(finding.span.line)) + 1)  # the "=" sits under the frame's "|"
            lines.append(f"{pad}= {paint('fix', '32', color)}: {printable(finding.fix)}")
        lines.append("")
    lines.extend(log_line(printable(note)) for note in report.notes)
    summary = report.summary()
    lines.append(paint(summary, "1;31" if report.failed else "1;32", color))
    return "\n".join(lines)


def _frame(finding: Finding, text: str | None, color: bool) -> list[str]:
    if text is None:
        return []
    number = str(finding.span.line)
    gutter = " " * len(number)
    if len(text) > 200:
        start = max(0, finding.span.column - 80)
        text = ("…" if start else "") + text[start:start + 160] + "…"
        column = finding.span.column - start + (1 if start else 0)
    else:
        column = finding.span.column
    text = text.replace("\t", "→")  # one column, as the parser counts it, and visibly a tab
    width = finding.span.end_column - finding.span.column if finding.span.end_line == finding.span.line else 1
    width = max(1, min(width, len(text) - column + 2))
    before = printable(text[:column - 1])  # escapes widen the line: the caret moves with them
    width = len(printable(text[:column - 1 + width])) - len(before)
    text = printable(text)
    caret = " " * len(before) + "^" * max(1, width)
    return [f"{gutter} |", f"{number} | {text}", f"{gutter} | {paint(caret, COLORS[finding.severity], color)}"]


class _Sources:
    """Reads each file once, and only the files with findings."""

    def __init__(self, report: Report):
        self.root = report.root
        self.cache: dict[str, list[str] | None] = {}

    def line(self, path: str, number: int) -> str | None:
        """Line ``number`` of the file as the YAML parser counts lines; ``None`` when it cannot be shown."""
        if path not in self.cache:
            from genai_lint.containment import inside
            from genai_lint.loader import LoadError, decode, open_regular

            try:
                if not inside(self.root / path, self.root):  # a symlink out of the production is never shown
                    raise PermissionError(path)
                with open_regular(self.root / path) as stream:  # a FIFO or device is never opened for reading
                    raw = stream.read(8 * 1024 * 1024)
                try:
                    text = decode(raw)
                except LoadError:
                    text = raw.decode("utf-8", "replace")
                self.cache[path] = LINE_BREAK.split(text)
            except OSError:
                self.cache[path] = None
        lines = self.cache[path]
        if lines is None or not 1 <= number <= len(lines):
            return None
        return lines[number - 1]
