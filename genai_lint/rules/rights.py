"""G1xx: outputs must not copy unowned or copyrighted material."""

from __future__ import annotations

from collections.abc import Iterator

from genai_lint.context import Context
from genai_lint.findings import Finding, Span
from genai_lint.project import Entry
from genai_lint.rules import rule


def inputs(asset: Entry) -> Iterator[tuple[int, dict]]:
    """(index, input) for every well-formed input of the asset."""
    items = asset.get("inputs")
    if isinstance(items, list):
        for index, item in enumerate(items):
            if isinstance(item, dict):
                yield index, item


def content_items(asset: Entry, *values: str) -> Iterator[tuple[int, str]]:
    """(index, value) for every content entry of the asset among ``values``."""
    content = asset.get("content")
    if isinstance(content, list):
        for index, item in enumerate(content):
            if item in values:
                yield index, item


@rule("G101", "unlicensed-input", "error", "An input's source is third-party or unknown, or licensed without a license reference.", source="NFX a.2 principle 1")
def unlicensed_input(asset: Entry, ctx: Context) -> Iterator[Finding]:
    """
    ## What it checks
    Every input fed to a tool: its `source` must not be `third-party` (someone else's work, not
    licensed) or `unknown`, and a `licensed` input must carry its `license` reference.

    ## Why
    The guidance's first principle: outputs must not copy, or come close to copying, material
    the production does not own or that is under copyright. Feeding unowned work in is the
    surest way to get it back out.

    ## Example
    ```yaml
    inputs:
      - ref: pinterest-board-17
        source: unknown        # G101
        use: reference
    ```

    ## Fix
    Use owned, licensed (with `license:`) or public-domain material, or record the licence.
    """
    for index, item in inputs(asset):
        source = item.get("source")
        if source in ("third-party", "unknown"):
            yield ctx.finding("G101", asset, ("inputs", index, "source"),
                              f"input '{item.get('ref')}' has source '{source}': the production has no right to use it",
                              fix="use owned, licensed or public-domain material, or record the licence")
        elif source == "licensed" and not item.get("license"):
            where = ("inputs", index, "license") if "license" in item else ("inputs", index, "source")
            yield ctx.finding("G101", asset, where, f"licensed input '{item.get('ref')}' has no license reference",
                              fix="record the licence: license: \"LIC-...\"")


@rule("G102", "copyrighted-material-unapproved", "error",
      "Content has copyrighted-material and the asset is not approved for copyrighted-reference.", source="NFX a.3 (NFX-C2)")
def copyrighted_material_unapproved(asset: Entry, ctx: Context) -> Iterator[Finding]:
    """
    ## What it checks
    An asset whose `content` includes `copyrighted-material` must list a live approval with the
    `copyrighted-reference` scope.

    ## Why
    Prompts or references that point at copyrighted works need the relevant permissions in
    writing before the work goes ahead (the guidance's example: asking for an image in the manner
    of a famous photograph).

    ## Example
    ```yaml
    content: [copyrighted-material]    # G102: approvals has no copyrighted-reference scope
    ```

    ## Fix
    Obtain written approval with scope `copyrighted-reference` and list its id in `approvals`.
    """
    found = list(content_items(asset, "copyrighted-material"))
    if not found or ctx.cleared(asset, "copyrighted-reference"):
        return
    for index, _ in found:
        yield ctx.finding("G102", asset, ("content", index),
                          "content includes copyrighted material but no approval covers copyrighted-reference",
                          fix=ctx.approval_fix(asset, "copyrighted-reference"))


@rule("G103", "prompt-watchlist", "warning",
      "A prompt matches a watch-list term or pattern and the asset is not approved for copyrighted-reference or public-figure.", source="NFX a.3 (NFX-C2)")
def prompt_watchlist(asset: Entry, ctx: Context) -> Iterator[Finding]:
    """
    ## What it checks
    The asset's `prompt` (or each of its `prompts`) against the watch list: names of artists,
    studios and franchises, and phrasings such as "in the style of ...". On an asset not approved
    for `copyrighted-reference` or `public-figure`, every match is reported at its own columns.

    The built-in list is in `genai_lint/watchlist.py`; extend it in the configuration with
    `watchlist: {terms: [...], patterns: [...]}`, or replace it with `defaults: false`.

    ## Why
    Prompts that name a work, an artist or a famous person's likeness need the relevant
    permissions; a name in a prompt is the clearest sign that an output may imitate them.

    ## Example
    ```yaml
    prompt: "castle at dusk in the style of Studio Ghibli"    # G103
    ```

    ## Fix
    Describe the look in your own words, or obtain a `copyrighted-reference` (or
    `public-figure`) approval and list it.
    """
    prompts: list[tuple[tuple, str]] = []
    if isinstance(asset.get("prompt"), str):
        prompts.append((("prompt",), asset.get("prompt")))
    if isinstance(asset.get("prompts"), list):
        prompts.extend((("prompts", index), text) for index, text in enumerate(asset.get("prompts")) if isinstance(text, str))
    matches = [(path, text, match) for path, text in prompts for match in ctx.watchlist.matches(text)]
    if not matches or ctx.cleared(asset, "copyrighted-reference", "public-figure"):
        return
    for path, text, match in matches:
        found = text[match.start:match.end]
        yield ctx.finding("G103", asset, path, f"prompt of asset {asset.id} contains '{found}', which is on the watch list",
                          span=_match_span(ctx, asset, path, text, match.start, match.end),
                          fix="describe the look in your own words, or obtain a copyrighted-reference approval")


def _match_span(ctx: Context, asset: Entry, path: tuple, text: str, start: int, end: int) -> Span | None:
    """The exact columns of a match in a one-line scalar written without escapes; else the scalar."""
    document = asset.manifest.document
    _, node, reached = document.node(asset.path + path)
    if reached != len(asset.path + path) or node.start_mark.line != node.end_mark.line:
        return None
    quoted = node.style in ("'", '"')
    if any(char in text[:end] for char in "'\"\\"):
        return None
    line = node.start_mark.line + 1
    column = node.start_mark.column + 1 + int(quoted) + start
    return Span(line, column, line, column + (end - start))
