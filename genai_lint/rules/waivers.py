"""M013 and M014: written waivers, and what becomes of them.

A waiver (``waivers:`` on an asset) names a rule code and a reason, and may expire. The engine
matches live waivers to the asset's findings after every other rule has run; these two rules
judge each waiver once that is known, so they receive the waiver and what it matched.
"""

from __future__ import annotations

from collections.abc import Iterator

from genai_lint.context import Context
from genai_lint.findings import Finding
from genai_lint.project import Entry
from genai_lint.rules import rule


@rule("M013", "unused-waiver", "info", "A waiver matches no finding.", "waiver")
def unused_waiver(asset: Entry, index: int, waiver: dict, matched: int, ctx: Context) -> Iterator[Finding]:
    """
    ## What it checks
    That every live waiver on an asset still covers a finding of the rule it names.

    ## Why
    A waiver is a written acceptance of a known risk. Once the risk is gone (the tool was
    replaced, the approval arrived) the waiver should go too, or it will silently accept the
    next, different problem under the same code.

    ## Example
    ```yaml
    waivers:
      - rule: G301          # M013: the asset's tool is now enterprise
        reason: "vendor paperwork pending"
    ```

    ## Fix
    Remove the waiver.
    """
    if matched == 0:
        yield ctx.finding("M013", asset, ("waivers", index, "rule"),
                          f"waiver for {waiver.get('rule')} on asset {asset.label()} matches no finding",
                          fix="remove the waiver")


@rule("M014", "waiver-expired", "warning", "A waiver has expired, so the finding it covered is live again.", "waiver")
def waiver_expired(asset: Entry, index: int, waiver: dict, matched: int, ctx: Context) -> Iterator[Finding]:
    """
    ## What it checks
    Every waiver with an `expires` date before the evaluation date. An expired waiver stops
    waiving: the finding it covered is reported again, and this warning says why.

    ## Why
    Risks are accepted for a period ("until the enterprise tenant is live"); when the period
    ends, someone must look again.

    ## Example
    ```yaml
    waivers:
      - rule: G301
        reason: "on-prem tool pending vendor paperwork"
        expires: "2026-03-31"     # M014 on 2026-06-01
    ```

    ## Fix
    Fix the underlying finding, or renew the waiver with a new reason and date.
    """
    yield ctx.finding("M014", asset, ("waivers", index, "expires"),
                      f"waiver for {waiver.get('rule')} on asset {asset.label()} expired on {waiver.get('expires')}",
                      fix="fix the finding, or renew the waiver with a new reason and date")
