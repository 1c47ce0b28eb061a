"""Positions without the whole node tree: a loaded manifest keeps its tree down to the entries only, and an
entry (``('assets', 3)``, ``('production', 'crew')``) is composed again from its text alone when a finding
needs a position inside it (``loader.EntryStub``).

Every span, raw scalar and extent must be exactly the one the whole tree gives, on layouts YAML allows
that a cut at the entry could change: block scalars (kept trailing lines, indentation indicators),
flow collections over several lines, comments, CRLF, lone CR and Unicode line breaks, a byte-order
mark, tabs in strings, wide characters, explicit keys, tags, documents markers, entries of nested
top-level mappings. Each case is a real file, loaded both ways; the CLI gives the same findings
whether a manifest keeps its whole tree or not.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

import pytest
from conftest import ASSET_BYTES, CLEAN, run_cli, sibling, write_project

from genai_lint import project
from genai_lint.loader import ENTRIES_COMPOSED, EntryStub, LoadError, load, read_manifest_text

TRICKY = {
    "block-scalars": "assets:\n  - id: a1\n    prompt: |+\n      keep me\n\n\n  - id: a2\n    prompt: >-\n      folded\n"
                     "      text\n\n  # comment\n  - id: a3\n    prompt: |2\n        indented\n    notes: |\n      last\n"
                     "\n\ntools: []\n",
    "kept-lines-at-end": "assets:\n  - id: a1\n    prompt: |+\n      keep me\n\n\n",
    "kept-lines-no-final-break": "assets:\n  - id: a1\n    prompt: |+\n      keep me\n  ",
    "no-final-break": "assets:\n- id: a1\n  tools:\n  - x\n  - y",
    "flow": "assets: [{id: a1, tool: x}, {id: a2,\n  tool: y}]\ntools:\n  - {id: t1, name: 'T'}\n  - [1, 2,\n     3]\n",
    "flow-mapping": "production: {id: p, title: t, meta: {a: 1, b: [x, y]}}\n",
    "comments": "# top\nassets: # c\n  # before\n  - id: a1 # trailing\n    # inside\n    tool: x\n  # between\n\n"
                "  - id: a2\n    tool: y\n# end\n",
    "crlf": "assets:\r\n  - id: a1\r\n    prompt: |\r\n      line one\r\n      line two\r\n  - id: a2\r\n"
            "    tool: \"x\\ty\"\r\n",
    "lone-cr": "assets:\r  - id: a\r    x: y\r  - id: b\r",
    "unicode-breaks": "assets:\n  - id: a\u2028    x: y\n  - id: b\u2029    z: [1,\u2028 2]\n  - id: c\x85    w: v\n",
    "tabs-in-strings": "assets:\n  - id: a1\n    prompt: \"a\tb\"\n    other: 'c\td'\n    plain: e\tf\n  - id:\ta2\n    x: [1,\t2]\n",
    "wide-characters": "assets:\n  - id: \"\U0001F600a\"\n    prompt: \u00e9\u00e8 \U0001F600 text\n  - id: \"b\u2028c\"\n"
                       "  - id: \U0001F600\U0001F600\n    tool: [\U0001F600, b]\n",
    "nested-top-level-mappings": "production:\n  id: p1\n  meta:\n    owner: me\n    list:\n      - a\n      - b\n"
                                 "  dates:\n  - x\nassets:\n- id: a\n  inputs:\n  - source: s\n    use: u\n",
    "explicit-keys": "production:\n  ? meta\n  : a: 1\n  ? other\n  : - x\nassets:\n  - ? id\n    : a1\n",
    "document-markers": "%YAML 1.1\n---\nassets:\n  - id: a\n    x: y\n...\n",
    "nested-lists": "assets:\n- - a\n  - b\n- - c\n  -\n    - d\n",
    "empty-items": "assets:\n  -\n  - id: a\n  - \n    id: b\n",
    "anchors-without-aliases": "assets:\n  - &first\n    id: a\n    tool: &t x\n  - id: b\n",
    "deep-indent": "assets:\n        -   id: a\n            tool: x\n        -   id: b\n",
    "multi-line-scalars": "assets:\n  - id: a\n    prompt: this is\n      a multi line\n\n      plain\n"
                          "    quoted: \"this is\n      a multi \\\n      line\"\n    single: 'single\n\n      quoted'\n"
                          "  - id: b\n",
    "tags": "assets:\n  - !!map\n    id: !!str a\n    n: !!str 3\n  - ! {id: b}\n",
    "top-level-list": "- id: a\n  x: [1]\n- id: b\n",
    "comment-after-block-scalar": "assets:\n  - id: a\n    notes: |\n      text\n    # at the value's indent\n"
                                  "  # at the list's indent\n  - id: b\n",
    "duplicate-keys": "assets:\n  - id: a\n    tool: x\n    tool: y\n    z: [1]\n  - id: b\n    z: 2\n",
    "entry-with-everything": "assets:\n  - id: a\n    talent:\n      - name: x\n        consent: {signed: true}\n"
                             "      - name: y\n    tool:\n    - t1\n    - t2\n\n\n  - id: b\nextra: 1\n",
}


def paths(data: Any, path: tuple = ()) -> Iterator[tuple]:
    """Every path into ``data``, and under each mapping one key it does not have."""
    yield path
    if isinstance(data, dict):
        yield path + ("no-such-key",)
        for key, value in data.items():
            yield from paths(value, path + (key,))
    elif isinstance(data, list):
        yield path + (len(data),)
        for index, value in enumerate(data):
            yield from paths(value, path + (index,))


def marks(node: Any) -> tuple | None:
    if node is None:
        return None
    return tuple((mark.index, mark.line, mark.column) for mark in (node.start_mark, node.end_mark))


def both(tmp_path: Path, text: str | bytes) -> tuple[Any, Any]:
    """The manifest written to a real file, loaded keeping its whole tree and keeping its outline."""
    file = tmp_path / "genai-manifest.yaml"
    file.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    text = read_manifest_text(file)
    return load(file, text), load(file, text, keep_tree=True)


def assert_same_positions(outlined: Any, whole: Any) -> None:
    assert outlined.data == whole.data
    every = list(paths(whole.data))
    for path in every:
        for key in (False, True):
            assert outlined.span(path, key=key) == whole.span(path, key=key), (path, key)
        assert outlined.raw(path) == whole.raw(path), path
        assert outlined.extent(path) == whole.extent(path), path
        assert len(outlined.composed) <= ENTRIES_COMPOSED
    for path in every:  # last: a path above the entries composes the whole tree
        if len(path) >= 2:
            key_node, node, reached = outlined.node(path)
            whole_key, whole_node, whole_reached = whole.node(path)
            assert (marks(key_node), marks(node), reached) == (marks(whole_key), marks(whole_node), whole_reached), path
            assert getattr(node, "value", None) == getattr(whole_node, "value", None) or node.id != "scalar"


def entries(document: Any) -> list[EntryStub]:
    root = document.root
    children = [value for _, value in root.value] if root.id == "mapping" else root.value
    return [item for child in children if child.id != "scalar"
            for item in (child.value if child.id == "sequence" else [value for _, value in child.value])
            if isinstance(item, EntryStub)]


@pytest.mark.parametrize("name", sorted(TRICKY))
def test_an_entry_composed_alone_has_the_positions_of_the_whole_tree(tmp_path: Path, name: str) -> None:
    outlined, whole = both(tmp_path, TRICKY[name])
    assert outlined.outlined and not whole.outlined
    assert entries(outlined), "the case has entries left out of the tree"
    assert_same_positions(outlined, whole)


def test_a_byte_order_mark_keeps_positions(tmp_path: Path) -> None:
    outlined, whole = both(tmp_path, b"\xef\xbb\xbfassets:\n  - id: a\n    x: [1, 2]\n  - id: b\n")
    assert outlined.outlined and entries(outlined)
    assert_same_positions(outlined, whole)


def test_the_example_production_keeps_every_position(tmp_path: Path) -> None:
    loaded = 0
    for manifest in sorted((Path(__file__).resolve().parents[1] / "examples").rglob("*.yaml")):
        try:
            outlined, whole = both(tmp_path, manifest.read_bytes())
        except LoadError:  # the examples that show M001
            continue
        assert_same_positions(outlined, whole)
        loaded += 1
    assert loaded >= 5


@pytest.mark.parametrize("text", ["defaults: &d {tool: x}\nassets:\n  - <<: *d\n    id: a\n  - id: b\n    t: *d\n",
                                  "assets:\n  - <<: {tool: x, z: [1]}\n    id: a\n  - id: b\n    z: [2]\n"])
def test_a_document_with_aliases_or_merges_keeps_its_whole_tree(tmp_path: Path, text: str) -> None:
    outlined, whole = both(tmp_path, text)
    assert not outlined.outlined  # an alias may point outside the entry, and merged keys are not the text's
    assert_same_positions(outlined, whole)


def test_an_entry_that_does_not_compose_alone_falls_back_to_the_whole_tree(tmp_path: Path) -> None:
    text = "%TAG !e! tag:yaml.org,2002:\n---\nassets:\n  - !e!map {id: a}\n  - id: b\n"
    outlined, whole = both(tmp_path, text)  # the tag handle is declared above the entry, not in it
    assert outlined.outlined
    assert outlined.span(("assets", 0, "id")) == whole.span(("assets", 0, "id"))
    assert not outlined.outlined  # the whole tree replaced the outline
    assert_same_positions(outlined, whole)


def test_a_second_document_is_still_refused(tmp_path: Path) -> None:
    file = tmp_path / "genai-manifest.yaml"
    file.write_text("assets:\n  - id: a\n---\nassets: []\n", encoding="utf-8")
    with pytest.raises(LoadError, match="single document"):
        load(file)


def test_the_kept_tree_does_not_grow_with_the_entries(tmp_path: Path) -> None:
    """Nodes kept after loading: the top of the tree and one stub per entry, however long the entries are."""
    def kept_nodes(text: str) -> int:
        file = tmp_path / "genai-manifest.yaml"
        file.write_text(text, encoding="utf-8")
        document = load(file)
        count, stack = 0, [document.root]
        while stack:
            node = stack.pop()
            count += 1
            if isinstance(node, EntryStub) or node.id == "scalar":
                continue
            stack.extend(part for pair in node.value for part in pair) if node.id == "mapping" else stack.extend(node.value)
        return count

    short = "assets:\n" + "".join(f"  - id: A-{n}\n" for n in range(200))
    long = "assets:\n" + "".join(f"  - id: A-{n}\n    inputs:\n" + "      - {source: s, use: u}\n" * 20 for n in range(200))
    assert kept_nodes(short) == kept_nodes(long) == 1 + 2 + 200


def production_with_layouts(root: Path) -> Path:
    """Two manifests asked for, with findings in entries written in unusual layouts, and a sibling."""
    odd = CLEAN.replace("  - id: A-1\n", "  # the first asset\n  - id: A-1\n    notes: |+\n      kept\n\n") + (
        "  - {id: A-2, path: a.png, tool: nope, media: image,\n     purpose: concept, deliverable: true}\n"
        "  -\n    id: A-3\n    path: a.png\n    tool: ent\n    media: video\n    prompt: \"tab\there: \\u00e9\"\n")
    return write_project(root, {
        "art/genai-manifest.yaml": odd.replace("\n", "\r\n"),
        "sound/genai-manifest.yaml": sibling(asset="A-3"),
        "a.png": ASSET_BYTES,
    })


def test_check_finds_the_same_with_or_without_whole_trees(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = production_with_layouts(tmp_path / "prod")
    args = ("check", str(root), "--format", "json", "--date", "2026-06-01")
    whole = run_cli(*args)
    monkeypatch.setattr(project, "WHOLE_TREES", 0)  # no manifest keeps its whole tree
    outlined = run_cli(*args)
    assert whole.exit_code == outlined.exit_code == 1, whole.stderr + outlined.stderr
    assert outlined.output == whole.output
    findings = json.loads(outlined.output)["findings"]
    assert {finding["code"] for finding in findings} >= {"M004", "M005"}
    assert all(finding["line"] > 1 for finding in findings if finding["code"] in ("M004", "M005"))


def test_a_duplicate_in_a_sibling_names_its_line(tmp_path: Path) -> None:
    """The sibling is not asked for: it keeps no tree at all, yet the message gives the line of its id."""
    root = production_with_layouts(tmp_path / "prod")
    result = run_cli("check", str(root / "sound" / "genai-manifest.yaml"), "--format", "json", "--date", "2026-06-01")
    duplicate = [finding for finding in result.findings if finding["code"] == "M004"]
    assert len(duplicate) == 1 and "art/genai-manifest.yaml (line 38)" in duplicate[0]["message"], result.findings
