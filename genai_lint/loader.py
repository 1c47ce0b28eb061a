"""The one place YAML is read: data plus the node tree that knows every position.

libyaml (through PyYAML's C parser) scans, parses and composes the node tree; the data is then
built from the nodes by a small constructor of our own, so that

* scalars are typed by the YAML 1.2 core schema (``yes``/``on`` stay text, and unquoted dates
  stay their ISO text instead of becoming ``date`` objects);
* a duplicate key is recorded (M003) and the first value kept, never last-one-wins;
* aliases are shared, and a document whose aliases or merge keys expand past one budget of nodes
  and characters is rejected (M001), merges before they are copied;
* tags that would build objects (``!!python/object``...) are rejected, never constructed;
* positions stay outside the data, and the node tree is not kept whole: once the data is built,
  every collection two levels down (an asset, a tool, an approval...) is replaced by an
  :class:`EntryStub` that knows where its text is, and is composed again from the kept text, alone,
  when a position inside it is asked for (:meth:`Document.span`). A document with aliases keeps
  its whole tree, as an entry's text may then not compose alone.
"""

from __future__ import annotations

import bisect
import codecs
import os
import re
import stat
import sys
from array import array
from collections import namedtuple
from pathlib import Path

from genai_lint.findings import Span

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at every start-up
if TYPE_CHECKING:
    from typing import Any

MAX_MANIFEST_BYTES = 128 * 1024 * 1024
"""Larger manifests are refused: a YAML load needs about 40 bytes of memory per byte of text."""

EXPANSION_ALLOWANCE = 1_000_000
"""Expansion budget beyond twice the text's own size, in units of one node or one character.

Aliases and merge keys (``<<``) may make the data bigger than the text; every node counts 1 and
every scalar and key also its length, so a 1 MB string aliased 20,000 times is over budget as
surely as a billion-laughs tree or a 20,000 x 20,000 merge."""

YAML_TAG = "tag:yaml.org,2002:"
STR, INT, FLOAT, BOOL, NULL = (YAML_TAG + t for t in ("str", "int", "float", "bool", "null"))
SEQ, MAP, MERGE, TIMESTAMP = YAML_TAG + "seq", YAML_TAG + "map", YAML_TAG + "merge", YAML_TAG + "timestamp"

_NULL_RE = re.compile(r"~|null|Null|NULL")
_BOOL_RE = re.compile(r"true|True|TRUE|false|False|FALSE")
_INT_RE = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT_RE = re.compile(
    r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
)
_MAYBE_TYPED = frozenset("~nNtTfF0123456789+-.")
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


class LoadError(Exception):
    """The file cannot be turned into data (M001). ``span`` is where the problem is; ``fix``, what to type."""

    def __init__(self, message: str, span: Span, fix: str | None = None):
        super().__init__(message)
        self.message = message
        self.span = span
        self.fix = fix

    def detached(self) -> LoadError:
        """This error without its traceback and cause, to keep: their frames hold the file's bytes, and
        70,000 undecodable files would otherwise stay in memory until the run ends."""
        self.__traceback__ = self.__context__ = self.__cause__ = None
        return self


class DuplicateKey(namedtuple("DuplicateKey", "key path first second")):
    """A mapping ``key`` written twice (at the :class:`Span` ``first`` and ``second``); the first value
    is kept. ``path`` is the mapping's data path, down to the entry level (``('assets', 3)`` for any
    key inside asset 3)."""

    __slots__ = ()


class EntryStub:
    """A collection two levels down (``('assets', 37)``, ``('production', 'crew')``) left out of the kept tree.

    It keeps the marks of the node it replaces; the entry is composed again from its text alone
    when a position inside it is asked for (:func:`compose_entry`): a few hundred bytes kept where
    the tree holds about 17 KB per asset.
    """

    __slots__ = ("id", "tag", "start_mark", "end_mark", "keys")

    def __init__(self, node: Any):
        self.id, self.tag, self.start_mark, self.end_mark = node.id, node.tag, node.start_mark, node.end_mark
        self.keys: array | None = None
        """Where each key of the entry starts in the text, for a block mapping: a field can then be composed
        alone, from its key to the next (see :meth:`Document._field`)."""


ENTRIES_COMPOSED = 8
"""Entries a document keeps composed at once (the rules ask for the positions of one asset after another)."""


