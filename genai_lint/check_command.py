"""`genai-lint check` without click, for the command lines it is run with every day.

Importing click and building the command tree costs more start-up time than checking a small
production. :func:`run` parses the options of ``check`` that it knows, as click parses them; any
other argument (``--help``, an unknown, malformed or unusual option, ``--output``, ``--baseline``,
``--show-config``...) or a usage error in an option's value makes it return, and the click CLI
(:mod:`genai_lint.cli`) handles the command line as always. What follows the parsing (the
settings from the options, the one-line errors, the text printed, the exit code) is done by this
module's functions, which the click command calls too: both paths print the same bytes.
"""

from __future__ import annotations

import codecs
import datetime as dt
import gc
import os
import sys
from pathlib import Path

from genai_lint.config import ConfigError
from genai_lint.findings import Report, Severity

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at every start-up
if TYPE_CHECKING:
    from typing import Any

FORMAT_NAMES = ("text", "concise", "json", "sarif", "github", "junit", "gitlab")
STDOUT_FORMATS = ("auto", *FORMAT_NAMES)
COLOR_CHOICES = ("auto", "always", "never")
FAIL_ON_CHOICES = ("error", "warning", "info")


class BadDate(ValueError):
    """A ``--date`` that is not YYYY-MM-DD."""


def resolve_format(name: str) -> str:
    """``auto``: GitHub workflow commands inside GitHub Actions, else text."""
    if name != "auto":
        return name
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"


def use_color(choice: str) -> bool:
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


def parse_date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise BadDate(f"{value!r} is not a date (YYYY-MM-DD)") from None


def overrides_from(select: tuple[str, ...], ignore: tuple[str, ...], extend_select: tuple[str, ...],
                   fail_on: str | None, date_text: str | None, no_cache: bool, quiet: bool,
                   profiles: tuple[str, ...] = ()) -> dict[str, Any]:
    """Command-line settings that override the configuration file; :class:`ConfigError` for a bad code
    or profile, :class:`BadDate` for a bad date."""
    overrides: dict[str, Any] = {"cache": not no_cache, "quiet": quiet}
    if profiles:
        from genai_lint.config import command_line_profiles

        overrides["profiles"] = command_line_profiles(
            [name.strip() for value in profiles for name in value.split(",") if name.strip()])
    if select:
        overrides["select"] = _codes(select, "--select")
    if ignore:
        overrides["ignore"] = _codes(ignore, "--ignore")
    if extend_select:
        overrides["extend_select"] = _codes(extend_select, "--extend-select")
    if fail_on:
        overrides["fail_on"] = Severity.parse(fail_on)
    if date_text:
        overrides["date"] = parse_date(date_text)
    return overrides


def _codes(values: tuple[str, ...], flag: str) -> list[str]:
    from genai_lint.config import command_line_selectors

    return command_line_selectors([code for value in values for code in value.split(",") if code.strip()], flag)


def config_file(path: Path) -> Path:
    """The configuration file ``--config`` names, its folder resolved; :class:`ConfigError` if it is not a file."""
    if not path.is_file():
        raise ConfigError(f"{path}: no such configuration file")
    return path.parent.resolve() / path.name


def error_message(exc: Exception) -> str:
    """The one line that stands for an exception raised by the work of a command (exit code 2)."""
    if isinstance(exc, ConfigError):
        return str(exc)
    if isinstance(exc, OSError):
        return f"{exc.filename or ''}{': ' if exc.filename else ''}{exc.strerror or exc}"
    if isinstance(exc, MemoryError):
        return "out of memory; split the manifest or raise the machine's limit"
    return f"internal error: {type(exc).__name__}: {exc} (please report this)"


def error_line(message: str) -> str:
    from genai_lint.safe_text import printable

    return f"genai-lint: error: {printable(message)}"


INTERRUPTED = "genai-lint: interrupted"
INTERRUPTED_EXIT = 130


def report_text(report: Report, format_name: str, color: bool, quiet: bool, statistics: bool) -> str | None:
    """What ``check`` prints on stdout (without the final line break); ``None``: nothing at all."""
    from genai_lint.formats import render

    if statistics:
        return statistics_text(report)
    if quiet and format_name in ("text", "concise"):
        return render("concise", report, color=color).rsplit("\n", 1)[0] if report.findings else None
    return render(format_name, report, color=color)


def statistics_text(report: Report) -> str:
    from collections import Counter

    counts = sorted(Counter((finding.code, finding.name, str(finding.severity)) for finding in report.active).items())
    widths = [max((len(str(value)) for value in column), default=0)
              for column in zip(*((count, code, name) for (code, name, _), count in counts))] or [0, 0, 0]
    rows = [f"{count:>{widths[0]}}  {code:<{widths[1]}}  {name:<{widths[2]}}  [{severity}]"
            for (code, name, severity), count in counts]
    return "\n".join(rows + [report.summary()])


