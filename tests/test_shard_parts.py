"""Shard parts as written and as merge reads them: one JSON document in a line layout (a header line, one
record a line, a trailer line), read strictly line by line; every damaged or foreign part is a one-line
error (exit 2), and merge's memory does not grow with the delivery (counted by tracemalloc, never timed)."""

from __future__ import annotations

import json
import os
import sys
import tracemalloc
from pathlib import Path

import pytest

from conftest import run_cli
from genai_lint.gate import shards
from test_gate_scale import delivery, measure_after_loading, production, traced


def make_parts(folder: Path, project: Path, count: int = 2) -> list[Path]:
    parts = [folder.parent / f"{folder.name}-part-{k}.json" for k in range(1, count + 1)]
    for k, part in enumerate(parts, 1):
        made = run_cli("gate", str(folder), "--project", str(project), "--shard", f"{k}/{count}", "--part", str(part))
        assert made.exit_code == 0, made.stderr
    return parts


def split(part: Path) -> tuple[str, list[str], str]:
    """The header line, the record lines (without their commas) and the trailer line of ``part``."""
    lines = part.read_text().splitlines()
    return lines[0], [line.removesuffix(",") for line in lines[1:-1]], lines[-1]


def write(part: Path, header: str, records: list[str], trailer: str) -> Path:
    """A part in the layout genai-lint writes (a comma after every record but the last)."""
    part.write_text("\n".join([header, *(record + "," for record in records[:-1]), *records[-1:], trailer]) + "\n")
    return part


def refused(project: Path, *parts: Path) -> str:
    """The one-line error of a merge that must fail (exit 2, no traceback)."""
    result = run_cli("gate", "merge", *map(str, parts), "--project", str(project))
    assert result.exit_code == 2 and result.output == "", (result.exit_code, result.output)
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("genai-lint: error: "), result.stderr
    return result.stderr


@pytest.fixture
def sharded(tmp_path: Path) -> tuple[Path, Path, list[Path]]:
    project = production(tmp_path / "production")
    folder = delivery(tmp_path / "delivery", 40)
    return project, folder, make_parts(folder, project)


def test_a_part_is_one_json_document_in_lines(sharded: tuple[Path, Path, list[Path]]) -> None:
    project, folder, parts = sharded
    documents = [json.loads(part.read_text()) for part in parts]  # what `jq` reads
    assert [document["shard"] for document in documents] == [[1, 2], [2, 2]]
    assert documents[0]["format"] == "genai-lint gate part" and documents[0]["version"] == 3
    assert sum(document["records"] for document in documents) == documents[0]["walked"] == 40
    for part, document in zip(parts, documents):
        header, records, trailer = split(part)
        assert header.endswith('"files": [') and trailer.startswith("], ")
        assert [json.loads(record) for record in records] == document["files"]
        assert len(document["files"]) == document["records"] and part.read_bytes().isascii()
    whole = run_cli("gate", str(folder), "--project", str(project), "--format", "json", "--no-cache")
    merged = run_cli("gate", "merge", *map(str, parts), "--project", str(project), "--format", "json")
    assert merged.exit_code == 0 and merged.output == whole.output


def test_merge_refuses_a_part_whose_files_are_not_its_share(sharded: tuple[Path, Path, list[Path]]) -> None:
    project, _, parts = sharded
    header, records, trailer = split(parts[0])
    other = json.loads(split(parts[1])[1][0])
    write(parts[0].with_name("dropped.json"), header, records[1:], trailer)  # a file left out: nobody would judge it
    # another share's file, in its place in walk order: judged twice
    moved = sorted([*records, json.dumps(other)], key=lambda record: json.loads(record)["order"])
    write(parts[0].with_name("moved.json"), header, moved, trailer)
    for name in ("dropped", "moved"):
        assert "not the share 1/2" in refused(project, parts[0].with_name(f"{name}.json"), parts[1]), name


def test_merge_refuses_a_part_whose_trailer_fingerprint_is_another(sharded: tuple[Path, Path, list[Path]]) -> None:
    project, _, parts = sharded
    header, records, trailer = split(parts[0])
    document = json.loads(trailer.replace("], ", '{"files": [], ', 1))
    document["delivery"][0] = "0" * 64
    forged = write(parts[0].with_name("forged.json"), header, records, "], " + json.dumps(document)[1:])
    assert "another delivery" in refused(project, forged, parts[1])  # the parts disagree on the listing
    document["delivery"] = json.loads(split(parts[1])[2].replace("], ", '{"files": [], ', 1))["delivery"]
    document["delivery"][0] = "0" * 64
    both = write(parts[1].with_name("forged-2.json"), *split(parts[1])[:2], "], " + json.dumps(document)[1:])
    assert "not the share 1/2" in refused(project, forged, both)  # they agree, but part 1's files are not its share


