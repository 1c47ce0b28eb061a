"""Completion: the keys the schema allows at the cursor, enum values, and ids from the production's registers."""

from __future__ import annotations

from lsprotocol import types

from genai_lint.lsp import schema_docs
from genai_lint.lsp.cursor import Cursor
from genai_lint.project import Project

REFERENCES = {"tool": "tools", "tools": "tools", "approvals": "approvals"}
"""Asset keys whose values are ids from a register."""


def complete(cursor: Cursor, project: Project | None) -> list[types.CompletionItem]:
    """Completion items for ``cursor``; ``project`` (the last analysis) has the registers' ids."""
    if cursor.is_key:
        container = cursor.container
        allowed = schema_docs.keys(container)
        if not allowed and container and isinstance(container[-1], int):
            return _values(container[:-1], project)  # `- ` in a list of scalars: a value, not a key
        present = _present_keys(cursor.data, container)
        return [types.CompletionItem(label=name, kind=types.CompletionItemKind.Field, detail=doc,
                                     insert_text=f"{name}: ")
                for name, doc in allowed.items() if name not in present]
    return _values(cursor.container, project)


def _values(path: tuple, project: Project | None) -> list[types.CompletionItem]:
    register = REFERENCES.get(path[-1]) if len(path) == 3 and path[0] == "assets" else None
    if register and project is not None:
        return [types.CompletionItem(label=entry_id, kind=types.CompletionItemKind.Reference,
                                     detail=_summary(entry.data))
                for entry_id, entry in getattr(project, register).items()]
    return [types.CompletionItem(label=value, kind=types.CompletionItemKind.EnumMember)
            for value in schema_docs.values(path)]


def _present_keys(data: object, path: tuple) -> set[str]:
    node = data
    for step in path:
        if isinstance(node, dict) and step in node:
            node = node[step]
        elif isinstance(node, list) and isinstance(step, int) and step < len(node):
            node = node[step]
        else:
            return set()
    return set(node) if isinstance(node, dict) else set()


def _summary(data: dict) -> str:
    name = data.get("name") or data.get("reference") or ""
    scopes = data.get("scopes")
    return f"{name} ({', '.join(map(str, scopes))})" if isinstance(scopes, list) else str(name)
