"""The delivery gate spread over machines: ``gate --shard K/N`` examines a share, ``gate merge`` judges the whole.

A shard walks the whole delivery (names and sizes only, one ``lstat`` each), examines the files
whose path relative to the delivery falls in its share (hash, match, scan: the costly part) and
writes what it learnt as a *part*, with a fingerprint of every share of the listing it walked.
``gate merge`` checks that the parts are one complete set made from the same delivery, tool
version and production (manifests and configuration), that each part's files are exactly the
share the other parts saw (the fingerprint of a part's own records must be its share's), puts
the files back in walk order and judges them exactly as an unsharded run does, so the report is
the same. The merge reads the parts only: it never walks the delivery again.

A part is one JSON document in a fixed line layout, so that both ends stream it (see
:class:`PartReader`)::

    {"format": "genai-lint gate part", "version": 3, "tool_version": ..., "shard": [K, N], ..., "files": [
    {"order": 0, "rel": ..., ...},          one record per examined file, in walk order
    {"order": 7, "rel": ..., ...}           the last without its comma
    ], "records": 2, "walked": 9, "delivery": ["<share 1's fingerprint>", ...]}

Every line is ASCII (``\\u`` escapes) and at most :data:`MAX_LINE` bytes.
"""

from __future__ import annotations

import hashlib
import heapq
import json
import os
import stat
from collections import deque
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from genai_lint import __version__
from genai_lint.config import ConfigError
from genai_lint.context import Context
from genai_lint.project import Entry
from genai_lint.gate import delivery_root_of, production
from genai_lint.gate.delivered import DeliveredFile, examine
from genai_lint.gate.verdicts import GateRun, Verdicts
from genai_lint.gate.walk import Walked, walk

if TYPE_CHECKING:
    from genai_lint.provenance import Scan

PART_FORMAT = "genai-lint gate part"
PART_VERSION = 3
"""The part layout's version: 3 is the line layout above (2 was one JSON document on one line)."""
MAX_LINE = 1 << 20
"""No line of a part is longer (a record is a few hundred bytes): merge never reads more at once."""
MAX_SHARDS = 1000
"""N of ``--shard K/N`` at most: merge keeps every part open, and the trailer lists every share's fingerprint."""
HEADER_END = b', "files": [\n'
RECORD_KEYS = frozenset({"order", "rel", "walked", "shown", "size", "sha256", "problem", "frame", "accepted",
                         "assets", "scan"})
NOT_A_PART = "not a genai-lint gate part (write one with `gate DELIVERY --shard K/N --part FILE`)"


def parse_shard(text: str) -> tuple[int, int]:
    """``"2/8"`` as (2, 8); raises :class:`ConfigError` unless 1 <= K <= N <= :data:`MAX_SHARDS`."""
    try:
        k, n = (int(part) for part in text.split("/"))
    except ValueError:
        raise ConfigError(f"--shard {text!r}: write it as K/N, e.g. 2/8") from None
    if not 1 <= k <= n:
        raise ConfigError(f"--shard {text!r}: K must be from 1 to N")
    if n > MAX_SHARDS:
        raise ConfigError(f"--shard {text!r}: at most {MAX_SHARDS} shards")
    return k, n


def shard_of(relative: str, count: int) -> int:
    """The share (1 to ``count``) of the file at ``relative`` (to the delivery folder): by a hash of the path,
    the same on every machine."""
    digest = hashlib.sha256(os.fsencode(relative)).digest()
    return int.from_bytes(digest[:8], "big") % count + 1


