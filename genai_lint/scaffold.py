"""``genai-lint init``: a commented manifest, a configuration and the pre-commit hook for a new production.

The scaffold passes ``genai-lint check`` with no finding at all: the registers' examples are
comments to uncomment and adapt, so nothing unused or undisclosed is reported before the
production has recorded anything. Nothing that exists is ever overwritten.
"""

from __future__ import annotations

import contextlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from genai_lint.config import CONFIG_NAMES, DEFAULT_MANIFESTS, _pyproject_table
from genai_lint.writing import atomic_write, edit_lock

MANIFEST_NAME = DEFAULT_MANIFESTS[0]
CONFIG_NAME = CONFIG_NAMES[0]
PRE_COMMIT_NAME = ".pre-commit-config.yaml"

MANIFEST_TEMPLATE = """\
# Generative-AI manifest: every generated asset of the production, the tools that made it and
# the written approvals that clear it. Every genai-manifest.yaml under the project root (the
# folder of .genai-lint.yaml) belongs to this production.
#
#   genai-lint check                 lint the manifests
#   genai-lint explain G201          what a rule checks, why, and how to fix it
#   genai-lint add FILE --tool ID --media M --purpose P
#                                    record a new asset (next id, today's date, its sha256)
#   genai-lint hash                  fill or refresh every asset's sha256
manifest_version: 1

production:
  id: {production_id}{production_pad}  # the same in every manifest of this production
  title: {title}
  # company: Northlight Pictures
  # contact: legal@northlight.example    # who reports generative-AI use to the studio
  # work_type: fiction                     # fiction | animation | documentary | news | reality | commercial | other
  # distribution_regions: [US, EU]         # ISO country codes, EU, or WW (worldwide)

# The register of generative tools: uncomment and adapt. Assets name a tool by its id.
# data_handling records what the vendor contract says; evidence names the clause.
# tools:
#   - id: firefly-ent
#     name: Adobe Firefly (enterprise tenant)
#     vendor: Adobe
#     version: "3.1"
#     environment: enterprise          # enterprise | local | vendor-cloud | consumer
#     data_handling:
#       trains_on_inputs: false        # the vendor trains models on what we send
#       trains_on_outputs: false       # the vendor trains models on what it generates for us
#       retains_inputs: false          # the vendor keeps or reuses inputs/outputs after the session
#       evidence: "MSA-2025-114 s.7"   # the contract or DPA clause behind the flags
#     operated_by: Lumen VFX           # a hired vendor or AI studio that runs it for us
#     vendor_assessment: {{reference: "VA-2026-03", date: "2026-02-10"}}
#     talent_model:                    # a model trained or fine-tuned on a performer
#       performer: "J. Doe"
#       production: {production_id}    # it may be used for this production only
#       consent: "CONSENT-2026-014"

# The register of written approvals from the studio: uncomment and adapt.
# Scopes: final-deliverable, key-creative, proprietary-data, artist-work-training,
# public-figure, copyrighted-reference, talent-performance, union-work.
# approvals:
#   - id: APR-001
#     scopes: [key-creative, final-deliverable]
#     granted_by: "M. Ortiz, Studio Legal"
#     granted_on: "2026-03-02"
#     expires: "2026-12-31"
#     reference: "LEG-4411"            # ticket, email or document id

# Every generated asset, one entry each. `genai-lint add` appends entries here.
# assets:
#   - id: A-0001
#     path: art/concepts/castle_v3.png  # relative to this manifest's folder
#     sha256: "..."                     # `genai-lint hash` fills it
#     tool: firefly-ent
#     media: image                      # image | video | audio | voice | music | text | 3d | other
#     purpose: concept                  # ideation | concept | previs | reference | temp | final
#     deliverable: false                # does it appear in the final deliverables?
#     created: "2026-05-01"
#     disclosed_on: "2026-05-03"        # when this use was reported to the studio contact
#     prompt: "castle on a cliff at dusk, matte painting"
#     approvals: [APR-001]
#     pipeline:                         # an asset made by a chain of registered tools
#       - {{tool: firefly-ent, step: generate}}
#     prominence: background            # incidental | background | featured | story-point
#     human_contribution: "repainted by the art department"   # final material
#     legal_review: "LEG-4420"          # final material, featured or story-point elements
#     principles:                       # the five principles: yes | no | unsure
#       original_output: yes
#       data_protected: yes
#       secure_environment: yes
#       temporary_only: no
#       no_unconsented_performance: yes
#     deep_fake: false                  # would it falsely appear authentic? (EU AI Act)
#     audience_disclosure: {{reference: "end credits card 3", kind: light}}   # full | light
#     replaces:                         # union-covered work this asset stands in for
#       role: background vocalist
#       union: SAG-AFTRA
#       agreement: "SAG-SIDE-2026-7"
#       union_notice: "SAG-NOTICE-88"
#     talent_use:                       # a performer's replica, an alteration, a synthetic performer
#       kind: digital-alteration        # digital-replica | digital-alteration | synthetic-performer
#       alteration: visual-adr          # visual-adr | performance-change | re-ageing | voice-synthesis | other
#       # replica: employment-based     # employment-based | independently-created | background
#       # exemption: timing             # as-scripted, safety, unrecognisable, cosmetic, timing, pitch, ...
#     talent:
#       name: "J. Doe"
#       union_covered: true
#       consent: "CONSENT-2026-014"
#       consent_details:
#         separately_signed: true
#         clear_and_conspicuous: true
#         use_description: "lip sync of two rewritten lines in ep 3"
#         production: {production_id}
#         scan_notice_hours: 72
"""

