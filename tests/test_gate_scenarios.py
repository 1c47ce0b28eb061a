"""The four ways issue 11 fooled the gate, each through the real CLI: every one must block (exit 1).

A regenerated temporary asset whose declared hash is stale, one whose `sha256:` line was deleted,
a deliverable relying on an approval that expired before `--date`, and `--project DIR` named
from another folder or from `/` (nothing written outside the production).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ASSET_BYTES, CLEAN, EXAMPLES, position, run_cli, settle

TEMP_WAV = "sound/sfx/wind_bed_temp_v1.wav"
TEMP_ID = "SND-001"


def copy_aurora(tmp_path: Path) -> Path:
    return Path(shutil.copytree(EXAMPLES / "aurora", tmp_path / "aurora", ignore=shutil.ignore_patterns(".genai-lint-cache")))


def deliver(tmp_path: Path, *files: Path) -> Path:
    delivery = tmp_path / "delivery"
    (delivery / "final").mkdir(parents=True, exist_ok=True)
    for path in files:
        shutil.copyfile(path, delivery / "final" / path.name)
    return delivery


def gate(delivery: Path, project: Path, *args: str):
    result = run_cli("gate", str(delivery), "--project", str(project), "--format", "json", *args)
    return result, json.loads(result.output)["findings"] if result.output.startswith("{") else []


def regenerate(path: Path) -> None:
    """A new take of the file, as a generator would write it, without `genai-lint hash` afterwards."""
    path.write_bytes(path.read_bytes()[:-64] + os.urandom(64))


def test_regenerated_temp_asset_with_a_stale_hash_is_blocked(tmp_path):
    production = copy_aurora(tmp_path)
    regenerate(production / TEMP_WAV)
    delivery = deliver(tmp_path, production / TEMP_WAV)
    result, findings = gate(delivery, production, "--no-cache")
    assert result.exit_code == 1, result.output
    d802 = next(f for f in findings if f["code"] == "D802")
    assert d802["path"].endswith("final/wind_bed_temp_v1.wav") and TEMP_ID in d802["message"]
    d804 = next(f for f in findings if f["code"] == "D804")
    manifest = (production / "sound" / "genai-manifest.yaml").read_text()
    assert (d804["path"], d804["entry_id"]) == ("sound/genai-manifest.yaml", TEMP_ID)
    assert d804["line"] == position(manifest, "5021ebb8")[0]  # at the asset's sha256:
    assert "wind_bed_temp_v1.wav" in d804["message"] and "5021ebb8" in d804["message"]
    assert "M008" in run_cli("check", str(production), "--format", "json").codes()


def test_temp_asset_whose_sha256_line_was_deleted_is_blocked(tmp_path):
    production = copy_aurora(tmp_path)
    manifest_path = production / "sound" / "genai-manifest.yaml"
    text = manifest_path.read_text()
    manifest_path.write_text(text.replace('    sha256: "5021ebb8262e61072ae3cad88af30700651a424316f44df5a82afe5a09b81de4"\n', ""))
    delivery = deliver(tmp_path, production / TEMP_WAV)
    result, findings = gate(delivery, production, "--no-cache")
    assert result.exit_code == 1
    d802 = next(f for f in findings if f["code"] == "D802")
    assert d802["path"].endswith("final/wind_bed_temp_v1.wav") and TEMP_ID in d802["message"]
    d804 = next(f for f in findings if f["code"] == "D804")
    assert d804["line"] == position(manifest_path.read_text(), f"id: {TEMP_ID}")[0]  # at the asset: no sha256 to point at
    assert "declares no sha256" in d804["message"]


def test_the_declared_file_itself_passes_and_other_sizes_are_not_hashed(tmp_path):
    production = copy_aurora(tmp_path)
    delivery = deliver(tmp_path, production / "sound" / "dialogue" / "203_sc14_dx_cleanup_v3.wav")
    result, findings = gate(delivery, production, "--no-cache")
    assert (result.exit_code, findings) == (0, [])


FINAL = CLEAN.replace("deliverable: false", "deliverable: true").replace(
    'granted_on: "2026-01-01"', 'granted_on: "2026-01-01"\n    expires: "2027-12-31"')


def _production(tmp_path: Path, manifest: str, config: bool = True) -> Path:
    root = tmp_path / "prod"
    root.mkdir()
    if config:
        (root / ".genai-lint.yaml").write_text("fail-on: error\n")
    (root / "genai-manifest.yaml").write_text(manifest)
    (root / "a.png").write_bytes(ASSET_BYTES)
    return root


def test_expired_approval_blocks_the_gate_on_the_evaluation_date(tmp_path):
    production = _production(tmp_path, FINAL)
    delivery = deliver(tmp_path, production / "a.png")
    result, findings = gate(delivery, production, "--date", "2028-01-01")
    assert result.exit_code == 1
    assert [(f["code"], f["entry_id"]) for f in findings] == [("A605", "A-1")]
    assert "APR-1" in findings[0]["message"] and "2027-12-31" in findings[0]["message"]
    assert "final/a.png" in findings[0]["message"]  # names the delivered file
    assert "A605" in run_cli("check", str(production), "--format", "json", "--date", "2028-01-01").codes()
    soon, findings = gate(delivery, production, "--date", "2027-12-20")
    assert (soon.exit_code, [f["code"] for f in findings]) == (0, ["A606"])
    assert gate(delivery, production, "--date", "2027-06-01")[1] == []


def test_an_approval_not_yet_granted_clears_nothing(tmp_path):
    production = _production(tmp_path, FINAL)
    delivery = deliver(tmp_path, production / "a.png")
    result, findings = gate(delivery, production, "--date", "2025-12-31")
    assert result.exit_code == 1
    assert [f["code"] for f in findings] == ["G401"]
    check = run_cli("check", str(production), "--format", "json", "--date", "2025-12-31")
    assert "G401" in check.codes()
    assert "G401" not in run_cli("check", str(production), "--format", "json", "--date", "2026-01-01").codes()


def _cli(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "genai_lint", *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def _listing(folder: Path) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*"))


def test_project_named_from_another_folder_and_from_root(tmp_path):
    production = _production(tmp_path, CLEAN, config=False)  # no configuration, not in git
    sibling = production / "sound"
    sibling.mkdir()
    (sibling / "genai-manifest.yaml").write_text(CLEAN.split("tools:")[0] + "assets: []\n")
    delivery = deliver(tmp_path, production / "a.png")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "genai-manifest.yaml").write_text("manifest_version: 1\nproduction: {id: other}\n")  # must not be read
    root_cache_before = Path("/.genai-lint-cache").exists()
    before = {folder: _listing(folder) for folder in (delivery, elsewhere)}
    for cwd in (elsewhere, Path("/")):
        run = _cli(cwd, "gate", str(delivery), "--project", str(production), "--format", "json")
        assert run.returncode == 1, run.stderr
        findings = json.loads(run.stdout)["findings"]
        assert [f["code"] for f in findings] == ["D802"], findings
        assert findings[0]["path"].endswith("final/a.png") and "A-1" in findings[0]["message"]
        checked = _cli(cwd, "check", str(production), "--format", "json")
        assert checked.returncode == 0, checked.stdout + checked.stderr
        assert json.loads(checked.stdout)["summary"]["manifests"] == 2
    assert {folder: _listing(folder) for folder in (delivery, elsewhere)} == before
    assert Path("/.genai-lint-cache").exists() == root_cache_before
    assert (production / ".genai-lint-cache").is_dir()  # the production root is where a cache may go


def test_cached_rerun_does_not_rehash_the_production_files(tmp_path, monkeypatch):
    from genai_lint import hashing

    production = _production(tmp_path, CLEAN.replace('    sha256: "', '    x-old: "'))  # matched by its real file only
    delivery = deliver(tmp_path, production / "a.png")
    settle()
    hashed: list[Path] = []
    real = hashing.sha256_file
    monkeypatch.setattr(hashing, "sha256_file", lambda path, progress=None: hashed.append(Path(path)) or real(path, progress))
    first, findings = gate(delivery, production)
    assert (first.exit_code, [f["code"] for f in findings]) == (1, ["D802", "D804"])
    assert sorted(path.name for path in hashed) == ["a.png", "a.png"]  # the production's file and the delivered one
    hashed.clear()
    again, findings = gate(delivery, production)
    assert (again.exit_code, [f["code"] for f in findings], hashed) == (1, ["D802", "D804"], [])
    (production / "a.png").write_bytes(b"regenerated")  # another size: cannot match, so not even hashed
    changed, findings = gate(delivery, production)
    assert hashed == [] and not {"D802", "D804"} & {f["code"] for f in findings}


def _formats(tmp_path: Path, delivery: Path, production: Path) -> tuple[dict, dict, list]:
    out = {name: tmp_path / f"gate.{name}" for name in ("json", "sarif", "gitlab")}
    result = run_cli("gate", str(delivery), "--project", str(production), "--format", "concise",
                     *(arg for name, path in out.items() for arg in ("--output", f"{name}:{path}")))
    assert result.exit_code == 1, result.output + result.stderr
    return tuple(json.loads(path.read_text()) for path in out.values())  # type: ignore[return-value]


def test_delivered_file_paths_are_relative_to_the_delivery_never_file_uris(tmp_path):
    production = _production(tmp_path, CLEAN)
    delivery = deliver(tmp_path, production / "a.png")
    document, sarif, gitlab = _formats(tmp_path, delivery, production)
    assert [(f["path"], f["delivered"]) for f in document["findings"]] == [("final/a.png", True)]
    assert document["delivery_root"] == str(delivery.resolve())
    run = sarif["runs"][0]
    artifact = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert artifact == {"uri": "final/a.png", "uriBaseId": "%DELIVERYROOT%"}
    assert run["originalUriBaseIds"]["%DELIVERYROOT%"]["uri"] == delivery.resolve().as_uri() + "/"
    assert [issue["location"]["path"] for issue in gitlab] == ["final/a.png"]
    assert "file://" not in json.dumps(run["results"])


def test_a_delivery_inside_a_git_repository_is_relative_to_its_top_level(tmp_path):
    repository = tmp_path / "repo"
    (repository / ".git").mkdir(parents=True)  # what makes a git top level for genai-lint (no git call)
    production = _production(repository, CLEAN)
    delivery = repository / "out" / "delivery"
    delivery.mkdir(parents=True)
    shutil.copyfile(production / "a.png", delivery / "a.png")
    document, sarif, gitlab = _formats(tmp_path, delivery, production)
    assert [f["path"] for f in document["findings"]] == ["out/delivery/a.png"]
    run = sarif["runs"][0]
    assert list(run["originalUriBaseIds"]) == ["%SRCROOT%"]
    assert run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"] == {
        "uri": "out/delivery/a.png", "uriBaseId": "%SRCROOT%"}
    assert [issue["location"]["path"] for issue in gitlab] == ["out/delivery/a.png"]


def test_a_named_file_in_an_unmarked_production_belongs_to_the_folder_worked_in(tmp_path):
    production = _production(tmp_path, CLEAN, config=False)
    (production / "art").mkdir()
    (production / "art" / "x.png").write_bytes(b"\x89PNG\r\n\x1a\n another")
    added = run_cli("add", "art/x.png", "--tool", "ent", "--media", "image", "--purpose", "concept", cwd=production)
    assert added.exit_code == 0, added.stderr  # the manifest above art/ and its tools register are found
    assert "A-2" in (production / "genai-manifest.yaml").read_text()
    from_root = _cli(Path("/"), "check", str(production / "genai-manifest.yaml"), "--format", "json")
    assert json.loads(from_root.stdout)["summary"]["manifests"] == 1  # from /, the file's folder: never all of /
    assert not (production / "art" / ".genai-lint-cache").exists()
