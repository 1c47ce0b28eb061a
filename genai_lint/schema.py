"""The manifest JSON Schema: loading it, validating data with it, and wording its errors.

The schema file (``schemas/manifest-v1.schema.json``) is the single source of truth for
structure. Validation uses jsonschema-rs, built once per process; each error becomes a
:class:`SchemaError` with the data path it concerns, ready to be placed by the loader.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

SCHEMA_FILE = "manifest-v1.schema.json"


@dataclass(frozen=True, slots=True)
class SchemaError:
    """One schema violation. ``path`` is the data path; ``key`` says to point at the key, not the value."""

    path: tuple
    message: str
    key: bool = False
    field: str | None = None
    """The field that is wrong or missing, when the error is about one (used to skip policy rules)."""


def schema_text() -> str:
    return (Path(__file__).parent / "schemas" / SCHEMA_FILE).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def schema() -> dict:
    return json.loads(schema_text())


@lru_cache(maxsize=1)
def _validator() -> Any:
    import jsonschema_rs

    return jsonschema_rs.validator_for(schema(), validate_formats=True)


def validate(data: Any) -> list[SchemaError]:
    """Every violation of the manifest schema in ``data``, in document order."""
    validator = _validator()
    if validator.is_valid(data):
        return []
    try:
        errors = list(validator.iter_errors(data))
    except ValueError:  # jsonschema-rs cannot hand back a value nested more than 255 levels deep
        data = _shallow(data, SHALLOW_DEPTH)
        errors = list(validator.iter_errors(data))
    return [explained for error in errors for explained in _each_violation(error, data)]


def _each_violation(error: Any, data: Any) -> list[SchemaError]:
    """One explained error per violation: several unknown keys in one mapping are several findings."""
    if type(error.kind).__name__ == "AdditionalProperties":
        return [_explain(error, data, unexpected) for unexpected in error.kind.unexpected]
    return [_explain(error, data)]


SHALLOW_DEPTH = 64
"""No rule of the schema looks this deep (extension fields, which may nest, are not checked inside)."""


def _shallow(value: Any, depth: int) -> Any:
    """``value`` with what lies more than ``depth`` levels down replaced by a marker, for reporting errors."""
    if isinstance(value, dict):
        return {key: _shallow(item, depth - 1) for key, item in value.items()} if depth else "…"
    if isinstance(value, list):
        return [_shallow(item, depth - 1) for item in value] if depth else "…"
    return value


def _subschema(schema_path: list) -> dict:
    """The schema object that holds the failing keyword (``$ref``s resolved)."""
    node: Any = schema()
    for step in schema_path[:-1]:
        node = node[step]
        while isinstance(node, dict) and "$ref" in node and step != "$ref":
            node = _resolve_ref(node["$ref"])
    return node if isinstance(node, dict) else {}


def _resolve_ref(ref: str) -> dict:
    node: Any = schema()
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node


def _describe(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, (int, float)):
        return f"number {value!r}"
    if isinstance(value, str):
        return f"'{value}'"
    return "a list" if isinstance(value, list) else "a mapping"


def _field_name(path: list) -> str:
    for step in reversed(path):
        if isinstance(step, str):
            return step
    return "manifest"


def _did_you_mean(word: str, options: list[str]) -> str:
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def _explain(error: Any, data: Any, unexpected: str = "") -> SchemaError:
    kind = type(error.kind).__name__
    path = tuple(error.instance_path)
    schema_path = list(error.schema_path)
    name = _field_name(list(path))
    value = error.instance
    parent = _subschema(schema_path)
    if kind == "Required":
        missing = error.kind.property
        why = " (required when content has a talent-* entry)" if "then" in schema_path else ""
        where = "the manifest" if not path else f"'{name}'" if not isinstance(path[-1], int) else "this entry"
        return SchemaError(path, f"{where} is missing required field '{missing}'{why}",
                           field=_entry_field(path + (missing,)))
    if kind == "AdditionalProperties":
        known = sorted(parent.get("properties", {}))
        hint = _did_you_mean(unexpected, known)
        return SchemaError(path + (unexpected,), f"unknown field '{unexpected}'{hint}", key=True,
                           field=_entry_field(path + (unexpected,)))
    if kind == "Enum":
        options = [str(option) for option in parent.get("enum", [])]
        hint = _did_you_mean(str(value), options) if isinstance(value, str) else ""
        message = f"{_describe(value)} is not a valid {name}: expected one of {', '.join(options)}{hint}"
    elif kind == "Constant":
        if name == "manifest_version":
            message = f"unsupported manifest_version {_describe(value)}: this genai-lint reads version 1"
        else:
            message = f"{name} must be {json.dumps(parent.get('const'))}"
    elif kind == "Type":
        expected = parent.get("type")
        expected_text = " or ".join(expected) if isinstance(expected, list) else str(expected)
        expected_text = {"string": "text", "object": "a mapping", "array": "a list", "boolean": "true or false"}.get(
            expected_text, expected_text)
        message = f"{name} must be {expected_text}, not {_describe(value)}"
        if path == ():
            message = f"a manifest must be a mapping with manifest_version and production, not {_describe(value)}"
    elif kind in ("Pattern", "Format", "AnyOf", "OneOfNotValid", "MaxLength"):
        title = parent.get("title") or _resolve_title(parent) or name
        message = f"{_describe(value)} is not a valid {title}"
        if kind == "Format" and parent.get("format") == "date":
            message = f"{_describe(value)} is not a real calendar date (YYYY-MM-DD)"
    elif kind == "MinItems":
        message = f"{name} must not be empty"
    elif kind == "MinLength":
        message = f"{name} must not be empty"
    elif kind == "UniqueItems":
        message = f"{name} lists the same value more than once"
    else:
        message = f"{name}: {error.message}"
    return SchemaError(path, message, field=_entry_field(path))


def _entry_field(path: tuple) -> str | None:
    """For ``('assets', 3, 'inputs', 1, 'source')``: the entry's own field, ``'inputs'``."""
    if len(path) > 2 and path[0] in ("assets", "tools", "approvals") and isinstance(path[2], str):
        return path[2]
    return None


def _resolve_title(node: dict) -> str | None:
    ref = node.get("$ref")
    return _resolve_ref(ref).get("title") if ref else None
