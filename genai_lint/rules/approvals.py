"""A6xx: uses that always need written approval, and the state of the approvals relied on."""

from __future__ import annotations

from collections.abc import Iterator

from genai_lint.context import Context, parse_date
from genai_lint.findings import Finding
from genai_lint.project import Entry
from genai_lint.rules import rule
from genai_lint.rules.data import SENSITIVE_SOURCES
from genai_lint.rules.rights import content_items, inputs

OTHERS_WORK = ("licensed", "third-party", "talent", "unknown")


@rule("A601", "proprietary-data-unapproved", "error",
      "A proprietary or personal-data input, and not approved for proprietary-data.", source="NFX a.3 (NFX-D1), a.4 (NFX-S2)")
def proprietary_data_unapproved(asset: Entry, ctx: Context) -> Iterator[Finding]:
    """
    ## What it checks
    An asset with an input whose `source` is `proprietary` or `personal-data` must list a live
    approval with the `proprietary-data` scope (it covers personal data too).

    ## Why
    The studio's unreleased material (footage, scripts, production stills) and personal
    information about cast or crew may only go into a generative tool with explicit approval,
    enterprise tool or not.

    ## Example
    ```yaml
    inputs:
      - ref: dailies/ep203/A012_C004.mov
        source: proprietary     # A601: no proprietary-data approval
        use: conditioning
    ```

    ## Fix
    Obtain written approval with scope `proprietary-data` and list it in `approvals`.
    """
    sensitive = [(index, item) for index, item in inputs(asset) if item.get("source") in SENSITIVE_SOURCES]
    if not sensitive or ctx.cleared(asset, "proprietary-data"):
        return
    for index, item in sensitive:
        yield ctx.finding("A601", asset, ("inputs", index, "source"),
                              f"{item.get('source')} input '{item.get('ref')}' used without a proprietary-data approval",
                              fix=ctx.approval_fix(asset, "proprietary-data"))


@rule("A602", "artist-work-training-unapproved", "error",
      "An input with use: training from someone else's work, and not approved for artist-work-training.", source="NFX a.3 (NFX-D2)")
def artist_work_training_unapproved(asset: Entry, ctx: Context) -> Iterator[Finding]:
    """
    ## What it checks
    An input with `use: training` whose `source` is `licensed`, `third-party`, `talent` or
    `unknown` (someone else's work) needs a live approval with the `artist-work-training` scope.

    ## Why
    Training or fine-tuning a model on the work of artists, performers or other rights holders
    without legal clearance is one of the guidance's always-escalate cases (its example: a model
    trained on an artist's back catalogue to imitate their style).

    ## Example
    ```yaml
    inputs:
      - ref: catalogue/jane-artist-2010-2020
        source: licensed
        license: "LIC-88"
        use: training           # A602: no artist-work-training approval
    ```

    ## Fix
    Obtain written approval with scope `artist-work-training`, or train only on owned material.
    """
    trained = [(index, item) for index, item in inputs(asset)
               if item.get("use") == "training" and item.get("source") in OTHERS_WORK]
    if not trained or ctx.cleared(asset, "artist-work-training"):
        return
    for index, item in trained:
        yield ctx.finding("A602", asset, ("inputs", index, "use"),
                              f"model trained on {item.get('source')} input '{item.get('ref')}' without an artist-work-training approval",
                              fix=ctx.approval_fix(asset, "artist-work-training", ", or train on owned material"))


def _content_unapproved(asset: Entry, ctx: Context, code: str, values: tuple[str, ...], scope: str,
                        what: str) -> Iterator[Finding]:
    """Findings for content ``values`` on an asset not cleared for ``scope``."""
    found = list(content_items(asset, *values))
    if not found or ctx.cleared(asset, scope):
        return
    for index, value in found:
        yield ctx.finding(code, asset, ("content", index), f"{what} ('{value}') without a {scope} approval",
                          fix=ctx.approval_fix(asset, scope))


@rule("A603", "key-creative-unapproved", "error", "Content has main-character or key-visual, and not approved for key-creative.", source="NFX a.3 (NFX-C1)")
def key_creative_unapproved(asset: Entry, ctx: Context) -> Iterator[Finding]:
    """
    ## What it checks
    An asset whose `content` includes `main-character` or `key-visual` must list a live approval
    with the `key-creative` scope.

    ## Why
    Generating lead characters, signature visuals or story-central settings needs written
    approval first (the guidance's example: an extra doll for a show's signature game).

    ## Example
    ```yaml
    content: [key-visual]    # A603
    ```

    ## Fix
    Obtain written approval with scope `key-creative` and list it in `approvals`.
    """
    yield from _content_unapproved(asset, ctx, "A603", ("main-character", "key-visual"), "key-creative",
                                   "main character or key visual")


