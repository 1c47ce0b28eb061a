"""What a rule may ask about the production: entries, clearances, tools, files, and how to report."""

from __future__ import annotations

import datetime as dt
import errno
import os
import stat
from collections import namedtuple
from functools import cached_property
from pathlib import Path

from genai_lint.findings import FILE_START, Finding, Span
from genai_lint.project import Entry, Manifest, Project
from genai_lint.sequences import FramesError, Pattern, frame_candidates, frames_on_disk, parse_frames, parse_pattern, sequence_digest
from genai_lint.watchlist import CompiledWatchlist

APPROVED, EXPIRED = "approved", "expired"


class AssetFile(namedtuple("AssetFile", "state path detail", defaults=("",))):
    """Where an asset's ``path`` leads (a :class:`Path` or ``None``): ``state`` is ok, outside, missing,
    not-file, unreadable or invalid; ``detail`` says more."""

    __slots__ = ()


class SequenceFiles:
    """A frame-sequence asset on disk: its pattern, the frames it declares and the frames that are there.

    ``declared`` is the ``frames:`` set, empty when it is missing or unusable (``error`` says why);
    ``present``, every frame of the pattern found as a readable file inside the root, declared or
    not; ``folder``, where the sequence's folder leads when it does not lead to a folder inside the
    root; ``digest``, the sequence sha256 of the frames on disk, once computed.
    """

    def __init__(self, pattern: Pattern, declared: list[int], present: dict[int, str], error: str | None = None,
                 folder: AssetFile | None = None, digest: str | OSError | None = None):
        self.pattern = pattern
        self.declared = declared
        self.present = present
        self.error = error
        self.folder = folder
        self.digest = digest

    @cached_property
    def missing(self) -> list[int]:
        """Declared frames not on disk (asked once per delivered frame by the gate: computed once)."""
        return [frame for frame in self.declared if frame not in self.present]

    @cached_property
    def extra(self) -> list[int]:
        declared = set(self.declared)
        return sorted(frame for frame in self.present if frame not in declared)

    @property
    def complete(self) -> bool:
        return bool(self.declared) and not self.missing


