"""G103's watch list: data, not code. The built-in default below is documented in the README
and extended (or replaced, with ``defaults: false``) by ``watchlist:`` in the configuration.

A prompt costs one pass whatever the length of the list and the script of the prompt: the terms
are found by one Aho-Corasick automaton over a case-folded copy of the prompt (each hit then
confirmed by the term's own whole-word regex), and the patterns run under RE2, whose time is
linear in the text for every pattern (no backtracking, so ``(a+)+$`` cannot hang a run): one
RE2 set says which patterns occur, and only those are searched for their positions.
"""

from __future__ import annotations

import re

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at every start-up
if TYPE_CHECKING:
    from typing import Any
    from genai_lint.config import Watchlist

DEFAULT_PATTERNS: tuple[str, ...] = ()
"""Regular expressions (RE2 syntax); none by default (the phrasings below are plain terms)."""

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


class Match:
    """One watch-list hit: the term or pattern, and where it is in the prompt."""

    __slots__ = ("needle", "start", "end")

    def __init__(self, needle: str, start: int, end: int):
        self.needle, self.start, self.end = needle, start, end


class _Fold(dict):
    """``str.translate`` table: each character to one lower-case character, filled as characters are met.

    One character to one, so positions in the folded text are positions in the prompt. Folding
    through upper case merges every pair that Python's case-insensitive matching treats as equal
    (``ı``/``i``, ``ſ``/``s``, ``ς``/``σ``, the Kelvin sign and ``k``...); it may merge a few more,
    which only adds candidates that the term's own regex then rejects.
    """

    def __missing__(self, code: int) -> str:
        folded = chr(code).lower()[:1].upper().lower()[:1]
        self[code] = folded
        return folded


_FOLD = _Fold()


def fold(text: str) -> str:
    """``text`` case-folded one character to one (plain ``lower`` for ASCII, which is the same)."""
    return text.lower() if text.isascii() else text.translate(_FOLD)


def re2_options() -> Any:
    """Case-insensitive RE2, quiet on errors: how configured patterns are matched (watch list, studio rules)."""
    import re2

    options = re2.Options()
    options.case_sensitive = False
    options.log_errors = False
    return options


def pattern_error(pattern: str, use: str = "the watch list") -> str | None:
    """Why ``pattern`` cannot be a pattern for ``use`` (RE2 rejects it), or ``None`` when it can."""
    import re2

    try:
        re2.compile(pattern, re2_options())
    except re2.error as exc:
        reason = exc.args[0].decode("utf-8", "replace") if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        return (f"{pattern!r} is not a valid regular expression for {use}: {reason} "
                "(RE2 syntax, which runs in linear time: no backreferences or lookaround)")
    return None


class CompiledWatchlist:
    """The watch list compiled once per run: an automaton for the terms, an RE2 set for the patterns."""

    def __init__(self, watchlist: Watchlist):
        self._terms = list(DEFAULT_TERMS if watchlist.defaults else ()) + list(watchlist.terms)
        self._patterns = list(DEFAULT_PATTERNS if watchlist.defaults else ()) + list(watchlist.patterns)
        self._term_expressions: dict[int, re.Pattern] = {}
        self.scanned = 0
        """Characters read by the automaton and the RE2 searches: the work, counted for the tests."""
        self._automaton = self._pattern_set = None
        if self._terms:
            import ahocorasick

            self._automaton = ahocorasick.Automaton()
            for order, term in enumerate(self._terms):
                key = fold(term)
                present = self._automaton.get(key, ())
                self._automaton.add_word(key, (*present, (order, len(key))))
            self._automaton.make_automaton()
        if self._patterns:
            import re2

            options = re2_options()
            self._pattern_set = re2.Set.SearchSet(options)
            for pattern in self._patterns:
                self._pattern_set.Add(pattern)
            self._pattern_set.Compile()
            self._pattern_expressions = [re2.compile(pattern, options) for pattern in self._patterns]

    def _term_expression(self, order: int) -> re.Pattern:
        """The whole-word, any-case regex of term ``order``, compiled the first time it is needed."""
        expression = self._term_expressions.get(order)
        if expression is None:
            term = self._terms[order]
            expression = re.compile(r"(?<!\w)" + re.escape(term) + r"(?!\w)", re.IGNORECASE)
            self._term_expressions[order] = expression
        return expression

    def matches(self, text: str) -> list[Match]:
        """Every watch-list match in ``text``, left to right, without overlaps.

        Where two matches overlap, the one starting first wins, then the longer one, then terms
        before patterns: ``in the style of Studio Ghibli, Pixar`` gives three matches. Each term
        or pattern is taken left to right without overlapping itself, like ``re.finditer``.
        """
        found: list[tuple[int, int, int, str, int]] = []
        if self._automaton is not None:
            self.scanned += len(text)
            next_start: dict[int, int] = {}
            for last, entries in self._automaton.iter(fold(text)):
                for order, length in entries:
                    start = last + 1 - length
                    if start < next_start.get(order, 0):
                        continue
                    hit = self._term_expression(order).match(text, start)
                    if hit and hit.end() > start:
                        next_start[order] = hit.end()
                        found.append((start, start - hit.end(), order, self._terms[order], hit.end()))
        if self._pattern_set is not None:
            self.scanned += len(text)
            for index in self._pattern_set.Match(text) or ():
                self.scanned += len(text)
                order = len(self._terms) + index
                found.extend((hit.start(), hit.start() - hit.end(), order, self._patterns[index], hit.end())
                             for hit in self._pattern_expressions[index].finditer(text) if hit.end() > hit.start())
        chosen: list[Match] = []
        for start, _, _, needle, end in sorted(found):
            if not chosen or start >= chosen[-1].end:
                chosen.append(Match(needle, start, end))
        return chosen
