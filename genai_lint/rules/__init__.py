"""The rule registry: one small function per rule, with its code, name, severity and doc beside it.

A rule function is registered with :func:`rule` and has one of three scopes:

* ``manifest``: ``check(manifest, ctx)``, once per manifest that was asked for;
* ``asset``: ``check(asset, ctx)``, once per asset of those manifests;
* ``project``: ``check(ctx)``, once per production (cross-file rules);
* ``waiver``: ``check(asset, index, waiver, matched, ctx)``, once per waiver, after the others.

Each yields :class:`~genai_lint.findings.Finding` objects made with :meth:`Context.finding`.
The docstring is the rule's documentation, in Markdown under the headings
*What it checks*, *Why*, *Example* and *Fix* (``genai-lint explain CODE`` prints it).

Every rule belongs to one profile (:data:`PROFILES`), named by its code's letter: a run uses
the rules of the profiles the configuration (or ``--profile``) names, plus the ``core`` rules
that keep the manifest itself sound and the studio's own rules (see :mod:`genai_lint.studio`).
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Iterable

from genai_lint.findings import RuleInfo, Severity

FAMILIES = ("manifest", "disclosure", "rights", "data", "delivery", "talent", "approvals", "ethics", "waivers",
            "union", "transparency")

PROFILES = {
    "netflix-2025": "Netflix Partner Help Center, \"Using Generative AI in Content Production\" (Aug 2025; "
                    "research notes a.1-a.8)",
    "sag-aftra-2023": "SAG-AFTRA 2023 TV/Theatrical agreement, digital replica and synthetic performer terms "
                      "(research notes b.6)",
    "eu-ai-act-art50": "EU AI Act, Regulation (EU) 2024/1689, Article 50 transparency duties, applicable from "
                       "2026-08-02 (research notes b.7)",
}
"""The rule sets a configuration may choose from, with the text each one encodes."""

DEFAULT_PROFILES = ("netflix-2025",)
ALWAYS_ON = ("core", "studio")
"""Profiles that run whatever is chosen: the manifest's own soundness, and the studio's rules."""

PROFILE_OF_LETTER = {"M": "core", "U": "sag-aftra-2023", "E": "eu-ai-act-art50", "S": "studio"}
"""A rule's profile by the letter of its code; every other letter is ``netflix-2025``."""


def profile_of(code: str) -> str:
    return PROFILE_OF_LETTER.get(code[:1], "netflix-2025")


class Rule(namedtuple("Rule", "code name severity summary doc scope check source", defaults=("",))):
    """A rule: ``code``, ``name``, :class:`Severity`, one-line ``summary``, Markdown ``doc``, ``scope``, and the
    ``check`` function that yields its findings; ``source`` is the item of the profile's text that the
    rule encodes, e.g. "NFX a.1 (NFX-03)"."""

    __slots__ = ()

    @property
    def profile(self) -> str:
        return profile_of(self.code)

    def info(self) -> RuleInfo:
        return RuleInfo(self.code, self.name, self.severity, self.summary, self.doc)


REGISTRY: dict[str, Rule] = {}


def rule(code: str, name: str, severity: str, summary: str, scope: str = "asset", source: str = "") -> Callable:
    """Register the decorated function as rule ``code``; ``source`` names the item it encodes."""

    def register(function: Callable) -> Callable:
        REGISTRY[code] = Rule(code, name, Severity.parse(severity), summary, cleandoc(function.__doc__ or ""),
                              scope, function, source)
        return function

    return register


def cleandoc(doc: str) -> str:
    """A docstring without its indentation and blank edges, as :func:`inspect.cleandoc` gives it
    (without importing :mod:`inspect` and what it pulls in, or :mod:`textwrap`'s regexes, at every start-up)."""
    lines = doc.expandtabs().split("\n")
    margin = min((len(line) - len(line.lstrip()) for line in lines[1:] if line.lstrip()), default=0)
    return "\n".join([lines[0].lstrip(), *(line[margin:] for line in lines[1:])]).strip("\n")


def all_rules() -> dict[str, Rule]:
    """Every registered rule, by code, in code order."""
    for family in FAMILIES:
        __import__(f"genai_lint.rules.{family}")  # not importlib: its package is not loaded at start-up
    return dict(sorted(REGISTRY.items()))


def in_profiles(rule: Rule, profiles: Iterable[str]) -> bool:
    """Whether ``rule`` runs when ``profiles`` are chosen."""
    return rule.profile in ALWAYS_ON or rule.profile in profiles


def matches(code: str, selectors: Iterable[str]) -> bool:
    """Whether ``code`` is named by any selector: a full code, a prefix such as ``G2``, or ``ALL``."""
    return any(selector == "ALL" or code.startswith(selector) for selector in selectors)
