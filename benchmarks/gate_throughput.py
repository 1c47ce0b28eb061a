"""Delivery-gate throughput on a multi-GB package, next to sha256sum over the same files.

    python benchmarks/gate_throughput.py [--gib 4] [--files 4] [--repeat 3] [--keep]

Builds a production whose assets are large media files (random bytes), then times, in one run
and alternating the commands:

1. ``sha256sum`` over the files, one after another (the floor for one core);
2. ``genai-lint gate DELIVERY --no-cache`` (streamed, parallel hashing), and pinned to one core;
   the delivery's files are hard links to the production's, so the gate reads each file once
   even though it hashes the production's real files too;
3. the same on a delivery of *copies*: the gate must hash the production's files as well as the
   delivered ones (twice the bytes of ``sha256sum``), pinned to one core;
4. ``genai-lint gate DELIVERY`` twice: the second run is served by the hash cache (delivered and
   production files alike);
5. ``genai-lint check`` twice on the production: the first hashes (M008), the second is cached.

Prints a Markdown table and writes it to ``benchmarks/GATE-RESULTS.md``. The files stay in the
page cache after they are written (24 GiB of RAM here), so this measures hashing, not the disk.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BLOCK = 64 * 1024 * 1024


def build(folder: Path, gib: float, files: int) -> tuple[Path, Path, Path]:
    """A production with ``files`` deliverable assets totalling ``gib`` GiB, a delivery of hard links
    to them and a delivery of copies."""
    import hashlib

    project, delivery, copied = folder / "production", folder / "delivery", folder / "delivery-copied"
    (project / "plates").mkdir(parents=True)
    delivery.mkdir()
    copied.mkdir()
    (project / ".genai-lint.yaml").write_text("fail-on: error\n")
    size = int(gib * 2**30 / files)
    assets = []
    for index in range(files):
        path = project / "plates" / f"plate_{index:02d}.mov"
        digest = hashlib.sha256()
        seed = os.urandom(BLOCK)
        with open(path, "wb") as stream:
            written = 0
            while written < size:
                chunk = (bytes([index]) + seed[1:])[: size - written]
                stream.write(chunk)
                digest.update(chunk)
                written += len(chunk)
        os.link(path, delivery / path.name)
        shutil.copyfile(path, copied / path.name)
        assets.append(f"""  - id: P-{index:04d}
    path: plates/{path.name}
    sha256: "{digest.hexdigest()}"
    tool: upscaler
    media: video
    purpose: final
    deliverable: true
    created: "2026-01-10"
    disclosed_on: "2026-01-10"
    approvals: [APR-1]
""")
    write_manifest(project, "upscaler", "Local upscaler", assets)
    return project, delivery, copied


def write_manifest(project: Path, tool_id: str, tool_name: str, assets: list[str]) -> None:
    """The benchmark production's manifest: one local tool, one final-deliverable approval, ``assets``."""
    (project / "genai-manifest.yaml").write_text(f"""manifest_version: 1
production:
  id: bench
tools:
  - id: {tool_id}
    name: {tool_name}
    environment: local
    data_handling: {{trains_on_inputs: false, trains_on_outputs: false, retains_inputs: false, evidence: "local"}}
approvals:
  - id: APR-1
    scopes: [final-deliverable]
    granted_by: Studio Legal
    granted_on: "2026-01-01"
    reference: LEG-1
assets:
{''.join(assets)}""")


def timed(command: list[str], cwd: Path | None = None) -> float:
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode not in (0,):
        raise SystemExit(f"{' '.join(command)} exited {result.returncode}: {result.stderr.strip()}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gib", type=float, default=4.0, help="total package size in GiB")
    parser.add_argument("--files", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the generated package")
    args = parser.parse_args()
    cli = shutil.which("genai-lint") or sys.exit("genai-lint is not installed in this environment")
    folder = Path(tempfile.mkdtemp(prefix="genai-lint-gate-bench-"))
    try:
        project, delivery, copied = build(folder, args.gib, args.files)
        files = sorted(str(path) for path in delivery.iterdir())
        rows: dict[str, list[float]] = {}
        for _ in range(args.repeat):
            cache = project / ".genai-lint-cache"
            shutil.rmtree(cache, ignore_errors=True)
            rows.setdefault("sha256sum, sequential", []).append(timed(["sha256sum", *files]))
            rows.setdefault("gate --no-cache (parallel)", []).append(
                timed([cli, "gate", str(delivery), "--project", str(project), "--no-cache", "-q"]))
            if shutil.which("taskset"):
                rows.setdefault("gate --no-cache, one core (taskset -c 0)", []).append(
                    timed(["taskset", "-c", "0", cli, "gate", str(delivery), "--project", str(project), "--no-cache", "-q"]))
            if shutil.which("taskset"):
                rows.setdefault("gate --no-cache, one core, copied delivery (production hashed too)", []).append(
                    timed(["taskset", "-c", "0", cli, "gate", str(copied), "--project", str(project), "--no-cache", "-q"]))
            rows.setdefault("gate, first run (fills cache)", []).append(
                timed([cli, "gate", str(delivery), "--project", str(project), "-q"]))
            rows.setdefault("gate, cached run", []).append(
                timed([cli, "gate", str(delivery), "--project", str(project), "-q"]))
            shutil.rmtree(cache, ignore_errors=True)
            rows.setdefault("check, first run (hashes for M008)", []).append(timed([cli, "check", str(project), "-q"]))
            rows.setdefault("check, cached run", []).append(timed([cli, "check", str(project), "-q"]))
        total = sum(os.path.getsize(path) for path in files)
        floor = statistics.median(rows["sha256sum, sequential"])
        lines = [
            f"# Delivery gate throughput ({total / 2**30:.1f} GiB in {len(files)} files)",
            "",
            f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}, {platform.platform()}. "
            f"Median of {args.repeat} runs, commands alternated. Files are in the page cache.",
            "Reproduce: `python benchmarks/gate_throughput.py --gib {0:g} --files {1}`.".format(args.gib, args.files),
            "",
            "| command | wall (median) | throughput | vs sha256sum |",
            "|---|---:|---:|---:|",
        ]
        for name, values in rows.items():
            median = statistics.median(values)
            lines.append(f"| {name} | {median:.2f} s | {total / 2**20 / median:,.0f} MiB/s | {median / floor:.2f}x |")
        text = "\n".join(lines) + "\n"
        print(text)
        (HERE / "GATE-RESULTS.md").write_text(text)
    finally:
        if args.keep:
            print(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
