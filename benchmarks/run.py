#!/usr/bin/env python3
"""The genai-lint benchmark: genai-lint against check-jsonschema and the bare PyYAML C load.

One command (from the repository root)::

    python3 benchmarks/run.py                      # N = 100, 1,000, 10,000 and 100,000 assets

It creates ``benchmarks/.venv`` (once) with check-jsonschema and PyYAML, installs genai-lint from
this working tree into it (every run, so the current code is measured), generates productions
into ``benchmarks/.data/``, times every command as a separate process (wall time and peak RSS
from ``os.wait4``, the same rusage that ``/usr/bin/time -v`` reports), alternating the commands
inside each round, and writes ``benchmarks/RESULTS.md``. genai-lint's JSON findings are kept in
``benchmarks/.out/`` (``findings-<N>.json``); ``--compare-with DIR`` compares them with an earlier
run's (see ``benchmarks/compare.py``), to prove that an optimisation changed no finding.

Other options: ``--sizes 100,1000``, ``--repeat R`` (repeats below 100,000 assets),
``--repeat-large R`` (at 100,000 and more), ``--cj-max-seconds S`` (no check-jsonschema repeats
at a size where one run took longer), ``--findings-only`` (no timing: one genai-lint run per size,
for the equality check), ``--no-install`` (measure what is installed in benchmarks/.venv).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
VENV = HERE / ".venv"
DATA = HERE / ".data"
SCHEMA = ROOT / "schemas" / "manifest-v1.schema.json"
BIN = VENV / "bin"
PYTHON = BIN / "python"

sys.path.insert(0, str(HERE))
import compare  # noqa: E402
import generate  # noqa: E402

DEFAULT_SIZES = (100, 1_000, 10_000, 100_000)
DEFAULT_REPEATS = {100: 15, 1_000: 9, 10_000: 5}
LARGE = 100_000
PRECOMMIT_SIBLINGS, PRECOMMIT_PER_MANIFEST, PRECOMMIT_CHANGED = 20, 50, "dept-07/genai-manifest.yaml"
STARTUP_REPEATS = 20
TOOLS = ("check-jsonschema", "ruamel.yaml.clib", "PyYAML")
PURE_VENV = HERE / ".venv-pure"
PURE_CJ = PURE_VENV / "bin" / "check-jsonschema"
"""check-jsonschema as ``pip install check-jsonschema`` leaves it: ruamel's pure-Python loader."""
PURE_MAX_ASSETS = 10_000
"""The pure-Python install takes minutes at 100,000 assets; it is measured up to this size."""
"""ruamel.yaml (0.19) does not pull in its C loader; without ruamel.yaml.clib check-jsonschema falls
back to the pure-Python loader, several times slower: install it, to compare with its best case."""

BARE_LOAD = (
    "import gc, sys, yaml\n"
    "gc.disable()\n"
    "docs = []\n"
    "for name in sys.argv[1:]:\n"
    "    with open(name, encoding='utf-8') as stream:\n"
    "        docs.append(yaml.load(stream.read(), Loader=yaml.CSafeLoader))\n"
)

# Targets (issue 7).
SPEEDUP_TARGET = 5.0
FLOOR_TARGET = 1.5
STARTUP_TARGET = 3.0
SMALL_CHECK_TARGET = 0.100
RSS_TARGET = 2.5e9


# Running and measuring -----------------------------------------------------------------------


@dataclass
class Run:
    wall: float
    rss: int
    code: int
    cpu: float = 0.0
    """User + system CPU seconds of the child: steadier than wall time on a shared machine."""


@dataclass
class Series:
    label: str
    command: list[str]
    ok_codes: tuple[int, ...]
    stdout: Path | None = None
    runs: list[Run] = field(default_factory=list)
    skipped: str = ""

    @property
    def wall(self) -> float | None:
        return statistics.median(r.wall for r in self.runs) if self.runs else None

    @property
    def rss(self) -> int | None:
        return int(statistics.median(r.rss for r in self.runs)) if self.runs else None

    @property
    def cpu(self) -> float | None:
        return statistics.median(r.cpu for r in self.runs) if self.runs else None

    def as_dict(self) -> dict:
        return {"label": self.label, "command": self.command, "runs": [vars(r) for r in self.runs],
                "median_wall": self.wall, "median_rss": self.rss, "median_cpu": self.cpu, "skipped": self.skipped}


def measure(command: list[str], stdout: Path | None = None) -> tuple[Run, str]:
    """Run ``command`` once: wall time, peak RSS (bytes), exit code, and its stderr."""
    env = dict(os.environ, NO_COLOR="1")
    env.pop("GITHUB_ACTIONS", None)
    with tempfile.TemporaryFile() as err, (open(stdout, "wb") if stdout else open(os.devnull, "wb")) as out:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, env=env, cwd=ROOT)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = code = os.waitstatus_to_exitcode(status)
        err.seek(0)
        text = err.read().decode("utf-8", "replace")
    return Run(wall, usage.ru_maxrss * 1024, code, usage.ru_utime + usage.ru_stime), text


