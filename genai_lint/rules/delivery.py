"""G401 and D8xx: generated material stays temporary and out of final deliverables unless cleared."""

from __future__ import annotations

from collections.abc import Iterator

from genai_lint.context import Context
from genai_lint.findings import Finding, Severity
from genai_lint.project import Entry
from genai_lint.rules import rule

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at every start-up
if TYPE_CHECKING:
    from genai_lint.gate.delivered import DeliveredFile


@rule("G401", "generated-in-deliverable", "error",
      "deliverable: true or purpose: final, and not approved for final-deliverable.", source="NFX a.2 principle 4, a.5 (NFX-F1)")
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
    final = asset.get("deliverable") is True or asset.get("purpose") == "final"
    if not final or ctx.cleared(asset, "final-deliverable"):
        return
    if asset.get("deliverable") is True:
        yield ctx.finding("G401", asset, ("deliverable",), f"asset {asset.label()} is in the deliverables without a final-deliverable approval",
                          fix=ctx.approval_fix(asset, "final-deliverable", ", or replace the element"))
    elif asset.get("purpose") == "final":
        yield ctx.finding("G401", asset, ("purpose",), f"asset {asset.label()} is for final use without a final-deliverable approval",
                          fix=ctx.approval_fix(asset, "final-deliverable", ", or replace the element"))


def final_path(asset: Entry) -> tuple | None:
    """Where the asset says it is final material (``deliverable: true`` or ``purpose: final``), else ``None``."""
    if asset.get("deliverable") is True:
        return ("deliverable",)
    if asset.get("purpose") == "final":
        return ("purpose",)
    return None


@rule("G402", "final-without-human-or-legal", "warning",
      "Final material without a human_contribution or a legal_review.", source="NFX a.5 (NFX-F4)")
def final_without_human_or_legal(asset: Entry, ctx: Context) -> Iterator[Finding]:
    """
    ## What it checks
    An asset that is final material (`deliverable: true` or `purpose: final`) should record the
    meaningful human contribution to it (`human_contribution`) and the legal review it went
    through (`legal_review`).

    ## Why
    Guidance a.5 (NFX-F4): generative AI may be used for ideas and mock-ups, but the final
    version should involve meaningful human input and go through legal review via the studio
    contact.

    ## Example
    ```yaml
    deliverable: true      # G402: no human_contribution, no legal_review
    ```

    ## Fix
    Record what people did to the final version (`human_contribution: "repainted by ..."`) and
    the legal review reference (`legal_review: "LEG-..."`).
    """
    where = final_path(asset)
    missing = [name for name in ("human_contribution", "legal_review") if name not in asset.data]
    if where is not None and missing and not asset.is_broken(*missing):
        yield ctx.finding("G402", asset, where, f"final asset {asset.label()} records no {' and no '.join(missing)}",
                          fix="record the human contribution and the legal review of the final version")


PROMINENT = ("featured", "story-point")


@rule("G403", "prominent-element-unreviewed", "warning",
      "A featured or story-point generated element without legal_review (background or incidental: info).",
      source="NFX a.5 (NFX-F2, NFX-F3), a.8 background elements")
def prominent_element_unreviewed(asset: Entry, ctx: Context) -> Iterator[Finding]:
    """
    ## What it checks
    An asset that records its `prominence` needs a `legal_review` reference: a `featured` or
    `story-point` element without one is a warning; a `background` or `incidental` one is
    reported as info, for judgment.

    ## Why
    Guidance a.5 (NFX-F2, NFX-F3) and the use-case matrix: generated posters, documents, signage
    or clippings may need rights clearance; an incidental prop briefly in the background can be
    fine, but one that is read aloud or matters to the story needs more care and legal guidance.

    ## Example
    ```yaml
    prominence: story-point     # G403: no legal_review
    ```

    ## Fix
    Ask the studio contact for legal review early and record its reference in `legal_review`.
    """
    prominence = asset.get("prominence")
    if prominence is None or "legal_review" in asset.data:
        return
    finding = ctx.finding("G403", asset, ("prominence",), f"{prominence} generated element {asset.label()} has no legal_review",
                          fix="ask for legal review early and record its reference in legal_review")
    yield finding if prominence in PROMINENT else finding._replace(severity=Severity.INFO)


