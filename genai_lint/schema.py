"""The manifest JSON Schema: loading it, validating data with it, and wording its errors.

The schema file (``schemas/manifest-v1.schema.json``) is the single source of truth for
structure. Validation uses jsonschema-rs, built once per process; each error becomes a
:class:`SchemaError` with the data path it concerns, ready to be placed by the loader.
"""

from __future__ import annotations

import json
from collections import namedtuple
from functools import lru_cache
from pathlib import Path

from genai_lint.suggest import closest

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at every start-up
if TYPE_CHECKING:
    from typing import Any

SCHEMA_FILE = "manifest-v1.schema.json"


class SchemaError(namedtuple("SchemaError", "path message key field fix missing", defaults=(False, None, None, None))):
    """One schema violation. ``path`` is the data path (a tuple), ``message`` the text; ``key`` says to
    point at the key, not the value. ``field`` is the field that is wrong or missing, when the error
    is about one (used to skip policy rules); ``fix``, what to type instead, computed from the
    violation and the schema; ``missing``, for a missing required field, its name (M002 lists every
    missing field of a spot at once).
    """

    __slots__ = ()


def schema_text() -> str:
    return (Path(__file__).parent / "schemas" / SCHEMA_FILE).read_text(encoding="utf-8")


def audit_schema_text() -> str:
    """The JSON Schema of the audit report (``audit --format json``)."""
    return (Path(__file__).parent / "schemas" / "audit-report.schema.json").read_text(encoding="utf-8")


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


def _explain(error: Any, data: Any, unexpected: str = "") -> SchemaError:
    kind = type(error.kind).__name__
    path = tuple(error.instance_path)
    schema_path = list(error.schema_path)
    name = _field_name(list(path))
    value = error.instance
    parent = _subschema(schema_path)
    fix = None
    if kind == "Required":
        missing = error.kind.property
        why = " (required when content has a talent-* entry)" if "then" in schema_path else ""
        where = "the manifest" if not path else f"'{name}'" if not isinstance(path[-1], int) else "this entry"
        owner = _subschema(schema_path[:schema_path.index("then") + 1]) if "then" in schema_path else parent
        properties = owner.get("properties", {})
        return SchemaError(path, f"{where} is missing required field '{missing}'{why}",
                           field=_entry_field(path + (missing,)), missing=missing,
                           fix=example_line(missing, properties.get(missing, {})))
    if kind == "AdditionalProperties":
        known = sorted(parent.get("properties", {}))
        close = closest(unexpected, known)
        hint = f"; did you mean '{close}'?" if close else ""
        fix = f"rename it to `{close}`" if close else f"remove it, or rename it x-{unexpected} to keep it as an extension field"
        return SchemaError(path + (unexpected,), f"unknown field '{unexpected}'{hint}", key=True,
                           field=_entry_field(path + (unexpected,)), fix=fix)
    if kind == "Enum":
        options = [str(option) for option in parent.get("enum", [])]
        close = closest(value, options) if isinstance(value, str) else None
        hint = f"; did you mean '{close}'?" if close else ""
        message = f"{_describe(value)} is not a valid {name}: expected one of {', '.join(options)}{hint}"
        shown = close or options[0] if options else None
        if shown is not None:
            fix = f"write `{name}: {shown}`" if path and isinstance(path[-1], str) else f"write `{shown}` instead of `{value}`"
            if not close:
                fix += f" (or another of {', '.join(options)})"
    elif kind == "Constant":
        if name == "manifest_version" and value == str(parent.get("const")):
            message = f"manifest_version must be the number {parent.get('const')}, not the text {_describe(value)}"
            fix = f"write `manifest_version: {parent.get('const')}` (without quotes)"
        elif name == "manifest_version":
            message = f"unsupported manifest_version {_describe(value)}: this genai-lint reads version 1"
            fix = f"write `manifest_version: {parent.get('const')}`"
        else:
            message = f"{name} must be {json.dumps(parent.get('const'))}"
    elif kind == "Type":
        expected = parent.get("type")
        expected_text = " or ".join(expected) if isinstance(expected, list) else str(expected)
        expected_text = {"string": "text", "object": "a mapping", "array": "a list", "boolean": "true or false"}.get(
            expected_text, expected_text)
        message = f"{name} must be {expected_text}, not {_describe(value)}"
        fix = _type_fix(name, expected, value)
        if path == ():
            message = f"a manifest must be a mapping with manifest_version and production, not {_describe(value)}"
            fix = "start the file with manifest_version: 1 and a production: mapping (`genai-lint init` writes one)"
    elif kind in ("Pattern", "Format", "AnyOf", "OneOfNotValid", "MaxLength"):
        title = parent.get("title") or _resolve_title(parent) or name
        message = f"{_describe(value)} is not a valid {title}"
        if (kind == "Format" and parent.get("format") == "date") or title.startswith("date"):
            if kind == "Format":
                message = f"{_describe(value)} is not a real calendar date (YYYY-MM-DD)"
            fix = f'write a real date, quoted: `{name}: "YYYY-MM-DD"`'
        elif name == "sha256":
            fix = "run `genai-lint hash` to fill in the file's sha256"
        elif name == "rule" and "waivers" in path and isinstance(value, str) and _rule_code(value):
            fix = f"write `rule: {_rule_code(value)}` (a waiver names the rule by its code)"
        else:
            fix = f"write {title}" + (f" ({parent['description']})" if parent.get("description") else "")
    elif kind in ("MinItems", "MinLength"):
        message = f"{name} must not be empty"
        fix = f"write a value for {name}, or remove the field"
    elif kind == "UniqueItems":
        message = f"{name} lists the same value more than once"
        fix = "remove the repeated value"
    else:
        message = f"{name}: {error.message}"
    return SchemaError(path, message, field=_entry_field(path), fix=fix)


