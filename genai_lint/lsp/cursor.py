"""Where the cursor is in a manifest that is being typed: the data path, and key or value.

Half-typed YAML rarely parses, so the word under the cursor is replaced by a marker scalar and
the loader finds the marker's path; that works for ``  med|``, ``media: im|``, ``- APR|`` and
``approvals: [APR-1, |]`` alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pathlib import Path
from typing import Any

from genai_lint.loader import Document, LoadError, find_scalar, load

MARKER = "genai_lint_cursor"
_WORD = re.compile(r"[\w.-]*$")
_KEY_ONLY = re.compile(r"\s*(?:-\s+)?[\w.-]*$")


@dataclass(frozen=True)
class Cursor:
    path: tuple
    """The marker's data path: ``('assets', 0, 'media')`` for a value, ``('assets', 0, MARKER)`` for a key."""
    is_key: bool
    prefix: str
    """The part of the word already typed."""
    data: Any = None
    """The manifest's data with the marker planted (what is already written around the cursor)."""

    @property
    def container(self) -> tuple:
        """For a key, the mapping it goes in; for a value, the key it is the value of (list indexes dropped)."""
        path = self.path[:-1] if self.is_key else self.path
        return path[:-1] if path and isinstance(path[-1], int) and not self.is_key else path


def at(text: str, line: int, character: int) -> Cursor | None:
    """The cursor at 0-based ``line`` and code-point ``character`` of ``text``, or ``None`` if it cannot be placed."""
    lines = text.splitlines(keepends=True) or [""]
    if line >= len(lines):
        lines.extend([""] * (line - len(lines) + 1))
    current = lines[line]
    ending = current[len(current.rstrip("\r\n")):]
    body = current[: len(current) - len(ending)]
    before, after = body[:character], body[character:]
    prefix = _WORD.search(before).group()
    head = before[: len(before) - len(prefix)]
    tail = after[len(re.match(r"[\w.-]*", after).group()):]
    planted = head + MARKER + (":" if _KEY_ONLY.fullmatch(before) and not tail.strip() else "") + tail
    text = "".join(lines[:line]) + planted + (ending or "\n") + "".join(lines[line + 1:])
    try:
        document: Document | None = load(Path("buffer"), text, keep_tree=True)
    except LoadError:  # it may still compose (an unsupported tag): the marker is looked for in the text
        document = None
    found = find_scalar(document or text, MARKER)
    if found is None:
        return None
    return Cursor(found[0], found[1], prefix, document.data if document else None)
