"""``genai-lint hash``: fill missing and refresh stale ``sha256`` fields, editing nothing else.

The manifests are chosen as ``check`` chooses them (no paths: every manifest under the project
root; a folder: the manifests below it; any other file: the manifests whose assets point at
it). Each asset whose file exists inside the project root is hashed (through the shared hash
cache; a frame sequence's frames each, and their sequence digest is written); a missing value is inserted on the line after the asset's ``path:``, a stale one is
replaced where it stands, and the manifest is written atomically only after the edited text
has been loaded again and found to differ from the original in those values alone.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from genai_lint.edit import EditError, Editor, Source, render, same
from genai_lint.loader import Document, LoadError
from genai_lint.project import Entry, Manifest, Project, relative
from genai_lint.sequences import format_ranges, record_frames, sequence_digest
from genai_lint.writing import ChangedOnDisk, edit_lock, replace_if_unchanged

if TYPE_CHECKING:
    from genai_lint.context import Context

Say = Callable[[str, str], None]
"""``say(kind, line)`` with kind ``change``, ``warning`` or ``error``."""


@dataclass
class Tally:
    """What one run did (or, with ``--check``, would do)."""

    filled: int = 0
    refreshed: int = 0
    fresh: int = 0
    skipped: int = 0
    errors: int = 0
    manifests: set[Path] = field(default_factory=set)

    @property
    def changes(self) -> int:
        return self.filled + self.refreshed

    def summary(self, check: bool) -> str:
        if check:
            parts = [f"{self.filled} missing", f"{self.refreshed} stale"] if self.changes else []
        else:
            parts = [f"{self.filled} filled", f"{self.refreshed} refreshed"] if self.changes else []
        parts.append(f"{self.fresh} up to date")
        if self.skipped:
            parts.append(f"{self.skipped} skipped")
        if self.errors:
            parts.append(f"{self.errors} error{'s' if self.errors != 1 else ''}")
        manifests = len(self.manifests)
        text = f"{', '.join(parts)} in {manifests} manifest{'s' if manifests != 1 else ''}"
        if check and self.changes:
            text += "; run `genai-lint hash` to update them"
        return text


@dataclass
class _Planned:
    entry: Entry
    digest: str
    old: object
    filled: bool


def update_hashes(paths: list[str], say: Say, check: bool = False, cache: bool = True, quiet: bool = False) -> Tally:
    """Fill and refresh hashes in the manifests ``paths`` name; with ``check``, only say what would change."""
    from genai_lint.engine import load_project, settings_for, targets

    tally = Tally()
    for target in targets(paths):
        settings = settings_for(target, {"cache": cache, "cache_writes": not check})
        project = load_project(target, settings)
        for manifest in project.manifests:
            if manifest.requested:
                tally.manifests.add(manifest.path)
                if manifest.error is not None:
                    span = manifest.error.span
                    say("error", f"{shown(manifest)}:{span.line}:{span.column}: cannot update: {manifest.error.message}")
                    tally.errors += 1
        _update_project(project, say, tally, check, cache, quiet)
    return tally


def _update_project(project: Project, say: Say, tally: Tally, check: bool, cache: bool, quiet: bool) -> None:
    from genai_lint.context import Context
    from genai_lint.hashing import HashCache, hash_files

    ctx = Context(project)
    files: dict[int, list[str | Path]] = {}
    """Each asset's files to hash: one, or a sequence's frames in frame order."""
    for asset in project.assets:
        if asset.manifest.requested:
            found = _files_of(asset, ctx, say, tally)
            if found is not None:
                files[id(asset)] = found
    hash_cache = HashCache(project.root, create=not check) if cache else None
    digests = hash_files([path for paths in files.values() for path in paths], hash_cache, quiet=quiet)
    by_manifest: dict[Path, list[_Planned]] = {}
    for asset in project.assets:
        paths = files.get(id(asset))
        if paths is None:
            continue
        failed = next((digests[path] for path in paths if not isinstance(digests.get(path), str)), None)
        if failed is not None:
            reason = getattr(failed, "strerror", None) or failed
            say("warning", f"{_where(asset, ('path',))}: {asset.label()} skipped: "
                           f"{asset.get('path')} cannot be read ({reason})")
            tally.skipped += 1
            continue
        digest = _digest(asset, ctx, [digests[path] for path in paths], check)
        declared = asset.data.get("sha256")
        if isinstance(declared, str) and declared.lower() == digest:
            tally.fresh += 1
            continue
        filled = declared is None or declared == ""
        by_manifest.setdefault(asset.manifest.path, []).append(_Planned(asset, digest, declared, filled))
    for manifest in project.manifests:
        planned = by_manifest.get(manifest.path)
        if planned:
            _edit_manifest(manifest, planned, say, tally, check)


def _files_of(asset: Entry, ctx: Context, say: Say, tally: Tally) -> list[str | Path] | None:
    """The files behind ``asset``'s sha256, or ``None`` (with a warning) when it cannot be computed."""
    sequence = ctx.sequence(asset)
    if sequence is not None:
        if sequence.complete:
            return [sequence.present[frame] for frame in sequence.declared]
        if sequence.folder is not None:
            problem = sequence.folder.detail
        elif sequence.error is not None or not sequence.declared:
            problem = "has no usable frames:"
        else:
            problem = f"misses frames {format_ranges(sequence.missing)}"
        say("warning", f"{_where(asset, ('path',))}: {asset.label()} skipped: {asset.get('path')} {problem}")
        tally.skipped += 1
        return None
    located = ctx.asset_file(asset)
    if located is None:
        say("warning", f"{_where(asset, ('path',))}: {asset.label()} skipped: no path")
    elif located.state != "ok":
        detail = "does not exist" if located.state == "missing" else located.detail
        say("warning", f"{_where(asset, ('path',))}: {asset.label()} skipped: {asset.get('path')} {detail}")
    else:
        return [located.path]
    tally.skipped += 1
    return None


