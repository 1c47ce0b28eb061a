"""Hostile manifests: each case states its outcome (findings at line:col, or exit 2 with one line).

Every case runs the real CLI in a subprocess: ``check`` with all seven formats (each validated),
then ``hash --check``, ``hash``, ``add`` and ``audit`` where the manifest is part of the case.
Small cases are files in ``corpus/``; those that must hold exact bytes (encodings, NUL, CRLF,
conflict markers, invisible characters) or are large are built here.
"""

from __future__ import annotations

import codecs
import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import ASSET_BYTES, ASSET_SHA, CLEAN
from hostile_harness import CORPUS, DATE, check_all_formats, cli, cli_all, findings_of, has, project

PWNED = "pwned-by-yaml"
"""The file the object-building payloads in the corpus would create, relative to the folder genai-lint runs in."""


@dataclass
class Case:
    """A manifest and exactly what ``check`` must say about it."""

    name: str
    findings: list[tuple]
    """``(code, line, column)`` or ``(code, line, column, text in the message)``: the complete list."""
    exit: int = 1
    manifest: bytes | None = None
    """The manifest's bytes; ``None`` takes ``corpus/<name>.yaml``."""
    loads: bool = True
    """False when the manifest cannot be loaded (M001): ``hash`` and ``add`` must then refuse it with exit 2."""
    extra: dict[str, bytes] = field(default_factory=dict)
    frame: str = ""
    """Text the source frame of the text format must show (the line as written, whatever the encoding)."""

    def bytes(self) -> bytes:
        return self.manifest if self.manifest is not None else (CORPUS / f"{self.name}.yaml").read_bytes()


def m001(line: int, column: int, text: str) -> list[tuple]:
    return [("M001", line, column, text)]


BAD_DATE = CLEAN.replace('created: "2026-05-01"', 'created: "2026-02-30"')
ROOT_NOT_MAPPING = "a manifest must be a mapping with manifest_version and production"
TAG = "unsupported YAML tag !!python/"

CONFLICT = b"""manifest_version: 1
production:
<<<<<<< HEAD
  id: demo
=======
  id: demo-two
>>>>>>> feature/rename
"""

HIDDEN = CLEAN.replace("assets:\n", "assets:  # a right-to-left mark \u200f in a comment\n") + (
    '    prompt: "castle at dusk\u202eilbhG oiduts ni"\n'
    "    x-prompts:\n"
    '      - "a zero\u200bwidth space"\n'
    '      - "\u2066isolated\u2069 and a \ufeffword joiner"\n'
)
"""Bidirectional controls and zero-width marks in a comment (line 20), a prompt and an extension field."""

LINE_SEPARATOR = 'manifest_version: 1\nproduction: {id: demo}\nx-note: "first\u2028second"\nx-hidden: "a\u200bb"\n'
"""libyaml counts U+2028 as a line break: M015 must count lines the same way (x-hidden is on line 5)."""


def deep_flow(levels: int) -> bytes:
    return f"manifest_version: 1\nproduction: {{id: demo}}\nx-deep: {'[' * levels}{']' * levels}\n".encode()


def deep_block_sequence(levels: int) -> bytes:
    return f"manifest_version: 1\nproduction: {{id: demo}}\nx-deep:\n{'- ' * levels}leaf\n".encode()


def deep_block_mapping(levels: int) -> bytes:
    keys = "".join("  " * depth + f"k{depth}:\n" for depth in range(levels))
    return f"manifest_version: 1\nproduction: {{id: demo}}\nx-deep:\n{keys}{'  ' * levels}leaf\n".encode()


def clean_with(old: str, new: str) -> bytes:
    assert old in CLEAN
    return CLEAN.replace(old, new, 1).encode()


