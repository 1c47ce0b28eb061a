"""Property-based tests: manifests generated from the shipped JSON Schema, and random byte mutations.

* Any manifest the schema describes (with a share of wrong values mixed in at every level)
  never crashes ``check``: exit 0 or 1, JSON output that parses, every position inside the file.
* ``hash`` and ``add`` change only what they are meant to: the sha256 values, or one appended
  asset. Every other line stays byte for byte; a manifest they cannot edit safely is left as it was.
* Random insertions, deletions, flips and truncations of a valid manifest never produce a
  traceback, an internal error, or an exit code other than 0, 1 or 2.

The CLI runs in-process (click's runner) to keep the examples fast; ``catch_exceptions=False``
lets any exception fail the test rather than be hidden.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml
from conftest import ASSET_BYTES, CLEAN, run_cli, write_project
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from genai_lint.formats.text import LINE_BREAK
from genai_lint.loader import load
from genai_lint.schema import schema

sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))  # as the loader does, so hypothesis need not warn
DATE = "2026-06-01"
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                          HealthCheck.data_too_large])
FILES = {"a.png": ASSET_BYTES, "b.png": b"second asset", "sub/c.png": b"third", "new.png": b"a new asset"}
SHA = {name: hashlib.sha256(content).hexdigest() for name, content in FILES.items()}

IDS = st.sampled_from(["ent", "local-1", "cloud", "APR-1", "APR-2", "A-0001", "A-0002", "A-1"])
"""A small pool, so that references resolve, ids collide (M004) and policy rules fire."""
PATHS = st.sampled_from(["a.png", "b.png", "sub/c.png", "missing.png", "../outside.png", "/etc/hostname", "sub",
                         "sub/../a.png", "./b.png"])
SHA256 = st.one_of(st.sampled_from(list(SHA.values())), st.just("0" * 64), st.text("0123456789abcdef", max_size=70))
TEXT = st.text(max_size=24)
DATES = st.one_of(st.dates().map(lambda day: day.isoformat()), st.sampled_from(["2026-02-30", "2026-13-01", "26-1-1"]))
WRONG = st.sampled_from([None, True, 0, 1.5, "", "nonsense", [], {}, ["x"], {"x": 1}, "2026-02-30"])
"""Values of the wrong type or content, mixed in anywhere."""
NAMED = {"path": PATHS, "sha256": SHA256, "id": IDS}


def from_schema(node: dict, name: str = "", depth: int = 0) -> st.SearchStrategy:
    """Values for schema ``node``: valid ones, and about one in eight wrong."""
    valid = _valid(node, name, depth)
    return st.integers(0, 7).flatmap(lambda roll: WRONG if roll == 0 else valid)


def _valid(node: dict, name: str, depth: int) -> st.SearchStrategy:
    if "$ref" in node:
        target = node["$ref"].rsplit("/", 1)[-1]
        if target in NAMED or name in NAMED:
            return NAMED[target if target in NAMED else name]
        return _valid(schema()["$defs"][target], name, depth)
    if name in NAMED:
        return NAMED[name]
    if "const" in node:
        return st.just(node["const"])
    if "enum" in node:
        return st.sampled_from(node["enum"])
    if "anyOf" in node:
        return st.one_of([_valid(option, name, depth) for option in node["anyOf"]])
    kind = node.get("type")
    if isinstance(kind, list):
        return st.one_of([_valid({**node, "type": one}, name, depth) for one in kind])
    if kind == "object":
        properties = node.get("properties", {})
        required = {key: from_schema(properties[key], key, depth + 1) for key in node.get("required", [])}
        optional = {key: from_schema(value, key, depth + 1) for key, value in properties.items() if key not in required}
        optional["x-note"] = TEXT
        return st.fixed_dictionaries(required, optional=optional)
    if kind == "array":
        items = from_schema(node.get("items", {}), name, depth + 1)
        least = max(node.get("minItems", 0), 1 if depth <= 1 else 0)  # the registers are never empty
        return st.lists(items, min_size=least, max_size=3 if depth < 3 else 1)
    if kind == "boolean":
        return st.booleans()
    if kind == "null":
        return st.none()
    if kind == "string":
        if node.get("format") == "date":
            return DATES
        if node.get("pattern") == "^[A-Z][0-9]{3}$":
            return st.sampled_from(["G001", "G301", "M012", "X701", "Z999"])
        return TEXT
    return TEXT


MANIFESTS = _valid({**schema(), "required": [*schema()["required"], "tools", "approvals", "assets"]}, "", 0)
"""The manifest schema, with the three registers always written (the schema makes them optional)."""


@st.composite
def manifest_texts(draw: Any, with_tool: bool = False) -> Any:
    """A generated manifest written as YAML, block or flow style, with or without unicode escapes.

    ``with_tool``: also a tool id to add an asset with, registered in the manifest when it has one.
    """
    data = draw(MANIFESTS)
    flow = draw(st.sampled_from([False, None]))
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=draw(st.booleans()), default_flow_style=flow,
                          width=draw(st.sampled_from([80, 4096])))
    if not with_tool:
        return text
    tools = data.get("tools") if isinstance(data, dict) and isinstance(data.get("tools"), list) else []
    known = [tool["id"] for tool in tools if isinstance(tool, dict) and isinstance(tool.get("id"), str)]
    return text, draw(st.sampled_from(known) if known else IDS)


def production(root: Path, manifest: str | bytes) -> Path:
    return write_project(root, {"genai-manifest.yaml": manifest, **FILES, "../outside.png": b"outside"})


def check(manifest: str | bytes) -> list[dict]:
    """``check --format json`` on a production holding ``manifest``: exit 0 or 1, every position inside the file."""
    with tempfile.TemporaryDirectory() as folder:
        root = production(Path(folder) / "prod", manifest)
        result = run_cli("check", str(root), "--format", "json", "--date", DATE)
        assert result.exit_code in (0, 1), result.stderr
        assert "Traceback" not in result.stderr + result.output
        findings = json.loads(result.output)["findings"]
        text = manifest if isinstance(manifest, str) else manifest.decode("utf-8", "replace")
        lines = len(LINE_BREAK.split(text))  # as the YAML parser counts them
        for finding in findings:
            assert 1 <= finding["line"] <= finding["end_line"] <= lines and finding["column"] >= 1, finding
        text_run = run_cli("check", str(root), "--format", "text", "--date", DATE)
        assert text_run.exit_code == result.exit_code and "internal error" not in text_run.stderr
        return findings


@SETTINGS
@given(text=manifest_texts())
def test_generated_manifests_never_crash_check(text: str) -> None:
    findings = check(text)
    event(f"check: {len({finding['code'] for finding in findings})} distinct codes")


@SETTINGS
@given(text=manifest_texts())
def test_hash_changes_only_sha256_values(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = production(Path(folder) / "prod", text)
        manifest = root / "genai-manifest.yaml"
        before = load(manifest)
        result = run_cli("hash", cwd=root)
        assert result.exit_code in (0, 2) and "internal error" not in result.stderr, result.stderr
        after_text = manifest.read_text(encoding="utf-8")
        event(f"hash: exit {result.exit_code}, {'changed' if after_text != text else 'unchanged'}")
        if result.exit_code == 2 or after_text == text:
            assert after_text == text
            return
        assert SHA_FIELD.sub("", after_text) == SHA_FIELD.sub("", text), (text, after_text)
        after = load(manifest)
        assert _without_sha(after.data) == _without_sha(before.data)
        for index, asset in enumerate(after.data["assets"]):
            old = before.data["assets"][index]
            if isinstance(asset, dict) and asset.get("sha256") != old.get("sha256"):
                assert asset["sha256"] in SHA.values()


@SETTINGS
@given(case=manifest_texts(with_tool=True))
def test_add_appends_one_asset_and_changes_nothing_else(case: tuple[str, str]) -> None:
    text, tool = case
    with tempfile.TemporaryDirectory() as folder:
        root = production(Path(folder) / "prod", text)
        manifest = root / "genai-manifest.yaml"
        before = load(manifest)
        result = run_cli("add", "new.png", "--tool", tool, "--media", "image", "--purpose", "concept",
                         "--created", DATE, cwd=root)
        assert result.exit_code in (0, 2) and "internal error" not in result.stderr, result.stderr
        after_text = manifest.read_text(encoding="utf-8")
        event(f"add: exit {result.exit_code}")
        if result.exit_code == 2:
            assert after_text == text and result.stderr.count("\n") == 1, result.stderr
            return
        old_lines = text.splitlines()
        for tag, old_start, old_end, _, _ in _opcodes(text, after_text):  # inserted lines, or an empty assets: filled
            assert tag == "insert" or all(EMPTY_ASSETS.fullmatch(line) for line in old_lines[old_start:old_end]), \
                (text, after_text)
        after = load(manifest).data
        old_assets = before.data.get("assets") if isinstance(before.data.get("assets"), list) else []
        assert after["assets"][:-1] == old_assets
        assert {key: value for key, value in after.items() if key != "assets"} == \
            {key: value for key, value in before.data.items() if key != "assets"}
        new = after["assets"][-1]
        assert (new["path"], new["sha256"], new["tool"], new["created"]) == ("new.png", SHA["new.png"], tool, DATE)


SNIPPETS = [b"&a ", b"*a", b"<<: ", b"!!python/object ", b"{", b"[", b"\t", b"\r", b"\xef\xbb\xbf", b"\xe2\x80\xae"]
"""Bytes that mean something to YAML or to a reader: anchors, aliases, merges, tags, flow, tabs, CR, BOM, RLO."""


@st.composite
def mutations(draw: Any) -> bytes:
    """CLEAN with a few random byte-level insertions, deletions and flips, maybe truncated."""
    data = bytearray(CLEAN.encode())
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data)))
        kind = draw(st.sampled_from(["insert", "delete", "flip", "replace-byte"]))
        if kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=4) | st.sampled_from(SNIPPETS))
        elif kind == "delete" and data:
            del data[at:at + draw(st.integers(1, 8))]
        elif data and at < len(data):
            data[at] = data[at] ^ (1 << draw(st.integers(0, 7))) if kind == "flip" else draw(st.integers(0, 255))
    if draw(st.booleans()):
        data = data[:draw(st.integers(0, len(data)))]
    return bytes(data)


@SETTINGS
@given(raw=mutations())
def test_mutated_manifests_never_crash(raw: bytes) -> None:
    findings = check(raw)
    event("mutation: " + ("M001" if any(finding["code"] == "M001" for finding in findings) else "loads"))
    with tempfile.TemporaryDirectory() as folder:
        root = production(Path(folder) / "prod", raw)
        for args in (("hash", "--check"), ("hash",)):
            result = run_cli(*args, cwd=root)
            assert result.exit_code in (0, 1, 2) and "internal error" not in result.stderr, result.stderr
            assert "Traceback" not in result.output + result.stderr
        if any(finding["code"] == "M001" for finding in findings):
            assert (root / "genai-manifest.yaml").read_bytes() == raw


EMPTY_ASSETS = re.compile(r"assets:[ \t]*(?:null|~|\[\])?[ \t]*")
SHA_FIELD = re.compile(r"""(?:\n[ \t]*(?:-[ \t]+)?|[,{][ \t]*)sha256:[ \t]*(?:"[^"\n]*"|'[^'\n]*'|[^\s,}\]]*)""")
"""A sha256 key and its one-line value, in block style (its own line) or flow style (after a comma or brace)."""


def _opcodes(old: str, new: str) -> list[tuple]:
    return [op for op in difflib.SequenceMatcher(None, old.splitlines(), new.splitlines(), autojunk=False)
            .get_opcodes() if op[0] != "equal"]


def _without_sha(data: Any) -> Any:
    if isinstance(data, dict) and isinstance(data.get("assets"), list):
        assets = [{key: value for key, value in asset.items() if key != "sha256"} if isinstance(asset, dict) else asset
                  for asset in data["assets"]]
        return {**data, "assets": assets}
    return data