class Context:
    """The evaluation context handed to every rule."""

    def __init__(self, project: Project):
        from genai_lint.rules import all_rules

        self.project = project
        self.settings = project.settings
        self.date: dt.date = project.settings.date
        self._registry = {**all_rules(), **{rule.code: rule for rule in project.settings.studio_rules}}
        self._files: dict[int, AssetFile] = {}
        self._locator = _Locator(project.root)
        self._clearances: dict[int, dict[str, str]] = {}
        self._hashes: dict[str | Path, str | OSError] | None = None
        self.known_hashes: dict[str, str] = {}
        """SHA-256 of production files already hashed in this run by another pass (the gate's matching)."""
        self._sequences: dict[int, SequenceFiles | None] = {}

    # Reporting -----------------------------------------------------------------------------

    def finding(self, code: str, where: Entry | Manifest, path: tuple = (), message: str = "",
                fix: str | None = None, key: bool = False, span: Span | None = None) -> Finding:
        """A finding for rule ``code`` at ``path`` inside an entry (or manifest)."""
        rule = self._registry[code]
        if isinstance(where, Entry):
            manifest, full_path, entry_id = where.manifest, where.path + path, where.id
        else:
            manifest, full_path, entry_id = where, path, None
        if span is None:  # a manifest not asked for only serves cross-file rules: its findings are dropped
            span = manifest.document.span(full_path, key=key) if manifest.document and manifest.requested else FILE_START
        if isinstance(where, Entry) and where.kind == "asset" and not _names(message, where.label()):
            message = f"{message} (asset {where.label()})"  # every asset-level finding says which asset
        return Finding(code=code, name=rule.name, severity=rule.severity, message=message, path=manifest.rel,
                       span=span, entry_id=entry_id, manifest=manifest.rel, fix=fix)

    def file_finding(self, code: str, path: str, message: str, fix: str | None = None,
                     entry: Entry | None = None) -> Finding:
        """A finding about a file that is not a manifest (a delivered file), at its start."""
        rule = self._registry[code]
        return Finding(code=code, name=rule.name, severity=rule.severity, message=message, path=path,
                       span=FILE_START, entry_id=entry.id if entry else None,
                       manifest=entry.manifest.rel if entry else None, fix=fix, delivered=True)

    @cached_property
    def watchlist(self) -> CompiledWatchlist:
        return CompiledWatchlist(self.settings.watchlist)

    # Registers -----------------------------------------------------------------------------

    def tool_refs(self, asset: Entry) -> list[tuple[tuple, str]]:
        """(path inside the asset, tool id) for every tool the asset names."""
        tool = asset.get("tool")
        if isinstance(tool, str):
            return [(("tool",), tool)]
        if isinstance(tool, list):
            return [(("tool", index), item) for index, item in enumerate(tool) if isinstance(item, str)]
        return []

    def tools_of(self, asset: Entry) -> list[tuple[tuple, Entry]]:
        """(path inside the asset, tool entry) for every known tool the asset names."""
        return [(path, self.project.tools[tool_id]) for path, tool_id in self.tool_refs(asset)
                if tool_id in self.project.tools]

    def assets_named(self, name: str) -> list[Entry]:
        """Every asset whose path ends in the file name ``name``."""
        return self._assets_by_name.get(name, [])

    @cached_property
    def _assets_by_name(self) -> dict[str, list[Entry]]:
        by_name: dict[str, list[Entry]] = {}
        for asset in self.project.assets:
            path = asset.get("path")
            if isinstance(path, str):
                by_name.setdefault(path.replace("\\", "/").rsplit("/", 1)[-1], []).append(asset)
        return by_name

    def pipeline_refs(self, asset: Entry) -> list[tuple[tuple, str]]:
        """(path inside the asset, tool id) for every step of the asset's ``pipeline``."""
        steps = asset.get("pipeline")
        if not isinstance(steps, list):
            return []
        return [(("pipeline", index, "tool"), step["tool"]) for index, step in enumerate(steps)
                if isinstance(step, dict) and isinstance(step.get("tool"), str)]

    def pipeline_tools(self, asset: Entry) -> list[tuple[tuple, Entry]]:
        """(path inside the asset, tool entry) for every pipeline step that names a known tool."""
        return [(path, self.project.tools[tool_id]) for path, tool_id in self.pipeline_refs(asset)
                if tool_id in self.project.tools]

    def approval_refs(self, asset: Entry) -> list[tuple[tuple, Entry]]:
        """(path inside the asset, approval entry) for every known approval the asset lists."""
        listed = asset.get("approvals")
        if not isinstance(listed, list):
            return []
        return [(("approvals", index), self.project.approvals[item]) for index, item in enumerate(listed)
                if isinstance(item, str) and item in self.project.approvals]

    def clearance(self, asset: Entry, scope: str) -> str | None:
        """``approved`` if a live listed approval covers ``scope``, ``expired`` if only expired ones do.

        An approval granted after the evaluation date covers nothing yet."""
        key = id(asset)
        states = self._clearances.get(key)
        if states is None:
            states = self._clearances[key] = self._scope_states(asset)
        return states.get(scope)

    def _scope_states(self, asset: Entry) -> dict[str, str]:
        states: dict[str, str] = {}
        for _, approval in self.approval_refs(asset):
            scopes = approval.get("scopes")
            if not isinstance(scopes, list) or self.not_yet_granted(approval):
                continue
            state = EXPIRED if self.expired(approval) else APPROVED
            for scope in scopes:
                if isinstance(scope, str) and states.get(scope) != APPROVED:
                    states[scope] = state
        return states

    def approval_fix(self, asset: Entry, scope: str, otherwise: str = "") -> str:
        """What to type to clear ``scope``: list the register's live approval that covers it, if there is one.

        ``add `approvals: [APR-001]` to asset A-1``, or the asset's list with the id added; when no
        approval covers the scope, how to get one (and ``otherwise``, an alternative to approval).
        """
        covering = self.covering_approvals(scope)
        if not covering:
            return f"obtain written approval with scope {scope}, record it in an approvals: register and list it" \
                   f" in the asset's approvals{otherwise}"
        listed = asset.get("approvals")
        listed = [item for item in listed if isinstance(item, str)] if isinstance(listed, list) else []
        line = f"approvals: [{', '.join(listed + [covering[0]])}]"
        verb = "write" if listed else "add"
        return f"{verb} `{line}` to asset {asset.label()} ({covering[0]} covers {scope}){otherwise}"

    def covering_approvals(self, scope: str) -> list[str]:
        """The ids of the register's approvals that cover ``scope`` and have not expired, in register order."""
        return [approval_id for approval_id, approval in self.project.approvals.items()
                if scope in (approval.get("scopes") or ()) and not self.expired(approval)]

    def cleared(self, asset: Entry, *scopes: str) -> bool:
        """Whether any of ``scopes`` is covered, counting expired approvals (A605 reports those)."""
        return any(self.clearance(asset, scope) is not None for scope in scopes)

    def not_yet_granted(self, approval: Entry) -> bool:
        granted = parse_date(approval.get("granted_on"))
        return granted is not None and granted > self.date

    def expired(self, approval: Entry) -> bool:
        expires = parse_date(approval.get("expires"))
        return expires is not None and expires < self.date

    # Files ---------------------------------------------------------------------------------

    def file_hash(self, asset: Entry) -> str | OSError | None:
        """SHA-256 of the asset's file (of a complete sequence: its sequence digest); ``None`` when there is
        nothing to hash. The first call hashes every requested asset's files at once."""
        sequence = self.sequence(asset)
        if sequence is not None:
            if not sequence.complete:
                return None
            if sequence.digest is None:
                digests = self.frame_hashes(sequence)
                sequence.digest = digests if isinstance(digests, OSError) else sequence_digest(digests.items())
            return sequence.digest
        located = self.asset_file(asset)
        if located is None or located.state != "ok":
            return None
        return self._hashed().get(located.path)

    def frame_hashes(self, sequence: SequenceFiles) -> dict[int, str] | OSError:
        """SHA-256 of each declared frame of a complete ``sequence``, or the error that stopped one.

        Frames the batch of :meth:`file_hash` already hashed are not read again; the others are
        hashed now, this sequence's alone (the gate asks about the delivered sequences only)."""
        known = self._hashes or {}
        paths = [sequence.present[frame] for frame in sequence.declared]
        todo = [path for path in paths if path not in known and os.fspath(path) not in self.known_hashes]
        if todo:
            from genai_lint.hashing import HashCache, hash_files

            cache = HashCache(self.project.root) if self.settings.cache else None
            known = {**known, **hash_files(todo, cache, quiet=self.settings.quiet)}
        digests: dict[int, str] = {}
        for frame, path in zip(sequence.declared, paths):
            digest = known.get(path) or self.known_hashes.get(os.fspath(path))
            if not isinstance(digest, str):
                return digest if isinstance(digest, OSError) else OSError(f"{path} was not hashed")
            digests[frame] = digest
        return digests

    def _hashed(self) -> dict[str | Path, str | OSError]:
        if self._hashes is None:
            from genai_lint.hashing import HashCache, hash_files

            wanted: list[str | Path] = []
            for asset in self.project.assets:
                if not asset.manifest.requested or not isinstance(asset.get("sha256"), str):
                    continue
                sequence = self.sequence(asset)
                if sequence is not None:
                    if sequence.complete:
                        wanted.extend(sequence.present[frame] for frame in sequence.declared)
                    continue
                found = self.asset_file(asset)
                if found is not None and found.state == "ok":
                    wanted.append(found.path)
            cache = HashCache(self.project.root) if self.settings.cache else None
            self._hashes = hash_files(wanted, cache, quiet=self.settings.quiet)
        return self._hashes

    def sequence(self, asset: Entry) -> SequenceFiles | None:
        """The frames of a sequence asset (``path`` with ``####`` or ``%04d``); ``None`` for a one-file asset.

        Frames are looked for only when files are checked (not with ``--no-files``).
        """
        key = id(asset)
        if key in self._sequences:
            return self._sequences[key]
        target = asset.get("path")
        pattern = parse_pattern(target) if isinstance(target, str) else None
        if pattern is not None and "frames" not in asset.data and not pattern.unmistakable:
            pattern = None  # `shot #2.png` is one file's name
        result = None
        if pattern is not None:
            declared, error = [], None
            try:
                declared = parse_frames(asset.get("frames")) if asset.get("frames") is not None else []
            except FramesError as exc:
                error = str(exc)
            result = SequenceFiles(pattern, declared, {}, error)
            if self.settings.check_files:
                folder = self._locator.locate_folder(asset.manifest.folder, pattern.folder)
                if folder.state == "ok":
                    result.present = self._locator.frames(str(folder.path), pattern)
                else:
                    result.folder = folder
        self._sequences[key] = result
        return result

    def asset_file(self, asset: Entry) -> AssetFile | None:
        """Where the asset's path leads, or ``None`` when it has no usable path."""
        target = asset.get("path")
        if not isinstance(target, str):
            return None
        key = id(asset)
        if key not in self._files:
            self._files[key] = self._locator.locate(asset.manifest.folder, target, self.settings.check_files)
        return self._files[key]