CONFIG_TEMPLATE = """\
# genai-lint configuration. This file also marks the project root: every genai-manifest.yaml
# below this folder belongs to one production. `genai-lint check --show-config` prints the
# effective settings.

# The rule sets this production works under (default: netflix-2025 only):
# profiles: [netflix-2025, sag-aftra-2023, eu-ai-act-art50]

# The lowest severity that fails a run: error | warning | info.
fail-on: error

# A606 warns when an approval an asset relies on expires within this many days.
expiring-days: 30

# Codes or prefixes to skip, e.g. while disclosures are being collected:
# ignore: [G001]

# Names and phrasings G103 looks for in prompts, on top of the built-in list
# (`defaults: false` replaces the built-in list):
# watchlist:
#   terms: ["Studio Ghibli", "Aurora Borealis Films"]
#   patterns: ['\\bin the style of\\b']
#   defaults: true

# Folders or files not to lint:
# exclude: ["archive/**"]

# The studio's own rules, as data (codes S001-S999; `genai-lint explain S001` prints one):
# studio-rules:
#   - code: S001
#     name: featured-without-key-creative
#     severity: error
#     summary: A featured or story-point generated element is not approved for key-creative.
#     what: Featured and story-point elements need a key-creative approval.
#     why: Studio policy 4.2.
#     example: "prominence: featured"
#     fix: Ask for a key-creative approval and list it in approvals.
#     when:
#       all:
#         - {field: asset.prominence, in: [featured, story-point]}
#         - not: {cleared: key-creative}
#     at: asset.prominence
"""

PRE_COMMIT_SNIPPET = """\
# .pre-commit-config.yaml in the production repository
repos:
  - repo: https://github.com/YOUR-ORG/genai-lint
    rev: REV
    hooks:
      - id: genai-lint          # check the staged manifests
        verbose: true
      - id: genai-lint-hash     # fail when a declared sha256 is missing or stale
        verbose: true
"""
"""The README's pre-commit configuration, word for word (a test compares them)."""


class InitError(Exception):
    """The scaffold cannot be written; nothing was."""


@dataclass
class Scaffold:
    directory: Path
    created: list[Path] = field(default_factory=list)
    kept_pre_commit: bool = False


def production_id(name: str) -> str:
    """A production id from a folder name: letters, digits, ``.``, ``_`` and ``-``."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", name.strip().lower()).strip("-._")
    return slug[:64] or "my-production"


def render_manifest(directory: Path) -> str:
    from genai_lint.edit import double_quoted

    ident = production_id(directory.name)
    title = directory.name.strip() or "My production"
    return MANIFEST_TEMPLATE.format(production_id=ident, production_pad=" " * max(1, 30 - len(ident)),
                                    title=double_quoted(title))


def init(directory: Path) -> Scaffold:
    """Write the scaffold into ``directory`` (created if missing); refuse if a manifest or config exists."""
    directory = directory.absolute()
    if directory.exists() and not directory.is_dir():
        raise InitError(f"{directory}: not a directory")
    existing = [directory / name for name in (*DEFAULT_MANIFESTS, *CONFIG_NAMES) if os.path.lexists(directory / name)]
    if existing:
        raise InitError(f"{existing[0]} already exists; init never overwrites a file (nothing written)")
    pyproject = directory / "pyproject.toml"
    if pyproject.is_file() and _pyproject_table(pyproject) is not None:
        raise InitError(f"{pyproject} already configures genai-lint ([tool.genai-lint]); nothing written")
    directory.mkdir(parents=True, exist_ok=True)
    scaffold = Scaffold(directory)
    files = [(directory / CONFIG_NAME, CONFIG_TEMPLATE), (directory / MANIFEST_NAME, render_manifest(directory))]
    pre_commit = directory / PRE_COMMIT_NAME
    if os.path.lexists(pre_commit):
        scaffold.kept_pre_commit = True
    else:
        files.append((pre_commit, PRE_COMMIT_SNIPPET))
    try:
        for path, text in files:
            with edit_lock(path):
                atomic_write(path, text, exclusive=True)
            scaffold.created.append(path)
    except BaseException:
        for path in scaffold.created:  # all or nothing: remove what this run created
            with contextlib.suppress(OSError):
                os.unlink(path)
        raise
    return scaffold
