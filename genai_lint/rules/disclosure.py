"""G001: every use of generative AI is reported to the studio."""

from __future__ import annotations

from collections.abc import Iterator

from genai_lint.context import Context
from genai_lint.findings import Finding
from genai_lint.project import Entry
from genai_lint.rules import rule


@rule("G001", "undisclosed-use", "warning", "The asset has no disclosed_on: every use must be reported to the studio contact.", source="NFX a.1 (NFX-01)")
def undisclosed_use(asset: Entry, ctx: Context) -> Iterator[Finding]:
    """
    ## What it checks
    That every asset records `disclosed_on`, the date its use of generative AI was reported to
    the studio contact.

    ## Why
    The studio guidance expects partners to tell their studio contact about any intended use of
    generative AI, low-risk uses included, so that the studio can see it and escalate what needs
    escalating.

    ## Example
    ```yaml
    - id: A-0004          # G001: never reported
      path: art/moodboards/forest.png
    ```

    ## Fix
    Report the use to the studio contact and record the date: `disclosed_on: "2026-05-03"`.
    """
    if "disclosed_on" not in asset.data and not asset.is_broken("disclosed_on"):
        yield ctx.finding("G001", asset, ("id",), f"asset {asset.label()} has no disclosed_on: its use was never reported",
                          fix=f'report the use to {_contact(asset)} and record the day: `disclosed_on: "YYYY-MM-DD"`')


def _contact(asset: Entry) -> str:
    """Who the production reports to, as its manifest records it (``production.contact``)."""
    production = asset.manifest.data.get("production") if isinstance(asset.manifest.data, dict) else None
    contact = production.get("contact") if isinstance(production, dict) else None
    return contact if isinstance(contact, str) and contact.strip() else "the studio contact"


PRINCIPLES = ("original_output", "data_protected", "secure_environment", "temporary_only", "no_unconsented_performance")


@rule("G002", "principle-unmet-unapproved", "error",
      "A principle answered no or unsure, and the asset lists no live approval.", source="NFX a.1 (NFX-03), a.2")
def principle_unmet_unapproved(asset: Entry, ctx: Context) -> Iterator[Finding]:
    """
    ## What it checks
    Where an asset records the production's answers to the five guiding principles
    (`principles`), an answer of `no` or `unsure` requires the asset to list at least one live
    written approval. Reported at each such answer.

    ## Why
    Guidance a.1 (NFX-03): if every principle can be answered "yes" with confidence, telling the
    studio contact may be enough; a "no" or an "unsure" on any of them means escalating before
    proceeding, because written approval may be needed. Unsure counts as no.

    ## Example
    ```yaml
    principles:
      temporary_only: unsure     # G002: no approval listed
    ```

    ## Fix
    Escalate to the studio contact and list the written approval that results, or change the
    plan until every answer is a confident yes.
    """
    answers = asset.get("principles")
    if not isinstance(answers, dict) or any(ctx.clearance(asset, scope) == "approved" for scope in _listed_scopes(asset, ctx)):
        return
    for principle in PRINCIPLES:
        if answers.get(principle) in ("no", "unsure"):
            yield ctx.finding("G002", asset, ("principles", principle),
                              f"asset {asset.label()} answers {answers[principle]} to principle {principle} "
                              "and lists no live approval",
                              fix="escalate to the studio contact and list the written approval")


def _listed_scopes(asset: Entry, ctx: Context) -> set[str]:
    return {scope for _, approval in ctx.approval_refs(asset) for scope in approval.get("scopes") or ()
            if isinstance(scope, str)}
