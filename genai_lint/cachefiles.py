"""The files under ``.genai-lint-cache/``: hints, never truth.

A pull request can commit the cache folder, so nothing in it is believed on sight. A cache
folder is used only when it is a real folder (not a symlink) owned by this user; a cache file
only when it is a plain file (not a symlink, FIFO or device) owned by this user and writable by
no one else, and it is read with a size cap through a descriptor opened without following a
symlink or waiting on a FIFO. Anything else is ignored, never followed, and replaced on the
next write; the run says so once, in one line on stderr.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

CACHE_DIR = ".genai-lint-cache"
GITIGNORE = "# Created by genai-lint: a disposable cache (file hashes, parsed manifests).\n*\n"

_READ_FLAGS = (os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
               | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))
_said: set[str] = set()


def problem(info: os.stat_result, folder: bool = False) -> str | None:
    """Why a cache file (or ``folder``) with this ``lstat`` is not to be trusted; ``None`` when it is."""
    if stat.S_ISLNK(info.st_mode):
        return "it is a symlink"
    if folder and not stat.S_ISDIR(info.st_mode):
        return "it is not a folder"
    if not folder and not stat.S_ISREG(info.st_mode):
        return "it is not a plain file"
    if hasattr(os, "geteuid") and info.st_uid != os.geteuid():
        return "it belongs to another user"
    if not folder and info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return "other users may write it"
    return None


def trusted_folder(folder: Path, create: bool) -> Path | str | None:
    """``folder`` when it can be trusted (made here, private, when ``create``); else why not, or
    ``None`` when it does not exist and may not be created."""
    try:
        info = os.lstat(folder)
    except FileNotFoundError:
        if not create:
            return None
        try:
            os.mkdir(folder, 0o700)
        except FileExistsError:
            pass
        except OSError as exc:
            return exc.strerror or str(exc)
        info = os.lstat(folder)
    except OSError as exc:
        return exc.strerror or str(exc)
    return problem(info, folder=True) or folder


def cache_folder(root: Path, create: bool) -> Path | str | None:
    """``root/.genai-lint-cache`` as :func:`trusted_folder` sees it; a new one gets a ``.gitignore`` of ``*``."""
    folder = trusted_folder(root / CACHE_DIR, create)
    if create and isinstance(folder, Path) and not os.path.lexists(folder / ".gitignore"):
        from genai_lint.writing import write_private

        try:
            write_private(folder / ".gitignore", GITIGNORE)
        except OSError:
            pass
    return folder


def read_capped(path: Path, limit: int) -> bytes | str:
    """The bytes of the cache file ``path``, or why they were not read: not trusted, or over ``limit``
    bytes. At most ``limit + 1`` bytes are read; a symlink is not followed, a FIFO not waited on."""
    try:
        handle = os.open(path, _READ_FLAGS)
    except OSError as exc:
        return "it is a symlink" if os.path.islink(path) else (exc.strerror or str(exc))
    try:
        info = os.fstat(handle)
        reason = problem(info)
        if reason is None and info.st_size > limit:
            reason = f"it is larger than {limit} bytes"
        if reason is not None:
            return reason
        chunks, count = [], 0
        while count <= limit:
            chunk = os.read(handle, min(1 << 20, limit + 1 - count))
            if not chunk:
                break
            chunks.append(chunk)
            count += len(chunk)
        if count > limit:
            return f"it is larger than {limit} bytes"
        return b"".join(chunks)
    except OSError as exc:
        return exc.strerror or str(exc)
    finally:
        os.close(handle)


def say_ignored(path: Path, root: Path, reason: str, rebuilt: bool) -> None:
    """Tell once per run (one line on stderr, escaped) that the cache file or folder ``path`` was not trusted."""
    if str(path) in _said:
        return
    _said.add(str(path))
    from genai_lint.project import relative
    from genai_lint.safe_text import printable

    what = relative(path, root)
    action = "it is rebuilt" if rebuilt else "it is not used"
    sys.stderr.write(printable(f"genai-lint: warning: ignored the cache {what}: {reason}; {action}") + "\n")
    sys.stderr.flush()
