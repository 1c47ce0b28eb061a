#!/usr/bin/env python3
"""Generate a realistic genai-lint production of N assets for the benchmark.

Layout of one production (its own project root, thanks to ``.genai-lint.yaml``)::

    OUT/
      .genai-lint.yaml                      fail-on: error
      register/genai-manifest.yaml          production, tools register, approvals register
      <department>/genai-manifest.yaml      assets only (art, sound, vfx, ...), <= --per-manifest each

With ``--siblings K`` the layout is instead K sibling manifests ``dept-01`` .. ``dept-K`` of
N/K assets each, the first one also holding the registers (the pre-commit case: one changed
manifest among K siblings).

Every field of the v1 format is used except ``waivers`` (the tool list of a asset, ``prompt`` and
``prompts``, inputs with every ``source`` and ``use`` and ``license`` text or null, ``content``,
``talent`` blocks, approval lists, ``x-`` extension fields, tools with every environment, approvals
with and without ``expires``). Dates and versions are quoted, so that PyYAML (YAML 1.1), ruamel
(YAML 1.2, check-jsonschema) and genai-lint all load the same data.

Findings are seeded deterministically: asset ``i`` whose ``i % PERIOD`` equals the slot of a
defect kind gets that defect (one per kind per PERIOD assets, default PERIOD 100, i.e. 1 % of the
assets per kind and 20 % of the assets with one defect). The kinds cover every rule family that
``check --no-files`` can report without breaking the YAML itself (no M001/M003, which would make
check-jsonschema or the bare load skip or fail a file): see ``DEFECTS``. Evaluate with
``--date 2026-06-30`` (the approvals' expiry findings depend on the date).

Usage::

    python benchmarks/generate.py 10000 /tmp/prod-10k
    python benchmarks/generate.py 1000 /tmp/precommit --siblings 20
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import math
import shutil
import sys
from pathlib import Path

GENERATOR_VERSION = 1
"""Bump when the output changes, so that cached benchmark data is regenerated."""

EVALUATION_DATE = "2026-06-30"
"""The ``--date`` to check generated productions with (A605/A606 depend on it)."""

PRODUCTION = "aurora-s02"

DEPARTMENTS = ("art", "sound", "vfx", "editorial", "previs", "marketing")
PREFIX = {"art": "ART", "sound": "SND", "vfx": "VFX", "editorial": "EDT", "previs": "PVS", "marketing": "MKT"}

# id, name, vendor, version, environment, trains_on_inputs, trains_on_outputs, retains_inputs, evidence
TOOLS = (
    ("firefly-ent", "Adobe Firefly (Northlight enterprise tenant)", "Adobe", "3.1", "enterprise", False, False, False,
     "MSA-2025-114 s.7 (enterprise tenant, no training, no retention)"),
    ("sdxl-local", "SDXL 1.0 on air-gapped workstation ws-art-03", "Stability AI (open weights)", "1.0", "local",
     False, False, False, "IT-SEC-2025-031: offline install, telemetry disabled"),
    ("cadence-voice-ent", "Cadence Voice (Northlight enterprise tenant)", "Cadence Audio Ltd.", "4.2", "enterprise",
     False, False, False, "MSA-2025-208 s.9 and DPA annex C (zero retention)"),
    ("tonewright-local", "Tonewright Score & FX (on-prem)", "Tonewright AB", "2.0.3", "local", False, False, False,
     "On-prem licence TW-NL-0091 s.3; outbound traffic blocked"),
    ("clearline-local", "Clearline dialogue isolation plug-in (offline)", "Clearline Audio", "5.1", "local",
     False, False, False, "IT-SEC-2025-047: plug-in runs offline inside the mix stage DAW"),
    ("scribedesk-ent", "ScribeDesk (Northlight studio tenant)", "ScribeDesk Inc.", "2025.4", "enterprise",
     False, False, False, "DPA-2025-077 s.4.2 (no training on customer content, 0-day retention)"),
    ("kinetica-ent", "Kinetica Previs (enterprise workspace)", "Kinetica Labs", "1.8", "enterprise", False, False,
     False, "MSA-2025-162 s.6 and DPA annex A"),
    ("meshsmith-local", "Meshsmith 3D (local)", "Meshsmith", "0.9.4", "local", False, False, False,
     "IT-SEC-2025-044: offline review, licence server on the LAN only"),
    # Tools that produce findings when used (G201/G202/G301, G203/G301) or never (M010).
    ("mj-consumer", "Midjourney (personal account of a freelancer)", "Midjourney Inc.", "6.1", "consumer", True, True,
     True, "Consumer terms of service, 2025-09 (no DPA)"),
    ("runway-cloud", "Runway Gen-3 (standard plan)", "Runway AI", "3.0", "vendor-cloud", False, False, False, None),
    ("legacy-upscaler", "Legacy upscaler (retired, kept for the audit)", "In-house", "0.3", "local", False, False,
     False, "IT-SEC-2024-102"),
)

# id, scopes, granted_by, granted_on, expires, reference
APPROVALS = (
    ("APR-001", ("key-creative", "final-deliverable"), "M. Ortiz, Studio Legal", "2025-10-06", None, "LEG-4411"),
    ("APR-002", ("proprietary-data",), "M. Ortiz, Studio Legal", "2025-10-06", None, "LEG-4418"),
    ("APR-003", ("talent-performance", "final-deliverable"), "D. Achterberg, Business & Legal Affairs", "2025-11-03",
     None, "BLA-2025-219 (performer rider, signed 2025-10-30)"),
    ("APR-004", ("artist-work-training",), "M. Ortiz, Studio Legal", "2025-10-20", "2027-10-19", "LEG-4430"),
    ("APR-005", ("final-deliverable",), "S. Varga, Studio Post Production", "2025-12-01", None,
     "POST-1187 (email 2025-12-01)"),
    ("APR-006", ("public-figure", "copyrighted-reference"), "M. Ortiz, Studio Legal", "2025-11-15", "2027-12-31",
     "LEG-4502"),
    # Approvals that produce findings when relied on: expired (A605), expiring (A606), late (A607), unused (M010).
    ("APR-090", ("final-deliverable",), "S. Varga, Studio Post Production", "2025-10-01", "2026-03-31", "POST-0990"),
    ("APR-091", ("key-creative",), "M. Ortiz, Studio Legal", "2025-10-01", "2026-07-15", "LEG-4391"),
    ("APR-092", ("key-creative",), "M. Ortiz, Studio Legal", "2026-06-01", None, "LEG-4620"),
    ("APR-099", ("copyrighted-reference",), "M. Ortiz, Studio Legal", "2025-10-01", None, "LEG-4399"),
)

PROMPTS = (
    "icebound fishing harbour at blue hour, green northern lights, sodium street lamps, wide",
    "cramped research hut interior, single warm lamp, frost on the window, 1900s expedition gear",
    "research station on stilts above sea ice, red cladding, storm lights, dusk",
    "full-length costume turnaround, orange expedition parka with reflective bands, fur-lined hood",
    "extend the night sky above the harbour, green and violet light bands, keep the figure untouched",
    "weathered enamel harbour authority sign, navy with white lettering, rust at the bolts",
    "top-down sea ice texture, pressure ridges, tileable, overcast light",
    "low drone over the fjord, fog bank rolling in, fishing boats returning, 35mm",
    "distant foghorn, two long blasts, reverb off the cliffs, light wind",
    "string ostinato in D minor, 84 bpm, slowly building, no percussion",
    "snowcat blockout, boxy cab, wide tracks, roof rack with floodlights",
    "storyboard panel: the lab door opens onto a white-out, silhouette in the frame",
)

TALENT = (("L. Haukeland", "CONSENT-2025-014"), ("J. Doe", "CONSENT-2026-002"), ("A. Strand", "CONSENT-2026-017"))

# media, purpose, deliverable, tools, content, talent?, inputs [(ref, source, license, use)], approvals, ext
TEMPLATES = (
    ("image", "ideation", False, "firefly-ent", None, False,
     [("art/sketches/{slug}_rough.png", "owned", None, "reference")], None, "png"),
    ("image", "concept", False, ["firefly-ent", "sdxl-local"], ["main-character"], False,
     [("costume/sketches/{slug}_rough (drawn in-house)", "owned", "null", "conditioning")], ["APR-001"], "png"),
    ("image", "final", True, "firefly-ent", ["key-visual"], False,
     [("Unit still 203-14-{n:04d} (approved for key art)", "proprietary", None, "conditioning"),
      ("keyart/layout_{slug} (in-house layout)", "owned", None, "reference")], ["APR-001", "APR-002"], "jpg"),
    ("voice", "temp", False, "cadence-voice-ent", ["talent-voice"], True,
     [("ADR session 2025-11-{d:02d}, take {n}", "talent", None, "conditioning")], ["APR-003"], "wav"),
    ("music", "final", True, "tonewright-local", None, False,
     [("Season 1 theme stems (owned by the production)", "owned", None, "conditioning")], ["APR-005"], "wav"),
    ("image", "concept", False, "sdxl-local", None, False,
     [("Season 1 station concept sketches ({n} drawings)", "licensed",
       "LIC-2025-017 (fine-tuning permitted, this production only)", "training")], ["APR-004"], "png"),
    ("video", "previs", False, "kinetica-ent", None, False,
     [("Script pages ep2{d:02d}, scenes {n}-{m}", "proprietary", None, "conditioning")], ["APR-002"], "mp4"),
    ("text", "reference", False, "scribedesk-ent", None, False,
     [("Cast availability sheet, week {d}", "personal-data", None, "reference")], ["APR-002"], "md"),
    ("3d", "concept", False, "meshsmith-local", None, False, None, None, "obj"),
    ("image", "reference", False, "firefly-ent", ["public-figure"], False,
     [("Archive photograph PD-1908-{n:03d}", "public-domain", None, "reference")], ["APR-006"], "png"),
    ("audio", "temp", False, "clearline-local", None, False,
     [("Production sound roll {n}, scene {d}", "owned", None, "conditioning")], None, "wav"),
    ("image", "concept", False, "sdxl-local", ["key-visual", "main-character"], True,
     [("Scan session 2025-11-{d:02d}, lead performer", "talent", None, "reference")], ["APR-001", "APR-003"], "png"),
)

DEFECTS = (
    # kind, the findings it is meant to produce
    ("unknown-tool", "M005"),
    ("consumer-tool", "G201 G202 G301"),
    ("cloud-tool-unevidenced", "G301 G203"),
    ("undisclosed", "G001"),
    ("unlicensed-input", "G101"),
    ("licensed-without-license", "G101"),
    ("expired-approval", "A605"),
    ("expiring-approval", "A606"),
    ("approval-after-use", "A607"),
    ("bad-enum", "M002"),
    ("bad-hash", "M002"),
    ("missing-required", "M002"),
    ("unknown-field", "M002"),
    ("unknown-approval", "M006"),
    ("duplicate-id", "M004"),
    ("copyrighted-watchlist", "G102 G103"),
    ("talent-unconsented", "G501 G502"),
    ("proprietary-to-cloud", "G302 A601 G301"),
    ("real-event", "X701"),
    ("deliverable-unapproved", "G401"),
    ("training-third-party", "G101 A602"),
    ("public-figure-unapproved", "A604"),
)
"""Every kind, with the codes it should produce (M010 comes from the registers: one unused
tool, one unused approval). ``run.py`` checks that all these codes appear."""

EXPECTED_CODES = sorted({code for _, codes in DEFECTS for code in codes.split()} | {"M010"})

BASE_DATE = dt.date(2026, 1, 5)


def q(text: str) -> str:
    """A double-quoted YAML scalar (our texts hold no quote or backslash)."""
    return '"' + text + '"'


def flow(items: list[str]) -> str:
    return "[" + ", ".join(items) + "]"


def register_yaml(lines: list[str]) -> None:
    lines.append("tools:")
    for tool_id, name, vendor, version, env, ti, to, ri, evidence in TOOLS:
        lines += [
            f"  - id: {tool_id}",
            f"    name: {q(name)}",
            f"    vendor: {q(vendor)}",
            f"    version: {q(version)}",
            f"    environment: {env}",
            "    data_handling:",
            f"      trains_on_inputs: {str(ti).lower()}",
            f"      trains_on_outputs: {str(to).lower()}",
            f"      retains_inputs: {str(ri).lower()}",
        ]
        if evidence:
            lines.append(f"      evidence: {q(evidence)}")
        lines.append("")
    lines.append("approvals:")
    for approval_id, scopes, granted_by, granted_on, expires, reference in APPROVALS:
        lines += [
            f"  - id: {approval_id}",
            f"    scopes: {flow(list(scopes))}",
            f"    granted_by: {q(granted_by)}",
            f"    granted_on: {q(granted_on)}",
        ]
        if expires:
            lines.append(f"    expires: {q(expires)}")
        lines += [f"    reference: {q(reference)}", ""]


def header(lines: list[str], department: str) -> None:
    lines += [
        f"# Aurora, Season 2: generative-AI register, {department}.",
        "# Generated by benchmarks/generate.py for the genai-lint benchmark.",
        "manifest_version: 1",
        "production:",
        f"  id: {PRODUCTION}",
        f"  title: {q('Aurora, Season 2')}",
        "  company: Northlight Pictures",
        "  contact: legal@northlight.example",
        "",
    ]


def defect_of(index: int, period: int) -> str | None:
    slot = index % period
    # Spread the kinds over the period: slot 3, 3 + step, ... (step keeps them apart).
    step = max(1, period // len(DEFECTS))
    if slot >= 3 and (slot - 3) % step == 0 and (slot - 3) // step < len(DEFECTS):
        return DEFECTS[(slot - 3) // step][0]
    return None


def asset_yaml(lines: list[str], index: int, prefix: str, period: int) -> None:
    """Append one asset (global number ``index``) to ``lines``."""
    media, purpose, deliverable, tool, content, talent, inputs, approvals, ext = TEMPLATES[index % len(TEMPLATES)]
    content = list(content) if content else []
    inputs = [list(item) for item in inputs] if inputs else []
    approvals = list(approvals) if approvals else []
    talent_block = TALENT[index % len(TALENT)] if talent else None
    asset_id = f"{prefix}-{index:06d}"
    created = BASE_DATE + dt.timedelta(days=index % 120)
    disclosed: dt.date | None = created + dt.timedelta(days=1 + index % 5)
    prompt_count = 2 if index % 7 == 0 else 1
    prompts = [PROMPTS[(index + k) % len(PROMPTS)] for k in range(prompt_count)]
    sha = hashlib.sha256(asset_id.encode()).hexdigest()
    extra_lines: list[str] = []

    defect = defect_of(index, period)
    if defect == "unknown-tool":
        tool = "ghost-diffusion"
    elif defect == "consumer-tool":
        tool = "mj-consumer"
    elif defect == "cloud-tool-unevidenced":
        tool = "runway-cloud"
    elif defect == "undisclosed":
        disclosed = None
    elif defect == "unlicensed-input":
        inputs.append(["Frame grab from a streaming documentary", "third-party", None, "reference"])
    elif defect == "licensed-without-license":
        inputs.append(["Stock library clip (licence pending)", "licensed", "null", "conditioning"])
    elif defect == "expired-approval":
        deliverable, approvals = True, [a for a in approvals if a not in ("APR-001", "APR-003", "APR-005")] + ["APR-090"]
    elif defect == "expiring-approval":
        content, approvals = content + [c for c in ["key-visual"] if c not in content], approvals + ["APR-091"]
    elif defect == "approval-after-use":
        approvals = approvals + ["APR-092"]
    elif defect == "bad-enum":
        media = "picture"
    elif defect == "bad-hash":
        sha = sha[:40]
    elif defect == "missing-required":
        purpose = None
    elif defect == "unknown-field":
        extra_lines.append("    approved_by: \"M. Ortiz\"")
    elif defect == "unknown-approval":
        approvals = approvals + ["APR-404"]
    elif defect == "duplicate-id":
        asset_id = f"{prefix}-{index - 1:06d}"
    elif defect == "copyrighted-watchlist":
        content = content + ["copyrighted-material"]
        prompts = ["harbour at dusk in the style of Studio Ghibli, soft watercolour"]
        approvals = [a for a in approvals if a != "APR-006"]
    elif defect == "talent-unconsented":
        content = content + [c for c in ["talent-likeness"] if c not in content]
        talent_block = (TALENT[index % len(TALENT)][0], None)
        approvals = [a for a in approvals if a != "APR-003"]
    elif defect == "proprietary-to-cloud":
        tool = "runway-cloud"
        inputs.append(["Dailies ep203 A012_C004 (unreleased)", "proprietary", None, "conditioning"])
        approvals = [a for a in approvals if a != "APR-002"]
    elif defect == "real-event":
        content = content + ["real-event"]
    elif defect == "deliverable-unapproved":
        deliverable = True
        approvals = [a for a in approvals if a not in ("APR-001", "APR-003", "APR-005")]
    elif defect == "training-third-party":
        inputs.append(["Illustrator portfolio scraped from a public site", "third-party", None, "training"])
        approvals = [a for a in approvals if a != "APR-004"]
    elif defect == "public-figure-unapproved":
        content = content + [c for c in ["public-figure"] if c not in content]
        approvals = [a for a in approvals if a != "APR-006"]

    slug = asset_id.lower()
    out = lines.append
    out(f"  - id: {asset_id}")
    out(f"    path: {media if media != 'picture' else 'image'}/{slug}_v{1 + index % 4}.{ext}")
    out(f"    sha256: {q(sha)}")
    if isinstance(tool, list):
        out(f"    tool: {flow(tool)}")
    else:
        out(f"    tool: {tool}")
    out(f"    media: {media}")
    if purpose is not None:
        out(f"    purpose: {purpose}")
    out(f"    deliverable: {str(deliverable).lower()}")
    out(f"    created: {q(created.isoformat())}")
    out(f"    created_by: artist{index % 37:02d}@northlight.example")
    if disclosed is not None:
        out(f"    disclosed_on: {q(disclosed.isoformat())}")
    if len(prompts) == 1:
        out(f"    prompt: {q(prompts[0])}")
    else:
        out("    prompts:")
        for prompt in prompts:
            out(f"      - {q(prompt)}")
    if inputs:
        out("    inputs:")
        for ref, source, license_text, use in inputs:
            ref = ref.format(slug=slug, n=index % 997, m=index % 997 + 3, d=1 + index % 28)
            out(f"      - ref: {q(ref)}")
            out(f"        source: {source}")
            if license_text == "null":
                out("        license: null")
            elif license_text:
                out(f"        license: {q(license_text)}")
            out(f"        use: {use}")
    if content:
        out(f"    content: {flow(content)}")
    if talent_block:
        name, consent = talent_block
        out("    talent:")
        out(f"      name: {q(name)}")
        out(f"      union_covered: {'true' if index % 2 else 'false'}")
        if consent:
            out(f"      consent: {q(consent)}")
    if approvals:
        out(f"    approvals: {flow(approvals)}")
    if index % 10 == 0:
        out(f"    x-shotgrid-id: {100000 + index}")
    lines.extend(extra_lines)
    out("")


def write_manifest(path: Path, department: str, registers: bool, indices: range, prefix: str, period: int) -> None:
    lines: list[str] = []
    header(lines, department)
    if registers:
        register_yaml(lines)
    if len(indices):
        lines.append("assets:")
        for index in indices:
            asset_yaml(lines, index, prefix, period)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def plan(n: int, per_manifest: int, siblings: int) -> list[tuple[str, bool, range, str]]:
    """(directory, holds the registers, asset indices, id prefix) per manifest."""
    if siblings:
        size = math.ceil(n / siblings)
        return [(f"dept-{k + 1:02d}", k == 0, range(k * size, min(n, (k + 1) * size)), f"D{k + 1:02d}")
                for k in range(siblings)]
    count = max(1, math.ceil(n / per_manifest))
    size = math.ceil(n / count)
    result = [("register", True, range(0), "REG")]
    for k in range(count):
        base = DEPARTMENTS[k % len(DEPARTMENTS)]
        name = base if k < len(DEPARTMENTS) else f"{base}-{k // len(DEPARTMENTS) + 1}"
        prefix = PREFIX[base] + ("" if k < len(DEPARTMENTS) else str(k // len(DEPARTMENTS) + 1))
        result.append((name, False, range(k * size, min(n, (k + 1) * size)), prefix))
    return result


def generate(n: int, out: Path, per_manifest: int = 4000, siblings: int = 0, period: int = 100) -> dict:
    """Write the production; return its description (also written to ``OUT/production.json``)."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    (out / ".genai-lint.yaml").write_text("fail-on: error\n", encoding="utf-8")
    manifests = []
    for directory, registers, indices, prefix in plan(n, per_manifest, siblings):
        path = out / directory / "genai-manifest.yaml"
        write_manifest(path, directory, registers, indices, prefix, period)
        manifests.append({"path": f"{directory}/genai-manifest.yaml", "assets": len(indices),
                          "bytes": path.stat().st_size,
                          "lines": path.read_bytes().count(b"\n")})
    description = {
        "generator_version": GENERATOR_VERSION, "assets": n, "per_manifest": per_manifest, "siblings": siblings,
        "period": period, "evaluation_date": EVALUATION_DATE, "expected_codes": EXPECTED_CODES,
        "manifests": manifests,
    }
    (out / "production.json").write_text(json.dumps(description, indent=2) + "\n", encoding="utf-8")
    return description