def _digest(asset: Entry, ctx: Context, digests: list[str], check: bool) -> str:
    """The asset's sha256 from its files' digests; a sequence's frame hashes are kept to name changed frames later."""
    sequence = ctx.sequence(asset)
    if sequence is None:
        return digests[0]
    frames = dict(zip(sequence.declared, digests))
    if not check:
        record_frames(str(ctx.project.root / ".genai-lint-cache"), frames)
    return sequence_digest(frames.items())


def _edit_manifest(manifest: Manifest, planned: list[_Planned], say: Say, tally: Tally, check: bool) -> None:
    """Read the manifest again under its edit lock and put the planned values in, unless its entries moved."""
    if check:
        _edit_locked(manifest, planned, say, tally, check)
        return
    try:
        with edit_lock(manifest.path):
            _edit_locked(manifest, planned, say, tally, check)
    except OSError as exc:
        say("error", f"{shown(manifest)}: cannot update: {exc.strerror or exc}; the file is unchanged")
        tally.errors += 1


def _edit_locked(manifest: Manifest, planned: list[_Planned], say: Say, tally: Tally, check: bool) -> None:
    try:
        source = Source.read(manifest.path)
        editor = Editor(source)
    except (LoadError, EditError) as exc:
        say("error", f"{shown(manifest)}: cannot update: {getattr(exc, 'message', exc)}")
        tally.errors += 1
        return
    if manifest.document is None or not _entries_unchanged(editor.document.data, manifest.document.data, planned):
        say("error", f"{shown(manifest)}: cannot update: its assets changed while they were being hashed; run again")
        tally.errors += 1
        return
    pending = [plan for plan in planned if _entry(editor.document.data, plan).get("sha256") != plan.digest]
    tally.fresh += len(planned) - len(pending)  # another genai-lint wrote these very values meanwhile
    planned = pending
    style = sha256_style(editor.document)
    done = [plan for plan in planned if _splice(editor, plan, style, say, tally)]
    if not done:
        return
    try:
        text, document = editor.verify(_with_digests(editor.document.data, done))
        if not check:
            replace_if_unchanged(manifest.path, source.raw, source.encode(text))
    except EditError as exc:
        say("error", f"{shown(manifest)}: cannot update: {exc}")
        tally.errors += 1
        return
    except ChangedOnDisk:
        say("error", f"{shown(manifest)}: cannot update: the file changed on disk meanwhile; nothing written, run again")
        tally.errors += 1
        return
    except OSError as exc:
        say("error", f"{shown(manifest)}: cannot write: {exc.strerror or exc}; the file is unchanged")
        tally.errors += 1
        return
    for plan in done:
        line = document.span(plan.entry.path + ("sha256",)).line
        where = f"{shown(manifest)}:{line}: {plan.entry.label()} sha256"
        old = plan.old[:8] + ("…" if len(plan.old) > 8 else "") if isinstance(plan.old, str) else repr(plan.old)
        if plan.filled:
            say("change", f"{where} {'missing' if check else 'filled'}")
            tally.filled += 1
        else:
            say("change", f"{where} {f'stale (declared {old})' if check else f'refreshed (was {old})'}")
            tally.refreshed += 1


