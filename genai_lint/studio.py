"""Studio rules as data: a production's or studio's own rules, written in YAML, never code.

A rule is a code (S001-S999), a name, a severity, a summary, the four documentation headings,
a condition (``when``) and the asset field its finding points ``at``. A condition is built from
a closed set of operators (a ``field`` tested with ``equals``, ``in``, ``exists`` or
``matches``; ``all``, ``any`` and ``not``; ``cleared`` by an approval scope); each compiles to a
small predicate here, so nothing from the configuration is ever executed. Regular expressions
run under RE2 (linear time). Rules are validated against ``$defs/studio-rule`` of the published
configuration schema, then field names against the manifest schema; every error is one
``file:line:col: ...`` line with a did-you-mean.
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterator

from genai_lint.findings import Finding, Severity
from genai_lint.rules import Rule
from genai_lint.suggest import closest

Where = Callable[..., str]
"""``where(keys, key=False)``: the ``file:line:col`` of a key path inside the rules' file."""
Predicate = Callable[[Any, Any], bool]

ROOTS = ("asset", "tool", "approval", "production")
FIELD_TESTS = ("equals", "in", "exists", "matches")
COMBINATORS = ("all", "any", "not", "cleared")
MAX_DEPTH = 8


class StudioRuleError(Exception):
    """A bad studio rule: ``str(exc)`` starts with ``file:line:col:``."""


# -- reading ---------------------------------------------------------------------------------------


def load_studio_rules(items: Any, config: Path, where: Where, setting: str) -> list[Rule]:
    """The rules of the ``studio-rules`` setting: inline rules and the rule files it names."""
    if not isinstance(items, list):
        raise StudioRuleError(f"{where((setting,))}: {setting}: expected a list of rules or rule files")
    rules: list[Rule] = []
    for index, item in enumerate(items):
        if isinstance(item, str):
            path, data, file_where = _rule_file(item, config, where((setting, index)))
            if not isinstance(data, list):
                raise StudioRuleError(f"{file_where(())}: a studio rule file holds a list of rules")
            rules += [compile_rule(rule, file_where, (number,), path.name) for number, rule in enumerate(data)]
        else:
            rules.append(compile_rule(item, where, (setting, index), config.name))
    from genai_lint.rules import all_rules

    seen: dict[str, str] = {rule.name: f"built-in rule {code}" for code, rule in all_rules().items()}
    for rule in rules:
        for label in (rule.code, rule.name):
            if label in seen:
                raise StudioRuleError(f"{rule.source.removeprefix('studio rule, ')}: {label}: "
                                      f"also defined by {seen[label]}; studio codes and names are unique")
            seen[label] = rule.source.removeprefix("studio rule, ")
    return rules


def _rule_file(name: str, config: Path, here: str) -> tuple[Path, Any, Where]:
    """The rule file ``name`` (relative to the configuration, inside its folder), loaded with positions."""
    from genai_lint.loader import LoadError, load

    folder = config.parent.resolve()
    if os.path.isabs(name) or "://" in name:
        raise StudioRuleError(f"{here}: {name!r}: a rule file is a path relative to {config.name}, inside the project")
    path = folder / name
    real = Path(os.path.realpath(path))
    if real != folder and folder not in real.parents:
        raise StudioRuleError(f"{here}: {name!r} leaves the project folder; rule files stay inside it")
    if not real.is_file():
        raise StudioRuleError(f"{here}: {name!r}: no such rule file")
    try:
        document = load(real)
    except LoadError as exc:
        raise StudioRuleError(f"{path}:{exc.span.line}:{exc.span.column}: {exc.message}") from None

    def where(keys: tuple, key: bool = False) -> str:
        span = document.span(keys, key=key)
        return f"{path}:{span.line}:{span.column}"

    return path, document.data, where


# -- validating and compiling ----------------------------------------------------------------------


@lru_cache(maxsize=1)
def _validator() -> Any:
    import jsonschema_rs

    config = json.loads((Path(__file__).parent / "schemas" / "config.schema.json").read_text(encoding="utf-8"))
    return jsonschema_rs.validator_for({"$ref": "#/$defs/studio-rule", "$defs": config["$defs"]})


@lru_cache(maxsize=1)
def _schema_defs() -> dict:
    config = json.loads((Path(__file__).parent / "schemas" / "config.schema.json").read_text(encoding="utf-8"))
    return config["$defs"]


