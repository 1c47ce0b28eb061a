"""What the manifest schema says about a data path: its description, allowed keys and values."""

from __future__ import annotations

from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def _schema() -> dict:
    from genai_lint.schema import schema

    return schema()


def node_for(path: tuple) -> dict | None:
    """The schema of the value at ``path`` (``('assets', 0, 'tool')``), following ``$ref``; ``None`` if unknown."""
    node: dict | None = _resolve(_schema())
    for step in path:
        if node is None:
            return None
        if isinstance(step, int):
            node = _resolve(node.get("items"))
        else:
            properties = node.get("properties", {})
            node = _resolve(properties.get(step)) if step in properties else None
    return node


def _resolve(node: Any) -> dict | None:
    if not isinstance(node, dict):
        return None
    while "$ref" in node:
        target: Any = _schema()
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def description(path: tuple) -> str | None:
    node = node_for(path)
    return node.get("description") if node else None


def keys(path: tuple) -> dict[str, str]:
    """The keys the mapping at ``path`` may hold, with their descriptions."""
    node = node_for(path)
    if not node:
        return {}
    return {name: (_resolve(value) or {}).get("description", "") for name, value in node.get("properties", {}).items()}


def values(path: tuple) -> list[str]:
    """The values allowed at ``path`` (an enum, true/false), or inside the list at ``path``."""
    node = node_for(path)
    if not node:
        return []
    if node.get("type") == "array":
        node = _resolve(node.get("items")) or {}
    if "enum" in node:
        return [str(value) for value in node["enum"]]
    if node.get("type") == "boolean":
        return ["true", "false"]
    return []
