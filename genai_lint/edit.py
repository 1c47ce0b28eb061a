"""Byte-preserving edits of a manifest: new text is spliced in at the loader's positions.

A manifest is a reviewed document: its comments, key order, quoting and indentation are the
team's. So genai-lint never re-dumps one. :class:`Editor` takes the exact positions the loader
keeps for every node and replaces a value's characters, inserts a key line after another,
or appends an item to a block list; every other byte stays as it was, including a byte-order
mark, CRLF line breaks and the presence or absence of a final newline.

Before anything is written the edited text is loaded again and its data compared with the
data the edit meant to produce (:meth:`Editor.verify`); any difference (an anchor shared with
another entry, a layout this module did not foresee) refuses the edit instead of writing it.
"""

from __future__ import annotations

import codecs
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from genai_lint.loader import MERGE, NULL, STR, Document, LoadError, decode, load, read_manifest_bytes, resolve_plain

_BOM_CODECS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF8, "utf-8"),
               (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_PROPERTIES = re.compile(r"(?:[&!][^\s,\[\]{}]*\s+)*")
"""Anchors (``&name``) and tags (``!!str``) in front of a scalar: the loader's span includes them."""
_PLAIN = re.compile(r"[A-Za-z0-9_./][A-Za-z0-9_./@+=-]*(?: [A-Za-z0-9_./@+=-]+)*")
DEFAULT_LAYOUT = (2, 2)
"""(dash offset from the list's key, key offset from the dash) of a new block list: ``  - id: ...``."""


class EditError(Exception):
    """The edit cannot be made safely; nothing is written."""


@dataclass
class Source:
    """A manifest's bytes, and how to turn edited text back into bytes of the same encoding."""

    path: Path
    raw: bytes
    text: str
    bom: bytes = b""
    codec: str = "utf-8"
    lead: str = ""
    """Extra U+FEFF characters before the text, which the loader skips."""

    @classmethod
    def read(cls, path: Path) -> Source:
        """Read ``path``; raises :class:`~genai_lint.loader.LoadError` as loading it would."""
        raw = read_manifest_bytes(path)
        text = decode(raw)
        bom, codec = next(((mark, name) for mark, name in _BOM_CODECS if raw.startswith(mark)), (b"", "utf-8"))
        body = raw[len(bom):].decode(codec)
        lead = body[: len(body) - len(text)]
        if body[len(lead):] != text or lead.strip("\ufeff"):
            raise EditError("cannot work out the file's encoding to write it back unchanged")
        return cls(path, raw, text, bom, codec, lead)

    def encode(self, text: str) -> bytes:
        return self.bom + (self.lead + text).encode(self.codec)

    def load(self) -> Document:
        return load(self.path, self.text, keep_tree=True)


class Editor:
    """Collects splices into one source text; :meth:`verify` applies and checks them."""

    def __init__(self, source: Source, document: Document | None = None):
        self.source = source
        self.text = source.text
        self.document = document if document is not None else source.load()
        self.splices: list[tuple[int, int, str]] = []
        self.newline = "\r\n" if self.text.count("\r\n") * 2 > self.text.count("\n") else "\n"

    # Edits -------------------------------------------------------------------------------------

    def has_own_key(self, path: tuple, key: str) -> bool:
        """Whether the mapping at ``path`` writes ``key`` itself (not only through a ``<<`` merge)."""
        _, mapping, reached = self.document.node(path)
        return reached == len(path) and mapping is not None and mapping.id == "mapping" \
            and _own_pair(mapping, key) is not None

    def set_scalar(self, path: tuple, value: str, style: str = '"') -> None:
        """Replace the scalar at ``path`` with the text ``value``.

        A quoted value keeps its quotes, a plain text value stays plain when ``value`` may be
        written plain; an empty or null value is written in ``style``.
        """
        key_node, node, reached = self.document.node(path)
        if reached != len(path) or node is None or node.id != "scalar":
            raise EditError("the value is not a single scalar")
        if key_node is not None and node.start_mark.index < key_node.end_mark.index:
            raise EditError("the value is an alias (*name); edit the anchored value instead")
        if node.style in ("|", ">"):
            raise EditError("the value is a block scalar (| or >)")
        start, end = node.start_mark.index, node.end_mark.index
        start = _PROPERTIES.match(self.text, start, end).end() if start < end else start
        if node.style in ("'", '"'):
            style = node.style
        elif node.tag == STR and node.value:
            style = "plain"
        rendered = render(value, style)
        if start == end:  # an empty value: `key:` with nothing after the colon
            rendered = " " + rendered
        self.splices.append((start, end, rendered))

    def insert_key(self, path: tuple, after: str, key: str, rendered: str) -> None:
        """Add ``key: rendered`` to the mapping at ``path``, right after its own key ``after``."""
        _, mapping, reached = self.document.node(path)
        if reached != len(path) or mapping is None or mapping.id != "mapping":
            raise EditError("the entry is not a mapping")
        pair = _own_pair(mapping, after)
        if pair is None:
            raise EditError(f"the entry has no own '{after}:' key to put '{key}:' after")
        key_node, value_node = pair
        if mapping.flow_style:
            at = self._value_end(key_node, value_node)
            self.splices.append((at, at, f", {key}: {rendered}"))
            return
        at, newline, open_end = self._line_after(self._value_end(key_node, value_node))
        line = " " * key_node.start_mark.column + f"{key}: {rendered}"
        self.splices.append((at, at, newline + line if open_end else line + newline))

    def append_item(self, key: str, fields: list[tuple[str, str]]) -> None:
        """Append a mapping of ``fields`` (name, rendered value) to the block list under top-level ``key``.

        A missing key is added at the end of the file; ``key: []`` or an empty ``key:`` becomes
        a block list. The new item copies the indentation of the list's existing items.
        """
        root = self.document.root
        if root is None or root.id != "mapping":
            raise EditError("the manifest is not a mapping of keys")
        if root.flow_style:
            raise EditError("the manifest is written in flow style ({...}); cannot append to it")
        pair = _own_pair(root, key)
        if pair is None:
            column = root.value[0][0].start_mark.column if root.value else 0
            dash, offset = self._layout()
            text, newline = self.text, self.newline
            gap = "" if text.endswith(newline * 2) else newline if text.endswith("\n") else newline * 2  # a blank line
            block = gap + " " * column + f"{key}:" + newline + _item(fields, column + dash, offset, newline)
            self.splices.append((len(text), len(text), block))
            return
        key_node, node = pair
        if node.start_mark.index < key_node.end_mark.index:
            raise EditError(f"'{key}:' is an alias (*name); cannot append to it")
        if node.id == "sequence" and not node.flow_style:
            dash_column = node.start_mark.column
            last = node.value[-1]
            offset = last.start_mark.column - dash_column if last.id == "mapping" and not last.flow_style else 2
            at, newline, open_end = self._line_after(self._content_end(node))
        elif (node.id == "sequence" and not node.value) or (node.id == "scalar" and node.tag == NULL):
            start, end = node.start_mark.index, node.end_mark.index
            while start > key_node.end_mark.index and self.text[start - 1] in " \t":
                start -= 1
            if start < end:
                self.splices.append((start, end, ""))
            dash, offset = self._layout()
            dash_column = key_node.start_mark.column + dash
            at, newline, open_end = self._line_after(max(key_node.end_mark.index, end))
        elif node.id == "sequence":
            raise EditError(f"'{key}:' is a flow-style list ([...]); write it as a block list (- ...) to append to it")
        else:
            raise EditError(f"'{key}:' is not a list")
        item = _item(fields, dash_column, max(offset, 2), newline)
        self.splices.append((at, at, newline + item.removesuffix(newline) if open_end else item))

    def add_to_list(self, path: tuple, key: str, rendered: str) -> None:
        """Add the item ``rendered`` to the list under ``key`` of the mapping at ``path``; a missing key becomes
        ``key: [rendered]`` after the mapping's last own key. Block and flow lists keep their style."""
        _, mapping, reached = self.document.node(path)
        if reached != len(path) or mapping is None or mapping.id != "mapping" or not mapping.value:
            raise EditError("the entry is not a mapping")
        pair = _own_pair(mapping, key)
        if pair is None:
            last_key = mapping.value[-1][0]
            if last_key.tag == MERGE or last_key.id != "scalar":
                raise EditError("the entry ends with a merge (<<); add the key by hand")
            self.insert_key(path, last_key.value, key, f"[{rendered}]")
            return
        key_node, node = pair
        if node.id != "sequence" or node.start_mark.index < key_node.end_mark.index:
            raise EditError(f"'{key}:' is not a list of its own")
        if node.flow_style:
            close = node.end_mark.index - 1
            self.splices.append((close, close, f", {rendered}" if node.value else rendered))
            return
        at, newline, open_end = self._line_after(self._content_end(node))
        line = " " * node.start_mark.column + f"- {rendered}"
        self.splices.append((at, at, newline + line if open_end else line + newline))

    # Result ------------------------------------------------------------------------------------

    def result(self) -> str:
        text = self.text
        previous = len(text) + 1
        for start, end, replacement in sorted(self.splices, key=lambda splice: splice[0], reverse=True):
            if end > previous:
                raise EditError("overlapping edits")
            text = text[:start] + replacement + text[end:]
            previous = start
        return text

    def verify(self, expected: Any) -> tuple[str, Document]:
        """The edited text and its document, after checking it loads to exactly ``expected``."""
        text = self.result()
        try:
            document = load(self.source.path, text)
        except LoadError as exc:
            raise EditError(f"the edited manifest would not load ({exc.message}); nothing written") from None
        if not same(document.data, expected):
            raise EditError("the edited manifest would not hold the intended data (an anchor or an unusual "
                            "layout?); nothing written")
        if len(document.duplicates) != len(self.document.duplicates):
            raise EditError("the edit would add a duplicate key; nothing written")
        return text, document

    # Positions ---------------------------------------------------------------------------------

    def _line_after(self, index: int) -> tuple[int, str, bool]:
        """Where the line holding ``index`` ends (after its break), that break, and whether the file ends unbroken."""
        text = self.text
        if index > 0 and text[index - 1] == "\n":
            return index, "\r\n" if text[index - 2:index] == "\r\n" else "\n", False
        found = text.find("\n", index)
        if found < 0:
            return len(text), self.newline, True
        return found + 1, "\r\n" if found > 0 and text[found - 1] == "\r" else "\n", False

    def _value_end(self, key_node: Any, value_node: Any) -> int:
        if value_node.start_mark.index < key_node.end_mark.index:  # an alias: the line of its key
            return key_node.end_mark.index
        return self._content_end(value_node)

    def _content_end(self, node: Any) -> int:
        """Where the last character of ``node``'s content is (block collections end at the next token)."""
        if node.id == "scalar" or node.flow_style:
            return node.end_mark.index
        if node.id == "sequence":
            items = node.value
            if any(later.start_mark.index <= earlier.start_mark.index for earlier, later in zip(items, items[1:])) \
                    or items[0].start_mark.index < node.start_mark.index:
                raise EditError("the list ends with an alias (*name); cannot tell where it ends")
            return self._content_end(items[-1])
        key_node, value_node = node.value[-1]
        return self._value_end(key_node, value_node)

    def _layout(self) -> tuple[int, int]:
        """The (dash, key) offsets of the manifest's existing block lists of mappings, for a new list."""
        root = self.document.root
        for key_node, node in root.value if root is not None and root.id == "mapping" else ():
            if node.id == "sequence" and not node.flow_style and node.start_mark.index > key_node.end_mark.index:
                first = node.value[0]
                if first.id == "mapping" and not first.flow_style:
                    return (node.start_mark.column - key_node.start_mark.column,
                            max(first.start_mark.column - node.start_mark.column, 2))
        return DEFAULT_LAYOUT


def _own_pair(mapping: Any, name: str) -> tuple[Any, Any] | None:
    """The mapping's own (not merged-in) key and value nodes for ``name``."""
    for key_node, value_node in mapping.value:
        if key_node.id == "scalar" and key_node.tag != MERGE and key_node.value == name:
            return key_node, value_node
    return None


def _item(fields: list[tuple[str, str]], dash_column: int, offset: int, newline: str) -> str:
    lines = []
    for index, (name, rendered) in enumerate(fields):
        lead = " " * dash_column + "-" + " " * (offset - 1) if index == 0 else " " * (dash_column + offset)
        lines.append(f"{lead}{name}: {rendered}")
    return newline.join(lines) + newline


# Scalars ---------------------------------------------------------------------------------------


def render(value: str, style: str = '"') -> str:
    """``value`` as a YAML scalar in ``style`` (``plain``, ``'`` or ``"``), falling back to double quotes."""
    if style == "plain" and plain_ok(value):
        return value
    if style == "'" and value.isprintable():
        return "'" + value.replace("'", "''") + "'"
    return double_quoted(value)


def plain_ok(value: str) -> bool:
    """Whether ``value`` reads back as the same text when written without quotes (conservatively)."""
    return bool(_PLAIN.fullmatch(value)) and resolve_plain(value) == STR


def double_quoted(value: str) -> str:
    """A double-quoted YAML scalar; characters a reviewer could not see are escaped."""
    quoted = json.dumps(value, ensure_ascii=False)
    return "".join(char if char.isprintable() or char == " " else _escape(char) for char in quoted)


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def same(left: Any, right: Any) -> bool:
    """Deep equality that tells ``True`` from ``1`` and takes a NaN to equal a NaN."""
    if type(left) is not type(right):
        return False
    if isinstance(left, dict):
        return left.keys() == right.keys() and all(same(left[key], right[key]) for key in left)
    if isinstance(left, list):
        return len(left) == len(right) and all(same(a, b) for a, b in zip(left, right))
    if isinstance(left, float) and math.isnan(left):
        return math.isnan(right)
    return left == right
