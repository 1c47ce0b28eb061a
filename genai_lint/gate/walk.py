"""The delivery as walked: every regular file with its one ``lstat`` and every place the walk could not go,
streamed in the order of the paths, never following a symlink out of the delivery."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator


@dataclass(slots=True)
class Walked:
    """One entry of the delivery as walked: a regular file and its one ``lstat``, or what stopped the walk there."""

    rel: str
    """The path relative to the delivery folder, ``/``-separated (``""``: the folder itself)."""
    path: str
    """The path as walked (the delivery folder, then ``rel``)."""
    info: os.stat_result | None = None
    problem: str | None = None


SPECIAL_FILE_SYSTEM = "on a special file system (like /proc or /sys): not read"


def walk(delivery: Path) -> Iterator[Walked]:
    """Every regular file under ``delivery`` and every place the walk could not go (no symlink followed out of
    it, nothing opened but folders), streamed in the order of their relative paths as text; one ``lstat`` per
    entry, only the open folders' sorted names held."""
    top = os.fspath(delivery)
    real_root = Path(os.path.realpath(top))
    pseudo: dict[int, bool] = {}

    def special(path: str, device: int) -> bool:
        """On a file system with no storage (/proc, /sys): its files are not data and may never end."""
        if device not in pseudo:
            try:
                pseudo[device] = os.statvfs(path).f_blocks == 0
            except (OSError, AttributeError):  # no statvfs (Windows): nothing of the kind there
                return False
        return pseudo[device]

    try:
        if special(top, os.lstat(top).st_dev):
            yield Walked("", top, problem=SPECIAL_FILE_SYSTEM)
            return
        stack = [("", _sorted_entries(top))]
    except OSError as exc:
        yield Walked("", top, problem=f"cannot be read ({exc.strerror})")
        return
    while stack:
        prefix, entries = stack[-1]
        if not entries:
            stack.pop()
            continue
        entry = entries.pop()  # a visited entry (and the stat it cached) is let go
        rel = prefix + entry.name
        try:
            if entry.is_symlink():
                problem = _symlink_problem(Path(entry.path), real_root)
                if _leads_to_folder(entry):
                    yield Walked(rel, entry.path, problem=problem or "symlink to a folder: not followed")
                elif problem:
                    yield Walked(rel, entry.path, problem=problem)
                continue  # a link to a file inside the package: its target is scanned where it lies
            info = entry.stat(follow_symlinks=False)
            if stat.S_ISDIR(info.st_mode):
                if special(entry.path, info.st_dev):
                    yield Walked(rel, entry.path, problem=SPECIAL_FILE_SYSTEM)
                else:
                    stack.append((rel + "/", _sorted_entries(entry.path)))
            elif stat.S_ISREG(info.st_mode):
                yield Walked(rel, entry.path, info)
            else:
                yield Walked(rel, entry.path, problem="not a regular file (a device, FIFO or socket)")
        except OSError as exc:  # a name past PATH_MAX, a folder unreadable or gone meanwhile: that entry only
            yield Walked(rel, entry.path, problem=f"cannot be read ({exc.strerror})")


def _leads_to_folder(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()
    except OSError:  # a loop
        return False


def _sorted_entries(folder: str) -> list[os.DirEntry]:
    """The entries of ``folder`` in the reverse order of the paths below it as text (a folder sorts as ``name/``),
    to be popped."""
    with os.scandir(folder) as listing:
        entries = list(listing)

    def key(entry: os.DirEntry) -> str:
        try:
            return entry.name + "/" if entry.is_dir(follow_symlinks=False) else entry.name
        except OSError:
            return entry.name

    return sorted(entries, key=key, reverse=True)


def _symlink_problem(path: Path, real_root: Path) -> str | None:
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return "broken or looping symlink: not followed"
    if target != real_root and real_root not in target.parents:
        return "symlink to a place outside the delivery folder: not followed"
    return None