class Shard:
    """The share ``shard`` (K, N) of ``delivery``, for the production at ``project_dir``: its part, streamed."""

    def __init__(self, delivery: Path, project_dir: str | None, overrides: dict[str, Any], config: Path | None,
                 shard: tuple[int, int]):
        self.delivery, self.shard = delivery, shard
        self.ctx = production(project_dir, overrides, config)
        self.delivery_root = delivery_root_of(delivery)
        self.records = 0

    def lines(self) -> Iterator[str]:
        """The part, line by line, each file examined as the walk reaches it (:attr:`records` counts them)."""
        (k, n), ctx, root = self.shard, self.ctx, self.delivery_root
        header = {"format": PART_FORMAT, "version": PART_VERSION, "tool_version": __version__, "shard": [k, n],
                  "production": _production(ctx), "delivery_label": str(self.delivery), "delivery_root": str(root)}
        yield _limited(json.dumps(header)[:-1] + HEADER_END.decode())
        listing = Listing(n)
        waiting: deque[tuple[int, Walked]] = deque()

        def mine() -> Iterator[Walked]:
            for order, entry in enumerate(walk(self.delivery.absolute())):
                if listing.add(order, entry) == k:
                    waiting.append((order, entry))
                    yield entry

        previous = None
        for item in examine(self.delivery.absolute(), root, ctx, walked=mine()):  # one file per entry, in order
            record = json.dumps(_record(item, *waiting.popleft()))
            if previous is not None:
                yield previous + ",\n"
            previous = _limited(record, item.shown)
            self.records += 1
        if previous is not None:
            yield previous + "\n"
        yield "], " + json.dumps({"records": self.records, "walked": listing.walked, "delivery": listing.shares()})[1:] + "\n"


def _limited(line: str, shown: str | None = None) -> str:
    """``line`` (without its comma and newline), refused when the part could not hold it (:data:`MAX_LINE`)."""
    if len(line) + 2 > MAX_LINE:
        what = f"the record of {shown}" if shown is not None else "the part's header"
        raise ConfigError(f"{what} would be over {MAX_LINE // 2**20} MiB in the part: gate this delivery unsharded")
    return line


def merge(paths: list[Path], project_dir: str | None, overrides: dict[str, Any], config: Path | None) -> GateRun:
    """One report from a complete set of parts, judged as an unsharded run judges, the parts' records streamed
    in walk order (one record of each part in memory at a time)."""
    _allow_open_files(len(paths))
    parts: list[PartReader] = []
    try:
        for path in paths:
            parts.append(PartReader(path))
        first = parts[0]
        for part in parts[1:]:
            for key, what in (("tool_version", "another genai-lint version"), ("delivery", "another delivery"),
                              ("walked", "another delivery"), ("production", "another production or configuration")):
                if part.field(key) != first.field(key):
                    raise ConfigError(f"{part.path}: a part of {what} than {first.path}; make every part in one run")
        shards = sorted(part.share for part in parts)
        total = first.total
        if any(part.total != total for part in parts) or shards != list(range(1, total + 1)):
            raise ConfigError(f"the parts are shards {', '.join(f'{k}/{total}' for k in shards)}: merge needs each of "
                              f"1/{total} to {total}/{total} once")
        if first.field("tool_version") != __version__:
            raise ConfigError(f"{first.path}: made by genai-lint {first.field('tool_version')}, this is {__version__}")
        ctx = production(project_dir, overrides, config)
        if _production(ctx) != first.field("production"):
            raise ConfigError(f"{first.path}: made for other manifests or another configuration than "
                              f"{ctx.project.root}'s; make the parts again")
        delivery_root = Path(first.field("delivery_root"))
        by_place = {(asset.manifest.rel, asset.index): asset for asset in ctx.project.assets}
        verdicts = Verdicts(ctx)
        expected, astray = 0, None
        for order, record, part in heapq.merge(*(part.records() for part in parts), key=lambda item: item[0]):
            if order != expected and astray is None:  # said once every part's own share is checked (at the end)
                astray = f"{part.path}: file {order} of the walk comes where file {expected} should"
            expected = order + 1
            try:
                verdicts.add(_item(record, by_place, delivery_root))
            except (KeyError, IndexError, TypeError, ValueError, AttributeError):
                raise ConfigError(f"{part.path}: file {order} does not read back: the part is damaged; "
                                  f"make the parts again") from None
        if astray is not None or expected != first.field("walked"):
            raise ConfigError(f"{astray or f'the parts end at file {expected}'} of the {first.field('walked')} "
                              f"walked: the parts do not hold one walk of the delivery; make the parts again")
        return verdicts.run(first.field("delivery_label"), delivery_root)
    finally:
        for part in parts:
            part.close()