# The delivery gate's rules judge one delivered file each (``genai-lint gate``).


@rule("D801", "undeclared-generated-file", "error",
      "gate: a delivered file carries generative-AI provenance metadata and matches no asset (by sha256).", "delivery", source="NFX a.1 (NFX-01), a.5 (NFX-F1)")
def undeclared_generated_file(delivered: DeliveredFile, ctx: Context) -> Iterator[Finding]:
    """
    ## What it checks
    Every delivered file that matches no asset by SHA-256 is scanned for embedded provenance
    that declares generative AI: IPTC `DigitalSourceType` values such as
    `trainedAlgorithmicMedia` in XMP, C2PA manifest stores whose actions declare a generative
    source (camera-signed Content Credentials pass), and generator fingerprints (AUTOMATIC1111,
    ComfyUI, Fooocus, InvokeAI, NovelAI settings in text chunks, EXIF, tags). Every file is
    identified by its content; the formats read are listed in the README. The message names the
    generator when the file does, the marker and where it sits (segment, chunk or box, byte offset).

    ## Why
    Generated material must be declared and cleared before it reaches the studio. A file that
    says it was made by a generator but is in no manifest slipped past the record. (No marker
    does not prove a file is not generated: metadata is easily stripped; invisible watermarks
    such as SynthID cannot be read from the container.)

    ## Example
    ```text
    delivery/stills/poster_alt.png: D801 generative-AI marker: C2PA claim by ChatGPT (signed by
    OpenAI), action c2pa.created, digitalSourceType trainedAlgorithmicMedia at PNG caBX chunk at
    byte 33: ..., and no asset has this file's sha256 3f2a…
    ```

    ## Fix
    Declare the file as an asset (`genai-lint add`) with the approvals it needs, or take it out
    of the delivery.
    """
    generative = [marker for marker in delivered.markers if marker.generative]
    if delivered.assets or not generative:
        return
    first = generative[0]
    more = f" (+{len(generative) - 1} more)" if len(generative) > 1 else ""
    yield ctx.file_finding("D801", delivered.shown,
                           f"generative-AI marker: {first.describe()} at {first.where}{more}, "
                           f"and no asset has this file's sha256 {delivered.sha256[:12]}…",
                           fix="declare it as an asset with its approvals (genai-lint add), or remove it from the delivery")


@rule("D802", "temporary-asset-in-delivery", "error",
      "gate: a delivered file has the sha256 of an asset with deliverable: false.", "delivery", source="NFX a.2 principle 4")
def temporary_asset_in_delivery(delivered: DeliveredFile, ctx: Context) -> Iterator[Finding]:
    """
    ## What it checks
    Every delivered file whose SHA-256 is that of an asset declared `deliverable: false`
    (ideation, concept, previs, reference or temp material) and of no deliverable asset.

    ## Why
    Generated material is meant to stay temporary; a temp asset that leaked into the delivery
    package is uncleared generated content in front of the studio.

    ## Example
    ```text
    delivery/sound/room_tone.wav: D802 is asset A-0012 (sound/genai-manifest.yaml), declared deliverable: false
    ```

    ## Fix
    Replace it with the final, cleared material; or, if it really is final, mark the asset
    `deliverable: true` and obtain a `final-deliverable` approval.
    """
    if delivered.assets and all(asset.get("deliverable") is False for asset in delivered.assets):
        asset = delivered.assets[0]
        yield ctx.file_finding("D802", delivered.shown,
                               f"is asset {asset.label()} ({asset.manifest.rel}), declared deliverable: false",
                               fix="replace it with cleared final material, or declare the asset deliverable and get approval",
                               entry=asset)