class Document:
    """A loaded manifest: plain data, its text, and the node tree down to its entries for positions.

    ``root`` is the node tree: whole, or with its entries left out as :class:`EntryStub` (``outlined``),
    or ``None`` until composed, for data that came from a cache. ``hidden`` lists the invisible
    characters (bidirectional controls, zero-width) and where they are written; ``source`` is the text
    the data was read from (entries, and for data from a cache the tree, are composed from it);
    ``keys``, per large mapping node looked up, maps key text to (key node, value node), built once
    (no re-scan per finding); ``composed`` holds the entries (or fields of an entry) composed last,
    newest last, at most :data:`ENTRIES_COMPOSED`, each a :data:`Piece`; ``aliased``, whether aliases or
    merge keys share nodes (then no entry can be loaded again alone: :func:`load_edited`).
    """

    def __init__(self, path: Path, data: Any, root: Any, duplicates: list[DuplicateKey] | None = None,
                 hidden: list[tuple[Span, str]] | None = None, source: str | None = None):
        self.path = path
        self.data = data
        self.root = root
        self.duplicates: list[DuplicateKey] = [] if duplicates is None else duplicates
        self.hidden: list[tuple[Span, str]] = [] if hidden is None else hidden
        self.source = source
        self.keys: dict[int, dict] = {}
        self.outlined = False
        self.composed: dict[Any, list] = {}
        self._odd_breaks: bool | None = None
        self.aliased = False

    def tree(self) -> Any:
        """The whole node tree (composed from the text when it was left outlined): for an edit or a search."""
        if (self.root is None or self.outlined) and self.source is not None:
            self._replace_root(_compose(self.source), outlined=False)
        return self.root

    def node(self, path: tuple) -> tuple[Any, Any, int]:
        """The deepest (key node, value node) reachable along ``path``, and how many steps it took."""
        key_node, key_within, node, within, reached = self._walk(path)
        if isinstance(node, EntryStub):
            within = self._composed(node)
            if within is None:  # the whole tree replaced the outline
                return self.node(path)
            node = within[0]
        elif self.outlined and reached < 2 and node is not None and node.id != "scalar":
            self.tree()  # a collection above the entries holds stubs: only the whole tree has all its nodes
            return self.node(path)
        for piece in (key_within, within):  # the nodes get the positions they have in the whole text
            if piece is not None and not piece[1]:
                _shift(piece[0], piece[2], piece[3], type(piece[0].start_mark))
                piece[1] = True
        return key_node, node, reached

    def _walk(self, path: tuple) -> tuple[Any, list | None, Any, list | None, int]:
        """Like :meth:`node`, but the last node reached may be an :class:`EntryStub`, and nodes may be those of
        a piece composed alone, with positions relative to its first line: each node is followed by that
        :data:`Piece`, or ``None`` when its positions are the whole text's (see :func:`_span`)."""
        if self.root is None and self.source is not None:
            loaded = load(self.path, self.source)
            self._replace_root(loaded.root, loaded.outlined)
        key_node, node, index = None, self.root, self.keys
        key_within = within = None
        for depth, step in enumerate(path):
            if isinstance(node, EntryStub):
                piece = self._field(node, path[:depth], step) if node.keys is not None else None
                piece = piece or self._composed(node)
                if piece is None:  # its text did not compose alone: the whole tree replaced the outline
                    return self._walk(path)
                within = None if piece[1] else piece
                node, index = piece[0], None  # an entry's mappings are small: no index
            child = _child(node, step, index)
            if child is None:
                return key_node, key_within, node, within, depth
            (key_node, node), key_within = child, within
        return key_node, key_within, node, within, len(path)

    def _composed(self, stub: EntryStub) -> list | None:
        """The whole entry composed alone; ``None`` when it does not compose alone as it does in the whole text
        (the whole tree is then composed and kept instead)."""
        piece = self._cached(stub)
        if piece is None:
            root = compose_entry(self.source, stub) if self.source is not None else None
            if root is None:
                self.tree()
                return None
            start = stub.start_mark
            piece = self._cache(stub, [root, False, start.line, start.index - start.column])
        return piece

    def _field(self, stub: EntryStub, path: tuple, name: Any) -> list | None:
        """The entry's field ``name`` alone (a mapping of that one key), composed from its key to the next key;
        ``None`` when it cannot be (the whole entry is composed instead)."""
        data = self.data
        try:
            data = data[path[0]][path[1]]
        except (LookupError, TypeError):
            return None
        keys = stub.keys
        if not isinstance(data, dict) or len(data) != len(keys) or name not in data:
            return None  # a key written twice: the data's keys are not the text's
        position = list(data).index(name)
        piece = self._cached((stub, position))
        if piece is not None:
            return piece
        text = self.source
        if self._odd_breaks is None:
            self._odd_breaks = _has_odd_breaks(text)
        if self._odd_breaks:  # lines are counted below by "\n" alone
            return None
        start = keys[position]
        end = keys[position + 1] if position + 1 < len(keys) else stub.end_mark.index
        line_start = text.rfind("\n", 0, start) + 1
        column = start - line_start
        written = " " * column + text[start:end]
        try:
            root = _compose(written)
        except LoadError:
            return None
        if root is None or root.id != "mapping" or len(root.value) != 1 or root.end_mark.index != len(written):
            return None
        key = root.value[0][0]
        if key.id != "scalar" or key.value != name or key.start_mark.index != column:
            return None
        line = stub.start_mark.line + text.count("\n", stub.start_mark.index, start)
        return self._cache((stub, position), [root, False, line, line_start])

    def _cached(self, key: Any) -> list | None:
        piece = self.composed.pop(key, None)
        if piece is not None:
            self.composed[key] = piece  # the newest again
        return piece

    def _cache(self, key: Any, piece: list) -> list:
        if len(self.composed) >= ENTRIES_COMPOSED:
            del self.composed[next(iter(self.composed))]
        self.composed[key] = piece
        return piece

    def _replace_root(self, root: Any, outlined: bool) -> None:
        self.root, self.outlined = root, outlined
        self.keys.clear()  # keyed by id(): the nodes they name are gone
        self.composed.clear()

    def span(self, path: tuple, key: bool = False) -> Span:
        """Where ``path`` is written. ``key=True`` points at the mapping key rather than its value.

        A path that does not exist points at the nearest existing ancestor: its key if it has
        one, else the first key of the mapping (a missing field is reported at its entry).
        """
        key_node, key_within, node, within, reached = self._walk(path)
        if node is None:
            return Span(1, 1, 1, 1)
        if reached == len(path) and key and key_node is not None:
            return _span(key_node, key_within)
        if reached < len(path) and _is_mapping(node) and node.value:
            return _span(node.value[0][0], within)
        if _is_mapping(node) or _is_sequence(node):
            if key_node is not None:
                return _span(key_node, key_within)
            span = _span(node, within)
            return Span(span.line, span.column, span.line, span.column + 1)
        return _span(node, within)

    def extent(self, path: tuple) -> Span:
        """Where the node at ``path`` (or its nearest existing ancestor) starts and ends, without composing it."""
        _, _, node, within, _ = self._walk(path)
        return _span(node, within) if node is not None else Span(1, 1, 1, 1)

    def raw(self, path: tuple) -> str | None:
        """The source text of the scalar at ``path``, as written (before typing)."""
        _, _, node, _, reached = self._walk(path)
        if reached == len(path) and node is not None and _is_scalar(node):
            return node.value
        return None


