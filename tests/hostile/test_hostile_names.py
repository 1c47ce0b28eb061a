"""File and folder names with line breaks, ``:``, ``,``, ``%``, non-ASCII and undecodable bytes.

Every output format stays well-formed and names the file so that it can be found again:
text and concise escape what a terminal would act on (one finding stays one line), GitHub
annotations escape as the Actions toolkit does, SARIF percent-encodes URIs, JUnit and JSON
escape as their syntax requires. ``hash``, ``add``, ``audit`` and ``gate`` handle the same names.
"""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote

import pytest
from conftest import ASSET_BYTES, ASSET_SHA
from hostile_harness import DATE, FORMATS, HEADLINE, cli, project, validate_outputs

from genai_lint.safe_text import printable

FOLDER = "take 1\n: 100%, señal"
FILE = "shot\n01:,%é #x.png"
RAW_FOLDER = b"raw\xff\xfe name"
"""Not UTF-8: Python keeps the bytes as lone surrogates, which no output format can carry as they are."""

MANIFEST = f"""manifest_version: 1
production: {{id: demo}}
tools:
  - id: cloud
    name: Cloud tool
    environment: consumer
    data_handling: {{trains_on_inputs: true, trains_on_outputs: false, retains_inputs: false, evidence: "ToS"}}
assets:
  - id: A-1
    path: {json.dumps(FILE)}
    tool: cloud
    media: image
    purpose: concept
    deliverable: false
    created: "2026-05-01"
    disclosed_on: "2026-05-02"
  - id: A-2
    path: "missing\\n:,%ü.png"
    sha256: "{ASSET_SHA}"
    tool: cloud
    media: image
    purpose: concept
    deliverable: false
    created: "2026-05-01"
    disclosed_on: "2026-05-02"
"""
EXPECTED = [("M012", 10, 11), ("G201", 11, 11), ("G301", 11, 11), ("M007", 18, 11), ("G201", 20, 11), ("G301", 20, 11)]


def weird_tree(tmp_path: Path) -> Path:
    root = project(tmp_path / "prod", {f"{FOLDER}/genai-manifest.yaml": MANIFEST, f"{FOLDER}/{FILE}": ASSET_BYTES})
    raw = os.fsencode(root) + b"/" + RAW_FOLDER
    os.mkdir(raw)
    with open(raw + b"/genai-manifest.yaml", "wb") as stream:
        stream.write(MANIFEST.replace("cloud", "cloud-b").replace("A-1", "B-1").replace("A-2", "B-2").encode())
    with open(raw + b"/" + FILE.encode(), "wb") as stream:
        stream.write(b"raw copy")
    return root


@pytest.mark.parametrize("format_name", FORMATS)
def test_every_format_stays_well_formed(format_name: str, tmp_path: Path) -> None:
    root = weird_tree(tmp_path)
    run = cli("check", "--format", format_name, "--date", DATE, cwd=root)
    assert run.code == 1, run.err
    as_json = cli("check", "--format", "json", "--date", DATE, cwd=root)
    validate_outputs({format_name: run.out, "json": as_json.out})
    findings = json.loads(as_json.out)["findings"]
    shown = f"{FOLDER}/genai-manifest.yaml"
    escaped = "raw\\xff\\xfe name/genai-manifest.yaml"
    assert {finding["path"] for finding in findings} == {shown, escaped}
    for path in (shown, escaped):
        for code, line, column in EXPECTED:
            assert any((f["path"], f["code"], f["line"], f["column"]) == (path, code, line, column) for f in findings)
    assert len(findings) == 2 * len(EXPECTED)
    assert paths_named(format_name, run.out) == {shown, escaped}


def paths_named(format_name: str, output: str) -> set[str]:
    """The file paths an output names, decoded the way its consumers decode them."""
    if format_name in ("text", "concise"):
        heads = [HEADLINE.match(line) for line in output.splitlines()]
        return {head.group("path").replace("\\n", "\n") for head in heads if head}
    if format_name == "json":
        return {finding["path"] for finding in json.loads(output)["findings"]}
    if format_name == "gitlab":
        return {issue["location"]["path"] for issue in json.loads(output)}
    if format_name == "sarif":
        results = json.loads(output)["runs"][0]["results"]
        return {unquote(result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]) for result in results}
    if format_name == "junit":
        return {case.get("classname") for case in ET.fromstring(output).iter("testcase")}
    if format_name == "github":
        names = set()
        for line in output.splitlines():
            if line.startswith(("::error ", "::warning ")):
                value = line.split("file=", 1)[1].split(",line=", 1)[0]
                for escape, char in (("%0A", "\n"), ("%0D", "\r"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
                    value = value.replace(escape, char)
                names.add(value)
        return names
    raise AssertionError(format_name)


def test_text_lines_are_escaped_and_split_cleanly(tmp_path: Path) -> None:
    root = weird_tree(tmp_path)
    run = cli("check", "--format", "concise", "--date", DATE, cwd=root)
    lines = run.out.splitlines()
    assert len(lines) == 2 * len(EXPECTED) + 1  # one line per finding, then the summary
    missing = printable("missing" + chr(10) + ":,%ü.png")
    assert f"{printable(FOLDER)}/genai-manifest.yaml:18:11: M007 [error] {missing}" in run.out


def test_a_missing_path_with_a_line_break_is_one_error_line(tmp_path: Path) -> None:
    root = weird_tree(tmp_path)
    for command in ("check", "hash", "audit"):
        cli(command, "no such\nfolder", cwd=root).one_line_error("no such\\nfolder: no such file or directory")


def test_hash_add_audit_and_gate_handle_the_names(tmp_path: Path) -> None:
    root = weird_tree(tmp_path)
    run = cli("hash", cwd=root)
    assert run.code == 0 and "2 filled" in run.out, run.err
    assert all(line.isprintable() for line in run.out.splitlines() + run.err.splitlines())
    manifest = root / FOLDER / "genai-manifest.yaml"
    text = manifest.read_text(encoding="utf-8")
    assert text.replace(f'    sha256: "{ASSET_SHA}"\n', "", 1) == MANIFEST
    (root / FOLDER / "new\n,:%ß.png").write_bytes(b"new")
    run = cli("add", f"{FOLDER}/new\n,:%ß.png", "--tool", "cloud", "--media", "image", "--purpose", "concept",
              "--created", DATE, cwd=root)
    assert run.code == 0 and len(run.out.splitlines()) == 1, (run.out, run.err)
    assert manifest.read_text(encoding="utf-8").startswith(text)
    assert '    path: "new\\n,:%ß.png"\n' in manifest.read_text(encoding="utf-8")
    for format_name in ("md", "html", "json"):
        audit = cli("audit", "--format", format_name, "--date", DATE, cwd=root)
        assert audit.code == 0, audit.err
    audit_json = json.loads(cli("audit", "--format", "json", "--date", DATE, cwd=root).out)
    assert {m["path"] for m in audit_json["projects"][0]["manifests"]} == \
        {f"{FOLDER}/genai-manifest.yaml", "raw\\xff\\xfe name/genai-manifest.yaml"}
    html = cli("audit", "--format", "html", "--date", DATE, cwd=root).out
    assert "take 1" in html and "<script" not in html.lower()
    gate = cli("gate", ".", "--format", "json", "--date", DATE, cwd=root)
    assert gate.code == 1, gate.err
    leaked = {finding["path"] for finding in json.loads(gate.out)["findings"] if finding["code"] == "D802"}
    assert leaked == {f"{FOLDER}/{FILE}", f"raw\\xff\\xfe name/{FILE}", f"{FOLDER}/new\n,:%ß.png"}
