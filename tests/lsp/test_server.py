"""The language server through a real JSON-RPC client over stdio, compared with `check` on the same files."""

from __future__ import annotations

import gc
import json
import random
import re
import shutil
from pathlib import Path
from typing import Callable

import pytest
from click.testing import CliRunner

from genai_lint.cli import main
from genai_lint.lsp.analysis import analyse
from tests.conftest import ASSET_BYTES, CLEAN, EXAMPLES, sibling, write_project
from tests.lsp.client import Client, at

SEVERITY = {"error": 1, "warning": 2, "info": 3}


@pytest.fixture
def violations(tmp_path: Path) -> Path:
    root = tmp_path / "violations"
    shutil.copytree(EXAMPLES / "violations", root, ignore=shutil.ignore_patterns(".genai-lint-cache"))
    return root


@pytest.fixture
def client_for():
    clients: list[Client] = []

    def start(root: Path) -> Client:
        clients.append(Client(root))
        return clients[-1]

    yield start
    for client in clients:
        client.close()


def check_findings(root: Path, rel: str, *options: str) -> list[dict]:
    result = CliRunner().invoke(main, ["check", str(root), "--format", "json", *options])
    assert result.exit_code in (0, 1), result.output
    return [finding for finding in json.loads(result.output)["findings"] if finding["path"] == rel]


def as_check(diagnostic: dict) -> tuple:
    start, end = diagnostic["range"]["start"], diagnostic["range"]["end"]
    return (diagnostic["code"], start["line"] + 1, start["character"] + 1, end["line"] + 1, end["character"] + 1,
            diagnostic["severity"])


def expected(findings: list[dict]) -> list[tuple]:
    return sorted((f["code"], f["line"], f["column"], f["end_line"], f["end_column"],
                   4 if f["waived"] else SEVERITY[f["severity"]]) for f in findings)


def apply(text: str, edits: list[dict]) -> str:
    """The text with LSP ``edits`` applied (positions in UTF-16 units; the fixtures are ASCII)."""
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(position: dict) -> int:
        return starts[position["line"]] + position["character"]

    for edit in sorted(edits, key=lambda e: offset(e["range"]["start"]), reverse=True):
        text = text[:offset(edit["range"]["start"])] + edit["newText"] + text[offset(edit["range"]["end"]):]
    return text


def line_of(text: str, needle: str) -> int:
    """0-based line of the first line containing ``needle``."""
    return next(number for number, line in enumerate(text.splitlines()) if needle in line)


def test_diagnostics_equal_check_and_disappear_when_fixed(violations: Path, client_for) -> None:
    manifest = violations / "art" / "genai-manifest.yaml"
    client = client_for(violations)
    uri = client.open(manifest)
    diagnostics = client.wait_diagnostics(uri)
    findings = check_findings(violations, "art/genai-manifest.yaml")
    assert len(findings) > 20
    assert sorted(map(as_check, diagnostics)) == expected(findings)
    first = next(d for d in diagnostics if d["code"] == "G203")
    assert "data-handling-unevidenced" in first["source"] and first["codeDescription"]["href"].startswith("https://")
    waived = [d for d in diagnostics if d["severity"] == 4]
    assert waived and all("waived:" in d["message"] for d in waived)

    text = manifest.read_text()
    fixed = text.replace("      retains_inputs: false\n\n  # Registered for a test",
                         '      retains_inputs: false\n      evidence: "MSA-9 s.2"\n\n  # Registered for a test', 1)
    assert fixed != text
    client.change(uri, fixed)
    after = client.wait_diagnostics(uri)
    assert "G203" not in {d["code"] for d in after}
    file_checks = {"M007", "M008", "M012"}  # while typing, files are not read (--no-files); a save reads them
    assert len(after) == len([d for d in diagnostics if d["code"] not in file_checks]) - 1
    manifest.write_text(fixed)
    client.notify("textDocument/didSave", {"textDocument": {"uri": uri}})
    saved = client.wait_diagnostics(uri, lambda d: file_checks & {x["code"] for x in d})
    assert len(saved) == len(diagnostics) - 1


