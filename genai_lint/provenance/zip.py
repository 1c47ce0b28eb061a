"""ZIP-based documents (OOXML, ODF, EPUB, plain ZIP): C2PA in ``META-INF/``, XMP and metadata parts.

Only the central directory and the few members that can carry provenance are read; members are
inflated within the work budget, so a zip bomb costs no more than any other file.
"""

from __future__ import annotations

import re
import struct
import zlib
from collections.abc import Iterator

from genai_lint.provenance.c2pa import c2pa_hits
from genai_lint.provenance.evidence import Marker, UnreadableFile, emit, printable
from genai_lint.provenance.registry import Matches, reader
from genai_lint.provenance.source import Source
from genai_lint.provenance.xmp import xmp_hits

_C2PA_MEMBER = re.compile(r"META-INF/[^/]*\.c2pa", re.I)
_METADATA_MEMBER = re.compile(
    r"docProps/(?:core|app|custom)\.xml|meta\.xml|META-INF/metadata\.xml|[^/]*\.opf|OEBPS/[^/]*\.opf|.*\.xmp", re.I
)
_EOCD, _EOCD64_LOCATOR, _CENTRAL, _LOCAL = b"PK\5\6", b"PK\6\7", b"PK\1\2", b"PK\3\4"
_Member = tuple[str, int, int, int, int]  # name, method, compressed size, local header offset, central entry offset


def _directory(src: Source) -> tuple[int, int, int]:
    """``(entries, size, offset)`` of the central directory, from the end records."""
    tail_at = max(0, src.size - 65557)
    tail = src.read(tail_at, src.size - tail_at, "ZIP end of central directory")
    at = tail.rfind(_EOCD)
    if at < 0 or at + 22 > len(tail):
        raise UnreadableFile("ZIP without end of central directory record")
    entries, size, offset = struct.unpack_from("<HII", tail, at + 10)
    if entries == 0xFFFF or 0xFFFFFFFF in (size, offset):
        locator = tail[at - 20 : at] if at >= 20 else b""
        if not locator.startswith(_EOCD64_LOCATOR):
            raise UnreadableFile(f"ZIP64 archive without locator at byte {tail_at + at - 20}")
        record_at = struct.unpack_from("<Q", locator, 8)[0]
        record = src.read(record_at, 56, "ZIP64 end of central directory")
        if record[:4] != b"PK\6\6":
            raise UnreadableFile(f"corrupt ZIP64 end of central directory at byte {record_at}")
        entries, size, offset = struct.unpack_from("<QQQ", record, 32)
    if offset + size > src.size:
        raise UnreadableFile(f"truncated ZIP central directory at byte {offset}")
    return entries, size, offset


def _members(src: Source) -> Iterator[_Member]:
    entries, size, pos = _directory(src)
    for _ in range(entries):
        src.budget.walk()
        head = src.read(pos, 46, "ZIP central directory entry")
        if head[:4] != _CENTRAL:
            raise UnreadableFile(f"corrupt ZIP central directory entry at byte {pos}")
        method, compressed = struct.unpack_from("<H", head, 10)[0], struct.unpack_from("<I", head, 20)[0]
        name_len, extra_len, comment_len = struct.unpack_from("<HHH", head, 28)
        local = struct.unpack_from("<I", head, 42)[0]
        name = src.read(pos + 46, name_len, "ZIP member name").decode("utf-8", "replace")
        if 0xFFFFFFFF in (compressed, local):
            compressed, local = _zip64_sizes(src.read(pos + 46 + name_len, extra_len, "ZIP extra field"), head, compressed, local)
        yield name, method, compressed, local, pos
        pos += 46 + name_len + extra_len + comment_len


def _zip64_sizes(extra: bytes, head: bytes, compressed: int, local: int) -> tuple[int, int]:
    """Compressed size and local header offset from the ZIP64 extra field, where the entry defers to it."""
    at = 0
    while at + 4 <= len(extra):
        tag, size = struct.unpack_from("<HH", extra, at)
        if tag == 1:
            values = list(struct.unpack_from(f"<{min(size, len(extra) - at - 4) // 8}Q", extra, at + 4))
            if struct.unpack_from("<I", head, 24)[0] == 0xFFFFFFFF and values:
                values.pop(0)  # the uncompressed size comes first
            if compressed == 0xFFFFFFFF and values:
                compressed = values.pop(0)
            if local == 0xFFFFFFFF and values:
                local = values.pop(0)
            break
        at += 4 + size
    return compressed, local


def _member_data(src: Source, member: _Member) -> bytes:
    name, method, compressed, local, _ = member
    head = src.read(local, 30, "ZIP local header")
    if head[:4] != _LOCAL:
        raise UnreadableFile(f"corrupt ZIP local header at byte {local}")
    start = local + 30 + sum(struct.unpack_from("<HH", head, 26))
    data = src.payload(start, compressed, f"ZIP member {printable(name)}")
    if method == 0:
        return data
    if method != 8:
        raise UnreadableFile(f"ZIP member {printable(name)} compressed with method {method}: not read")
    try:
        return src.budget.inflate(data, src.cap, -zlib.MAX_WBITS)
    except zlib.error:
        raise UnreadableFile(f"corrupt compressed ZIP member {printable(name)} at byte {local}") from None


def _zip_mime(mime: bytes) -> Matches:
    """A ZIP whose first member is a stored ``mimetype`` starting with ``mime`` (ODF, EPUB)."""
    return lambda head, size: head[:4] == _LOCAL and head[30:38] == b"mimetype" and head[38:].startswith(mime)


def _is_ooxml(head: bytes, size: int) -> bool:
    return head[:4] == _LOCAL and head[30:49] == b"[Content_Types].xml"


@reader("ZIP", lambda head, size: head[:4] in (_LOCAL, _EOCD), extensions=[".zip"])
@reader("OOXML", _is_ooxml, extensions=[".docx", ".xlsx", ".pptx", ".docm", ".xlsm", ".pptm"])
@reader("EPUB", _zip_mime(b"application/epub+zip"), extensions=[".epub"])
@reader("ODF", _zip_mime(b"application/vnd.oasis.opendocument."), extensions=[".odt", ".ods", ".odp", ".odg"])
def read_zip(src: Source) -> Iterator[Marker]:
    for member in _members(src):
        name = member[0]
        analyse = c2pa_hits if _C2PA_MEMBER.fullmatch(name) else xmp_hits if _METADATA_MEMBER.fullmatch(name) else None
        if analyse is not None:
            where = f"ZIP member {printable(name)} at byte {member[3]}"
            yield from emit(where, member[3], analyse, _member_data(src, member))