Piece = list
"""An entry, or one field of an entry, composed alone: [node tree, whether its positions were moved to the
whole text's yet, line and offset of the start of its first line in the whole text]. A span is worked out
without moving every node of the piece (:func:`_span`); :meth:`Document.node` moves them all."""


def _span(node: Any, within: Piece | None) -> Span:
    """The span of ``node``; its line counted from the first line of the piece ``within`` when it has one."""
    start, end = node.start_mark, node.end_mark
    lines = 1 if within is None else within[2] + 1
    return Span(start.line + lines, start.column + 1, end.line + lines, end.column + 1)


def compose_entry(text: str, stub: EntryStub) -> Any:
    """The node tree of the entry at ``stub``, composed from its text alone, or ``None`` when it does not
    compose alone to a node of the same kind and extent.

    The text is cut from the start of the entry's first line, with the characters before the entry
    replaced by spaces (columns stay true), to the entry's end. Lines and offsets are counted from
    the start of that first line (``stub.start_mark.line`` and ``.index - .column`` behind the whole
    text's).
    """
    start, end = stub.start_mark, stub.end_mark
    try:
        root = _compose(" " * start.column + text[start.index:end.index])
    except LoadError:
        return None
    if root is None or root.id != stub.id or root.tag != stub.tag or root.start_mark.index != start.column \
            or root.end_mark.index != end.index - start.index + start.column \
            or root.end_mark.line != end.line - start.line or root.end_mark.column != end.column:
        return None
    return root


def _shift(root: Any, lines: int, offset: int, mark: type) -> None:
    """Move every position of the tree at ``root`` down ``lines`` lines and ``offset`` characters."""
    stack = [root]
    while stack:
        node = stack.pop()
        start, end = node.start_mark, node.end_mark
        node.start_mark = mark(start.name, start.index + offset, start.line + lines, start.column, None, None)
        node.end_mark = mark(end.name, end.index + offset, end.line + lines, end.column, None, None)
        if node.id == "mapping":
            for pair in node.value:
                stack.extend(pair)
        elif node.id == "sequence":
            stack.extend(node.value)


def _outline(root: Any) -> bool:
    """Replace, in place, every collection two levels below ``root`` with an :class:`EntryStub` (their nodes
    are then freed); whether ``root`` is a collection. A ``<<`` merge above the entries is kept whole."""
    if root.id == "scalar":
        return False
    for child in (value for key, value in root.value if key.tag != MERGE) if root.id == "mapping" else root.value:
        items = child.value
        if child.id == "sequence":
            for index, item in enumerate(items):
                if item.id != "scalar":
                    items[index] = _stub(item)
        elif child.id == "mapping":
            for index, (key, value) in enumerate(items):
                if value.id != "scalar" and key.tag != MERGE:
                    items[index] = (key, _stub(value))
    return True


def _stub(node: Any) -> EntryStub:
    stub = EntryStub(node)
    if node.id == "mapping" and not node.flow_style:  # a "<<" key is no field: :meth:`Document._field` checks names
        stub.keys = array("I", [key.start_mark.index for key, _ in node.value])
    return stub


def node_span(node: Any) -> Span:
    start, end = node.start_mark, node.end_mark
    return Span(start.line + 1, start.column + 1, end.line + 1, end.column + 1)


def _first_line(node: Any) -> Span:
    start = node.start_mark
    return Span(start.line + 1, start.column + 1, start.line + 1, start.column + 2)


def _is_mapping(node: Any) -> bool:
    return node.tag == MAP or node.id == "mapping"


def _is_sequence(node: Any) -> bool:
    return node.id == "sequence"


def _is_scalar(node: Any) -> bool:
    return node.id == "scalar"


SMALL_MAPPING = 16
"""Mappings with more keys than this are looked up through an index built once, not scanned."""


