"""Settings: defaults, then ``.genai-lint.yaml`` or ``[tool.genai-lint]`` in ``pyproject.toml``, then flags.

The file that configures a project is also what marks its root (SPEC section 2), so the
walk that finds one finds the other.

Every problem in a configuration file is a :class:`ConfigError` whose text starts with
``file:line:col:`` and names the setting, so the command line can print it on one line.
``genai_lint/schemas/config.schema.json`` describes the same keys for editors; a test keeps
the two in step.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import namedtuple
from collections.abc import Callable
from pathlib import Path

from genai_lint.findings import Severity
from genai_lint.safe_text import json_dumps, printable

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at every start-up
if TYPE_CHECKING:
    from typing import Any

CONFIG_NAMES = (".genai-lint.yaml", ".genai-lint.yml")
DEFAULT_MANIFESTS = ("genai-manifest.yaml", "genai-manifest.yml")
DEFAULT_EXCLUDE = (".git", ".hg", ".svn", ".venv", "venv", "node_modules", "__pycache__", ".tox", ".genai-lint-cache")
COMMAND_LINE = "command line"


class ConfigError(Exception):
    """A configuration problem: the CLI prints it on one line and exits 2."""


class Watchlist(namedtuple("Watchlist", "terms patterns defaults", defaults=((), (), True))):
    """Terms (whole words, any case) and regular expressions that G103 looks for in prompts (lists of
    text), and whether the built-in ``defaults`` apply too."""

    __slots__ = ()


class Settings:
    """Everything that shapes a run: the defaults, then ``values`` by name (``Settings(exclude=[...])``).

    ``accept_unread`` (``gate``): globs of delivered files the production accepts unread (no reader
    for their format), each with its reason. ``cache_writes`` is False for runs that promise to
    write nothing (``hash --check``): caches are read, never created. ``studio_rules``: the studio's
    own rules (:class:`genai_lint.rules.Rule`, codes S001-S999), from ``studio-rules``. ``sources``
    says where each non-default value came from.
    """

    def __init__(self, **values: Any):
        self.profiles: list[str] = ["netflix-2025"]
        self.select: list[str] = ["ALL"]
        self.ignore: list[str] = []
        self.extend_select: list[str] = []
        self.severity: dict[str, Severity] = {}
        self.per_path_ignores: dict[str, list[str]] = {}
        self.fail_on = Severity.ERROR
        self.watchlist = Watchlist()
        self.expiring_days = 30
        self.manifests: list[str] = list(DEFAULT_MANIFESTS)
        self.exclude: list[str] = []
        self.accept_unread: dict[str, str] = {}
        self.date = dt.date.today()
        self.check_files = True
        self.cache = True
        self.cache_writes = True
        self.quiet = False
        self.studio_rules: list = []
        self.config_file: Path | None = None
        self.sources: dict[str, str] = {}
        for key, value in values.items():
            if not hasattr(self, key):
                raise TypeError(f"no setting {key!r}")
            setattr(self, key, value)

    def set(self, key: str, value: Any, source: str) -> None:
        setattr(self, key, value)
        self.sources[key] = source


KEYS = ("profiles", "select", "ignore", "extend-select", "severity", "per-path-ignores", "fail-on", "watchlist",
        "expiring-days", "manifests", "exclude", "accept-unread", "studio-rules")
"""The settings a configuration file may hold, in their canonical spelling.

