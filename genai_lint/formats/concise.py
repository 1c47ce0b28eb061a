"""One line per finding, ``path:line:col: CODE [severity] message``, then the summary."""

from __future__ import annotations

from genai_lint.findings import Report
from genai_lint.formats.text import headline, paint


def render(report: Report, color: bool = False) -> str:
    lines = [headline(report, finding, color) for finding in report.findings]
    lines.append(paint(report.summary(), "1", color))
    return "\n".join(lines)
