"""A cache of loaded sibling manifests, so a pre-commit run parses only what changed.

A manifest that was not asked for is loaded only for the cross-file rules (its ids, tools and
approvals), so its data and schema errors are enough; they depend on nothing but the file's
bytes, the schema and this genai-lint. They are kept as JSON (safe to read back, unlike
pickle or marshal) in ``.genai-lint-cache/documents/``, one file per manifest path, checked
against the BLAKE2b digest of the bytes and the file's identity on this disk on every read. An entry is
read only when it is a plain file of this user's, below a size cap, without following a symlink
or waiting on a FIFO (:mod:`genai_lint.cachefiles`); any other is ignored, said once, and
replaced by the next write. Positions are not cached: when one is needed the document composes
the top of its node tree from the text it keeps, then the entry asked about (see
:class:`~genai_lint.loader.EntryStub`). Any problem means "not cached".
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from genai_lint import __version__
from genai_lint.findings import Span
from genai_lint.cachefiles import CACHE_DIR, cache_folder, read_capped, say_ignored, trusted_folder
from genai_lint.loader import Document, DuplicateKey, decode
from genai_lint.schema import SchemaError, schema_text

try:  # hashlib's own blake2b, without the OpenSSL that importing hashlib loads (~3.5 ms at every start);
    from _blake2 import blake2b  # random.py imports _sha512 the same way, for the same reason
except ImportError:  # a Python built without its own BLAKE2
    from hashlib import blake2b

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at every start-up
if TYPE_CHECKING:
    from typing import Any

FOLDER = "documents"
VALIDATED = "validated"
"""Entries that keep only the schema errors (of manifests asked for: their data is parsed anyway)."""
ENTRY_CAP = 1 << 20
"""Bytes an entry may hold beyond eight times its manifest's size (its data, errors and positions)."""


class DocumentCache:
    """Cached sibling manifests under ``root/.genai-lint-cache/documents``."""

    def __init__(self, root: Path, create: bool = True):
        self.folder = root / CACHE_DIR / FOLDER
        self.create = create
        self.flavour = blake2b((__version__ + schema_text()).encode(), digest_size=8).hexdigest()
        self.root = root
        self.bytes_read = 0
        """Bytes read from cache entries (the size cap's tests count them)."""
        self._usable: dict[Path, bool] = {}

    def _file(self, path: Path, folder: str = FOLDER) -> Path:
        return self.folder.parent / folder / (blake2b(os.fsencode(path), digest_size=16).hexdigest() + ".json")

    def key(self, path: Path, raw: bytes) -> str:
        """The bytes' BLAKE2b digest and the file's identity on this disk (device, inode, mtime, ctime): an
        entry committed to a repository by someone else never matches a fresh checkout."""
        info = os.stat(path)
        identity = f"{info.st_dev}:{info.st_ino}:{info.st_mtime_ns}:{info.st_ctime_ns}:{info.st_size}"
        return f"{self.flavour}:{identity}:{blake2b(raw, digest_size=32).hexdigest()}"

    def load(self, path: Path, raw: bytes, key: str) -> tuple[Document, list[SchemaError]] | None:
        """The cached document and schema errors of ``path``, if they were cached under ``key``."""
        try:
            entry = self._entry(self._file(path), key, len(raw))
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
            size = os.stat(path).st_size
            for file in (self._file(path, VALIDATED), self._file(path)):
                entry = self._entry(file, key, size)
                if entry is not None:
                    return _errors(entry)
        except Exception:  # noqa: BLE001 - missing, stale, damaged: validate afresh
            return None
        return None

    def _entry(self, file: Path, key: str, manifest_size: int) -> dict | None:
        """The entry in ``file`` if it was kept under ``key``; an untrusted file is not read."""
        if not self._folder_usable(file.parent, create=False) or not os.path.lexists(file):
            return None
        text = read_capped(file, limit=ENTRY_CAP + 8 * manifest_size)
        if isinstance(text, str):
            say_ignored(file, self.root, text, rebuilt=self.create)
            return None
        self.bytes_read += len(text)
        entry = json.loads(text)
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
        """Put ``entry`` in ``target``, replacing whatever stood there (never following it)."""
        if not self.create or not self._folder_usable(target.parent, create=True):
            return
        from genai_lint.writing import write_private  # a run of unchanged manifests writes nothing

        try:
            write_private(target, json.dumps(entry, ensure_ascii=False))
        except Exception:  # noqa: BLE001 - a cache that cannot be written is just a slower run
            return

    def _folder_usable(self, folder: Path, create: bool) -> bool:
        """Whether the cache folder and ``folder`` in it are real folders of this user's (made now, when
        ``create``); the first time one is not, the run says so."""
        if not self._usable.get(folder) and (folder not in self._usable or create):
            trusted, checked = cache_folder(self.root, create), folder.parent
            if isinstance(trusted, Path):
                trusted, checked = trusted_folder(folder, create), folder
            if isinstance(trusted, str):
                say_ignored(checked, self.root, trusted, rebuilt=False)
            self._usable[folder] = isinstance(trusted, Path)
        return self._usable[folder]


def _error_rows(errors: list[SchemaError]) -> list[list[Any]]:
    return [[list(e.path), e.message, e.key, e.field, e.fix, e.missing] for e in errors]


def _errors(entry: dict) -> list[SchemaError]:
    return [SchemaError(tuple(path), message, key, field, fix, missing)  # a shorter, older row is a miss
            for path, message, key, field, fix, missing in entry["errors"]]


def _span(span: Span) -> list[Any]:
    return [span.line, span.column, span.end_line, span.end_column]
