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
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from genai_lint.edit import Editor, Source, double_quoted, plain_ok, render, same
from genai_lint.project import Entry, Manifest, Project, relative
from genai_lint.rehash import sha256_style, shown
from genai_lint.sequences import format_ranges, parse_pattern, record_frames, sequence_digest
from genai_lint.suggest import closest
from genai_lint.writing import edit_lock, replace_if_unchanged

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


@dataclass
class Details:
    """What ``add`` records beside the required fields; empty fields are not written."""

    prompt: str | None = None
    approvals: list[str] = field(default_factory=list)
    disclosed_on: str | None = None
    content: list[str] = field(default_factory=list)
    inputs: list[dict] = field(default_factory=list)
    talent: dict = field(default_factory=dict)


def asset_choices(name: str) -> tuple[str, ...]:
    """The values the manifest schema allows for the asset field ``name`` (``media``, ``purpose``, ``content``)."""
    from genai_lint.schema import schema

    node = schema()["$defs"]["asset"]["properties"][name]
    return tuple(node["enum"] if "enum" in node else node["items"]["enum"])


def parse_input(text: str) -> dict:
    """``REF:SOURCE:USE`` (the reference may itself hold colons) as an input entry; AddError when malformed."""
    from genai_lint.schema import schema

    fields = schema()["$defs"]["input"]["properties"]
    ref, _, rest = text.rpartition(":")
    ref, _, source = ref.rpartition(":")
    use = rest
    if not ref.strip():
        raise AddError(f"--input {text!r}: expected REF:SOURCE:USE, e.g. boards/ep2_17.png:owned:conditioning")
    for name, value in (("source", source), ("use", use)):
        allowed = fields[name]["enum"]
        if value not in allowed:
            close = closest(value, allowed)
            hint = f"did you mean '{close}'? " if close else ""
            raise AddError(f"--input {text!r}: '{value}' is not a {name}; {hint}expected one of {', '.join(allowed)}")
    return {"ref": ref, "source": source, "use": use}


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


ATTEMPTS = 20
"""How often ``add`` starts again when another writer changed the manifest first (each turn sees that edit)."""


class _Changed(Exception):
    """The manifest changed between loading it and taking its edit lock: load it again and pick a new id."""


def add_asset(file_arg: str, tools: list[str], media: str, purpose: str, deliverable: bool, created: str,
              details: Details | None = None, manifest_arg: str | None = None, cache: bool = True) -> Added:
    """Append the asset for ``file_arg`` to its manifest. Raises :class:`AddError` (or EditError) on a problem.

    The append happens under the manifest's edit lock; when another writer got there first, the
    manifest is loaded again (so the new id is still free and that writer's edit is kept)."""
    for _ in range(ATTEMPTS):
        try:
            return _add_once(file_arg, tools, media, purpose, deliverable, created, details, manifest_arg, cache)
        except _Changed:
            continue
    raise AddError(f"the manifest for {file_arg} kept changing while it was being added to; nothing written, run again")


def _add_once(file_arg: str, tools: list[str], media: str, purpose: str, deliverable: bool, created: str,
              details: Details | None, manifest_arg: str | None, cache: bool) -> Added:
    from genai_lint.context import Context
    from genai_lint.engine import Target, load_project, settings_for
    from genai_lint.project import find_root, folder_worked_in

    pattern = parse_pattern(Path(file_arg).name)
    sequence = pattern is not None and pattern.unmistakable and not Path(file_arg).exists()
    file = _sequence_folder(file_arg) / Path(file_arg).name if sequence else _existing_file(file_arg)
    chosen: Path | None = None
    if manifest_arg is not None:
        chosen = Path(manifest_arg)
        if not chosen.is_file():
            raise AddError(f"{manifest_arg}: no such manifest")
        chosen = chosen.parent.resolve() / chosen.name
    start = chosen.parent if chosen is not None else file.parent
    root, config = find_root(start, unmarked=folder_worked_in(start))
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
    details = details or Details()
    _check_known("tool", project.tools, tools)
    _check_known("approval", project.approvals, details.approvals)
    warnings = [f"{shown(other)}: did not load, so its ids were not considered for the new id"
                for other in project.manifests if other.error is not None and other is not manifest]
    digest = digest or _digest(located.path, project.root, cache)
    asset_id = next_id((asset.id for asset in project.assets if asset.id),
                       [*project.tools, *project.approvals,
                        *(a.data.get("id") for a in project.assets if isinstance(a.data.get("id"), str))])
    new = {"id": asset_id, "path": path, **({"frames": frames} if frames else {}), "sha256": digest, "tool": tools[0] if len(tools) == 1 else list(tools),
           "media": media, "purpose": purpose, "deliverable": deliverable, "created": created}
    optional = {"disclosed_on": details.disclosed_on, "prompt": details.prompt,
                "approvals": list(dict.fromkeys(details.approvals)), "content": list(dict.fromkeys(details.content)),
                "inputs": details.inputs, "talent": details.talent}
    new.update({name: value for name, value in optional.items() if value})
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


