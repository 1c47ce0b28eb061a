"""Differential test: the gate's verdict on real files made by others agrees with the official readers.

For every file of ``../shared/provenance-corpus/files`` (or ``$GENAI_LINT_SHARED/provenance-corpus``) (real and SDK-made media from public
repositories), the oracle is computed here from independent tools: ``c2pa-python`` (every manifest
of the store, ingredients included) for Content Credentials and ``exiftool`` for XMP, PNG text and
EXIF. The gate, run through the real CLI on a delivery holding all of them, must agree: D801 where
the tools find generative provenance, D803 where they cannot read or judge the file, nothing
where they find a clean file.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from conftest import EXAMPLES, REPO, run_cli

CORPUS = Path(os.environ.get("GENAI_LINT_SHARED", REPO.parent / "shared")) / "provenance-corpus" / "files"
GENERATIVE = {"trainedalgorithmicmedia", "compositewithtrainedalgorithmicmedia", "trainedalgorithmicdata"}
REVIEW = {"compositesynthetic"}
SDK_FORMATS = {".m4s": "video/mp4"}  # DASH segments: MP4 fragments, a name the SDK does not know
TERM = re.compile(r"(?:digitalsourcetype/|digsrctype:)?([A-Za-z]+)\s*$")

pytestmark = [
    pytest.mark.skipif(not CORPUS.is_dir(), reason="no ../shared/provenance-corpus beside the repository"),
    pytest.mark.skipif(shutil.which("exiftool") is None, reason="exiftool is not installed (.ci/run installs it)"),
]


def _terms(node: object, key_matches: bool = False) -> set[str]:
    """The digital source type terms anywhere under ``node`` (values of keys ending in digitalSourceType)."""
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            found |= _terms(value, str(key).lower().endswith("digitalsourcetype"))
    elif isinstance(node, list):
        for item in node:
            found |= _terms(item, key_matches)
    elif key_matches and isinstance(node, str) and (m := TERM.search(node.strip())):
        found.add(m[1].lower())
    return found


def c2pa_oracle(path: Path) -> str:
    """"generative", "review", "clean" or "unreadable" according to the official C2PA SDK."""
    import c2pa

    try:
        with path.open("rb") as stream, c2pa.Reader(SDK_FORMATS.get(path.suffix, path.suffix[1:]), stream) as reader:
            store = json.loads(reader.json())
    except Exception as exc:  # noqa: BLE001 - the SDK signals "no manifest" and real errors the same way
        text = str(exc)
        if "ManifestNotFound" in text or "no JUMBF data found" in text or "NotSupported" in text:
            return "clean"
        return "unreadable"
    terms: set[str] = set()
    for manifest in store.get("manifests", {}).values():
        for assertion in manifest.get("assertions", []):
            label = assertion.get("label", "")
            if re.fullmatch(r"c2pa\.actions(?:\.v2)?(?:__\d+)?|stds\.iptc(?:\.photo-metadata)?(?:__\d+)?", label):
                terms |= _terms(assertion.get("data"))
    return "generative" if terms & GENERATIVE else "review" if terms & REVIEW else "clean"


def _is_json_object(text: object, key: str) -> bool:
    try:
        parsed = json.loads(str(text))
    except ValueError:
        return False
    if not isinstance(parsed, dict):
        return False
    if key == "prompt":
        return any(isinstance(node, dict) and "class_type" in node for node in parsed.values())
    if key == "workflow":
        return isinstance(parsed.get("nodes"), list)
    if key == "fooocus":
        return str(parsed.get("version", "")).startswith("Fooocus") or {"base_model", "prompt"} <= parsed.keys()
    return True


def exiftool_oracle(tags: dict[str, object]) -> str:
    """The verdict of exiftool's tags: XMP digital source type, generator text chunks, EXIF
    ("no reader" when exiftool does not know the format: the SDK's verdict stands alone)."""
    if "ExifTool:Error" in tags:
        return "no reader" if tags["ExifTool:Error"] == "Unknown file type" else "unreadable"
    terms = {TERM.search(str(v).strip())[1].lower() for k, v in tags.items()
             if k.lower().endswith("digitalsourcetype") and TERM.search(str(v).strip())}
    text = {k.split(":", 1)[1].lower(): v for k, v in tags.items() if ":" in k}
    generator = (
        re.search(r"(?:^|\n)Steps: \d+", str(text.get("parameters", "")))
        or _is_json_object(text.get("parameters"), "fooocus")
        or "fooocus_scheme" in text
        or _is_json_object(text.get("prompt"), "prompt")
        or _is_json_object(text.get("workflow"), "workflow")
        or any(k in text for k in ("invokeai_metadata", "invokeai_graph", "sd-metadata"))
        or str(text.get("software", "")).strip() == "NovelAI"
        or re.match(r'"[^"]*".*\s-S\s*-?\d+', str(text.get("dream", "")))
        or str(text.get("source", "")).startswith("NovelAI Diffusion")
        or any(re.match(r"(?:prompt|workflow):\s*\{", str(text.get(k, "")), re.I) for k in ("make", "model"))
        or re.search(r"(?:^|\n)Steps: \d+", str(text.get("usercomment", "")))
    )
    if terms & GENERATIVE or generator:
        return "generative"
    return "review" if terms & REVIEW else "clean"


def oracle(path: Path, tags: dict[str, object]) -> str:
    """The expected gate finding: "D801", "D803" or "clean"."""
    verdicts = {c2pa_oracle(path), exiftool_oracle(tags)}
    if "generative" in verdicts:
        return "D801"
    return "D803" if verdicts & {"unreadable", "review"} else "clean"


def test_gate_agrees_with_c2pa_python_and_exiftool_on_the_corpus(tmp_path: Path) -> None:
    files = sorted(p for p in CORPUS.iterdir() if p.is_file())
    delivery = tmp_path / "delivery"
    delivery.mkdir()
    for path in files:
        shutil.copyfile(path, delivery / path.name)
    exif = subprocess.run(["exiftool", "-j", "-a", "-G1", "-struct", "-q", "-q", *map(str, files)],
                          capture_output=True, text=True, check=False)
    tags = {Path(entry["SourceFile"]).name: entry for entry in json.loads(exif.stdout or "[]")}
    expected = {path.name: oracle(path, tags.get(path.name, {"ExifTool:Error": "no output"})) for path in files}

    result = run_cli("gate", str(delivery), "--project", str(EXAMPLES / "aurora"), "--format", "json", "--no-cache")
    findings = json.loads(result.output)["findings"]
    codes: dict[str, set[str]] = {}
    for finding in findings:
        codes.setdefault(Path(finding["path"]).name, set()).add(finding["code"])
    got = {name: "D801" if "D801" in codes.get(name, ()) else "D803" if "D803" in codes.get(name, ()) else "clean"
           for name in expected}

    disagreements = {name: (expected[name], got[name]) for name in expected if expected[name] != got[name]}
    counts = Counter(expected[name] for name in expected if name not in disagreements)
    print(f"\nagreement on {len(files) - len(disagreements)} of {len(files)} files: "
          f"D801 {counts['D801']}, D803 {counts['D803']}, clean {counts['clean']}")
    assert disagreements == {}
