"""G103's watch list: data, not code. The built-in default below is documented in the README
and extended (or replaced, with ``defaults: false``) by ``watchlist:`` in the configuration."""

from __future__ import annotations

import re
from dataclasses import dataclass

from genai_lint.config import Watchlist

DEFAULT_PATTERNS = (
    r"\bin the (?:style|manner|vein) of\b",
    r"\b(?:styled|inspired) (?:after|by)\b",
    r"\bas painted by\b",
    r"\btrending on artstation\b",
)
"""Phrasings that ask a model to imitate a named artist, work or person."""

DEFAULT_TERMS = (
    "Greg Rutkowski", "Studio Ghibli", "Hayao Miyazaki", "Pixar", "Disney", "Marvel", "DC Comics",
    "Star Wars", "Harry Potter", "Pokemon", "Pokémon", "Wes Anderson", "Tim Burton", "Steve McCurry",
    "Afghan Girl", "Banksy", "Beeple", "Annie Leibovitz", "Game of Thrones", "Lord of the Rings",
)
"""Names of artists, studios and franchises whose imitation needs clearance."""


@dataclass(frozen=True)
class Match:
    needle: str
    start: int
    end: int


class CompiledWatchlist:
    """The watch list as regular expressions, compiled once per run."""

    def __init__(self, watchlist: Watchlist):
        terms = list(DEFAULT_TERMS if watchlist.defaults else ()) + list(watchlist.terms)
        patterns = list(DEFAULT_PATTERNS if watchlist.defaults else ()) + list(watchlist.patterns)
        # A term is searched by regex only when its lower-cased text occurs at all (exact for ASCII).
        self._terms = [(term, term.lower() if term.isascii() else None,
                        re.compile(r"(?<!\w)" + re.escape(term) + r"(?!\w)", re.IGNORECASE)) for term in terms]
        self._patterns = patterns
        self._combined: re.Pattern | None = None
        if not any(re.search(r"\\\d|\(\?P=", pattern) for pattern in patterns):  # numbered backreferences would shift
            try:  # one scan for all patterns; the leftmost wins, as when searched one by one
                self._combined = re.compile(
                    "|".join(f"(?P<_w{index}>{pattern})" for index, pattern in enumerate(patterns)), re.IGNORECASE)
            except re.error:  # e.g. a pattern with its own inline flags: search them one by one
                pass
        self._separate = [(pattern, re.compile(pattern, re.IGNORECASE)) for pattern in patterns]

    def first(self, text: str) -> Match | None:
        """The earliest watch-list match in ``text`` (terms before patterns at the same column)."""
        lowered = text.lower() if text.isascii() else None
        best: Match | None = None
        for needle, literal, expression in self._terms:
            if lowered is not None and literal is not None and literal not in lowered:
                continue
            found = expression.search(text)
            if found and (best is None or found.start() < best.start):
                best = Match(needle, found.start(), found.end())
        for needle, found in self._pattern_matches(text):
            if best is None or found.start() < best.start:
                best = Match(needle, found.start(), found.end())
        return best

    def _pattern_matches(self, text: str) -> list[tuple[str, re.Match]]:
        if not self._patterns:
            return []
        if self._combined is not None:
            found = self._combined.search(text)
            return [(self._patterns[int(found.lastgroup[2:])], found)] if found else []
        return [(needle, found) for needle, expression in self._separate if (found := expression.search(text))]
