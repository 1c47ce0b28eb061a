"""``genai-lint add``: record a new asset in the right manifest, keeping the manifest's layout.

The asset goes to the nearest manifest (the file's folder, then its parents up to the project
root) unless one is named, gets the next free id in the production's own id pattern, the
file's sha256 and the given tool, media and purpose, and is appended at the end of the
``assets:`` list with the indentation the list already uses. The manifest is written
atomically after the edited text has been loaded again and checked to hold exactly the old
data plus the new asset.
"""

from __future__ import annotations

import copy
import difflib
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from genai_lint.edit import Editor, Source, double_quoted, render, same
from genai_lint.project import Entry, Manifest, Project, relative
from genai_lint.rehash import sha256_style, shown
from genai_lint.sequences import format_ranges, parse_pattern, record_frames, sequence_digest
from genai_lint.writing import replace_if_unchanged

if TYPE_CHECKING:
    from genai_lint.context import Context

DEFAULT_ID = ("A-", 4)
_NUMBERED = re.compile(r"(.*?)([0-9]+)")


class AddError(Exception):
    """The asset cannot be added as asked; nothing was written."""


@dataclass
class Added:
    manifest: Path
    line: int
    id: str
    path: str
    sha256: str
    warnings: list[str] = field(default_factory=list)


def asset_choices(name: str) -> tuple[str, ...]:
    """The values the manifest schema allows for the asset field ``name`` (``media``, ``purpose``)."""
    from genai_lint.schema import schema

    return tuple(schema()["$defs"]["asset"]["properties"][name]["enum"])


def next_id(asset_ids: Iterable[str], taken: Iterable[str] = ()) -> str:
    """The next id in the production's dominant pattern (``A-0007`` after ``A-0006``), default ``A-0001``."""
    patterns: Counter[tuple[str, int]] = Counter()
    highest: dict[str, int] = {}
    for value in asset_ids:
        match = _NUMBERED.fullmatch(value)
        if match:
            prefix, digits = match.groups()
            patterns[(prefix, len(digits))] += 1
            highest[prefix] = max(highest.get(prefix, 0), int(digits))
    prefix, width = patterns.most_common(1)[0][0] if patterns else DEFAULT_ID
    used = set(taken)
    number = highest.get(prefix, 0)
    while True:
        number += 1
        candidate = f"{prefix}{number:0{width}d}"
        if candidate not in used:
            return candidate


def add_asset(file_arg: str, tools: list[str], media: str, purpose: str, deliverable: bool, created: str,
              prompt: str | None = None, manifest_arg: str | None = None, cache: bool = True) -> Added:
    """Append the asset for ``file_arg`` to its manifest. Raises :class:`AddError` (or EditError) on a problem."""
    from genai_lint.context import Context
    from genai_lint.engine import Target, load_project, settings_for
    from genai_lint.project import find_root

    pattern = parse_pattern(Path(file_arg).name)
    sequence = pattern is not None and pattern.unmistakable and not Path(file_arg).exists()
    file = _sequence_folder(file_arg) / Path(file_arg).name if sequence else _existing_file(file_arg)
    chosen: Path | None = None
    if manifest_arg is not None:
        chosen = Path(manifest_arg)
        if not chosen.is_file():
            raise AddError(f"{manifest_arg}: no such manifest")
        chosen = chosen.parent.resolve() / chosen.name
    root, config = find_root(chosen.parent if chosen is not None else file.parent)
    target = Target(root, config, manifests={chosen} if chosen is not None else set())
    project = load_project(target, settings_for(target, {}))
    manifest = _manifest_for(project, file, chosen)
    if manifest.error is not None:
        span = manifest.error.span
        raise AddError(f"{shown(manifest)}:{span.line}:{span.column}: cannot add to it: {manifest.error.message}")
    ctx = Context(project)
    path = Path(os.path.relpath(file, manifest.path.parent)).as_posix()
    if sequence:
        frames, digest = _sequence(ctx, Entry("asset", manifest, -1, {"path": path, "frames": 0}), file_arg)
    else:
        frames, digest = None, None
        located = ctx.asset_file(Entry("asset", manifest, -1, {"path": path}))
        if located is None or located.state != "ok":
            raise AddError(f"{file_arg} {located.detail if located else 'cannot be used'}")
    for asset in project.assets:
        other = ctx.asset_file(asset) if not sequence else None
        same_sequence = sequence and asset.manifest is manifest and asset.get("path") == path
        if same_sequence or (other is not None and other.state == "ok" and other.path == located.path):
            line = asset.manifest.document.span(asset.path + ("path",)).line
            raise AddError(f"{file_arg} is already recorded as {asset.label()} ({shown(asset.manifest)}:{line}); "
                           "`genai-lint hash` refreshes its sha256")
    tools = list(dict.fromkeys(tools))
    _check_tools(project, tools)
    warnings = [f"{shown(other)}: did not load, so its ids were not considered for the new id"
                for other in project.manifests if other.error is not None and other is not manifest]
    digest = digest or _digest(located.path, project.root, cache)
    asset_id = next_id((asset.id for asset in project.assets if asset.id),
                       [*project.tools, *project.approvals,
                        *(a.data.get("id") for a in project.assets if isinstance(a.data.get("id"), str))])
    new = {"id": asset_id, "path": path, **({"frames": frames} if frames else {}), "sha256": digest, "tool": tools[0] if len(tools) == 1 else list(tools),
           "media": media, "purpose": purpose, "deliverable": deliverable, "created": created}
    if prompt is not None:
        new["prompt"] = prompt
    line = _append(manifest, new)
    return Added(manifest.path, line, asset_id, path, digest, warnings)


