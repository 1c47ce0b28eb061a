"""The delivery gate spread over machines: ``gate --shard K/N`` examines a share, ``gate merge`` judges the whole.

A shard walks the whole delivery (names and sizes only), examines the files whose path relative
to the delivery falls in its share (hash, match, scan: the costly part) and writes what it learnt
as a *part*. ``gate merge`` checks that the parts are one complete set made from the same
delivery, tool version and production (manifests and configuration), puts the files back in walk
order and judges them exactly as an unsharded run does, so the report is the same.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict
from pathlib import Path
from typing import Any

from genai_lint import __version__
from genai_lint.config import ConfigError
from genai_lint.context import Context
from genai_lint.project import Entry
from genai_lint.gate import DeliveredFile, GateRun, delivery_root_of, examine, judge, production, walk

PART_FORMAT = "genai-lint gate part 1"
MAX_PART_BYTES = 2 * 1024**3


def parse_shard(text: str) -> tuple[int, int]:
    """``"2/8"`` as (2, 8); raises :class:`ConfigError` unless 1 <= K <= N."""
    try:
        k, n = (int(part) for part in text.split("/"))
    except ValueError:
        raise ConfigError(f"--shard {text!r}: write it as K/N, e.g. 2/8") from None
    if not 1 <= k <= n:
        raise ConfigError(f"--shard {text!r}: K must be from 1 to N")
    return k, n


def in_shard(relative: str, shard: tuple[int, int]) -> bool:
    """Whether the file at ``relative`` (to the delivery folder) is in ``shard``: by a hash of the path, the same
    on every machine and for every N."""
    k, n = shard
    digest = hashlib.sha256(os.fsencode(relative)).digest()
    return int.from_bytes(digest[:8], "big") % n == k - 1


def run_shard(delivery: Path, project_dir: str | None, overrides: dict[str, Any], config: Path | None,
              shard: tuple[int, int]) -> dict:
    """Examine the share ``shard`` of ``delivery``; the part to write."""
    ctx = production(project_dir, overrides, config)
    delivery_root = delivery_root_of(delivery)
    folder = delivery.absolute()
    files, problems = walk(folder)
    order = {path: number for number, path in enumerate([path for path, _ in problems] + files)}
    mine = [path for path in files if in_shard(_relative(path, folder), shard)]
    troubles = [(path, problem) for path, problem in problems if in_shard(_relative(path, folder), shard)]
    delivered = examine(folder, delivery_root, ctx, files_and_problems=(mine, troubles))
    return {"format": PART_FORMAT, "tool_version": __version__, "shard": list(shard),
            "delivery": _listing(folder, files, problems), "production": _production(ctx),
            "delivery_label": str(delivery), "delivery_root": str(delivery_root),
            "files": [_record(item, order[item.path]) for item in delivered]}


def merge(parts: list[Path], project_dir: str | None, overrides: dict[str, Any], config: Path | None) -> GateRun:
    """One report from a complete set of parts, judged as an unsharded run judges."""
    loaded = [_read_part(path) for path in parts]
    first = loaded[0][1]
    for key in ("tool_version", "delivery", "production", "shard", "files", "delivery_root", "delivery_label"):
        if any(key not in part for _, part in loaded):
            raise ConfigError(f"a part has no '{key}': it is damaged; make the parts again")
    for path, part in loaded[1:]:
        for key, what in (("tool_version", "another genai-lint version"), ("delivery", "another delivery"),
                          ("production", "another production or configuration")):
            if part[key] != first[key]:
                raise ConfigError(f"{path}: a part of {what} than {loaded[0][0]}; make every part in one run")
    shards = sorted(part["shard"][0] for _, part in loaded)
    total = first["shard"][1]
    if any(part["shard"][1] != total for _, part in loaded) or shards != list(range(1, total + 1)):
        raise ConfigError(f"the parts are shards {', '.join(f'{k}/{total}' for k in shards)}: merge needs each of "
                          f"1/{total} to {total}/{total} once")
    if first["tool_version"] != __version__:
        raise ConfigError(f"{loaded[0][0]}: made by genai-lint {first['tool_version']}, this is {__version__}")
    ctx = production(project_dir, overrides, config)
    if _production(ctx) != first["production"]:
        raise ConfigError(f"{loaded[0][0]}: made for other manifests or another configuration than "
                          f"{ctx.project.root}'s; make the parts again")
    delivery_root = Path(first["delivery_root"])
    by_place = {(asset.manifest.rel, asset.index): asset for asset in ctx.project.assets}
    try:
        records = sorted((record for _, part in loaded for record in part["files"]), key=lambda record: record["order"])
        delivered = [_item(record, by_place, delivery_root) for record in records]
    except (KeyError, TypeError, ValueError, AttributeError):
        raise ConfigError("a part is damaged (its files do not read back); make the parts again") from None
    return judge(delivered, ctx, first["delivery_label"], delivery_root)


def _relative(path: Path, folder: Path) -> str:
    return path.relative_to(folder).as_posix()


def _listing(folder: Path, files: list[Path], problems: list[tuple[Path, str]]) -> str:
    """A fingerprint of the delivery as walked: every file's path and size, every problem's path."""
    digest = hashlib.sha256()
    for path in files:
        try:
            size = os.lstat(path).st_size
        except OSError:
            size = -1
        digest.update(os.fsencode(_relative(path, folder)) + b"\0%d\n" % size)
    for path, problem in problems:
        digest.update(os.fsencode(_relative(path, folder)) + b"\0" + problem.encode("utf-8", "replace") + b"\n")
    return digest.hexdigest()


def _production(ctx: Context) -> str:
    """A fingerprint of what matching and judging read: the configuration file and every manifest's bytes."""
    digest = hashlib.sha256()
    config = ctx.settings.config_file
    digest.update(b"config\0" + (config.read_bytes() if config is not None and config.is_file() else b"") + b"\n")
    for manifest in sorted(ctx.project.manifests, key=lambda manifest: manifest.rel):
        try:
            content = hashlib.sha256(manifest.path.read_bytes()).hexdigest()
        except OSError as exc:
            content = f"unreadable {exc.errno}"
        digest.update(f"{manifest.rel}\0{content}\n".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def _record(item: DeliveredFile, order: int) -> dict:
    return {"order": order, "shown": item.shown, "size": item.size, "sha256": item.sha256, "problem": item.problem,
            "frame": item.frame, "accepted": list(item.accepted) if item.accepted else None,
            "assets": [[asset.manifest.rel, asset.index] for asset in item.assets],
            "scan": asdict(item.scan) if item.scan is not None else None}


def _item(record: dict, by_place: dict[tuple[str, int], Entry], delivery_root: Path) -> DeliveredFile:
    from genai_lint.provenance import Marker, Scan

    scan = None
    if record["scan"] is not None:
        fields = dict(record["scan"])
        fields["markers"] = tuple(Marker(**marker) for marker in fields["markers"])
        scan = Scan(**fields)
    return DeliveredFile(delivery_root / record["shown"], record["shown"], sha256=record["sha256"],
                         problem=record["problem"], assets=[by_place[tuple(place)] for place in record["assets"]],
                         markers=list(scan.markers) if scan is not None else [], scan=scan, frame=record["frame"],
                         size=record["size"], accepted=tuple(record["accepted"]) if record["accepted"] else None)


def _read_part(path: Path) -> tuple[Path, dict]:
    try:
        with open(path, "rb") as stream:
            raw = stream.read(MAX_PART_BYTES + 1)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror})") from None
    try:
        part = json.loads(raw) if len(raw) <= MAX_PART_BYTES else None
    except ValueError:
        part = None
    if not isinstance(part, dict) or part.get("format") != PART_FORMAT:
        raise ConfigError(f"{path}: not a genai-lint gate part (write one with `gate DELIVERY --shard K/N --part FILE`)")
    return path, part
