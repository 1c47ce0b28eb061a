#!/usr/bin/env python3
"""Compare genai-lint JSON findings of two benchmark runs: same findings, same order, same text.

    python3 benchmarks/compare.py BEFORE AFTER

BEFORE and AFTER are ``findings-*.json`` files or folders of them (``benchmarks/.out`` of two
runs). Everything in a finding is compared (code, name, severity, message, path, line, column,
end_line, end_column, entry_id, manifest, fix, waived), in order, and the summary counts; the
absolute ``root`` and the tool version are ignored. Exit 0 when identical, 1 otherwise.

Typical use, around an optimisation::

    python3 benchmarks/run.py --findings-only --out benchmarks/.out-before   # before the change
    # ... change genai_lint/ ...
    python3 benchmarks/run.py --compare-with benchmarks/.out-before          # timings + equality
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

SHOWN = 10


def _key(finding: dict) -> str:
    return json.dumps(finding, sort_keys=True, ensure_ascii=False)


def _load(path: Path) -> dict:
    document = json.loads(path.read_text(encoding="utf-8"))
    summary = {k: v for k, v in document.get("summary", {}).items()}
    return {"findings": document.get("findings", []), "summary": summary,
            "evaluation_date": document.get("evaluation_date")}


def compare_files(before: Path, after: Path) -> tuple[str, bool]:
    a, b = _load(before), _load(after)
    name = after.name
    if a == b:
        return f"{name}: identical ({len(a['findings'])} findings)", True
    lines = [f"{name}: DIFFERENT ({len(a['findings'])} findings before, {len(b['findings'])} after)"]
    keys_a, keys_b = Counter(map(_key, a["findings"])), Counter(map(_key, b["findings"]))
    removed, added = keys_a - keys_b, keys_b - keys_a
    for label, diff in (("only before", removed), ("only after", added)):
        if diff:
            lines.append(f"  {label}: {sum(diff.values())}")
            for key in list(diff)[:SHOWN]:
                f = json.loads(key)
                lines.append(f"    {f['path']}:{f['line']}:{f['column']} {f['code']} {f['message']}")
    if not removed and not added and a["findings"] != b["findings"]:
        lines.append("  same findings, different order")
    for field in ("summary", "evaluation_date"):
        if a[field] != b[field]:
            lines.append(f"  {field}: {a[field]} -> {b[field]}")
    return "\n".join(lines), False


def compare_dirs(before: Path, after: Path) -> tuple[str, bool]:
    """Compare every findings file present in both; a file missing on either side is reported."""
    if before.is_file() and after.is_file():
        return compare_files(before, after)
    names_a = {p.name for p in before.glob("findings-*.json")}
    names_b = {p.name for p in after.glob("findings-*.json")}
    lines, same = [f"findings: {before} (before) vs {after} (after)"], True
    for name in sorted(names_a & names_b, key=_order):
        text, ok = compare_files(before / name, after / name)
        lines.append(text)
        same &= ok
    for name in sorted(names_a ^ names_b, key=_order):
        lines.append(f"{name}: only in {'before' if name in names_a else 'after'} (not compared)")
    if not names_a & names_b:
        lines.append("nothing to compare")
        same = False
    lines.append("RESULT: identical" if same else "RESULT: DIFFERENT")
    return "\n".join(lines), same


def _order(name: str) -> tuple:
    stem = name.removeprefix("findings-").removesuffix(".json")
    return (0, int(stem), "") if stem.isdigit() else (1, 0, stem)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    text, same = compare_dirs(Path(args[0]), Path(args[1]))
    print(text)
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
