"""The audit report as JSON: the model itself, for a studio's systems to ingest."""

from __future__ import annotations

import json


def render_json(model: dict) -> str:
    return json.dumps(model, indent=2, ensure_ascii=False) + "\n"