def test_merge_refuses_records_out_of_order(sharded: tuple[Path, Path, list[Path]]) -> None:
    project, _, parts = sharded
    header, records, trailer = split(parts[0])
    swapped = write(parts[0].with_name("swapped.json"), header, [records[1], records[0], *records[2:]], trailer)
    assert "line 3: file" in (message := refused(project, swapped, parts[1])) and "out of order" in message
    record = json.loads(records[-1])
    record["order"] += 1  # still in order, but not the walk order fingerprinted
    renumbered = write(parts[0].with_name("renumbered.json"), header, [*records[:-1], json.dumps(record)], trailer)
    assert "not the share 1/2" in refused(project, renumbered, parts[1])


def test_merge_refuses_a_truncated_part(sharded: tuple[Path, Path, list[Path]]) -> None:
    project, _, parts = sharded
    data = parts[0].read_bytes()
    lines = data.splitlines(keepends=True)
    cut = parts[0].with_name("cut.json")
    for kept, says in ((data[: len(data) // 2], "cut short"),  # in the middle of a record
                       (b"".join(lines[:-1]), "not a part's trailer"),  # at the end of a record line
                       (data[:-1], "cut short"),  # the trailer's newline
                       (lines[0], "cut short")):  # the header only
        cut.write_bytes(kept)
        assert says in refused(project, cut, parts[1]), (kept[-40:], says)


def test_merge_refuses_a_line_over_the_limit_without_reading_it(sharded: tuple[Path, Path, list[Path]]) -> None:
    project, _, parts = sharded
    header, records, trailer = split(parts[0])
    record = json.loads(records[0])
    record["problem"] = "x" * shards.MAX_LINE
    long_record = write(parts[0].with_name("long.json"), header, [json.dumps(record), *records[1:]], trailer)
    tracemalloc.start()
    try:
        message = refused(project, long_record, parts[1])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "line 2: longer than 1 MiB" in message
    assert peak < 3 * shards.MAX_LINE, peak  # the line is read up to the limit, never whole
    long_trailer = write(parts[0].with_name("long-trailer.json"), header, records, trailer + " " * shards.MAX_LINE)
    assert "not a part's trailer" in refused(project, long_trailer, parts[1])
    huge_header = parts[0].with_name("long-header.json")
    huge_header.write_text(header[:-1] + " " * shards.MAX_LINE + "[\n" + "\n".join(records) + "\n" + trailer + "\n")
    assert "not a genai-lint gate part" in refused(project, huge_header, parts[1])


def test_merge_refuses_bad_record_lines(sharded: tuple[Path, Path, list[Path]]) -> None:
    project, _, parts = sharded
    header, records, trailer = split(parts[0])
    bad = parts[0].with_name("bad.json")
    record = json.loads(records[0])
    for lines, says in (([records[0] + " 1", *records[1:]], "line 2: a record line is one JSON object"),
                        (["{" + records[0][1:-1] + "]}", *records[1:]], "line 2: not a JSON record"),
                        ([json.dumps([record]) + "}", *records[1:]], "line 2: not a JSON record"),
                        ([json.dumps(dict(record, extra=1)), *records[1:]], "line 2: not a file's record"),
                        ([json.dumps(dict(record, order="0")), *records[1:]], "line 2: not a file's record"),
                        ([json.dumps(dict(record, walked=[None, None])), *records[1:]], "line 2: not a file's record"),
                        ([json.dumps(dict(record, assets=[["nowhere.yaml", 7]])), *records[1:]], "does not read back")):
        write(bad, header, lines, trailer)
        assert says in refused(project, bad, parts[1]), says
    bad.write_text("\n".join([header, *records, trailer]) + "\n")  # no commas: not JSON
    assert "line 3: a record after the last one" in refused(project, bad, parts[1])
    bad.write_text("\n".join([header, *(record + "," for record in records), trailer]) + "\n")
    assert "the last record has a comma" in refused(project, bad, parts[1])
    bad.write_text("\n".join([header, *(record + "," for record in records[:-1]), records[-1], trailer, trailer]) + "\n")
    assert "trailer is not the part's last line" in refused(project, bad, parts[1])


def test_merge_refuses_foreign_headers(sharded: tuple[Path, Path, list[Path]]) -> None:
    project, _, parts = sharded
    header, records, trailer = split(parts[0])
    other = parts[0].with_name("other.json")
    document = json.loads(parts[0].read_text())
    other.write_text(json.dumps(dict(document, format="genai-lint gate part 2")))  # the one-line layout before
    assert "layout of an earlier genai-lint" in refused(project, other, parts[1])
    for change, says in ((('"version": 3', '"version": 4'), "layout version 4"),
                         (('"shard": [1, 2]', '"shard": [1, 2, 3]'), "not the header of a part"),
                         (('"format": "genai-lint gate part"', '"format": "a gate part"'), "not a genai-lint gate part"),
                         (('"tool_version": "', '"tool_version": "0.0.1-'), "another genai-lint version")):
        write(other, header.replace(*change), records, trailer)
        assert says in refused(project, other, parts[1]), says
    with_1001 = run_cli("gate", str(project), "--shard", "1/1001", "--part", str(other))
    assert with_1001.exit_code == 2 and "at most 1000 shards" in with_1001.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_merge_refuses_a_fifo_without_blocking(sharded: tuple[Path, Path, list[Path]]) -> None:
    project, _, parts = sharded
    fifo = parts[0].with_name("fifo.json")
    os.mkfifo(fifo)
    assert "not a regular file" in refused(project, fifo, parts[1])


@pytest.mark.skipif(sys.platform == "darwin", reason="macOS file systems refuse names that are not UTF-8")
def test_a_name_that_is_not_utf8_goes_through_a_part(tmp_path: Path) -> None:
    project = production(tmp_path / "production")
    folder = delivery(tmp_path / "delivery", 5)
    (folder / os.fsdecode(b"caf\xe9.png")).write_bytes(b"not a png")
    parts = make_parts(folder, project, 3)
    whole = run_cli("gate", str(folder), "--project", str(project), "--format", "json", "--no-cache")
    merged = run_cli("gate", "merge", *map(str, parts), "--project", str(project), "--format", "json")
    assert merged.exit_code == whole.exit_code and merged.output == whole.output
    assert "caf\\\\xe9.png" in whole.output, whole.output  # the name shown escaped


def peak(*args: str) -> int:
    """Peak bytes Python allocated by one real ``genai-lint ARGS`` (CLI in-process) once the production is loaded."""
    with traced():
        result = run_cli(*args)
        measured = tracemalloc.get_traced_memory()[1]
    assert result.exit_code == 0, result.stderr
    return measured


def test_shard_and_merge_memory_does_not_grow_with_the_delivery(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    measure_after_loading(monkeypatch, shards)
    project = production(tmp_path / "production")
    peaks: dict[str, list[int]] = {"shard": [], "merge": []}
    for name, files in (("small", 2_000), ("large", 20_000)):
        folder = delivery(tmp_path / name, files)
        parts = [tmp_path / f"{name}-{k}.json" for k in (1, 2)]
        peaks["shard"].append(peak("gate", str(folder), "--project", str(project), "--shard", "1/2", "--part",
                                   str(parts[0])))
        assert run_cli("gate", str(folder), "--project", str(project), "--shard", "2/2", "--part",
                       str(parts[1])).exit_code == 0
        merge = ("gate", "merge", *map(str, parts), "--project", str(project), "--format", "json")
        peak(*merge)  # imports: paid once, before measuring
        peaks["merge"].append(peak(*merge))
    # Before the line layout a shard held its records (~2 KiB a file) and merge loaded every part whole
    # (2,000 -> 20,000 files: 2.9 -> 29 MB); streamed, ~90 KB for both.
    for command, (small, large) in peaks.items():
        assert large - small < 1 << 18 and large < 10 * small, (command, small, large)


def test_a_record_over_the_line_limit_stops_the_shard_naming_the_file(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    project = production(tmp_path / "production")
    folder = delivery(tmp_path / "delivery", 3)
    (folder / ("d" * 200)).mkdir()
    (folder / ("d" * 200) / ("f" * 200 + ".txt")).write_text("notes\n")
    monkeypatch.setattr(shards, "MAX_LINE", 700)  # a header fits, the long-named file's record does not
    part = tmp_path / "part.json"
    result = run_cli("gate", str(folder), "--project", str(project), "--shard", "1/1", "--part", str(part))
    assert result.exit_code == 2 and result.stderr.count("\n") == 1, result.stderr
    assert "f" * 200 + ".txt would be over" in result.stderr and "gate this delivery unsharded" in result.stderr
    assert not part.exists() and not list(tmp_path.glob(".part.json*"))  # nothing half written
