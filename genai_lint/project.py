"""Project root, manifest discovery, and the loaded model of one production.

Discovery works out which manifests to load: every manifest under the project root (the
cross-file rules need the siblings), and which of them were *asked for* (findings are reported
for those). A changed file that is not a manifest asks for the manifests that point at it.
"""

from __future__ import annotations

import fnmatch
import os
import re
from functools import cached_property
from pathlib import Path

from genai_lint.config import CONFIG_NAMES, DEFAULT_EXCLUDE, Settings, find_config
from genai_lint.containment import OutsideRoot, inside
from genai_lint.loader import Document, LoadError, load, load_edited
from genai_lint.safe_text import valid_text
from genai_lint.schema import SchemaError

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at every start-up
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

REGISTERS = ("tools", "approvals", "assets")
WHOLE_TREES = 1 << 20
"""Characters of the manifests asked for whose node trees a run keeps whole (about 28 bytes a character).
Past it a manifest keeps only the top of its tree and composes an entry again when a finding needs a
position in it (:class:`~genai_lint.loader.EntryStub`): a little more time for a bounded memory."""


class Manifest:
    """One manifest file: where it is, what it holds, and what went wrong loading it."""

    def __init__(self, path: Path, rel: str, requested: bool = True):
        self.path = path
        self.rel = rel
        self.requested = requested
        self.document: Document | None = None
        self.error: LoadError | None = None
        self.schema_errors: list[SchemaError] = []

    @cached_property
    def folder(self) -> str:
        """The manifest's folder, as a string (asset paths are relative to it)."""
        return os.path.dirname(self.path)

    @property
    def data(self) -> dict:
        data = self.document.data if self.document else None
        return data if isinstance(data, dict) else {}

    @property
    def production_id(self) -> str | None:
        production = self.data.get("production")
        value = production.get("id") if isinstance(production, dict) else None
        return value if isinstance(value, str) else None


class Entry:
    """An asset, tool or approval entry of a manifest."""

    __slots__ = ("kind", "manifest", "index", "data", "broken", "get")  # one per asset: 80 bytes, not 360

    def __init__(self, kind: str, manifest: Manifest, index: int, data: dict, broken: frozenset[str] = frozenset()):
        self.kind = kind
        self.manifest = manifest
        self.index = index
        self.data = data
        self.broken = broken
        self.get: Callable[..., Any] = (
            {name: value for name, value in data.items() if name not in broken} if broken else data).get
        """``get(name, default=None)``: the field's value, or ``default`` when it is missing or broke the schema
        (M002 said so). A dict's own ``get``: the rules call it about sixty times per asset."""

    @property
    def id(self) -> str | None:
        value = self.get("id")
        return value if isinstance(value, str) else None

    @property
    def path(self) -> tuple:
        return (self.kind + "s", self.index)

    def is_broken(self, *names: str) -> bool:
        return any(name in self.broken for name in names)

    def label(self) -> str:
        return self.id or f"{self.kind} #{self.index + 1}"


class Project:
    """All manifests of one production, with the registers across them.

    ``entries`` holds every entry of each register in path order, duplicated ids included (M004
    needs them); ``tools`` and ``approvals``, the first entry of each id.
    """

    def __init__(self, root: Path, settings: Settings, manifests: list[Manifest]):
        self.root = root
        self.settings = settings
        self.manifests = manifests
        self.tools: dict[str, Entry] = {}
        self.approvals: dict[str, Entry] = {}
        self.entries: dict[str, list[Entry]] = {register: [] for register in REGISTERS}

    @property
    def assets(self) -> list[Entry]:
        return self.entries["assets"]

    def build_registers(self) -> None:
        """Collect entries from every loaded manifest (the first of a duplicated id wins)."""
        for manifest in self.manifests:
            broken = _broken_fields(manifest.schema_errors)
            for register in REGISTERS:
                items = manifest.data.get(register)
                if not isinstance(items, list):
                    continue
                for index, item in enumerate(items):
                    if not isinstance(item, dict):
                        continue
                    entry = Entry(register[:-1], manifest, index, item, broken.get((register, index), frozenset()))
                    self.entries[register].append(entry)
                    if register != "assets" and entry.id is not None:
                        getattr(self, register).setdefault(entry.id, entry)


