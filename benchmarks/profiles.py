"""What the policy packs cost: ``check`` on one generated production under each choice of profiles.

    python benchmarks/profiles.py [--assets 4000] [--repeat 5]

Generates the benchmark production (``generate.py``), then times, alternating the commands,
``genai-lint check --no-files --no-cache`` with: the default profile (netflix-2025); all three
profiles; all three profiles plus the two studio rules of ``examples/policies`` (one of them a
regular expression over every prompt). Prints a Markdown table of median wall time and the
number of findings, side by side, and the largest peak memory of any run.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
POLICIES = HERE.parent / "examples" / "policies"
ALL_PROFILES = "profiles: [netflix-2025, sag-aftra-2023, eu-ai-act-art50]\n"


def configurations(root: Path) -> dict[str, Path]:
    """The three configurations, written beside the production."""
    example = (POLICIES / ".genai-lint.yaml").read_text(encoding="utf-8")
    inline = example[example.index("studio-rules:"):].replace("  - studio-rules/crowd.yaml\n", "  - crowd.yaml\n")
    shutil.copyfile(POLICIES / "studio-rules" / "crowd.yaml", root / "crowd.yaml")
    texts = {"netflix-2025 (default)": "fail-on: error\n",
             "all three profiles": "fail-on: error\n" + ALL_PROFILES,
             "all three + 2 studio rules": "fail-on: error\n" + ALL_PROFILES + inline}
    paths = {}
    for number, (label, text) in enumerate(texts.items()):
        paths[label] = root / f"config-{number}.yaml"
        paths[label].write_text(text, encoding="utf-8")
    return paths


def run(root: Path, config: Path) -> tuple[float, int]:
    """Wall seconds and the number of findings of one check."""
    command = [shutil.which("genai-lint") or "genai-lint", "check", str(root), "--config", str(config),
               "--no-files", "--no-cache", "--format", "json", "--date", "2026-09-01", "-q"]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    return wall, len(json.loads(done.stdout)["findings"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assets", type=int, default=4000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(HERE))
    import generate

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "production"
        generate.generate(args.assets, root, per_manifest=args.assets)
        configs = configurations(root)
        walls: dict[str, list[float]] = {label: [] for label in configs}
        found: dict[str, int] = {}
        for _ in range(args.repeat):
            for label, config in configs.items():
                wall, found[label] = run(root, config)
                walls[label].append(wall)
    base = statistics.median(walls[next(iter(walls))])
    print(f"check --no-files --no-cache, {args.assets} assets, median of {args.repeat}\n")
    print("| configuration | wall (s) | vs default | findings |")
    print("|---|---|---|---|")
    for label, series in walls.items():
        median = statistics.median(series)
        print(f"| {label} | {median:.2f} | {median / base:.2f}x | {found[label]} |")
    print(f"\npeak RSS of any run: {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