class PartReader:
    """One part opened for merging, strictly: its header (first line) and trailer (last line) read and checked
    when opened, its records streamed by :meth:`records` line by line, each checked as it comes (layout, walk
    order, share), the share's fingerprint and count checked against the trailer at the end. A line longer
    than :data:`MAX_LINE` is refused unread; any departure is a :class:`ConfigError` naming the line."""

    def __init__(self, path: Path):
        self.path = path
        try:
            if not stat.S_ISREG(os.stat(path).st_mode):  # a FIFO would block, a device never end
                raise ConfigError(f"{path}: not a regular file: {NOT_A_PART}")
            self.stream = open(path, "rb")
        except OSError as exc:
            raise ConfigError(f"{path}: cannot be read ({exc.strerror})") from None
        self.line_number = 1
        try:
            self.header = self._header(self.stream.readline(MAX_LINE + 1))
            self.trailer_line = self._trailer_line()
            self.trailer = self._trailer(self.trailer_line)
        except BaseException:
            self.stream.close()
            raise
        self.share, self.total = self.header["shard"]

    def field(self, key: str) -> Any:
        """A field of the header or the trailer."""
        return self.header[key] if key in self.header else self.trailer[key]

    def close(self) -> None:
        self.stream.close()

    def records(self) -> Iterator[tuple[int, dict, PartReader]]:
        """(order, record, this part) for each record, in walk order; raises :class:`ConfigError` at the first
        line that is not what genai-lint writes, and at the end when the records are not the part's share."""
        digest, last, count, comma = hashlib.sha256(), -1, 0, True
        while not (line := self._line()).startswith(b"]"):
            if not comma:
                raise self._damaged("a record after the last one (the line before has no comma)")
            comma = line.endswith(b"},\n")
            if not comma and not line.endswith(b"}\n"):
                raise self._damaged("a record line is one JSON object, followed by a comma but on the last")
            record = self._record(line[:-2] if comma else line[:-1])
            order, rel, (size, problem) = record["order"], record["rel"], record["walked"]
            if order <= last:
                raise self._damaged(f"file {order} of the walk comes after file {last}: the records are out of order")
            if shard_of(rel, self.total) != self.share:
                raise self._not_the_share()
            digest.update(_fingerprint(order, rel, size, problem))
            last, count = order, count + 1
            yield order, record, self
        if count and comma:
            raise self._damaged("the last record has a comma")
        if line != self.trailer_line or self.stream.read(1):
            raise self._damaged("the trailer is not the part's last line")
        if count != self.trailer["records"] or digest.hexdigest() != self.trailer["delivery"][self.share - 1]:
            raise self._not_the_share()

    def _line(self) -> bytes:
        line = self.stream.readline(MAX_LINE + 1)
        self.line_number += 1
        if len(line) > MAX_LINE:
            raise self._damaged(f"longer than {MAX_LINE // 2**20} MiB (not read further)")
        if not line.endswith(b"\n"):
            raise self._damaged("the part ends here, before its trailer: it was cut short")
        return line

    def _damaged(self, why: str) -> ConfigError:
        return ConfigError(f"{self.path}: line {self.line_number}: {why}; the part is damaged or not one genai-lint "
                           f"wrote: make the parts again")

    def _not_the_share(self) -> ConfigError:
        return ConfigError(f"{self.path}: its files are not the share {self.share}/{self.total} of the delivery "
                           f"the parts walked; make the parts again")

    def _header(self, line: bytes) -> dict:
        if line.startswith(b'{"format": "genai-lint gate part 2"'):
            raise ConfigError(f"{self.path}: a part in the layout of an earlier genai-lint (one JSON line); "
                              f"make the parts again with this one")
        try:
            header = json.loads(line[:-1] + b"]}") if line.endswith(HEADER_END) else None
        except ValueError:
            header = None
        if not isinstance(header, dict) or header.get("format") != PART_FORMAT:
            raise ConfigError(f"{self.path}: {NOT_A_PART}")
        if header.get("version") != PART_VERSION:
            raise ConfigError(f"{self.path}: a part of layout version {header.get('version')!r}, this genai-lint "
                              f"reads version {PART_VERSION}; make the parts again with this one")
        shard = header.get("shard")
        if (set(header) != {"format", "version", "tool_version", "shard", "production", "delivery_label",
                            "delivery_root", "files"} or header["files"] != []
                or not all(isinstance(header[key], str) for key in ("tool_version", "production", "delivery_label",
                                                                    "delivery_root"))
                or not (isinstance(shard, list) and len(shard) == 2 and all(type(n) is int for n in shard)
                        and 1 <= shard[0] <= shard[1] <= MAX_SHARDS)):
            raise self._damaged("not the header of a part")
        return header

    def _trailer_line(self) -> bytes:
        """The last line, read from the end (the records are streamed later, from the second line)."""
        start = self.stream.tell()
        size = os.fstat(self.stream.fileno()).st_size
        self.stream.seek(max(start, size - MAX_LINE))
        tail = self.stream.read(MAX_LINE)
        self.stream.seek(start)
        begins = tail.rfind(b"\n", 0, len(tail) - 1) + 1
        if not tail.endswith(b"\n") or (begins == 0 and size - start > MAX_LINE):
            number = "last line" if tail.endswith(b"\n") else "end"
            raise ConfigError(f"{self.path}: its {number} is not a part's trailer (cut short, or a line over "
                              f"{MAX_LINE // 2**20} MiB); make the parts again")
        return tail[begins:]

    def _trailer(self, line: bytes) -> dict:
        try:
            trailer = json.loads(b'{"files": [' + line) if line.startswith(b"]") else None
        except ValueError:
            trailer = None
        delivery = trailer.get("delivery") if isinstance(trailer, dict) else None
        if (not isinstance(trailer, dict) or set(trailer) != {"files", "records", "walked", "delivery"}
                or trailer["files"] != [] or type(trailer["records"]) is not int or type(trailer["walked"]) is not int
                or not isinstance(delivery, list) or len(delivery) != self.header["shard"][1]
                or not all(isinstance(share, str) for share in delivery)):
            raise ConfigError(f"{self.path}: its last line is not a part's trailer (cut short?); make the parts again")
        return trailer

    def _record(self, text: bytes) -> dict:
        try:
            record = json.loads(text)
        except ValueError:
            raise self._damaged("not a JSON record") from None
        if not isinstance(record, dict) or set(record) != RECORD_KEYS:
            raise self._damaged("not a file's record")
        walked = record["walked"]
        if (type(record["order"]) is not int or not isinstance(record["rel"], str) or not isinstance(walked, list)
                or len(walked) != 2 or not (type(walked[0]) is int or walked[0] is None)
                or not (isinstance(walked[1], str) or walked[1] is None) or (walked[0] is None) == (walked[1] is None)):
            raise self._damaged("not a file's record")
        return record