INVALID_NAME = AssetFile("invalid", None, "is not a valid file name (it holds a NUL byte)")
"""No file system has such a name: nothing is looked up, M007 says why."""


class _Locator:
    """Resolves asset paths against the root, resolving each folder once (a production has few)."""

    def __init__(self, root: Path):
        self.root = str(root)
        self.real_root = os.path.realpath(root)
        self.folders: dict[str, str] = {}
        self.listings: dict[str, tuple[list[str], set[str]]] = {}
        """Each sequence folder's names, listed once however many sequences it holds."""

    def inside(self, real: str) -> bool:
        return real == self.real_root or real.startswith(self.real_root.rstrip(os.sep) + os.sep)

    def locate_folder(self, base: str, target: str) -> AssetFile:
        """Where the folder ``target`` (relative to ``base``; ``""`` for ``base`` itself) leads."""
        if "\0" in target:
            return INVALID_NAME
        joined = os.path.normpath(os.path.join(base, target)) if target else base
        if os.path.isabs(target) or not (joined == self.root or joined.startswith(self.root.rstrip(os.sep) + os.sep)):
            return AssetFile("outside", None, "leaves the project root")
        real = os.path.realpath(joined)
        if not self.inside(real):
            return AssetFile("outside", None, "resolves through a symlink to a place outside the project root")
        if not os.path.isdir(real):
            return AssetFile("missing", Path(joined), "folder does not exist")
        return AssetFile("ok", Path(real))

    def frames(self, folder: str, pattern: Pattern) -> dict[int, str]:
        """The frames of ``pattern`` in the real ``folder`` that are readable regular files inside the root."""
        found: dict[int, str] = {}  # paths as text: a Path is ~450 bytes more a frame
        if folder not in self.listings:
            self.listings[folder] = frame_candidates(folder)
        links = self.listings[folder][1]
        for frame, name in frames_on_disk(folder, pattern, self.listings[folder]).items():
            path = os.path.join(folder, name)
            if name not in links:  # a regular file (as listed) in a real folder inside the root: no stat needed
                found[frame] = path
                continue
            real = os.path.realpath(path)
            if self.inside(real) and os.path.isfile(real):
                found[frame] = real
        return found

    def locate(self, base: str, target: str, touch: bool = True) -> AssetFile:
        """Where ``target`` leads from ``base``. ``touch=False`` (``--no-files``) looks at folders only, never at the file."""
        if "\0" in target:
            return INVALID_NAME
        if os.path.isabs(target) or target.startswith(("/", "\\")) or (len(target) > 1 and target[1] == ":"):
            return AssetFile("outside", None, "is an absolute path")
        if ".." in target or "/." in "/" + target or "//" in target or "\\" in target:
            joined = os.path.normpath(os.path.join(base, target))
        else:  # already normal: skip normpath, the common case
            joined = base + os.sep + target
        if not (joined == self.root or joined.startswith(self.root.rstrip(os.sep) + os.sep)):
            return AssetFile("outside", None, "leaves the project root through '..'")
        folder, name = os.path.split(joined)
        real_folder = self.folders.get(folder)
        if real_folder is None:
            real_folder = self.folders[folder] = os.path.realpath(folder)
        real = os.path.join(real_folder, name)
        if not touch:
            if not self.inside(real_folder):
                return AssetFile("outside", None, "resolves through a symlink to a place outside the project root")
            return AssetFile("unchecked", None)
        try:
            info = os.lstat(real)
            if stat.S_ISLNK(info.st_mode):
                real = os.path.realpath(real)
                info = os.stat(real)
        except FileNotFoundError:
            if not self.inside(real_folder):
                return AssetFile("outside", None, "resolves through a symlink to a place outside the project root")
            return AssetFile("missing", Path(joined))
        except OSError as exc:
            detail = "is a symlink loop" if exc.errno == errno.ELOOP else f"cannot be read ({exc.strerror})"
            return AssetFile("unreadable", Path(joined), detail)
        if not self.inside(real):
            return AssetFile("outside", None, "resolves through a symlink to a place outside the project root")
        if not stat.S_ISREG(info.st_mode):
            kind = "a directory" if stat.S_ISDIR(info.st_mode) else "not a regular file"
            return AssetFile("not-file", Path(joined), f"is {kind}")
        if not os.access(real, os.R_OK):
            return AssetFile("unreadable", Path(joined), "cannot be read (permission denied)")
        return AssetFile("ok", Path(real))


def _names(message: str, label: str) -> bool:
    """Whether ``message`` names ``label`` as a whole word (``A-1`` is not named by ``A-10``)."""
    start = message.find(label)
    while start >= 0:
        end = start + len(label)
        before, after = message[start - 1:start], message[end:end + 1]
        if not _word_char(before) and not _word_char(after):
            return True
        start = message.find(label, start + 1)
    return False


def _word_char(char: str) -> bool:
    return bool(char) and (char.isalnum() or char in "_.-")


def parse_date(value: object) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None
