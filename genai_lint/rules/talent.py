"""G5xx: no generated or replaced talent performances without consent and approval."""

from __future__ import annotations

from collections.abc import Iterator

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
      "The asset involves talent and talent.consent is missing.", source="NFX a.3 (NFX-T1), a.2 principle 5")
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


@rule("G502", "talent-unapproved", "error", "The asset involves talent, and is not approved for talent-performance.", source="NFX a.3 (NFX-T1, NFX-T2)")
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


def block(entry: Entry, name: str) -> dict:
    """The entry's mapping field ``name``, or an empty mapping when it is missing or broken."""
    value = entry.get(name)
    return value if isinstance(value, dict) else {}


REPLICA_EXEMPTIONS = ("as-scripted", "safety", "unrecognisable")
ALTERATION_EXEMPTIONS = ("as-scripted", "cosmetic", "wardrobe", "noise-reduction", "timing", "continuity", "pitch",
                         "clarity", "permitted-dubbing", "permitted-double")
EXEMPTIONS = {"digital-replica": REPLICA_EXEMPTIONS, "digital-alteration": ALTERATION_EXEMPTIONS}


def consented_use(asset: Entry) -> str | None:
    """``digital-replica`` or ``digital-alteration`` when the asset's talent use needs consent (no exemption applies)."""
    use = block(asset, "talent_use")
    kind = use.get("kind")
    if kind not in EXEMPTIONS or use.get("exemption") in EXEMPTIONS[kind]:
        return None
    return kind


@rule("G503", "talent-use-without-consent", "error",
      "A digital replica or alteration that no exemption covers, and no talent.consent.", source="NFX a.6 (NFX-TE1, NFX-TE2)")
def talent_use_without_consent(asset: Entry, ctx: Context) -> Iterator[Finding]:
    """
    ## What it checks
    An asset whose `talent_use.kind` is `digital-replica` or `digital-alteration` must record the
    performer's consent in `talent.consent`, unless `talent_use.exemption` names one of the
    guidance's exemptions for that kind: for a replica `as-scripted`, `safety` or
    `unrecognisable`; for an alteration `as-scripted` or customary post-production (`cosmetic`,
    `wardrobe`, `noise-reduction`, `timing`, `continuity`, `pitch`, `clarity`,
    `permitted-dubbing`, `permitted-double`). An exemption of the other kind does not count.

    ## Why
    Guidance a.6 (NFX-TE1, NFX-TE2): digital replicas and digital alterations need the
    performer's consent, except where the result stays substantially as scripted, performed or
    recorded, shows what could not safely be performed, leaves the performer unrecognisable, or
    is customary post-production. Visual ADR, performance or intent changes, re-ageing and voice
    synthesis are not exempt.

    ## Example
    ```yaml
    talent_use: {kind: digital-alteration, alteration: visual-adr}   # G503: no consent
    talent: {name: "J. Doe"}
    ```

    ## Fix
    Obtain the performer's consent and record it (`talent.consent`), or, if an exemption truly
    applies, record it in `talent_use.exemption`.
    """
    kind = consented_use(asset)
    talent = block(asset, "talent")
    if kind is None or talent.get("consent") or asset.is_broken("talent"):
        return
    use = block(asset, "talent_use")
    what = use.get("alteration") or use.get("replica") or kind
    exemption = use.get("exemption")
    why = f" ('{exemption}' does not exempt a {kind})" if exemption else ""
    yield ctx.finding("G503", asset, ("talent_use", "kind"),
                      f"asset {asset.label()}: {kind} ({what}) without the performer's consent{why}",
                      fix='record the performer\'s consent: talent: {consent: "CONSENT-..."}, or the exemption that applies')


@rule("G504", "talent-model-reused", "error",
      "The asset uses a model trained on a performer for another production.", source="NFX a.6 (NFX-TE3)")
def talent_model_reused(asset: Entry, ctx: Context) -> Iterator[Finding]:
    """
    ## What it checks
    Each tool an asset names, or a step of its `pipeline` names, that is a model trained or
    fine-tuned on a performer (`talent_model`): its `talent_model.production` must be this
    manifest's `production.id`.

    ## Why
    Guidance a.6 (NFX-TE3): a model trained for talent manipulation may be used only for the
    production it was made for, within the scope agreed with the talent; re-using it for another
    show, pitch or concept is off-limits unless everyone involved has expressly agreed.

    ## Example
    ```yaml
    tools:
      - id: vik-voice
        talent_model: {performer: "I. Lund", production: aurora-s01}
    assets:
      - tool: vik-voice     # G504 in production aurora-s02
    ```

    ## Fix
    Train a model for this production with the performer's consent, or obtain everyone's express
    agreement and a new model record for this production.
    """
    production = asset.manifest.production_id
    for path, tool in ctx.tools_of(asset) + ctx.pipeline_tools(asset):
        made_for = block(tool, "talent_model").get("production")
        if isinstance(made_for, str) and production and made_for != production:
            performer = block(tool, "talent_model").get("performer")
            yield ctx.finding("G504", asset, path,
                              f"tool '{tool.id}' is a model of {performer} made for production {made_for}, "
                              f"used in {production}",
                              fix="use a model made for this production with the performer's consent")


@rule("G505", "union-work-replaced", "error",
      "The asset replaces union-covered work without an agreement reference and a union-work approval.",
      source="NFX a.3 (NFX-E2), a.2 principle 5")
def union_work_replaced(asset: Entry, ctx: Context) -> Iterator[Finding]:
    """
    ## What it checks
    An asset with a `replaces` block (union-covered work it stands in for) must record the
    agreement that permits it in `replaces.agreement` and list a live approval with the
    `union-work` scope.

    ## Why
    Guidance a.3 (NFX-E2) and principle 5: generative AI should not displace, or substantially
    change, work that union members (performers, writers, crew) would normally do unless the
    needed approvals or agreements exist.

    ## Example
    ```yaml
    replaces: {role: background vocalist, union: SAG-AFTRA}   # G505: no agreement, no approval
    ```

    ## Fix
    Reach the agreement with the union (record `replaces.agreement`) and obtain written approval
    with scope `union-work`.
    """
    replaces = block(asset, "replaces")
    if not replaces:
        return
    missing = [what for what, present in (("an agreement reference", replaces.get("agreement")),
                                          ("a union-work approval", ctx.cleared(asset, "union-work"))) if not present]
    if missing:
        union = f" ({replaces.get('union')})" if replaces.get("union") else ""
        yield ctx.finding("G505", asset, ("replaces",), key=True,
                          message=f"asset {asset.label()} replaces union-covered work '{replaces.get('role')}'{union} "
                                  f"without {' and '.join(missing)}",
                          fix=ctx.approval_fix(asset, "union-work") if replaces.get("agreement")
                          else "record the agreement with the union in replaces.agreement, and its union-work approval")