def _allow_open_files(parts: int) -> None:
    """Raise this process's soft limit of open files (macOS starts at 256) to what ``parts`` open parts need."""
    try:
        import resource
    except ImportError:  # Windows: no such limit to raise
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = parts + 64
    if soft != resource.RLIM_INFINITY and soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted if hard == resource.RLIM_INFINITY else min(wanted, hard), hard))


class Listing:
    """A fingerprint of each share of the delivery as walked: every file's walk order, path and size, every
    problem's order, path and text, by share, in walk order. Paths are fingerprinted as their bytes, each field
    ended by a NUL (which no name holds), so two different listings never write the same bytes."""

    def __init__(self, count: int):
        self.digests = [hashlib.sha256() for _ in range(count)]
        self.walked = 0

    def add(self, order: int, entry: Walked) -> int:
        """Fingerprint ``entry``, walked ``order``-th, into its share; the share's number (1 to N)."""
        share = shard_of(entry.rel, len(self.digests))
        self.digests[share - 1].update(_fingerprint(order, entry.rel, entry.info.st_size if entry.info else None,
                                                    entry.problem))
        self.walked += 1
        return share

    def shares(self) -> list[str]:
        """Every share's fingerprint, share 1 first."""
        return [digest.hexdigest() for digest in self.digests]


def _fingerprint(order: int, rel: str, size: int | None, problem: str | None) -> bytes:
    if problem is not None:
        return b"problem\0%d\0" % order + os.fsencode(rel) + b"\0" + problem.encode("utf-8", "replace") + b"\0"
    return b"file\0%d\0" % order + os.fsencode(rel) + b"\0%d\0" % size


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
            "scan": _scan_fields(item.scan) if item.scan is not None else None}


def _scan_fields(scan: Scan) -> dict:
    """What the report needs of a scan (not the work it cost, which a remembered scan does not know)."""
    return {"format": scan.format, "reader": scan.reader, "markers": [asdict(marker) for marker in scan.markers],
            "problem": scan.problem}


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
