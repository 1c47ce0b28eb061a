"""JUnit XML (the Apache Ant format), valid against the windyroad ``JUnit.xsd``.

Mapping:

- ``<testsuites>`` (no attributes: the schema allows none) holds one ``<testsuite>`` per file
  that has findings, named by its root-relative path, with ``package="genai-lint"`` and ``id``
  counting from 0.
- Each finding is one ``<testcase name="CODE entry_id line:col" classname="path" time="0">``.
- An active finding at or above the run's ``--fail-on`` holds ``<failure type="CODE"
  message="name: message">`` whose text gives location, entry, manifest and fix hint, so the
  dashboard's colour matches the exit code. JUnit's ``<error>`` is kept for tool failures, so
  ``errors`` is always 0.
- An active finding below ``--fail-on`` is a passing testcase; its details are a line of the
  suite's ``<system-out>``, prefixed with the testcase's name (the Ant schema allows
  ``<system-out>`` only per suite, not per testcase).
- A waived finding holds ``<skipped message="waived: reason: ..."/>``: visible, not a failure.
- A report without findings becomes a single suite ``genai-lint`` with one passing testcase, so
  dashboards record a pass. (The report does not list clean files, so they get no suite.)

``timestamp`` is the local time without timezone, as the schema demands, or
``SOURCE_DATE_EPOCH`` (as UTC) when set, for reproducible output. Characters that XML 1.0 does
not allow (most C0 controls, lone surrogates, U+FFFE/U+FFFF) are replaced with U+FFFD.
"""

from __future__ import annotations

import os
import re
import socket
import xml.etree.ElementTree as ET
from datetime import datetime, timezone

from genai_lint import __version__
from genai_lint.findings import Finding, Report, Severity
from genai_lint.formats._common import by_path, location, ordered
from genai_lint.safe_text import printable

PACKAGE = "genai-lint"
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    """``text`` made printable (tabs and line feeds kept), then any character XML 1.0 forbids replaced by U+FFFD."""
    return _NOT_XML.sub("\ufffd", printable(text, keep="\t\n"))


def render(report: Report, color: bool = False) -> str:
    root = ET.Element("testsuites")
    stamp = _timestamp()
    host = _hostname()
    findings = ordered(report)
    if findings:
        for number, (path, group) in enumerate(by_path(findings)):
            suite = _suite(root, report, path, number, stamp, host)
            output = [line for finding in group for line in _testcase(suite, finding, report.fail_on)]
            _close(suite, output)
    else:
        suite = _suite(root, report, PACKAGE, 0, stamp, host)
        _element(suite, "testcase", name=f"{report.command}: {report.summary()}",
                 classname=PACKAGE, time="0")
        _close(suite)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")


def _suite(parent: ET.Element, report: Report, name: str, number: int, stamp: str,
           host: str) -> ET.Element:
    suite = _element(parent, "testsuite", name=name, timestamp=stamp, hostname=host,
                     tests="0", failures="0", errors="0", skipped="0", time="0",
                     package=PACKAGE, id=str(number))
    properties = _element(suite, "properties")
    values = {
        "genai-lint.version": __version__,
        "genai-lint.command": report.command,
        "genai-lint.fail-on": str(report.fail_on),
        "genai-lint.evaluation-date": report.evaluation_date,
    }
    for key, value in values.items():
        if value:
            _element(properties, "property", name=key, value=value)
    return suite


def _testcase(suite: ET.Element, finding: Finding, fail_on: Severity) -> list[str]:
    """Add the finding's testcase; return the lines it contributes to the suite's ``<system-out>``."""
    entry = f" {finding.entry_id}" if finding.entry_id is not None else ""
    name = f"{finding.code}{entry} {finding.span.line}:{finding.span.column}"
    case = _element(suite, "testcase", name=name, classname=finding.path, time="0")
    if finding.waived is not None:
        message = f"waived: {finding.waived.reason}: {finding.name}: {finding.message}"
        _element(case, "skipped", message=message)
    elif finding.severity >= fail_on:
        failure = _element(case, "failure", type=finding.code,
                           message=f"{finding.name}: {finding.message}")
        failure.text = xml_text(_details(finding))
    else:
        fix = f" (fix: {finding.fix})" if finding.fix else ""
        return [f"{name}: {finding.severity} {finding.name}: {finding.message}{fix}"]
    return []


def _details(finding: Finding) -> str:
    lines = [f"{location(finding)}: {finding.severity} {finding.code} {finding.name}",
             finding.message]
    if finding.entry_id is not None:
        lines.append(f"entry: {finding.entry_id}")
    if finding.manifest is not None:
        lines.append(f"manifest: {finding.manifest}")
    if finding.fix:
        lines.append(f"fix: {finding.fix}")
    return "\n".join(lines)


def _close(suite: ET.Element, output: list[str] = ()) -> None:
    """Fill in the suite's counts and append the trailing elements the schema requires."""
    cases = suite.findall("testcase")
    suite.set("tests", str(len(cases)))
    suite.set("failures", str(sum(case.find("failure") is not None for case in cases)))
    suite.set("skipped", str(sum(case.find("skipped") is not None for case in cases)))
    system_out = _element(suite, "system-out")
    if output:
        system_out.text = xml_text("\n".join(printable(line) for line in output) + "\n")
    _element(suite, "system-err")


def _element(parent: ET.Element, tag: str, **attributes: str) -> ET.Element:
    return ET.SubElement(parent, tag, {key: xml_text(value) for key, value in attributes.items()})


def _timestamp() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        moment = datetime.fromtimestamp(int(epoch), tz=timezone.utc)
    else:
        moment = datetime.now()
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


def _hostname() -> str:
    try:
        name = socket.gethostname().strip()
    except OSError:
        name = ""
    return name or "localhost"