CASES = [
    Case("empty", [("M002", 1, 1, f"{ROOT_NOT_MAPPING}, not null")]),
    Case("list", [("M002", 1, 1, f"{ROOT_NOT_MAPPING}, not a list")]),
    Case("scalar", [("M002", 1, 1, f"{ROOT_NOT_MAPPING}, not 'a manifest that is only a sentence'")]),
    Case("merge-conflict", m001(3, 1, "unresolved merge conflict marker"), manifest=CONFLICT, loads=False),
    Case("invalid-utf8", m001(4, 14, "not valid UTF-8 text: byte 0xe9"), loads=False,
         manifest=CLEAN.encode().replace(b'title: "Demo"', b'title: "Dem\xe9"')),
    Case("utf16-le-bom", [], exit=0, manifest=codecs.BOM_UTF16_LE + CLEAN.encode("utf-16-le")),
    Case("utf16-be-bom", [], exit=0, manifest=codecs.BOM_UTF16_BE + CLEAN.encode("utf-16-be")),
    Case("utf32-le-bom", [], exit=0, manifest=codecs.BOM_UTF32_LE + CLEAN.encode("utf-32-le")),
    Case("utf8-bom", [], exit=0, manifest=codecs.BOM_UTF8 + CLEAN.encode()),
    Case("nul-bytes", m001(4, 14, "contains a NUL character"), loads=False,
         manifest=clean_with('title: "Demo"', 'title: "Dem\x00o"')),
    Case("crlf", [], exit=0, manifest=CLEAN.replace("\n", "\r\n").encode()),
    Case("crlf-with-finding", [("M002", 28, 14, "'2026-02-30' is not a real calendar date")],
         manifest=BAD_DATE.replace("\n", "\r\n").encode(), frame='28 |     created: "2026-02-30"\n'),
    Case("utf16-with-finding", [("M002", 28, 14, "'2026-02-30' is not a real calendar date")],
         manifest=codecs.BOM_UTF16_LE + BAD_DATE.encode("utf-16-le"), frame='28 |     created: "2026-02-30"\n'),
    Case("tabs", m001(3, 1, "a tab character, where YAML allows only spaces"), loads=False),
    Case("python-apply", m001(2, 13, TAG + "object/apply:os.system"), loads=False),
    Case("python-object", m001(2, 13, TAG + "object:genai_lint.cli.Failure"), loads=False),
    Case("python-new", m001(2, 13, TAG + "object/new:subprocess.Popen"), loads=False),
    Case("python-name", m001(4, 10, TAG + "name:os.system"), loads=False),
    Case("python-verbatim", m001(2, 13, TAG + "object/apply:os.system"), loads=False),
    Case("python-key", m001(3, 1, TAG + "name:os.system"), loads=False),
    Case("billion-laughs", m001(1, 1, "this looks like an alias or merge-key bomb"), loads=False),
    Case("alias-cycle", m001(2, 13, "an alias refers to the mapping or list that contains it"), loads=False),
    Case("multi-document", m001(3, 1, "expected a single document"), loads=False),
    Case("huge-integer", m001(4, 10, "(5,000 characters)' is not a valid !!int"), loads=False,
         manifest=clean_with('title: "Demo"', "title: " + "9" * 5000)),
    Case("nesting-flow-100000", m001(3, 1008, "exceeded maximum nesting depth"), manifest=deep_flow(100_000),
         loads=False),
    Case("nesting-block-sequence-100000", m001(4, 1999, "exceeded maximum nesting depth"),
         manifest=deep_block_sequence(100_000), loads=False),
    Case("nesting-block-mapping-2000", m001(1003, 2003, "exceeded maximum nesting depth"),
         manifest=deep_block_mapping(2000), loads=False),
    Case("nesting-999-inside-asset", [("M002", 32, 5, "inputs must be a list, not a mapping")],
         manifest=(CLEAN + "    x-deep: " + "[" * 995 + "]" * 995 + "\n    inputs: " + "{a: " * 995 + "1"
                   + "}" * 995 + "\n").encode()),
    Case("duplicate-keys", [
        ("M003", 5, 3, "duplicate key 'id': already set on line 3"),  # production
        ("M003", 10, 5, "duplicate key 'environment': already set on line 9"),  # tool
        ("M003", 15, 7, "duplicate key 'trains_on_inputs': already set on line 12"),  # data_handling
        ("M012", 19, 11, "a.png has no sha256"),
        ("G201", 20, 11, "trains on inputs"),  # the first value (true) is kept, never last-one-wins
        ("M003", 24, 5, "duplicate key 'deliverable': already set on line 23"),  # asset
        ("G502", 27, 15),
        ("M003", 32, 9, "duplicate key 'source': already set on line 30"),  # input
        ("M003", 36, 7, "duplicate key 'name': already set on line 34"),  # talent
        ("M003", 37, 1, "duplicate key 'manifest_version': already set on line 1"),  # root
    ]),
    Case("merge-keys", [
        ("G301", 19, 9, "tool 'free-cloud' runs in consumer"),  # A-1's tool comes from the anchor: pointed at there
        ("M012", 28, 11, "a.png has no sha256"),
        ("M007", 31, 11, "b.png: file does not exist"),
        ("G201", 32, 11, "tool 'cloud-trains' trains on inputs (asset A-2)"),
        ("G301", 32, 11, "tool 'cloud-trains' runs in vendor-cloud"),
    ]),
    Case("bad-dates", [
        ("M002", 12, 17, "'2026-02-30' is not a real calendar date"),
        ("M002", 13, 14, "'2026-13-01' is not a real calendar date"),
        ("M012", 17, 11, "a.png has no sha256"),
        ("M002", 22, 14, "'2026-02-29' is not a real calendar date"),
        ("M002", 23, 19, "'2026-04-31' is not a real calendar date"),
    ]),
    Case("hidden-unicode", [
        ("M015", 20, 33, "U+200F"),
        ("M015", 31, 28, "U+202E"),
        ("M015", 33, 16, "U+200B"),
        ("M015", 34, 10, "U+2066"),
        ("M015", 34, 19, "U+2069"),
        ("M015", 34, 27, "U+FEFF"),
    ], exit=0, manifest=HIDDEN.encode()),
    Case("line-separator", [("M015", 5, 13, "U+200B")], exit=0, manifest=LINE_SEPARATOR.encode()),
    Case("unclosed-at-end-of-file", m001(3, 12, "did not find expected ',' or ']'"), loads=False,
         manifest=b"manifest_version: 1\nproduction:\n  id: [demo"),  # no final line break: still a real position
    Case("terminal-escapes", [("M002", 2, 18, "is not a valid id")],  # the text formats must not emit ESC or BEL
         manifest=b'manifest_version: 1\nproduction: {id: "\\e]0;pwned\\a\\e[2J\\x01"}\n'),
]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_check_reports_each_case_at_its_position(case: Case, tmp_path: Path) -> None:
    root = project(tmp_path / "prod", {"genai-manifest.yaml": case.bytes(), "a.png": ASSET_BYTES, **case.extra})
    run = check_all_formats(root)
    got = findings_of(run)
    assert run.code == case.exit, (run.out, run.err)
    assert len(got) == len(case.findings), json.dumps(got, indent=1)
    for code, line, column, *text in case.findings:
        has(got, code, line, column, *text)
    assert not (root / PWNED).exists() and not (tmp_path / PWNED).exists()
    assert case.frame in run.out
    if any(finding["code"] == "M001" for finding in got):
        assert all(len(finding["message"]) < 300 for finding in got)