def _child(node: Any, step: Any, index: dict[int, dict] | None = None) -> tuple[Any, Any] | None:
    if node.id == "mapping":
        if index is not None and len(node.value) > SMALL_MAPPING:
            keys = index.get(id(node))
            if keys is None:
                keys = index[id(node)] = {}
                for key_node, value_node in _pairs(node):
                    keys.setdefault(key_node.value, (key_node, value_node))
            return keys.get(step)
        for key_node, value_node in _pairs(node):
            if key_node.value == step:
                return key_node, value_node
        return None
    if node.id == "sequence" and isinstance(step, int) and 0 <= step < len(node.value):
        return None, node.value[step]
    return None


def _pairs(node: Any):
    """Key/value node pairs of a mapping, own keys first, then those merged in with ``<<``."""
    merged = []
    for key_node, value_node in node.value:
        if key_node.tag == MERGE:
            sources = value_node.value if value_node.id == "sequence" else [value_node]
            merged.extend(source for source in sources if source.id == "mapping")
        else:
            yield key_node, value_node
    for source in merged:
        yield from _pairs(source)


class NotRegularFile(OSError):
    """A FIFO, device, socket or folder where a file was expected."""


def open_regular(path: Path | str) -> Any:
    """``path`` opened for binary reading, never blocking on a FIFO; :class:`NotRegularFile` unless a regular file."""
    if not stat.S_ISREG(os.stat(path).st_mode):
        raise NotRegularFile(0, "not a regular file", str(path))
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    handle = os.open(path, flags)
    try:
        if not stat.S_ISREG(os.fstat(handle).st_mode):  # swapped for a FIFO after the stat above
            raise NotRegularFile(0, "not a regular file", str(path))
        return os.fdopen(handle, "rb")
    except BaseException:
        os.close(handle)
        raise


def read_manifest_text(path: Path) -> str:
    """Read and decode a manifest, refusing what is not a sane text file."""
    return decode(read_manifest_bytes(path))


def read_manifest_bytes(path: Path) -> bytes:
    """The bytes of a manifest, refusing what is not a regular file or is over the size limit."""
    try:
        with open_regular(path) as stream:
            size = os.fstat(stream.fileno()).st_size
            if size <= MAX_MANIFEST_BYTES:
                raw = stream.read(size + 1)  # a buffer of the file's size, not of the limit
                if len(raw) > size:  # it grew since: read on, up to the limit
                    raw += stream.read(MAX_MANIFEST_BYTES + 1 - len(raw))
                size = len(raw)
            if size > MAX_MANIFEST_BYTES:
                raise LoadError(
                    f"manifest is {size / 2**20:.0f} MiB, over the "
                    f"{MAX_MANIFEST_BYTES // 2**20} MiB limit; split it into several manifests",
                    Span(1, 1, 1, 1),
                )
    except NotRegularFile:
        raise LoadError("not a regular file (a folder, FIFO, device or socket)", Span(1, 1, 1, 1)) from None
    except OSError as exc:
        raise LoadError(f"cannot read file: {exc.strerror or exc}", Span(1, 1, 1, 1)) from None
    return raw


def decode(raw: bytes) -> str:
    """UTF-8 (or UTF-16/32 with a byte-order mark) to text; a bad byte is an M001 at its place."""
    encoding = "utf-8"
    for bom, name in _BOMS:
        if raw.startswith(bom):
            encoding = name
            break
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1:].decode(encoding, "replace")) + 1
        raise LoadError(
            f"not valid {encoding.upper()} text: byte 0x{raw[exc.start]:02x} cannot be decoded",
            Span(line, column, line, column + 1),
        ) from None
    if "\x00" in text:
        index = text.index("\x00")
        line = text.count("\n", 0, index) + 1
        column = index - (text.rfind("\n", 0, index) + 1) + 1
        raise LoadError("binary file: contains a NUL character", Span(line, column, line, column + 1))
    return text.lstrip("\ufeff")


_CONFLICT_RE = re.compile(r"^(<<<<<<<|>>>>>>>) ?", re.MULTILINE)


def load(path: Path, text: str | None = None, keep_tree: bool = False) -> Document:
    """Load one YAML document with positions. Raises :class:`LoadError` for M001 problems.

    The node tree is kept down to the entries only (see :class:`EntryStub`), unless ``keep_tree``
    (an editor, which needs every node, or a language server, which asks for many positions).
    """
    if text is None:
        text = read_manifest_text(path)
    conflict = _CONFLICT_RE.search(text)
    if conflict:
        line = text.count("\n", 0, conflict.start()) + 1
        raise LoadError("unresolved merge conflict marker; finish the merge first", Span(line, 1, line, 8))
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    root = _compose(text)
    document = Document(path=path, data=None, root=root, hidden=find_hidden(text), source=text)
    if root is not None:
        constructor = _Constructor(document, len(text))
        document.data = constructor.build(root)
        if not keep_tree and not constructor.aliased:
            document.outlined = _outline(root)
        document.aliased = constructor.aliased
    return document