def _broken_fields(errors: list[SchemaError]) -> dict[tuple, frozenset[str]]:
    fields: dict[tuple, set[str]] = {}
    for error in errors:
        if len(error.path) >= 2 and error.field:
            fields.setdefault(error.path[:2], set()).add(error.field)
    return {key: frozenset(value) for key, value in fields.items()}


def find_root(start: Path, unmarked: Path | None = None) -> tuple[Path, Path | None]:
    """The project root for ``start`` (a folder the user named, or the current one) and its config file.

    The nearest configuration file walking up, else the git top level, else ``unmarked`` (default
    ``start`` itself): never the current folder when the user named another (SPEC section 2 says
    the current directory; see README "Departures").
    """
    config = find_config(start)
    if config is not None:
        return config.parent, config
    top = _git_toplevel(start)
    return (top if top is not None else unmarked or start), None


def folder_worked_in(start: Path) -> Path | None:
    """The current folder when it holds ``start`` and is not a file system's root: the production a named
    *file* belongs to when nothing (configuration, git) marks one. A named folder is its own production."""
    here = Path.cwd().resolve()
    if here == Path(here.anchor) or not (here == start or here in start.parents):
        return None
    return here


def source_root(root: Path) -> Path:
    """The folder code hosts resolve report paths against: the git top level above ``root``, else ``root``."""
    return _git_toplevel(root) or root


def _git_toplevel(start: Path) -> Path | None:
    for directory in (start, *start.parents):
        if (directory / ".git").exists():
            return directory
    return None


