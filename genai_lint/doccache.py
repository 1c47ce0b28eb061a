"""A cache of loaded sibling manifests, so a pre-commit run parses only what changed.

A manifest that was not asked for is loaded only for the cross-file rules (its ids, tools and
approvals), so its data and schema errors are enough; they depend on nothing but the file's
bytes, the schema and this genai-lint. They are kept as JSON (safe to read back, unlike
pickle or marshal) in ``.genai-lint-cache/documents/``, one file per manifest path, checked
against the SHA-256 of the bytes on every read. Positions are not cached: when one is needed
the document composes its node tree from the text it keeps. Any problem means "not cached".
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from genai_lint import __version__
from genai_lint.findings import Span
from genai_lint.hashing import CACHE_DIR, ensure_cache_folder
from genai_lint.loader import Document, DuplicateKey, decode
from genai_lint.schema import SchemaError, schema_text

FOLDER = "documents"
VALIDATED = "validated"
"""Entries that keep only the schema errors (of manifests asked for: their data is parsed anyway)."""


class DocumentCache:
    """Cached sibling manifests under ``root/.genai-lint-cache/documents``."""

    def __init__(self, root: Path, create: bool = True):
        self.folder = root / CACHE_DIR / FOLDER
        self.create = create
        self.flavour = hashlib.sha256((__version__ + schema_text()).encode()).hexdigest()[:16]

    def _file(self, path: Path, folder: str = FOLDER) -> Path:
        return self.folder.parent / folder / (hashlib.sha256(os.fsencode(path)).hexdigest()[:32] + ".json")

    def key(self, path: Path, raw: bytes) -> str:
        """The bytes' SHA-256 and the file's identity on this disk (inode, mtime): an entry
        committed to a repository by someone else never matches a fresh checkout."""
        info = os.stat(path)
        identity = f"{info.st_ino}:{info.st_mtime_ns}:{info.st_size}"
        return f"{self.flavour}:{identity}:{hashlib.sha256(raw).hexdigest()}"

    def load(self, path: Path, raw: bytes, key: str) -> tuple[Document, list[SchemaError]] | None:
        """The cached document and schema errors of ``path``, if they were cached under ``key``."""
        try:
            entry = self._entry(self._file(path), key)
            if entry is None:
                return None
            document = Document(path=path, data=entry["data"], root=None, source=decode(raw),
                                duplicates=[DuplicateKey(d[0], tuple(d[1]), Span(*d[2]), Span(*d[3]))
                                            for d in entry["duplicates"]],
                                hidden=[(Span(*span), text) for span, text in entry["hidden"]])
            errors = _errors(entry)
        except Exception:  # noqa: BLE001 - missing, stale, damaged: load it afresh
            return None
        return document, errors

    def schema_errors(self, path: Path, key: str) -> list[SchemaError] | None:
        """The validation result of ``path`` when its bytes and the schema are unchanged since it was kept.

        A manifest asked for is parsed every time (its findings need positions), but an unchanged
        one need not be validated again: the run does not even import the validator.
        """
        try:
            for file in (self._file(path, VALIDATED), self._file(path)):
                entry = self._entry(file, key)
                if entry is not None:
                    return _errors(entry)
        except Exception:  # noqa: BLE001 - missing, stale, damaged: validate afresh
            return None
        return None

    @staticmethod
    def _entry(file: Path, key: str) -> dict | None:
        entry = json.loads(file.read_text(encoding="utf-8"))
        return entry if entry["key"] == key else None

    def store(self, path: Path, key: str, document: Document, errors: list[SchemaError]) -> None:
        """Remember ``path``'s document; a failure to write just leaves it uncached."""
        self._write(self._file(path), {
            "key": key,
            "data": document.data,
            "errors": _error_rows(errors),
            "duplicates": [[d.key, list(d.path), _span(d.first), _span(d.second)] for d in document.duplicates],
            "hidden": [[_span(span), text] for span, text in document.hidden],
        })

    def store_schema_errors(self, path: Path, key: str, errors: list[SchemaError]) -> None:
        """Remember the validation result of a manifest asked for (its data is not kept)."""
        self._write(self._file(path, VALIDATED), {"key": key, "errors": _error_rows(errors)})

    def _write(self, target: Path, entry: dict) -> None:
        if not self.create:
            return
        try:
            text = json.dumps(entry, ensure_ascii=False)
            ensure_cache_folder(self.folder.parent)
            target.parent.mkdir(exist_ok=True)
            temporary = target.with_name(f"{target.name}.{os.getpid()}.tmp")
            temporary.write_text(text, encoding="utf-8")
            os.replace(temporary, target)
        except Exception:  # noqa: BLE001 - a cache that cannot be written is just a slower run
            return


def _error_rows(errors: list[SchemaError]) -> list[list[Any]]:
    return [[list(e.path), e.message, e.key, e.field, e.fix, e.missing] for e in errors]


def _errors(entry: dict) -> list[SchemaError]:
    return [SchemaError(tuple(e[0]), *e[1:6]) for e in entry["errors"]]


def _span(span: Span) -> list[Any]:
    return [span.line, span.column, span.end_line, span.end_column]
