"""Property tests (Hypothesis) over the one output sanitiser, :mod:`genai_lint.safe_text`.

Markdown is rendered with GitHub's own cmark-gfm (the ``cmarkgfm`` binding) with raw HTML
allowed, so a test fails exactly when GitHub would render a link, image, tag or mention.
"""

from __future__ import annotations

import json
import re

import cmarkgfm
from cmarkgfm.cmark import Options
from hypothesis import given, settings
from hypothesis import strategies as st

from genai_lint.safe_text import json_dumps, log_line, markdown_text, printable, valid_text

NASTY = st.sampled_from(["\x1b[31m", "\x1b]8;;http://e.example\x07", "\x07", "\x9b", "\x7f", "\x08", "\r", "\n",
                         "\u202e", "\u2066", "\u200b", "\ufeff", "\u2028", "\x00", "\udcff", "::", "##[", "\\",
                         "](", "[x]", "![i](u)", "<b>", "</p>", "<!--", "<http://e.example>", "http://e.example",
                         "www.e.example", "@octocat", "@org/team", "a@b.example", "|", "`", "#", "- ", "&lt;",
                         "javascript:", "*", "_", "\t", " "])
TEXT = st.lists(st.one_of(NASTY, st.text(max_size=8)), max_size=24).map("".join)
OPTIONS = Options.CMARK_OPT_UNSAFE  # raw HTML passes through: what the escaping must stop on its own


def safe(text: str, keep: str = "") -> bool:
    return all(char.isprintable() or char in keep for char in text) and "##[" not in text


@given(TEXT)
def test_printable_leaves_no_control_and_no_legacy_command(text: str) -> None:
    shown = printable(text)
    assert safe(shown)
    assert "\n" not in shown and "\r" not in shown


@given(TEXT)
def test_printable_keeps_line_breaks_only_when_asked_and_never_starts_a_command(text: str) -> None:
    shown = printable(text, keep="\t\n")
    assert safe(shown, keep="\t\n")
    assert shown.count("\n") == text.count("\n")
    assert not any(line.lstrip().startswith("::") for line in shown.split("\n")[1:])


@given(st.text())
def test_printable_changes_nothing_printable(text: str) -> None:
    if text.isprintable() and "##[" not in text:
        assert printable(text) == text


def test_escapes_read_like_python_escapes() -> None:
    assert printable("a\x1b[0m\x9b\x7f\u202e\u200b\udcff##[x") == "a\\x1b[0m\\x9b\\x7f\\u202e\\u200b\\xff##\\[x"
    assert valid_text("caf\udcc3\udca9 \n") == "caf\\xc3\\xa9 \n"


@given(TEXT)
def test_log_line_never_starts_a_workflow_command(text: str) -> None:
    line = log_line(printable(text))
    assert not line.lstrip().startswith("::")


@given(st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), TEXT),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
                    max_leaves=12))
def test_json_keeps_the_data_exactly_with_no_raw_control(document) -> None:
    text = json_dumps(document)
    assert safe(text, keep="\n")
    assert json.loads(text) == document


RENDERED_TAGS = re.compile(r"<(/?)([a-z0-9]+)")


@settings(max_examples=300)
@given(TEXT)
def test_markdown_renders_literally(text: str) -> None:
    value = markdown_text(text)
    assert "\n" not in value and safe(value)
    html = cmarkgfm.github_flavored_markdown_to_html(f"| a |\n|---|\n| {value} |\n\n- {value}\n", options=OPTIONS)
    tags = {name for _, name in RENDERED_TAGS.findall(html)}
    assert tags <= {"table", "thead", "tbody", "tr", "th", "td", "ul", "li", "p", "code", "em", "strong", "del"}, html
    assert html.count("<td>") == 1, html  # one cell: no pipe split it
    # GitHub turns @name into a mention outside code spans, at the start of a text node too.
    outside_code = re.sub(r"<code>.*?</code>", " ", html, flags=re.S)
    assert not re.search(r"(?<![\w`])@[A-Za-z0-9]", outside_code), html


def test_markdown_stays_readable() -> None:
    assert markdown_text("AT&T [draft] 5 < 6, a_b *c*") == "AT&T [draft] 5 < 6, a_b *c*"
    assert markdown_text("[c](javascript:alert(1)) <b>x</b> @octocat") == \
        "[c\\](javascript:alert(1)) \\<b>x\\</b> `@octocat`"