def test_broken_buffer_gets_m001_where_the_parser_stops(tmp_path: Path, client_for) -> None:
    root = write_project(tmp_path / "prod", {"genai-manifest.yaml": CLEAN, "a.png": ASSET_BYTES})
    manifest = root / "genai-manifest.yaml"
    client = client_for(root)
    uri = client.open(manifest)
    assert client.wait_diagnostics(uri) == []
    broken = manifest.read_text().replace('    purpose: concept\n', '    purpose: concept\n    prompt: dusk: harbour\n')
    client.change(uri, broken)
    (diagnostic,) = client.wait_diagnostics(uri, lambda d: bool(d))
    assert diagnostic["code"] == "M001"
    assert diagnostic["range"]["start"]["line"] == line_of(broken, "prompt: dusk")

    actions = client.request("textDocument/codeAction", {"textDocument": {"uri": uri}, "range": diagnostic["range"],
                                                         "context": {"diagnostics": [diagnostic]}})
    (quote,) = [a for a in actions if "Quote" in a["title"]]
    quoted = apply(broken, quote["edit"]["changes"][uri])
    assert '    prompt: "dusk: harbour"\n' in quoted
    client.change(uri, quoted)
    assert client.wait_diagnostics(uri) == []


def test_hover_on_finding_key_and_references(violations: Path, client_for) -> None:
    manifest = violations / "art" / "genai-manifest.yaml"
    text = manifest.read_text()
    client = client_for(violations)
    uri = client.open(manifest)
    diagnostics = client.wait_diagnostics(uri)

    def hover(line: int, character: int) -> str:
        result = client.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": at(line, character)})
        return result["contents"]["value"] if result else ""

    g401 = next(d for d in diagnostics if d["code"] == "G401")
    shown = hover(g401["range"]["start"]["line"], g401["range"]["start"]["character"])
    for heading in ("G401 generated-in-deliverable", "## What it checks", "## Why", "## Example", "## Fix"):
        assert heading in shown
    media_line = line_of(text, "    media: image")
    assert "What kind of media the asset is" in hover(media_line, 5)
    tool_line = line_of(text, "    tool: firefly-ent")
    tool = hover(tool_line, 12)
    assert "tool firefly-ent" in tool and "environment: enterprise" in tool and "trains_on_inputs no" in tool
    approval_line = line_of(text, "  - id: APR-090")
    approval = hover(approval_line, 10)
    assert "approval APR-090" in approval and "final-deliverable" in approval and "expires:" in approval


def test_completion_of_keys_values_and_register_ids(violations: Path, client_for) -> None:
    manifest = violations / "art" / "genai-manifest.yaml"
    text = manifest.read_text()
    client = client_for(violations)
    uri = client.open(manifest)
    client.wait_diagnostics(uri)

    def labels(edited: str, line: int, character: int) -> set[str]:
        client.change(uri, edited)
        client.wait_diagnostics(uri)
        result = client.request("textDocument/completion", {"textDocument": {"uri": uri},
                                                            "position": at(line, character)})
        return {item["label"] for item in result["items"]}

    anchor = "  - id: TW-A-022\n    path: files/tw_a022.png\n"
    typed = line_of(text, "  - id: TW-A-022") + 2

    def typing(line: str) -> str:
        return text.replace(anchor, anchor + line + "\n", 1)

    keys = labels(typing("    dis"), typed, 7)
    assert {"prompt", "talent", "waivers", "inputs"} <= keys and not {"path", "disclosed_on"} & keys
    assert labels(typing("    media: "), typed, 11) >= {"image", "video", "3d"}
    assert {"firefly-ent", "sdxl-local", "dreamboard-free"} <= labels(typing("    tool: "), typed, 10)
    assert {"APR-090", "APR-110"} <= labels(typing("    approvals: [APR-101, ]"), typed, 25)
    scopes = labels(text.replace("    scopes: [key-creative, final-deliverable]", "    scopes: [key-creative, ]", 1),
                    line_of(text, "    scopes: [key-creative, final-deliverable]"), 26)
    assert {"final-deliverable", "public-figure", "talent-performance"} <= scopes


