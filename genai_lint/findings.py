"""The objects every stage hands to the next: severities, spans, findings and the report.

Formatters receive a :class:`Report` and nothing else; they know nothing of rules.
"""

from __future__ import annotations

import enum
from collections import namedtuple
from pathlib import Path


class Severity(enum.IntEnum):
    """Finding severity, ordered so that ``a >= b`` means "at least as serious"."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r} (expected error, warning or info)") from None

    def __str__(self) -> str:
        return self.name.lower()


class Span(namedtuple("Span", "line column end_line end_column")):
    """A 1-based, end-inclusive-start / end-exclusive-column region of a text file (four ints).

    The records of this package are :func:`collections.namedtuple` classes: defined at every
    start-up, they cost a fraction of a dataclass or a ``typing.NamedTuple`` (which compiles
    its annotations).
    """

    __slots__ = ()


FILE_START = Span(1, 1, 1, 1)


class Waiver(namedtuple("Waiver", "reason expires by", defaults=(None, None))):
    """A written acceptance of one finding: why (``reason``), until when (``expires``), by whom (``by``); text."""

    __slots__ = ()


class Finding(namedtuple("Finding", "code name severity message path span entry_id manifest fix waived delivered",
                         defaults=(None, None, None, None, False))):
    """One problem at one place: the rule's ``code`` and ``name``, its :class:`Severity`, the ``message``,
    ``path`` and :class:`Span`; optionally the ``entry_id``, ``manifest`` and ``fix`` (text), the
    :class:`Waiver` that ``waived`` it, and whether it is about a ``delivered`` file.

    ``path`` is the file the span points into, relative to the project root in POSIX form
    (or absolute when the file lies outside it); for a delivered file (``delivered``), relative
    to the report's :attr:`Report.delivery_root`. ``manifest`` is the manifest the entry
    belongs to, relative to the root, or ``None`` when the finding is not about a manifest entry.
    """

    __slots__ = ()

    @property
    def sort_key(self) -> tuple:
        return (self.path, self.span.line, self.span.column, self.code, self.message)


class RuleInfo(namedtuple("RuleInfo", "code name severity summary doc")):
    """What a formatter may know about a rule: identity and documentation, as data (``severity`` a
    :class:`Severity`, the others text)."""

    __slots__ = ()


class Report:
    """Everything a run found, with the context formatters need to render it.

    ``source_root`` is the folder code hosts resolve paths against (the git top level); ``root``
    when unknown. ``delivery_root`` is what delivered-file paths are relative to (``gate``): the
    delivery's git top level, else the delivery folder.
    """

    def __init__(self, root: Path, findings: list[Finding], rules: dict[str, RuleInfo], manifests: int = 0,
                 assets: int = 0, evaluation_date: str = "", fail_on: Severity = Severity.ERROR,
                 command: str = "check", notes: list[str] | None = None, source_root: Path | None = None,
                 delivery_root: Path | None = None):
        self.root = root
        self.findings = findings
        self.rules = rules
        self.manifests = manifests
        self.assets = assets
        self.evaluation_date = evaluation_date
        self.fail_on = fail_on
        self.command = command
        self.notes = [] if notes is None else notes
        self.source_root = source_root
        self.delivery_root = delivery_root

    def base(self, finding: Finding) -> Path:
        """The folder ``finding.path`` is relative to."""
        return self.delivery_root if finding.delivered and self.delivery_root is not None else self.root

    def host_path(self, finding: Finding) -> str:
        """The finding's path as code hosts resolve it: relative to the git top level, else to its own base."""
        return finding.path if finding.delivered else self.source_path(finding.path)

    def source_path(self, path: str) -> str:
        """A root-relative finding path made relative to :attr:`source_root` (absolute paths stay)."""
        if self.source_root is None or Path(path).is_absolute() or self.source_root == self.root:
            return path
        try:
            return (self.root / path).relative_to(self.source_root).as_posix()
        except ValueError:
            return path

    @property
    def active(self) -> list[Finding]:
        """Findings that count: everything not waived."""
        return [f for f in self.findings if f.waived is None]

    @property
    def waived(self) -> list[Finding]:
        return [f for f in self.findings if f.waived is not None]

    def counts(self) -> dict[Severity, int]:
        counts = {severity: 0 for severity in Severity}
        for finding in self.active:
            counts[finding.severity] += 1
        return counts

    @property
    def failed(self) -> bool:
        return any(f.severity >= self.fail_on for f in self.active)

    def summary(self) -> str:
        """One line such as ``3 errors, 1 warning in 2 manifests (41 assets)``."""
        counts = self.counts()
        parts = [
            _plural(counts[severity], str(severity))
            for severity in (Severity.ERROR, Severity.WARNING, Severity.INFO)
            if counts[severity]
        ]
        if self.waived:
            parts.append(f"{len(self.waived)} waived")
        head = ", ".join(parts) if parts else "no problems"
        return f"{head} in {_plural(self.manifests, 'manifest')} ({_plural(self.assets, 'asset')})"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"
