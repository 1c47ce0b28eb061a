"""The command line: thin wrappers that parse flags, call the engine and print a format.

Exit codes: 0 nothing at or above the fail threshold; 1 findings at or above it; 2 usage,
configuration or internal error, always with a one-line reason on stderr.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import click

from genai_lint import __version__, check_command
from genai_lint.check_command import (COLOR_CHOICES, FAIL_ON_CHOICES, FORMAT_NAMES, INTERRUPTED, INTERRUPTED_EXIT,
                                      STDOUT_FORMATS, BadDate, error_line, error_message, report_text, resolve_format,
                                      use_color)
from genai_lint.config import ConfigError
from genai_lint.findings import Report
from genai_lint.writing import write_text_atomic


class Failure(click.ClickException):
    """A one-line error that ends the run with exit code 2."""

    exit_code = 2

    def show(self, file: Any = None) -> None:
        click.echo(error_line(self.format_message()), err=True)


def _date(value: str | None) -> dt.date | None:
    try:
        return check_command.parse_date(value)
    except BadDate as exc:
        raise click.BadParameter(str(exc), param_hint="--date") from None


def _outputs(values: tuple[str, ...]) -> list[tuple[str, Path]]:
    outputs = []
    for value in values:
        name, _, path = value.partition(":")
        if name not in FORMAT_NAMES or not path:
            raise click.BadParameter(f"{value!r}: expected FORMAT:PATH with FORMAT one of {', '.join(FORMAT_NAMES)}",
                                     param_hint="--output")
        outputs.append((name, Path(path)))
    return outputs


def write_output(path: Path, text: str | Iterable[str]) -> None:
    """Write a report file (whole, or in chunks as they come) atomically, creating its folder; a failure is a
    one-line error."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(path, text)
    except OSError as exc:
        raise Failure(f"cannot write {path}: {exc.strerror or exc}") from None


def emit(report: Report, format_name: str, color: bool, quiet: bool, statistics: bool,
         outputs: list[tuple[str, Path]]) -> None:
    """Print the report in ``format_name`` and write each extra output file."""
    from genai_lint.formats import render

    for name, path in outputs:
        write_output(path, render(name, report) + "\n")
    text = report_text(report, format_name, color, quiet, statistics)
    if text is not None:
        click.echo(text, color=None if statistics else color)


def run_guarded(function: Any, *args: Any, **kwargs: Any) -> Any:
    """Call ``function``; turn expected problems into one-line errors, and never show a traceback."""
    try:
        return function(*args, **kwargs)
    except (click.ClickException, click.exceptions.Exit, click.Abort):
        raise
    except Exception as exc:  # noqa: BLE001 - the promise is: never a traceback
        raise Failure(error_message(exc)) from None


class _OneLineUsage(click.Group):
    """A group whose usage errors are one line on stderr (exit 2), like every other error."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["standalone_mode"] = False
        try:
            code = super().main(*args, **kwargs)
        except click.exceptions.NoArgsIsHelpError as exc:  # a bare `genai-lint`: the help, as click prints it
            click.echo(exc.format_message(), err=True)
            sys.exit(exc.exit_code)
        except click.UsageError as exc:
            from genai_lint.safe_text import printable

            where = exc.ctx.command_path if exc.ctx else "genai-lint"
            message = " ".join(exc.format_message().split())  # click lists choices over several lines
            click.echo(f"genai-lint: error: {printable(message)} (see `{where} --help`)", err=True)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo(INTERRUPTED, err=True)
            sys.exit(INTERRUPTED_EXIT)
        sys.exit(code if isinstance(code, int) else 0)


@click.group(cls=_OneLineUsage, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="genai-lint")
def main() -> None:
    """Check a production's generative-AI manifests against the schema and the studio rules."""


