"""Output injection: terminal escapes, workflow commands and Markdown from manifest values, in every format.

A pull request controls every manifest value; each output (terminal, CI log, annotations, SARIF,
JUnit, GitLab, JSON, the audit report) must show it without a raw control character, without a
workflow command of its own, and (Markdown) without a live link, image, HTML or @mention.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hostile_harness import DATE, FORMATS, check_all_formats, cli, findings_of, project

INJECTIONS = {
    "csi colour": "\x1b[31mRED\x1b[0m",
    "osc 8 link": "\x1b]8;;http://evil.example/\x07click\x1b]8;;\x07",
    "osc 0 title": "\x1b]0;pwned\x07",
    "bell": "ding\x07",
    "c1 csi": "\u009b31mC1",
    "backspace and del": "ab\x08\x08\x7fc",
    "carriage return": "safe\rFAKE",
    "bidi override": "\u202etxt.exe",
    "bidi isolate": "\u2066hidden\u2069",
    "zero width": "a\u200bb\u200d\ufeffc",
    "line break command": "x\n::error file=x::fake annotation",
    "stop commands": "x\n::stop-commands::token",
    "legacy command": "##[error]fake legacy annotation",
    "markdown link": "[click](javascript:alert(1))",
    "markdown image": "![x](http://evil.example/pixel.png)",
    "raw html": "<b>bold</b><!-- hidden --><img src=x onerror=alert(1)>",
    "autolinks": "<http://evil.example> http://evil.example www.evil.example",
    "mention": "@octocat and @github/security",
}
INJECTION = " ".join(INJECTIONS.values())
RAW_CONTROL = {chr(code) for code in [*range(0, 9), *range(11, 32), 127, *range(0x80, 0xA0)]} | set(
    "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff\u2028\u2029")


def manifest(value: str) -> str:
    quoted = json.dumps(value)
    return f"""manifest_version: 1
production:
  id: demo
  title: {quoted}
  company: {quoted}
  contact: legal@demo.example
tools:
  - id: t1
    name: {quoted}
    vendor: {quoted}
    version: "1"
    environment: enterprise
    data_handling: {{trains_on_inputs: false, trains_on_outputs: false, retains_inputs: false, evidence: {quoted}}}
assets:
  - id: A-1
    path: {json.dumps(value + ".png")}
    tool: t1
    media: image
    purpose: temp
    deliverable: false
    created: "2026-01-01"
    prompt: {quoted}
    waivers:
      - rule: M007
        reason: {quoted}
        expires: "2027-01-01"
  - id: A-2
    path: {json.dumps(value + "-2.png")}
    tool: {quoted}
    media: image
    purpose: temp
    deliverable: false
    created: "2026-01-01"
