"""G103's watch list: data, not code. The built-in default below is documented in the README
and extended (or replaced, with ``defaults: false``) by ``watchlist:`` in the configuration."""

from __future__ import annotations

import re
from dataclasses import dataclass

from genai_lint.config import Watchlist

DEFAULT_PATTERNS: tuple[str, ...] = ()
"""Regular expressions; none by default (the phrasings below are plain terms, which are faster)."""

DEFAULT_TERMS = (
    # Phrasings that ask a model to imitate a named artist, work or person.
    "in the style of", "in the manner of", "in the vein of", "styled after", "styled by", "inspired by",
    "as painted by", "trending on artstation",
    # Artists, studios and franchises whose imitation needs clearance.
    "Greg Rutkowski", "Studio Ghibli", "Hayao Miyazaki", "Pixar", "Disney", "Marvel", "DC Comics",
    "Star Wars", "Harry Potter", "Pokemon", "Pokémon", "Wes Anderson", "Tim Burton", "Steve McCurry",
    "Afghan Girl", "Banksy", "Beeple", "Annie Leibovitz", "Game of Thrones", "Lord of the Rings",
)
"""Matched as whole words in any case. Extend them with ``watchlist: {terms: [...], patterns: [...]}``."""


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
        self._patterns = [(pattern, re.compile(pattern, re.IGNORECASE)) for pattern in patterns]

    def matches(self, text: str) -> list[Match]:
        """Every watch-list match in ``text``, left to right, without overlaps.

        Where two matches overlap, the one starting first wins, then the longer one, then terms
        before patterns: ``in the style of Studio Ghibli, Pixar`` gives three matches.
        """
        lowered = text.lower() if text.isascii() else None
        candidates = [(needle, expression) for needle, literal, expression in self._terms
                      if lowered is None or literal is None or literal in lowered]
        found = sorted(((hit.start(), -(hit.end() - hit.start()), order, needle, hit.end())
                        for order, (needle, expression) in enumerate(candidates + self._patterns)
                        for hit in expression.finditer(text) if hit.end() > hit.start()))
        chosen: list[Match] = []
        for start, _, _, needle, end in found:
            if not chosen or start >= chosen[-1].end:
                chosen.append(Match(needle, start, end))
        return chosen
