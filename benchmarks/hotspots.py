#!/usr/bin/env python3
"""Where genai-lint's time goes on a generated production: phases and rules, or a cProfile.

    python3 benchmarks/hotspots.py 10000              # phase and per-rule wall times, in-process
    python3 benchmarks/hotspots.py 10000 --cprofile   # + cProfile, top 40 by cumulative time

Runs the genai-lint of this working tree (``genai_lint/`` first on ``sys.path``) on
``benchmarks/.data/n<N>`` (generated if missing) exactly as ``check --no-files --format json
--date 2026-06-30`` would, after wrapping the loader, the schema validation and every rule's
function with a timer. Per-rule times include the generator work of the rule (findings are
consumed inside the timer). cProfile adds roughly 2-3x overhead to Python-heavy code, so read
its figures as shares, and the phase table (no profiler) for absolute times.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import pstats
import sys
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(1, str(HERE))

import generate  # noqa: E402

TIMES: dict[str, float] = defaultdict(float)
CALLS: dict[str, int] = defaultdict(int)


def timed(name: str, function):
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            result = function(*args, **kwargs)
            if hasattr(result, "__next__"):
                result = list(result)
            return result
        finally:
            TIMES[name] += time.perf_counter() - start
            CALLS[name] += 1
    return wrapper


def instrument() -> None:
    from genai_lint import loader, project, rules, schema

    project.load = timed("load (read + compose + build)", project.load)
    loader._compose = timed("  compose (libyaml node tree)", loader._compose)
    loader._Constructor.build = timed("  build data from nodes (+ alias weight)", loader._Constructor.build)
    schema.validate = timed("validate (jsonschema-rs + messages)", schema.validate)
    rules.all_rules()
    for code, rule in list(rules.REGISTRY.items()):
        rules.REGISTRY[code] = rule._replace(check=timed(f"rule {code} ({rule.scope})", rule.check))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("assets", type=int, nargs="?", default=10_000)
    parser.add_argument("--cprofile", action="store_true")
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args()
    directory = HERE / ".data" / f"n{args.assets}"
    if not (directory / "production.json").exists():
        generate.generate(args.assets, directory)

    from genai_lint import engine
    from genai_lint.formats import render

    instrument()
    overrides = {"check_files": False}
    import datetime as dt
    overrides["date"] = dt.date.fromisoformat(generate.EVALUATION_DATE)
    profiler = cProfile.Profile() if args.cprofile else None
    gc.disable()
    start = time.perf_counter()
    if profiler:
        profiler.enable()
    report = engine.check([str(directory)], overrides)
    mid = time.perf_counter()
    text = render("json", report)
    end = time.perf_counter()
    if profiler:
        profiler.disable()
    TIMES["render json"] = end - mid
    total = end - start
    print(f"N={args.assets:,}: {len(report.findings)} findings, {len(text) / 1e6:.1f} MB of JSON, "
          f"in-process total {total:.3f} s{' (under cProfile)' if profiler else ''}")
    print(f"{'phase / rule':<46} {'seconds':>8} {'share':>6} {'calls':>7}")
    for name, seconds in sorted(TIMES.items(), key=lambda item: (not item[0].startswith(("load", "  ")), -item[1])):
        print(f"{name:<46} {seconds:8.3f} {seconds / total:6.1%} {CALLS.get(name, 1):7}")
    accounted = TIMES["load (read + compose + build)"] + TIMES["validate (jsonschema-rs + messages)"] + TIMES["render json"] \
        + sum(v for k, v in TIMES.items() if k.startswith("rule "))
    print(f"{'other (discovery, context, sort, settings)':<46} {total - accounted:8.3f} {(total - accounted) / total:6.1%}")
    if profiler:
        stream = io.StringIO()
        pstats.Stats(profiler, stream=stream).sort_stats("cumulative").print_stats(args.top)
        print(stream.getvalue())
        stream = io.StringIO()
        pstats.Stats(profiler, stream=stream).sort_stats("tottime").print_stats(25)
        print(stream.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