def relative(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` (POSIX) as valid text: undecodable bytes of a name show as ``\\xff``
    (:func:`~genai_lint.safe_text.valid_text`; every output escapes the rest)."""
    try:
        text = path.relative_to(root).as_posix()
    except ValueError:
        text = path.as_posix()
    return valid_text(text)


def is_manifest_name(name: str, settings: Settings) -> bool:
    return any(fnmatch.fnmatch(name, pattern) for pattern in settings.manifests if "/" not in pattern)


def discover(root: Path, settings: Settings, under: Path | None = None) -> list[Path]:
    """Every manifest below ``under`` (default: the root), skipping excluded and nested-project folders.

    A file's name decides first: media beside the manifests cost one name match each, nothing
    more (no path built, no stat); an excluded folder is pruned before it is listed.
    """
    names = [pattern for pattern in settings.manifests if "/" not in pattern]
    by_name = re.compile("|".join(fnmatch.translate(pattern) for pattern in names)).match if names else None
    by_path = len(names) < len(settings.manifests)
    found: list[Path] = []
    skip = set(DEFAULT_EXCLUDE)
    stack = [under or root]
    while stack:
        directory = stack.pop()
        try:
            with os.scandir(directory) as entries:
                listing = list(entries)
        except OSError:
            continue
        for entry in listing:
            try:
                folder = entry.is_dir(follow_symlinks=False)
                if not folder and not by_path and not (by_name and by_name(entry.name)):
                    continue
                rel = relative(Path(entry.path), root)
                if _excluded(rel, entry.name, settings):
                    continue
                if folder:
                    if entry.name in skip or _is_virtualenv(entry.path) or _is_other_project(entry.path):
                        continue
                    stack.append(Path(entry.path))
                elif entry.is_file() and _is_manifest(rel, entry.name, settings):
                    found.append(Path(entry.path))
            except OSError:
                continue
    return sorted(found)


def nested_projects(start: Path, limit: int = 10_000) -> list[Path]:
    """Project roots (folders with their own configuration file) below ``start``, not descending into them.

    For a studio folder that holds many productions; at most ``limit`` folders are visited.
    """
    found: list[Path] = []
    stack, visited = [start], 0
    while stack and visited < limit:
        directory = stack.pop()
        visited += 1
        try:
            with os.scandir(directory) as entries:
                folders = sorted(entry.path for entry in entries
                                 if entry.is_dir(follow_symlinks=False) and entry.name not in DEFAULT_EXCLUDE)
        except OSError:
            continue
        for folder in folders:
            if _is_other_project(folder):
                found.append(Path(folder))
            elif not _is_virtualenv(folder):
                stack.append(Path(folder))
    return sorted(found)


def is_excluded(path: Path, root: Path, settings: Settings) -> bool:
    """Whether the configuration's ``exclude`` globs cover ``path``."""
    return _excluded(relative(path, root), path.name, settings)


def _excluded(rel: str, name: str, settings: Settings) -> bool:
    return any(fnmatch.fnmatch(rel, pattern) or fnmatch.fnmatch(name, pattern) or rel.startswith(pattern.rstrip("/") + "/")
               for pattern in settings.exclude)


def _is_manifest(rel: str, name: str, settings: Settings) -> bool:
    return any(fnmatch.fnmatch(rel if "/" in pattern else name, pattern) for pattern in settings.manifests)


def _is_virtualenv(path: str) -> bool:
    return os.path.exists(os.path.join(path, "pyvenv.cfg"))


def _is_other_project(path: str) -> bool:
    return any(os.path.isfile(os.path.join(path, name)) for name in CONFIG_NAMES)


def load_manifests(project: Project, texts: dict[Path, str] | None = None,
                   earlier: dict[Path, Document] | None = None) -> None:
    """Load every manifest (M001 on failure) and validate it against the schema.

    Manifests not asked for (siblings, loaded for the cross-file rules) come from the document
    cache when their bytes are unchanged; those asked for are parsed (their findings need
    positions) but validated only when their bytes or the schema changed. Only the first
    :data:`WHOLE_TREES` characters asked for keep their whole node tree. ``texts`` holds
    manifests' unsaved text, read instead of the file; ``earlier``, documents loaded from an earlier
    text of some, of which loading reloads only what the edit touched (:func:`~genai_lint.loader.load_edited`).
    """
    texts, earlier = texts or {}, earlier or {}
    kept = 0  # characters of the manifests whose node trees are kept whole
    from genai_lint import schema
    from genai_lint.loader import decode, read_manifest_bytes

    cache = None
    if project.settings.cache:
        from genai_lint.doccache import DocumentCache

        cache = DocumentCache(project.root, create=project.settings.cache_writes)
    for manifest in project.manifests:
        try:
            if manifest.path in texts:
                before = earlier.get(manifest.path)
                manifest.document = load(manifest.path, texts[manifest.path], keep_tree=True) if before is None \
                    else load_edited(manifest.path, texts[manifest.path], before)  # an editor asks again and again
                manifest.schema_errors = schema.validate(manifest.document.data)
                continue
            if not inside(manifest.path, project.root):
                raise OutsideRoot()
            raw = read_manifest_bytes(manifest.path)
            key = cache.key(manifest.path, raw) if cache is not None else None
            cached = cache.load(manifest.path, raw, key) if key is not None and not manifest.requested else None
            if cached is not None:
                manifest.document, manifest.schema_errors = cached
                continue
            text = decode(raw)
            whole = manifest.requested and kept + len(text) <= WHOLE_TREES
            kept += len(text) if whole else 0
            manifest.document = load(manifest.path, text, keep_tree=whole)
        except LoadError as exc:
            manifest.error = exc.detached()
            continue
        errors = cache.schema_errors(manifest.path, key) if key is not None and manifest.requested else None
        if errors is not None:
            manifest.schema_errors = errors
            continue
        manifest.schema_errors = schema.validate(manifest.document.data)
        if key is None:
            continue
        if manifest.requested:
            cache.store_schema_errors(manifest.path, key, manifest.schema_errors)
        else:
            cache.store(manifest.path, key, manifest.document, manifest.schema_errors)
    project.build_registers()


def changed_file_manifests(project: Project, changed: list[Path]) -> set[Path]:
    """Manifests whose assets point at one of ``changed`` (a media file edited in a commit)."""
    wanted = {path.resolve() for path in changed}
    hits: set[Path] = set()
    for asset in project.assets:
        target = asset.get("path")
        if isinstance(target, str) and (asset.manifest.path.parent / target).resolve() in wanted:
            hits.add(asset.manifest.path)
    return hits
