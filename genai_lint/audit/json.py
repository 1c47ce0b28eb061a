"""The audit report as JSON: the model itself, for a studio's systems to ingest.

Written by :func:`~genai_lint.safe_text.json_dumps`: the data stays exact, but control, bidi and
zero-width characters from a manifest come out as ``\\u`` escapes, never raw.
"""

from __future__ import annotations

from genai_lint.safe_text import json_dumps


def render_json(model: dict) -> str:
    return json_dumps(model) + "\n"