def run_once(series: Series, record: bool = True) -> Run:
    target = series.stdout.with_suffix(".tmp") if series.stdout else None
    run, stderr = measure(series.command, target)
    if run.code not in series.ok_codes:
        sys.exit(f"{series.label}: exit code {run.code} (expected {series.ok_codes})\n"
                 f"command: {' '.join(series.command)}\n{stderr[-3000:]}")
    if target is not None:
        if series.stdout.exists() and series.stdout.read_bytes() != target.read_bytes():
            print(f"  warning: {series.label}: output differs between runs", file=sys.stderr)
        target.replace(series.stdout)
    if record:
        series.runs.append(run)
    return run


def alternate(group: list[Series], repeats: int, warmup: int = 1, cap: dict[str, float] | None = None) -> None:
    """Warm up, then ``repeats`` rounds running each series once, rotating the order each round.

    ``cap``: a series whose first measured run took longer than the given seconds is not repeated.
    """
    for _ in range(warmup):
        for series in group:
            run_once(series, record=False)
    for round_index in range(repeats):
        shift = round_index % len(group)
        for series in group[shift:] + group[:shift]:
            limit = (cap or {}).get(series.label)
            if series.runs and limit is not None and series.runs[0].wall > limit:
                series.skipped = f"1 run only: took {series.runs[0].wall:.0f} s > {limit:.0f} s"
                continue
            run = run_once(series)
            print(f"    {series.label:<22} {run.wall:8.3f} s {run.rss / 2**20:8.0f} MiB  (exit {run.code})", flush=True)


# Setup ---------------------------------------------------------------------------------------


def pip(*args: str) -> None:
    subprocess.run([str(PYTHON), "-m", "pip", "--disable-pip-version-check", "-q", *args], check=True)


def setup(install: bool) -> None:
    if not PYTHON.exists():
        print(f"creating {VENV.relative_to(ROOT)}", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        pip("install", "-U", "pip")
        pip("install", *TOOLS, str(ROOT))
    missing = [tool for tool in TOOLS if not _installed(tool)]
    if missing:
        pip("install", *missing)
    if install:
        print("installing genai-lint from the working tree into benchmarks/.venv", flush=True)
        pip("install", "--force-reinstall", "--no-deps", str(ROOT))
        pip("install", str(ROOT))  # dependencies added since the venv was made


def setup_pure() -> None:
    """A second check-jsonschema install, without ``ruamel.yaml.clib`` (what pip gives by default)."""
    if not PURE_CJ.exists():
        print(f"creating {PURE_VENV.relative_to(ROOT)} (check-jsonschema without ruamel.yaml.clib)", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(PURE_VENV)], check=True)
        python = str(PURE_VENV / "bin" / "python")
        subprocess.run([python, "-m", "pip", "-q", "--disable-pip-version-check", "install", "check-jsonschema"], check=True)
        subprocess.run([python, "-m", "pip", "-q", "--disable-pip-version-check", "uninstall", "-y", "ruamel.yaml.clib"],
                       check=False)


def _installed(name: str) -> bool:
    code = f"import importlib.metadata as m; m.version({name!r})"
    return subprocess.run([str(PYTHON), "-c", code], capture_output=True).returncode == 0


def versions() -> dict[str, str]:
    code = (
        "import importlib.metadata as m, json, platform, yaml\n"
        "names = ['genai-lint', 'check-jsonschema', 'PyYAML', 'jsonschema', 'jsonschema-rs', 'ruamel.yaml',\n"
        "         'ruamel.yaml.clib', 'click', 'regress']\n"
        "out = {'python': platform.python_version()}\n"
        "for n in names:\n"
        "    try: out[n] = m.version(n)\n"
        "    except m.PackageNotFoundError: pass\n"
        "out['libyaml'] = yaml._yaml.get_version_string() if yaml.__with_libyaml__ else 'none'\n"
        "print(json.dumps(out))\n"
    )
    return json.loads(subprocess.run([str(PYTHON), "-c", code], capture_output=True, text=True, check=True).stdout)


def machine() -> dict[str, str]:
    info = {"nproc": subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip(),
            "kernel": platform.release()}
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
        info["cpu"] = cpu
        memory = next(line.split()[1] for line in open("/proc/meminfo") if line.startswith("MemTotal"))
        info["memory"] = f"{int(memory) / 2**20:.1f} GiB"
        info["os"] = next(line.split("=", 1)[1].strip().strip('"') for line in open("/etc/os-release")
                          if line.startswith("PRETTY_NAME"))
    except (OSError, StopIteration):
        pass
    return info


