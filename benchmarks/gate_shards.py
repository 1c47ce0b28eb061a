"""The delivery gate on a VFX-sized delivery: many small frames and some large files, whole and in shards.

    python benchmarks/gate_shards.py [--frames 200000] [--sequences 100] [--big 20] [--big-mb 100]
    python benchmarks/gate_shards.py --tiny 1000000

Builds a production whose assets are ``--sequences`` frame sequences (``--frames`` small PNG frames in
all) and ``--big`` large files, all final and approved, and a delivery holding all of them (hard
links, so the page cache holds one copy). Then times, with the CPU time and peak memory of each
command (the child's own, from ``wait4``) and the load average when it started:

1. ``sha256sum`` over the delivery's files (one process, sequential: the floor for one core);
2. ``gate`` with an empty hash cache (first run), and again (cached re-run);
3. ``gate --shard 1/2`` and ``--shard 2/2`` one after the other with an empty cache, then ``gate merge``.

Prints a Markdown table and writes it to ``benchmarks/SHARD-RESULTS.md``.

With ``--tiny N``: a delivery of N tiny clean files (distinct small PNGs without metadata, 1,000 a
folder) for a small production: ``find | wc -l``, ``sha256sum``, then the gate's first and cached
runs and cached runs writing ``--inventory`` CSV and JSON, written to ``benchmarks/SCALE-RESULTS.md``:
the gate's peak memory must not grow with N.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from gate_throughput import write_manifest  # noqa: E402
from genai_lint.sequences import sequence_digest  # noqa: E402


def png(frame: int, sequence: int) -> bytes:
    """A tiny valid PNG whose text chunk makes every frame's bytes different."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"tEXt", b"Comment\0seq %d frame %d" % (sequence, frame))
            + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b""))


def build(folder: Path, frames: int, sequences: int, big: int, big_mb: int) -> tuple[Path, Path]:
    production, delivery = folder / "production", folder / "delivery"
    (production / "renders").mkdir(parents=True)
    (production / "plates").mkdir()
    (delivery / "renders").mkdir(parents=True)
    (delivery / "plates").mkdir()
    (production / ".genai-lint.yaml").write_text("fail-on: error\n")
    assets = []
    per_sequence = frames // sequences
    for sequence in range(sequences):
        digests = {}
        for frame in range(1001, 1001 + per_sequence):
            name = f"sh{sequence:03d}_comp.{frame:04d}.png"
            data = png(frame, sequence)
            (production / "renders" / name).write_bytes(data)
            os.link(production / "renders" / name, delivery / "renders" / name)
            digests[frame] = hashlib.sha256(data).hexdigest()
        assets.append(_asset(f"SEQ-{sequence:03d}", f"renders/sh{sequence:03d}_comp.####.png",
                             sequence_digest(digests.items()), f'\n    frames: "1001-{1000 + per_sequence}"', "image"))
    block = os.urandom(1 << 20)
    for index in range(big):
        path = production / "plates" / f"plate_{index:02d}.mov"
        digest = hashlib.sha256()
        with open(path, "wb") as stream:
            for mib in range(big_mb):
                chunk = struct.pack(">II", index, mib) + block[8:]
                stream.write(chunk)
                digest.update(chunk)
        os.link(path, delivery / "plates" / path.name)
        assets.append(_asset(f"PLATE-{index:02d}", f"plates/{path.name}", digest.hexdigest(), "", "video"))
    write_manifest(production, "comp", "Local comp tool", assets)
    return production, delivery


def _asset(asset_id: str, path: str, digest: str, frames: str, media: str) -> str:
    return f"""  - id: {asset_id}
    path: {path}{frames}
    sha256: "{digest}"
    tool: comp
    media: {media}
    purpose: final
    deliverable: true
    created: "2026-01-10"
    disclosed_on: "2026-01-10"
    approvals: [APR-1]
"""


