"""The one output sanitiser: every format passes manifest-controlled text through here.

A pull request controls manifest values, file names and configuration, and what genai-lint
prints lands in terminals, CI logs, GitHub annotations and rendered Markdown. So:

* :func:`printable` writes every character a terminal would act on or hide as a Python-style
  escape (``\\x1b``, ``\\x9b``, ``\\x7f``, ``\\u202e``, ``\\u200b``; the undecodable bytes of a file
  name as ``\\xff``) and defuses the GitHub runner's legacy ``##[command]`` syntax (``##\\[``).
* :func:`log_line` keeps a whole output line from starting a ``::command::`` of its own.
* :func:`valid_text` only makes a file name valid UTF-8, for paths kept as data.
* :func:`json_dumps` keeps the data exact but writes the same characters as JSON ``\\u`` escapes.
* :func:`markdown_text` makes a value render literally in GitHub Markdown: no link, image, raw
  HTML, autolink, @mention or table cell comes out of it, while ordinary text stays readable.
"""

from __future__ import annotations

import json
import re

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at every start-up
if TYPE_CHECKING:
    from typing import Any

WORKFLOW_LEGACY = "##["
"""The GitHub runner acts on ``##[command]data`` anywhere in a log line."""

_SURROGATE_BYTES = range(0xDC80, 0xDD00)
"""Lone surrogates Python's ``surrogateescape`` uses for the undecodable bytes of a file name."""


def _escape_char(char: str) -> str:
    code = ord(char)
    if code in _SURROGATE_BYTES:
        return f"\\x{code - 0xDC00:02x}"
    return char.encode("unicode_escape", "backslashreplace").decode("ascii")


_SURROGATE = "[\ud800-\udfff]"  # these patterns are compiled on first use (re's cache): most text needs none


def valid_text(text: str) -> str:
    """``text`` that encodes as UTF-8: a file name's undecodable bytes (lone surrogates) written as ``\\xff``.

    For data that is escaped again on output (JSON keeps a file name's line break as ``\\n``)."""
    if text.isascii():
        return text
    return re.sub(_SURROGATE, lambda match: _escape_char(match.group(0)), text)


_COMMAND_AFTER_BREAK = r"(\n\s*):(?=:)"
"""A kept line break followed by ``::``: the new line would start a workflow command."""


def printable(text: str, keep: str = "") -> str:
    """``text`` with every non-printable character escaped (C0, C1, DEL, bidi and zero-width marks,
    line and paragraph separators, unassigned and private-use code points), except those in ``keep``
    (``"\\t\\n"`` where a format allows them); ``##[`` becomes ``##\\[``, and a kept line break
    cannot start a ``::command::`` line (its first ``:`` becomes ``\\x3a``, as in :func:`log_line`).
    """
    if not text.isprintable():
        text = "".join(char if char.isprintable() or char in keep else _escape_char(char) for char in text)
    if WORKFLOW_LEGACY in text:
        text = text.replace(WORKFLOW_LEGACY, "##\\[")
    if "\n" in keep and "::" in text:
        text = re.sub(_COMMAND_AFTER_BREAK, r"\1\\x3a", text)
    return text


def log_line(line: str) -> str:
    """One output line that the GitHub runner will not read as a ``::command::`` (its first ``:`` escaped)."""
    stripped = line.lstrip()
    if stripped.startswith("::"):
        return line[: len(line) - len(stripped)] + "\\x3a" + stripped[1:]
    return line


_NOT_ASCII_PRINTABLE = r"[^\t\n\x20-\x7e]"


def json_dumps(document: Any, indent: int | None = 2) -> str:
    """``json.dumps`` with non-ASCII text kept readable, but every character :func:`printable` would
    escape written as a ``\\uXXXX`` escape, and ``##[`` as ``##\\u005b``: the same data, no raw control."""
    text = json.dumps(document, indent=indent, ensure_ascii=False)

    def escape(match: re.Match[str]) -> str:
        char = match.group(0)
        if char.isprintable():
            return char
        return json.dumps(char, ensure_ascii=True)[1:-1] if ord(char) not in _SURROGATE_BYTES else f"\\u{ord(char):04x}"

    if not text.isascii() or "\x7f" in text:  # JSON escapes C0 controls itself; DEL and non-ASCII are left
        text = re.sub(_NOT_ASCII_PRINTABLE, escape, text)
    return text.replace(WORKFLOW_LEGACY, "##\\u005b") if WORKFLOW_LEGACY in text else text


_MARKDOWN_ACTIVE = (  # compiled on first use (re's cache): only Markdown output needs it
    r"(?P<address>(?<![^\s|`])[^\s|`]*@[^\s|`]*)"  # a word with an @ (mention, e-mail autolink): a code span
    r"|(?P<backslash>\\(?=[!-/:-@\[-`{-~]))"  # a backslash that would escape what follows: keep it literal
    r"|(?P<bracket>\](?=[(\[:]))"  # a link, image or reference: [text](url), [text][ref], [ref]: url
    r"|(?P<html><(?=[A-Za-z/!?]))"  # raw HTML, comments and <autolinks>
    r"|(?P<scheme>(?<=[A-Za-z]):(?=//))"  # bare http://... autolinks
    r"|(?P<www>(?<=[wW]{3})\.)"  # bare www. autolinks
    r"|(?P<cell>[|`])"  # table cells and code spans
    r"|(?P<block>^[#>]|^[-+*=](?=\s|$)|^[-*_](?=\s*[-*_]\s*[-*_])|^\d+[.)](?=\s|$)|^\[(?=[ xX]\]))"
    # ... a heading, quote, list item, thematic break or task box
)


def _markdown_escape(match: re.Match[str]) -> str:
    if match.lastgroup == "address":
        return f"`{match.group(0)}`"
    return "\\" + match.group(0)


def markdown_text(value: str) -> str:
    """``value`` as Markdown that renders literally, on one line (fit for a paragraph or a table cell).

    Escapes only what would change the rendering: links and images (``\\](``), raw HTML and
    autolinks (``\\<b>``, ``http\\://``, ``www\\.``), table pipes and backticks; a word holding an ``@``
    (a mention, an e-mail address) becomes a code span (GitHub neither notifies nor links inside code);
    a value that would open a heading, list, quote or rule has its first character escaped. ``&``,
    emphasis and single brackets stay as written.
    """
    text = printable(" ".join(value.split()))
    return re.sub(_MARKDOWN_ACTIVE, _markdown_escape, text)
