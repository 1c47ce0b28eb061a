"""U1xx (profile sag-aftra-2023): digital replica, alteration and synthetic performer terms of the union contract.

U101-U105 judge an asset whose performer is union-covered (``talent.union_covered: true``) and
whose ``talent_use`` needs consent (a digital replica or alteration that no exemption covers).
"""

from __future__ import annotations

from collections.abc import Iterator

from genai_lint.context import Context
from genai_lint.findings import Finding
from genai_lint.project import Entry
from genai_lint.rules import rule
from genai_lint.rules.talent import block, consented_use

SCAN_NOTICE_HOURS = 48


def _union_consent(asset: Entry) -> dict | None:
    """The consent details of a union-covered performer whose replica or alteration needs consent, else ``None``."""
    talent = block(asset, "talent")
    if talent.get("union_covered") is not True or consented_use(asset) is None or asset.is_broken("talent"):
        return None
    return talent.get("consent_details") if isinstance(talent.get("consent_details"), dict) else {}


def _at(consent: dict, key: str) -> tuple:
    return ("talent", "consent_details", key) if key in consent else ("talent", "consent_details") if consent else ("talent",)


@rule("U101", "replica-consent-not-separate", "error",
      "Replica or alteration consent not recorded as separately signed, clear and conspicuous.",
      source="SAG-AFTRA 2023 TV/Theatrical, digital replicas: informed consent (b.6)")
def replica_consent_not_separate(asset: Entry, ctx: Context) -> Iterator[Finding]:
    """
    ## What it checks
    For a union-covered performer's digital replica or alteration that needs consent,
    `talent.consent_details` must say `separately_signed: true` and `clear_and_conspicuous: true`.

    ## Why
    SAG-AFTRA's 2023 TV/Theatrical agreement (research notes b.6): consent to creating and using
    a digital replica must be clear and conspicuous and cannot be buried in standard terms; it is
    signed separately.

    ## Example
    ```yaml
    talent:
      union_covered: true
      consent: "CONSENT-2026-014"
      consent_details: {separately_signed: false}    # U101
    ```

    ## Fix
    Have the performer sign a separate, clearly worded consent, and record both facts.
    """
    consent = _union_consent(asset)
    if consent is None:
        return
    missing = [key for key in ("separately_signed", "clear_and_conspicuous") if consent.get(key) is not True]
    if missing:
        yield ctx.finding("U101", asset, _at(consent, missing[0]),
                          f"asset {asset.label()}: the performer's consent is not recorded as {' and '.join(missing).replace('_', ' ')}",
                          fix="obtain a separately signed, clear and conspicuous consent and record it in talent.consent_details")


@rule("U102", "replica-use-undescribed", "error",
      "Replica or alteration consent without a description of the intended use.",
      source="SAG-AFTRA 2023 TV/Theatrical, digital replicas: reasonably specific description of the use (b.6)")
def replica_use_undescribed(asset: Entry, ctx: Context) -> Iterator[Finding]:
    """
    ## What it checks
    For a union-covered performer's digital replica or alteration that needs consent,
    `talent.consent_details.use_description` must describe the intended use.

    ## Why
    SAG-AFTRA's 2023 agreement (b.6): informed consent requires a reasonably specific
    description of the intended use; consent to an undescribed use is not informed.

    ## Example
    ```yaml
    consent_details: {separately_signed: true, clear_and_conspicuous: true}   # U102: no use_description
    ```

    ## Fix
    Record the use the performer agreed to: `use_description: "lip sync of two rewritten lines, ep 3"`.
    """
    consent = _union_consent(asset)
    if consent is not None and not consent.get("use_description"):
        yield ctx.finding("U102", asset, _at(consent, "use_description"),
                          f"asset {asset.label()}: the performer's consent describes no intended use",
                          fix="record the described use in talent.consent_details.use_description")


@rule("U103", "replica-consent-other-production", "error",
      "Replica or alteration consent given for another production.",
      source="SAG-AFTRA 2023 TV/Theatrical, digital replicas: new uses and projects need fresh consent (b.6)")
def replica_consent_other_production(asset: Entry, ctx: Context) -> Iterator[Finding]:
    """
    ## What it checks
    For a union-covered performer's digital replica or alteration that needs consent, the
    production the consent covers (`talent.consent_details.production`) must be this manifest's
    `production.id`.

    ## Why
    SAG-AFTRA's 2023 agreement (b.6): consent is given for a described use in a project; a new
    project or use needs fresh consent.

    ## Example
    ```yaml
    production: {id: aurora-s02}
    ...
    consent_details: {production: aurora-s01}    # U103
    ```

    ## Fix
    Obtain the performer's consent for this production and record it.
    """
    consent = _union_consent(asset)
    production = asset.manifest.production_id
    covered = consent.get("production") if consent else None
    if isinstance(covered, str) and production and covered != production:
        yield ctx.finding("U103", asset, _at(consent, "production"),
                          f"asset {asset.label()}: the performer's consent covers production {covered}, not {production}",
                          fix="obtain fresh consent for this production")