def _splice(editor: Editor, plan: _Planned, style: str, say: Say, tally: Tally) -> bool:
    """Put the new value of ``plan`` into the editor; ``False`` (with a warning) when it cannot be done safely."""
    try:
        put_sha256(editor, plan.entry.path, plan.digest, style)
    except EditError as exc:
        say("warning", f"{_where(plan.entry, ('sha256',) if not plan.filled else ('path',))}: "
                       f"{plan.entry.label()} skipped: cannot edit its sha256: {exc}")
        tally.skipped += 1
        return False
    return True


def put_sha256(editor: Editor, entry_path: tuple, digest: str, style: str) -> None:
    """Set the entry's ``sha256`` to ``digest``, or add the key after its ``path``; raises EditError."""
    if editor.has_own_key(entry_path, "sha256"):
        editor.set_scalar(entry_path + ("sha256",), digest, style=style)
    else:
        editor.insert_key(entry_path, "path", "sha256", render(digest, style))


def _entry(data: dict, plan: _Planned) -> dict:
    register, index = plan.entry.path
    return data[register][index]


def _entries_unchanged(fresh: object, loaded: dict, planned: list[_Planned]) -> bool:
    """Whether each planned entry reads as it did when it was hashed, its sha256 aside: another writer
    (``add``) may have changed the rest of the file, and its edit is kept."""
    for plan in planned:
        try:
            now = dict(_entry(fresh, plan))  # type: ignore[arg-type]
        except (KeyError, IndexError, TypeError, ValueError):
            return False
        then = dict(_entry(loaded, plan))
        now.pop("sha256", None)
        then.pop("sha256", None)
        if not same(now, then):
            return False
    return True


def _with_digests(data: dict, planned: list[_Planned]) -> dict:
    updated = copy.deepcopy(data)
    for plan in planned:
        register, index = plan.entry.path
        updated[register][index]["sha256"] = plan.digest
    return updated


def sha256_style(document: Document) -> str:
    """How the manifest already writes hashes (double quotes when it has none), for new values."""
    styles = {"'": 0, '"': 0, "plain": 0}
    assets = document.data.get("assets") if isinstance(document.data, dict) else None
    for index in range(len(assets) if isinstance(assets, list) else 0):
        _, node, reached = document.node(("assets", index, "sha256"))
        style = "plain" if getattr(node, "style", None) in (None, "") else node.style
        if reached == 3 and node.id == "scalar" and node.value and style in styles:
            styles[style] += 1
    return max(styles, key=lambda name: (styles[name], name == '"'))


def shown(manifest: Manifest) -> str:
    """The manifest's path as the user would type it: relative to the current folder when inside it."""
    return relative(manifest.path, Path.cwd().resolve())


def _where(entry: Entry, inside: tuple) -> str:
    document = entry.manifest.document
    line = document.span(entry.path + inside).line if document is not None else 1
    return f"{shown(entry.manifest)}:{line}"