def _check_known(kind: str, register: dict, wanted: list[str]) -> None:
    """Every id in ``wanted`` must be in the ``kind`` register; else one line with a did-you-mean."""
    known = sorted(register)
    for item in wanted:
        if item in register:
            continue
        if not known:
            raise AddError(f"unknown {kind} '{item}': no {kind} is registered yet; add it to a {kind}s: register first")
        close = closest(item, known)
        hint = f"did you mean '{close}'?" if close else f"known {kind}s: {', '.join(known)}"
        raise AddError(f"unknown {kind} '{item}'; {hint}")


def _digest(path: Path, root: Path, cache: bool) -> str:
    from genai_lint.hashing import HashCache, hash_files

    digest = hash_files([path], HashCache(root) if cache else None).get(path)
    if not isinstance(digest, str):
        raise AddError(f"{path}: cannot be read ({getattr(digest, 'strerror', None) or digest})")
    return digest


def _append(manifest: Manifest, new: dict) -> int:
    """Write ``new`` at the end of the manifest's assets, under its edit lock; the 1-based line of its ``id``."""
    try:
        with edit_lock(manifest.path):
            return _append_locked(manifest, new)
    except OSError as exc:
        raise AddError(f"{shown(manifest)}: cannot write: {exc.strerror or exc}; the file is unchanged") from None


def _append_locked(manifest: Manifest, new: dict) -> int:
    source = Source.read(manifest.path)
    editor = Editor(source)
    if manifest.document is None or not same(editor.document.data, manifest.document.data):
        raise _Changed()
    tool = new["tool"]
    fields = [("id", render(new["id"], "plain")), ("path", render(new["path"], "plain")),
              *([("frames", double_quoted(new["frames"]))] if "frames" in new else []),
              ("sha256", render(new["sha256"], sha256_style(editor.document))),
              ("tool", render(tool, "plain") if isinstance(tool, str) else
               "[" + ", ".join(render(item, "plain") for item in tool) + "]"),
              ("media", render(new["media"], "plain")), ("purpose", render(new["purpose"], "plain")),
              ("deliverable", "true" if new["deliverable"] else "false"), ("created", double_quoted(new["created"]))]
    if "disclosed_on" in new:
        fields.append(("disclosed_on", double_quoted(new["disclosed_on"])))
    if "prompt" in new:
        fields.append(("prompt", double_quoted(new["prompt"])))
    for name in ("approvals", "content", "inputs"):
        if name in new:
            fields.append((name, _flow(new[name])))
    if "talent" in new:
        fields.append(("talent", _flow(new["talent"])))
    editor.append_item("assets", fields)
    expected = copy.deepcopy(editor.document.data)
    if not isinstance(expected.get("assets"), list):
        expected["assets"] = []
    expected["assets"].append(new)
    text, document = editor.verify(expected)
    replace_if_unchanged(manifest.path, source.raw, source.encode(text))
    return document.span(("assets", len(expected["assets"]) - 1, "id")).line


_FLOW_PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def _flow(value: object) -> str:
    """``value`` (lists, mappings, text, booleans) as one line of YAML flow style."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {_flow(item)}" for key, item in value.items()) + "}"
    text = str(value)
    return text if _FLOW_PLAIN.fullmatch(text) and plain_ok(text) else double_quoted(text)
