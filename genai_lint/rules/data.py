"""G2xx and G3xx: tools must not store, reuse or train on production data, and should be enterprise-secured."""

from __future__ import annotations

from collections.abc import Iterator

from genai_lint.context import Context
from genai_lint.findings import Finding
from genai_lint.project import Entry
from genai_lint.rules import rule
from genai_lint.rules.rights import inputs

SENSITIVE_SOURCES = ("proprietary", "personal-data")


def _handling(tool: Entry) -> dict | None:
    handling = tool.get("data_handling")
    return handling if isinstance(handling, dict) else None


@rule("G201", "tool-trains-on-data", "error", "The asset's tool trains on inputs or on outputs.", source="NFX a.2 principle 2, a.4 (NFX-S3)")
def tool_trains_on_data(asset: Entry, ctx: Context) -> Iterator[Finding]:
    """
    ## What it checks
    Each tool an asset names: its `data_handling` must say `trains_on_inputs: false` and
    `trains_on_outputs: false`. Reported at the asset's `tool:` value.

    ## Why
    The guidance's second principle: the tools used must not keep, re-use or learn from what the
    production feeds in or what comes out. A vendor that trains on production material can leak
    it into other people's outputs.

    ## Example
    ```yaml
    tools:
      - id: mj-consumer
        data_handling: {trains_on_inputs: true, trains_on_outputs: true, retains_inputs: true}
    assets:
      - id: A-0003
        tool: mj-consumer    # G201
    ```

    ## Fix
    Use a tool (or a licence tier) whose terms exclude training on your data, and record the
    clause in `evidence`.
    """
    for path, tool in ctx.tools_of(asset):
        handling = _handling(tool)
        if handling is None:
            continue
        what = [label for key, label in (("trains_on_inputs", "inputs"), ("trains_on_outputs", "outputs"))
                if handling.get(key) is True]
        if what:
            yield ctx.finding("G201", asset, path,
                              f"tool '{tool.id}' trains on {' and '.join(what)} (asset {asset.label()})",
                              fix="use a tool or licence tier that does not train on production data")


@rule("G202", "tool-retains-data", "error", "The asset's tool retains or reuses inputs.", source="NFX a.2 principle 2")
def tool_retains_data(asset: Entry, ctx: Context) -> Iterator[Finding]:
    """
    ## What it checks
    Each tool an asset names: its `data_handling` must say `retains_inputs: false`.

    ## Why
    The second principle also forbids tools that store or re-use what the production sends or
    receives beyond the session: stored scripts, stills and likenesses are a confidentiality risk.

    ## Example
    ```yaml
    data_handling: {trains_on_inputs: false, trains_on_outputs: false, retains_inputs: true}   # G202 on every asset using it
    ```

    ## Fix
    Switch to a tool or tenant with zero retention, or negotiate it, and record the clause.
    """
    for path, tool in ctx.tools_of(asset):
        handling = _handling(tool)
        if handling is not None and handling.get("retains_inputs") is True:
            yield ctx.finding("G202", asset, path, f"tool '{tool.id}' retains or reuses inputs (asset {asset.label()})",
                              fix="use a tool or tenant with zero data retention")


@rule("G203", "data-handling-unevidenced", "warning", "A used tool's data_handling has no evidence.", "project", source="NFX a.4 (NFX-S3)")
def data_handling_unevidenced(ctx: Context) -> Iterator[Finding]:
    """
    ## What it checks
    Every tool that at least one asset uses must back its `data_handling` flags with `evidence`:
    the contract or data-processing clause that says so. Reported once per tool.

    ## Why
    The partner is responsible for reading the tool's terms; flags without a clause behind them
    are a hope, not a guarantee, and the wrong licence tier can quietly break confidentiality.

    ## Example
    ```yaml
    data_handling:            # G203: no evidence
      trains_on_inputs: false
      trains_on_outputs: false
      retains_inputs: false
    ```

    ## Fix
    Add `evidence: "MSA-2025-114 s.7"` (or the DPA clause, or the terms URL and date reviewed).
    """
    used = {tool.id for asset in ctx.project.assets for _, tool in ctx.tools_of(asset)}
    for tool_id, tool in ctx.project.tools.items():
        handling = _handling(tool)
        if tool_id in used and handling is not None and not handling.get("evidence") and not tool.is_broken("data_handling"):
            yield ctx.finding("G203", tool, ("data_handling",), f"tool '{tool_id}': data_handling has no evidence",
                              key=True, fix='cite the contract clause: evidence: "MSA-... s.7"')


@rule("G301", "non-enterprise-tool", "warning", "The asset's tool runs in vendor-cloud or consumer.", source="NFX a.2 principle 3, a.4 (NFX-S1)")
def non_enterprise_tool(asset: Entry, ctx: Context) -> Iterator[Finding]:
    """
    ## What it checks
    Each tool an asset names should run in an `enterprise` tenant or `local`ly, not in the
    vendor's standard cloud or a consumer account.

    ## Why
    The guidance asks for enterprise-secured tools where possible, so that inputs stay protected
    by terms the studio negotiated.

    ## Example
    ```yaml
    tools:
      - id: chat-free
        environment: consumer    # G301 on every asset that uses it
    ```

    ## Fix
    Move the work to an enterprise tenant or a local install, or waive the finding with a reason.
    """
    for path, tool in ctx.tools_of(asset):
        environment = tool.get("environment")
        if environment in ("vendor-cloud", "consumer"):
            yield ctx.finding("G301", asset, path, f"tool '{tool.id}' runs in {environment}, not an enterprise or local environment",
                              fix="use an enterprise tenant or a local install")


