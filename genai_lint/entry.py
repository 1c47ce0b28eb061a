"""The console-script entry point: answers ``--version`` before importing the CLI machinery."""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:] in (["--version"], ["-V"]):
        from genai_lint import __version__

        sys.stdout.write(f"genai-lint, version {__version__}\n")
        return
    from genai_lint.cli import main as cli

    cli()