def _sequence_folder(file_arg: str) -> Path:
    folder = Path(file_arg).parent
    if not folder.is_dir():
        raise AddError(f"{file_arg}: no such folder {folder}")
    return folder.resolve()


def _sequence(ctx: Context, entry: Entry, file_arg: str) -> tuple[str, str]:
    """The frames on disk of the sequence ``entry`` names, as ranges, and its sequence sha256."""
    from genai_lint.hashing import HashCache, hash_files

    found = ctx.sequence(entry)
    if found is None or not found.present:
        raise AddError(f"{file_arg}: no frame of the sequence exists"
                       f"{' (' + found.folder.detail + ')' if found and found.folder else ''}")
    frames = sorted(found.present)
    hashes = hash_files([found.present[frame] for frame in frames],
                        HashCache(ctx.project.root) if ctx.settings.cache else None)
    digests: dict[int, str] = {}
    for frame in frames:
        digest = hashes.get(found.present[frame])
        if not isinstance(digest, str):
            raise AddError(f"{found.pattern.path(frame)}: cannot be read ({getattr(digest, 'strerror', None) or digest})")
        digests[frame] = digest
    record_frames(str(ctx.project.root / ".genai-lint-cache"), digests)
    return format_ranges(frames), sequence_digest(digests.items())


def _existing_file(file_arg: str) -> Path:
    file = Path(file_arg)
    if not file.exists():
        raise AddError(f"{file_arg}: no such file")
    if not file.is_file():
        raise AddError(f"{file_arg}: not a regular file")
    return file.parent.resolve() / file.name


def _manifest_for(project: Project, file: Path, chosen: Path | None) -> Manifest:
    """The named manifest, else the nearest one in the file's folder or its parents up to the root."""
    if chosen is not None:
        return next(manifest for manifest in project.manifests if manifest.path == chosen)
    directory = file.parent
    while True:
        here = [manifest for manifest in project.manifests if manifest.path.parent == directory]
        if len(here) > 1:
            names = ", ".join(manifest.path.name for manifest in here)
            raise AddError(f"{relative(directory, Path.cwd().resolve())} holds several manifests ({names}); "
                           "choose one with --manifest")
        if here:
            return here[0]
        if directory == project.root or directory == directory.parent:
            break
        directory = directory.parent
    raise AddError(f"no manifest in {relative(file.parent, Path.cwd().resolve())} or its parents up to the project "
                   f"root {project.root}; create one with `genai-lint init` or name one with --manifest")


def _check_tools(project: Project, tools: list[str]) -> None:
    known = sorted(project.tools)
    for tool in tools:
        if tool in project.tools:
            continue
        if not known:
            raise AddError(f"unknown tool '{tool}': no tool is registered yet; add it to a tools: register first")
        close = difflib.get_close_matches(tool, known, n=1)
        hint = f"did you mean '{close[0]}'?" if close else f"known tools: {', '.join(known)}"
        raise AddError(f"unknown tool '{tool}'; {hint}")


def _digest(path: Path, root: Path, cache: bool) -> str:
    from genai_lint.hashing import HashCache, hash_files

    digest = hash_files([path], HashCache(root) if cache else None).get(path)
    if not isinstance(digest, str):
        raise AddError(f"{path}: cannot be read ({getattr(digest, 'strerror', None) or digest})")
    return digest


def _append(manifest: Manifest, new: dict) -> int:
    """Write ``new`` at the end of the manifest's assets; the 1-based line of its ``id``."""
    source = Source.read(manifest.path)
    editor = Editor(source)
    if manifest.document is None or not same(editor.document.data, manifest.document.data):
        raise AddError(f"{shown(manifest)} changed while it was being read; run again")
    tool = new["tool"]
    fields = [("id", render(new["id"], "plain")), ("path", render(new["path"], "plain")),
              *([("frames", double_quoted(new["frames"]))] if "frames" in new else []),
              ("sha256", render(new["sha256"], sha256_style(editor.document))),
              ("tool", render(tool, "plain") if isinstance(tool, str) else
               "[" + ", ".join(render(item, "plain") for item in tool) + "]"),
              ("media", render(new["media"], "plain")), ("purpose", render(new["purpose"], "plain")),
              ("deliverable", "true" if new["deliverable"] else "false"), ("created", double_quoted(new["created"]))]
    if "prompt" in new:
        fields.append(("prompt", double_quoted(new["prompt"])))
    editor.append_item("assets", fields)
    expected = copy.deepcopy(editor.document.data)
    if not isinstance(expected.get("assets"), list):
        expected["assets"] = []
    expected["assets"].append(new)
    text, document = editor.verify(expected)
    replace_if_unchanged(manifest.path, source.raw, source.encode(text))
    return document.span(("assets", len(expected["assets"]) - 1, "id")).line