@rule("G302", "proprietary-data-outside-enterprise", "error",
      "A proprietary or personal-data input went to a tool that is not enterprise or local.", source="NFX a.3 (NFX-D1), a.8 proprietary material")
def proprietary_data_outside_enterprise(asset: Entry, ctx: Context) -> Iterator[Finding]:
    """
    ## What it checks
    An input whose `source` is `proprietary` (the studio's unreleased scripts, footage, stills)
    or `personal-data` (about cast or crew) may only go to tools running `enterprise` or `local`.

    ## Why
    The guidance's use-case matrix flags proprietary material used outside secure enterprise
    tools for escalation; personal data outside them is a data-protection breach.

    ## Example
    ```yaml
    tool: chat-free                 # consumer
    inputs:
      - ref: scripts/ep204_draft3.pdf
        source: proprietary         # G302
        use: conditioning
    ```

    ## Fix
    Redo the work in an enterprise or local tool, and treat the exposure as an incident.
    """
    exposed = [tool for _, tool in ctx.tools_of(asset) if tool.get("environment") in ("vendor-cloud", "consumer")]
    if not exposed:
        return
    names = ", ".join(f"'{tool.id}' ({tool.get('environment')})" for tool in exposed)
    for index, item in inputs(asset):
        if item.get("source") in SENSITIVE_SOURCES:
            yield ctx.finding("G302", asset, ("inputs", index, "source"),
                              f"{item.get('source')} input '{item.get('ref')}' went to {names}",
                              fix="use an enterprise or local tool for proprietary or personal data")


@rule("G204", "pipeline-step-data-handling", "error",
      "A pipeline step's tool trains on or retains production data.", source="NFX a.7 (NFX-V1), a.2 principle 2")
def pipeline_step_data_handling(asset: Entry, ctx: Context) -> Iterator[Finding]:
    """
    ## What it checks
    Every step of an asset's `pipeline`: the step's tool must not train on inputs or outputs
    (as G201 asks of the asset's own tool) nor retain inputs (as G202 asks). Reported at the
    step's `tool:`, naming the step.

    ## Why
    Guidance a.7 (NFX-V1): a vendor delivering through a multi-tool pipeline must meet the data
    protection standards at every step, not only at the last one; principle 2 says no tool may
    keep, re-use or learn from what goes in or comes out.

    ## Example
    ```yaml
    pipeline:
      - {tool: firefly-ent, step: generate}
      - {tool: free-upscaler, step: upscale}    # G204: trains on inputs
    ```

    ## Fix
    Replace the step's tool with one whose terms exclude training and retention, and record the
    clause in its `evidence`.
    """
    steps = asset.get("pipeline")
    for path, tool in ctx.pipeline_tools(asset):
        handling = _handling(tool)
        if handling is None:
            continue
        what = [label for key, label in (("trains_on_inputs", "trains on inputs"), ("trains_on_outputs", "trains on outputs"),
                                         ("retains_inputs", "retains inputs")) if handling.get(key) is True]
        if what:
            step = steps[path[1]].get("step") or f"step {path[1] + 1}"
            yield ctx.finding("G204", asset, path,
                              f"pipeline step '{step}' of asset {asset.label()}: tool '{tool.id}' {' and '.join(what)}",
                              fix="use a tool for this step that neither trains on nor retains production data")


@rule("G303", "vendor-unassessed", "warning",
      "A used tool is operated by a vendor that has no vendor_assessment.", "project", source="NFX a.7 (NFX-V2)")
def vendor_unassessed(ctx: Context) -> Iterator[Finding]:
    """
    ## What it checks
    Every tool that an asset uses (directly or in a pipeline step) and that a hired vendor or AI
    studio runs for the production (`operated_by`) must record a `vendor_assessment` (reference
    and date). Reported once per tool.

    ## Why
    Guidance a.7 (NFX-V2): partners hiring a vendor or AI studio should use the guidance to
    assess how the vendor handles data, creative control and final outputs.

    ## Example
    ```yaml
    tools:
      - id: lumen-upres
        operated_by: Lumen VFX     # G303: no vendor_assessment
    ```

    ## Fix
    Assess the vendor against the guidance and record it:
    `vendor_assessment: {reference: "VA-2026-03", date: "2026-02-10"}`.
    """
    used = {tool.id for asset in ctx.project.assets for _, tool in ctx.tools_of(asset) + ctx.pipeline_tools(asset)}
    for tool_id, tool in ctx.project.tools.items():
        if tool_id in used and tool.get("operated_by") and "vendor_assessment" not in tool.data:
            yield ctx.finding("G303", tool, ("operated_by",), f"tool '{tool_id}' is operated by {tool.get('operated_by')}, "
                              "a vendor with no vendor_assessment", key=True,
                              fix='assess the vendor and record it: vendor_assessment: {reference: "VA-...", date: "YYYY-MM-DD"}')
