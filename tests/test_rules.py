"""Every rule fires where it should, at the exact line:col, and stays quiet on a near miss."""

from __future__ import annotations

import os

import pytest

from conftest import CLEAN, check_json, position, run_cli, sibling

ASSET_END = "    approvals: [APR-1]\n"


def add_to_asset(text: str) -> tuple[str, str]:
    """A replacement that appends fields to the asset A-1."""
    return (ASSET_END, ASSET_END + text)


def inputs(source: str, use: str = "conditioning", extra: str = "") -> str:
    return f"    inputs:\n      - ref: board-17\n        source: {source}\n{extra}        use: {use}\n"


def scopes(*names: str) -> tuple[str, str]:
    return ("scopes: [final-deliverable]", f"scopes: [final-deliverable, {', '.join(names)}]")


TALENT = "    talent:\n      name: J. Doe\n"
CONSENT = "      consent: CONSENT-1\n"
# code, replacements that make it fire, (line text, column text, occurrence), replacements for a near miss
CASES = [
    ("G001", [('    disclosed_on: "2026-05-02"\n', "")], ("- id: A-1", "A-1"), []),
    ("G101", [add_to_asset(inputs("unknown"))], ("source: unknown", "unknown"), [add_to_asset(inputs("owned"))]),
    ("G101", [add_to_asset(inputs("licensed"))], ("source: licensed", "licensed"),
     [add_to_asset(inputs("licensed", extra="        license: LIC-1\n"))]),
    ("G102", [add_to_asset("    content:\n      - copyrighted-material\n")], ("- copyrighted-material", "copyrighted"),
     [add_to_asset("    content:\n      - copyrighted-material\n"), scopes("copyrighted-reference")]),
    ("G103", [add_to_asset('    prompt: "castle in the style of Someone"\n')], ("prompt:", "in the style of"),
     [add_to_asset('    prompt: "castle at dusk, matte painting"\n')]),
    ("G201", [("trains_on_inputs: false", "trains_on_inputs: true")], ("tool: ent", "ent"), []),
    ("G201", [("trains_on_outputs: false", "trains_on_outputs: true")], ("tool: ent", "ent"), []),
    ("G202", [("retains_inputs: false", "retains_inputs: true")], ("tool: ent", "ent"), []),
    ("G203", [('      evidence: "MSA-1 s.7"\n', "")], ("data_handling:", "data_handling"), []),
    ("G301", [("environment: enterprise", "environment: consumer")], ("tool: ent", "ent"),
     [("environment: enterprise", "environment: local")]),
    ("G302", [("environment: enterprise", "environment: vendor-cloud"), add_to_asset(inputs("proprietary"))],
     ("source: proprietary", "proprietary"), [add_to_asset(inputs("proprietary"))]),
    ("G401", [("scopes: [final-deliverable]", "scopes: [key-creative]"), ("deliverable: false", "deliverable: true")],
     ("deliverable: true", "true"), [("deliverable: false", "deliverable: true")]),
    ("G401", [("scopes: [final-deliverable]", "scopes: [key-creative]"), ("purpose: concept", "purpose: final")],
     ("purpose: final", "final"), [("purpose: concept", "purpose: final")]),
    ("G501", [add_to_asset("    content: [talent-voice]\n" + TALENT)], ("  talent:", "talent"),
     [add_to_asset("    content: [talent-voice]\n" + TALENT + CONSENT)]),
    ("G501", [add_to_asset(inputs("talent") + TALENT)], ("  talent:", "talent"),
     [add_to_asset(inputs("talent") + TALENT + CONSENT)]),
    ("G502", [add_to_asset("    content: [talent-voice]\n" + TALENT + CONSENT)], ("content: [talent-voice]", "talent-voice"),
     [add_to_asset("    content: [talent-voice]\n" + TALENT + CONSENT), scopes("talent-performance")]),
    ("A601", [add_to_asset(inputs("personal-data"))], ("source: personal-data", "personal-data"),
     [add_to_asset(inputs("personal-data")), scopes("proprietary-data")]),
    ("A602", [add_to_asset(inputs("licensed", "training", "        license: LIC-1\n"))], ("use: training", "training"),
     [add_to_asset(inputs("licensed", "training", "        license: LIC-1\n")), scopes("artist-work-training")]),
    ("A602", [add_to_asset(inputs("owned", "training"))], None, []),
    ("A603", [add_to_asset("    content: [main-character]\n")], ("content: [main-character]", "main-character"),
     [add_to_asset("    content: [main-character]\n"), scopes("key-creative")]),
    ("A604", [add_to_asset("    content: [public-figure]\n")], ("content: [public-figure]", "public-figure"),
     [add_to_asset("    content: [public-figure]\n"), scopes("public-figure")]),
    ("A605", [("    reference: LEG-1\n", '    reference: LEG-1\n    expires: "2026-05-31"\n')],
     ("approvals: [APR-1]", "APR-1"), [("    reference: LEG-1\n", '    reference: LEG-1\n    expires: "2026-06-01"\n')]),
    ("A606", [("    reference: LEG-1\n", '    reference: LEG-1\n    expires: "2026-06-20"\n')],
     ("approvals: [APR-1]", "APR-1"), [("    reference: LEG-1\n", '    reference: LEG-1\n    expires: "2026-08-01"\n')]),
    ("A607", [('granted_on: "2026-01-01"', 'granted_on: "2026-05-10"')], ("approvals: [APR-1]", "APR-1"),
     [('granted_on: "2026-01-01"', 'granted_on: "2026-05-01"')]),
    ("X701", [add_to_asset("    content: [real-event]\n")], ("content: [real-event]", "real-event"),
     [add_to_asset("    content: [key-visual]\n"), scopes("key-creative")]),
    ("M001", [('  title: "Demo"', '\ttitle: "Demo"')], ("title:", None), []),
    ("M002", [("media: image", "media: hologram")], ("media: hologram", "hologram"), []),
    ("M002", [("    media: image\n", "")], ("- id: A-1", "id"), []),
    ("M002", [("    media: image\n", "    media: image\n    disclosed_0n: x\n")], ("disclosed_0n", "disclosed_0n"), []),
    ("M002", [('created: "2026-05-01"', "created: 2026-02-30")], ("created: 2026", "2026"),
     [('created: "2026-05-01"', "created: 2026-05-01")]),
    ("M002", [("    reference: LEG-1\n", "    reference: LEG-1\n    expires: 2026-12-31\n"),
              ("  title: \"Demo\"", "  title: 3.10")], ("title: 3.10", "3.10"), []),
    ("M003", [("    media: image\n", "    media: image\n    media: video\n")], ("media: video", "media"), []),
    ("M005", [("tool: ent", "tool: nope"), ("  - id: ent", "  - id: ent-unused")], ("tool: nope", "nope"), []),
    ("M006", [("approvals: [APR-1]", "approvals: [APR-1, APR-X]")], ("approvals: [APR-1, APR-X]", "APR-X"), []),
    ("M007", [("path: a.png", "path: missing.png")], ("path: missing.png", "missing.png"), []),
    ("M009", [("path: a.png", "path: ../outside.png")], ("path: ../outside.png", "../outside.png"), []),
    ("M009", [("path: a.png", "path: /etc/hostname")], ("path: /etc/hostname", "/etc/hostname"), []),
    ("M010", [("approvals:\n  - id: APR-1", "approvals:\n  - id: APR-2\n    scopes: [key-creative]\n    granted_by: L\n"
                                            "    granted_on: \"2026-01-01\"\n    reference: R\n  - id: APR-1")],
     ("- id: APR-2", "APR-2"), []),
    ("M015", [('  title: "Demo"', '  title: "De\u202emo"')], ("title:", "\u202e"), [('  title: "Demo"', '  title: "De\\u202emo"')]),
    ("M012", [('    sha256: "', '    x-sha: "')], ("path: a.png", "a.png"), []),
]