@pytest.mark.parametrize("case", [case for case in CASES if not case.loads], ids=lambda case: case.name)
def test_other_commands_on_a_manifest_that_does_not_load(case: Case, tmp_path: Path) -> None:
    """``hash`` and ``add`` leave it byte for byte and say why in one line; ``audit`` and ``gate`` report it."""
    original = case.bytes()
    root = project(tmp_path / "prod", {"genai-manifest.yaml": original, "a.png": ASSET_BYTES, "new.png": b"new",
                                       "delivery/notes.txt": b"plain text"})
    code, line, column, text = case.findings[0]
    check_only, rehash, add, audit, gate = cli_all(
        ("hash", "--check"), ("hash",), ("add", "new.png", "--tool", "ent", "--media", "image", "--purpose", "concept"),
        ("audit", "--format", "json", "--date", DATE), ("gate", "delivery", "--format", "json", "--date", DATE),
        cwd=root)
    assert gate.code == 1  # the gate cannot vouch for a delivery whose manifest it could not read
    assert [(f["code"], f["line"], f["column"]) for f in json.loads(gate.out)["findings"]] == [(code, line, column)]
    for run in (check_only, rehash):
        run.one_line_error(f"genai-manifest.yaml:{line}:{column}: cannot update")
    add.one_line_error(f"genai-manifest.yaml:{line}:{column}: cannot add to it")
    assert audit.code == 0
    manifests = json.loads(audit.out)["projects"][0]["manifests"]
    assert manifests[0]["error"] and not (root / PWNED).exists()
    assert (root / "genai-manifest.yaml").read_bytes() == original