_SHARED_OPTIONS = [
    click.option("--profile", "profiles", multiple=True, metavar="NAME",
                 help="Apply these profiles instead of the configuration's (comma-separated, repeatable): "
                      "netflix-2025, sag-aftra-2023, eu-ai-act-art50."),
    click.option("--format", "format_name", type=click.Choice(STDOUT_FORMATS), default="auto", show_default=True,
                 help="Output format on stdout; auto is github inside GitHub Actions (GITHUB_ACTIONS=true), else text."),
    click.option("--output", "outputs", multiple=True, metavar="FORMAT:PATH",
                 help="Also write FORMAT to PATH (repeatable), e.g. sarif:genai-lint.sarif."),
    click.option("--select", multiple=True, help="Only these codes or prefixes (comma-separated), e.g. G2,M010."),
    click.option("--ignore", multiple=True, help="Skip these codes or prefixes."),
    click.option("--extend-select", multiple=True, help="Add codes or prefixes to the selection."),
    click.option("--fail-on", type=click.Choice(FAIL_ON_CHOICES), help="Lowest severity that fails (default error)."),
    click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings."),
    click.option("--date", "date_text", metavar="YYYY-MM-DD", help="Evaluate approvals and waivers on this date (default today)."),
    click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
                 help="Use this configuration file (.genai-lint.yaml or a TOML file with [tool.genai-lint]) "
                      "instead of discovering one."),
    click.option("--no-cache", is_flag=True,
                 help="Read and hash everything again instead of using .genai-lint-cache/."),
    click.option("-q", "--quiet", is_flag=True, help="Print findings only: no source frames, no summary, no progress."),
    click.option("--color", type=click.Choice(COLOR_CHOICES), default="auto", show_default=True,
                 help="Colour the text output (NO_COLOR is honoured with auto)."),
]


def shared_options(function: Any) -> Any:
    """The options ``check`` and ``gate`` share: output, selection, thresholds, date, configuration."""
    for option in reversed(_SHARED_OPTIONS):
        function = option(function)
    return function


def overrides_from(*options: Any) -> dict[str, Any]:
    """Command-line settings that override the configuration file (see :func:`check_command.overrides_from`)."""
    try:
        return check_command.overrides_from(*options)
    except ConfigError as exc:
        raise Failure(str(exc)) from None
    except BadDate as exc:
        raise click.BadParameter(str(exc), param_hint="--date") from None


def _config_file(config_path: Path | None) -> Path | None:
    try:
        return None if config_path is None else check_command.config_file(config_path)
    except ConfigError as exc:
        raise Failure(str(exc)) from None


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@shared_options
@click.option("--no-files", is_flag=True, help="Skip file existence and hash checks (M007, M008, M012).")
@click.option("--show-config", is_flag=True,
              help="Print the effective settings and where each came from, then exit.")
@click.option("--baseline", "baseline_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Report only findings not recorded in this baseline file.")
@click.option("--write-baseline", "write_baseline_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Record the current findings in this baseline file (keyed on manifest, entry id and code) and exit 0.")
@click.option("--statistics", is_flag=True, help="Print a count per rule instead of the findings.")
def check(paths: tuple[str, ...], profiles: tuple[str, ...], format_name: str, outputs: tuple[str, ...], select: tuple[str, ...],
          ignore: tuple[str, ...], extend_select: tuple[str, ...], fail_on: str | None, exit_zero: bool,
          date_text: str | None, config_path: Path | None, no_cache: bool, quiet: bool, color: str,
          no_files: bool, show_config: bool, baseline_path: Path | None, write_baseline_path: Path | None,
          statistics: bool) -> None:
    """Lint manifests. PATHS may be manifests, folders, or any changed files (as pre-commit passes them)."""
    from genai_lint import engine

    overrides = overrides_from(select, ignore, extend_select, fail_on, date_text, no_cache, quiet, profiles)
    if no_files:
        overrides["check_files"] = False
    extra = _outputs(outputs)
    config_path = _config_file(config_path)
    if show_config:
        run_guarded(_show_config, list(paths), overrides, config_path)
        return
    report = run_guarded(engine.check, list(paths), overrides, config_path)
    if write_baseline_path is not None:
        from genai_lint import baseline

        run_guarded(baseline.write, write_baseline_path, report)
        click.echo(f"wrote {len(report.active)} findings to baseline {write_baseline_path}")
        sys.exit(0)
    if baseline_path is not None:
        from genai_lint import baseline

        report = run_guarded(baseline.apply, report, baseline_path)
    run_guarded(emit, report, resolve_format(format_name), use_color(color), quiet, statistics, extra)
    sys.exit(0 if exit_zero or not report.failed else 1)


def _show_config(paths: list[str], overrides: dict[str, Any], config_path: Path | None) -> None:
    from genai_lint.config import describe
    from genai_lint.engine import settings_for, targets

    blocks = [describe(settings_for(target, overrides), target.root) for target in targets(paths, config_path)]
    click.echo("\n\n".join(blocks))


