"""A cached re-run of check, gate and hash --check, this tree side by side with an earlier revision.

    python benchmarks/cache_rerun.py [--baseline b2286a0] [--files 2000] [--kib 256] [--big-mib 512] [--repeat 7]

Builds one production of ``--files`` media files of ``--kib`` KiB (plus one of ``--big-mib`` MiB,
so that hashing is not free) declared in one manifest, delivered as hard links, and lets the files
settle (the hash cache does not remember a file changed in the last 50 ms). Then, for this working
tree and for ``--baseline`` (checked out into a temporary git worktree and run from it with the same
interpreter and dependencies), the trees alternating round by round, it removes the cache and times,
as fresh processes: ``check`` and ``gate`` filling the empty cache, then ``check``, ``gate`` and
``hash --check`` on the warm cache, and ``check --no-cache`` for scale. Prints a Markdown table of
medians (seconds).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


def build(folder: Path, files: int, kib: int, big_mib: int) -> tuple[Path, Path]:
    project, delivery = folder / "production", folder / "delivery"
    (project / "media").mkdir(parents=True)
    delivery.mkdir()
    (project / ".genai-lint.yaml").write_text("fail-on: error\n")
    sizes = [kib * 1024] * files + ([big_mib * 2**20] if big_mib else [])
    lines = ["manifest_version: 1", "production:", "  id: bench", "  title: Bench", "tools:", "  - id: up",
             "    name: Upscaler", "    environment: local", "assets:"]
    seed = os.urandom(1 << 20)
    for index, size in enumerate(sizes):
        path = project / "media" / f"clip_{index:05d}.bin"
        data = (index.to_bytes(4, "big") + seed * (size // len(seed) + 1))[:size]
        path.write_bytes(data)
        os.link(path, delivery / path.name)
        lines += [f"  - id: C-{index:05d}", f"    path: media/{path.name}",
                  f'    sha256: "{hashlib.sha256(data).hexdigest()}"', "    tool: up", "    media: video",
                  "    purpose: temp", "    deliverable: false", '    created: "2026-05-01"']
    (project / "genai-manifest.yaml").write_text("\n".join(lines) + "\n")
    time.sleep(0.2)
    return project, delivery


def timed(command: list[str], pythonpath: str) -> float:
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env={**os.environ, "PYTHONPATH": pythonpath, "CI": "true"})
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", default="b2286a0")
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--kib", type=int, default=256)
    parser.add_argument("--big-mib", type=int, default=512)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="genai-lint-cache-bench-") as temporary:
        folder = Path(temporary)
        baseline = folder / "baseline"
        subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", "-q", str(baseline), args.baseline],
                       check=True)
        try:
            project, delivery = build(folder, args.files, args.kib, args.big_mib)
            trees = {"this tree": str(REPO), f"baseline {args.baseline}": str(baseline)}
            commands = {
                "check, empty cache (fills it)": ["check", str(project), "-q"],
                "gate, empty cache (fills it)": ["gate", str(delivery), "--project", str(project), "-q"],
                "check (cached)": ["check", str(project), "-q"],
                "gate (cached)": ["gate", str(delivery), "--project", str(project), "-q"],
                "hash --check (cached)": ["hash", "--check", str(project), "-q"],
                "check --no-cache": ["check", str(project), "-q", "--no-cache"],
            }
            times: dict[tuple[str, str], list[float]] = {}
            for round_ in range(args.repeat):  # trees alternate, each starting from an empty cache
                for tree, path in (list(trees.items()) if round_ % 2 == 0 else list(trees.items())[::-1]):
                    shutil.rmtree(project / ".genai-lint-cache", ignore_errors=True)
                    for name, command in commands.items():
                        times.setdefault((name, tree), []).append(
                            timed([sys.executable, "-m", "genai_lint", *command], path))
        finally:
            subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(baseline)], check=False)
    total = args.files * args.kib / 1024 + args.big_mib
    print(f"{args.files} files of {args.kib} KiB + 1 of {args.big_mib} MiB ({total:.0f} MiB), "
          f"median of {args.repeat}, seconds, {os.cpu_count()} cores\n")
    print("| command | " + " | ".join(trees) + " |")
    print("|---|" + "---:|" * len(trees))
    for name in commands:
        print(f"| {name} | " + " | ".join(f"{statistics.median(times[(name, tree)]):.2f}" for tree in trees) + " |")


if __name__ == "__main__":
    main()
