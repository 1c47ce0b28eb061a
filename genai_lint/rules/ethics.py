"""X701: uses that no approval can clear."""

from __future__ import annotations

from collections.abc import Iterator

from genai_lint.context import Context
from genai_lint.findings import Finding
from genai_lint.project import Entry
from genai_lint.rules import rule
from genai_lint.rules.rights import content_items


@rule("X701", "real-event", "error", "Content has real-event: forbidden; no approval scope clears it.", source="NFX a.3 (NFX-E1)")
def real_event(asset: Entry, ctx: Context) -> Iterator[Finding]:
    """
    ## What it checks
    That no asset's `content` includes `real-event`: generated material that audiences could
    take for real happenings, real people or real quotes.

    ## Why
    The guidance's ethics section: do not make material that could be believed to show events
    that did not occur (its example: a background news clip in which a real journalist reads an
    invented statement). Studio policy treats it as forbidden, so no approval scope clears it;
    the EU AI Act adds deep-fake disclosure duties on top.

    ## Example
    ```yaml
    content: [real-event]    # X701
    ```

    ## Fix
    Remove the asset, or rebuild it with non-generative means and real, cleared sources.
    """
    for index, _ in content_items(asset, "real-event"):
        yield ctx.finding("X701", asset, ("content", index),
                          f"asset {asset.label()} depicts a real event with generated material: forbidden",
                          fix="remove the asset, or rebuild it without generative AI from real, cleared sources")