def _rule_code(text: str) -> str | None:
    """The code of the rule ``text`` names by code or name, in any case."""
    from genai_lint.rules import all_rules

    wanted = text.strip().lower()
    return next((code for code, rule in all_rules().items() if wanted in (code.lower(), rule.name)), None)


BOOLEAN_WORDS = {"yes": True, "y": True, "on": True, "no": False, "n": False, "off": False}
"""YAML 1.1 spellings that YAML 1.2 reads as text; what the writer meant."""


def _type_fix(name: str, expected: Any, value: Any) -> str | None:
    """The value to write instead of ``value`` for a field of type ``expected``."""
    if expected == "boolean" and isinstance(value, str) and value.lower() in BOOLEAN_WORDS:
        return f"write `{name}: {json.dumps(BOOLEAN_WORDS[value.lower()])}` (YAML 1.2 reads '{value}' as text)"
    if expected == "boolean":
        return f"write `{name}: true` or `{name}: false`"
    if expected == "array" and isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return f"write a list: `{name}: [{value}]`"
    return None


def example_line(field: str, subschema: dict) -> str:
    """A line to add for ``field``, with its allowed values: ```media: image` (one of image, video, ...)``."""
    node = _resolve_ref(subschema["$ref"]) if "$ref" in subschema else subschema
    items = node.get("items", {})
    items = _resolve_ref(items["$ref"]) if "$ref" in items else items
    if node.get("enum"):
        line, note = f"{field}: {node['enum'][0]}", f"one of {', '.join(map(str, node['enum']))}"
    elif node.get("type") == "boolean":
        line, note = f"{field}: false", "true or false"
    elif node.get("format") == "date":
        line, note = f'{field}: "YYYY-MM-DD"', ""
    elif node.get("type") == "array" and items.get("enum"):
        line, note = f"{field}: [{items['enum'][0]}]", f"any of {', '.join(map(str, items['enum']))}"
    elif node.get("type") == "object":
        line, note = f"{field}: {{{', '.join(f'{name}: ...' for name in node.get('required', []))}}}", ""
    else:
        line, note = f"{field}: ...", subschema.get("description", "").rstrip(".")
    return f"`{line}`" + (f" ({note})" if note else "")


def _entry_field(path: tuple) -> str | None:
    """For ``('assets', 3, 'inputs', 1, 'source')``: the entry's own field, ``'inputs'``."""
    if len(path) > 2 and path[0] in ("assets", "tools", "approvals") and isinstance(path[2], str):
        return path[2]
    return None


def _resolve_title(node: dict) -> str | None:
    ref = node.get("$ref")
    return _resolve_ref(ref).get("title") if ref else None