def apply(text: str, replacements: list[tuple[str, str]]) -> str:
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


@pytest.mark.parametrize("code, fires, at, near_miss", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_rule_fires_at_exact_position(project, code, fires, at, near_miss):
    text = apply(CLEAN, fires)
    root = project(text)
    result = check_json(root)
    assert result.exit_code in (0, 1), result.stderr
    hits = [f for f in result.findings if f["code"] == code]
    if at is None:
        assert hits == [] if code == "A602" else hits
        return
    assert hits, f"{code} did not fire: {result.findings}"
    line, column = position(text, *at)
    if code == "M001":
        assert (hits[0]["line"], hits[0]["column"]) == (line, 1)
    else:
        assert (hits[0]["line"], hits[0]["column"]) == (line, column), hits[0]
    assert hits[0]["path"] == "genai-manifest.yaml"
    if code.startswith(("G", "A", "X")) and code != "G203":
        assert hits[0]["entry_id"] == "A-1"
    assert len(hits) == 1, hits


@pytest.mark.parametrize("code, fires, at, near_miss", [c for c in CASES if c[3]], ids=lambda v: v if isinstance(v, str) else "")
def test_rule_quiet_on_near_miss(project, code, fires, at, near_miss):
    root = project(apply(CLEAN, near_miss))
    result = check_json(root)
    assert code not in result.codes(), result.findings


def test_clean_manifest_has_no_findings(project):
    result = check_json(project())
    assert result.exit_code == 0
    assert result.findings == []


def test_hash_mismatch_points_at_sha256(project):
    text = CLEAN.replace('sha256: "', 'sha256: "' + "0" * 64 + '"\n    x-old: "', 1)
    result = check_json(project(text))
    hits = [f for f in result.findings if f["code"] == "M008"]
    assert len(hits) == 1
    assert (hits[0]["line"], hits[0]["column"]) == position(text, "sha256:", "\"0000")


def test_path_escaping_through_symlink(project, tmp_path):
    outside = tmp_path / "elsewhere.png"
    outside.write_bytes(b"x")
    root = project(CLEAN.replace("path: a.png", "path: link.png"))
    os.symlink(outside, root / "link.png")
    result = check_json(root)
    hits = [f for f in result.findings if f["code"] == "M009"]
    assert hits and "symlink" in hits[0]["message"]
    assert "M007" not in result.codes()


def test_cross_manifest_duplicate_id_and_production_mismatch(project):
    root = project(files={"sound/genai-manifest.yaml": sibling(production="other", asset="A-1")})
    result = check_json(root)
    second = sibling(production="other", asset="A-1")
    by_code = {f["code"]: f for f in result.findings}
    assert by_code["M004"]["path"] == "sound/genai-manifest.yaml"
    assert (by_code["M004"]["line"], by_code["M004"]["column"]) == position(second, "- id: A-1", "A-1")
    assert "genai-manifest.yaml" in by_code["M004"]["message"]
    assert by_code["M011"]["path"] == "sound/genai-manifest.yaml"
    assert (by_code["M011"]["line"], by_code["M011"]["column"]) == position(second, "id: other", "other")


def test_references_resolve_across_manifests(project):
    root = project(files={"sound/genai-manifest.yaml": sibling()})
    result = check_json(root)
    assert result.findings == []
    assert result.exit_code == 0


def test_expired_approval_is_not_reported_twice(project):
    text = apply(CLEAN, [("    reference: LEG-1\n", '    reference: LEG-1\n    expires: "2026-05-31"\n'),
                         ("deliverable: false", "deliverable: true")])
    codes = [f["code"] for f in check_json(project(text)).findings if f["code"] != "G402"]  # G402: no legal review
    assert codes == ["A605"]


def test_evaluation_date_changes_expiry(project):
    text = apply(CLEAN, [("    reference: LEG-1\n", '    reference: LEG-1\n    expires: "2026-06-20"\n')])
    root = project(text)
    early = run_date(root, "2026-01-01")
    soon = run_date(root, "2026-06-01")
    late = run_date(root, "2026-07-01")
    assert (early, soon, late) == (set(), {"A606"}, {"A605"})


def run_date(root, date):
    result = run_cli("check", str(root), "--format", "json", "--date", date)
    return result.codes()