def run(command: list[str] | str, shell: bool = False) -> tuple[float, float, int, float]:
    """Wall seconds, the child's CPU seconds (user + sys), its peak RSS in KiB (from wait4), and the
    1-minute load average when it started."""
    load = os.getloadavg()[0]
    start = time.perf_counter()
    process = subprocess.Popen(command, shell=shell, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{command} exited {os.waitstatus_to_exitcode(status)}: {process.stderr.read().decode()[:500]}")
    process.stderr.close()
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, load


def table(rows: list[tuple[str, tuple[float, float, int, float]]]) -> list[str]:
    return ["| command | wall | CPU (user+sys) | peak RSS | load at start |", "|---|---:|---:|---:|---:|",
            *(f"| {name} | {wall:.1f} s | {cpu:.1f} s | {rss / 1024:,.0f} MiB | {load:.1f} |"
              for name, (wall, cpu, rss, load) in rows)]


def plain_png(number: int) -> bytes:
    """A valid 4x1 grey PNG without metadata, its pixels the bytes of ``number``: clean and distinct."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 4, 1, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" + struct.pack(">I", number)))
            + chunk(b"IEND", b""))


def build_tiny(folder: Path, files: int) -> tuple[Path, Path]:
    production, delivery = folder / "production", folder / "delivery"
    production.mkdir(parents=True)
    (production / "genai-manifest.yaml").write_text("manifest_version: 1\nproduction:\n  id: bench\n")
    for number in range(files):
        if number % 1000 == 0:
            sub = delivery / f"shot{number // 1000:04d}"
            sub.mkdir(parents=True)
        (sub / f"frame.{number % 1000:04d}.png").write_bytes(plain_png(number))
    return production, delivery


def tiny(cli: str, files: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="genai-lint-scale-bench-"))
    try:
        started = time.perf_counter()
        production, delivery = build_tiny(folder, files)
        built = time.perf_counter() - started
        gate = [cli, "gate", str(delivery), "--project", str(production), "-q"]
        rows = [("find DELIVERY -type f \\| wc -l", run(f"find {delivery} -type f | wc -l", shell=True)),
                ("sha256sum over the delivery, sequential",
                 run(f"find {delivery} -type f -print0 | xargs -0 -n 1000 sha256sum", shell=True)),
                ("gate, first run (empty hash cache)", run(gate)),
                ("gate, cached re-run", run(gate)),
                ("gate --inventory FILE.csv, cached", run(gate + ["--inventory", str(folder / "inventory.csv")])),
                ("gate --inventory FILE.json, cached", run(gate + ["--inventory", str(folder / "inventory.json")]))]
        lines = [f"# Delivery gate on {files:,} tiny clean files (1,000 a folder)", "",
                 f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}, shared (load average at the "
                 f"start of each command in the table); building the delivery took {built:.0f} s. One run each; "
                 "files in the page cache.",
                 f"Reproduce: `python benchmarks/gate_shards.py --tiny {files}`.", "", *table(rows)]
        text = "\n".join(lines) + "\n"
        print(text)
        (HERE / "SCALE-RESULTS.md").write_text(text)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--frames", type=int, default=200_000)
    parser.add_argument("--sequences", type=int, default=100)
    parser.add_argument("--big", type=int, default=20)
    parser.add_argument("--big-mb", type=int, default=100)
    parser.add_argument("--tiny", type=int, metavar="N", help="instead: N tiny clean files, first and cached runs")
    args = parser.parse_args()
    cli = shutil.which("genai-lint") or sys.exit("genai-lint is not installed in this environment")
    if args.tiny:
        tiny(cli, args.tiny)
        return 0
    folder = Path(tempfile.mkdtemp(prefix="genai-lint-shard-bench-"))
    try:
        started = time.perf_counter()
        production, delivery = build(folder, args.frames, args.sequences, args.big, args.big_mb)
        built = time.perf_counter() - started
        gate = [cli, "gate", str(delivery), "--project", str(production), "-q"]
        cache = production / ".genai-lint-cache"
        rows = [("sha256sum over the delivery, sequential",
                 run(f"find {delivery} -type f -print0 | xargs -0 -n 1000 sha256sum", shell=True))]
        shutil.rmtree(cache, ignore_errors=True)
        rows.append(("gate, first run (empty hash cache)", run(gate)))
        rows.append(("gate, cached re-run", run(gate)))
        shutil.rmtree(cache, ignore_errors=True)
        parts = [str(folder / f"part-{k}.json") for k in (1, 2)]
        shard_rows = [(f"gate --shard {k}/2 (empty cache before 1/2)",
                       run(gate + ["--shard", f"{k}/2", "--part", parts[k - 1]])) for k in (1, 2)]
        rows.extend(shard_rows)
        rows.append(("gate merge of the two parts", run([cli, "gate", "merge", *parts, "--project", str(production), "-q"])))
        shards_total = sum(wall for _, (wall, *_) in rows[-3:])
        size = sum(path.stat().st_size for path in delivery.rglob("*") if path.is_file())
        files = sum(1 for path in delivery.rglob("*") if path.is_file())
        lines = [f"# Delivery gate on {files:,} files ({size / 2**30:.2f} GiB): {args.frames:,} frames in "
                 f"{args.sequences} sequences and {args.big} files of {args.big_mb} MB",
                 "",
                 f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}, shared (load average at the "
                 f"start of each command in the table); building the delivery took {built:.0f} s. One run each; "
                 "files in the page cache.",
                 f"Reproduce: `python benchmarks/gate_shards.py --frames {args.frames} --sequences {args.sequences} "
                 f"--big {args.big} --big-mb {args.big_mb}`.",
                 "",
                 *table(rows)]
        lines.append(f"| shards 1/2 + 2/2 + merge, one after the other | {shards_total:.1f} s | | | |")
        sizes = " and ".join(f"{os.path.getsize(part) / 2**20:.1f} MiB" for part in parts)
        lines += ["", f"The parts (one JSON document each, a record a line: layout version 3) are {sizes}."]
        text = "\n".join(lines) + "\n"
        print(text)
        (HERE / "SHARD-RESULTS.md").write_text(text)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
