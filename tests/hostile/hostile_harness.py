"""Run the real CLI in a subprocess on hostile input, and check every output it makes.

Each run is logged (:data:`LOG`, one file per session) so that the last test of the corpus
can grep the whole capture for ``Traceback``; each run also asserts it on the spot.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
VENDOR = REPO / "tests" / "data" / "vendor-schemas"
CORPUS = Path(__file__).resolve().parent / "corpus"
LOG = REPO / ".pytest_cache" / f"hostile-output-{os.getpid()}.log"
"""Every captured stdout and stderr of this test session, kept after the run for ``grep Traceback``.

One file per pytest process, so that sessions running at the same time do not mix their logs;
the logs of sessions that have ended are removed when the next one starts."""


def _ended(log: Path) -> bool:
    pid = log.stem.rsplit("-", 1)[-1]
    if not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False


LOG.parent.mkdir(exist_ok=True)
for _old in LOG.parent.glob("hostile-output-*.log"):
    if _ended(_old):
        _old.unlink(missing_ok=True)
LOG.write_text("", encoding="utf-8")
_LOG_LOCK = threading.Lock()

FORMATS = ("text", "concise", "json", "sarif", "github", "junit", "gitlab")
DATE = "2026-06-01"
HEADLINE = re.compile(r"^(?P<path>.+):(?P<line>\d+):(?P<col>\d+): (?P<code>[A-Z]\d{3}) \[(?:error|warning|info)\] ")
ANNOTATION = re.compile(r"^::(?:error|warning|notice) file=[^,:]*,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,"
                        r"title=[^,:]*::.*$")


def environment() -> dict[str, str]:
    """The user's environment minus what would change the output: CI detection, colour, forced encodings."""
    env = {key: value for key, value in os.environ.items()
           if key not in ("GITHUB_ACTIONS", "PYTHONIOENCODING", "PYTHONUTF8", "FORCE_COLOR")}
    env.update(NO_COLOR="1", LC_ALL="C.UTF-8", LANG="C.UTF-8", PYTHONDONTWRITEBYTECODE="1")
    return env


@dataclass
class Run:
    args: tuple[str, ...]
    code: int
    out: str
    err: str
    files: dict[str, str] = field(default_factory=dict)

    def one_line_error(self, *needles: str) -> str:
        """Assert exit 2 with one ``genai-lint: error:`` line on stderr holding every needle."""
        assert self.code == 2, (self.code, self.out[-2000:], self.err[-2000:])
        lines = [line for line in self.err.split("\n") if line]
        errors = [line for line in lines if line.startswith("genai-lint: error: ")]
        assert errors, self.err
        assert all(line.startswith(("genai-lint: error: ", "warning: ")) for line in lines), self.err
        for needle in needles:
            assert any(needle in line for line in errors), (needle, self.err)
        return errors[0]


def cli(*args: str, cwd: Path, stdin: bytes | None = None, timeout: float = 300) -> Run:
    """``python -m genai_lint ARGS`` in ``cwd``; output must be UTF-8 and free of tracebacks.

    The timeout only turns a hang into a failure; no test asserts how fast anything is.
    """
    process = subprocess.run([sys.executable, "-m", "genai_lint", *args], cwd=cwd, capture_output=True,
                             input=stdin if stdin is not None else b"", timeout=timeout, env=environment())
    out, err = process.stdout.decode("utf-8"), process.stderr.decode("utf-8")
    record(args, out, err)
    assert "Traceback" not in out and "Traceback" not in err, err[-3000:]
    assert process.returncode in (0, 1, 2), (process.returncode, err[-2000:])
    return Run(tuple(args), process.returncode, out, err)


def cli_all(*commands: tuple[str, ...], cwd: Path) -> list[Run]:
    """Several independent :func:`cli` runs at once (they only read, or refuse to write)."""
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 1)) as pool:
        return list(pool.map(lambda args: cli(*args, cwd=cwd), commands))


def record(args: tuple[str, ...] | list[str], *outputs: str) -> None:
    text = f"$ genai-lint {' '.join(map(repr, args))}\n" + "".join(
        output if output.endswith("\n") or not output else output + "\n" for output in outputs)
    with _LOG_LOCK, open(LOG, "a", encoding="utf-8", errors="backslashreplace") as log:
        log.write(text)


