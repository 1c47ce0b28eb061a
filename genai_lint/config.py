"""Settings: defaults, then ``.genai-lint.yaml`` or ``[tool.genai-lint]`` in ``pyproject.toml``, then flags.

The file that configures a project is also what marks its root (SPEC section 2), so the
walk that finds one finds the other.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from genai_lint.findings import Severity

CONFIG_NAMES = (".genai-lint.yaml", ".genai-lint.yml")
DEFAULT_MANIFESTS = ("genai-manifest.yaml", "genai-manifest.yml")
DEFAULT_EXCLUDE = (".git", ".hg", ".svn", ".venv", "venv", "node_modules", "__pycache__", ".tox", ".genai-lint-cache")


class ConfigError(Exception):
    """A configuration problem: the CLI prints it on one line and exits 2."""


@dataclass
class Watchlist:
    """Terms (whole words, any case) and regular expressions that G103 looks for in prompts."""

    terms: list[str] = field(default_factory=list)
    patterns: list[str] = field(default_factory=list)
    defaults: bool = True


@dataclass
class Settings:
    """Everything that shapes a run. ``sources`` says where each non-default value came from."""

    select: list[str] = field(default_factory=lambda: ["ALL"])
    ignore: list[str] = field(default_factory=list)
    extend_select: list[str] = field(default_factory=list)
    severity: dict[str, Severity] = field(default_factory=dict)
    per_path_ignores: dict[str, list[str]] = field(default_factory=dict)
    fail_on: Severity = Severity.ERROR
    watchlist: Watchlist = field(default_factory=Watchlist)
    expiring_days: int = 30
    manifests: list[str] = field(default_factory=lambda: list(DEFAULT_MANIFESTS))
    exclude: list[str] = field(default_factory=list)
    date: dt.date = field(default_factory=dt.date.today)
    check_files: bool = True
    config_file: Path | None = None
    sources: dict[str, str] = field(default_factory=dict)

    def set(self, key: str, value: Any, source: str) -> None:
        setattr(self, key, value)
        self.sources[key] = source


KEYS = ("select", "ignore", "extend-select", "severity", "per-path-ignores", "fail-on", "watchlist",
        "expiring-days", "manifests", "exclude")


def find_config(start: Path) -> Path | None:
    """The nearest ``.genai-lint.yaml`` or ``pyproject.toml`` with ``[tool.genai-lint]``, walking up."""
    for directory in (start, *start.parents):
        for name in CONFIG_NAMES:
            candidate = directory / name
            if candidate.is_file():
                return candidate
        pyproject = directory / "pyproject.toml"
        if pyproject.is_file() and _pyproject_table(pyproject) is not None:
            return pyproject
    return None


def _pyproject_table(path: Path) -> dict | None:
    import tomllib

    try:
        with open(path, "rb") as stream:
            data = tomllib.load(stream)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None
    table = data.get("tool", {}).get("genai-lint")
    return table if isinstance(table, dict) else None


def load_config(path: Path, settings: Settings) -> None:
    """Apply the configuration file at ``path`` to ``settings``."""
    if path.name == "pyproject.toml":
        table = _pyproject_table(path) or {}
        locate = lambda key: f"{path}: [tool.genai-lint] {key}"  # noqa: E731
    else:
        from genai_lint.loader import LoadError, load

        try:
            document = load(path)
        except LoadError as exc:
            raise ConfigError(f"{path}:{exc.span.line}:{exc.span.column}: {exc.message}") from None
        table = document.data if document.data is not None else {}
        if not isinstance(table, dict):
            raise ConfigError(f"{path}:1:1: the configuration must be a mapping of settings")

        def locate(key: str) -> str:
            span = document.span((key,), key=True)
            return f"{path}:{span.line}:{span.column}: {key}"

    settings.config_file = path
    for raw_key, value in table.items():
        key = str(raw_key).replace("_", "-")
        if key not in KEYS:
            close = difflib.get_close_matches(key, KEYS, n=1, cutoff=0.5)
            hint = f"; did you mean '{close[0]}'?" if close else f"; known settings: {', '.join(KEYS)}"
            raise ConfigError(f"{locate(str(raw_key))}: unknown setting{hint}")
        try:
            _apply(settings, key, value, str(path))
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"{locate(str(raw_key))}: {exc}") from None


def _codes(value: Any) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise TypeError("expected a list of rule codes or prefixes, e.g. [G2, M010]")
    return [item.strip().upper() for item in value]


def _apply(settings: Settings, key: str, value: Any, source: str) -> None:
    attribute = key.replace("-", "_")
    if key in ("select", "ignore", "extend-select"):
        parsed: Any = _codes(value)
    elif key == "severity":
        if not isinstance(value, dict):
            raise TypeError("expected a mapping of rule code to error, warning or info")
        parsed = {str(code).upper(): Severity.parse(str(level)) for code, level in value.items()}
    elif key == "per-path-ignores":
        if not isinstance(value, dict):
            raise TypeError("expected a mapping of path glob to a list of rule codes")
        parsed = {str(glob): _codes(codes) for glob, codes in value.items()}
    elif key == "fail-on":
        parsed = Severity.parse(str(value))
    elif key == "expiring-days":
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError("expected a whole number of days, 0 or more")
        parsed = value
    elif key in ("manifests", "exclude"):
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise TypeError("expected a list of glob patterns")
        parsed = list(value)
    else:
        parsed = _watchlist(value)
    settings.set(attribute, parsed, source)


def _watchlist(value: Any) -> Watchlist:
    if not isinstance(value, dict):
        raise TypeError("expected a mapping with 'terms', 'patterns' and optionally 'defaults: false'")
    unknown = set(value) - {"terms", "patterns", "defaults"}
    if unknown:
        raise ValueError(f"unknown watchlist key '{sorted(unknown)[0]}' (expected terms, patterns, defaults)")
    import re

    terms, patterns = value.get("terms", []), value.get("patterns", [])
    for items in (terms, patterns):
        if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
            raise TypeError("watchlist terms and patterns must be lists of text")
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"watchlist pattern {pattern!r} is not a valid regular expression: {exc}") from None
    return Watchlist(list(terms), list(patterns), bool(value.get("defaults", True)))