def compile_rule(data: Any, where: Where, at: tuple, file_name: str) -> Rule:
    """One validated rule as a :class:`Rule` whose check evaluates its condition on an asset."""
    if not isinstance(data, dict):
        raise StudioRuleError(f"{where(at)}: a studio rule is a mapping (code, name, severity, ..., when, at)")
    _check_schema(data, where, at)
    depth = _depth(data["when"])
    if depth > MAX_DEPTH:
        raise StudioRuleError(f"{where(at + ('when',))}: the condition nests {depth} levels; at most {MAX_DEPTH}")
    predicate = _condition(data["when"], where, at + ("when",))
    pointer = tuple(data["at"].split(".")[1:])
    _known_field("asset." + ".".join(pointer), where, at + ("at",))
    code, summary = data["code"], data["summary"].strip()
    doc = (f"## What it checks\n{data['what'].strip()}\n\n## Why\n{data['why'].strip()}\n\n"
           f"## Example\n```yaml\n{data['example'].strip()}\n```\n\n## Fix\n{data['fix'].strip()}")
    fix = data["fix"].strip().splitlines()[0]

    def check(asset: Any, ctx: Any) -> Iterator[Finding]:
        if predicate(asset, ctx):
            yield ctx.finding(code, asset, _pointed(asset.data, pointer), f"asset {asset.label()}: {summary}", fix=fix)

    line = where(at).rsplit(":", 2)[-2]
    return Rule(code, data["name"], Severity.parse(data["severity"]), summary, doc, "asset", check,
                f"studio rule, {file_name}:{line}")


def _check_schema(data: dict, where: Where, at: tuple) -> None:
    errors = list(_validator().iter_errors(data))
    if not errors:
        return
    error = min(errors, key=lambda e: len(e.instance_path))
    path = tuple(error.instance_path)
    kind = type(error.kind).__name__
    defs = _schema_defs()
    owner = defs["condition"] if "when" in path else defs["studio-rule"]
    if kind == "AdditionalProperties":
        unexpected = error.kind.unexpected[0]
        known = list(owner["properties"])
        close = closest(unexpected, known, cutoff=0.5)
        what = "operator" if owner is defs["condition"] else "key"
        hint = f"; did you mean '{close}'?" if close else f"; expected one of {', '.join(known)}"
        raise StudioRuleError(f"{where(at + path + (unexpected,), key=True)}: unknown {what} '{unexpected}'{hint}")
    if kind == "Required":
        raise StudioRuleError(f"{where(at + path)}: missing required key '{error.kind.property}'")
    name = next((step for step in reversed(path) if isinstance(step, str)), "rule")
    if kind == "Enum":
        options = owner["properties"].get(name, {}).get("enum", [])
        close = closest(str(error.instance), options, cutoff=0.5)
        hint = f"; did you mean '{close}'?" if close else ""
        raise StudioRuleError(f"{where(at + path)}: {name}: {error.instance!r} is not one of {', '.join(options)}{hint}")
    if kind == "Pattern" and name in owner["properties"]:
        raise StudioRuleError(f"{where(at + path)}: {name}: {error.instance!r} is not valid: "
                              f"{owner['properties'][name]['description']}")
    raise StudioRuleError(f"{where(at + path)}: {name}: {error.message}")


def _depth(condition: Any) -> int:
    if not isinstance(condition, dict):
        return 0
    children = [child for key in ("all", "any") for child in condition.get(key) or ()] + \
               ([condition["not"]] if "not" in condition else [])
    return 1 + max((_depth(child) for child in children), default=0)


def _condition(condition: dict, where: Where, at: tuple) -> Predicate:
    """The predicate of one condition, checked: one operator, known fields, values the field can take."""
    operators = [key for key in condition if key != "field"]
    if "field" in condition:
        tests = [key for key in operators if key in FIELD_TESTS]
        if len(operators) != 1 or not tests:
            raise StudioRuleError(f"{where(at, key=False)}: a field test needs exactly one of {', '.join(FIELD_TESTS)}")
        return _field_test(condition["field"], tests[0], condition[tests[0]], where, at)
    if len(operators) != 1 or operators[0] not in COMBINATORS:
        lone = next((key for key in operators if key in FIELD_TESTS), None)
        reason = f"'{lone}' needs a field" if lone else f"write exactly one of {', '.join(COMBINATORS)}"
        raise StudioRuleError(f"{where(at)}: {reason}")
    operator, value = operators[0], condition[operators[0]]
    if operator == "cleared":
        return lambda asset, ctx: ctx.clearance(asset, value) == "approved"
    if operator == "not":
        inner = _condition(value, where, at + ("not",))
        return lambda asset, ctx: not inner(asset, ctx)
    parts = [_condition(child, where, at + (operator, index)) for index, child in enumerate(value)]
    combine = all if operator == "all" else any
    return lambda asset, ctx: combine(part(asset, ctx) for part in parts)