def revision() -> str:
    try:
        head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--", "genai_lint", "pyproject.toml"],
                               capture_output=True, text=True).stdout.strip()
        return head + (" + uncommitted changes in genai_lint/" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def production(n: int, siblings: int = 0, per_manifest: int = 4000) -> tuple[Path, dict]:
    """The generated production for ``n`` assets (reused when the generator has not changed)."""
    name = f"siblings{siblings}-{n}" if siblings else f"n{n}"
    out = DATA / name
    stamp = out / "production.json"
    if stamp.exists():
        description = json.loads(stamp.read_text())
        if (description.get("generator_version") == generate.GENERATOR_VERSION
                and description.get("siblings") == siblings and description.get("per_manifest") == per_manifest
                and _generator_unchanged(out)):
            return out, description
    print(f"  generating {name}", flush=True)
    description = generate.generate(n, out, per_manifest=per_manifest, siblings=siblings)
    return out, description


def _generator_unchanged(out: Path) -> bool:
    return (out / "production.json").stat().st_mtime >= (HERE / "generate.py").stat().st_mtime


# The benchmark -------------------------------------------------------------------------------


def genai_lint_check(target: Path) -> list[str]:
    return [str(BIN / "genai-lint"), "check", "--no-files", "--format", "json", "--date", generate.EVALUATION_DATE,
            str(target)]


def findings_summary(path: Path, expected: list[str] | None) -> dict:
    document = json.loads(path.read_text(encoding="utf-8"))
    findings = document["findings"]
    codes = Counter(f["code"] for f in findings)
    unlocated = sum(1 for f in findings if (f["line"], f["column"]) == (1, 1))
    summary = {"total": len(findings), "codes": dict(sorted(codes.items())), "unlocated": unlocated,
               "assets": document["summary"]["assets"], "manifests": document["summary"]["manifests"]}
    if expected is not None:
        summary["missing_codes"] = [code for code in expected if code not in codes]
    return summary


def cj_errors(path: Path) -> int | None:
    """Schema errors check-jsonschema printed (its text output has one 'FILE::$.path: message' line each)."""
    try:
        return sum(1 for line in path.read_text(encoding="utf-8", errors="replace").splitlines() if "::$" in line)
    except OSError:
        return None


def bench_size(n: int, repeats: int, out: Path, cj_cap: float, findings_only: bool) -> dict:
    print(f"\nN = {n:,}", flush=True)
    directory, description = production(n)
    files = [str(directory / m["path"]) for m in description["manifests"]]
    gl = Series("genai-lint check", genai_lint_check(directory), (0, 1), stdout=out / f"findings-{n}.json")
    cj = Series("check-jsonschema", [str(BIN / "check-jsonschema"), "--schemafile", str(SCHEMA), *files], (0, 1),
                stdout=out / f"check-jsonschema-{n}.txt")
    bare = Series("bare C load (gc off)", [str(PYTHON), "-c", BARE_LOAD, *files], (0,))
    pure = Series("check-jsonschema (pure)", [str(PURE_CJ), "--schemafile", str(SCHEMA), *files], (0, 1))
    cold = Series(COLD, [*genai_lint_check(directory)[:2], "--no-cache", *genai_lint_check(directory)[2:]], (0, 1))
    if findings_only:
        run_once(gl, record=False)
        group: list[Series] = []
    else:
        group = [gl, cj, bare] + ([pure] if n <= PURE_MAX_ASSETS else []) + ([cold] if n == SMALL else [])
        large = n >= LARGE
        alternate(group, repeats, warmup=0 if large else 1, cap={"check-jsonschema": cj_cap} if large else None)
    result = {
        "assets": n, "manifests": len(files), "bytes": sum(m["bytes"] for m in description["manifests"]),
        "lines": sum(m["lines"] for m in description["manifests"]), "repeats": repeats,
        "series": {s.label: s.as_dict() for s in group},
        "findings": findings_summary(gl.stdout, description["expected_codes"]),
    }
    if group:
        result["cj_schema_errors"] = cj_errors(cj.stdout)
    m002 = result["findings"]["codes"].get("M002", 0)
    cj_text = f", check-jsonschema schema errors: {result['cj_schema_errors']}" if group else ""
    print(f"  findings: {result['findings']['total']} ({m002} M002){cj_text}", flush=True)
    return result


def bench_precommit(out: Path, repeats: int, findings_only: bool = False) -> dict:
    print(f"\npre-commit: one manifest among {PRECOMMIT_SIBLINGS} siblings of {PRECOMMIT_PER_MANIFEST} assets",
          flush=True)
    directory, description = production(PRECOMMIT_SIBLINGS * PRECOMMIT_PER_MANIFEST, siblings=PRECOMMIT_SIBLINGS)
    changed = directory / PRECOMMIT_CHANGED
    gl = Series("genai-lint check (1 of 20)", genai_lint_check(changed), (0, 1), stdout=out / "findings-precommit.json")
    cj = Series("check-jsonschema (1 file)", [str(BIN / "check-jsonschema"), "--schemafile", str(SCHEMA), str(changed)],
                (0, 1))
    if findings_only:
        run_once(gl, record=False)
        return {"findings": findings_summary(gl.stdout, None)}
    alternate([gl, cj], repeats, warmup=2)
    return {"series": {s.label: s.as_dict() for s in (gl, cj)}, "findings": findings_summary(gl.stdout, None),
            "changed_bytes": changed.stat().st_size}


# The four gaps of issue 15: each case next to its baseline, in the same alternated rounds.

SPREAD_SIBLINGS, SPREAD_ASSETS = 20, 20_000
WATCH_ASSETS, MEDIA_ASSETS = 2_000, 1_000
SMALL = 100
COLD = "genai-lint check --no-cache"
"""At 100 assets `check` also runs without its document cache: what a first run (a fresh clone) costs."""
SMALL_FLOOR_TARGET, SMALL_CJ_TARGET, MEMORY_TARGET, MEMORY_LARGE_TARGET, NO_COST_TARGET = 1.6, 5.0, 2.0, 600 * 2**20, 1.15
SYLLABLES = ("ka", "lo", "mi", "ren", "to", "sa", "vel", "dor", "ni", "bra", "qu", "est", "ar", "um", "zi", "po")
INTERNATIONAL = " — cinéma vérité, ночь, 夜景"
"""Appended to every prompt of the non-ASCII productions (the old prefilter skipped such prompts)."""


def watch_terms(count: int, accented: bool = False) -> list[str]:
    """``count`` distinct made-up names (none occurs in a generated prompt); every other one accented."""
    terms = []
    for index in range(count):
        a, b, c = index % 16, index // 16 % 16, index // 256 % 16
        term = f"{SYLLABLES[a]}{SYLLABLES[b]}{SYLLABLES[c]} {SYLLABLES[c]}{SYLLABLES[a]}".title()
        terms.append(term.replace("e", "é") if accented and index % 2 else term)
    return terms


def variant(base: Path, name: str, build) -> Path:
    """A copy of the generated production ``base`` changed by ``build(copy)`` (rebuilt when ``base`` is newer)."""
    out = DATA / name
    stamp = out / ".variant"
    if stamp.exists() and stamp.stat().st_mtime >= (base / "production.json").stat().st_mtime:
        return out
    print(f"  making {name}", flush=True)
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(base, out)
    build(out)
    stamp.touch()
    return out


def with_terms(count: int, accented: bool = False):
    def build(root: Path) -> None:
        listed = ", ".join(json.dumps(term, ensure_ascii=False) for term in watch_terms(count, accented))
        with open(root / ".genai-lint.yaml", "a", encoding="utf-8") as config:
            config.write(f"watchlist:\n  terms: [{listed}]\n")
    return build


def international(root: Path) -> None:
    for manifest in root.rglob("genai-manifest.yaml"):
        lines = manifest.read_text(encoding="utf-8").splitlines(keepends=True)
        for index, line in enumerate(lines):
            stripped = line.lstrip()
            if (stripped.startswith('prompt: "') or line.startswith('      - "')) and line.rstrip().endswith('"'):
                lines[index] = line.rstrip()[:-1] + INTERNATIONAL + '"\n'
        manifest.write_text("".join(lines), encoding="utf-8")


def with_media(count: int, per_folder: int = 100):
    def build(root: Path) -> None:
        for index in range(count):
            folder = root / "plates" / f"shot-{index // per_folder:03d}"
            if index % per_folder == 0:
                folder.mkdir(parents=True)
            (folder / f"frame-{index % per_folder:05d}.exr").touch()
    return build


def bench_gaps(out: Path, repeats: int, findings_only: bool = False) -> dict:
    """Watch-list length and script, media beside the manifests, memory of 20 x 1,000 assets."""
    print("\nissue 15 gaps: watch list, media files, memory", flush=True)
    watch, _ = production(WATCH_ASSETS)
    intl = variant(watch, f"n{WATCH_ASSETS}-intl", international)
    media, _ = production(MEDIA_ASSETS)
    spread, description = production(SPREAD_ASSETS, siblings=SPREAD_SIBLINGS, per_manifest=SPREAD_ASSETS // SPREAD_SIBLINGS)
    files = [str(spread / m["path"]) for m in description["manifests"]]
    cases = {
        "watch: ASCII prompts, no list": watch,
        "watch: ASCII prompts, 1,000 terms": variant(watch, f"n{WATCH_ASSETS}-terms1000", with_terms(1000)),
        "watch: ASCII prompts, 10,000 terms": variant(watch, f"n{WATCH_ASSETS}-terms10000", with_terms(10_000)),
        "watch: non-ASCII prompts, no list": intl,
        "watch: non-ASCII prompts, 500 terms": variant(intl, f"n{WATCH_ASSETS}-intl-terms500", with_terms(500, True)),
        "media: no media files": media,
        "media: 5,000 files": variant(media, f"n{MEDIA_ASSETS}-media5000", with_media(5_000)),
        "media: 20,000 files": variant(media, f"n{MEDIA_ASSETS}-media20000", with_media(20_000)),
    }
    group = [Series(label, genai_lint_check(path), (0, 1), stdout=out / f"findings-{path.name}.json")
             for label, path in cases.items()]
    group += [Series("memory: genai-lint check, 20 x 1,000", genai_lint_check(spread), (0, 1),
                     stdout=out / f"findings-{spread.name}.json"),
              Series("memory: bare C load, 20 x 1,000", [str(PYTHON), "-c", BARE_LOAD, *files], (0,))]
    if findings_only:
        for series in group[:-1]:
            run_once(series, record=False)
        return {}
    alternate(group, repeats, warmup=1)
    return {series.label: series.as_dict() for series in group}


def bench_startup(repeats: int) -> dict:
    print("\nstartup", flush=True)
    group = [Series("genai-lint --version", [str(BIN / "genai-lint"), "--version"], (0,)),
             Series("python -c pass", [str(PYTHON), "-c", "pass"], (0,)),
             Series("check-jsonschema --version", [str(BIN / "check-jsonschema"), "--version"], (0,))]
    alternate(group, repeats, warmup=3)
    return {s.label: s.as_dict() for s in group}


# Report --------------------------------------------------------------------------------------


def fmt_time(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    return f"{seconds:.2f} s" if seconds < 10 else f"{seconds:.1f} s"


def fmt_rss(size: int | None) -> str:
    return "–" if size is None else f"{size / 2**20:,.0f} MiB"


def ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a and b else None


def fmt_ratio(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}x"


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("**met**" if ok else "**NOT met**")


def report(results: dict) -> str:
    sizes = results["sizes"]
    lines = [
        "# genai-lint benchmark results",
        "",
        f"Generated by `{results['command']}` on {results['date']} (code: {results['revision']}).",
        "",
        "Machine: " + ", ".join(f"{k} {v}" for k, v in results["machine"].items())
        + f"; load average before / after: {results['load_before']} / {results['load_after']}.",
        "",
        "Versions: " + ", ".join(f"{k} {v}" for k, v in results["versions"].items()) + ".",
        "",
        "Every figure is one process, started fresh: wall time and peak RSS (`ru_maxrss` from `os.wait4`,",
        "what `/usr/bin/time -v` reports), median of the runs counted in the last column, the commands",
        "alternated in each round (order rotated per round) after one warm-up round (none at 100,000).",
        "",
        "1. genai-lint = `genai-lint check --no-files --format json --date "
        f"{generate.EVALUATION_DATE} DIR` (all rules; exits 1 on the seeded findings)",
        "2. check-jsonschema = `check-jsonschema --schemafile schemas/manifest-v1.schema.json FILES...` with "
        "`ruamel.yaml.clib` (its C loader); (2p) the same as `pip install check-jsonschema` leaves it (pure-Python "
        f"loader; measured up to {PURE_MAX_ASSETS:,} assets)",
        "3. bare load = `python -c` PyYAML `CSafeLoader` load of the same files, gc disabled (the floor)",
        "",
        "| N assets | manifests | YAML | (1) genai-lint | (2) check-jsonschema | (2p) pure | (3) bare C load "
        "| 2/1 (x faster) | 2p/1 | 1/3 (x floor) | RSS (1) | RSS (2) | RSS (3) | findings (M002) / cj errors "
        "| runs (1/2/2p/3) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for size in sizes:
        s = size["series"]
        gl, cj, pure, bare = (s.get(k, {}) for k in ("genai-lint check", "check-jsonschema", "check-jsonschema (pure)",
                                                      "bare C load (gc off)"))
        f = size["findings"]
        runs = "/".join(str(len(x.get("runs", []))) for x in (gl, cj, pure, bare))
        lines.append(
            f"| {size['assets']:,} | {size['manifests']} | {size['bytes'] / 1e6:.1f} MB | {fmt_time(gl.get('median_wall'))} "
            f"| {fmt_time(cj.get('median_wall'))} | {fmt_time(pure.get('median_wall'))} | {fmt_time(bare.get('median_wall'))} "
            f"| {fmt_ratio(ratio(cj.get('median_wall'), gl.get('median_wall')))} "
            f"| {fmt_ratio(ratio(pure.get('median_wall'), gl.get('median_wall')))} "
            f"| {fmt_ratio(ratio(gl.get('median_wall'), bare.get('median_wall')))} "
            f"| {fmt_rss(gl.get('median_rss'))} | {fmt_rss(cj.get('median_rss'))} | {fmt_rss(bare.get('median_rss'))} "
            f"| {f['total']:,} ({f['codes'].get('M002', 0)}) / {size.get('cj_schema_errors')} | {runs} |")
    lines.append("")
    startup = results.get("startup")
    precommit = results.get("precommit")
    if startup or precommit:
        lines += ["| other | median wall | min | max | peak RSS | runs |", "|---|---:|---:|---:|---:|---:|"]
        for block in (startup or {}), (precommit or {}).get("series", {}):
            for label, series in block.items():
                walls = [r["wall"] for r in series["runs"]]
                lines.append(f"| `{label}` | {fmt_time(series['median_wall'])} | {fmt_time(min(walls))} "
                             f"| {fmt_time(max(walls))} | {fmt_rss(series['median_rss'])} | {len(walls)} |")
        lines.append("")
        if precommit:
            lines.append(f"Pre-commit case: `genai-lint check --no-files` on `{PRECOMMIT_CHANGED}` of a production of "
                         f"{PRECOMMIT_SIBLINGS} sibling manifests x {PRECOMMIT_PER_MANIFEST} assets (the registers in "
                         "`dept-01`); genai-lint loads all 20 (cross-file rules) and reports on the one; "
                         "check-jsonschema validates the one file.")
            lines.append("")
    lines += gaps_report(results)
    lines += ["## Targets", "", "| target | measured | verdict |", "|---|---|---|"]
    for name, measured, ok in targets(results):
        lines.append(f"| {name} | {measured} | {verdict(ok)} |")
    lines.append("")
    lines += ["## Spread (min – max of the counted runs, wall time)", "",
              "| N assets | (1) genai-lint | (2) check-jsonschema | (3) bare C load |", "|---:|---|---|---|"]
    for size in sizes:
        cells = []
        for key in ("genai-lint check", "check-jsonschema", "bare C load (gc off)"):
            walls = [r["wall"] for r in size["series"].get(key, {}).get("runs", [])]
            skipped = size["series"].get(key, {}).get("skipped")
            cell = f"{fmt_time(min(walls))} – {fmt_time(max(walls))}" if walls else "–"
            cells.append(cell + (f" ({skipped})" if skipped else ""))
        lines.append(f"| {size['assets']:,} | " + " | ".join(cells) + " |")
    lines.append("")
    lines += ["## Findings per size (genai-lint JSON kept in `benchmarks/.out/findings-<N>.json`)", "",
              "| N assets | total | unlocated (1:1) | missing seeded codes | by code |", "|---:|---:|---:|---|---|"]
    for size in sizes:
        f = size["findings"]
        by_code = ", ".join(f"{c} {k}" for c, k in f["codes"].items())
        lines.append(f"| {size['assets']:,} | {f['total']:,} | {f['unlocated']} | {', '.join(f['missing_codes']) or 'none'} "
                     f"| {by_code} |")
    lines.append("")
    if results.get("comparison"):
        lines += ["## Findings compared with an earlier run", "", "```", results["comparison"].rstrip(), "```", ""]
    if results.get("notes"):
        lines += ["## Notes", ""] + [f"- {note}" for note in results["notes"]] + [""]
    return "\n".join(lines)


def gap_rows(results: dict) -> list[tuple[str, str, str, float | None, float | None, str, bool | None]]:
    """Issue 15's table: (case, measured, baseline, ratio, CPU ratio, target, met) for every row, from this run."""
    by_n = {size["assets"]: size["series"] for size in results["sizes"]}
    gaps = results.get("gaps") or {}
    rows = []

    def wall(series: dict | None) -> float | None:
        return (series or {}).get("median_wall")

    def cpu(a: dict | None, b: dict | None) -> float | None:
        return ratio((a or {}).get("median_cpu"), (b or {}).get("median_cpu"))

    small = by_n.get(SMALL)
    if small:
        gl, cj, pure, bare = (small.get(k) for k in ("genai-lint check", "check-jsonschema", "check-jsonschema (pure)",
                                                    "bare C load (gc off)"))
        value = ratio(wall(gl), wall(bare))
        rows.append(("`check`, 100 assets, vs the bare C load", fmt_time(wall(gl)), fmt_time(wall(bare)), value,
                     cpu(gl, bare), f"<= {SMALL_FLOOR_TARGET}x", None if value is None else value <= SMALL_FLOOR_TARGET))
        value = ratio(wall(cj), wall(gl))
        rows.append(("check-jsonschema (C loader) / `check`, 100 assets", fmt_time(wall(cj)), fmt_time(wall(gl)), value,
                     cpu(cj, gl), f">= {SMALL_CJ_TARGET:g}x", None if value is None else value >= SMALL_CJ_TARGET))
        value = ratio(wall(pure), wall(gl))
        rows.append(("check-jsonschema (pure) / `check`, 100 assets", fmt_time(wall(pure)), fmt_time(wall(gl)), value,
                     cpu(pure, gl), "(context)", None))
        cold = small.get(COLD)
        if cold:
            rows.append(("`check --no-cache` (a first run: validates, imports jsonschema-rs) vs the bare C load, 100 assets",
                         fmt_time(wall(cold)), fmt_time(wall(bare)), ratio(wall(cold), wall(bare)), cpu(cold, bare),
                         "(context)", None))
            value = ratio(wall(cj), wall(cold))
            rows.append(("check-jsonschema (C loader) / `check --no-cache`, 100 assets", fmt_time(wall(cj)),
                         fmt_time(wall(cold)), value, cpu(cj, cold), "(context)", None))
    if gaps:
        gl, bare = gaps["memory: genai-lint check, 20 x 1,000"], gaps["memory: bare C load, 20 x 1,000"]
        value = ratio(gl["median_rss"], bare["median_rss"])
        rows.append(("peak RSS, 20 manifests x 1,000 assets, vs loading them", fmt_rss(gl["median_rss"]),
                     fmt_rss(bare["median_rss"]), value, None, f"<= {MEMORY_TARGET}x",
                     None if value is None else value <= MEMORY_TARGET))
    large = by_n.get(LARGE)
    if large:
        rss = (large.get("genai-lint check") or {}).get("median_rss")
        rows.append(("peak RSS, 100,000 assets in 26 manifests", fmt_rss(rss), "–", None, None,
                     f"< {MEMORY_LARGE_TARGET / 2**20:.0f} MiB", None if rss is None else rss < MEMORY_LARGE_TARGET))
    for case, baseline in (("watch: ASCII prompts, 1,000 terms", "watch: ASCII prompts, no list"),
                           ("watch: ASCII prompts, 10,000 terms", "watch: ASCII prompts, no list"),
                           ("watch: non-ASCII prompts, 500 terms", "watch: non-ASCII prompts, no list"),
                           ("media: 5,000 files", "media: no media files"),
                           ("media: 20,000 files", "media: no media files")):
        if case in gaps:
            value = ratio(wall(gaps[case]), wall(gaps[baseline]))
            rows.append((f"{case} (vs {baseline.split(': ', 1)[1]})", fmt_time(wall(gaps[case])),
                         fmt_time(wall(gaps[baseline])), value, cpu(gaps[case], gaps[baseline]), f"<= {NO_COST_TARGET}x",
                         None if value is None else value <= NO_COST_TARGET))
    return rows


def gaps_report(results: dict) -> list[str]:
    rows = gap_rows(results)
    if not rows:
        return []
    lines = ["## Issue 15: the four gaps, side by side", "",
             f"Watch list: {WATCH_ASSETS:,} assets, made-up terms added to the built-in list (none occurs in a prompt); "
             f"non-ASCII: every prompt ends with `{INTERNATIONAL.strip()}` and every other term is accented. "
             f"Media: one manifest of {MEDIA_ASSETS:,} assets with empty `plates/shot-NNN/frame-NNNNN.exr` files beside it. "
             f"Memory: {SPREAD_SIBLINGS} sibling manifests of {SPREAD_ASSETS // SPREAD_SIBLINGS:,} assets; the bare load "
             "keeps every document, as genai-lint must.", "",
             "Verdicts are on the median wall times, as the issue states them; the CPU ratio (user + system "
             "time of each child, from `wait4`) is the same comparison with the machine's other load taken out.", "",
             "| case | measured | baseline | ratio (wall) | ratio (CPU) | target | verdict |",
             "|---|---:|---:|---:|---:|---|---|"]
    lines += [f"| {case} | {measured} | {baseline} | {fmt_ratio(value)} | {fmt_ratio(cpu_value)} | {target} | {verdict(ok)} |"
              for case, measured, baseline, value, cpu_value, target, ok in rows]
    return lines + [""]


def targets(results: dict) -> list[tuple[str, str, bool | None]]:
    by_n = {size["assets"]: size for size in results["sizes"]}
    rows: list[tuple[str, str, bool | None]] = []

    def wall(n: int, key: str) -> float | None:
        return by_n.get(n, {}).get("series", {}).get(key, {}).get("median_wall")

    for n in (100, 10_000, 100_000):
        if n in by_n:
            value = ratio(wall(n, "check-jsonschema"), wall(n, "genai-lint check"))
            rows.append((f"N={n:,}: genai-lint >= {SPEEDUP_TARGET:g}x faster than check-jsonschema",
                         fmt_ratio(value), None if value is None else value >= SPEEDUP_TARGET))
    if LARGE in by_n:
        size = by_n[LARGE]
        rss = size["series"].get("genai-lint check", {}).get("median_rss")
        rows.append((f"N={LARGE:,}: genai-lint peak RSS < 2.5 GB (2.5e9 bytes)", fmt_rss(rss),
                     None if rss is None else rss < RSS_TARGET))
        f = size["findings"]
        ok = f["unlocated"] == 0 and not f["missing_codes"]
        rows.append((f"N={LARGE:,}: completes with every finding located",
                     f"{f['total']:,} findings, {f['unlocated']} at 1:1, missing codes: {', '.join(f['missing_codes']) or 'none'}",
                     ok))
    if 10_000 in by_n:
        value = ratio(wall(10_000, "genai-lint check"), wall(10_000, "bare C load (gc off)"))
        rows.append((f"N=10,000: genai-lint <= {FLOOR_TARGET:g}x the bare C load", fmt_ratio(value),
                     None if value is None else value <= FLOOR_TARGET))
    startup = results.get("startup")
    if startup:
        value = ratio(startup["genai-lint --version"]["median_wall"], startup["python -c pass"]["median_wall"])
        rows.append((f"`genai-lint --version` <= {STARTUP_TARGET:g}x `python -c pass`",
                     f"{fmt_ratio(value)} ({fmt_time(startup['genai-lint --version']['median_wall'])} vs "
                     f"{fmt_time(startup['python -c pass']['median_wall'])})",
                     None if value is None else value <= STARTUP_TARGET))
    if 100 in by_n:
        value = wall(100, "genai-lint check")
        rows.append(("`check` on a 100-asset manifest < 100 ms wall", fmt_time(value),
                     None if value is None else value < SMALL_CHECK_TARGET))
    precommit = results.get("precommit")
    if precommit:
        value = precommit["series"]["genai-lint check (1 of 20)"]["median_wall"]
        rows.append(("(context) pre-commit: 1 manifest of 20 x 50 assets < 100 ms wall", fmt_time(value),
                     value < SMALL_CHECK_TARGET))
    return rows


def loadavg() -> str:
    try:
        return " ".join(open("/proc/loadavg").read().split()[:3])
    except OSError:
        return "?"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--sizes", default=",".join(str(n) for n in DEFAULT_SIZES),
                        help="comma-separated asset counts (default 100,1000,10000,100000)")
    parser.add_argument("--repeat", type=int, help="runs per command below 100,000 assets "
                        "(default 15 at 100, 9 at 1,000, 5 at 10,000)")
    parser.add_argument("--repeat-large", type=int, default=2, help="runs per command at 100,000+ (default 2)")
    parser.add_argument("--cj-max-seconds", type=float, default=180.0,
                        help="at 100,000+, no second check-jsonschema run when the first took longer (default 180)")
    parser.add_argument("--out", type=Path, default=HERE / ".out", help="where findings are kept (default benchmarks/.out)")
    parser.add_argument("--results", type=Path, default=HERE / "RESULTS.md", help="the report (default benchmarks/RESULTS.md)")
    parser.add_argument("--compare-with", type=Path, metavar="DIR",
                        help="compare the findings with those of an earlier run kept in DIR")
    parser.add_argument("--findings-only", action="store_true",
                        help="no timing: one genai-lint run per size, then the comparison (RESULTS.md untouched)")
    parser.add_argument("--no-install", action="store_true", help="do not reinstall genai-lint into benchmarks/.venv")
    parser.add_argument("--no-extras", action="store_true",
                        help="skip the startup, pre-commit and issue-15 (watch list, media, memory) measurements")
    parser.add_argument("--repeat-gaps", type=int, default=5,
                        help="rounds for the watch-list, media and memory cases (default 5)")
    args = parser.parse_args(argv)
    sizes = [int(part.replace("_", "")) for part in args.sizes.split(",") if part.strip()]

    setup(install=not args.no_install)
    if not args.findings_only:
        setup_pure()
    args.out.mkdir(parents=True, exist_ok=True)
    results: dict = {
        "command": " ".join(["python3 benchmarks/run.py", *(sys.argv[1:] if argv is None else argv)]),
        "date": dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "revision": revision(), "machine": machine(), "versions": versions(), "load_before": loadavg(),
        "sizes": [], "notes": [],
    }
    print(f"genai-lint {results['versions'].get('genai-lint')}, check-jsonschema "
          f"{results['versions'].get('check-jsonschema')}, python {results['versions']['python']}", flush=True)
    if args.findings_only and not args.no_extras:
        bench_precommit(args.out, 0, findings_only=True)
        bench_gaps(args.out, 0, findings_only=True)
    elif not args.no_extras:
        results["startup"] = bench_startup(STARTUP_REPEATS)
        results["precommit"] = bench_precommit(args.out, args.repeat or 15)
        results["gaps"] = bench_gaps(args.out, args.repeat_gaps)
    for n in sizes:
        repeats = args.repeat_large if n >= LARGE else (args.repeat or DEFAULT_REPEATS.get(n, 5))
        results["sizes"].append(bench_size(n, repeats, args.out, args.cj_max_seconds, args.findings_only))
        (args.out / "results.json").write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    results["load_after"] = loadavg()
    for size in results["sizes"]:
        for series in size["series"].values():
            if series["skipped"]:
                results["notes"].append(f"N={size['assets']:,}: {series['label']}: {series['skipped']}.")
    status = 0
    if args.compare_with:
        text, same = compare.compare_dirs(args.compare_with, args.out)
        results["comparison"] = text
        print("\n" + text)
        status = 0 if same else 1
    (args.out / "results.json").write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    if args.findings_only:
        for size in results["sizes"]:
            print(f"N={size['assets']:,}: {size['findings']['total']} findings -> {args.out}/findings-{size['assets']}.json")
        return status
    text = report(results)
    args.results.write_text(text, encoding="utf-8")
    print("\n" + text)
    print(f"written to {args.results}")
    return status


if __name__ == "__main__":
    sys.exit(main())