@rule("D804", "delivered-asset-hash-stale", "error",
      "gate: a delivered file is an asset's real file, but the asset's declared sha256 is missing or another.", "delivery")
def delivered_asset_hash_stale(delivered: DeliveredFile, ctx: Context) -> Iterator[Finding]:
    """
    ## What it checks
    The gate matches delivered files against each asset's declared `sha256` and against the hash
    of the asset's real file. A delivered file that matched an asset through its real file only
    (the asset has no `sha256`, or one that no longer describes the file) is reported at the
    asset's `sha256:` (or at the asset when it has none), naming the delivered file.

    ## Why
    The manifest does not describe what is being delivered: a regenerated file that nobody
    re-hashed, or an asset whose hash line was deleted, would otherwise pass the gate unseen.

    ## Example
    ```yaml
    - id: SND-005
      path: music/temp_score.wav       # regenerated after the last `genai-lint hash`
      sha256: "5021ebb8..."            # D804 when delivery/temp_score.wav is the new file
    ```

    ## Fix
    If the delivered file is the approved one, run `genai-lint hash` and have the change
    reviewed; otherwise deliver the file the manifest declares.
    """
    for asset in delivered.assets:
        declared = asset.get("sha256")
        if isinstance(declared, str) and declared.lower() in (delivered.sha256, _sequence_now(asset, delivered, ctx)):
            continue
        state = f"declares sha256 {declared[:12]}…" if isinstance(declared, str) else "declares no sha256"
        where = ("sha256",) if "sha256" in asset.data else ()
        yield ctx.finding("D804", asset, where,
                          f"delivered file {delivered.shown} is the file of asset {asset.label()}, which {state}, "
                          f"not the delivered file's {delivered.sha256[:12]}…: the manifest does not describe what is delivered",
                          fix="run `genai-lint hash` if the delivered file is the approved one, else deliver the declared file")


def _sequence_now(asset: Entry, delivered: DeliveredFile, ctx: Context) -> str | None:
    """For a delivered frame of a sequence asset: the sequence's sha256 computed from its frames now."""
    if delivered.frame is None or ctx.sequence(asset) is None:
        return None
    digest = ctx.file_hash(asset)
    return digest if isinstance(digest, str) else None


@rule("D803", "unverifiable-delivery-file", "warning",
      "gate: a delivered file could not be read or parsed for provenance.", "delivery", source="NFX a.5 (NFX-F1)")
def unverifiable_delivery_file(delivered: DeliveredFile, ctx: Context) -> Iterator[Finding]:
    """
    ## What it checks
    Delivered files the gate could not verify: unreadable files, symlinks that leave the package,
    devices and FIFOs, files whose content (identified by magic bytes, never by name) is not what
    their extension says, formats the scanner has no reader for ("WOFF2: no reader"), containers too
    damaged to parse or too complex to verify within the scanner's work budgets, and weaker
    provenance evidence a person must review (a compressed C2PA store that cannot be decoded, a
    `compositeSynthetic` source type, a reference to an external manifest only).

    ## Why
    A gate that silently skips what it cannot read would pass exactly the files it knows least
    about.

    ## Example
    ```text
    delivery/plates/p12.mov: D803 MOV could not be read: truncated MOV box 'mdat' at byte 812
    delivery/extras/logo.gif: D803 not a PNG although named .png (content is GIF)
    ```

    ## Fix
    Repair or re-export the file, or check its provenance by hand and waive the finding with a reason.
    """
    if delivered.problem:
        yield ctx.file_finding("D803", delivered.shown, delivered.problem,
                               fix="repair or re-export the file, or check it by hand")
        return
    review = [marker for marker in delivered.markers if not marker.generative]
    if review and not delivered.assets and not any(marker.generative for marker in delivered.markers):
        marker = review[0]
        yield ctx.file_finding("D803", delivered.shown,
                               f"provenance needs review: {marker.describe()} at {marker.where}",
                               fix="check the file's origin by hand; declare it if it is generated")