def test_quick_fixes_sha256_approval_and_waiver(violations: Path, client_for) -> None:
    manifest = violations / "art" / "genai-manifest.yaml"
    text = manifest.read_text()
    client = client_for(violations)
    uri = client.open(manifest)
    diagnostics = client.wait_diagnostics(uri)

    def fixes_for(code: str, entry_line: str) -> list[dict]:
        line = line_of(text, entry_line)
        diagnostic = next(d for d in diagnostics if d["code"] == code and d["range"]["start"]["line"] >= line)
        return client.request("textDocument/codeAction", {"textDocument": {"uri": uri}, "range": diagnostic["range"],
                                                          "context": {"diagnostics": [diagnostic]}})

    def findings_after(action: dict) -> list[dict]:
        manifest.write_text(apply(text, action["edit"]["changes"][uri]))
        try:
            return check_findings(violations, "art/genai-manifest.yaml")
        finally:
            manifest.write_text(text)

    refresh = next(a for a in fixes_for("M008", "  - id: TW-A-009") if "sha256" in a["title"])
    assert refresh["title"].startswith("Refresh sha256 of TW-A-009")
    assert not [f for f in findings_after(refresh) if f["code"] == "M008"]

    approval = next(a for a in fixes_for("G401", "  - id: TW-A-022") if a["title"].startswith("Add approval"))
    assert "final-deliverable" in approval["title"]
    assert not [f for f in findings_after(approval) if f["code"] == "G401" and f["entry_id"] == "TW-A-022"]

    waiver = next(a for a in fixes_for("G401", "  - id: TW-A-022") if a["title"].startswith("Waive G401"))
    after = findings_after(waiver)
    assert any(f["code"] == "M002" and f["entry_id"] == "TW-A-022" for f in after), "the reason is left to write"
    assert "# expect: G401" in apply(text, waiver["edit"]["changes"][uri]), "comments are kept"


def test_cross_file_rules_see_an_unsaved_sibling(tmp_path: Path, client_for) -> None:
    root = write_project(tmp_path / "prod", {"genai-manifest.yaml": CLEAN, "a.png": ASSET_BYTES,
                                             "sound/genai-manifest.yaml": sibling()})
    registers, sound = root / "genai-manifest.yaml", root / "sound" / "genai-manifest.yaml"
    client = client_for(root)
    sound_uri = client.open(sound)
    assert client.wait_diagnostics(sound_uri) == []
    registers_uri = client.open(registers)
    client.wait_diagnostics(registers_uri)
    client.change(registers_uri, registers.read_text().replace("  - id: ent\n", "  - id: ent-renamed\n", 1))
    renamed = client.wait_diagnostics(sound_uri, lambda d: bool(d))
    assert "M005" in {d["code"] for d in renamed}, "the unsaved rename in the other buffer is seen"
    assert registers.read_text() == CLEAN, "nothing was saved"


def test_document_symbols_outline_the_registers(violations: Path, client_for) -> None:
    client = client_for(violations)
    uri = client.open(violations / "art" / "genai-manifest.yaml")
    client.wait_diagnostics(uri)
    symbols = client.request("textDocument/documentSymbol", {"textDocument": {"uri": uri}})
    by_name = {symbol["name"]: [child["name"] for child in symbol["children"]] for symbol in symbols}
    assert list(by_name) == ["tools", "approvals", "assets"]
    assert "firefly-ent" in by_name["tools"] and "APR-090" in by_name["approvals"] and "TW-A-022" in by_name["assets"]


def test_hover_documents_the_productions_studio_rules(tmp_path: Path, client_for) -> None:
    root = tmp_path / "policies"
    shutil.copytree(EXAMPLES / "policies", root, ignore=shutil.ignore_patterns(".genai-lint-cache"))
    manifest = next(path for path in sorted(root.rglob("genai-manifest.yaml"))
                    if "S001" in path.read_text())
    client = client_for(root)
    uri = client.open(manifest)
    studio = next(d for d in client.wait_diagnostics(uri) if d["code"] == "S001")
    shown = client.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": studio["range"]["start"]})
    assert "S001" in shown["contents"]["value"] and "## Why" in shown["contents"]["value"]


def test_an_analysis_leaves_no_cyclic_garbage(violations: Path) -> None:
    """The server exempts what an analysis builds from cyclic garbage collection (gc.freeze): that is only
    sound if an analysis, once dropped, is freed by reference counting alone."""
    manifest = (violations / "art" / "genai-manifest.yaml").absolute()
    buffers = {manifest: manifest.read_text()}
    analyse(manifest, buffers, check_files=True)  # imports and caches first
    gc.collect()
    gc.disable()
    try:
        for check_files in (True, False):
            analysis = analyse(manifest, buffers, check_files)
            assert len(analysis.findings) > 20
            del analysis
        assert gc.collect() == 0
    finally:
        gc.enable()


def _keystroke(text: str, rng: random.Random) -> tuple[int, int, str]:
    value = rng.choice(list(re.finditer(r'(?m)^    (?:prompt|purpose|created_by): "?([^"\n]+)', text)))
    at = rng.randrange(value.start(1), value.end(1))
    return at, at, rng.choice("abz -")


