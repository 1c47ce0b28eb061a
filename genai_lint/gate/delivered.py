"""Each delivered file hashed (through the hash cache), matched by SHA-256 to the production's assets, and
scanned for provenance when no asset is it (through the scan cache)."""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

from genai_lint.context import Context
from genai_lint.gate.walk import Walked, walk
from genai_lint.hashing import HashCache, Hasher
from genai_lint.project import Entry, relative
from genai_lint.safe_text import valid_text

if TYPE_CHECKING:
    from genai_lint.provenance import Scan


@dataclass(slots=True)
class DeliveredFile:
    """One file of the delivery package and what the gate learnt about it."""

    path: str
    shown: str
    sha256: str | None = None
    problem: str | None = None
    assets: list[Entry] = field(default_factory=list)
    markers: list[Any] = field(default_factory=list)
    scan: Scan | None = None
    accepted: tuple[str, str] | None = None
    """The ``accept-unread`` (glob, reason) that accepted this file unread (its format has no reader)."""
    frame: int | None = None
    """The frame number, when the file is a frame of a matched frame-sequence asset."""
    size: int = 0
    """The size as walked (counted only for a file that was hashed)."""

    @property
    def name(self) -> str:
        return os.path.basename(self.path)


BATCH = 1024
"""Walked entries examined together (their cache lookups batched, their hashing spread over the pool)."""


def examine(delivery: Path, delivery_root: Path, ctx: Context, identify_all: bool = False,
            walked: Iterable[Walked] | None = None) -> Iterator[DeliveredFile]:
    """Every delivered file (those of ``walked``, default: the walk of ``delivery``) hashed, matched to assets
    and (unmatched, or all with ``identify_all``) scanned, streamed in walk order; paths shown relative to
    ``delivery_root``. Hashes and scans go through the caches (unless ``--no-cache``)."""
    from genai_lint.gate.scancache import ScanCache, scan_all

    shown = _shower(delivery, delivery_root)
    hasher = Hasher(HashCache(ctx.project.root) if ctx.settings.cache else None, quiet=ctx.settings.quiet)
    scans = ScanCache(ctx.project.root) if ctx.settings.cache else None
    matcher = AssetMatcher(ctx, hasher)
    try:
        for batch in _batches(walk(delivery) if walked is None else walked, BATCH):
            digests = matcher.hash([(entry.path, entry.info) for entry in batch if entry.info is not None])
            # a declared file is judged by its asset: scanned only for the inventory
            found = scan_all([(entry.path, digest, entry.info)
                              for entry, digest in zip((entry for entry in batch if entry.info is not None), digests)
                              if isinstance(digest, str) and (identify_all or digest not in matcher.by_hash)], scans)
            digests_left = iter(digests)
            for entry in batch:
                item = DeliveredFile(entry.path, shown(entry.rel), problem=entry.problem)
                if entry.info is not None:
                    item.size = entry.info.st_size
                    digest = next(digests_left)
                    if isinstance(digest, str):
                        item.sha256 = digest
                        matches = matcher.by_hash.get(digest, [])
                        item.assets = [asset for asset, _ in matches]
                        item.frame = next((frame for _, frame in matches if frame is not None), None)
                    else:
                        item.problem = f"cannot be read ({getattr(digest, 'strerror', None) or digest})"
                if item.sha256 and (identify_all or not item.assets):
                    item.scan = next(found)
                    item.markers = list(item.scan.markers)
                    if not item.assets:
                        item.problem = item.scan.problem
                        item.accepted = _accepted_unread(item, entry.rel, ctx.settings.accept_unread)
                        if item.accepted is not None:
                            item.problem = None
                yield item
            batch = digests = digests_left = found = None  # type: ignore[assignment]  # freed before the next batch
    finally:
        hasher.close()
        if scans is not None:
            scans.close()


def _batches(entries: Iterable[Walked], size: int) -> Iterator[list[Walked]]:
    batch: list[Walked] = []
    for entry in entries:
        batch.append(entry)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _shower(delivery: Path, delivery_root: Path) -> Callable[[str], str]:
    """How a path relative to ``delivery`` (as walked) is shown: relative to ``delivery_root`` (the delivery
    resolved, or its git top), as valid text."""
    base = relative(delivery.resolve(), delivery_root)

    def shown(rel: str) -> str:
        if not rel:
            return base
        return valid_text(rel) if base == "." else f"{base}/{valid_text(rel)}"

    return shown


