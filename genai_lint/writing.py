"""The one way genai-lint writes a file: whole or not at all.

Every file the tool writes (manifests edited by ``hash`` and ``add``, the files ``init``
scaffolds, baselines and report outputs) goes through :func:`atomic_write`: the new content
goes to a private temporary file in the same folder (a chunk at a time when it comes in chunks,
so a large inventory is never held whole), is flushed and fsynced, takes the original file's
permission bits, and is renamed over the target in one step; the folder is then fsynced so the
rename survives a crash. Readers, and a second genai-lint writing the same file at the same
time, see the old file or the new one, never a mix. When anything fails on the way, the
temporary file is removed and the original is left byte-for-byte as it was. A target that is a
device or a FIFO (``--output sarif:/dev/stdout``) is written to, never replaced.

A file with several hard links is rewritten in place (every name keeps seeing it), extended
attributes are copied to the new file, a read-only file is refused, and an error names the file.
Read-edit-write cycles (``hash``, ``add``, ``init``, baselines) run under :func:`edit_lock`, an
advisory lock file beside the target, so concurrent writers take turns and none loses an edit;
the lock holder also removes temporary files that a killed run left behind.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

__all__ = ["atomic_write", "write_text_atomic", "write_private", "replace_if_unchanged", "ChangedOnDisk",
           "edit_lock"]


class ChangedOnDisk(OSError):
    """The file changed between reading it and writing the edited version; nothing was written."""


Content = bytes | str | Iterable[bytes | str]
"""What is written: bytes, text (as UTF-8, unchanged), or chunks of either, written as they come."""


def atomic_write(path: Path | str, data: Content, *, exclusive: bool = False) -> None:
    """Replace (or create) ``path`` with ``data`` atomically. ``str`` is written as UTF-8, unchanged.

    A symlink is followed: the file it points at is replaced and the link stays a link.
    The original's permission bits (and owner, where the process may set it) are kept; a new
    file gets the usual ``0666 & ~umask``. ``exclusive=True`` refuses (``FileExistsError``) when
    ``path`` exists by the time the file would be put in place, so a concurrent creator is never
    overwritten.
    """
    try:
        _atomic_write(path, _chunks(data), exclusive)
    except OSError as exc:
        if exc.filename is None:  # a full disk says "No space left on device": say which file
            raise OSError(exc.errno, exc.strerror or str(exc), str(path)) from None
        raise


def _chunks(data: Content) -> Iterator[bytes]:
    for chunk in [data] if isinstance(data, (bytes, bytearray, memoryview, str)) else data:
        yield chunk.encode("utf-8") if isinstance(chunk, str) else bytes(chunk)


def _atomic_write(path: Path | str, payload: Iterable[bytes], exclusive: bool) -> None:
    target = Path(os.path.realpath(path))
    directory = target.parent
    try:
        existing: os.stat_result | None = os.stat(path)  # the file a symlink leads to, as for ``target``
    except FileNotFoundError:
        existing = None
    if existing is not None and exclusive:
        raise FileExistsError(17, "File exists", str(path))
    if existing is not None and not stat.S_ISREG(existing.st_mode):
        _write_through(Path(path), existing, payload)  # not ``target``: /dev/stdout may lead to "pipe:[…]"
        return
    if existing is not None and not existing.st_mode & 0o222:
        raise PermissionError(errno.EACCES, "the file is read-only: nothing written (make it writable first)",
                              str(path))
    if existing is not None and existing.st_nlink > 1:
        _write_in_place(target, payload)  # a rename would cut the other hard links off
        return
    import tempfile  # imported here: a plain check never writes

    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)  # 0600, O_EXCL
    try:
        try:
            _write_all(handle, payload)
            _set_mode(handle, existing)  # private until whole
            if existing is not None:
                _copy_xattrs(target, handle)
            os.fsync(handle)
        finally:
            os.close(handle)
        if exclusive:
            _link_exclusive(temporary, target)
        else:
            os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _fsync_directory(directory)


def _write_in_place(target: Path, payload: Iterable[bytes]) -> None:
    """Overwrite the file itself (same inode, so every hard link sees the new text), then trim and fsync it."""
    handle = os.open(target, os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0))
    try:
        os.ftruncate(handle, _write_all(handle, payload))
        os.fsync(handle)
    finally:
        os.close(handle)


def _copy_xattrs(source: Path, handle: int) -> None:
    """Extended attributes of the file being replaced, onto the new one (those this user may set)."""
    if not hasattr(os, "listxattr"):
        return
    try:
        names = os.listxattr(source)
    except OSError:
        return
    for name in names:
        with contextlib.suppress(OSError):
            os.setxattr(handle, name, os.getxattr(source, name))


LOCK_SUFFIX = ".lock"


@contextlib.contextmanager
def edit_lock(path: Path | str) -> Iterator[None]:
    """Hold the advisory lock of ``path`` for a read-edit-write: ``.NAME.lock`` beside the real file.

    Writers that take it run one after the other, so each re-reads the file under the lock and
    none loses another's edit. The holder removes the temporary files a killed writer left
    (``.NAME.*.tmp``) and, on release, the lock file itself. Where ``fcntl`` is missing (Windows)
    nothing is locked.
    """
    try:
        import fcntl
    except ImportError:
        yield
        return
    target = Path(os.path.realpath(path))
    lock = target.parent / f".{target.name}{LOCK_SUFFIX}"
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    while True:
        try:
            handle = os.open(lock, flags, 0o600)
        except OSError as exc:
            raise OSError(exc.errno, f"cannot take the lock {lock.name} ({exc.strerror})", str(path)) from None
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            same = os.path.samestat(os.fstat(handle), os.lstat(lock))
        except FileNotFoundError:
            same = False
        if same:  # not a lock file its last holder removed while this one waited
            break
        os.close(handle)
    try:
        _remove_stale_temporaries(target)
        yield
    finally:
        with contextlib.suppress(OSError):
            os.unlink(lock)
        os.close(handle)


def _remove_stale_temporaries(target: Path) -> None:
    """``.NAME.*.tmp`` files beside ``target``: only a writer killed mid-write leaves one (the lock is held)."""
    prefix = f".{target.name}."
    with contextlib.suppress(OSError), os.scandir(target.parent) as entries:
        for entry in entries:
            if entry.name.startswith(prefix) and entry.name.endswith(".tmp") and entry.is_file(follow_symlinks=False):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


def write_text_atomic(path: Path, text: str | Iterable[str]) -> None:
    """Text (UTF-8), whole or in chunks, through :func:`atomic_write`; kept for the callers that write reports."""
    atomic_write(path, text)


def write_private(path: Path, data: bytes | str) -> None:
    """Replace ``path`` with ``data`` readable and writable by this user only, for disposable caches.

    Whatever stands at ``path`` (a symlink, a FIFO, another user's file) is replaced by the rename,
    never followed or written through; the caller vouches for the folder. Not fsynced: a cache
    entry lost in a crash is only a slower run.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    import tempfile

    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        try:
            _write_all(handle, [payload])
        finally:
            os.close(handle)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def replace_if_unchanged(path: Path, original: bytes, new: bytes) -> bool:
    """Write ``new`` over ``path`` if it still holds ``original``; ``False`` when nothing needed writing.

    Guards a read-edit-write against an editor saving the file meanwhile (hashing large media
    takes time). When the file already holds ``new`` (another genai-lint run made the same
    edit) that is success. Otherwise :class:`ChangedOnDisk` is raised and nothing is written.
    """
    try:
        with open(path, "rb") as stream:
            current = stream.read(len(original) + len(new) + 1)
    except FileNotFoundError:
        current = None
    if current == new:
        return False
    if current != original:
        raise ChangedOnDisk(f"{path} changed on disk while genai-lint was working on it; nothing written, run again")
    atomic_write(path, new)
    return True


def _link_exclusive(temporary: str, target: Path) -> None:
    """Put ``temporary`` in place as ``target`` only if ``target`` does not exist.

    ``link()`` fails when the name exists, where ``rename()`` would silently replace it. On a
    filesystem without hard links, fall back to a check then a rename.
    """
    try:
        os.link(temporary, target)
    except FileExistsError:
        raise
    except OSError:
        if os.path.lexists(target):
            raise FileExistsError(17, "File exists", str(target)) from None
        os.replace(temporary, target)
        return
    os.unlink(temporary)


def _write_through(target: Path, existing: os.stat_result, payload: Iterable[bytes]) -> None:
    """Write to a device or FIFO (``/dev/stdout``, a pipe) as a shell redirection would; never rename over it."""
    if stat.S_ISDIR(existing.st_mode):
        raise IsADirectoryError(21, "Is a directory", str(target))
    handle = os.open(target, os.O_WRONLY | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0))
    try:
        _write_all(handle, payload)
    finally:
        os.close(handle)