def check_all_formats(root: Path, *paths: str, extra: tuple[str, ...] = ()) -> Run:
    """``check`` once, text on stdout and the six other formats through ``--output``; all validated.

    Returns the run with ``files`` holding each format's output; ``json`` is parsed by the caller.
    """
    out_dir = Path(tempfile.mkdtemp(prefix="formats-", dir=root.parent))
    outputs = [f"--output={name}:{out_dir / name}" for name in FORMATS if name != "text"]
    run = cli("check", *paths, "--format", "text", "--date", DATE, *outputs, *extra, cwd=root)
    if run.code == 2:
        return run
    run.files = {name: (out_dir / name).read_text(encoding="utf-8") for name in FORMATS if name != "text"}
    run.files["text"] = run.out
    record(("outputs of", *run.args), *run.files.values())
    validate_outputs(run.files)
    return run


def validate_outputs(files: dict[str, str]) -> None:
    """Every format present in ``files`` is well-formed, and agrees with the JSON findings."""
    findings = json.loads(files["json"])["findings"] if "json" in files else None
    if findings is not None:
        for finding in findings:
            assert finding["line"] >= 1 and finding["column"] >= 1, finding
            assert (finding["end_line"], finding["end_column"]) >= (finding["line"], finding["column"]), finding
    if "sarif" in files:
        sarif_validator().validate(json.loads(files["sarif"]))
    if "junit" in files:
        junit_schema().validate(files["junit"])
    if "gitlab" in files:
        issues = json.loads(files["gitlab"])
        assert isinstance(issues, list)
        for issue in issues:
            assert issue["location"]["path"] and issue["location"]["lines"]["begin"] >= 1
    if "github" in files:
        for line in files["github"].splitlines():
            if line.startswith("::") and not line.startswith(("::group::", "::endgroup::")):
                assert ANNOTATION.match(line), line
    for name in ("text", "concise"):
        if name in files:
            text = files[name]
            assert all(char.isprintable() or char == "\n" for char in text), f"{name}: unescaped control character"
            if findings is not None:
                heads = [line for line in text.splitlines() if HEADLINE.match(line)]
                assert len(heads) == len(findings), (name, heads, findings)


@lru_cache(maxsize=1)
def sarif_validator():
    import jsonschema

    schema = json.loads((VENDOR / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    return jsonschema.Draft4Validator(schema)


@lru_cache(maxsize=1)
def junit_schema():
    import xmlschema

    return xmlschema.XMLSchema(str(VENDOR / "JUnit.xsd"))


def findings_of(run: Run) -> list[dict]:
    return json.loads(run.files["json"])["findings"]


def has(findings: list[dict], code: str, line: int | None = None, column: int | None = None,
        text: str = "") -> dict:
    """The finding with ``code`` at ``line``:``column`` whose message holds ``text``; fails with the list."""
    for finding in findings:
        if (finding["code"] == code and (line is None or finding["line"] == line)
                and (column is None or finding["column"] == column) and text in finding["message"]):
            return finding
    raise AssertionError(f"no {code} at {line}:{column} with {text!r} in {json.dumps(findings, indent=1)[:4000]}")


def project(root: Path, files: dict[str, str | bytes], config: str = "fail-on: error\n") -> Path:
    """A project root (``.genai-lint.yaml``) holding ``files``; text is written byte for byte (no newline mapping)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / ".genai-lint.yaml").write_bytes(config.encode())
    for name, content in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return root


def child_peak_rss_kib(*args: str, cwd: Path) -> tuple[Run, int]:
    """Run the CLI under a small parent that reports the peak RSS of that one child (KiB on Linux)."""
    probe = (
        "import resource, subprocess, sys\n"
        "p = subprocess.run(sys.argv[1:], capture_output=True)\n"
        "sys.stdout.buffer.write(p.stdout); sys.stderr.buffer.write(p.stderr)\n"
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "sys.stderr.write('\\n@@rss %d %d\\n' % (peak, p.returncode))\n"
    )
    process = subprocess.run([sys.executable, "-c", probe, sys.executable, "-m", "genai_lint", *args], cwd=cwd,
                             capture_output=True, timeout=600, env=environment())
    err = process.stderr.decode("utf-8")
    err, _, tail = err.rpartition("\n@@rss ")
    rss, code = (int(part) for part in tail.split())
    out = process.stdout.decode("utf-8")
    record(args, out, err)
    assert "Traceback" not in out + err
    return Run(tuple(args), code, out, err), rss