def verify(out: Path) -> None:
    """Every manifest loads with PyYAML's C loader, and every date stays a string."""
    import yaml

    for path in sorted(out.glob("*/genai-manifest.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        for asset in data.get("assets", []):
            for key in ("created", "disclosed_on"):
                if key in asset and not isinstance(asset[key], str):
                    raise SystemExit(f"{path}: {asset['id']}.{key} is not a string")
        print(f"ok {path.relative_to(out)}: {len(data.get('assets', []))} assets")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("assets", type=int, help="number of assets")
    parser.add_argument("out", type=Path, help="output directory (replaced)")
    parser.add_argument("--per-manifest", type=int, default=4000, help="assets per department manifest (default 4000)")
    parser.add_argument("--siblings", type=int, default=0,
                        help="K sibling manifests instead of register + departments (pre-commit case)")
    parser.add_argument("--period", type=int, default=100,
                        help="one asset per defect kind every PERIOD assets (default 100 = 1%% per kind)")
    parser.add_argument("--verify", action="store_true", help="load the files back with PyYAML")
    args = parser.parse_args(argv)
    if args.period < len(DEFECTS) + 3:
        parser.error(f"--period must be at least {len(DEFECTS) + 3}")
    description = generate(args.assets, args.out, args.per_manifest, args.siblings, args.period)
    total = sum(m["bytes"] for m in description["manifests"])
    print(f"{args.out}: {len(description['manifests'])} manifests, {args.assets} assets, {total / 1e6:.1f} MB")
    if args.verify:
        verify(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
