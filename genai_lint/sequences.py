"""Frame sequences: one asset whose ``path`` names many numbered files (``sh010_matte.####.exr``).

The pattern is the file name's ``#`` run (one ``#`` a digit, zero-padded) or a printf ``%04d``
(``%d``: no padding); ``frames:`` gives the frame set as ranges (``"1001-1040, 1050-1096"``).
A sequence's ``sha256`` is the SHA-256 of the UTF-8 text made of one line per frame in frame
order, ``<frame number> <sha256 of that frame's file>\\n`` (:func:`sequence_digest`).
"""

from __future__ import annotations

import bisect
import os
import re
from collections import namedtuple
from collections.abc import Iterable, Iterator
from pathlib import Path

MAX_FRAMES = 1_000_000
"""More frames than this in one ``frames:`` value is refused (a typo like ``1-99999999`` must not eat memory)."""

_PATTERN = r"(#+)|%(0?)(\d*)d"  # compiled on first use (re's cache): most paths name one file
_RANGE = r"\s*(-?\d+)\s*(?:-\s*(-?\d+)\s*)?"


class FramesError(ValueError):
    """A ``frames:`` value that is not a list of frame numbers and ranges."""


class Pattern(namedtuple("Pattern", "folder prefix suffix width unmistakable", defaults=(True,))):
    """A sequence's file name pattern, split around its frame number: ``prefix`` and ``suffix`` of the name.

    ``folder`` is the folder part of the path as written (``""`` when the pattern is a bare name);
    ``width``, the digits the number is padded to (0 for ``%d``: no padding); ``unmistakable``:
    ``##`` or more, or ``%0Nd``, which no one-file name is written as. A lone ``#`` or ``%d`` counts
    as a frame number only for an asset that gives ``frames:``.
    """

    __slots__ = ()

    def name(self, frame: int) -> str:
        """The file name of ``frame``, e.g. ``sh010.1001.exr``."""
        number = f"{frame:0{self.width}d}" if self.width else str(frame)
        return f"{self.prefix}{number}{self.suffix}"

    def path(self, frame: int) -> str:
        """The path of ``frame`` as written relative to the manifest."""
        return f"{self.folder}/{self.name(frame)}" if self.folder else self.name(frame)

    def frame_of(self, name: str) -> int | None:
        """The frame number a file ``name`` stands for, or ``None`` if it is not one of this sequence."""
        if not (name.startswith(self.prefix) and name.endswith(self.suffix)):
            return None
        digits = name[len(self.prefix):len(name) - len(self.suffix)]
        if not digits.isascii() or not digits.isdigit() or len(digits) < max(self.width, 1):
            return None
        if len(digits) > self.width and digits.startswith("0") and self.width:
            return None  # padded wider than the pattern
        return int(digits)


def parse_pattern(path: str) -> Pattern | None:
    """The sequence pattern ``path`` names, or ``None`` when it names one file."""
    folder, _, name = path.rpartition("/")
    if "#" not in name and "%" not in name:
        return None
    matches = list(re.finditer(_PATTERN, name))
    if len(matches) != 1:
        return None
    match = matches[0]
    width = len(match.group(1)) if match.group(1) else int(match.group(3) or 0)
    if match.group(2) == "" and match.group(3):  # %4d pads with spaces: no file is named that way
        return None
    return Pattern(folder, name[:match.start()], name[match.end():], width, unmistakable=width >= 2)


def parse_frames(text: str) -> list[int]:
    """The sorted frame numbers of ``"1001-1040, 1050"``; raises :class:`FramesError`."""
    frames: set[int] = set()
    for part in str(text).split(","):
        match = re.fullmatch(_RANGE, part)
        if match is None:
            raise FramesError(f"'{part.strip()}' is not a frame number or a range like 1001-1096")
        first = int(match.group(1))
        last = int(match.group(2)) if match.group(2) is not None else first
        if last < first:
            raise FramesError(f"range {first}-{last} runs backwards")
        if len(frames) + last - first + 1 > MAX_FRAMES:
            raise FramesError(f"more than {MAX_FRAMES:,} frames")
        frames.update(range(first, last + 1))
    return sorted(frames)


