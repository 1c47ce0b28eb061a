"""Sibling manifests come from the document cache when unchanged, and never go stale."""

from __future__ import annotations

from conftest import CLEAN, REPORT_AT_EXIT, check_json, position, sibling

SOUND = sibling()


def test_sibling_cache_is_used_and_follows_changes(project):
    root = project(files={"sound/genai-manifest.yaml": SOUND})
    sound = str(root / "sound" / "genai-manifest.yaml")
    first = check_json(sound)
    assert first.findings == []
    cached = list((root / ".genai-lint-cache" / "documents").glob("*.json"))
    assert len(cached) == 1  # the art manifest, loaded as a sibling
    assert check_json(sound).findings == []
    # The sibling changes: its register loses the tool; the cache must not hide that.
    (root / "genai-manifest.yaml").write_text(CLEAN.replace("  - id: ent\n", "  - id: ent2\n"))
    codes = check_json(sound).codes()
    assert codes == {"M005"}


def test_positions_in_a_cached_sibling_are_exact(project):
    root = project(files={"sound/genai-manifest.yaml": SOUND.replace("id: S-1", "id: A-1")})
    art = root / "genai-manifest.yaml"
    sound = str(root / "sound" / "genai-manifest.yaml")
    check_json(sound)  # fills the cache with the art manifest
    (art.parent / "x").write_text("")  # unrelated change
    result = check_json(sound)
    (finding,) = [f for f in result.findings if f["code"] == "M004"]
    line, _ = position(CLEAN, "- id: A-1")
    assert f"(line {line})" in finding["message"]


def test_damaged_cache_entries_are_ignored(project):
    root = project(files={"sound/genai-manifest.yaml": SOUND})
    sound = str(root / "sound" / "genai-manifest.yaml")
    check_json(sound)
    for entry in (root / ".genai-lint-cache" / "documents").glob("*.json"):
        entry.write_text('{"key": 1, "data": [}')
    assert check_json(sound).findings == []
    assert check_json(sound, "--no-cache").findings == []


def test_a_cache_entry_from_another_checkout_is_not_trusted(project, tmp_path):
    """An entry copied (or committed) from elsewhere does not match this disk's file identity."""
    import shutil

    root = project(files={"sound/genai-manifest.yaml": SOUND})
    sound = str(root / "sound" / "genai-manifest.yaml")
    check_json(sound)
    folder = root / ".genai-lint-cache" / "documents"
    (entry,) = folder.glob("*.json")
    forged = entry.read_text().replace('"id": "ent"', '"id": "forged"')
    assert '"forged"' in forged
    copy = tmp_path / "copy"
    shutil.copytree(root, copy)
    (copy / ".genai-lint-cache" / "documents" / entry.name).write_text(forged)
    assert (copy / ".genai-lint-cache" / ".gitignore").read_text().strip().endswith("*")
    assert check_json(str(copy / "sound" / "genai-manifest.yaml")).findings == []


VALIDATOR_LOADED = REPORT_AT_EXIT + """
import sys
from genai_lint.entry import main
sys.argv = ["genai-lint", "check", "--format", "json", "--date", "2026-06-01", sys.argv[1]]
report_at_exit(lambda: print("validator imported:", "jsonschema_rs" in sys.modules, file=sys.stderr, flush=True))
main()
"""


def _check_in_child(root) -> tuple[set[str], bool]:
    import json
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", VALIDATOR_LOADED, str(root)], capture_output=True, text=True)
    assert done.returncode in (0, 1), done.stderr
    return {f["code"] for f in json.loads(done.stdout)["findings"]}, "validator imported: True" in done.stderr


def test_an_unchanged_manifest_is_not_validated_again(project):
    root = project()
    assert _check_in_child(root) == (set(), True)
    assert _check_in_child(root) == (set(), False)  # same bytes, same schema: the validator is not even imported
    (root / "genai-manifest.yaml").write_text(CLEAN.replace("media: image", "media: painting"))
    assert _check_in_child(root) == ({"M002"}, True)
    assert _check_in_child(root) == ({"M002"}, False)  # the kept result carries the error
    (root / "genai-manifest.yaml").write_text(CLEAN)
    assert _check_in_child(root) == (set(), True)
