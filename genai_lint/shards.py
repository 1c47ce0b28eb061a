"""The delivery gate spread over machines: ``gate --shard K/N`` examines a share, ``gate merge`` judges the whole.

A shard walks the whole delivery (names and sizes only, one ``lstat`` each), examines the files
whose path relative to the delivery falls in its share (hash, match, scan: the costly part) and
writes what it learnt as a *part*, with a fingerprint of every share of the listing it walked.
``gate merge`` checks that the parts are one complete set made from the same delivery, tool
version and production (manifests and configuration), that each part's files are exactly the
share the other parts saw (the fingerprint of a part's own records must be its share's), puts
the files back in walk order and judges them exactly as an unsharded run does, so the report is
the same. The merge reads the parts only: it never walks the delivery again.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import deque
from dataclasses import asdict
from pathlib import Path
from typing import Any, Iterator

from genai_lint import __version__
from genai_lint.config import ConfigError
from genai_lint.context import Context
from genai_lint.project import Entry
from genai_lint.gate import DeliveredFile, GateRun, Verdicts, Walked, delivery_root_of, examine, production, walk

PART_FORMAT = "genai-lint gate part 2"
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


def shard_of(relative: str, count: int) -> int:
    """The share (1 to ``count``) of the file at ``relative`` (to the delivery folder): by a hash of the path,
    the same on every machine."""
    digest = hashlib.sha256(os.fsencode(relative)).digest()
    return int.from_bytes(digest[:8], "big") % count + 1


def run_shard(delivery: Path, project_dir: str | None, overrides: dict[str, Any], config: Path | None,
              shard: tuple[int, int]) -> dict:
    """Examine the share ``shard`` of ``delivery``; the part to write."""
    ctx = production(project_dir, overrides, config)
    delivery_root = delivery_root_of(delivery)
    listing = Listing(shard[1])
    waiting: deque[tuple[int, Walked]] = deque()

    def mine() -> Iterator[Walked]:
        for order, entry in enumerate(walk(delivery.absolute())):
            if listing.add(entry) == shard[0]:
                waiting.append((order, entry))
                yield entry

    files = [_record(item, *waiting.popleft())  # examine yields one file per walked entry, in order
             for item in examine(delivery.absolute(), delivery_root, ctx, walked=mine())]
    return {"format": PART_FORMAT, "tool_version": __version__, "shard": list(shard),
            "delivery": listing.shares(), "production": _production(ctx),
            "delivery_label": str(delivery), "delivery_root": str(delivery_root), "files": files}


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
        for path, part in loaded:
            if not _share_matches(part, total):
                raise ConfigError(f"{path}: its files are not the share {part['shard'][0]}/{total} of the delivery "
                                  f"the parts walked; make the parts again")
        records = sorted((record for _, part in loaded for record in part["files"]), key=lambda record: record["order"])
        verdicts = Verdicts(ctx)
        for record in records:
            verdicts.add(_item(record, by_place, delivery_root))
    except (KeyError, IndexError, TypeError, ValueError, AttributeError):
        raise ConfigError("a part is damaged (its files do not read back); make the parts again") from None
    return verdicts.run(first["delivery_label"], delivery_root)


class Listing:
    """A fingerprint of each share of the delivery as walked: every file's path and size, every problem's
    path and text, by share, in walk order. Paths are fingerprinted as their bytes, each field ended by a
    NUL (which no name holds), so two different listings never write the same bytes."""

    def __init__(self, count: int):
        self.digests = [hashlib.sha256() for _ in range(count)]

    def add(self, entry: Walked) -> int:
        """Fingerprint ``entry`` into its share; the share's number (1 to N)."""
        share = shard_of(entry.rel, len(self.digests))
        self.digests[share - 1].update(_fingerprint(entry.rel, entry.info.st_size if entry.info else None,
                                                    entry.problem))
        return share

    def shares(self) -> list[str]:
        return [digest.hexdigest() for digest in self.digests]


def _fingerprint(rel: str, size: int | None, problem: str | None) -> bytes:
    if problem is not None:
        return b"problem\0" + os.fsencode(rel) + b"\0" + problem.encode("utf-8", "replace") + b"\0"
    return b"file\0" + os.fsencode(rel) + b"\0%d\0" % size


def _share_matches(part: dict, total: int) -> bool:
    """Whether the part's records are exactly its share of the listing every part walked, in walk order."""
    share = part["shard"][0]
    digest = hashlib.sha256()
    last = -1
    for record in part["files"]:
        rel, order, (size, problem) = record["rel"], record["order"], record["walked"]
        if not isinstance(rel, str) or not isinstance(order, int) or order <= last or shard_of(rel, total) != share:
            return False
        last = order
        digest.update(_fingerprint(rel, size, problem))
    return digest.hexdigest() == part["delivery"][share - 1]


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


def _record(item: DeliveredFile, order: int, walked: Walked) -> dict:
    return {"order": order, "rel": walked.rel, "walked": [walked.info.st_size if walked.info else None, walked.problem],
            "shown": item.shown, "size": item.size, "sha256": item.sha256, "problem": item.problem,
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
    return DeliveredFile(os.path.join(delivery_root, record["shown"]), record["shown"], sha256=record["sha256"],
                         problem=record["problem"], assets=[by_place[tuple(place)] for place in record["assets"]],
                         markers=list(scan.markers) if scan is not None else [], scan=scan, frame=record["frame"],
                         size=record["size"], accepted=tuple(record["accepted"]) if record["accepted"] else None)


def _read_part(path: Path) -> tuple[Path, dict]:
    try:
        with open(path, "rb") as stream:  # read as large as the file, never a 2 GiB buffer up front
            raw = stream.read(min(os.fstat(stream.fileno()).st_size, MAX_PART_BYTES) + 1)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror})") from None
    try:
        part = json.loads(raw) if len(raw) <= MAX_PART_BYTES else None
    except ValueError:
        part = None
    if not isinstance(part, dict) or part.get("format") != PART_FORMAT:
        raise ConfigError(f"{path}: not a genai-lint gate part (write one with `gate DELIVERY --shard K/N --part FILE`)")
    return path, part
