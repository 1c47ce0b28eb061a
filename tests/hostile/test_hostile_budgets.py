"""Time bombs: small files that used to cost minutes and gigabytes. Each bound is asserted on work the
tool counts (the expansion it reports, key nodes it visits, findings it prints), never on wall-clock time."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPORT_AT_EXIT
from hostile_harness import DATE, cli, environment, project, record

HEAD = ("manifest_version: 1\nproduction:\n  id: demo\n  title: t\n  company: c\n  contact: c@d.example\n"
        "tools:\n  - id: t1\n    name: n\n    vendor: v\n    version: \"1\"\n    environment: enterprise\n"
        "    data_handling: {trains_on_inputs: false, trains_on_outputs: false, retains_inputs: false}\n")


def asset(index: int, asset_id: str | None = None, tool: str = "t1", extra: str = "") -> str:
    return (f"  - id: {asset_id or f'A-{index}'}\n    path: a.png\n    tool: {tool}\n    media: image\n"
            f"    purpose: temp\n    deliverable: false\n    created: \"2026-01-01\"\n{extra}")


def bomb(tmp_path: Path, text: str) -> Path:
    return project(tmp_path / "prod", {"genai-manifest.yaml": text, "a.png": b"x"})


def m001(run) -> str:
    findings = json.loads(run.out)["findings"]
    assert [f["code"] for f in findings] == ["M001"], findings[:3]
    return findings[0]["message"]


def test_scalar_aliases_count_their_characters(tmp_path: Path) -> None:
    """A 1 MB string aliased 20,000 times (a 4 MB file): refused before any rule reads the copies."""
    big = "x" * (1 << 20)
    text = HEAD + "assets:\n" + asset(0, extra=f'    prompt: &p "{big}"\n') + "".join(
        asset(i, extra="    prompt: *p\n") for i in range(1, 20_000))
    run = cli("check", "--format", "json", "--date", DATE, cwd=bomb(tmp_path, text))
    message = m001(run)
    expanded, limit = (int(n.replace(",", "")) for n in re.findall(r"[\d,]{5,}", message)[:2])
    assert limit == 2 * len(text) + 1_000_000
    assert expanded >= 20_000 * (1 << 20)  # counted, not copied: the data shares the one string


@pytest.mark.parametrize("width", [2_000, 20_000])
def test_merge_keys_are_refused_before_they_are_copied(tmp_path: Path, width: int) -> None:
    """``<<: *base`` of a ``width``-key mapping, ``width`` times: copying stops one merge past the budget."""
    text = (HEAD + "x-base: &b {" + ", ".join(f"k{i}: {i}" for i in range(width)) + "}\nx-many:\n"
            + "  - <<: *b\n" * width)
    run = cli("check", "--format", "json", "--date", DATE, cwd=bomb(tmp_path, text))
    message = m001(run)
    copied, limit = (int(n.replace(",", "")) for n in re.findall(r"[\d,]{5,}", message)[:2])
    assert "merge keys" in message
    assert limit < copied <= limit + width  # the copy that would pass the budget is never made


METER = REPORT_AT_EXIT + """
import runpy, sys, json
from genai_lint import loader
visits = [0]
pairs = loader._pairs
def counted(node):
    for pair in pairs(node):
        visits[0] += 1
        yield pair
loader._pairs = counted
def report():
    sys.stderr.write("\\n@@visits %d\\n" % visits[0])
    sys.stderr.flush()
report_at_exit(report)
sys.argv = ["genai-lint", *sys.argv[1:]]
runpy.run_module("genai_lint", run_name="__main__")
"""


def key_visits(root: Path, *args: str) -> tuple[str, int]:
    """Run the real CLI and count the mapping keys it visits to place findings (the re-scan that was quadratic)."""
    process = subprocess.run([sys.executable, "-c", METER, *args], cwd=root, capture_output=True, timeout=600,
                             env=environment())
    out, err = process.stdout.decode(), process.stderr.decode()
    record(args, out, err)
    assert "Traceback" not in err, err[-2000:]
    err, _, tail = err.rpartition("\n@@visits ")
    return out, int(tail)


CASES = {
    "unknown keys": lambda n: HEAD + "assets:\n" + asset(0, extra="".join(f"    x{i}: 1\n" for i in range(n))),
    "duplicate keys": lambda n: HEAD + "assets:\n" + asset(0, extra="".join(f"    x{i}: 1\n" for i in range(n)) * 2),
    "duplicate ids": lambda n: HEAD + "assets:\n" + "".join(asset(i, asset_id="A-1") for i in range(n)),
    "unknown ids": lambda n: HEAD + "assets:\n" + "".join(asset(i, tool=f"nope{i}") for i in range(n)),
}


@pytest.mark.parametrize("case", CASES)
def test_findings_cost_is_linear_and_capped(tmp_path: Path, case: str) -> None:
    """5,000 then 20,000 of a kind: the keys visited grow linearly, and each rule prints at most 100 per file."""
    visits = {}
    for n in (5_000, 20_000):
        root = bomb(tmp_path / str(n), CASES[case](n))
        out, visits[n] = key_visits(root, "check", "--format", "json", "--date", DATE)
        findings = json.loads(out)["findings"]
        per_code: dict[str, list[dict]] = {}
        for finding in findings:
            per_code.setdefault(finding["code"], []).append(finding)
        assert max(len(group) for group in per_code.values()) <= 101
        capped = [f for f in findings if "more" in f["message"] and "not shown" in f["message"]]
        assert capped, [f["message"] for f in findings[:3]]
        assert any(re.search(rf"\b{n - 100 - 1:,}|\b{n - 100:,}|\b{2 * n - 100:,}", f["message"]) for f in capped)
    assert visits[20_000] <= 4 * visits[5_000] + 1_000, visits  # linear: four times the input, four times the work


def test_capped_file_still_fails(tmp_path: Path) -> None:
    root = bomb(tmp_path, CASES["unknown ids"](300))
    run = cli("check", "--format", "concise", "--date", DATE, cwd=root)
    assert run.code == 1
    assert "200 more M005 findings in this file are not shown" in run.out


def test_undecodable_manifests_are_not_kept_in_memory(tmp_path: Path) -> None:
    """600 manifests of 256 KiB that are not UTF-8: each M001 keeps its message, not the file's bytes
    (the error's traceback and cause held them all: 320 MB here before, 25 MB after)."""
    from hostile_harness import child_peak_rss_kib

    root = project(tmp_path / "prod", {})
    for index in range(600):
        folder = root / f"d{index}"
        folder.mkdir()
        (folder / "genai-manifest.yaml").write_bytes(b"\xff" * (256 * 1024))
    run, peak_kib = child_peak_rss_kib("check", "--format", "concise", "--no-cache", "--date", DATE, cwd=root)
    assert run.code == 1 and "not valid UTF-8" in run.out, run.err
    assert peak_kib < 120 * 1024, peak_kib
