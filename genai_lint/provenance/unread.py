"""Formats recognised from their content for which the scanner has no reader: their files are reported unread."""

from __future__ import annotations

from genai_lint.provenance.registry import known


def _is_mpeg_ts(head: bytes, size: int) -> bool:
    return len(head) >= 189 and head[0] == 0x47 and head[188] == 0x47


known("ASF", bytes.fromhex("3026b2758e66cf11a6d900aa0062ce6c"), extensions=[".wmv", ".wma", ".asf"])
known("MPEG transport stream", _is_mpeg_ts, extensions=[".ts", ".m2ts", ".mts"])
known("MPEG program stream", b"\0\0\1\xba", extensions=[".mpg", ".mpeg", ".vob"])
known("CAF", b"caff", extensions=[".caf"])
known("gzip", b"\x1f\x8b", extensions=[".gz", ".tgz"])
known("7-Zip", b"7z\xbc\xaf\x27\x1c", extensions=[".7z"])
known("RAR", b"Rar!\x1a\x07", extensions=[".rar"])
known("ICO", b"\0\0\1\0", extensions=[".ico"])
known("RED raw", b"\0\0\0\x14RED2", extensions=[".r3d"])