WRITE_SIZE = 1 << 16
"""Small chunks are gathered up to this many bytes per ``write``."""


def _write_all(handle: int, payload: Iterable[bytes]) -> int:
    """Write every chunk of ``payload``, 64 KiB at a time; the number of bytes written."""
    pending, total = bytearray(), 0
    for chunk in payload:
        total += len(chunk)
        if pending and len(pending) + len(chunk) > WRITE_SIZE:
            _write_out(handle, pending)
            pending.clear()
        if len(chunk) >= WRITE_SIZE:
            _write_out(handle, chunk)  # a large chunk as it is, not copied
        else:
            pending += chunk
    _write_out(handle, pending)
    return total


def _write_out(handle: int, data: bytes | bytearray) -> None:
    view = memoryview(data)
    while view:
        written = os.write(handle, view[:WRITE_SIZE])
        view = view[written:]


def _set_mode(handle: int, existing: os.stat_result | None) -> None:
    if not hasattr(os, "fchmod"):  # Windows: mkstemp's file is already an ordinary file
        return
    if existing is None:
        os.fchmod(handle, 0o666 & ~_umask())
        return
    os.fchmod(handle, stat.S_IMODE(existing.st_mode))
    if hasattr(os, "fchown"):
        info = os.fstat(handle)
        if (info.st_uid, info.st_gid) != (existing.st_uid, existing.st_gid):
            with contextlib.suppress(OSError):  # only root (or a group member) may; the mode is what matters
                os.fchown(handle, existing.st_uid, existing.st_gid)
            os.fchmod(handle, stat.S_IMODE(existing.st_mode))  # chown may clear set-id bits


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _fsync_directory(directory: Path) -> None:
    """Make the rename durable; not every platform or filesystem can fsync a folder."""
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)
    try:
        handle = os.open(directory, flags)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)