Each may also be written with underscores (``expiring_days``, as SPEC section 5 does), but not both ways."""

SEVERITIES = tuple(str(severity) for severity in sorted(Severity, reverse=True))
WATCHLIST_KEYS = ("terms", "patterns", "defaults")

Locate = Callable[..., "tuple[int, int] | None"]


class _Invalid(Exception):
    """A bad value; ``at`` is where, relative to the setting (a mapping key or list index)."""

    def __init__(self, message: str, *at: Any, key: bool = False):
        super().__init__(message)
        self.at = at
        self.key = key


# -- finding and reading the file ------------------------------------------------------------------


def _close_matches(word: str, options: Any) -> list[str]:
    """The one option close to ``word``, if any (for "did you mean"; difflib is imported only then)."""
    import difflib

    return difflib.get_close_matches(word, options, n=1, cutoff=0.5)


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
    """The ``[tool.genai-lint]`` table of a TOML file, or ``None`` when it has none."""
    import tomllib

    from genai_lint.containment import OUTSIDE, inside

    if not inside(path, path.parent):
        raise ConfigError(f"{path}: {OUTSIDE}")
    try:
        with open(path, "rb") as stream:
            data = tomllib.load(stream)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"\s*\(at line (\d+), column (\d+)\)$", str(exc))
        where = f"{found.group(1)}:{found.group(2)}" if found else "1:1"
        reason = str(exc)[: found.start()] if found else str(exc)
        raise ConfigError(f"{path}:{where}: not valid TOML: {reason}") from None
    tool = data.get("tool")
    if not isinstance(tool, dict) or "genai-lint" not in tool:
        return None
    table = tool["genai-lint"]
    if not isinstance(table, dict):
        line, column = _toml_locator(path)(()) or (1, 1)
        raise ConfigError(f"{path}:{line}:{column}: tool.genai-lint: expected a table of settings")
    return table


def _read(path: Path) -> tuple[dict, Locate]:
    """The settings table of ``path`` and a function from a key path to its (line, column)."""
    if path.suffix == ".toml":
        table = _pyproject_table(path)
        if table is None:
            raise ConfigError(f"{path}:1:1: no [tool.genai-lint] table in this file")
        return table, _toml_locator(path)
    from genai_lint.containment import OUTSIDE, inside
    from genai_lint.loader import LoadError, load

    if not inside(path, path.parent):
        raise ConfigError(f"{path}: {OUTSIDE}")
    try:
        document = load(path)
    except LoadError as exc:
        raise ConfigError(f"{path}:{exc.span.line}:{exc.span.column}: {exc.message}") from None
    if document.duplicates:
        repeated = document.duplicates[0]
        dotted = ".".join(str(step) for step in (*repeated.path, repeated.key))
        raise ConfigError(f"{path}:{repeated.second.line}:{repeated.second.column}: {dotted}: "
                          f"repeated key (first set on line {repeated.first.line}); keep one")
    table = document.data if document.data is not None else {}
    if not isinstance(table, dict):
        raise ConfigError(f"{path}:1:1: the configuration must be a mapping of settings")

    def locate(keys: tuple, key: bool = False) -> tuple[int, int]:
        span = document.span(keys, key=key)
        return span.line, span.column

    return table, locate


_TOML_KEY = r"""(?:"[^"]*"|'[^']*'|[A-Za-z0-9_-]+)"""
_TOML_HEADER = rf"^\s*\[\[?\s*({_TOML_KEY}(?:\s*\.\s*{_TOML_KEY})*)\s*\]\]?"
_TOML_ASSIGN = rf"^(\s*)({_TOML_KEY}(?:\s*\.\s*{_TOML_KEY})*)\s*="
"""Patterns compiled on first use (re's cache): only a TOML configuration needs them."""


def _toml_parts(dotted: str) -> tuple[str, ...]:
    return tuple(part.strip("\"'") for part in re.findall(_TOML_KEY, dotted))


def _toml_locator(path: Path) -> Callable[..., tuple[int, int] | None]:
    """Find where a key of ``[tool.genai-lint]`` is written (tomllib keeps no positions).

    A line scan that knows table headers and dotted keys; a key written inside an inline
    table or array is reported at the line of the setting that holds it.
    """
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        lines = []

    def locate(keys: tuple, key: bool = False) -> tuple[int, int] | None:
        wanted = ("tool", "genai-lint", *(str(step) for step in keys if not isinstance(step, int)))
        best: tuple[int, tuple[int, int]] | None = None
        table: tuple[str, ...] = ()
        for number, line in enumerate(lines, start=1):
            header = re.match(_TOML_HEADER, line)
            if header:
                table = _toml_parts(header.group(1))
                full, column = table, line.index("[") + 1
            else:
                assign = re.match(_TOML_ASSIGN, line)
                if not assign:
                    continue
                full, column = table + _toml_parts(assign.group(2)), len(assign.group(1)) + 1
            if full[: len(wanted)] == wanted:
                return number, column
            depth = len(full) if wanted[: len(full)] == full else 0
            if depth >= 2 and (best is None or depth > best[0]):
                best = (depth, (number, column))
        return best[1] if best else None

    return locate


