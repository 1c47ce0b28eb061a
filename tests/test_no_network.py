"""genai-lint never touches the network: every command works with sockets disabled, and a URL is refused.

Each command runs in a subprocess whose ``socket`` module refuses to connect or resolve (and
says so on stderr, in case the refusal were swallowed). Where the system allows it, the same
runs happen again in an empty network namespace (``unshare -rn``), which also catches a fetch
made below Python (the JSON Schema validator is written in Rust).

Decision on URLs: a configuration value that is a URL where a path glob is expected is refused
(exit 2, one line naming the setting); a URL given as a path, a config file, a baseline or an
asset path is treated as a file name that does not exist. Nothing is ever fetched.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ASSET_BYTES, CLEAN, write_project

from genai_lint.schema import schema

MARKER = "genai-lint-test: NETWORK ATTEMPT"
GUARD = f"""
import socket, sys

def _refuse(*args, **kwargs):
    sys.stderr.write({MARKER!r} + " " + repr(args[:2]) + "\\n")
    raise OSError("network disabled by the test")

class _NoSocket(socket.socket):
    def __init__(self, *args, **kwargs):
        _refuse(*args)

socket.socket = _NoSocket
for _name in ("create_connection", "getaddrinfo", "gethostbyname", "gethostbyname_ex", "gethostbyaddr",
              "create_server", "socketpair", "fromfd"):
    setattr(socket, _name, _refuse)