def _delete_in_value(text: str, rng: random.Random) -> tuple[int, int, str]:
    value = rng.choice(list(re.finditer(r'(?m)^    (?:prompt|tool|media|id): "?([^"\n]+)', text)))
    at = rng.randrange(value.start(1), value.end(1))
    return at, at + 1, ""


def _assets(text: str) -> list[re.Match]:
    return list(re.finditer(r"(?ms)^  - id: TW-A-.*?(?=^  - id: |\Z)", text))


def _across_assets(text: str, rng: random.Random) -> tuple[int, int, str]:
    assets = _assets(text)
    index = rng.randrange(len(assets) - 1)
    third_line = [asset.start() + len("".join(asset.group().splitlines(keepends=True)[:2]))
                  for asset in assets[index:index + 2]]
    return third_line[0], third_line[1], ""


def _add_asset(text: str, rng: random.Random) -> tuple[int, int, str]:
    asset = rng.choice(_assets(text))
    copy = re.sub(r"^  - id: \S+", f"  - id: TW-NEW-{rng.randrange(1000)}", asset.group(), count=1)
    return asset.start(), asset.start(), copy


def _remove_asset(text: str, rng: random.Random) -> tuple[int, int, str]:
    asset = rng.choice(_assets(text))
    return asset.start(), asset.end(), ""


def _line_after_media(line: str) -> Callable[[str, random.Random], tuple[int, int, str]]:
    """An edit adding ``line`` after the ``media:`` line of an asset."""
    def edit(text: str, rng: random.Random) -> tuple[int, int, str]:
        media = rng.choice(list(re.finditer(r"(?m)^    media: .*\n", text)))
        return media.end(), media.end(), line
    return edit


_new_line, _duplicate_key = _line_after_media("    x-note: typed\n"), _line_after_media("    purpose: final\n")


def _break(text: str, rng: random.Random) -> tuple[int, int, str]:
    value = rng.choice(list(re.finditer(r"(?m)^    purpose: \w+", text)))
    return value.end(), value.end(), ": oops"


def _rename_tool(text: str, rng: random.Random) -> tuple[int, int, str]:
    tool = rng.choice(list(re.finditer(r"(?m)^  - id: ([a-z-]+)", text)))
    return tool.end(1), tool.end(1), "x"


def _hidden(text: str, rng: random.Random) -> tuple[int, int, str]:
    start, _, _ = _keystroke(text, rng)
    return start, start, "\u200b"


EDITS = [_keystroke, _across_assets, _break, _add_asset, _keystroke, _duplicate_key, _remove_asset, _new_line,
         _rename_tool, _hidden, _delete_in_value, _keystroke, _break, _keystroke]
"""Each edit picks its place at random; a break is repaired by the next edit."""


def test_diagnostics_after_random_edits_equal_check_of_the_buffer(violations: Path, client_for) -> None:
    """Keystrokes inside assets, a deletion across two, an asset added and one removed, new lines, a key
    written twice, a renamed tool, a hidden character, YAML broken and repaired: after each edit the
    server's diagnostics are those of `check --no-files` on the buffer's text."""
    manifest = violations / "art" / "genai-manifest.yaml"
    text = manifest.read_text()
    client = client_for(violations)
    uri = client.open(manifest)
    client.wait_diagnostics(uri)
    rng = random.Random(17)
    codes = set()
    for step, make in enumerate([edit for kind in EDITS for edit in ([kind, None] if kind is _break else [kind])]):
        if make is None:  # repair what the last edit broke
            start, end, new = start, start + len(new), ""
        else:
            start, end, new = make(text, rng)
        version = client.edit(uri, _position(text, start), _position(text, end), new)
        text = text[:start] + new + text[end:]
        diagnostics = client.wait_version(uri, version)
        manifest.write_text(text)
        findings = check_findings(violations, "art/genai-manifest.yaml", "--no-files")
        assert sorted(map(as_check, diagnostics)) == expected(findings), f"step {step}: {new!r} at {start}"
        assert sorted(d["message"].split("\nfix: ")[0].split("\n(waived: ")[0] for d in diagnostics) == \
            sorted(f["message"] for f in findings)
        codes.update(d["code"] for d in diagnostics)
    assert {"M001", "M003"} <= codes, "the edits broke the YAML and wrote a key twice"


def _position(text: str, offset: int) -> dict:
    """The LSP position of ``offset`` (UTF-16 units)."""
    line_start = text.rfind("\n", 0, offset) + 1
    return at(text.count("\n", 0, offset), len(text[line_start:offset].encode("utf-16-le")) // 2)
