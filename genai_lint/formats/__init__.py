"""Output formats. Each module exposes ``render(report, color=False) -> str``.

Formatters take a :class:`~genai_lint.findings.Report` and know nothing of rules; modules are
imported only when their format is asked for, to keep start-up fast.
"""

from __future__ import annotations

from collections.abc import Callable

from genai_lint.findings import Report

FORMATS: dict[str, str] = {
    "text": "genai_lint.formats.text",
    "concise": "genai_lint.formats.concise",
    "json": "genai_lint.formats.json_format",
    "sarif": "genai_lint.formats.sarif",
    "github": "genai_lint.formats.github",
    "junit": "genai_lint.formats.junit",
    "gitlab": "genai_lint.formats.gitlab",
}

Renderer = Callable[..., str]


def renderer(name: str) -> Renderer:
    """The ``render`` function of the format called ``name``."""
    return __import__(FORMATS[name], fromlist=("render",)).render  # not importlib: its package costs start-up time


def render(name: str, report: Report, color: bool = False) -> str:
    return renderer(name)(report, color=color)
