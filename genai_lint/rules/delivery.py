"""G401: generated material stays temporary and out of final deliverables unless cleared."""

from __future__ import annotations

from typing import Iterator

from genai_lint.context import Context
from genai_lint.findings import Finding
from genai_lint.project import Entry
from genai_lint.rules import rule


@rule("G401", "generated-in-deliverable", "error",
      "deliverable: true or purpose: final, and not approved for final-deliverable.")
def generated_in_deliverable(asset: Entry, ctx: Context) -> Iterator[Finding]:
    """
    ## What it checks
    An asset marked `deliverable: true` or `purpose: final` must list a live approval with the
    `final-deliverable` scope.

    ## Why
    The guidance treats generated material as temporary: anything that ends up in the final
    cut, background elements included, needs escalation and written approval first, because of
    legal, copyright and audience-trust risks.

    ## Example
    ```yaml
    - id: A-0020
      purpose: final
      deliverable: true      # G401: no final-deliverable approval
    ```

    ## Fix
    Obtain written approval with scope `final-deliverable` and list it, or replace the element
    with non-generated material before delivery.
    """
    if ctx.cleared(asset, "final-deliverable"):
        return
    if asset.get("deliverable") is True:
        yield ctx.finding("G401", asset, ("deliverable",), f"asset {asset.label()} is in the deliverables without a final-deliverable approval",
                          fix="obtain written approval with scope final-deliverable, or replace the element")
    elif asset.get("purpose") == "final":
        yield ctx.finding("G401", asset, ("purpose",), f"asset {asset.label()} is for final use without a final-deliverable approval",
                          fix="obtain written approval with scope final-deliverable, or replace the element")
