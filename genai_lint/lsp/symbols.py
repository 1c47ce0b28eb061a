"""The outline of a manifest: its tools, approvals and assets."""

from __future__ import annotations

from typing import Callable

from lsprotocol import types

from genai_lint.findings import Span
from genai_lint.loader import Document

KINDS = {"tools": types.SymbolKind.Class, "approvals": types.SymbolKind.Key, "assets": types.SymbolKind.File}


def outline(document: Document, to_range: Callable[[Span], types.Range]) -> list[types.DocumentSymbol]:
    """One symbol per register with its entries as children, named by their ids."""
    data = document.data if isinstance(document.data, dict) else {}
    symbols = []
    for register, kind in KINDS.items():
        items = data.get(register)
        if not isinstance(items, list):
            continue
        children = []
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                continue
            name = item.get("id") if isinstance(item.get("id"), str) else f"{register[:-1]} #{index + 1}"
            detail = item.get("name") or item.get("path") or item.get("reference")
            where = to_range(document.span((register, index, "id") if "id" in item else (register, index)))
            children.append(types.DocumentSymbol(name=name, kind=kind, range=where, selection_range=where,
                                                 detail=str(detail) if detail else None))
        name_range = to_range(document.span((register,), key=True))
        whole = types.Range(name_range.start, children[-1].range.end) if children else name_range
        symbols.append(types.DocumentSymbol(name=register, kind=types.SymbolKind.Namespace, range=whole,
                                            selection_range=name_range, children=children))
    return symbols
