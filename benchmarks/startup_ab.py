"""Start-up A/B: `genai-lint check` on a small production, this working tree against a git revision.

    python3 benchmarks/startup_ab.py                       # the working tree against main, 100 assets
    python3 benchmarks/startup_ab.py --base HEAD~3 --assets 1000 --rounds 31

At 100 assets most of a run is start-up (imports), so a change of a few milliseconds is lost in
the noise of a shared machine unless both versions run in the same command. This script installs
the revision and the working tree side by side (``pip install --target`` into ``benchmarks/.ab/``,
byte-compiled like a real install), then runs both and the floor (the bare PyYAML C load of the
same files, as in ``run.py``) alternately, one warm-up round, and prints the medians of wall time
and of CPU time (user + system of each child, from ``wait4``), each over the floor, with the load
average. It uses ``benchmarks/.venv`` (made by ``run.py``) and the productions of ``generate.py``.
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
sys.path.insert(0, str(HERE))

import run  # noqa: E402

AB = HERE / ".ab"
CONSOLE_SCRIPT = "import sys\nfrom genai_lint.entry import main\nsys.argv[0] = 'genai-lint'\nsys.exit(main())\n"
"""What the installed ``genai-lint`` script runs (``python -m`` would add runpy's imports)."""


def install(source: Path, target: Path) -> None:
    """genai-lint from ``source`` (a source tree) into ``target``, without its dependencies (the venv has them)."""
    subprocess.run([str(run.PYTHON), "-m", "pip", "install", "-q", "--no-deps", "--upgrade", "--target", str(target),
                    str(source)], check=True, stdout=subprocess.DEVNULL)


def install_revision(revision: str, target: Path) -> None:
    with tempfile.TemporaryDirectory() as folder:
        archive = subprocess.run(["git", "-C", str(run.ROOT), "archive", revision], check=True, capture_output=True)
        subprocess.run(["tar", "-x", "-C", folder], input=archive.stdout, check=True)
        install(Path(folder), target)


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one run of ``command`` as a child process."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=tempfile.gettempdir())
    _, _, usage = os.wait4(process.pid, 0)
    return time.perf_counter() - started, usage.ru_utime + usage.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default="main", help="the git revision to compare with (default main)")
    parser.add_argument("--assets", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=21)
    args = parser.parse_args()
    if not run.PYTHON.exists():
        sys.exit("benchmarks/.venv is missing: run `python3 benchmarks/run.py --sizes 100` once first")
    production, _ = run.production(args.assets)
    install_revision(args.base, AB / "base")
    install(run.ROOT, AB / "tree")
    files = sorted(str(path) for path in production.rglob("genai-manifest.yaml"))
    check = [str(run.PYTHON), "-c", CONSOLE_SCRIPT, *run.genai_lint_check(production)[1:]]
    commands = {f"check ({args.base})": (check, {"PYTHONPATH": str(AB / "base")}),
                "check (working tree)": (check, {"PYTHONPATH": str(AB / "tree")}),
                "bare C load (floor)": ([str(run.PYTHON), "-c", run.BARE_LOAD, *files], {})}
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    names = list(commands)
    for round_number in range(args.rounds + 1):
        for name in names[round_number % 3:] + names[:round_number % 3]:
            command, extra = commands[name]
            sample = timed(command, {**os.environ, **extra})
            if round_number:
                samples[name].append(sample)
    floor_wall, floor_cpu = (statistics.median(s[i] for s in samples["bare C load (floor)"]) for i in (0, 1))
    print(f"{args.assets} assets, {args.rounds} rounds, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for name, runs in samples.items():
        wall, cpu = statistics.median(s[0] for s in runs), statistics.median(s[1] for s in runs)
        print(f"{name:24} wall {wall * 1e3:6.1f} ms ({wall / floor_wall:.2f}x floor)   "
              f"CPU {cpu * 1e3:6.1f} ms ({cpu / floor_cpu:.2f}x floor)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