# -- applying the file -----------------------------------------------------------------------------


def load_config(path: Path, settings: Settings) -> None:
    """Apply the configuration file at ``path`` to ``settings``; any problem is a :class:`ConfigError`."""
    table, locate = _read(path)

    def where(keys: tuple, key: bool = False) -> str:
        line, column = locate(keys, key) or (1, 1)
        return f"{path}:{line}:{column}"

    settings.config_file = path
    spelled: dict[str, str] = {}
    for raw_key, value in table.items():
        raw = str(raw_key)
        key = raw.replace("_", "-")
        if key not in KEYS:
            close = _close_matches(key, KEYS)
            hint = f"; did you mean '{close[0]}'?" if close else f"; known settings: {', '.join(KEYS)}"
            raise ConfigError(f"{where((raw,), key=True)}: {raw}: unknown setting{hint}")
        if key in spelled:
            raise ConfigError(f"{where((raw,), key=True)}: {raw}: set twice (also as '{spelled[key]}'); keep one")
        spelled[key] = raw
        if key == "studio-rules":
            from genai_lint.studio import StudioRuleError, load_studio_rules

            try:
                settings.set("studio_rules", load_studio_rules(value, path, where, raw), str(path))
            except StudioRuleError as exc:
                raise ConfigError(str(exc)) from None
            continue
        try:
            parsed = parse_setting(key, value)
        except _Invalid as exc:
            dotted = raw + "".join(f"[{step}]" if isinstance(step, int) else f".{step}" for step in exc.at)
            raise ConfigError(f"{where((raw, *exc.at), key=exc.key)}: {dotted}: {exc}") from None
        line, _ = locate((raw,), True) or (None, None)
        settings.set(key.replace("-", "_"), parsed, f"{path}:{line}" if line else str(path))


def parse_setting(key: str, value: Any) -> Any:
    """The typed value of setting ``key`` (canonical spelling), or :class:`_Invalid`."""
    if key == "profiles":
        return _profiles(value)
    if key in ("select", "ignore", "extend-select"):
        return _selectors(value)
    if key == "severity":
        if not isinstance(value, dict):
            raise _Invalid("expected a mapping of rule code (or prefix) to error, warning or info")
        parsed = {}
        for code, level in value.items():
            parsed[_selector(code, str(code), key=True)] = _severity(level, code)
        return parsed
    if key == "per-path-ignores":
        if not isinstance(value, dict):
            raise _Invalid("expected a mapping of path glob (relative to the project root) to rule codes")
        return {_glob(glob, glob, key=True): _selectors(codes, glob) for glob, codes in value.items()}
    if key == "fail-on":
        return _severity(value)
    if key == "expiring-days":
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise _Invalid(f"expected a whole number of days, 0 or more (got {value!r})")
        return value
    if key in ("manifests", "exclude"):
        globs = [_glob(item, index) for index, item in enumerate(_listed(value, "path globs"))]
        if key == "manifests" and not globs:
            raise _Invalid("expected at least one manifest file name or glob")
        return globs
    if key == "watchlist":
        return _watchlist(value)
    if key == "accept-unread":
        if not isinstance(value, dict):
            raise _Invalid("expected a mapping of delivered-file glob (e.g. '*.r3d') to the reason it is accepted unread")
        for glob, reason in value.items():
            if not isinstance(reason, str) or not reason.strip():
                raise _Invalid(f"expected the reason the production accepts these files unread (got {reason!r})", glob)
        return {_glob(glob, glob, key=True): reason.strip() for glob, reason in value.items()}
    raise _Invalid("unknown setting")


def _listed(value: Any, what: str, *at: Any) -> list:
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list):
        raise _Invalid(f"expected a list of {what}", *at)
    return value


