"""A small CBOR decoder (RFC 8949) for C2PA assertions: bounded depth, lengths checked against the data."""

from __future__ import annotations

from genai_lint.provenance.budget import current
from genai_lint.provenance.evidence import UnreadableFile
from genai_lint.provenance.source import MAX_DEPTH


def decode(data: bytes) -> object:
    """Decode one CBOR item; floats and simple values decode to ``None``. Every item counts against the budget."""
    return _item(data, 0, 0)[0]


def _fail(pos: int) -> UnreadableFile:
    return UnreadableFile(f"malformed CBOR at byte {pos}")


def _arg(data: bytes, pos: int, info: int) -> tuple[int | None, int]:
    """The argument that follows an initial byte: a number, or ``None`` for indefinite length."""
    if info < 24:
        return info, pos
    if info == 31:
        return None, pos
    if info > 27 or pos + (1 << (info - 24)) > len(data):
        raise _fail(pos)
    end = pos + (1 << (info - 24))
    return int.from_bytes(data[pos:end], "big"), end


def _item(data: bytes, pos: int, depth: int) -> tuple[object, int]:
    if depth > MAX_DEPTH or pos >= len(data):
        raise _fail(pos)
    current().walk()
    major, info = data[pos] >> 5, data[pos] & 31
    arg, pos = _arg(data, pos + 1, info)
    if major == 7:
        if arg is None:
            raise _fail(pos)
        return {20: False, 21: True}.get(info), pos
    if arg is None and major in (0, 1, 6):
        raise _fail(pos)
    if major in (0, 1):
        return (arg if major == 0 else -1 - arg), pos
    if major == 6:
        return _item(data, pos, depth + 1)
    if major in (2, 3):
        return _string(data, pos, arg, major == 3, depth)
    items, pos = _items(data, pos, arg if arg is None or major == 4 else 2 * arg, depth)
    if major == 4:
        return items, pos
    if len(items) % 2:
        raise _fail(pos)
    keys = [k if isinstance(k, (str, int, bytes)) else repr(k) for k in items[::2]]
    return dict(zip(keys, items[1::2], strict=True)), pos


def _items(data: bytes, pos: int, count: int | None, depth: int) -> tuple[list[object], int]:
    """``count`` items, or items up to a break byte when ``count`` is ``None``."""
    if count is not None and count > len(data) - pos:
        raise _fail(pos)
    items: list[object] = []
    while len(items) != count:
        if count is None and data[pos : pos + 1] == b"\xff":
            return items, pos + 1
        item, pos = _item(data, pos, depth + 1)
        items.append(item)
    return items, pos


def _string(data: bytes, pos: int, length: int | None, text: bool, depth: int) -> tuple[object, int]:
    if length is None:
        chunks, pos = _items(data, pos, None, depth)
        if not all(isinstance(c, str if text else bytes) for c in chunks):
            raise _fail(pos)
        return ("" if text else b"").join(chunks), pos  # type: ignore[arg-type]
    if length > len(data) - pos:
        raise _fail(pos)
    raw = data[pos : pos + length]
    return (raw.decode("utf-8", "replace") if text else raw), pos + length