@main.command("rules")
@click.option("--format", "format_name", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Also list the studio rules of this configuration (default: the current folder's project).")
def rules_command(format_name: str, config_path: Path | None) -> None:
    """List every rule: code, name, profile, default severity and what it checks."""
    rules = run_guarded(_rule_book, config_path)
    if format_name == "json":
        import json

        click.echo(json.dumps([{"code": r.code, "name": r.name, "profile": r.profile, "severity": str(r.severity),
                                "summary": r.summary, "source": r.source} for r in rules.values()], indent=2))
        return
    for rule in rules.values():
        click.echo(f"{rule.code}  {rule.name:<36} {rule.profile:<15} {str(rule.severity):<8} {rule.summary}")


def _rule_book(config_path: Path | None) -> dict:
    """Every built-in rule, and the studio rules of the configuration in use, by code."""
    from genai_lint.engine import rule_book, settings_for, targets

    return rule_book(settings_for(targets([], _config_file(config_path))[0], {}))


@main.command()
@click.argument("code")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to find studio rules (default: the current folder's project).")
def explain(code: str, config_path: Path | None) -> None:
    """Print the documentation of one rule (What it checks / Why / Example / Fix) and its source."""
    from genai_lint.rules import PROFILES

    rules = run_guarded(_rule_book, config_path)
    wanted = code.strip().upper()
    rule = rules.get(wanted) or next((r for r in rules.values() if r.name == code.strip().lower()), None)
    if rule is None:
        import difflib

        close = difflib.get_close_matches(wanted, list(rules), n=1)
        hint = f"; did you mean {close[0]}?" if close else "; `genai-lint rules` lists them"
        raise Failure(f"unknown rule {code!r}{hint}")
    profile = f"{rule.profile}: {PROFILES[rule.profile]}" if rule.profile in PROFILES else rule.profile
    source = f"\nSource: {rule.source}" if rule.source else ""
    click.echo(f"# {rule.code} {rule.name} [{rule.severity}]\n\n{rule.summary}\n\nProfile: {profile}{source}\n\n{rule.doc}")


@main.command()
@click.option("--audit", "audit_report", is_flag=True, help="Print the JSON Schema of `audit --format json` instead.")
def schema(audit_report: bool) -> None:
    """Print the manifest JSON Schema (for editors and SchemaStore), or with --audit the audit report's."""
    from genai_lint.schema import audit_schema_text, schema_text

    click.echo(audit_schema_text() if audit_report else schema_text(), nl=False)


@main.command()
@click.argument("delivery", type=click.Path(path_type=Path))
@click.argument("parts", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--project", "project_dir", type=click.Path(file_okay=False), metavar="DIR",
              help="The production whose manifests declare the assets (default: the current folder's project).")
@click.option("--shard", "shard_text", metavar="K/N",
              help="Examine only share K of N of the delivery (by path, the same on every machine) and write it "
                   "to --part; `gate merge PART...` then judges the whole delivery.")
@click.option("--part", "part_path", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="With --shard: where to write this share's part (JSON).")
@click.option("--inventory", "inventory_path", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Also write one row per delivered file (path, size, sha256, format, reader, matched asset, "
                   "markers, findings, verdict) to FILE.csv or FILE.json, for the delivery ticket.")
@shared_options
def gate(delivery: Path, parts: tuple[Path, ...], project_dir: str | None, shard_text: str | None,
         part_path: Path | None, inventory_path: Path | None, profiles: tuple[str, ...], format_name: str,
         outputs: tuple[str, ...], select: tuple[str, ...],
         ignore: tuple[str, ...], extend_select: tuple[str, ...], fail_on: str | None, exit_zero: bool,
         date_text: str | None, config_path: Path | None, no_cache: bool, quiet: bool, color: str) -> None:
    """The delivery gate: hash every file in DELIVERY, match it to the production's assets, and look for
    undeclared generative-AI provenance (D801), leaked temporary assets (D802), uncleared final use (G401),
    files that cannot be verified (D803) and, under eu-ai-act-art50, stripped markings (E102).

    On a render farm or a CI matrix: `gate DELIVERY --shard K/N --part PART-K.json` on each machine,
    then `gate merge PART-1.json ... PART-N.json` for the one report and exit code."""
    from genai_lint.gate import shards
    from genai_lint.gate import gate as run_gate

    overrides = overrides_from(select, ignore, extend_select, fail_on, date_text, no_cache, quiet, profiles)
    extra = _outputs(outputs)
    if project_dir is not None and not Path(project_dir).is_dir():
        raise Failure(f"{project_dir}: no such folder")
    merging = str(delivery) == "merge" and not delivery.is_dir()
    if parts and not merging:
        raise Failure(f"unexpected argument {str(parts[0])!r}: gate takes one DELIVERY folder (or: gate merge PART...)")
    if merging and (not parts or shard_text or inventory_path):
        raise Failure("gate merge takes the part files (and no --shard or --inventory)")
    if (shard_text is None) != (part_path is None):
        raise Failure("--shard K/N and --part FILE go together")
    if shard_text is not None:
        shard = run_guarded(shards.parse_shard, shard_text)
        part = run_guarded(shards.Shard, delivery, project_dir, overrides, _config_file(config_path), shard)
        from genai_lint.safe_text import printable

        run_guarded(write_output, part_path, part.lines())  # examined as it is written
        if not quiet:
            click.echo(printable(f"genai-lint: shard {shard[0]}/{shard[1]}: {part.records} delivered file(s) "
                                 f"examined, part written to {part_path}; `gate merge` judges the delivery"), err=True)
        sys.exit(0)
    inventory_kind = _inventory_kind(inventory_path, delivery)
    if merging:
        run = run_guarded(shards.merge, list(parts), project_dir, overrides, _config_file(config_path))
    else:
        run = run_guarded(run_gate, delivery, project_dir, overrides, _config_file(config_path),
                          inventory=inventory_path)
    report = run.report
    if inventory_path is not None and run.inventory is not None and report.delivery_root is not None:
        from genai_lint.gate import inventory

        write_output(inventory_path, inventory.render(run.inventory, inventory_kind, report.delivery_root))
    run_guarded(emit, report, resolve_format(format_name), use_color(color), quiet, False, extra)
    sys.exit(0 if exit_zero or not report.failed else 1)


def _inventory_kind(path: Path | None, delivery: Path) -> str:
    """``csv`` or ``json`` for ``--inventory PATH``; a usage error for another suffix or a path inside the delivery."""
    from genai_lint.gate.inventory import kind_of

    if path is None:
        return ""
    kind = kind_of(path)
    if kind is None:
        raise click.BadParameter(f"{path}: expected a .csv or .json file", param_hint="--inventory")
    inside = path.absolute().parent.resolve() / path.name
    if delivery.is_dir() and delivery.resolve() in inside.parents:
        raise click.BadParameter(f"{path} is inside the delivery folder: it would become part of the package",
                                 param_hint="--inventory")
    return kind


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--format", "format_name", type=click.Choice(["md", "html", "json"]), default="md", show_default=True,
              help="md: Markdown for people; html: one self-contained page with charts; json: the report model.")
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the report to this file (atomically) instead of stdout.")
@click.option("--date", "date_text", metavar="YYYY-MM-DD", help="Evaluate approvals and waivers on this date (default today).")
@click.option("--no-files", is_flag=True, help="Skip file existence and hash checks; the verdict is then incomplete.")
def audit(paths: tuple[str, ...], format_name: str, output: Path | None, date_text: str | None, no_files: bool) -> None:
    """The disclosure and audit report: a verdict, the outstanding actions, every generated asset, tool and approval.

    For producers, legal and the studio. PATHS are production folders or manifests (default: the
    production of the current folder); a folder holding several productions gives one studio-wide
    report with a portfolio summary. The same manifests, configuration, genai-lint version and
    --date give the same bytes from any folder. Exits 0 even with open findings (it is a report,
    not a gate); 2 on a usage or I/O problem.
    """
    from genai_lint import audit as audit_report

    overrides: dict[str, Any] = {"date": _date(date_text)} if date_text else {}
    if no_files:
        overrides["check_files"] = False
    model = run_guarded(audit_report.collect, list(paths), overrides)
    text = run_guarded(audit_report.render, model, format_name)
    if output is None:
        click.echo(text, nl=False)
        return
    write_output(output, text)
    click.echo(f"wrote the audit report ({format_name}) to {output}")


# -- commands that write manifests and scaffolds: hash, init, add -----------------------------------


def _user_errors(function: Any, *errors: type[Exception]) -> Any:
    """``function`` with the given exceptions turned into one-line errors (exit 2)."""

    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except errors as exc:
            raise Failure(getattr(exc, "message", None) or str(exc)) from None

    return call


@main.command("hash")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--check", "check_only", is_flag=True,
              help="Write nothing: list the values that are missing or stale, and exit 1 if there are any.")
@click.option("--no-cache", is_flag=True, help="Hash every file again instead of using .genai-lint-cache/.")
@click.option("-q", "--quiet", is_flag=True,
              help="Print only the changes and errors: no skipped-asset warnings, no summary, no progress.")
def hash_command(paths: tuple[str, ...], check_only: bool, no_cache: bool, quiet: bool) -> None:
    """Fill missing and refresh stale sha256 values; every other byte of the manifests stays as it was.

    PATHS choose manifests as for `check` (default: every manifest under the project root; a
    changed media file selects the manifests that record it). An asset whose file is missing,
    unreadable or outside the project root is skipped with a warning (`check` reports it as
    M007 or M009). Each manifest is written atomically, and only after the edited text has been
    loaded again and found to differ in the sha256 values alone.

    Exit codes: 0 done (with --check: nothing to change); 1 with --check when a value is missing
    or stale; 2 when a manifest cannot be read, parsed or safely edited. Such a manifest is left
    untouched and named on stderr in one line; the other manifests are still updated.
    """
    from genai_lint.safe_text import printable
    from genai_lint.rehash import update_hashes

    def say(kind: str, line: str) -> None:
        line = printable(line)
        if kind == "change":
            click.echo(line)
        elif kind == "error":
            click.echo(f"genai-lint: error: {line}", err=True)
        elif not quiet:
            click.echo(f"warning: {line}", err=True)

    tally = run_guarded(update_hashes, list(paths), say, check=check_only, cache=not no_cache, quiet=quiet)
    if not quiet:
        click.echo(tally.summary(check_only))
    if tally.errors:
        sys.exit(2)
    sys.exit(1 if check_only and tally.changes else 0)


@main.command()
@click.argument("directory", required=False, default=".", type=click.Path(file_okay=False, path_type=Path))
def init(directory: Path) -> None:
    """Start a production in DIRECTORY (default: here): a commented genai-manifest.yaml, a
    .genai-lint.yaml and the pre-commit hook.

    Never overwrites anything: when a manifest or a genai-lint configuration already exists
    there, nothing is written and the exit code is 2. An existing .pre-commit-config.yaml is
    left alone; the hook to add to it is printed instead. The new manifest passes
    `genai-lint check` as it is.
    """
    from genai_lint.safe_text import printable
    from genai_lint.project import relative
    from genai_lint.scaffold import PRE_COMMIT_NAME, PRE_COMMIT_SNIPPET, InitError
    from genai_lint.scaffold import init as scaffold

    made = run_guarded(_user_errors(scaffold, InitError), directory)
    here = Path.cwd().resolve()
    for path in made.created:
        click.echo(printable(f"created {relative(path.parent.resolve() / path.name, here)}"))
    if made.kept_pre_commit:
        click.echo(f"\n{PRE_COMMIT_NAME} already exists and was left alone; add the hook to it:\n")
    else:
        click.echo(f"\nThe pre-commit hook (in {PRE_COMMIT_NAME}; run `pre-commit install` to enable it):\n")
    click.echo(PRE_COMMIT_SNIPPET)
    click.echo("Replace https://github.com/YOUR-ORG/genai-lint with where your studio keeps genai-lint (a git URL or "
               "the path of a local clone) and REV with a tag or commit of it.\n")
    click.echo("Next: record your tools in genai-manifest.yaml, then "
               "`genai-lint add FILE --tool ID --media M --purpose P` for each generated asset.")


class _AssetChoice(click.Choice):
    """The schema's allowed values for an asset field, read from the schema only when needed."""

    def __init__(self, field: str) -> None:
        self.field = field
        self.case_sensitive = True

    @property
    def choices(self) -> tuple[str, ...]:  # type: ignore[override]
        from genai_lint.add import asset_choices

        return asset_choices(self.field)


def _created(value: str | None, flag: str = "--created") -> str:
    """The date ``value`` (YYYY-MM-DD), default today."""
    if value is None:
        return dt.date.today().isoformat()
    try:
        if len(value) != 10:  # fromisoformat also takes 20260501, which a manifest must not hold
            raise ValueError(value)
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)", param_hint=flag) from None


@main.command()
@click.argument("path", type=click.Path())
@click.option("--tool", "tools", multiple=True, required=True, metavar="ID",
              help="The tool that made it, by its id in a tools register (repeat for several).")
@click.option("--media", required=True, type=_AssetChoice("media"), help="What kind of media it is.")
@click.option("--purpose", required=True, type=_AssetChoice("purpose"), help="What it is for.")
@click.option("--deliverable", is_flag=True, help="It appears in the final deliverables.")
@click.option("--prompt", help="The prompt used.")
@click.option("--approval", "approvals", multiple=True, metavar="ID",
              help="An approval that covers it, by its id in an approvals register (repeatable).")
@click.option("--disclose", is_flag=True, help="Its use has been reported to the studio: disclosed_on today.")
@click.option("--disclosed-on", "disclosed_text", metavar="YYYY-MM-DD",
              help="When its use was reported to the studio (implies --disclose).")
@click.option("--content", "content", multiple=True, type=_AssetChoice("content"),
              help="What it is or depicts (repeatable).")
@click.option("--input", "input_texts", multiple=True, metavar="REF:SOURCE:USE",
              help="What was fed to the tool, e.g. boards/17.png:owned:conditioning (repeatable).")
@click.option("--talent", "talent_name", metavar="NAME", help="The performer whose likeness, voice or performance it involves.")
@click.option("--consent", metavar="REF", help="The performer's written consent document (with --talent).")
@click.option("--union-covered", is_flag=True, help="The performer's work is covered by a union agreement (with --talent).")
@click.option("--manifest", "manifest_path", type=click.Path(dir_okay=False),
              help="Record it in this manifest (default: the nearest one in PATH's folder or its parents).")
@click.option("--created", "created_text", metavar="YYYY-MM-DD", help="When it was generated (default today).")
@click.option("--no-cache", is_flag=True, help="Hash the file again instead of using .genai-lint-cache/.")
def add(path: str, tools: tuple[str, ...], media: str, purpose: str, deliverable: bool, prompt: str | None,
        approvals: tuple[str, ...], disclose: bool, disclosed_text: str | None, content: tuple[str, ...],
        input_texts: tuple[str, ...], talent_name: str | None, consent: str | None, union_covered: bool,
        manifest_path: str | None, created_text: str | None, no_cache: bool) -> None:
    """Record the generated file PATH as a new asset: the next free id, its sha256, today's date.

    The entry is appended to the manifest's assets: list with the list's own indentation;
    every other byte of the manifest stays as it was, and the file is written atomically.
    The tool and approvals must be in their registers. Pass --disclose once the use is reported
    to the studio (G001 reminds you until then).
    """
    from genai_lint.add import AddError, Details, add_asset, parse_input
    from genai_lint.edit import EditError
    from genai_lint.safe_text import printable
    from genai_lint.loader import LoadError
    from genai_lint.project import relative

    created = _created(created_text)
    if (consent or union_covered) and not talent_name:
        raise Failure("--consent and --union-covered describe a performer: name them with --talent")
    talent = {"name": talent_name, **({"consent": consent} if consent else {}),
              **({"union_covered": True} if union_covered else {})} if talent_name else {}
    disclosed_on = _created(disclosed_text, "--disclosed-on") if disclosed_text or disclose else None
    inputs = [run_guarded(_user_errors(parse_input, AddError), text) for text in input_texts]
    details = Details(prompt=prompt, approvals=list(approvals), disclosed_on=disclosed_on, content=list(content),
                      inputs=inputs, talent=talent)
    added = run_guarded(_user_errors(add_asset, AddError, EditError, LoadError), path, list(tools), media, purpose,
                        deliverable, created, details, manifest_arg=manifest_path, cache=not no_cache)
    for warning in added.warnings:
        click.echo(f"warning: {printable(warning)}", err=True)
    click.echo(printable(f"{relative(added.manifest, Path.cwd().resolve())}:{added.line}: added {added.id} "
                        f"({added.path}, sha256 {added.sha256[:12]}…)"))


@main.command()
def lsp() -> None:
    """Run the language server over stdio, for editors.

    Install it with: pip install 'genai-lint[lsp]'
    """
    try:
        from genai_lint.lsp.server import run
    except ImportError as exc:
        raise Failure(f"the language server needs {exc.name}: pip install 'genai-lint[lsp]'") from None
    run()