def _rule_names() -> dict[str, str]:
    """Every rule code and rule name, lower-cased, to its code."""
    from genai_lint.rules import all_rules

    return {**{code.lower(): code for code in all_rules()}, **{rule.name: code for code, rule in all_rules().items()}}


def _selector(value: Any, *at: Any, key: bool = False) -> str:
    """A rule code or name (``G201``, ``tool-trains-on-data``, any case), a prefix of codes (``G2``) or ``ALL``."""
    if not isinstance(value, str) or not value.strip():
        raise _Invalid(f"expected a rule code, name or prefix such as G2, M010 or tool-trains-on-data (got {value!r})",
                       *at, key=key)
    wanted = value.strip().lower()
    rules = _rule_names()
    if wanted in rules:
        return rules[wanted]
    selector = wanted.upper()
    if selector == "ALL" or re.fullmatch(r"S[0-9]{0,3}", selector) or any(code.startswith(selector) for code in rules.values()):
        return selector
    typo = selector[:1] + selector[1:].translate(str.maketrans("OIL", "011"))
    close = [typo] if typo.lower() in rules else _close_matches(wanted, list(rules))
    hint = f"; did you mean {rules[close[0].lower()]}?" if close else "; `genai-lint rules` lists them"
    raise _Invalid(f"unknown rule code, name or prefix {value!r}{hint}", *at, key=key)


def _profiles(value: Any) -> list[str]:
    from genai_lint.rules import PROFILES

    names = _listed(value, f"profiles ({', '.join(PROFILES)})")
    for index, name in enumerate(names):
        if name not in PROFILES:
            close = _close_matches(str(name), PROFILES)
            hint = f"; did you mean '{close[0]}'?" if close else f"; known profiles: {', '.join(PROFILES)}"
            raise _Invalid(f"unknown profile {name!r}{hint}", index)
    return list(dict.fromkeys(names))


def _selectors(value: Any, *at: Any) -> list[str]:
    items = _listed(value, "rule codes or prefixes, e.g. [G2, M010]", *at)
    return [_selector(item, *at, index) for index, item in enumerate(items)]


def _severity(value: Any, *at: Any) -> Severity:
    if value not in SEVERITIES:
        raise _Invalid(f"unknown severity {value!r} (expected {', '.join(SEVERITIES)})", *at)
    return Severity.parse(value)


_URL = r"[A-Za-z][A-Za-z0-9+.-]*://"  # compiled on first use (re's cache)


def _glob(value: Any, *at: Any, key: bool = False) -> str:
    if not isinstance(value, str) or not value:
        raise _Invalid(f"expected a path glob (got {value!r})", *at, key=key)
    if re.match(_URL, value):
        raise _Invalid(f"{value!r} is a URL; genai-lint reads only local files and never fetches anything: "
                       "give a path glob relative to the project root", *at, key=key)
    return value


def _watchlist(value: Any) -> Watchlist:
    from genai_lint.watchlist import pattern_error

    if not isinstance(value, dict):
        raise _Invalid("expected a mapping with 'terms', 'patterns' and optionally 'defaults: false'")
    for name in value:
        if name not in WATCHLIST_KEYS:
            close = _close_matches(str(name), WATCHLIST_KEYS)
            hint = f"did you mean '{close[0]}'?" if close else f"expected {', '.join(WATCHLIST_KEYS)}"
            raise _Invalid(f"unknown watchlist key; {hint}", name, key=True)
    lists = {}
    for name in ("terms", "patterns"):
        items = value.get(name, [])
        if not isinstance(items, list):
            raise _Invalid("expected a list of text", name)
        for index, item in enumerate(items):
            if not isinstance(item, str) or not item.strip():
                raise _Invalid(f"expected non-empty text (got {item!r})", name, index)
            if name == "patterns" and (problem := pattern_error(item)):
                raise _Invalid(problem, name, index)
        lists[name] = list(items)
    defaults = value.get("defaults", True)
    if not isinstance(defaults, bool):
        raise _Invalid(f"expected true or false (got {defaults!r})", "defaults")
    return Watchlist(lists["terms"], lists["patterns"], defaults)


# -- the command line on top -----------------------------------------------------------------------

