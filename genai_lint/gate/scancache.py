"""The provenance scanner's results, remembered by content: a cached gate re-run does not scan again the
delivered files it scanned before.

A scan depends only on the file's bytes, the extension it is named with (a PNG named ``.jpg`` is a
mismatch) and the scanner itself. Results are kept in ``.genai-lint-cache/scans-v1.sqlite``, trusted
as the hash cache is (:class:`genai_lint.hashing.CacheDatabase`), under the file's sha256 and its
lower-case extension, beside a fingerprint of the scanner (the source of ``genai_lint.provenance``
and of the text escaping it uses, whether the optional ``brotli`` is installed, the Python version):
any change of the scanner makes every row a miss. A row is a hint: it is read strictly (fields,
types), and one that does not read back is a miss. Only the scans of files read as they were
hashed are remembered: not an open error, not a file that changed while it was read.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from genai_lint.hashing import CacheDatabase, cache_key, file_identity, settled

if TYPE_CHECKING:
    from genai_lint.provenance import Scan

MAX_RESULT = 16 * 1024
"""A scan whose result is longer (many markers) is not remembered; SQLite's length limit here is 64 KiB."""
MARKER_TYPES = (str, str, str, int, bool, str)
"""The types of a remembered marker's fields: kind, value, where, offset, generative, summary."""


class ScanCache(CacheDatabase):
    """Remembered scans, by (sha256, extension) and scanner fingerprint."""

    FILE = "scans-v1.sqlite"
    SCHEMA = {
        ("table", "scans"): "CREATE TABLE scans (key TEXT PRIMARY KEY, scanner TEXT, result TEXT)",
        ("index", "sqlite_autoindex_scans_1"): None,
        ("table", "origin"): "CREATE TABLE origin (device INTEGER, inode INTEGER)",
    }
    INSERT = "INSERT OR REPLACE INTO scans VALUES (?, ?, ?)"

    def __init__(self, root: Path, create: bool = True):
        super().__init__(root, create)
        self.scanner = scanner_fingerprint()
        """The scanner's fingerprint, shortened: stored in every row."""

    def scan_many(self, files: list[tuple[str, str, os.stat_result]]) -> Iterator[Scan]:
        """The scan of each of ``files`` (path, sha256, the stat it was hashed with): remembered (looked up
        together), or read as it is asked for."""
        from genai_lint.provenance import scan

        keys = [_key(digest, path) for path, digest, _ in files]
        rows = self._select("SELECT key, scanner, result FROM scans WHERE key IN ({})", keys)
        read_back: dict[str, Scan | None] = {}  # most files of a delivery share a few results (a clean EXR)
        remembered: list[Scan | None] = []
        for key in keys:
            row = rows.get(key)
            text = row[1] if row is not None and row[0] == self.scanner and isinstance(row[1], str) else None
            if text is not None and text not in read_back:
                read_back[text] = _scan_of(text)
            remembered.append(read_back[text] if text is not None else None)
        keys = rows = read_back = None  # type: ignore[assignment]  # only the scans stay while the batch is judged
        for (path, digest, info), found in zip(files, remembered):
            if found is None:
                started = time.time_ns()
                found = scan(path)
                if self.scanner is not None and _read_as_hashed(path, info, found, started):
                    result = _text_of(found)
                    if len(result) <= MAX_RESULT:
                        self._remember((_key(digest, path), self.scanner, result))
            yield found


def scan_all(files: list[tuple[str, str, os.stat_result]], cache: ScanCache | None) -> Iterator[Scan]:
    """The scan of each of ``files`` (path, sha256, the stat it was hashed with), through ``cache`` if any, each
    read as it is asked for."""
    if cache is not None:
        return cache.scan_many(files)
    from genai_lint.provenance import scan

    return (scan(path) for path, _, _ in files)


def scanner_fingerprint() -> str | None:
    """What a scan's result depends on besides the file: the scanner's code and its optional decoder; ``None``
    (nothing remembered) when the code cannot be read."""
    import importlib.util
    import sys

    from genai_lint import provenance, safe_text

    digest = hashlib.sha256(b"python %d.%d\0brotli %d\0" % (*sys.version_info[:2],
                                                            importlib.util.find_spec("brotli") is not None))
    sources = sorted(Path(provenance.__file__).parent.glob("*.py")) + [Path(safe_text.__file__)]
    try:
        for source in sources:
            digest.update(source.name.encode() + b"\0" + source.read_bytes() + b"\0")
    except OSError:
        return None
    return digest.hexdigest()[:16]  # stored in every row: 64 bits tell scanners apart


def _key(digest: str, path: str) -> str:
    """The row of a file with this sha256 and name: its digest and its extension in lower case."""
    return f"{digest} {cache_key(os.path.splitext(path)[1].lower())}"


def _read_as_hashed(path: str, info: os.stat_result, found: Scan, started_ns: int) -> bool:
    """Whether ``found`` is the scan of the bytes hashed: the file was read (not refused at opening), had
    settled before, and is the same file (same identity as when hashed) after."""
    if found.work.examined == 0 and found.format != "empty":
        return False
    try:
        return settled(info, started_ns) and file_identity(os.lstat(path)) == file_identity(info)
    except OSError:
        return False


def _text_of(found: Scan) -> str:
    return json.dumps([found.format, found.reader, found.problem,
                       [[marker.kind, marker.value, marker.where, marker.offset, marker.generative, marker.summary]
                        for marker in found.markers]], separators=(",", ":"))


def _scan_of(text: str) -> Scan | None:
    """The scan remembered as ``text``, or ``None`` when it does not read back exactly as written."""
    from genai_lint.provenance import Marker, Scan

    try:
        fmt, reader, problem, markers = json.loads(text)
    except (ValueError, TypeError, RecursionError):  # not four fields, not JSON, nested past the parser
        return None
    if (not isinstance(fmt, str) or not isinstance(reader, (str, type(None))) or not isinstance(problem, (str, type(None)))
            or not isinstance(markers, list)
            or not all(isinstance(marker, list) and len(marker) == len(MARKER_TYPES)
                       and all(type(field) is kind for field, kind in zip(marker, MARKER_TYPES)) for marker in markers)):
        return None
    return Scan(fmt, reader, tuple(Marker(*marker) for marker in markers), problem)