def load_edited(path: Path, text: str, previous: Document) -> Document:
    """:func:`load` of ``text`` with its whole tree (for an editor), ``text`` being an edit of the text
    ``previous`` was loaded from, whose other entries are shared.

    When the edit stays inside one entry of a block list (an asset, a tool, an approval) and keeps the
    number of lines, only that entry's lines are composed and built again, and the other entries' nodes
    and data are ``previous``'s (an editor's keystroke costs one entry, not the file). Lines and columns
    are those :func:`load` gives; the character offsets (``mark.index``) of the entries after the edit
    are not moved. Any other edit, or a document with aliases, is loaded whole.
    """
    return _reload_entry(path, text, previous) or load(path, text, keep_tree=True)


_DOCUMENT_LINE = re.compile(r"^(?:---|\.\.\.|%|<<<<<<<|>>>>>>>)", re.MULTILINE)
"""Lines that would end, start or direct a YAML document, or mark a merge conflict."""


def _reload_entry(path: Path, text: str, previous: Document) -> Document | None:
    """The document of ``text`` with the one entry the edit touched loaded again, or ``None`` if not that.

    Entries are found by line (the offsets in the marks of entries after an earlier such edit are stale).
    """
    import copy  # the language server's path only: `check` does not pay for it (and weakref) at start-up

    root, before = previous.root, previous.source
    if root is None or before is None or previous.outlined or previous.aliased or not _is_block(root, "mapping") \
            or _has_odd_breaks(text) or any(duplicate.path == () for duplicate in previous.duplicates):
        return None
    start = _common_prefix(before, text)
    tail = _common_prefix(before[start:][::-1], text[start:][::-1])
    old_end, new_end = len(before) - tail, len(text) - tail
    if before.count("\n", start, old_end) != text.count("\n", start, new_end):
        return None
    first_line = before.count("\n", 0, start)
    last_line = first_line + before.count("\n", start, old_end - 1) if old_end > start else first_line
    found = _entry_at(root, first_line, last_line)
    if found is None:
        return None
    pair, index, following = found
    old_list, old_item = pair[1], pair[1].value[index]
    line = old_item.start_mark.line
    begin = _line_start(before, start, line - first_line)
    end = len(before) if following is None else _line_start(before, start, following.line - first_line)
    cut = text[begin:end + len(text) - len(before)]
    if "&" in cut or _DOCUMENT_LINE.search(cut):  # an anchor may repeat one of another entry's: an error
        return None
    padded = " " * (begin - line) + "\n" * line + cut  # the entry's nodes get their places in the whole text
    try:
        alone = _compose(padded)
    except LoadError:
        return None
    if alone is None or not _is_block(alone, "sequence") or len(alone.value) != 1 \
            or alone.start_mark.column != old_list.start_mark.column or alone.start_mark.line != line \
            or not _is_block(alone.value[0], "mapping"):
        return None
    item = alone.value[0]
    if following is not None:
        _end_where(item, len(padded), old_item.end_mark, end + len(text) - len(before))
    register = pair[0].value
    document = Document(path=path, data=None, root=None, hidden=find_hidden(text), source=text,
                        duplicates=[d for d in previous.duplicates if d.path[:2] != (register, index)])
    constructor = _Constructor(document, len(text))
    try:
        built = constructor._build(item, (register, index))
    except LoadError:  # the whole load says it, at the place it finds first
        return None
    if constructor.aliased:
        return None
    new_list = copy.copy(old_list)
    new_list.value = [*old_list.value[:index], item, *old_list.value[index + 1:]]
    document.root = copy.copy(root)
    document.root.value = [(key, new_list if value is old_list else value) for key, value in root.value]
    items = list(previous.data[register])
    items[index] = built
    document.data = {**previous.data, register: items}
    return document


def _line_start(text: str, offset: int, lines: int) -> int:
    """The offset where the line ``lines`` lines below (negative: above) the one holding ``offset`` starts."""
    position = text.rfind("\n", 0, offset) + 1
    for _ in range(-lines):
        position = text.rfind("\n", 0, position - 1) + 1
    for _ in range(lines):
        position = text.find("\n", position) + 1
    return position


def _entry_at(root: Any, first_line: int, last_line: int) -> tuple[tuple, int, Any] | None:
    """(root pair, index, mark of what follows) of the block-list entry whose lines hold lines ``first_line``
    to ``last_line``: from its dash's line to the line of the next entry or top-level key (``None``: the end)."""
    pairs = root.value
    for number, pair in enumerate(pairs):
        key, value = pair
        if key.id != "scalar" or key.tag == MERGE or not _is_block(value, "sequence") or not value.value:
            continue
        items = value.value
        if not items[0].start_mark.line <= first_line:
            continue
        index = bisect.bisect_right([item.start_mark.line for item in items], first_line) - 1
        if index + 1 < len(items):
            following = items[index + 1].start_mark
        elif number + 1 < len(pairs):
            following = pairs[number + 1][0].start_mark
        else:
            following = None
        if following is not None and last_line >= following.line:
            continue
        return (pair, index, following) if _is_block(items[index], "mapping") else None
    return None


def _end_where(item: Any, stream_end: int, end: Any, line_start: int) -> None:
    """Alone, an entry and its last descendants end where the text does; in the whole text, where the entry
    ended before the edit (``end``: the next entry's dash, or the next key), on the line now at ``line_start``."""
    mark = type(end)(end.name, line_start + end.column, end.line, end.column, None, None)
    node = item
    while node is not None and node.end_mark.index == stream_end:
        node.end_mark = mark
        last = node.value[-1] if node.id != "scalar" and node.value else None
        node = last[1] if isinstance(last, tuple) else last