FLAGS = {"--exit-zero": "exit_zero", "--no-cache": "no_cache", "-q": "quiet", "--quiet": "quiet",
         "--no-files": "no_files", "--statistics": "statistics"}
SINGLE = {"--format": ("format_name", STDOUT_FORMATS), "--fail-on": ("fail_on", FAIL_ON_CHOICES),
          "--color": ("color", COLOR_CHOICES), "--date": ("date_text", None), "--config": ("config_path", None)}
REPEATABLE = {"--profile": "profiles", "--select": "select", "--ignore": "ignore", "--extend-select": "extend_select"}


def parse(args: list[str]) -> dict[str, Any] | None:
    """The parameters of ``check`` for ``args``, as click would give them; ``None`` for anything that
    this parser leaves to click (an option it does not know, a missing or unexpected value)."""
    options: dict[str, Any] = {"paths": [], "format_name": "auto", "fail_on": None, "color": "auto", "date_text": None,
                               "config_path": None, **{name: False for name in FLAGS.values()},
                               **{name: [] for name in REPEATABLE.values()}}
    position = 0
    while position < len(args):
        arg = args[position]
        position += 1
        if arg == "-" or not arg.startswith("-"):
            options["paths"].append(arg)
            continue
        if arg in FLAGS:
            options[FLAGS[arg]] = True
            continue
        name, equals, value = arg.partition("=")
        if name not in SINGLE and name not in REPEATABLE:
            return None
        if not equals:
            if position == len(args) or args[position].startswith("-"):
                return None
            value = args[position]
            position += 1
        if name in REPEATABLE:
            options[REPEATABLE[name]].append(value)
            continue
        key, choices = SINGLE[name]
        if choices is not None and value not in choices:
            return None
        options[key] = value
    return options


def _plain_streams() -> bool:
    """Whether stdout and stderr are text streams click would write to as they are (not ASCII)."""
    for stream in (sys.stdout, sys.stderr):
        encoding = getattr(stream, "encoding", None)
        try:
            if not encoding or codecs.lookup(encoding).name == "ascii":
                return False
        except LookupError:
            return False
    return True


def _completion_requested() -> bool:
    """Whether a shell asks click for completions (``_GENAI_LINT_COMPLETE``...)."""
    return any(name.startswith("_") and name.endswith("_COMPLETE") for name in os.environ)


def run(args: list[str]) -> None:
    """Run ``check`` with the arguments after ``check`` and exit; return when click must handle them."""
    options = parse(args)
    if options is None or not _plain_streams() or _completion_requested():
        return
    try:
        overrides = overrides_from(tuple(options["select"]), tuple(options["ignore"]), tuple(options["extend_select"]),
                                   options["fail_on"], options["date_text"], options["no_cache"], options["quiet"],
                                   tuple(options["profiles"]))
        config = None if options["config_path"] is None else config_file(Path(options["config_path"]))
    except (ConfigError, BadDate):
        return  # click words the usage error
    if options["no_files"]:
        overrides["check_files"] = False
    gc.disable()  # the run builds its whole model once and frees nothing cyclic: the collector only rescans it
    exit_at_once(_check(options, overrides, config))


def exit_at_once(code: int) -> None:
    """Flush the output and end the process without the interpreter's teardown, as mypy does.

    Freeing every module and every object of the run one by one costs more than a tenth of a
    start-up-bound `check` (about 5 ms of 60 at 100 assets), and nothing is left to do: the cache
    files are written and closed by then, and no exit handler of this path has work. Output that
    cannot be written (a closed pipe) is an error, as it is inside the run.
    """
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except OSError:
            code = 2
    os._exit(code)


def _check(options: dict[str, Any], overrides: dict[str, Any], config_path: Path | None) -> int:
    from genai_lint import engine

    try:
        report = engine.check(list(options["paths"]), overrides, config_path)
        text = report_text(report, resolve_format(options["format_name"]), use_color(options["color"]),
                           options["quiet"], options["statistics"])
        if text is not None:
            sys.stdout.write(text + "\n")
            sys.stdout.flush()
    except KeyboardInterrupt:
        sys.stderr.write("\n" + INTERRUPTED + "\n")
        return INTERRUPTED_EXIT
    except Exception as exc:  # noqa: BLE001 - the promise is: never a traceback
        sys.stderr.write(error_line(error_message(exc)) + "\n")
        sys.stderr.flush()
        return 2
    return 0 if options["exit_zero"] or not report.failed else 1