FLAGS = {"profiles": "--profile", "select": "--select", "ignore": "--ignore", "extend_select": "--extend-select", "fail_on": "--fail-on",
         "date": "--date", "check_files": "--no-files", "cache": "--no-cache", "quiet": "--quiet"}


def command_line_selectors(values: list[str], flag: str) -> list[str]:
    """Codes given to ``flag`` (comma-separated, repeatable), checked like the file's."""
    try:
        return [_selector(value) for value in values]
    except _Invalid as exc:
        raise ConfigError(f"{flag}: {exc}") from None


def command_line_profiles(values: list[str]) -> list[str]:
    """Profiles given to ``--profile`` (comma-separated, repeatable), checked like the file's."""
    try:
        return _profiles(values)
    except _Invalid as exc:
        raise ConfigError(f"--profile: {exc}") from None


def apply_overrides(settings: Settings, overrides: dict[str, Any]) -> None:
    """Put the command-line flags on top of the file, the way ruff does.

    ``--select`` starts a fresh selection: the file's ``select``, ``extend-select`` and
    ``ignore`` no longer apply. ``--ignore`` and ``--extend-select`` add to the file's lists
    (an ignored code stays ignored). Every other flag replaces the file's value.
    """
    fresh = "select" in overrides
    for attribute in ("select", "extend_select", "ignore"):
        flag = FLAGS[attribute]
        if fresh:
            if attribute in overrides:
                settings.set(attribute, list(overrides[attribute]), f"{COMMAND_LINE} ({flag})")
            elif attribute in settings.sources:
                settings.set(attribute, [], f"{COMMAND_LINE} (--select replaces the file's selection)")
        elif attribute in overrides:
            before = settings.sources.get(attribute)
            source = f"{before} + {COMMAND_LINE} ({flag})" if before else f"{COMMAND_LINE} ({flag})"
            settings.set(attribute, getattr(settings, attribute) + list(overrides[attribute]), source)
    for attribute, value in overrides.items():
        if attribute not in ("select", "extend_select", "ignore"):
            settings.set(attribute, value, f"{COMMAND_LINE} ({FLAGS.get(attribute, attribute)})")


def describe(settings: Settings, root: Path) -> str:
    """The effective settings as a configuration file, each line saying where its value came from."""
    watchlist = settings.watchlist
    values: list[tuple[str, Any, str]] = [
        ("profiles", settings.profiles, "profiles"),
        ("select", settings.select, "select"),
        ("extend-select", settings.extend_select, "extend_select"),
        ("ignore", settings.ignore, "ignore"),
        ("severity", {code: str(level) for code, level in settings.severity.items()}, "severity"),
        ("per-path-ignores", settings.per_path_ignores, "per_path_ignores"),
        ("fail-on", str(settings.fail_on), "fail_on"),
        ("watchlist", {"terms": watchlist.terms, "patterns": watchlist.patterns, "defaults": watchlist.defaults},
         "watchlist"),
        ("expiring-days", settings.expiring_days, "expiring_days"),
        ("manifests", settings.manifests, "manifests"),
        ("exclude", settings.exclude, "exclude"),
        ("accept-unread", settings.accept_unread, "accept_unread"),
    ]
    rows = [(f"{key}: {json_dumps(value, indent=None)}", printable(settings.sources.get(attribute, "default")))
            for key, value, attribute in values]
    rows += [(f"# studio-rules: {', '.join(rule.code for rule in settings.studio_rules) or 'none'}",
              settings.sources.get("studio_rules", "default"))]
    rows += [(f"# date: {settings.date.isoformat()}", printable(settings.sources.get("date", "default (today)"))),
             (f"# check-files: {json.dumps(settings.check_files)}", printable(settings.sources.get("check_files", "default")))]
    width = max(len(text) for text, _ in rows) + 2
    config = printable(str(settings.config_file)) if settings.config_file is not None else "none (defaults only)"
    head = [f"# genai-lint: effective settings for project root {printable(str(root))}", f"# configuration file: {config}"]
    return "\n".join(head + [f"{text:<{width}}# {source}" for text, source in rows])