@rule("U104", "deceased-performer-without-estate", "error",
      "A deceased performer's replica or alteration without estate or union consent.",
      source="SAG-AFTRA 2023 TV/Theatrical, digital replicas: consent after death (b.6)")
def deceased_performer_without_estate(asset: Entry, ctx: Context) -> Iterator[Finding]:
    """
    ## What it checks
    For a union-covered performer with `deceased: true` whose replica or alteration needs
    consent, `talent.consent_details.estate_or_union` must reference the consent of the estate
    (the authorised representative) or, failing one, the union.

    ## Why
    SAG-AFTRA's 2023 agreement (b.6): after a performer's death, consent comes from the
    authorised representative or, if none can be found, from the union.

    ## Example
    ```yaml
    talent: {name: "E. Marsh", union_covered: true, deceased: true}    # U104
    ```

    ## Fix
    Obtain the estate's (or the union's) consent and record its reference in `estate_or_union`.
    """
    consent = _union_consent(asset)
    if consent is not None and block(asset, "talent").get("deceased") is True and not consent.get("estate_or_union"):
        yield ctx.finding("U104", asset, ("talent", "deceased"),
                          f"asset {asset.label()}: the performer has died and no estate or union consent is recorded",
                          fix="record the estate's or the union's consent in talent.consent_details.estate_or_union")


@rule("U105", "scan-notice-short", "error",
      "A replica scan notified less than 48 hours ahead.",
      source="SAG-AFTRA 2023 TV/Theatrical, digital replicas: 48 hours' notice before scanning (b.6)")
def scan_notice_short(asset: Entry, ctx: Context) -> Iterator[Finding]:
    """
    ## What it checks
    For a union-covered performer's employment-based digital replica, the scan notice recorded
    in `talent.consent_details.scan_notice_hours` must be at least 48.

    ## Why
    SAG-AFTRA's 2023 agreement (b.6): the performer gets at least 48 hours' notice before scan
    services are required (or notice at engagement when engaged with less lead time; record a
    waiver with that reason).

    ## Example
    ```yaml
    consent_details: {scan_notice_hours: 24}    # U105
    ```

    ## Fix
    Schedule scans with at least 48 hours' notice; when the engagement itself was shorter, waive
    the finding with that reason.
    """
    consent = _union_consent(asset)
    hours = consent.get("scan_notice_hours") if consent else None
    if block(asset, "talent_use").get("replica") == "employment-based" and isinstance(hours, (int, float)) \
            and not isinstance(hours, bool) and hours < SCAN_NOTICE_HOURS:
        yield ctx.finding("U105", asset, _at(consent, "scan_notice_hours"),
                          f"asset {asset.label()}: the scan was notified {hours:g} hours ahead, under {SCAN_NOTICE_HOURS}",
                          fix=f"give at least {SCAN_NOTICE_HOURS} hours' notice before a scan")


@rule("U106", "synthetic-performer-without-notice", "error",
      "A synthetic performer replacing a role without a union notice reference.",
      source="SAG-AFTRA 2023 TV/Theatrical, synthetic performers: notice to the union (b.6)")
def synthetic_performer_without_notice(asset: Entry, ctx: Context) -> Iterator[Finding]:
    """
    ## What it checks
    An asset whose `talent_use.kind` is `synthetic-performer` and that `replaces` a role must
    record the notice given to the union in `replaces.union_notice`.

    ## Why
    SAG-AFTRA's 2023 agreement (b.6): a producer that uses a synthetic performer in place of a
    human performer must notify the union and bargain in good faith.

    ## Example
    ```yaml
    talent_use: {kind: synthetic-performer}
    replaces: {role: "bartender (day player)", union: SAG-AFTRA}    # U106: no union_notice
    ```

    ## Fix
    Notify the union and record the notice's reference in `replaces.union_notice`.
    """
    replaces = block(asset, "replaces")
    if block(asset, "talent_use").get("kind") == "synthetic-performer" and replaces and not replaces.get("union_notice"):
        yield ctx.finding("U106", asset, ("talent_use", "kind"),
                          f"synthetic performer {asset.label()} replaces '{replaces.get('role')}' without a union notice",
                          fix="notify the union and record the reference in replaces.union_notice")
