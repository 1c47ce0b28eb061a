"""GitHub Actions workflow commands: one ``::group::`` per file, one annotation per active finding.

Escaping follows actions/toolkit ``packages/core/src/command.ts``: message data escapes ``%``,
CR and LF; property values (``file``, ``title``) additionally escape ``:`` and ``,``.
Waived findings get no annotation, only a plain line. Manifest text goes through
:func:`~genai_lint.safe_text.printable` first (control characters escaped, the runner's legacy
``##[command]`` syntax defused), and a plain line cannot start with ``::``, so nothing a manifest
says can start a workflow command of its own.

GitHub displays at most 10 error, 10 warning and 10 notice annotations per step (50 per job)
and silently drops the rest, so the output ends with a line counting what it will not show.
Paths in annotations are relative to the current directory, which in a workflow step is the
repository checkout.
"""

from __future__ import annotations

from genai_lint.findings import Finding, Report, Severity
from genai_lint.formats._common import bounds, by_path, described, display_path, location, ordered
from genai_lint.safe_text import log_line, printable

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
SHOWN_PER_STEP = 10


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(report: Report, color: bool = False) -> str:
    lines: list[str] = []
    emitted = {severity: 0 for severity in Severity}
    for path, findings in by_path(ordered(report)):
        lines.append(f"::group::{escape_data(printable(path, keep=chr(13) + chr(10)))}")
        for finding in findings:
            if finding.waived is None:
                lines.append(annotation(finding, display_path(report, finding)))
                emitted[finding.severity] += 1
            else:
                lines.append(
                    _plain(
                        f"waived: {location(finding)}: {finding.code} {finding.name}: "
                        f"{finding.message} (waiver: {finding.waived.reason})"
                    )
                )
        lines.append("::endgroup::")
    lines.extend(_plain(f"note: {note}") for note in report.notes)
    lines.append(_plain(report.summary()))
    hidden = {s: n - SHOWN_PER_STEP for s, n in emitted.items() if n > SHOWN_PER_STEP}
    if hidden:
        counts = ", ".join(f"{n} {COMMANDS[s]}{'s' if n != 1 else ''}" for s, n in hidden.items())
        lines.append(
            f"GitHub shows only {SHOWN_PER_STEP} error, {SHOWN_PER_STEP} warning and "
            f"{SHOWN_PER_STEP} notice annotations per step: {_count(sum(hidden.values()))} "
            f"({counts}) will not be displayed. The log above lists them all; upload the SARIF "
            "format to code scanning to see every finding."
        )
    return "\n".join(lines)


def annotation(finding: Finding, file: str) -> str:
    """The ``::error file=...::message`` command for one finding, escaped as the toolkit does."""
    line, column, end_line, end_column = bounds(finding)
    properties = {
        "file": file,
        "line": line,
        "col": column,
        "endLine": end_line,
        "endColumn": end_column,
        "title": f"{finding.code} {finding.name}",
    }
    # Line breaks in a file name keep the toolkit's %0A so the annotation still finds the file.
    joined = ",".join(f"{key}={escape_property(printable(str(value), keep=chr(13) + chr(10)))}"
                      for key, value in properties.items())
    message = printable(described(finding, chr(10)), keep="\t\n")
    return f"::{COMMANDS[finding.severity]} {joined}::{escape_data(message)}"


def _count(n: int) -> str:
    return f"{n} annotation{'' if n == 1 else 's'}"


def _plain(text: str) -> str:
    """A log line that cannot be read as a workflow command."""
    return log_line(printable(text))
