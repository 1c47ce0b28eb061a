"""Language-server diagnostic round trip on a 1,000-asset manifest, next to running `check` per edit.

    python benchmarks/lsp_roundtrip.py [--assets 1000] [--edits 20]

Starts `genai-lint lsp` with a JSON-RPC client over stdio, opens the manifest, then makes ``--edits``
edits (each changes one prompt) and times each from the `didChange` notification to the
`publishDiagnostics` that answers it; the server's 300 ms debounce is subtracted, so the numbers are
the server's own work plus the round trip. Beside it, the alternative an editor plugin without a
server has: starting `genai-lint check --no-files FILE` for every edit. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from generate import generate  # noqa: E402

from genai_lint.lsp.server import DEBOUNCE_SECONDS  # noqa: E402
from tests.lsp.client import Client  # noqa: E402


def lsp_round_trips(root: Path, manifest: Path, edits: int) -> tuple[float, list[float]]:
    """(first diagnostics after open, [each edit's round trip less the debounce]) in seconds."""
    client = Client(root)
    try:
        text = manifest.read_text(encoding="utf-8")
        started = time.perf_counter()
        uri = client.open(manifest)
        client.wait_diagnostics(uri, timeout=120)
        first = time.perf_counter() - started
        times = []
        for edit in range(edits):
            edited = text.replace("prompt: ", f"prompt: edit {edit} ", 1)
            started = time.perf_counter()
            client.change(uri, edited)
            client.wait_diagnostics(uri, timeout=120)
            times.append(time.perf_counter() - started - DEBOUNCE_SECONDS)
        return first, times
    finally:
        client.close()


def check_per_edit(manifest: Path, edits: int) -> list[float]:
    times = []
    for _ in range(edits):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "from genai_lint.entry import main; main()", "check", "--no-files",
                        "--format", "json", str(manifest)], stdout=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - started)
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--assets", type=int, default=1000)
    parser.add_argument("--edits", type=int, default=20)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "production"
        generate(args.assets, root, per_manifest=args.assets)
        manifest = max(root.rglob("genai-manifest.yaml"), key=lambda path: path.stat().st_size)
        first, server = lsp_round_trips(root, manifest, args.edits)
        shelled = check_per_edit(manifest, args.edits)
    ms = lambda seconds: f"{seconds * 1000:.0f} ms"  # noqa: E731
    print(f"{args.assets} assets in one manifest, {args.edits} edits, load average {os.getloadavg()[0]:.2f}\n")
    print("| what | median | p90 |\n|---|---:|---:|")
    print(f"| server: first diagnostics after open (with files) | {ms(first)} | |")
    for label, times in (("server: edit -> diagnostics (less the 300 ms debounce)", server),
                         ("`check --no-files` started per edit", shelled)):
        print(f"| {label} | {ms(statistics.median(times))} | {ms(statistics.quantiles(times, n=10)[-1])} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
