"""Language-server diagnostic round trip on a 1,000-asset manifest, next to running `check` per edit.

    python benchmarks/lsp_roundtrip.py [--assets 1000] [--edits 30]

Starts `genai-lint lsp` with a JSON-RPC client over stdio and opens the manifest. Then, alternated:
a one-character edit typed into the prompt of one asset (a different asset each time, sent as an
incremental change, as editors send a keystroke), timed from the `didChange` notification to the
`publishDiagnostics` of that version; and the alternative an editor plugin without a server has,
starting `genai-lint check --no-files FILE` on the edited text. Edits come after a pause longer than
the server's debounce interval, so the server lints at once (its policy: an edit after a pause is
linted at once, a burst of edits at most once per interval and once more when it ends). A keystroke
that keeps the line count reloads only its asset; the new-line row (Enter and a key) changes the line
count, so the whole file is loaded again. The burst row types keystrokes 50 ms apart and times the last. CPU is the server's own user+system time
(from /proc) and the child's (wait4). Prints a Markdown table, with the load average.
"""

from __future__ import annotations

import argparse
import os
import resource
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
from tests.lsp.client import Client, at  # noqa: E402

CHECK = [sys.executable, "-c", "from genai_lint.entry import main; main()", "check", "--no-files", "--format", "json"]
BURST_GAP = 0.05


def server_cpu(pid: int) -> float:
    """User+system seconds the process has used so far (Linux /proc; clock-tick resolution)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def prompt_positions(text: str) -> list[tuple[int, int]]:
    """(line, character) just inside the opening quote of each asset's ``prompt:`` value."""
    return [(number, line.index('"') + 1) for number, line in enumerate(text.splitlines())
            if line.startswith("    prompt: \"")]


def check_once(manifest: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of one `check --no-files` child."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([*CHECK, str(manifest)], stdout=subprocess.DEVNULL, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.perf_counter() - started, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def measure(root: Path, manifest: Path, edits: int) -> dict[str, list[float]]:
    text = manifest.read_text(encoding="utf-8")
    positions = prompt_positions(text)
    step = max(1, len(positions) // edits)
    results: dict[str, list[float]] = {name: [] for name in
                                       ("first", "edit", "edit_cpu", "line", "line_cpu", "burst", "check",
                                        "check_cpu")}
    client = Client(root)
    try:
        pid = client.process.pid
        started = time.perf_counter()
        uri = client.open(manifest)
        client.wait_diagnostics(uri, timeout=120)
        results["first"].append(time.perf_counter() - started)
        for edit in range(edits):
            line, character = positions[(edit * step) % len(positions)]
            time.sleep(DEBOUNCE_SECONDS + 0.05)  # a pause: the server lints at once
            cpu, started = server_cpu(pid), time.perf_counter()
            version = client.edit(uri, at(line, character), at(line, character), "x")
            client.wait_version(uri, version, timeout=120)
            results["edit"].append(time.perf_counter() - started)
            results["edit_cpu"].append(server_cpu(pid) - cpu)
            manifest.write_text(text := _insert(text, line, character, "x"), encoding="utf-8")
            wall, cpu = check_once(manifest)
            results["check"].append(wall)
            results["check_cpu"].append(cpu)
        for edit in range(max(2, edits // 2)):  # Enter and a new key: the line count changes, the file is reloaded
            line, character = positions[(edit * 2 * step + 1) % len(positions)]
            time.sleep(DEBOUNCE_SECONDS + 0.05)
            cpu, started = server_cpu(pid), time.perf_counter()
            end = at(line, len(text.splitlines()[line]))
            version = client.edit(uri, end, end, "\n    x-note: typed")
            client.wait_version(uri, version, timeout=120)
            results["line"].append(time.perf_counter() - started)
            results["line_cpu"].append(server_cpu(pid) - cpu)
            text = _insert(text, line, end["character"], "\n    x-note: typed")
            positions = prompt_positions(text)
        for burst in range(max(1, edits // 5)):
            line, character = positions[(burst * 7 * step + 3) % len(positions)]
            time.sleep(DEBOUNCE_SECONDS + 0.05)
            for _ in range(10):
                version = client.edit(uri, at(line, character), at(line, character), "y")
                started = time.perf_counter()
                time.sleep(BURST_GAP)
            client.wait_version(uri, version, timeout=120)
            results["burst"].append(time.perf_counter() - started)
    finally:
        client.close()
    return results


def _insert(text: str, line: int, character: int, inserted: str) -> str:
    lines = text.splitlines(keepends=True)
    lines[line] = lines[line][:character] + inserted + lines[line][character:]
    return "".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--assets", type=int, default=1000)
    parser.add_argument("--edits", type=int, default=30)
    args = parser.parse_args(argv)
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "production"
        generate(args.assets, root, per_manifest=args.assets)
        manifest = max(root.rglob("genai-manifest.yaml"), key=lambda path: path.stat().st_size)
        size = manifest.stat().st_size
        results = measure(root, manifest, args.edits)
    ms = lambda seconds: f"{seconds * 1000:.0f} ms"  # noqa: E731

    def row(label: str, wall: list[float], cpu: list[float] | None = None) -> str:
        p90 = ms(statistics.quantiles(wall, n=10)[-1]) if len(wall) > 1 else ""
        mean_cpu = ms(statistics.mean(cpu)) if cpu else ""
        return f"| {label} | {ms(statistics.median(wall))} | {p90} | {mean_cpu} |"

    print(f"{args.assets} assets in one manifest ({size / 1024:.0f} KB), {args.edits} edits after the first "
          f"analysis, load average {load_before:.2f} before, {os.getloadavg()[0]:.2f} after; debounce "
          f"{DEBOUNCE_SECONDS * 1000:.0f} ms: an edit after a pause is linted at once, a burst at most once "
          f"per interval and once when it ends\n")
    print("| what | median | p90 | CPU per edit (mean) |\n|---|---:|---:|---:|")
    print(row("server: first diagnostics after open (files hashed)", results["first"]))
    print(row("server: one-character edit -> publishDiagnostics", results["edit"], results["edit_cpu"]))
    print(row("server: a new line typed inside an asset (whole file loaded) -> publishDiagnostics", results["line"],
              results["line_cpu"]))
    print(row(f"server: burst of 10 keystrokes {BURST_GAP * 1000:.0f} ms apart, last -> its diagnostics",
              results["burst"]))
    print(row("`check --no-files FILE` started per edit", results["check"], results["check_cpu"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
