"""The delivery inventory (``gate --inventory FILE.csv|FILE.json``): one row per delivered file.

For the delivery ticket: what was delivered (path relative to the delivery, size, sha256), what
the gate made of it (format identified from the content, the reader that scanned it, the assets
it matched, the provenance markers found, the findings about it), the verdict: ``blocked``
(a finding at or above the fail threshold), ``review`` (findings below it), ``pass``, and the
``accept-unread`` glob and reason when the production accepted the file unread.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from genai_lint.findings import Finding, Severity
from genai_lint.safe_text import json_dumps, printable

if TYPE_CHECKING:
    from genai_lint.gate import DeliveredFile

KINDS = {".csv": "csv", ".json": "json"}
COLUMNS = ("path", "size", "sha256", "format", "reader", "assets", "manifests", "markers", "findings", "verdict",
           "accepted_unread")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""A spreadsheet runs a cell starting with one of these as a formula (CSV injection)."""


def kind_of(path: Path) -> str | None:
    """``csv`` or ``json`` from the file's suffix, or ``None`` when it is neither."""
    return KINDS.get(path.suffix.lower())


@dataclass(frozen=True, slots=True)
class Row:
    path: str
    size: int | None
    sha256: str | None
    format: str | None
    reader: str | None
    assets: list[str]
    manifests: list[str]
    markers: list[str]
    findings: list[str]
    verdict: str
    accepted_unread: str | None


def row(item: DeliveredFile, findings: list[Finding], fail_on: Severity) -> Row:
    """The inventory row of one delivered file, judged by the findings about it."""
    try:
        size: int | None = item.size if item.sha256 else None
    except OSError:
        size = None
    active = [finding for finding in findings if finding.waived is None]
    verdict = ("blocked" if any(finding.severity >= fail_on for finding in active)
               else "review" if active else "pass")
    return Row(
        path=item.shown, size=size, sha256=item.sha256,
        format=item.scan.format if item.scan else None, reader=item.scan.reader if item.scan else None,
        assets=[asset.label() for asset in item.assets],
        manifests=list(dict.fromkeys(asset.manifest.rel for asset in item.assets)),
        markers=[f"{marker.kind}: {marker.value} ({marker.where})" for marker in item.markers],
        findings=sorted({finding.code + (" (waived)" if finding.waived is not None else "") for finding in findings}),
        verdict=verdict,
        accepted_unread=f"{item.accepted[0]}: {item.accepted[1]}" if item.accepted else None,
    )


def render(rows: list[Row], kind: str, delivery_root: Path) -> str:
    """The inventory as CSV (lists joined with ``; ``) or JSON (``{"delivery_root", "files": [...]}``)."""
    if kind == "json":
        files = [{column: getattr(entry, column) for column in COLUMNS} for entry in rows]
        return json_dumps({"version": 1, "delivery_root": str(delivery_root), "files": files}) + "\n"
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for entry in rows:
        writer.writerow([_cell(getattr(entry, column)) for column in COLUMNS])
    return out.getvalue()


def _cell(value: object) -> str:
    if value is None:
        return ""
    text = "; ".join(value) if isinstance(value, list) else str(value)
    text = printable(text)
    return "'" + text if text.startswith(FORMULA_START) else text
