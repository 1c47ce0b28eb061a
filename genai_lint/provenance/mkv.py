"""Matroska and WebM: the simple tags (``TagName``/``TagString``) of the ``Tags`` elements."""

from __future__ import annotations

from collections.abc import Iterator

from genai_lint.provenance.evidence import Hit, Marker, UnreadableFile, emit, noted, printable
from genai_lint.provenance.fingerprints import tag_hits
from genai_lint.provenance.registry import reader
from genai_lint.provenance.source import MAX_DEPTH, Source

_EBML, _SEGMENT, _TAGS, _SEEK_HEAD, _CLUSTER = 0x1A45DFA3, 0x18538067, 0x1254C367, 0x114D9B74, 0x1F43B675
_TAG, _SIMPLE_TAG, _TAG_NAME, _TAG_STRING = 0x7373, 0x67C8, 0x45A3, 0x4487
_SEEK, _SEEK_ID, _SEEK_POSITION = 0x4DBB, 0x53AB, 0x53AC
_UNKNOWN = -1


def _vint(src: Source, pos: int, what: str, keep_marker: bool) -> tuple[int, int]:
    """An EBML variable-size integer at ``pos``: ``(value, length)``; ``_UNKNOWN`` for an all-ones size."""
    first = src.read(pos, 1, what)[0]
    if not first:
        raise UnreadableFile(f"invalid EBML {what} at byte {pos}")
    length = 9 - first.bit_length()
    raw = int.from_bytes(src.read(pos, length, what), "big")
    value = raw if keep_marker else raw & ((1 << (7 * length)) - 1)
    if not keep_marker and value == (1 << (7 * length)) - 1:
        return _UNKNOWN, length
    return value, length


def _elements(src: Source, start: int, end: int) -> Iterator[tuple[int, int, int, int]]:
    """``(id, element start, data start, data end or _UNKNOWN)`` of the EBML elements in ``[start, end)``."""
    pos = start
    while pos < end:
        src.budget.walk()
        element_id, id_len = _vint(src, pos, "element ID", keep_marker=True)
        size, size_len = _vint(src, pos + id_len, "element size", keep_marker=False)
        data = pos + id_len + size_len
        if size != _UNKNOWN and data + size > end:
            raise UnreadableFile(f"truncated Matroska element 0x{element_id:X} at byte {pos}")
        yield element_id, pos, data, _UNKNOWN if size == _UNKNOWN else data + size
        if size == _UNKNOWN:
            return
        pos = data + size


def _tag_hits(tags: bytes) -> list[Hit]:
    src = Source.of(tags)
    return [hit for tag_id, _, data, end in _elements(src, 0, src.size) if tag_id == _TAG
            for hit in _simple_tags(src, data, end, 0)]


def _simple_tags(src: Source, start: int, end: int, depth: int) -> list[Hit]:
    if depth > MAX_DEPTH:
        raise UnreadableFile("Matroska tags nested too deep")
    hits: list[Hit] = []
    for element_id, _, data, data_end in _elements(src, start, end):
        if element_id != _SIMPLE_TAG:
            continue
        fields = {i: (d, e) for i, _, d, e in _elements(src, data, data_end) if i in (_TAG_NAME, _TAG_STRING)}
        name = src.read(*_span(fields.get(_TAG_NAME, (0, 0))), "TagName").decode("utf-8", "replace")
        value = src.read(*_span(fields.get(_TAG_STRING, (0, 0))), "TagString").decode("utf-8", "replace")
        hits += [noted(hit, f"tag {printable(name[:64])}") for hit in tag_hits(name, value)]
        hits += _simple_tags(src, data, data_end, depth + 1)
    return hits


def _span(bounds: tuple[int, int]) -> tuple[int, int]:
    return bounds[0], bounds[1] - bounds[0]


def _seek_targets(src: Source, start: int, end: int, segment: int) -> list[int]:
    """Offsets of the ``Tags`` elements a ``SeekHead`` points to."""
    targets = []
    for seek_id, _, data, data_end in _elements(src, start, end):
        if seek_id != _SEEK:
            continue
        fields = {i: (d, e) for i, _, d, e in _elements(src, data, data_end)}
        if _SEEK_ID in fields and _SEEK_POSITION in fields:
            target_id = int.from_bytes(src.read(*_span(fields[_SEEK_ID]), "SeekID"), "big")
            if target_id == _TAGS:
                targets.append(segment + int.from_bytes(src.read(*_span(fields[_SEEK_POSITION]), "SeekPosition"), "big"))
    return targets


@reader("WebM", lambda head, size: head[:4] == b"\x1a\x45\xdf\xa3" and b"webm" in head[:64], extensions=[".webm"])
@reader("Matroska", b"\x1a\x45\xdf\xa3", extensions=[".mkv", ".mka", ".mk3d"])
def read_matroska(src: Source) -> Iterator[Marker]:
    segments = [(d, e) for i, _, d, e in _elements(src, 0, src.size) if i == _SEGMENT]
    for segment, segment_end in segments:
        end = src.size if segment_end == _UNKNOWN else segment_end
        read, pending = set[int](), list[int]()
        for element_id, pos, data, data_end in _elements(src, segment, end):
            if element_id == _SEEK_HEAD and data_end != _UNKNOWN:
                pending += _seek_targets(src, data, data_end, segment)
            elif element_id == _TAGS and data_end != _UNKNOWN:
                read.add(pos)
                yield from emit(f"Matroska Tags element at byte {pos}", pos, _tag_hits,
                                src.payload(data, data_end - data, "Matroska Tags"))
        for pos in sorted(set(pending) - read):  # Tags past a cluster of unknown size
            element_id, data, data_end = next(((i, d, e) for i, _, d, e in _elements(src, pos, end)), (0, 0, 0))
            if element_id != _TAGS or data_end == _UNKNOWN:
                raise UnreadableFile(f"SeekHead points to no Tags element at byte {pos}")
            yield from emit(f"Matroska Tags element at byte {pos}", pos, _tag_hits,
                            src.payload(data, data_end - data, "Matroska Tags"))