def _accepted_unread(item: DeliveredFile, rel: str, globs: dict[str, str]) -> tuple[str, str] | None:
    """The ``accept-unread`` (glob, reason) covering ``item``, if nothing could read it and its name promises nothing readable.

    A file named like a format the scanner reads (``.png``) but holding something else is never
    accepted: that mismatch is the finding."""
    from genai_lint.provenance.registry import claimed_by

    if not globs or item.scan is None or item.scan.reader is not None or item.problem is None:
        return None
    if any(fmt.read is not None for fmt in claimed_by(Path(item.path).suffix.lower())):
        return None
    return next(((glob, reason) for glob, reason in globs.items()
                 if fnmatch.fnmatch(rel, glob) or fnmatch.fnmatch(item.name, glob)), None)


Match = tuple[Entry, "int | None"]
"""An asset a delivered file is, and the frame number when the asset is a frame sequence."""


class AssetMatcher:
    """Every asset under its declared sha256 and under the hash of its real file (each frame of a sequence
    under its own), each once per hash.

    The production's asset files are stat'ed once; those of a size no delivered file has are never
    hashed (a production far larger than its delivery costs one ``stat`` per asset file), the others
    when the first delivered file of their size comes past. A delivered file that is a hard link to
    an asset file is not read again."""

    def __init__(self, ctx: Context, hasher: Hasher):
        self.ctx = ctx
        self.hasher = hasher
        self.by_hash: dict[str, list[Match]] = {}
        self.candidates: dict[str, list[Match]] = {}
        self.by_size: dict[int, list[str]] = {}
        self.by_inode: dict[tuple[int, int], str | OSError] = {}
        """The hash of each hashed asset file that has other hard links, by (device, inode)."""
        for asset in ctx.project.assets:
            declared = asset.get("sha256")
            if isinstance(declared, str):
                self._put(declared.lower(), (asset, None))
        for asset in ctx.project.assets:
            sequence = ctx.sequence(asset)
            if sequence is not None:  # a sequence is matched frame by frame, from its real frame files
                for frame, path in sequence.present.items():
                    self._consider(os.fspath(path), (asset, frame))
                continue
            located = ctx.asset_file(asset)
            if located is not None and located.state == "ok" and located.path is not None:
                self._consider(os.fspath(located.path), (asset, None))

    def _consider(self, path: str, match: Match) -> None:
        if path not in self.candidates:
            try:
                size = os.stat(path).st_size  # only the size is kept: a stat result is ~0.5 KiB
            except OSError:
                return
            self.by_size.setdefault(size, []).append(path)
        self.candidates.setdefault(path, []).append(match)

    def _put(self, digest: str, match: Match) -> None:
        listed = self.by_hash.setdefault(digest, [])
        if not any(other is match[0] for other, _ in listed):
            listed.append(match)

    def hash(self, files: list[tuple[str, os.stat_result]]) -> list[str | OSError]:
        """The hash of each delivered file (path and stat), the asset files of their sizes hashed first."""
        for size in {info.st_size for _, info in files}:
            waiting = self.by_size.pop(size, [])
            for start in range(0, len(waiting), BATCH):
                stated = []
                for path in waiting[start:start + BATCH]:
                    try:
                        stated.append((path, os.stat(path)))
                    except OSError:
                        continue  # gone since: it matches nothing
                for (path, info), digest in zip(stated, self.hasher.hash(stated)):
                    if info.st_nlink > 1:  # a delivered file can be this very file
                        self.by_inode.setdefault((info.st_dev, info.st_ino), digest)
                    if isinstance(digest, str):
                        self.ctx.known_hashes[path] = digest
                        for match in self.candidates.pop(path):  # its matches now live under the hash
                            self._put(digest, match)
        known = [self.by_inode.get((info.st_dev, info.st_ino)) if info.st_nlink > 1 else None for _, info in files]
        todo = [number for number, digest in enumerate(known) if digest is None]
        for number, digest in zip(todo, self.hasher.hash([files[number] for number in todo])):
            known[number] = digest
        return known  # type: ignore[return-value]
