"""The command line: thin wrappers that parse flags, call the engine and print a format.

Exit codes: 0 nothing at or above the fail threshold; 1 findings at or above it; 2 usage,
configuration or internal error, always with a one-line reason on stderr.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from typing import Any

import click

from genai_lint import __version__
from genai_lint.findings import Report, Severity

FORMAT_NAMES = ("text", "concise", "json", "sarif", "github", "junit", "gitlab")


class Failure(click.ClickException):
    """A one-line error that ends the run with exit code 2."""

    exit_code = 2

    def show(self, file: Any = None) -> None:
        click.echo(f"genai-lint: error: {self.format_message()}", err=True)


def _codes(values: tuple[str, ...]) -> list[str]:
    return [code.strip().upper() for value in values for code in value.split(",") if code.strip()]


def _date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)", param_hint="--date") from None


def use_color(choice: str) -> bool:
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


def _outputs(values: tuple[str, ...]) -> list[tuple[str, Path]]:
    outputs = []
    for value in values:
        name, _, path = value.partition(":")
        if name not in FORMAT_NAMES or not path:
            raise click.BadParameter(f"{value!r}: expected FORMAT:PATH with FORMAT one of {', '.join(FORMAT_NAMES)}",
                                     param_hint="--output")
        outputs.append((name, Path(path)))
    return outputs


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder, then rename."""
    import tempfile

    directory = path.parent if str(path.parent) else Path(".")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def emit(report: Report, format_name: str, color: bool, quiet: bool, statistics: bool,
         outputs: list[tuple[str, Path]]) -> None:
    """Print the report in ``format_name`` and write each extra output file."""
    from genai_lint.formats import render

    for name, path in outputs:
        try:
            write_text_atomic(path, render(name, report) + "\n")
        except OSError as exc:
            raise Failure(f"cannot write {path}: {exc.strerror or exc}") from None
    if statistics:
        click.echo(_statistics(report))
        return
    if quiet and format_name in ("text", "concise"):
        if report.findings:
            click.echo(render("concise", report, color=color).rsplit("\n", 1)[0], color=color)
        return
    click.echo(render(format_name, report, color=color), color=color)


def _statistics(report: Report) -> str:
    from collections import Counter

    counts = Counter((finding.code, finding.name, str(finding.severity)) for finding in report.active)
    rows = [f"{count:>6}  {code}  {name}  [{severity}]" for (code, name, severity), count in sorted(counts.items())]
    return "\n".join(rows + [report.summary()])


def run_guarded(function: Any, *args: Any, **kwargs: Any) -> Any:
    """Call ``function``; turn expected problems into one-line errors, and never show a traceback."""
    from genai_lint.config import ConfigError

    try:
        return function(*args, **kwargs)
    except (click.ClickException, click.exceptions.Exit, click.Abort):
        raise
    except ConfigError as exc:
        raise Failure(str(exc)) from None
    except OSError as exc:
        raise Failure(f"{exc.filename or ''}{': ' if exc.filename else ''}{exc.strerror or exc}") from None
    except MemoryError:
        raise Failure("out of memory; split the manifest or raise the machine's limit") from None
    except Exception as exc:  # noqa: BLE001 - the promise is: never a traceback
        raise Failure(f"internal error: {type(exc).__name__}: {exc} (please report this)") from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="genai-lint")
def main() -> None:
    """Check a production's generative-AI manifests against the schema and the studio rules."""


def _severity(value: str | None) -> Severity | None:
    return Severity.parse(value) if value else None


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--format", "format_name", type=click.Choice(FORMAT_NAMES), default="text", show_default=True,
              help="Output format on stdout.")
@click.option("--output", "outputs", multiple=True, metavar="FORMAT:PATH",
              help="Also write FORMAT to PATH (repeatable), e.g. sarif:genai-lint.sarif.")
@click.option("--select", multiple=True, help="Only these codes or prefixes (comma-separated), e.g. G2,M010.")
@click.option("--ignore", multiple=True, help="Skip these codes or prefixes.")
@click.option("--extend-select", multiple=True, help="Add codes or prefixes to the selection.")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info"]), help="Lowest severity that fails (default error).")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings.")
@click.option("--date", "date_text", metavar="YYYY-MM-DD", help="Evaluate approvals and waivers on this date (default today).")
@click.option("--no-files", is_flag=True, help="Skip file existence and hash checks (M007, M008, M012).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Use this configuration file instead of discovering one.")
@click.option("-q", "--quiet", is_flag=True, help="Print findings only: no source frames, no summary.")
@click.option("--statistics", is_flag=True, help="Print a count per rule instead of the findings.")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
              help="Colour the text output (NO_COLOR is honoured with auto).")
def check(paths: tuple[str, ...], format_name: str, outputs: tuple[str, ...], select: tuple[str, ...],
          ignore: tuple[str, ...], extend_select: tuple[str, ...], fail_on: str | None, exit_zero: bool,
          date_text: str | None, no_files: bool, config_path: Path | None, quiet: bool, statistics: bool,
          color: str) -> None:
    """Lint manifests. PATHS may be manifests, folders, or any changed files (as pre-commit passes them)."""
    from genai_lint import engine

    overrides: dict[str, Any] = {}
    if select:
        overrides["select"] = _codes(select)
    if ignore:
        overrides["ignore"] = _codes(ignore)
    if extend_select:
        overrides["extend_select"] = _codes(extend_select)
    if fail_on:
        overrides["fail_on"] = Severity.parse(fail_on)
    if date_text:
        overrides["date"] = _date(date_text)
    if no_files:
        overrides["check_files"] = False
    extra = _outputs(outputs)
    if config_path is not None and not config_path.is_file():
        raise Failure(f"{config_path}: no such configuration file")
    report = run_guarded(engine.check, list(paths), overrides, config_path)
    run_guarded(emit, report, format_name, use_color(color), quiet, statistics, extra)
    sys.exit(0 if exit_zero or not report.failed else 1)


@main.command("rules")
@click.option("--format", "format_name", type=click.Choice(["text", "json"]), default="text", show_default=True)
def rules_command(format_name: str) -> None:
    """List every rule: code, name, default severity and what it checks."""
    from genai_lint.rules import all_rules

    rules = all_rules()
    if format_name == "json":
        import json

        click.echo(json.dumps([{"code": r.code, "name": r.name, "severity": str(r.severity), "summary": r.summary}
                               for r in rules.values()], indent=2))
        return
    for rule in rules.values():
        click.echo(f"{rule.code}  {rule.name:<36} {str(rule.severity):<8} {rule.summary}")


@main.command()
@click.argument("code")
def explain(code: str) -> None:
    """Print the documentation of one rule (What it checks / Why / Example / Fix)."""
    from genai_lint.rules import all_rules

    rules = all_rules()
    wanted = code.strip().upper()
    rule = rules.get(wanted) or next((r for r in rules.values() if r.name == code.strip().lower()), None)
    if rule is None:
        import difflib

        close = difflib.get_close_matches(wanted, list(rules), n=1)
        hint = f"; did you mean {close[0]}?" if close else "; `genai-lint rules` lists them"
        raise Failure(f"unknown rule {code!r}{hint}")
    click.echo(f"# {rule.code} {rule.name} [{rule.severity}]\n\n{rule.summary}\n\n{rule.doc}")


@main.command()
def schema() -> None:
    """Print the manifest JSON Schema (for editors and SchemaStore)."""
    from genai_lint.schema import schema_text

    click.echo(schema_text(), nl=False)
