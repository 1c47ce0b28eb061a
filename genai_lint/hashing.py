"""SHA-256 of files at disk speed: streamed, in parallel, and remembered.

* Streamed in 1 MiB chunks into a reused buffer: memory stays bounded whatever the file size.
* Several files at once on a thread pool: hashlib releases the GIL while it hashes, so threads
  use every core.
* A cache keyed on (path, size, mtime_ns, inode) under the project root
  (``.genai-lint-cache/``, SQLite, safe for concurrent writers, disposable: a damaged cache is
  deleted and rebuilt) so that unchanged multi-GB media is not rehashed on every commit.
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
from pathlib import Path
from typing import Iterable

CHUNK = 1 << 20
CACHE_DIR = ".genai-lint-cache"
CACHE_FILE = "hashes-v1.sqlite"


def sha256_file(path: Path, progress: Progress | None = None) -> str:
    """Hex SHA-256 of the file at ``path``. Raises :class:`OSError` when it cannot be read."""
    digest = hashlib.sha256()
    buffer = bytearray(CHUNK)
    view = memoryview(buffer)
    with open(path, "rb", buffering=0) as stream:
        while True:
            count = stream.readinto(buffer)
            if not count:
                break
            digest.update(view[:count])
            if progress is not None:
                progress.advance(count)
    return digest.hexdigest()


def _key(path: Path) -> str:
    """The cache key of ``path``: its text, with the bytes of a name that is not UTF-8 escaped (SQLite needs UTF-8)."""
    text = str(path)
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return os.fsencode(text).decode("utf-8", "backslashreplace")


def ensure_cache_folder(folder: Path) -> None:
    """Create ``.genai-lint-cache/`` with a ``.gitignore`` that keeps all of it out of git."""
    folder.mkdir(exist_ok=True)
    ignore = folder / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# Created by genai-lint: a disposable cache (file hashes, parsed manifests).\n*\n")


def _identity(info: os.stat_result) -> tuple[int, int, int]:
    return (info.st_size, info.st_mtime_ns, info.st_ino)


class HashCache:
    """Remembered hashes under ``root/.genai-lint-cache``; every failure just means "not cached"."""

    def __init__(self, root: Path, create: bool = True):
        self.path = root / CACHE_DIR / CACHE_FILE
        self.create = create
        self._db = None
        self._pending: list[tuple] = []

    def _connect(self):
        if self._db is None and not self.create and not self.path.exists():
            self._db = False  # read-only use, and nothing to read
        if self._db is None:
            import sqlite3

            try:
                ensure_cache_folder(self.path.parent)
                self._db = self._open(sqlite3)
            except sqlite3.DatabaseError:
                self._discard()
                try:
                    self._db = self._open(sqlite3)
                except (OSError, sqlite3.Error):
                    self._db = False
            except (OSError, sqlite3.Error):
                self._db = False
        return self._db or None

    def _open(self, sqlite3):
        db = sqlite3.connect(self.path, timeout=10, isolation_level=None, check_same_thread=False)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE IF NOT EXISTS hashes (path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER,"
                   " inode INTEGER, sha256 TEXT)")
        db.execute("SELECT count(*) FROM hashes").fetchone()
        return db

    def _discard(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            try:
                os.unlink(str(self.path) + suffix)
            except OSError:
                pass

    def lookup(self, path: Path, info: os.stat_result) -> str | None:
        db = self._connect()
        if db is None:
            return None
        import sqlite3

        try:
            row = db.execute("SELECT size, mtime_ns, inode, sha256 FROM hashes WHERE path = ?", (_key(path),)).fetchone()
        except sqlite3.Error:
            return None
        if row and tuple(row[:3]) == _identity(info) and isinstance(row[3], str) and len(row[3]) == 64:
            return row[3]
        return None

    def remember(self, path: Path, info: os.stat_result, digest: str) -> None:
        self._pending.append((_key(path), *_identity(info), digest))

    def flush(self) -> None:
        db = self._connect()
        if db is None or not self._pending:
            return
        import sqlite3

        try:
            db.executemany("INSERT OR REPLACE INTO hashes VALUES (?, ?, ?, ?, ?)", self._pending)
        except sqlite3.Error:
            pass
        self._pending.clear()

    def close(self) -> None:
        """Write what was learnt and release the database (a closed cache reopens on demand)."""
        self.flush()
        if self._db:
            self._db.close()
        self._db = None


class Progress:
    """A one-line progress meter on stderr (files, bytes, rate), only for a terminal and long work."""

    def __init__(self, files: int, total: int, enabled: bool):
        self.files, self.total, self.enabled = files, total, enabled
        self.done_files = self.done_bytes = 0
        self.start = self.last = time.monotonic()

    def advance(self, count: int) -> None:
        self.done_bytes += count
        self._draw()

    def file_done(self) -> None:
        self.done_files += 1
        self._draw()

    def _draw(self) -> None:
        now = time.monotonic()
        if not self.enabled or now - self.last < 0.1 or now - self.start < 0.5:
            return
        self.last = now
        rate = self.done_bytes / max(now - self.start, 1e-6)
        sys.stderr.write(f"\r  hashing {self.done_files}/{self.files} files, {_size(self.done_bytes)}"
                         f" of {_size(self.total)}, {_size(rate)}/s ")
        sys.stderr.flush()

    def close(self) -> None:
        if self.enabled and time.monotonic() - self.start >= 0.5:
            sys.stderr.write("\r" + " " * 70 + "\r")
            sys.stderr.flush()


def _size(count: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if count < 1024 or unit == "GiB":
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1024
    return f"{count:.1f} TiB"


def show_progress(quiet: bool) -> bool:
    return not quiet and sys.stderr.isatty() and not os.environ.get("CI")


def hash_files(paths: Iterable[Path], cache: HashCache | None = None, quiet: bool = True,
               workers: int | None = None) -> dict[Path, str | OSError]:
    """SHA-256 of every file in ``paths`` (or the OSError that stopped it), using and filling ``cache``."""
    results: dict[Path, str | OSError] = {}
    todo: list[tuple[Path, os.stat_result]] = []
    for path in dict.fromkeys(paths):
        try:
            info = os.stat(path)
        except OSError as exc:
            results[path] = exc
            continue
        cached = cache.lookup(path, info) if cache is not None else None
        if cached is not None:
            results[path] = cached
        else:
            todo.append((path, info))
    if not todo:
        if cache is not None:
            cache.close()
        return results
    progress = Progress(len(todo), sum(info.st_size for _, info in todo), show_progress(quiet))

    def work(item: tuple[Path, os.stat_result]) -> tuple[Path, os.stat_result, str | OSError]:
        path, info = item
        try:
            digest: str | OSError = sha256_file(path, progress)
        except OSError as exc:
            digest = exc
        progress.file_done()
        return path, info, digest

    threads = workers or min(len(todo), os.cpu_count() or 1)
    if threads <= 1:
        done = map(work, todo)
    else:
        from concurrent.futures import ThreadPoolExecutor

        pool = ThreadPoolExecutor(max_workers=threads)
        done = pool.map(work, sorted(todo, key=lambda item: -item[1].st_size))
    for path, info, digest in done:
        results[path] = digest
        if cache is not None and isinstance(digest, str):
            cache.remember(path, info, digest)
    if threads > 1:
        pool.shutdown()
    progress.close()
    if cache is not None:
        cache.close()
    return results
