"""G001: every use of generative AI is reported to the studio."""

from __future__ import annotations

from typing import Iterator

from genai_lint.context import Context
from genai_lint.findings import Finding
from genai_lint.project import Entry
from genai_lint.rules import rule


@rule("G001", "undisclosed-use", "warning", "The asset has no disclosed_on: every use must be reported to the studio contact.")
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