@pytest.mark.parametrize("encoding", ["utf16-le-bom", "utf16-be-bom", "utf32-le-bom", "utf8-bom", "crlf"])
def test_hash_and_add_keep_the_encoding_and_line_breaks(encoding: str, tmp_path: Path) -> None:
    """A UTF-16/32 or CRLF manifest gains its sha256 and a new asset in its own encoding; nothing else changes."""
    case = next(case for case in CASES if case.name == encoding)
    original = case.bytes()
    unhashed = original.replace(*(_encode_like(original, text) for text in (f'    sha256: "{ASSET_SHA}"\n', "")))
    assert unhashed != original
    root = project(tmp_path / "prod", {"genai-manifest.yaml": unhashed, "a.png": ASSET_BYTES, "new.png": b"new"})
    run = cli("hash", cwd=root)
    assert run.code == 0 and "1 filled" in run.out, run.err
    assert (root / "genai-manifest.yaml").read_bytes() == original
    run = cli("add", "new.png", "--tool", "ent", "--media", "image", "--purpose", "concept", "--created", DATE,
              cwd=root)
    assert run.code == 0, run.err
    after = (root / "genai-manifest.yaml").read_bytes()
    assert after.startswith(original) and _decode_like(original, after[len(original):]).startswith("  - id: A-2")
    assert cli("check", "--date", DATE, "--format", "concise", cwd=root).code == 0


def _encode_like(sample: bytes, text: str) -> bytes:
    """``text`` in the encoding and line breaks of ``sample`` (without a byte-order mark)."""
    if b"\r\n" in sample.replace(b"\x00", b""):
        text = text.replace("\n", "\r\n")
    for bom, codec in ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                       (codecs.BOM_UTF16_BE, "utf-16-be")):
        if sample.startswith(bom):
            return text.encode(codec)
    return text.encode()


def _decode_like(sample: bytes, data: bytes) -> str:
    for bom, codec in ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                       (codecs.BOM_UTF16_BE, "utf-16-be")):
        if sample.startswith(bom):
            return data.decode(codec)
    return data.decode()


def test_merge_keys_and_anchors_survive_hash(tmp_path: Path) -> None:
    """Assets that share an anchored block get their own sha256; every other byte stays, anchors included."""
    original = (CORPUS / "merge-keys.yaml").read_bytes()
    root = project(tmp_path / "prod", {"genai-manifest.yaml": original, "a.png": b"a", "b.png": b"b"})
    run = cli("hash", cwd=root)
    assert run.code == 0 and "2 filled" in run.out, run.err
    after = (root / "genai-manifest.yaml").read_text()
    added = [line for line in after.splitlines() if line not in original.decode().splitlines()]
    assert len(added) == 2 and all(line.startswith("    sha256: ") for line in added)
    kept = [line for line in after.splitlines() if not line.startswith("    sha256: ")]
    assert kept == original.decode().splitlines()


def test_add_next_to_assets_whose_ids_are_not_text(tmp_path: Path) -> None:
    """An id that is a list or a number is an M002, and must not stop ``add`` from picking the next free id."""
    manifest = CLEAN.replace("  - id: A-1\n", "  - id: [A-1]\n") + CLEAN[CLEAN.index("  - id: A-1"):].replace(
        "id: A-1", "id: 7")
    root = project(tmp_path / "prod", {"genai-manifest.yaml": manifest, "a.png": ASSET_BYTES, "new.png": b"new"})
    run = cli("add", "new.png", "--tool", "ent", "--media", "image", "--purpose", "concept", cwd=root)
    assert run.code == 0 and "added A-0001" in run.out, run.err