def _is_block(node: Any, kind: str) -> bool:
    return node.id == kind and not node.flow_style


def _common_prefix(one: str, other: str) -> int:
    """The length of the longest common prefix of two strings (by halving: compares run in C)."""
    low, high = 0, min(len(one), len(other))
    while low < high:
        middle = (low + high + 1) // 2
        if one[low:middle] == other[low:middle]:
            low = middle
        else:
            high = middle - 1
    return low


HIDDEN = "[\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
"""Characters that change or hide what a reviewer sees: bidirectional controls and zero-width marks.

This and the other patterns of rare paths are compiled on first use (re's cache), not at every start-up."""


_BREAK = "\r\n|[\r\n\x85\u2028\u2029]"
"""Line breaks as libyaml counts them for positions."""


def _has_odd_breaks(text: str) -> bool:
    """Whether ``text`` breaks lines other than with LF or CRLF (a lone CR, NEL, U+2028, U+2029)."""
    return "\x85" in text or "\u2028" in text or "\u2029" in text or text.count("\r") != text.count("\r\n")


def find_hidden(text: str, limit: int = 1000) -> list[tuple[Span, str]]:
    """Where each invisible character is written, with its code point (``U+202E``); at most ``limit``."""
    found: list[tuple[Span, str]] = []
    if text.isascii():
        return found
    line, line_start, scanned = 1, 0, 0
    odd_breaks: bool | None = None
    for match in re.finditer(HIDDEN, text):
        if odd_breaks is None:
            odd_breaks = _has_odd_breaks(text)
        if odd_breaks:  # count lines as libyaml does, or the column would point into another line
            for found_break in re.compile(_BREAK).finditer(text, scanned, match.start()):
                line, line_start = line + 1, found_break.end()
        else:
            newlines = text.count("\n", scanned, match.start())
            if newlines:
                line += newlines
                line_start = text.rfind("\n", scanned, match.start()) + 1
        scanned = match.start()
        column = match.start() - line_start + 1
        found.append((Span(line, column, line, column + 1), f"U+{ord(match.group()):04X}"))
        if len(found) >= limit:
            break
    return found


def _compose(text: str) -> Any:
    import yaml

    try:
        parser = _c_parser_class()(text) if yaml.__with_libyaml__ else _PureParser(text)
        return parser.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        span = _mark_span(text, mark)
        message, fix = _explain_parse_error(text, mark, message)
        raise LoadError(f"invalid YAML: {message}", span, fix) from None
    except yaml.YAMLError as exc:
        raise LoadError(f"invalid YAML: {exc}", Span(1, 1, 1, 1)) from None
    except RecursionError:
        raise LoadError("invalid YAML: nested too deeply", Span(1, 1, 1, 1)) from None


_PLAIN_PAIR = r"(?P<lead>[ \t]*(?:-[ \t]+)?)(?P<key>[^\s#'\"\[\]{}&*!|>%@`][^:#]*?):[ \t]+(?P<value>.*)"


def _explain_parse_error(text: str, mark: Any, message: str) -> tuple[str, str | None]:
    """The parser's message made plain for the two commonest mistakes, and what to type instead.

    A tab where YAML expects indentation is named as a tab. A plain value holding ``: `` (an
    unquoted prompt such as ``Harbour at dusk: wide shot``) gets the line rewritten with the whole
    value in double quotes.
    """
    if mark is None or not 0 <= mark.index <= len(text):
        return message, None
    if text[mark.index:mark.index + 1] == "\t":
        return "a tab character, where YAML allows only spaces", "this is a tab; YAML indents with spaces: replace it with spaces"
    line_start = text.rfind("\n", 0, mark.index) + 1
    line_end = text.find("\n", mark.index)
    line = text[line_start:len(text) if line_end < 0 else line_end].rstrip("\r")
    pair = re.fullmatch(_PLAIN_PAIR, line)
    if pair is None or pair.group("value")[:1] in ("'", '"', "[", "{", "|", ">"):
        return message, None
    key, value = pair.group("key").strip(), pair.group("value").split(" #")[0].rstrip()
    if "mapping values are not allowed" in message:
        message = f"the value of {key} contains ': ', which YAML reads as a second key"
    elif text[mark.index:mark.index + 1] not in ("@", "`"):
        return message, None
    fix = f"quote the whole {key} in double quotes"
    if len(line) > 300:  # a long line is not repeated in the hint
        return message, fix
    quoted = value.replace("\\", "\\\\").replace('"', '\\"')
    return message, f'{fix}: `{key}: "{quoted}"`'


def _mark_span(text: str, mark: Any) -> Span:
    """Where a parser error is. At the end of a file without a final line break libyaml adds a line
    of its own; the position is then put at the end of the file's real last line."""
    if mark is None:
        return Span(1, 1, 1, 1)
    line, column = mark.line + 1, mark.column + 1
    if mark.index >= len(text) and line > 1 and column == 1 and text and text[-1] not in "\r\n\x85\u2028\u2029":
        line_start = max(text.rfind(brk) for brk in "\r\n\x85\u2028\u2029") + 1
        line, column = line - 1, len(text) - line_start + 1
    return Span(line, column, line, column + 1)


