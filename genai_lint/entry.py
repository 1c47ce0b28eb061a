"""The console-script entry point: answers ``--version``, and the usual ``check`` command lines, before
importing the CLI machinery (click)."""

from __future__ import annotations

import sys


def main() -> None:
    args = sys.argv[1:]
    if args in (["--version"], ["-V"]):
        from genai_lint import __version__

        sys.stdout.write(f"genai-lint, version {__version__}\n")
        return
    if args[:1] == ["check"]:
        from genai_lint.check_command import run

        run(args[1:])  # exits, unless click must handle these arguments
    from genai_lint.cli import main as cli

    cli()