"""


def assert_clean(name: str, output: str) -> None:
    """No raw control, bidi or zero-width character; no line the GitHub runner would run as a command."""
    raw = sorted({f"U+{ord(char):04X}" for char in output if char in RAW_CONTROL and char not in "\n"})
    assert not raw, (name, raw)
    assert "\r" not in output, name
    assert "##[" not in output, name
    for line in output.split("\n"):
        if line.lstrip().startswith("::"):
            assert line.startswith(("::group::", "::endgroup::", "::error file=", "::warning file=",
                                    "::notice file=")), (name, line)


@pytest.fixture(scope="module")
def hostile_root(tmp_path_factory) -> Path:
    return project(tmp_path_factory.mktemp("inject") / "prod", {"genai-manifest.yaml": manifest(INJECTION)})


def test_check_formats_escape_every_injection(hostile_root: Path) -> None:
    run = check_all_formats(hostile_root)
    assert run.code == 1, run.err
    assert set(run.files) == set(FORMATS)
    for name, output in run.files.items():
        assert_clean(name, output)
    assert_clean("stderr", run.err)
    text = run.files["text"]
    assert "\\x1b[31mRED" in text and "\\u202etxt.exe" in text and "##\\[error]" in text
    waived = [line for line in run.files["github"].splitlines() if line.startswith("waived: ")]
    assert waived and "##\\[error]" in waived[0] and "\\x1b" in waived[0]
    # The data stays exact in JSON: escapes are JSON escapes, and decode to what the manifest said.
    findings = findings_of(run)
    assert any(INJECTIONS["osc 8 link"] in (finding["waived"] or {}).get("reason", "") for finding in findings)
    assert "\\u001b[31mRED" in run.files["json"] and "\\u202etxt" in run.files["sarif"]


ALLOWED_MARKDOWN_TAGS = {"h1", "h2", "h3", "h4", "p", "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td",
                         "code", "strong", "em", "del", "pre", "hr", "br", "details", "summary"}


@pytest.mark.parametrize("format_name", ["md", "html", "json"])
def test_audit_shows_every_injection_literally(hostile_root: Path, format_name: str) -> None:
    run = cli("audit", "--format", format_name, "--date", DATE, cwd=hostile_root)
    assert run.code == 0, run.err
    assert_clean(f"audit {format_name}", run.out)
    if format_name == "md":
        import cmarkgfm
        from cmarkgfm.cmark import Options

        html = cmarkgfm.github_flavored_markdown_to_html(run.out, options=Options.CMARK_OPT_UNSAFE)
        tags = set(re.findall(r"<([a-z0-9]+)", html))
        assert tags <= ALLOWED_MARKDOWN_TAGS, tags - ALLOWED_MARKDOWN_TAGS  # no a, img, b, script, comment
        outside_code = re.sub(r"<code>.*?</code>", " ", html, flags=re.S)
        assert not re.search(r"(?<![\w`])@[A-Za-z0-9]", outside_code)  # GitHub would notify that user
    elif format_name == "html":
        assert "Content-Security-Policy" in run.out and "default-src 'none'" in run.out
        assert "<b>bold" not in run.out and "<img src=x" not in run.out and "<!-- hidden" not in run.out
        assert "&lt;b&gt;bold" in run.out
        assert not re.search(r"""(?:href|src)\s*=\s*["']?(?:javascript|http://evil)""", run.out, re.I)
    else:
        decoded = json.dumps(json.loads(run.out), ensure_ascii=False)  # the data itself is kept exactly
        assert INJECTIONS["raw html"] in decoded and INJECTIONS["bidi override"] in decoded


@pytest.mark.parametrize("format_name", ["text", "concise", "github", "json", "sarif"])
def test_every_stdout_format_is_clean(hostile_root: Path, format_name: str) -> None:
    run = cli("check", "--format", format_name, "--date", DATE, cwd=hostile_root)
    assert run.code == 1, run.err
    assert_clean(format_name, run.out)
    assert_clean("stderr", run.err)


def test_show_config_escapes_names(tmp_path: Path) -> None:
    root = project(tmp_path / "prod\x1b]0;title\x07 ##[error]x", {"genai-manifest.yaml": manifest("v")},
                   config="fail-on: error\nexclude: [\"\\e[31m\\u202e##[warning]\"]\n")
    run = cli("check", "--show-config", cwd=root)
    assert run.code == 0, run.err
    assert_clean("show-config", run.out)
    assert "prod\\x1b]0;title\\x07 ##\\[error]x" in run.out


def test_hash_and_add_messages_are_escaped(tmp_path: Path) -> None:
    name = "\x1b[2J##[error]x\u202e.png"
    root = project(tmp_path / "prod", {"genai-manifest.yaml": manifest("v"), name: b"png"})
    added = cli("add", name, "--tool", "t1", "--media", "image", "--purpose", "temp", "--created", "2026-01-02",
                cwd=root)
    assert added.code == 0, added.err
    hashed = cli("hash", cwd=root)
    for run in (added, hashed):
        assert_clean("stdout", run.out)
        assert_clean("stderr", run.err)
    assert "\\x1b[2J##\\[error]x\\u202e.png" in added.out
