"""The delivery inventory (``gate --inventory FILE.csv|FILE.json``): one row per delivered file.

For the delivery ticket: what was delivered (path relative to the delivery, size, sha256), what
the gate made of it (format identified from the content, the reader that scanned it, the assets
it matched, the provenance markers found, the findings about it), the verdict: ``blocked``
(a finding at or above the fail threshold), ``review`` (findings below it), ``pass``, and the
``accept-unread`` glob and reason when the production accepted the file unread.

The rows stream: a clean file's row is set down in a temporary file beside the inventory as the
gate judges it (the walk's order is the inventory's), the file is written from there in chunks.
"""

from __future__ import annotations

import csv
import heapq
import io
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from genai_lint.findings import Finding, Severity
from genai_lint.safe_text import json_dumps, printable

if TYPE_CHECKING:
    from genai_lint.gate.delivered import DeliveredFile

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


class Rows:
    """The inventory rows as the delivery streams past, in the order ``sorted`` by path would give.

    A clean file's row is final at once: it goes to an anonymous temporary file in ``folder`` (walk
    order is path order). A row that waits for the findings' final form, or whose path sorts before
    the last one set down (a file name's undecodable bytes shown escaped), stays in memory until
    :meth:`in_order` merges both."""

    def __init__(self, folder: Path):
        import tempfile

        self.spool = tempfile.TemporaryFile(dir=folder)  # private, unlinked: never through a symlink
        self.last: str | None = None
        self.held: list[tuple[tuple[str, int, int], Row]] = []

    def add(self, number: int, entry: Row, final: bool = True) -> None:
        """The row of delivered file ``number``; ``final=False`` for one that waited for the findings."""
        if not final or (self.last is not None and entry.path < self.last):
            self.held.append(((entry.path, 0 if final else 1, number), entry))
            return
        self.last = entry.path
        self.spool.write(json.dumps([number, *(getattr(entry, column) for column in COLUMNS)]).encode() + b"\n")

    def in_order(self) -> Iterator[Row]:
        """Every row by path (ties: clean files first, then in walk order); the temporary file is closed after."""
        with self.spool:
            self.spool.seek(0)
            spooled = (((values[1], 0, values[0]), Row(*values[1:])) for values in map(json.loads, self.spool))
            for _, entry in heapq.merge(spooled, sorted(self.held, key=_key), key=_key):
                yield entry


def _key(pair: tuple[tuple[str, int, int], Row]) -> tuple[str, int, int]:
    return pair[0]


def spool_folder(inventory: Path) -> Path:
    """The folder the inventory will be written in (a symlink's target's), created: its rows wait there."""
    folder = Path(os.path.realpath(inventory)).parent
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def render(rows: Iterable[Row], kind: str, delivery_root: Path) -> Iterator[str]:
    """The inventory as CSV (lists joined with ``; ``) or JSON (``{"delivery_root", "files": [...]}``), a row
    at a time."""
    if kind == "json":
        head, tail = json_dumps({"version": 1, "delivery_root": str(delivery_root), "files": []}).rsplit("[]", 1)
        opened = False
        for entry in rows:
            text = _json_row(entry)
            yield (",\n" if opened else head + "[\n") + "\n".join("    " + line for line in text.split("\n"))
            opened = True  # each row indented as json_dumps nests it in "files"
        yield ("\n  ]" if opened else head + "[]") + tail + "\n"
        return
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for entry in rows:
        writer.writerow([_cell(getattr(entry, column)) for column in COLUMNS])
        yield out.getvalue()
        out.seek(0)
        out.truncate()
    yield out.getvalue()


def _json_row(entry: Row) -> str:
    """``json_dumps`` of the row as a mapping (indented by 2), made of one-line dumps of each value: an
    indented ``json.dumps`` leaves a reference cycle behind on every call (its encoder's closures)."""
    fields = []
    for column in COLUMNS:
        value = getattr(entry, column)
        if isinstance(value, list) and value:
            text = "[\n" + ",\n".join("    " + json_dumps(item, indent=None) for item in value) + "\n  ]"
        else:
            text = json_dumps(value, indent=None)
        fields.append(f"  {json_dumps(column, indent=None)}: {text}")
    return "{\n" + ",\n".join(fields) + "\n}"


def _cell(value: object) -> str:
    if value is None:
        return ""
    text = "; ".join(value) if isinstance(value, list) else str(value)
    text = printable(text)
    return "'" + text if text.startswith(FORMULA_START) else text