"""
RUN_CLI = GUARD + """
import runpy
sys.argv = ["genai-lint", *sys.argv[1:]]
runpy.run_module("genai_lint", run_name="__main__", alter_sys=True)
"""


def _namespace_works() -> bool:
    if not sys.platform.startswith("linux") or shutil.which("unshare") is None:
        return False
    try:
        return subprocess.run(["unshare", "-rn", "true"], capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


ISOLATIONS = ["sockets-disabled",
              pytest.param("network-namespace", marks=pytest.mark.skipif(not _namespace_works(),
                                                                        reason="unshare -rn is not permitted here"))]


def genai_lint(isolation: str, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    command = [sys.executable, "-c", RUN_CLI, *args]
    if isolation == "network-namespace":
        command = ["unshare", "-rn", *command]
    env = {key: value for key, value in os.environ.items() if key != "GITHUB_ACTIONS"}
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=300, env=env)
    assert MARKER not in result.stderr, result.stderr
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    return result


@pytest.fixture
def production(tmp_path: Path) -> Path:
    root = write_project(tmp_path / "prod", {"genai-manifest.yaml": CLEAN, "a.png": ASSET_BYTES,
                                             "new.png": b"a new asset", "delivery/readme.txt": "plain text"})
    (root / "genai-manifest.yaml").write_text(CLEAN.replace("    sha256:", "    x-old-sha256:"))
    return root


COMMANDS = [
    ("hash", "--check"),  # exit 1: the sha256 is missing
    ("hash",),
    ("hash", "--check"),
    ("check", "--date", "2026-06-01"),
    ("check", "--date", "2026-06-01", "--format", "sarif"),
    ("check", "--date", "2026-06-01", "--format", "junit"),
    ("gate", "delivery", "--date", "2026-06-01", "--format", "json"),
    ("audit", "--format", "md", "--date", "2026-06-01"),
    ("audit", "--format", "html", "--date", "2026-06-01"),
    ("audit", "--format", "json", "--date", "2026-06-01"),
    ("add", "new.png", "--tool", "ent", "--media", "image", "--purpose", "concept"),
    ("init", "fresh"),
    ("rules",),
    ("rules", "--format", "json"),
    ("explain", "G201"),
    ("schema",),
]


@pytest.mark.parametrize("isolation", ISOLATIONS)
def test_every_command_works_without_a_network(isolation: str, production: Path) -> None:
    codes = []
    for args in COMMANDS:
        result = genai_lint(isolation, *args, cwd=production)
        codes.append(result.returncode)
        assert result.returncode in (0, 1), (args, result.stderr)
    assert codes[0] == 1 and all(code == 0 for code in codes[1:]), list(zip(COMMANDS, codes))
    assert json.loads(genai_lint(isolation, "schema", cwd=production).stdout)["$id"]
    assert (production / "fresh" / "genai-manifest.yaml").is_file()


def test_the_guard_really_refuses_sockets(tmp_path: Path) -> None:
    probe = GUARD + "import urllib.request\ntry:\n    urllib.request.urlopen('http://127.0.0.1:9/', timeout=5)\n" \
                    "except OSError as exc:\n    print('refused:', exc)\n"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert MARKER in result.stderr and "refused" in result.stdout


@pytest.mark.parametrize("config", [
    'manifests: ["genai-manifest.yaml", "https://example.com/genai-manifest.yaml"]\n',
    "exclude: [http://example.com/archive/]\n",
    'per-path-ignores:\n  "https://example.com/*": [G001]\n',
    "manifests: file:///etc/genai-manifest.yaml\n",
])
def test_a_url_in_the_configuration_is_refused_not_fetched(config: str, production: Path) -> None:
    (production / ".genai-lint.yaml").write_text(config)
    result = genai_lint("sockets-disabled", "check", cwd=production)
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("genai-lint: error: ") and ".genai-lint.yaml:" in result.stderr
    assert "is a URL; genai-lint reads only local files and never fetches anything" in result.stderr


@pytest.mark.parametrize("args", [
    ("check", "https://example.com/genai-manifest.yaml"),
    ("check", "--config", "https://example.com/.genai-lint.yaml"),
    ("check", "--baseline", "https://example.com/baseline.json"),
    ("hash", "https://example.com/genai-manifest.yaml"),
    ("add", "https://example.com/castle.png", "--tool", "ent", "--media", "image", "--purpose", "concept"),
    ("gate", "https://example.com/delivery/"),
])
def test_a_url_given_as_a_file_is_a_missing_file(args: tuple[str, ...], production: Path) -> None:
    result = genai_lint("sockets-disabled", *args, cwd=production)
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("genai-lint: error: ")


def test_a_remote_schema_reference_in_a_manifest_is_just_an_unknown_field(production: Path) -> None:
    manifest = "# yaml-language-server: $schema=https://example.com/manifest.schema.json\n" \
               + CLEAN.replace("manifest_version: 1\n", "manifest_version: 1\n$schema: https://example.com/s.json\n"
                               "$ref: https://example.com/other.yaml\n")
    (production / "genai-manifest.yaml").write_text(manifest)
    result = genai_lint("sockets-disabled", "check", "--format", "json", "--no-files", "--date", "2026-06-01",
                        cwd=production)
    assert result.returncode == 1
    unknown = [f["message"] for f in json.loads(result.stdout)["findings"] if f["code"] == "M002"]
    assert unknown == ["unknown field '$schema'", "unknown field '$ref'"]


def test_shipped_schemas_reference_nothing_remote() -> None:
    """Every ``$ref`` in the shipped schemas is local (``#/...``); ``$schema`` names a built-in meta-schema."""
    folder = Path(__file__).resolve().parents[1] / "genai_lint" / "schemas"
    shipped = sorted(folder.glob("*.json"))
    assert {path.name for path in shipped} >= {"manifest-v1.schema.json", "config.schema.json"}
    assert json.loads((folder / "manifest-v1.schema.json").read_text()) == schema()
    for path in shipped:
        document = json.loads(path.read_text(encoding="utf-8"))
        refs = list(_values(document, "$ref"))
        assert refs and all(ref.startswith("#") for ref in refs), (path.name, refs)
        assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        for keyword in ("$dynamicRef", "$recursiveRef"):
            assert not list(_values(document, keyword))


def _values(node: object, key: str):
    if isinstance(node, dict):
        for name, value in node.items():
            if name == key:
                yield value
            yield from _values(value, key)
    elif isinstance(node, list):
        for item in node:
            yield from _values(item, key)