@rule("A604", "public-figure-unapproved", "error", "Content has public-figure, and not approved for public-figure.", source="NFX a.3 (NFX-C2)")
def public_figure_unapproved(asset: Entry, ctx: Context) -> Iterator[Finding]:
    """
    ## What it checks
    An asset whose `content` includes `public-figure` must list a live approval with the
    `public-figure` scope.

    ## Why
    Generating the likeness of public figures or deceased people needs permissions in writing;
    it also feeds deep-fake disclosure duties (EU AI Act, Art. 50(4)).

    ## Example
    ```yaml
    content: [public-figure]    # A604
    ```

    ## Fix
    Obtain written approval with scope `public-figure` and list it in `approvals`.
    """
    yield from _content_unapproved(asset, ctx, "A604", ("public-figure",), "public-figure", "public figure")


def _relied_on(asset: Entry, ctx: Context) -> Iterator[tuple[tuple, Entry]]:
    """Approvals the asset lists whose own record is sound enough to judge."""
    for path, approval in ctx.approval_refs(asset):
        if not approval.is_broken("expires", "granted_on"):
            yield path, approval


@rule("A605", "approval-expired", "error", "An approval the asset relies on has expired on the evaluation date.", source="NFX a.1 (NFX-02)")
def approval_expired(asset: Entry, ctx: Context) -> Iterator[Finding]:
    """
    ## What it checks
    Every approval an asset lists must not have expired on the evaluation date (`--date`,
    default today): `expires` is the last valid day. A scope covered only by an expired approval
    is reported here, not again by the scope's own rule.

    ## Why
    An approval is granted for a period; work relying on a lapsed one is uncleared.

    ## Example
    ```yaml
    approvals:
      - id: APR-003
        expires: "2026-03-31"
    assets:
      - approvals: [APR-003]    # A605 on 2026-06-01
    ```

    ## Fix
    Have the approval renewed (a new approval id or a new `expires`), or stop using the asset.
    """
    for path, approval in _relied_on(asset, ctx):
        if ctx.expired(approval):
            yield ctx.finding("A605", asset, path,
                              f"approval '{approval.id}' expired on {approval.get('expires')} (evaluated on {ctx.date.isoformat()})",
                              fix="have the approval renewed, or stop using the asset")


@rule("A606", "approval-expiring", "warning", "An approval the asset relies on expires within expiring_days (default 30).", source="NFX a.1 (NFX-02)")
def approval_expiring(asset: Entry, ctx: Context) -> Iterator[Finding]:
    """
    ## What it checks
    Every approval an asset lists that expires within `expiring_days` (default 30) of the
    evaluation date.

    ## Why
    A warning ahead of expiry gives producers time to renew before delivery is blocked.

    ## Example
    ```yaml
    expires: "2026-06-20"    # A606 when evaluated on 2026-06-01
    ```

    ## Fix
    Ask for renewal now, or plan to finish the work before the date.
    """
    for path, approval in _relied_on(asset, ctx):
        expires = parse_date(approval.get("expires"))
        if expires is not None and 0 <= (expires - ctx.date).days <= ctx.settings.expiring_days:
            days = (expires - ctx.date).days
            yield ctx.finding("A606", asset, path, f"approval '{approval.id}' expires on {expires.isoformat()}, in {days} day{'s' if days != 1 else ''}",
                              fix="ask for renewal before it expires")


@rule("A607", "approval-after-use", "warning", "An approval the asset relies on was granted after the asset's created date.", source="NFX a.1 (NFX-02): approval before proceeding")
def approval_after_use(asset: Entry, ctx: Context) -> Iterator[Finding]:
    """
    ## What it checks
    Every approval an asset lists must have been granted on or before the asset's `created`
    date.

    ## Why
    Written approval is needed *before* proceeding; an approval dated after the work shows the
    work went ahead uncleared, which an audit will ask about.

    ## Example
    ```yaml
    created: "2026-04-02"
    approvals: [APR-010]      # A607: APR-010 granted_on 2026-04-20
    ```

    ## Fix
    Nothing to change in the manifest if the dates are true: record the reason in a waiver for
    the audit trail. If a date is wrong, correct it.
    """
    created = parse_date(asset.get("created"))
    if created is None:
        return
    for path, approval in _relied_on(asset, ctx):
        granted = parse_date(approval.get("granted_on"))
        if granted is not None and granted > created:
            yield ctx.finding("A607", asset, path,
                              f"approval '{approval.id}' was granted on {granted.isoformat()}, after the asset was created on {created.isoformat()}",
                              fix="seek approval before generating; record the reason in a waiver if the dates are true")
