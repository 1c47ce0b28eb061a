"""Reloading an edited manifest one entry at a time gives what loading it whole gives.

:func:`~genai_lint.loader.load_edited` reuses the earlier document's other entries; random edits
(keystrokes inside a value, deletions across entries, new lines, YAML-breaking characters, anchors,
duplicate keys, hidden characters) are applied one after another, and after each the document must
equal a fresh :func:`~genai_lint.loader.load` of the same text: the data, the duplicate keys, the
hidden characters and the position of every node. That the one-entry path is taken at all is the
second test's assertion (hypothesis's statistics show how often the random edits take it).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from genai_lint import loader
from genai_lint.loader import LoadError, load, load_edited
from tests.conftest import EXAMPLES

sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))  # as the loader does, so hypothesis need not warn

MANIFEST = EXAMPLES / "violations" / "art" / "genai-manifest.yaml"
PIECES = ["x", " ", "\n", ": ", "- ", "  - id: NEW\n    tool: t\n", '"', "#", "&a ", "*a", "\u202e", "\t", "---\n",
          "    media: video\n", "    notes: |\n      a block\n", "[", "{", "]", "? ", "!!binary ", "<<: {a: 1}\n    "]


def shape(node: Any) -> list[tuple]:
    """Every node of the tree in order: kind, tag, scalar text, start and end line and column."""
    found, stack = [], [node] if node is not None else []
    while stack:
        node = stack.pop()
        found.append((node.id, node.tag, node.value if node.id == "scalar" else None,
                      node.start_mark.line, node.start_mark.column, node.end_mark.line, node.end_mark.column))
        if node.id == "mapping":
            for key, value in reversed(node.value):
                stack += [value, key]
        elif node.id == "sequence":
            stack += reversed(node.value)
    return found


def loaded(text: str) -> Any:
    try:
        return load(Path("m.yaml"), text, keep_tree=True)
    except LoadError as error:
        return error


edit = st.tuples(st.floats(0, 1), st.sampled_from(["insert", "delete", "delete-long"]), st.sampled_from(PIECES),
                 st.integers(1, 80))


@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(edit, min_size=5, max_size=25))
def test_reloading_the_edited_entry_equals_loading_the_whole_text(edits: list) -> None:
    text = MANIFEST.read_text(encoding="utf-8")
    document = load(Path("m.yaml"), text, keep_tree=True)
    reused = 0
    for where, kind, piece, length in edits:
        at = int(where * len(text))
        if kind == "insert":
            edited = text[:at] + piece + text[at:]
        else:
            edited = text[:at] + text[at + (length if kind == "delete-long" else min(length, 3)):]
        whole = loaded(edited)
        reused += loader._reload_entry(Path("m.yaml"), edited, document) is not None
        try:
            again = load_edited(Path("m.yaml"), edited, document)
        except LoadError as error:
            again = error
        if isinstance(whole, LoadError):
            assert isinstance(again, LoadError) and (again.message, again.span) == (whole.message, whole.span)
            continue  # the editor keeps the last text that loaded as the base of the next edit
        assert not isinstance(again, LoadError), again.message
        assert again.data == whole.data
        assert sorted(map(repr, again.duplicates)) == sorted(map(repr, whole.duplicates))
        assert again.hidden == whole.hidden
        assert shape(again.root) == shape(whole.root)
        text, document = edited, again
    event(f"entries reloaded alone: {'5 or more' if reused >= 5 else reused}")


def test_a_keystroke_inside_an_asset_reloads_that_asset_alone() -> None:
    text = MANIFEST.read_text(encoding="utf-8")
    document = load(Path("m.yaml"), text, keep_tree=True)
    at = text.index("purpose: concept") + len("purpose: con")
    edited = text[:at] + "x" + text[at:]
    again = loader._reload_entry(Path("m.yaml"), edited, document)
    assert again is not None
    index = next(i for i, asset in enumerate(again.data["assets"]) if asset.get("purpose") == "conxcept")
    shared = [i for i, asset in enumerate(again.data["assets"]) if asset is document.data["assets"][i]]
    assert shared == [i for i in range(len(again.data["assets"])) if i != index], "every other asset is reused"
    assert again.data["tools"] is document.data["tools"]


def test_an_edit_the_whole_load_refuses_is_refused_alike() -> None:
    """A tag the constructor refuses (``!!binary``) inside one asset is the whole load's error, not a crash."""
    text = MANIFEST.read_text(encoding="utf-8")
    document = load(Path("m.yaml"), text, keep_tree=True)
    at = text.index("purpose: concept") + len("purpose: ")
    edited = text[:at] + "!!binary " + text[at:]
    assert loader._reload_entry(Path("m.yaml"), edited, document) is None
    whole = loaded(edited)
    assert isinstance(whole, LoadError) and "!!binary" in whole.message
    try:
        load_edited(Path("m.yaml"), edited, document)
    except LoadError as error:
        assert (error.message, error.span) == (whole.message, whole.span)
    else:
        raise AssertionError("the edited text loaded")
