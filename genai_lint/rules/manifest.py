"""M0xx: the manifest itself: YAML, schema, ids, references, files and hashes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from genai_lint.context import Context, SequenceFiles
from genai_lint.findings import Finding
from genai_lint.project import Entry, Manifest
from genai_lint.rules import rule
from genai_lint.sequences import format_ranges
from genai_lint.schema import SchemaError
from genai_lint.suggest import closest


@rule("M001", "invalid-yaml", "error", "The file does not parse, or expands past the alias/size limits.", "manifest")
def invalid_yaml(manifest: Manifest, ctx: Context) -> Iterator[Finding]:
    """
    ## What it checks
    That the manifest is readable YAML text: valid UTF-8 (or UTF-16/32 with a byte-order mark),
    no NUL bytes or merge-conflict markers, one document, only plain YAML tags, under the size
    limit (128 MiB), no aliases or merge keys that blow the document up (an "alias bomb"), and
    a file inside the project root (a symlink to a file elsewhere is never read).

    ## Why
    A manifest nobody can read records nothing. genai-lint never guesses at a broken file, never
    constructs objects from YAML tags, and never walks a document built to exhaust memory.

    ## Example
    ```yaml
    assets:
      - id: A-0001
        content: [key-visual, main-character   # the flow list is never closed
    ```

    ## Fix
    Correct the YAML at the position given (the parser's own position). Resolve merge conflicts,
    save the file as UTF-8, and split very large manifests into several.
    """
    if manifest.error is not None:
        yield ctx.finding("M001", manifest, message=manifest.error.message, span=manifest.error.span,
                          fix=manifest.error.fix or "correct the YAML at this position")


@rule("M002", "schema-violation", "error", "The manifest breaks the JSON Schema (one finding per violation; the fields missing at one spot are one).", "manifest")
def schema_violation(manifest: Manifest, ctx: Context) -> Iterator[Finding]:
    """
    ## What it checks
    The manifest against the format v1 JSON Schema (`genai-lint schema` prints it): required
    fields, allowed values, dates, hashes, ids and unknown keys. Each violation is one finding at
    the most specific key or value; policy rules skip the field involved rather than guess.

    ## Why
    The guideline rules can only be judged on a complete, well-typed record. An unquoted version
    such as `1.10` silently becomes the number 1.1; a typo such as `disclosed_0n` hides a field.

    ## Example
    ```yaml
    assets:
      - id: A-0003
        media: hologram        # not one of image, video, audio, voice, music, text, 3d, other
        created: 2026-02-30    # not a real date
    ```

    ## Fix
    Use the values the message lists, quote versions and dates, and remove or rename unknown
    fields (extension fields may start with `x-`).
    """
    missing: dict[tuple, list[SchemaError]] = {}
    for error in manifest.schema_errors:
        if error.missing is not None:
            missing.setdefault(error.path, []).append(error)
    for error in manifest.schema_errors:
        if error.missing is None:
            message, fix = error.message, _quote_fix(manifest, error) or error.fix
        elif missing.get(error.path, [None])[0] is error:  # one finding per spot, naming every missing field
            group = missing[error.path]
            names = ", ".join(f"'{each.missing}'" for each in group)
            message = error.message.replace(f"field '{error.missing}'", f"field{'s' if len(group) > 1 else ''} {names}")
            fix = "add " + "; ".join(_registered(ctx, each.missing) or each.fix for each in group if each.fix)
        else:
            continue
        entry = _entry_at(manifest, error.path)
        if entry is not None:
            message = _naming(message, entry, at_entry=len(error.path) == 2)
        finding = ctx.finding("M002", entry or manifest, error.path[2:] if entry else error.path, message,
                              key=error.key, fix=fix or "see `genai-lint schema` for the allowed structure")
        yield finding


def _registered(ctx: Context, field: str) -> str | None:
    """For a missing ``tool``: an example line with the production's registered tool ids."""
    if field != "tool" or not ctx.project.tools:
        return None
    ids = list(ctx.project.tools)
    more = f", ... ({len(ids)} in all)" if len(ids) > 8 else ""
    return f"`tool: {ids[0]}` (a registered tool: {', '.join(ids[:8])}{more})"


def _quote_fix(manifest: Manifest, error: SchemaError) -> str | None:
    """For a number or date where text is expected: the value as written, in quotes."""
    raw = manifest.document.raw(error.path) if manifest.document else None
    return f'quote the value: "{raw}"' if raw is not None and "must be text" in error.message else None


def _entry_at(manifest: Manifest, path: tuple) -> Entry | None:
    """The register entry (asset, tool, approval) a data path lies in, when it has a usable id."""
    if len(path) < 2 or path[0] not in ("assets", "tools", "approvals") or not isinstance(path[1], int):
        return None
    items = manifest.data.get(path[0])
    item = items[path[1]] if isinstance(items, list) and path[1] < len(items) else None
    if not isinstance(item, dict) or not isinstance(item.get("id"), str):
        return None
    return Entry(path[0][:-1], manifest, path[1], item)


def _naming(message: str, entry: Entry, at_entry: bool) -> str:
    """``message`` saying which entry it is about: ``asset A-1 is missing ...`` or ``asset A-1: ...``."""
    if at_entry and message.startswith("this entry "):
        return f"{entry.kind} {entry.id} " + message.removeprefix("this entry ")
    return f"{entry.kind} {entry.id}: {message}"


@rule("M003", "duplicate-key", "error", "A mapping repeats a key.", "manifest")
def duplicate_key(manifest: Manifest, ctx: Context) -> Iterator[Finding]:
    """
    ## What it checks
    That no mapping writes the same key twice. The first value is kept and the second reported,
    with both lines named.

    ## Why
    Most YAML loaders keep the last value silently: a second `trains_on_inputs: false` would hide
    the first `true`, and a tool that trains on production data would pass review.

    ## Example
    ```yaml
    data_handling:
      trains_on_inputs: true
      trains_on_outputs: false
      trains_on_inputs: false   # M003: already set on line 2
    ```

    ## Fix
    Keep one of the two keys, with the value that is true.
    """
    if manifest.document is None:
        return
    for duplicate in manifest.document.duplicates:
        yield ctx.finding("M003", manifest, duplicate.path,
                          f"duplicate key '{duplicate.key}': already set on line {duplicate.first.line} "
                          f"(line {duplicate.first.line} is kept, line {duplicate.second.line} is ignored)",
                          span=duplicate.second, fix="remove one of the two keys")


@rule("M004", "duplicate-id", "error", "An asset, tool or approval id repeats across the project root.", "project")
def duplicate_id(ctx: Context) -> Iterator[Finding]:
    """
    ## What it checks
    That every asset, tool and approval id is used once across all manifests under the project
    root. The second occurrence (in path order) is reported.

    ## Why
    References resolve by id across departments; two entries with one id make approvals,
    waivers and the audit trail ambiguous.

    ## Example
    ```yaml
    # art/genai-manifest.yaml          # sound/genai-manifest.yaml
    assets:                            assets:
      - id: A-0001                       - id: A-0001    # M004
    ```

    ## Fix
    Give the second entry a fresh id (`genai-lint add` picks the next free one).
    """
    for kind in ("tools", "approvals", "assets"):
        first: dict[str, Entry] = {}
        for entry in ctx.project.entries[kind]:
            entry_id = entry.id
            if entry_id is None:
                continue
            if entry_id not in first:
                first[entry_id] = entry
            elif entry.manifest.requested:  # reported where the second one is, if that was asked for
                where = first[entry_id]
                yield ctx.finding("M004", entry, ("id",),
                                  f"{kind[:-1]} id '{entry_id}' is already used in {where.manifest.rel}"
                                  f" (line {where.manifest.document.span(where.path + ('id',)).line})",
                                  fix=f"give this {kind[:-1]} a unique id")


@rule("M005", "unknown-tool", "error", "An asset names a tool id not in any register.")
def unknown_tool(asset: Entry, ctx: Context) -> Iterator[Finding]:
    """
    ## What it checks
    That every tool an asset names, in `tool` or in a step of its `pipeline`, is in a `tools:`
    register of some manifest under the root.

    ## Why
    The data-handling rules (G2xx, G3xx) judge the tool's contract terms; an unregistered tool
    has none on record, so nothing about it can be cleared.

    ## Example
    ```yaml
    assets:
      - id: A-0007
        tool: midjourney-v7    # M005: no tool with this id
    ```

    ## Fix
    Register the tool (with its environment and data handling) or correct the id.
    """
    for path, tool_id in ctx.tool_refs(asset) + ctx.pipeline_refs(asset):
        if tool_id not in ctx.project.tools:
            close = closest(tool_id, ctx.project.tools)
            hint = f"; did you mean '{close}'?" if close else ""
            yield ctx.finding("M005", asset, path, f"tool '{tool_id}' is not in any tools register{hint}",
                              fix=f"write `tool: {close}`" if close else "add the tool to a tools: register or correct the id")


@rule("M006", "unknown-approval", "error", "An asset names an approval id not in any register.")
def unknown_approval(asset: Entry, ctx: Context) -> Iterator[Finding]:
    """
    ## What it checks
    That every approval an asset lists is in an `approvals:` register under the root.

    ## Why
    An approval is only as good as its written record: who granted it, when, and the ticket or
    email that proves it.

    ## Example
    ```yaml
    approvals: [APR-099]    # M006: no approval with this id
    ```

    ## Fix
    Record the approval in the register (granted_by, granted_on, reference) or correct the id.
    """
    listed = asset.get("approvals")
    if not isinstance(listed, list):
        return
    for index, approval_id in enumerate(listed):
        if isinstance(approval_id, str) and approval_id not in ctx.project.approvals:
            close = closest(approval_id, ctx.project.approvals)
            hint = f"; did you mean '{close}'?" if close else ""
            yield ctx.finding("M006", asset, ("approvals", index), f"approval '{approval_id}' is not in any approvals register{hint}",
                              fix=f"write {close} instead of {approval_id}" if close
                              else "record the approval in an approvals: register or correct the id")


@rule("M007", "missing-file", "error", "An asset's path does not exist.")
def missing_file(asset: Entry, ctx: Context) -> Iterator[Finding]:
    """
    ## What it checks
    That the asset's `path` names a readable regular file (skipped with `--no-files`).

    ## Why
    A record that points at nothing cannot be checked against what is delivered, and usually
    means a file was renamed or moved without its manifest entry.

    For a frame sequence, every frame of `frames:` must be there; the missing ones are named as
    ranges.

    ## Example
    ```yaml
    path: art/concepts/castle_v4.png    # M007: no such file
    path: comp/sh010_matte.####.exr
    frames: "1001-1096"                 # M007: frames 1010-1012, 1050 missing
    ```

    ## Fix
    Correct the path (relative to the manifest's folder), or restore the file (the frames).
    """
    if not ctx.settings.check_files:
        return
    sequence = ctx.sequence(asset)
    if sequence is not None:
        yield from _missing_frames(asset, sequence, ctx)
        return
    located = ctx.asset_file(asset)
    if located is None or located.state in ("ok", "outside"):
        return
    message = {"missing": "file does not exist"}.get(located.state, f"path {located.detail}")
    yield ctx.finding("M007", asset, ("path",), f"{asset.get('path')}: {message}",
                      fix="correct the path (relative to this manifest's folder) or restore the file")


@rule("M008", "hash-mismatch", "error", "The file's sha256 differs from the declared one.")
def hash_mismatch(asset: Entry, ctx: Context) -> Iterator[Finding]:
    """
    ## What it checks
    That the file's SHA-256 equals the `sha256` declared for it (skipped with `--no-files`).

    ## Why
    The hash ties the record to the exact bytes that were approved; the delivery gate matches
    delivered files to assets by it. A changed file needs a fresh look.

    ## Example
    ```yaml
    path: art/concepts/castle_v3.png
    sha256: "9f2c..."    # M008: the file on disk hashes differently
    ```

    ## Fix
    If the new file is the one meant, run `genai-lint hash` to refresh the value (and re-check
    its approvals); otherwise restore the approved file.
    """
    declared = asset.get("sha256")
    if not ctx.settings.check_files or not isinstance(declared, str):
        return
    actual = ctx.file_hash(asset)
    if actual is None:
        return
    if isinstance(actual, OSError):
        yield ctx.finding("M007", asset, ("path",), f"{asset.get('path')}: cannot be read ({actual.strerror})")
        return
    if actual == declared.lower():
        return
    sequence = ctx.sequence(asset)
    if sequence is None:
        yield ctx.finding("M008", asset, ("sha256",), f"sha256 of {asset.get('path')} is {actual}, not the declared value",
                          fix="run `genai-lint hash` if the new file is the approved one")
        return
    yield ctx.finding("M008", asset, ("sha256",), f"{asset.get('path')}: {_changed_frames(sequence, declared, ctx)}",
                      fix="run `genai-lint hash` if the new frames are the approved ones")


@rule("M009", "path-outside-root", "error", "The path is absolute, or escapes the root ('..', or a symlink).")
def path_outside_root(asset: Entry, ctx: Context) -> Iterator[Finding]:
    """
    ## What it checks
    That the asset's `path` is relative and stays inside the project root, also after following
    symlinks.

    ## Why
    A production's records must describe the production's own files. Paths that leave the root
    break on every other machine and can make the tool read files it has no business reading.

    ## Example
    ```yaml
    path: ../../shared/library/castle.png    # M009
    ```

    ## Fix
    Move or copy the file into the production and use a path relative to the manifest.
    """
    located = ctx.asset_file(asset)
    if located is not None and located.state == "outside":
        yield ctx.finding("M009", asset, ("path",), f"path '{asset.get('path')}' {located.detail}",
                          fix="use a path relative to the manifest, inside the project root")


@rule("M010", "unused-entry", "info", "A tool or approval is never referenced.", "project")
def unused_entry(ctx: Context) -> Iterator[Finding]:
    """
    ## What it checks
    That every registered tool and approval is named by at least one asset.

    ## Why
    A stale register misleads reviewers about what the production actually used and cleared.

    ## Example
    ```yaml
    tools:
      - id: old-upscaler    # M010: no asset uses it
    ```

    ## Fix
    Remove the entry, or reference it from the assets it covers.
    """
    used_tools, used_approvals = set(), set()
    for asset in ctx.project.assets:
        used_tools.update(tool_id for _, tool_id in ctx.tool_refs(asset) + ctx.pipeline_refs(asset))
        listed = asset.get("approvals")
        if isinstance(listed, list):
            used_approvals.update(item for item in listed if isinstance(item, str))
    for kind, used in (("tools", used_tools), ("approvals", used_approvals)):
        for entry_id, entry in getattr(ctx.project, kind).items():
            if entry_id not in used:
                yield ctx.finding("M010", entry, ("id",), f"{kind[:-1]} '{entry_id}' is not used by any asset",
                                  fix=f"remove the {kind[:-1]} or reference it from an asset")


@rule("M011", "production-mismatch", "error", "Manifests under one root disagree on production.id.", "project")
def production_mismatch(ctx: Context) -> Iterator[Finding]:
    """
    ## What it checks
    That every manifest under the project root names the same `production.id`. The id most
    manifests use (the first in path order on a tie) is taken as right; the others are reported.

    ## Why
    All manifests under one root form one production: ids and approvals resolve across them.
    A manifest of another production mixed in would borrow approvals it was never granted.

    ## Example
    ```yaml
    production:
      id: aurora-s01    # M011: the other manifests say aurora-s02
    ```

    ## Fix
    Correct the id, or give the other production its own project root (`.genai-lint.yaml`).
    """
    ids = [(manifest, manifest.production_id) for manifest in ctx.project.manifests if manifest.production_id]
    if not ids:
        return
    counts = Counter(production for _, production in ids)
    best = max(counts.values())
    majority = next(production for _, production in ids if counts[production] == best)
    for manifest, production in ids:
        if production != majority:
            yield ctx.finding("M011", manifest, ("production", "id"),
                              f"production id '{production}' differs from '{majority}' used by the other manifests",
                              fix=f"use production id '{majority}', or give this production its own project root")


@rule("M012", "missing-hash", "warning", "The asset's file exists but no sha256 is declared.")
def missing_hash(asset: Entry, ctx: Context) -> Iterator[Finding]:
    """
    ## What it checks
    That an asset whose file exists declares its `sha256` (skipped with `--no-files`).

    ## Why
    Without the hash nobody can tell whether the file on disk is the one that was reviewed, and
    the delivery gate cannot recognise it in a delivery package.

    ## Example
    ```yaml
    - id: A-0012
      path: sound/temp/room_tone.wav    # M012: no sha256
    ```

    ## Fix
    Run `genai-lint hash` to fill it in.
    """
    if not ctx.settings.check_files or "sha256" in asset.data:
        return
    sequence = ctx.sequence(asset)
    located = ctx.asset_file(asset) if sequence is None else None
    if (sequence is not None and sequence.complete) or (located is not None and located.state == "ok"):
        yield ctx.finding("M012", asset, ("path",), f"{asset.get('path')} has no sha256",
                          fix="run `genai-lint hash` to fill it in")


@rule("M015", "hidden-unicode", "warning",
      "Text holds invisible characters (bidirectional controls or zero-width marks) that can hide what a reviewer reads.",
      "manifest")
def hidden_unicode(manifest: Manifest, ctx: Context) -> Iterator[Finding]:
    """
    ## What it checks
    That the manifest's text holds no invisible characters: bidirectional controls (U+202A to
    U+202E, U+2066 to U+2069, U+200E, U+200F, U+061C) and zero-width marks (U+200B to U+200D,
    U+2060 to U+2064, U+FEFF, U+180E). Each is reported at its exact column.

    ## Why
    Such characters can reorder or hide text on screen ("Trojan Source"): a prompt can read as
    harmless in review while naming an artist or a performer, and an id can look like another.
    A record meant for legal review must read the same to everyone.

    ## Example
    ```yaml
    prompt: "castle at dusk<U+202E>ilbhG oiduts ni"    # M015 at the U+202E, which reverses what follows
    ```

    ## Fix
    Delete the character (most editors show it when asked), or write it as an escape such as
    `"\\u200d"` in a double-quoted string if it is really meant.
    """
    if manifest.document is None:
        return
    for span, codepoint in manifest.document.hidden:
        yield ctx.finding("M015", manifest, message=f"invisible character {codepoint} in the text", span=span,
                          fix="delete it, or write it as an escape in a double-quoted string if it is meant")


SHOWN_FRAMES = 5
"""How many changed frames an M008 on a sequence names before it only counts them."""


def _missing_frames(asset: Entry, sequence: SequenceFiles, ctx: Context) -> Iterator[Finding]:
    if sequence.folder is not None and sequence.folder.state != "outside":
        yield ctx.finding("M007", asset, ("path",), f"{asset.get('path')}: {sequence.folder.detail}",
                          fix="correct the path (relative to this manifest's folder) or restore the frames")
        return
    missing = sequence.missing
    if not missing:
        return
    what = "no frame exists" if len(missing) == len(sequence.declared) else \
        f"frame{'s' if len(missing) > 1 else ''} {format_ranges(missing)} missing"
    yield ctx.finding("M007", asset, ("frames",), f"{asset.get('path')}: {what} (of {format_ranges(sequence.declared)})",
                      fix="restore the frames, or correct frames: to the frames that make up the asset")


def _changed_frames(sequence: SequenceFiles, declared: str, ctx: Context) -> str:
    """Which frames of a complete sequence hash differently from when its ``sha256`` was recorded."""
    from genai_lint.sequences import recorded_frames

    now = ctx.frame_hashes(sequence)
    before = recorded_frames(str(ctx.project.root / ".genai-lint-cache"), declared.lower())
    if isinstance(now, OSError) or before is None:
        return ("the frames' sequence sha256 differs from the declared value (which frames changed is known "
                "only on the machine that ran `genai-lint hash`)")
    changed = [frame for frame in sequence.declared if before.get(frame) != now[frame]]
    if not changed:
        return "the frame set differs from the one the declared sha256 was computed over"
    shown = ", ".join(map(str, changed[:SHOWN_FRAMES])) + (", ..." if len(changed) > SHOWN_FRAMES else "")
    return f"{len(changed)} of {len(sequence.declared)} frames changed since the sha256 was recorded: {shown}"


@rule("M016", "frames-invalid", "error", "A frame sequence's `frames:` is missing or unusable, or a one-file path has one.")
def frames_invalid(asset: Entry, ctx: Context) -> Iterator[Finding]:
    """
    ## What it checks
    That an asset whose `path` names a frame sequence (`####` or `%04d` in the file name) gives
    its frames as numbers and ranges (`frames: "1001-1096"`), and that an asset with `frames:`
    names a sequence.

    ## Why
    The frame set is what the sequence's `sha256` is computed over and what the delivery gate
    matches delivered frames against; without it neither can be checked.

    ## Example
    ```yaml
    path: comp/sh010_matte.####.exr
    frames: "1096-1001"    # M016: the range runs backwards
    ```

    ## Fix
    Write the frames as ascending ranges separated by commas, e.g. `"1001-1040, 1050-1096"`.
    """
    sequence = ctx.sequence(asset)
    if sequence is None:
        if "frames" in asset.data and isinstance(asset.get("path"), str):
            yield ctx.finding("M016", asset, ("frames",), f"{asset.label()}: frames: given, but path "
                              f"'{asset.get('path')}' names one file, not a sequence",
                              fix="write the frame number in the path as #### (or %04d), or remove frames:")
    elif sequence.error is not None:
        yield ctx.finding("M016", asset, ("frames",), f"{asset.label()}: frames: {sequence.error}",
                          fix='write ascending ranges separated by commas, e.g. "1001-1040, 1050-1096"')
    elif "frames" not in asset.data:
        yield ctx.finding("M016", asset, ("path",), f"{asset.label()}: the sequence has no frames:",
                          fix='add frames: "FIRST-LAST" (`genai-lint add` works it out from the files)')


@rule("M017", "frames-outside-range", "warning", "Frames of a sequence lie on disk outside its `frames:`.")
def frames_outside_range(asset: Entry, ctx: Context) -> Iterator[Finding]:
    """
    ## What it checks
    That no file of a frame sequence's pattern lies beside it with a frame number outside its
    `frames:` (skipped with `--no-files`). Reported once per sequence.

    ## Why
    A frame that is not in the record is not covered by its hash or its approvals, yet it sits
    where the sequence is picked up for delivery.

    ## Example
    ```yaml
    path: comp/sh010_matte.####.exr
    frames: "1001-1096"    # M017: frames 1097-1100 are on disk too
    ```

    ## Fix
    Extend `frames:` (and run `genai-lint hash`), or move the extra frames away.
    """
    sequence = ctx.sequence(asset)
    if sequence is None or sequence.error is not None or not sequence.declared:
        return
    extra = sequence.extra
    if extra:
        yield ctx.finding("M017", asset, ("frames",), f"{asset.get('path')}: frame{'s' if len(extra) > 1 else ''} "
                          f"{format_ranges(extra)} on disk outside frames: {format_ranges(sequence.declared)}",
                          fix="extend frames: and run `genai-lint hash`, or move the extra frames away")
