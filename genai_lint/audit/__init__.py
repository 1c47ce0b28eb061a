"""The disclosure and audit report (`genai-lint audit`): one model, rendered as JSON, Markdown or HTML.

:mod:`~genai_lint.audit.model` builds the model; :mod:`~genai_lint.audit.json`,
:mod:`~genai_lint.audit.markdown` and :mod:`~genai_lint.audit.html` render it and know nothing of rules.
"""

from __future__ import annotations

from genai_lint.audit.model import collect

__all__ = ["collect", "render"]


def render(model: dict, format_name: str) -> str:
    """The model in ``json``, ``md`` or ``html``, ending with a newline."""
    if format_name == "json":
        from genai_lint.audit.json import render_json

        return render_json(model)
    if format_name == "html":
        from genai_lint.audit.html import render_html

        return render_html(model)
    from genai_lint.audit.markdown import render_md

    return render_md(model)
