"""G5xx: no generated or replaced talent performances without consent and approval."""

from __future__ import annotations

from typing import Iterator

from genai_lint.context import Context
from genai_lint.findings import Finding
from genai_lint.project import Entry
from genai_lint.rules import rule
from genai_lint.rules.rights import content_items, inputs

TALENT_CONTENT = ("talent-likeness", "talent-voice", "talent-performance")


def talent_places(asset: Entry) -> list[tuple]:
    """Paths inside the asset that show it involves talent: talent-* content and talent inputs."""
    places = [("content", index) for index, _ in content_items(asset, *TALENT_CONTENT)]
    places += [("inputs", index, "source") for index, item in inputs(asset) if item.get("source") == "talent"]
    return places


@rule("G501", "talent-without-consent", "error",
      "The asset involves talent and talent.consent is missing.")
def talent_without_consent(asset: Entry, ctx: Context) -> Iterator[Finding]:
    """
    ## What it checks
    An asset that involves talent (a `talent-likeness`, `talent-voice` or `talent-performance`
    content entry, or an input with `source: talent`) must record the performer's written
    consent in `talent.consent`.

    ## Why
    Generated or altered performances, cloned voices and digital replicas need the performer's
    explicit consent on record, plus what union agreements require (SAG-AFTRA's 2023 contract
    requires informed, separately signed consent).

    ## Example
    ```yaml
    content: [talent-voice]
    talent:                 # G501: no consent
      name: "J. Doe"
    ```

    ## Fix
    Obtain the performer's written consent and record its reference: `consent: "CONSENT-2026-014"`.
    """
    if asset.is_broken("talent", "content", "inputs"):
        return
    places = talent_places(asset)
    if not places:
        return
    talent = asset.get("talent")
    if isinstance(talent, dict) and talent.get("consent"):
        return
    where, key = (("talent",), True) if isinstance(talent, dict) else (places[0], False)
    name = f" ({talent.get('name')})" if isinstance(talent, dict) and talent.get("name") else ""
    yield ctx.finding("G501", asset, where, key=key,
                      message=f"asset {asset.label()} involves talent{name} but records no consent",
                      fix='record the performer\'s written consent: talent: {consent: "CONSENT-..."}')


@rule("G502", "talent-unapproved", "error", "The asset involves talent, and is not approved for talent-performance.")
def talent_unapproved(asset: Entry, ctx: Context) -> Iterator[Finding]:
    """
    ## What it checks
    An asset that involves talent must list a live approval with the `talent-performance` scope.

    ## Why
    Synthetic performers, voice clones, re-ageing and visual ADR always need escalation and
    written approval: even small changes to a performance carry legal and reputational risk.

    ## Example
    ```yaml
    content: [talent-likeness]    # G502: no talent-performance approval
    ```

    ## Fix
    Obtain written approval with scope `talent-performance` and list it in `approvals`.
    """
    places = talent_places(asset)
    if places and not ctx.cleared(asset, "talent-performance"):
        yield ctx.finding("G502", asset, places[0], f"asset {asset.label()} involves talent without a talent-performance approval",
                          fix=ctx.approval_fix(asset, "talent-performance"))
