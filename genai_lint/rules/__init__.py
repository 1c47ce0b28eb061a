"""The rule registry: one small function per rule, with its code, name, severity and doc beside it.

A rule function is registered with :func:`rule` and has one of three scopes:

* ``manifest``: ``check(manifest, ctx)``, once per manifest that was asked for;
* ``asset``: ``check(asset, ctx)``, once per asset of those manifests;
* ``project``: ``check(ctx)``, once per production (cross-file rules);
* ``waiver``: ``check(asset, index, waiver, matched, ctx)``, once per waiver, after the others.

Each yields :class:`~genai_lint.findings.Finding` objects made with :meth:`Context.finding`.
The docstring is the rule's documentation, in Markdown under the headings
*What it checks*, *Why*, *Example* and *Fix* (``genai-lint explain CODE`` prints it).
"""

from __future__ import annotations

import importlib
import inspect
from dataclasses import dataclass
from typing import Callable, Iterable

from genai_lint.findings import Finding, RuleInfo, Severity

FAMILIES = ("manifest", "disclosure", "rights", "data", "delivery", "talent", "approvals", "ethics", "waivers")


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    summary: str
    doc: str
    scope: str
    check: Callable[..., Iterable[Finding]]

    def info(self) -> RuleInfo:
        return RuleInfo(self.code, self.name, self.severity, self.summary, self.doc)


REGISTRY: dict[str, Rule] = {}


def rule(code: str, name: str, severity: str, summary: str, scope: str = "asset") -> Callable:
    """Register the decorated function as rule ``code``."""

    def register(function: Callable) -> Callable:
        REGISTRY[code] = Rule(code, name, Severity.parse(severity), summary, inspect.cleandoc(function.__doc__ or ""),
                              scope, function)
        return function

    return register


def all_rules() -> dict[str, Rule]:
    """Every registered rule, by code, in code order."""
    for family in FAMILIES:
        importlib.import_module(f"genai_lint.rules.{family}")
    return dict(sorted(REGISTRY.items()))


def matches(code: str, selectors: Iterable[str]) -> bool:
    """Whether ``code`` is named by any selector: a full code, a prefix such as ``G2``, or ``ALL``."""
    return any(selector == "ALL" or code.startswith(selector) for selector in selectors)