def _field_test(field: str, operator: str, expected: Any, where: Where, at: tuple) -> Predicate:
    schema = _known_field(field, where, at + ("field",))
    root, *keys = field.split(".")
    allowed = schema.get("enum") or schema.get("items", {}).get("enum")
    for index, value in enumerate(expected if operator == "in" else [expected] if operator == "equals" else []):
        if allowed and value not in allowed:
            close = closest(str(value), [str(option) for option in allowed], cutoff=0.5)
            hint = f"; did you mean '{close}'?" if close else f"; expected one of {', '.join(map(str, allowed))}"
            place = at + ((operator, index) if operator == "in" else (operator,))
            raise StudioRuleError(f"{where(place)}: {field} is never {value!r}{hint}")
    if operator == "equals":
        return lambda asset, ctx: expected in _values(asset, ctx, root, keys)
    if operator == "in":
        wanted = list(expected)
        return lambda asset, ctx: any(value in wanted for value in _values(asset, ctx, root, keys))
    if operator == "exists":
        return lambda asset, ctx: bool(_values(asset, ctx, root, keys)) == expected
    pattern = _regex(expected, where, at + ("matches",))
    return lambda asset, ctx: any(isinstance(value, str) and pattern.search(value) is not None
                                  for value in _values(asset, ctx, root, keys))


def _regex(pattern: str, where: Where, at: tuple) -> Any:
    """``pattern`` compiled as the watch list's are: RE2 (linear time, no backtracking), any case."""
    import re2

    from genai_lint.watchlist import pattern_error, re2_options

    problem = pattern_error(pattern, "a studio rule")
    if problem:
        raise StudioRuleError(f"{where(at)}: {problem}")
    return re2.compile(pattern, re2_options())


# -- fields ----------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def known_fields() -> dict[str, dict]:
    """Every field a condition may test (``asset.talent.consent``...), with its manifest subschema."""
    from genai_lint.schema import schema

    manifest = schema()
    fields: dict[str, dict] = {}

    def resolve(node: dict) -> dict:
        while "$ref" in node:
            target: Any = manifest
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part]
            node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
        return node

    def walk(prefix: str, node: dict, depth: int) -> None:
        node = resolve(node)
        if node.get("type") == "array" and isinstance(node.get("items"), dict):
            items = resolve(node["items"])
            if "properties" in items:
                node = items
        for name, child in node.get("properties", {}).items():
            child = resolve(child)
            fields[f"{prefix}.{name}"] = child
            if depth < 4:
                walk(f"{prefix}.{name}", child, depth + 1)

    walk("asset", manifest["$defs"]["asset"], 0)
    walk("tool", manifest["$defs"]["tool"], 0)
    walk("approval", manifest["$defs"]["approval"], 0)
    walk("production", manifest["properties"]["production"], 0)
    return fields


def _known_field(field: str, where: Where, at: tuple) -> dict:
    fields = known_fields()
    if field in fields:
        return fields[field]
    close = closest(field, fields, cutoff=0.5)
    hint = f"; did you mean '{close}'?" if close else "; `genai-lint schema` lists the manifest's fields"
    raise StudioRuleError(f"{where(at)}: unknown field '{field}'{hint}")


def _values(asset: Any, ctx: Any, root: str, keys: list[str]) -> list:
    """Every value at ``keys`` under ``root`` for this asset; lists are searched item by item."""
    if root == "asset":
        nodes: list = [asset.data]
    elif root == "tool":
        nodes = [tool.data for _, tool in ctx.tools_of(asset) + ctx.pipeline_tools(asset)]
    elif root == "approval":
        nodes = [approval.data for _, approval in ctx.approval_refs(asset)]
    else:
        nodes = [asset.manifest.data.get("production")]
    for key in keys:
        nodes = [item[key] for node in nodes for item in (node if isinstance(node, list) else [node])
                 if isinstance(item, dict) and item.get(key) is not None]
    return [item for node in nodes for item in (node if isinstance(node, list) else [node])]


def _pointed(data: dict, keys: tuple) -> tuple:
    """The longest prefix of ``keys`` present in the asset (the asset's id when none is)."""
    path: tuple = ()
    node: Any = data
    for key in keys:
        if not isinstance(node, dict) or key not in node:
            break
        path, node = path + (key,), node[key]
    return path or ("id",)
