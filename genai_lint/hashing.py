"""SHA-256 of files at disk speed: streamed, in parallel, and remembered.

* Streamed in 1 MiB chunks into a reused buffer: memory stays bounded whatever the file size.
* Several files at once on a thread pool: hashlib releases the GIL while it hashes, so threads
  use every core.
* A cache keyed on (path, size, mtime_ns, ctime_ns, inode, device) under the project root
  (``.genai-lint-cache/``, SQLite, safe for concurrent writers, disposable: a damaged cache, or
  one this checkout did not make, is ignored and rebuilt) so that unchanged multi-GB media is not
  rehashed on every commit.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
import sys
import time
from pathlib import Path
from typing import Iterable

from genai_lint.cachefiles import CACHE_DIR, cache_folder, problem, say_ignored

CHUNK = 1 << 20
CACHE_FILE = "hashes-v2.sqlite"


def sha256_file(path: str | Path, progress: Progress | None = None) -> str:
    """Hex SHA-256 of the regular file at ``path``. Raises :class:`OSError` when it cannot be read; a FIFO
    or device is refused, never waited on."""
    digest = hashlib.sha256()
    with open(path, "rb", buffering=0, opener=_open_nonblocking) as stream:
        info = os.fstat(stream.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        buffer = bytearray(min(CHUNK, info.st_size + 1))  # a small file needs no 1 MiB buffer
        view = memoryview(buffer)
        while True:
            count = stream.readinto(buffer)
            if not count:
                break
            digest.update(view[:count])
            if progress is not None:
                progress.advance(count)
    return digest.hexdigest()


def _open_nonblocking(path: str, flags: int) -> int:
    """Open without waiting: a FIFO swapped in for a file has no writer to wait for."""
    return os.open(path, flags | getattr(os, "O_NONBLOCK", 0))


def cache_key(path: str | Path) -> str:
    """The cache key of ``path``: its text, with the bytes of a name that is not UTF-8 escaped (SQLite needs UTF-8)."""
    text = str(path)
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return os.fsencode(text).decode("utf-8", "backslashreplace")


def file_identity(info: os.stat_result) -> tuple[int, int, int, int, int]:
    """What changes whenever the file's bytes do: ``ctime`` moves on every write, even when the
    mtime is put back (``cp -p``, ``rsync -t --inplace``, ``touch -r``), and no user can set it."""
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev)


SETTLED_NS = 50_000_000
"""A file changed less than this before it was hashed (2 s on a file system keeping whole seconds)
could change again within the same timestamp tick without its ctime moving: it is not remembered."""
TICKS = 10_000
"""Budget of one statement, in progress-handler calls of 1,000 SQLite instructions each (about 0.1 s)."""
BATCH = 5_000
"""Rows written per statement budget."""
FLUSH_EVERY = 20_000
"""Rows remembered before they are written (memory stays bounded on a delivery of millions of files)."""
LOOKUP_BATCH = 16
"""Paths looked up per statement (SQLite's variable limit, lowered below, is 16)."""
HASH_TABLES = {
    ("table", "hashes"): "CREATE TABLE hashes (path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER,"
                         " ctime_ns INTEGER, inode INTEGER, device INTEGER, sha256 TEXT)",
    ("index", "sqlite_autoindex_hashes_1"): None,
    ("table", "origin"): "CREATE TABLE origin (device INTEGER, inode INTEGER)",
}
"""Everything the cache database may contain: ``origin`` is the database file's own identity,
written when this checkout created it, so a database committed or copied from elsewhere is not ours."""
LIMITS = {"SQLITE_LIMIT_LENGTH": 1 << 16, "SQLITE_LIMIT_SQL_LENGTH": 1 << 12, "SQLITE_LIMIT_COLUMN": 16,
          "SQLITE_LIMIT_EXPR_DEPTH": 16, "SQLITE_LIMIT_COMPOUND_SELECT": 2, "SQLITE_LIMIT_VDBE_OP": 1000,
          "SQLITE_LIMIT_FUNCTION_ARG": 4, "SQLITE_LIMIT_ATTACHED": 0, "SQLITE_LIMIT_LIKE_PATTERN_LENGTH": 16,
          "SQLITE_LIMIT_VARIABLE_NUMBER": 16, "SQLITE_LIMIT_TRIGGER_DEPTH": 1}
"""SQLite's limits, lowered to what these few statements need (SQLite's "defense against the dark arts")."""
_COMPANIONS = ("-wal", "-shm", "-journal")


def settled(info: os.stat_result, at_ns: int) -> bool:
    """Whether a file with ``info`` read at ``at_ns`` was read as it stays: it had not changed just before
    (within :data:`SETTLED_NS`, or 2 s on a file system keeping whole seconds)."""
    settle = SETTLED_NS if info.st_ctime_ns % 1_000_000_000 else 2_000_000_000
    return at_ns - max(info.st_ctime_ns, info.st_mtime_ns) > settle


class Untrusted(Exception):
    """The cache database is not one this checkout made, or is damaged: ignore it, rebuild it."""


class CacheDatabase:
    """A SQLite cache under ``root/.genai-lint-cache``: used only when this user made the database here (see
    :mod:`genai_lint.cachefiles`) and it holds exactly the tables of :attr:`SCHEMA`, read through a read-only
    connection whose every statement has a budget. Every failure just means "not cached". A subclass names
    its :attr:`FILE`, :attr:`SCHEMA` (``origin`` included) and the :attr:`INSERT` that :meth:`flush` runs on
    the rows it collected in ``_pending``."""

    FILE: str
    SCHEMA: dict[tuple[str, str], str | None]
    INSERT: str

    def __init__(self, root: Path, create: bool = True):
        self.root = root
        self.path = root / CACHE_DIR / self.FILE
        self.create = create
        self.ticks = 0
        """Progress-handler calls of the current statement (each is 1,000 SQLite instructions)."""
        self.distrusted: str | None = None
        self._reader = None
        self._pending: list[tuple] = []
        self._rebuilt = False

    def _select(self, sql: str, keys: list[str]) -> dict[object, tuple]:
        """Rows of ``sql`` (``... WHERE key IN ({})``), :data:`LOOKUP_BATCH` keys per statement, by their first
        column; empty when the database is not there, not trusted or busy."""
        db = self._read_connection()
        if db is None:
            return {}
        import sqlite3

        rows: dict[object, tuple] = {}
        try:
            for start in range(0, len(keys), LOOKUP_BATCH):
                chunk = keys[start:start + LOOKUP_BATCH]
                rows.update((row[0], row[1:]) for row in self._run(db, sql.format(", ".join("?" * len(chunk))),
                                                                   chunk).fetchall())
        except sqlite3.Error as exc:
            if not _busy(exc):
                self._distrust(f"it cannot be read ({exc})")
            return {}
        return rows

    def _remember(self, row: tuple) -> None:
        self._pending.append(row)
        if len(self._pending) >= FLUSH_EVERY:
            self.flush()

    def flush(self) -> None:
        """Write what was learnt, into a database this checkout makes anew if the old one was not trusted."""
        pending, self._pending = self._pending, []
        if not self.create:
            return
        if self.distrusted is not None and not self._rebuilt:
            self._discard()
            self._rebuilt = True
        if not pending:
            return
        import sqlite3

        db = None
        try:
            db = self._write_connection()
            for start in range(0, len(pending), BATCH):
                db.execute("BEGIN IMMEDIATE")  # one commit (and its fsyncs) per batch, not per row
                self._run(db, self.INSERT, pending[start:start + BATCH], many=True)
                db.execute("COMMIT")
        except (OSError, sqlite3.Error, Untrusted):
            pass
        finally:
            if db is not None:
                db.close()

    def close(self) -> None:
        """Write what was learnt and release the database (a closed cache reopens on demand)."""
        if self._reader:
            self._reader.close()
        self._reader = None
        self.flush()

    # The database --------------------------------------------------------------------------

    def _read_connection(self):
        """The read-only connection, opened on first use; ``None`` when there is nothing to trust."""
        if self._reader is None:
            import sqlite3

            self._reader = False
            try:
                if self._usable_file(create=False):
                    db = self._connect("ro")
                    try:
                        if self._check_schema(db) == "ours":
                            self._reader = db
                    finally:
                        if not self._reader:
                            db.close()
            except Untrusted as exc:
                self._distrust(str(exc))
            except sqlite3.Error as exc:
                if not _busy(exc):
                    self._distrust(f"it cannot be read ({exc})")
            except OSError:
                pass
        return self._reader or None

    def _write_connection(self):
        """A read-write connection to a database this checkout made (made now if needed)."""
        import sqlite3

        for attempt in (1, 2):
            if not self._usable_file(create=True):
                raise Untrusted("no cache folder")
            db = self._connect("rw")
            try:
                db.execute("BEGIN IMMEDIATE")
                if self._check_schema(db) == "empty":
                    for sql in filter(None, self.SCHEMA.values()):
                        db.execute(sql)
                    info = os.lstat(self.path)
                    db.execute("INSERT INTO origin VALUES (?, ?)", (info.st_dev, info.st_ino))
                db.execute("COMMIT")
                return db
            except (Untrusted, sqlite3.DatabaseError) as exc:
                db.close()
                if attempt == 2 or _busy(exc):
                    raise Untrusted(str(exc)) from exc
                self._distrust(str(exc))
                self._discard()
            except BaseException:
                db.close()
                raise
        raise AssertionError("unreachable")

    def _usable_file(self, create: bool) -> bool:
        """Whether the database file (made empty and private now, when ``create``) may be opened.
        Raises :class:`Untrusted` for a file or companion (``-wal``, ``-journal``) not ours."""
        folder = cache_folder(self.root, create)
        if not isinstance(folder, Path):
            if folder is not None:
                say_ignored(self.path.parent, self.root, folder, rebuilt=False)
            return False
        for suffix in _COMPANIONS:
            try:
                reason = problem(os.lstat(f"{self.path}{suffix}"))
            except FileNotFoundError:
                continue
            if reason:
                raise Untrusted(f"its {suffix[1:]} file: {reason}")
        try:
            info = os.lstat(self.path)
        except FileNotFoundError:
            if not create:
                return False
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
            try:
                os.close(os.open(self.path, flags, 0o600))
            except FileExistsError:
                pass  # another run made it meanwhile
            info = os.lstat(self.path)
        reason = problem(info)
        if reason:
            raise Untrusted(reason)
        return True

    def _connect(self, mode: str):
        """A connection with a busy timeout, SQLite's limits lowered, a budget on every statement,
        no trust in the schema's functions, and no extension loading."""
        import sqlite3
        from urllib.parse import quote

        db = sqlite3.connect(f"file:{quote(os.fsencode(self.path))}?mode={mode}", uri=True, timeout=10,
                             isolation_level=None, check_same_thread=False)
        for name, value in LIMITS.items():
            db.setlimit(getattr(sqlite3, name), value)
        db.set_progress_handler(self._tick, 1000)
        db.execute("PRAGMA trusted_schema=OFF")
        db.execute("PRAGMA cell_size_check=ON")
        return db

    def _tick(self) -> int:
        self.ticks += 1
        return self.ticks > TICKS

    def _run(self, db, sql: str, parameters, many: bool = False):
        self.ticks = 0
        return db.executemany(sql, parameters) if many else db.execute(sql, parameters)

    def _check_schema(self, db) -> str:
        """``"ours"``, or ``"empty"`` (being made by another run); raises :class:`Untrusted` for anything
        else (a view, a trigger, another table or column) before any query touches ``hashes``."""
        rows = self._run(db, "SELECT type, name, sql FROM sqlite_master LIMIT 8", ()).fetchall()
        found = {(kind, name): sql for kind, name, sql in rows}
        if not found:
            return "empty"
        if found != self.SCHEMA:
            raise Untrusted("its tables are not the ones genai-lint makes")
        origin = self._run(db, "SELECT device, inode FROM origin LIMIT 2", ()).fetchall()
        info = os.lstat(self.path)
        if origin != [(info.st_dev, info.st_ino)]:
            raise Untrusted("it was not made in this checkout")
        return "ours"

    def _distrust(self, reason: str) -> None:
        if self._reader:
            self._reader.close()
        self._reader = False
        if self.distrusted is None:
            self.distrusted = reason
            say_ignored(self.path, self.root, reason, rebuilt=self.create)

    def _discard(self) -> None:
        """Remove the database and its companions (a symlink is removed, never followed)."""
        for suffix in ("", *_COMPANIONS):
            try:
                os.unlink(f"{self.path}{suffix}")
            except OSError:
                pass


class HashCache(CacheDatabase):
    """Remembered hashes, keyed on (path, size, mtime_ns, ctime_ns, inode, device)."""

    FILE = CACHE_FILE
    SCHEMA = HASH_TABLES
    INSERT = "INSERT OR REPLACE INTO hashes VALUES (?, ?, ?, ?, ?, ?, ?)"

    def lookup(self, path: str | Path, info: os.stat_result) -> str | None:
        return self.lookup_many([(path, info)])[0]

    def lookup_many(self, files: list[tuple[str | Path, os.stat_result]]) -> list[str | None]:
        """The remembered hash of each of ``files`` (path and stat) whose identity is unchanged, else ``None``;
        :data:`LOOKUP_BATCH` paths per statement."""
        keys = [cache_key(path) for path, _ in files]
        rows = self._select("SELECT path, size, mtime_ns, ctime_ns, inode, device, sha256 FROM hashes "
                            "WHERE path IN ({})", keys)
        found: list[str | None] = [None] * len(files)
        for number, (key, (_, info)) in enumerate(zip(keys, files)):
            row = rows.get(key)
            if row and tuple(row[:5]) == file_identity(info) and isinstance(row[5], str) and len(row[5]) == 64:
                found[number] = row[5]
        return found

    def remember(self, path: str | Path, info: os.stat_result, digest: str, hashed_at_ns: int) -> None:
        """Remember ``digest`` for the file with ``info``, unless it changed just before ``hashed_at_ns``."""
        if settled(info, hashed_at_ns):
            self._remember((cache_key(path), *file_identity(info), digest))


def _busy(exc: Exception) -> bool:
    """Another genai-lint holds the database: a miss this time, not a reason to distrust it."""
    return getattr(exc, "sqlite_errorname", "") in ("SQLITE_BUSY", "SQLITE_LOCKED")


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


def hash_files(paths: Iterable[str | Path], cache: HashCache | None = None, quiet: bool = True,
               workers: int | None = None) -> dict[str | Path, str | OSError]:
    """SHA-256 of every file in ``paths`` (or the OSError that stopped it), using and filling ``cache``."""
    results: dict[str | Path, str | OSError] = {}
    stated: list[tuple[str | Path, os.stat_result]] = []
    for path in dict.fromkeys(paths):
        try:
            stated.append((path, os.stat(path)))
        except OSError as exc:
            results[path] = exc
    hasher = Hasher(cache, workers, quiet=quiet)
    try:
        results.update(zip((path for path, _ in stated), hasher.hash(stated)))
    finally:
        hasher.close()
    return results


SMALL_GROUP = 256
"""Small files hashed by one task of the thread pool (a task per file would cost more than the hashing)."""


class Hasher:
    """Hashes batches of stat'ed files through ``cache``: remembered ones looked up together, the others
    read on a thread pool kept for the whole run (large files one per task, small ones in groups)."""

    def __init__(self, cache: HashCache | None, workers: int | None = None, quiet: bool = True):
        self.cache = cache
        self.workers = workers or os.cpu_count() or 1
        self.quiet = quiet
        self._pool = None

    def hash(self, files: list[tuple[str | Path, os.stat_result]]) -> list[str | OSError]:
        """The SHA-256 of each of ``files`` (path and its stat), or the OSError that stopped it, in order."""
        results: list[str | OSError | None] = (self.cache.lookup_many(files) if self.cache is not None
                                               else [None] * len(files))
        todo = sorted((number for number, digest in enumerate(results) if digest is None),
                      key=lambda number: -files[number][1].st_size)
        if not todo:
            return results  # type: ignore[return-value]
        started = time.time_ns()
        progress = Progress(len(todo), sum(files[number][1].st_size for number in todo), show_progress(self.quiet))
        groups: list[list[int]] = [[]]
        for number in todo:
            if files[number][1].st_size >= CHUNK or len(groups[-1]) >= SMALL_GROUP:
                groups.append([])
            groups[-1].append(number)

        def work(group: list[int]) -> list[str | OSError]:
            done: list[str | OSError] = []
            for number in group:
                path, info = files[number]
                try:
                    done.append(sha256_file(path, progress))
                except OSError as exc:
                    done.append(exc)
                progress.file_done()
            return done

        groups = [group for group in groups if group]
        if self.workers > 1 and len(groups) > 1:
            if self._pool is None:
                from concurrent.futures import ThreadPoolExecutor

                self._pool = ThreadPoolExecutor(max_workers=self.workers)
            finished = self._pool.map(work, groups)
        else:
            finished = map(work, groups)
        for group, digests in zip(groups, finished):
            for number, digest in zip(group, digests):
                results[number] = digest
                if self.cache is not None and isinstance(digest, str):
                    self.cache.remember(files[number][0], files[number][1], digest, started)
        progress.close()
        return results  # type: ignore[return-value]

    def close(self) -> None:
        """Stop the pool and write what the cache learnt."""
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None
        if self.cache is not None:
            self.cache.close()