def resolve_plain(value: str) -> str:
    """The YAML 1.2 core-schema tag of a plain scalar (timestamps are left as text)."""
    if not value:
        return NULL
    if value[0] not in _MAYBE_TYPED:
        return MERGE if value == "<<" else STR
    if _NULL_RE.fullmatch(value):
        return NULL
    if _BOOL_RE.fullmatch(value):
        return BOOL
    if _INT_RE.fullmatch(value):
        return INT
    if _FLOAT_RE.fullmatch(value):
        return FLOAT
    return STR


class _ResolverMixin:
    """What the composer asks of a resolver: a tag per node, by the YAML 1.2 core schema."""

    def resolve(self, kind: Any, value: Any, implicit: Any, _maybe: frozenset = _MAYBE_TYPED) -> str:
        if value is None:  # a sequence or mapping
            return SEQ if kind.id == "sequence" else MAP
        if implicit[0] and (not value or value[0] in _maybe or value == "<<"):
            return resolve_plain(value)
        return STR

    def descend_resolver(self, *args: Any) -> None:
        pass

    def ascend_resolver(self, *args: Any) -> None:
        pass


_C_PARSER: type | None = None


def _c_parser_class() -> type:
    global _C_PARSER
    if _C_PARSER is None:
        from yaml._yaml import CParser

        _C_PARSER = type("_CParser", (_ResolverMixin, CParser), {})
    return _C_PARSER


def _PureParser(text: str) -> Any:
    """Pure-Python fallback where PyYAML was built without libyaml."""
    from yaml.composer import Composer
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class Pure(Reader, Scanner, Parser, Composer, _ResolverMixin):
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)
            Composer.__init__(self)

    return Pure(text)


_KEY_TAGS = frozenset((STR, NULL, BOOL, INT, FLOAT, TIMESTAMP, "!"))
"""Tags a mapping key may carry: a key is used as its text, but no other tag is let through unnoticed."""


class _Constructor:
    """Builds plain dicts, lists and scalars from nodes, sharing aliased nodes, within the expansion budget."""

    def __init__(self, document: Document, size: int):
        self.document = document
        self.budget = 2 * size + EXPANSION_ALLOWANCE
        self.copied = 0
        """Keys that merges copied so far (counted against the budget before each copy)."""
        self.built: dict[int, Any] = {}
        self.weight: dict[int, int] = {}
        self.reached = -1
        self.aliased = False
        self.open: set[int] = set()
        """Collections being built: an alias to one of them is a cycle."""

    def build(self, root: Any) -> Any:
        data = self._build(root, ())
        if not self.aliased:  # every node reached once: the data is exactly the text's own size
            return data
        expanded = self._weight(root)
        if expanded > self.budget:
            self._over_budget(f"aliases expand the document to {expanded:,} nodes and characters or more")
        return data

    def _over_budget(self, what: str) -> None:
        raise LoadError(f"{what} (limit {self.budget:,}: twice the file's size plus {EXPANSION_ALLOWANCE:,}); "
                        "this looks like an alias or merge-key bomb", Span(1, 1, 1, 1))

    def _weight(self, node: Any) -> int:
        """Nodes plus characters the data holds once aliases are expanded; stops counting past a bound."""
        key = id(node)
        known = self.weight.get(key)
        if known is not None:
            return known
        if node.id == "scalar":
            total = 1 + len(node.value)
        elif node.id == "mapping":
            total = 1
            for key_node, value_node in node.value:
                total += 1 + len(key_node.value if key_node.id == "scalar" else "") + self._weight(value_node)
        else:
            total = 1
            for item in node.value:
                total += self._weight(item)
        total = min(total, 1 << 62)
        self.weight[key] = total
        return total

    def _build(self, node: Any, path: tuple) -> Any:
        """The data of ``node``. ``path`` locates it down to the entry level (``('assets', 3)``)."""
        start = node.start_mark.index
        if start < self.reached:  # built in text order, so a node written earlier is an alias (or a merge)
            self.aliased = True
        else:
            self.reached = start
        if node.id == "scalar":  # scalars are cheap to rebuild, so only collections are shared
            return node.value if node.tag == STR else self._scalar(node)
        key = id(node)
        if key in self.built:
            if key in self.open:
                raise LoadError("an alias refers to the mapping or list that contains it: the document would be "
                                "infinite", _first_line(node))
            self.aliased = True
            return self.built[key]
        self.open.add(key)
        if node.id == "sequence":
            self._check_tag(node, SEQ)
            value = []
            self.built[key] = value
            if len(path) < 2:
                value.extend(self._build(item, path + (index,)) for index, item in enumerate(node.value))
            else:
                value.extend(self._build(item, path) for item in node.value)
        else:
            self._check_tag(node, MAP)
            value = {}
            self.built[key] = value
            self._fill_mapping(value, node, path)
        self.open.discard(key)
        return value

    def _fill_mapping(self, value: dict, node: Any, path: tuple) -> None:
        merges = []
        deeper = len(path) < 2
        first_keys: dict[str, Any] | None = None  # built at the first duplicate, so each is found in one pass
        for key_node, value_node in node.value:
            if key_node.id != "scalar":
                raise LoadError("a mapping key must be plain text, not a list or mapping", node_span(key_node))
            name = key_node.value
            if key_node.tag == MERGE:
                merges.append(value_node)
                continue
            if key_node.tag not in _KEY_TAGS:
                raise LoadError(f"unsupported YAML tag {_short_tag(key_node.tag)}", node_span(key_node))
            if name in value:
                if first_keys is None:
                    first_keys = {}
                    for written, _ in node.value:
                        if written.id == "scalar":
                            first_keys.setdefault(written.value, written)
                first = first_keys[name]
                self.document.duplicates.append(DuplicateKey(name, path, node_span(first), node_span(key_node)))
                continue
            value[name] = self._build(value_node, path + (name,) if deeper else path)
        for merge in merges:
            sources = merge.value if merge.id == "sequence" else [merge]
            for source in sources:
                if source.id != "mapping":
                    raise LoadError("a merge key '<<' must name a mapping or a list of mappings", node_span(source))
                merged = self._build(source, path)
                self.copied += len(merged)
                if self.copied > self.budget:
                    self._over_budget(f"merge keys ('<<') copy more than {self.copied:,} keys")
                for name, item in merged.items():
                    value.setdefault(name, item)

    def _check_tag(self, node: Any, expected: str) -> None:
        if node.tag not in (expected, "!"):
            raise LoadError(f"unsupported YAML tag {_short_tag(node.tag)}", node_span(node))

    def _scalar(self, node: Any) -> Any:
        tag, text = node.tag, node.value
        if tag in (STR, TIMESTAMP, "!"):
            return text
        try:
            if tag == NULL:
                if text in ("", "~") or _NULL_RE.fullmatch(text):
                    return None
            elif tag == BOOL:
                if _BOOL_RE.fullmatch(text):
                    return text.lower() == "true"
            elif tag == INT:
                if _INT_RE.fullmatch(text):
                    return int(text, 0) if text[:2] in ("0o", "0x") else int(text)
            elif tag == FLOAT:
                return _float(text)
            else:
                raise LoadError(f"unsupported YAML tag {_short_tag(tag)}", node_span(node))
        except ValueError:
            pass
        shown = text if len(text) <= 60 else f"{text[:40]}… ({len(text):,} characters)"
        raise LoadError(f"{shown!r} is not a valid {_short_tag(tag)}", node_span(node))


