"""E1xx (profile eu-ai-act-art50): transparency duties of Article 50 of the EU AI Act.

They apply to productions distributed in the European Union (``production.distribution_regions``
holds ``EU``, ``WW`` or a member state) on evaluation dates from 2026-08-02, when Article 50
applies.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from genai_lint.context import Context
from genai_lint.findings import Finding
from genai_lint.project import Entry, Manifest
from genai_lint.rules import rule
from genai_lint.rules.delivery import final_path
from genai_lint.rules.talent import block

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at every start-up
if TYPE_CHECKING:
    from genai_lint.gate.delivered import DeliveredFile

APPLIES_FROM = dt.date(2026, 8, 2)
EU_REGIONS = frozenset({"EU", "WW", "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU",
                        "IE", "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE"})
ARTISTIC_WORKS = ("fiction", "animation")
"""Work types that are evidently artistic or fictional: a light disclosure suffices (Art. 50(4))."""
MARKING_KINDS = ("iptc-digital-source-type", "c2pa-generative-action", "c2pa-undecoded")
"""Scanner markers that are a machine-readable marking: IPTC digital source type or a C2PA manifest store."""


def production(manifest: Manifest) -> dict:
    value = manifest.data.get("production")
    return value if isinstance(value, dict) else {}


def distributed_in_eu(manifest: Manifest, ctx: Context) -> bool:
    """Whether Article 50 binds the production of ``manifest`` on the evaluation date."""
    regions = production(manifest).get("distribution_regions")
    return ctx.date >= APPLIES_FROM and isinstance(regions, list) and any(region in EU_REGIONS for region in regions)


@rule("E101", "deep-fake-undisclosed", "error",
      "A deep fake in a deliverable without a sufficient audience disclosure.", source="EU AI Act Art. 50(4) (b.7)")
def deep_fake_undisclosed(asset: Entry, ctx: Context) -> Iterator[Finding]:
    """
    ## What it checks
    In a production distributed in the EU, from 2026-08-02: an asset marked `deep_fake: true`
    that is final material (`deliverable: true` or `purpose: final`) must record how the
    audience is told (`audience_disclosure`). A `light` disclosure suffices only when the
    production's `work_type` is `fiction` or `animation` (evidently artistic or fictional work);
    a documentary, news or other work needs a `full` one.

    ## Why
    EU AI Act Article 50(4) (research notes b.7): deployers who generate or manipulate image,
    audio or video that is a deep fake must disclose its artificial origin; for evidently
    artistic, creative, satirical or fictional works the duty shrinks to disclosing that such
    content exists, in a way that does not spoil the work.

    ## Example
    ```yaml
    production: {id: tidewater, work_type: documentary, distribution_regions: [EU]}
    ...
    deep_fake: true
    deliverable: true          # E101: no audience_disclosure
    ```

    ## Fix
    Disclose the artificial origin to the audience and record it:
    `audience_disclosure: {reference: "on-screen card at 00:41:10", kind: full}`.
    """
    if asset.get("deep_fake") is not True or final_path(asset) is None or not distributed_in_eu(asset.manifest, ctx):
        return
    disclosure = block(asset, "audience_disclosure")
    work_type = production(asset.manifest).get("work_type")
    if not disclosure and not asset.is_broken("audience_disclosure"):
        yield ctx.finding("E101", asset, ("deep_fake",), f"deep fake {asset.label()} is delivered in the EU without an audience disclosure",
                          fix='disclose it and record it: audience_disclosure: {reference: "...", kind: full}')
    elif disclosure.get("kind") == "light" and work_type not in ARTISTIC_WORKS:
        yield ctx.finding("E101", asset, ("audience_disclosure", "kind"),
                          f"deep fake {asset.label()}: a light disclosure suffices only for evidently artistic or fictional "
                          f"work, and this production's work_type is {work_type or 'not recorded'}",
                          fix="give a full disclosure of the artificial origin, or record the work_type if it is fiction")


@rule("E102", "marking-stripped", "warning",
      "gate: a delivered copy of a declared generated deliverable has lost its machine-readable marking.", "delivery",
      source="EU AI Act Art. 50(2) (b.7)")
def marking_stripped(delivered: DeliveredFile, ctx: Context) -> Iterator[Finding]:
    """
    ## What it checks
    A delivered file that has the file name of a declared generated deliverable
    (`deliverable: true` or `purpose: final`) of a production distributed in the EU, but not its
    bytes, and carries no machine-readable marking (an IPTC digital source type or a C2PA
    manifest store), while the asset's own file in the production does: the marking was
    stripped on the way to the delivery (a re-export, a metadata scrub, a transcode).

    ## Why
    EU AI Act Article 50(2) (research notes b.7): generated audio, images, video and text carry
    a machine-readable marking so they can be detected as artificially generated; the Code of
    Practice on transparency asks that markings are not removed. A delivery that drops the marking
    undoes what the tool provided.

    ## Example
    ```text
    delivery/key_art/poster_v7.png: E102 declared generated deliverable KA-001
    (art/key_art/poster_v7.png carries C2PA and IPTC markings); the delivered copy carries none
    ```

    ## Fix
    Deliver the marked file, or re-export with metadata preserved (C2PA-aware tools keep the
    manifest store); then run `genai-lint hash` if the delivered file is the new approved one.
    """
    if delivered.scan is None or delivered.problem or any(m.kind in MARKING_KINDS for m in delivered.markers):
        return
    for asset in ctx.assets_named(delivered.name):
        if final_path(asset) is None or not distributed_in_eu(asset.manifest, ctx):
            continue
        marked = _marking_of(asset, ctx)
        if marked:
            yield ctx.file_finding("E102", delivered.shown,
                                   f"declared generated deliverable {asset.label()} ({asset.get('path')}) carries "
                                   f"{marked}; this delivered copy carries no machine-readable marking",
                                   fix="deliver the marked file, or re-export keeping its C2PA and XMP metadata",
                                   entry=asset)
            return


def _marking_of(asset: Entry, ctx: Context) -> str | None:
    """The kinds of machine-readable marking the asset's own file carries, as text, or ``None``."""
    from genai_lint.provenance import scan

    located = ctx.asset_file(asset)
    if located is None or located.state != "ok" or located.path is None:
        return None
    kinds = sorted({marker.kind for marker in scan(located.path).markers if marker.kind in MARKING_KINDS})
    return " and ".join(kinds) if kinds else None
