"""The production root is a wall: every path genai-lint reads, hashes, prints or writes is resolved
(symlinks followed, ``..`` removed) and used only when it lands inside the root.

A pull request can commit a symlink named ``genai-manifest.yaml`` or ``.genai-lint.yaml`` that leads
to ``~/.netrc``; such a file is never opened, so no line of it reaches an output.
"""

from __future__ import annotations

import os
from pathlib import Path

from genai_lint.findings import Span
from genai_lint.loader import LoadError

OUTSIDE = "it leads outside the project root (through a symlink or '..'): not read"


class OutsideRoot(LoadError):
    """A manifest whose real path is outside the project root (M001): it was never opened."""

    def __init__(self) -> None:
        super().__init__(OUTSIDE, Span(1, 1, 1, 1),
                         fix="put the manifest itself in the production instead of a link to a file elsewhere")


def inside(path: Path | str, root: Path | str) -> bool:
    """Whether ``path``, resolved, is ``root`` (resolved) or below it. A path that cannot be resolved is not."""
    try:
        real, real_root = os.path.realpath(path), os.path.realpath(root)
    except (OSError, ValueError):
        return False
    return real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep)