def _float(text: str) -> float:
    lowered = text.lower()
    if lowered.endswith(".inf"):
        return float("-inf") if lowered.startswith("-") else float("inf")
    if lowered == ".nan":
        return float("nan")
    return float(text)


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(YAML_TAG):] if tag.startswith(YAML_TAG) else tag


def path_at(text: str, line: int, column: int) -> tuple[tuple, bool] | None:
    """The data path written at 1-based ``line``:``column`` of ``text``, and whether it is a mapping key.

    For an editor: the deepest key or scalar whose span holds the position (``(('assets', 2, 'tool'), False)``
    on the value of an asset's ``tool:``). ``None`` when the text does not parse or nothing is there.
    """
    try:
        root = _compose(text)
    except LoadError:
        return None
    where = (line - 1, column - 1)
    path: tuple = ()
    node = root
    while node is not None:
        if node.id == "scalar":
            return (path, False) if _holds(node, where) else None
        found = None
        if node.id == "mapping":
            for key_node, value_node in node.value:
                if _holds(key_node, where):
                    return path + (key_node.value,), True
                if _holds(value_node, where, inclusive=value_node.id == "scalar"):
                    found = (key_node.value, value_node)
                    break
        else:
            for index, item in enumerate(node.value):
                if _holds(item, where, inclusive=item.id == "scalar"):
                    found = (index, item)
                    break
        if found is None:
            return None
        path, node = path + (found[0],), found[1]
    return None


def _holds(node: Any, where: tuple[int, int], inclusive: bool = True) -> bool:
    start = (node.start_mark.line, node.start_mark.column)
    end = (node.end_mark.line, node.end_mark.column)
    return start <= where < end or (inclusive and where == end)


def find_scalar(source: str | Document, value: str) -> tuple[tuple, bool] | None:
    """The data path of the first key or scalar written as ``value``, and whether it is a key; ``None`` if
    the text does not parse or holds no such scalar (the language server plants a marker at the cursor).

    ``source`` is the text, or the document already loaded from it (its node tree is searched, not parsed again).
    """
    if isinstance(source, Document):
        root = source.tree()
    else:
        try:
            root = _compose(source)
        except LoadError:
            return None
    stack: list[tuple[tuple, Any]] = [((), root)] if root is not None else []
    while stack:
        path, node = stack.pop()
        if node.id == "scalar":
            if node.value == value:
                return path, False
        elif node.id == "mapping":
            for key_node, value_node in reversed(node.value):
                if key_node.id == "scalar" and key_node.value == value:
                    return path + (value,), True
                stack.append((path + (key_node.value,), value_node))
        else:
            stack.extend((path + (index,), item) for index, item in reversed(list(enumerate(node.value))))
    return None