def format_ranges(frames: Iterable[int]) -> str:
    """``[1010, 1011, 1012, 1050]`` as ``"1010-1012, 1050"``."""
    return ", ".join(f"{first}-{last}" if last > first else str(first) for first, last in ranges(frames))


def ranges(frames: Iterable[int]) -> Iterator[tuple[int, int]]:
    """Runs of consecutive frames as (first, last) pairs."""
    run: list[int] = []
    for frame in sorted(frames):
        if run and frame == run[1] + 1:
            run[1] = frame
            continue
        if run:
            yield run[0], run[1]
        run = [frame, frame]
    if run:
        yield run[0], run[1]


def frames_on_disk(folder: str, pattern: Pattern, listing: tuple[list[str], set[str]] | None = None) -> dict[int, str]:
    """The names in ``folder`` that are frames of ``pattern`` (regular files or symlinks): frame number to name.
    ``listing``: the folder's :func:`frame_candidates`, when already listed (many sequences share a folder)."""
    found: dict[int, str] = {}
    names = (listing or frame_candidates(folder))[0]
    for position in range(bisect.bisect_left(names, pattern.prefix), len(names)):
        name = names[position]
        if not name.startswith(pattern.prefix):
            break
        frame = pattern.frame_of(name)
        if frame is not None:
            found[frame] = name
    return found


def frame_candidates(folder: str) -> tuple[list[str], set[str]]:
    """The sorted names of the regular files and symlinks in ``folder`` (none when it cannot be listed), and
    which of them are symlinks."""
    names, links = [], set()
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_symlink():
                    links.add(entry.name)
                    names.append(entry.name)
                elif entry.is_file(follow_symlinks=False):
                    names.append(entry.name)
    except OSError:
        pass
    return sorted(names), links


def sequence_digest(frame_digests: Iterable[tuple[int, str]]) -> str:
    """The sequence's sha256: of :func:`frame_lines`."""
    return _sha256_hex(frame_lines(frame_digests).encode("utf-8"))


def _sha256_hex(data: bytes) -> str:
    import hashlib  # loads OpenSSL: only runs that look at frames need it

    return hashlib.sha256(data).hexdigest()


def frame_lines(frame_digests: Iterable[tuple[int, str]]) -> str:
    """The text whose SHA-256 is the sequence's ``sha256``: ``"<frame> <sha256>\\n"`` per frame, in order."""
    return "".join(f"{frame} {digest}\n" for frame, digest in sorted(frame_digests))


def record_frames(cache_folder: str, frame_digests: dict[int, str]) -> None:
    """Keep the frame hashes behind a sequence digest in the cache, so a later M008 can name changed frames.

    The file is named by the digest of its own content, so an entry someone committed or edited
    can never be taken for what it is not (:func:`recorded_frames` checks). A failure is ignored.
    """
    from genai_lint.cachefiles import cache_folder as trusted_cache, trusted_folder
    from genai_lint.writing import write_private

    text = frame_lines(frame_digests.items()).encode("utf-8")
    name = _sha256_hex(text)
    try:
        if isinstance(trusted_cache(Path(cache_folder).parent, create=True), Path):
            folder = trusted_folder(Path(cache_folder, "sequences"), create=True)
            if isinstance(folder, Path):
                write_private(folder / f"{name}.txt", text)
    except OSError:
        return


def recorded_frames(cache_folder: str, digest: str, limit: int = MAX_FRAMES * 80) -> dict[int, str] | None:
    """The frame hashes recorded for sequence ``digest``, or ``None`` (absent, unreadable or not genuine)."""
    if not re.fullmatch(r"[0-9a-f]{64}", digest):
        return None
    from genai_lint.cachefiles import read_capped, trusted_folder

    folder = Path(cache_folder, "sequences")
    if not isinstance(trusted_folder(Path(cache_folder), create=False), Path) or \
            not isinstance(trusted_folder(folder, create=False), Path):
        return None
    text = read_capped(folder / f"{digest}.txt", limit)
    if isinstance(text, str):
        return None
    if _sha256_hex(text) != digest:
        return None
    frames: dict[int, str] = {}
    for line in text.decode("ascii", "replace").splitlines():
        frame, _, frame_sha = line.partition(" ")
        frames[int(frame)] = frame_sha
    return frames
