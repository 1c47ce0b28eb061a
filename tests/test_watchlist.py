"""The watch list: one pass per prompt, same matches as one regex per term, patterns that cannot hang a run."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ASSET_BYTES, CLEAN, check_json, write_project
from genai_lint.config import Watchlist
from genai_lint.watchlist import DEFAULT_TERMS, CompiledWatchlist, fold


def reference(terms: list[str], patterns: list[str], text: str) -> list[tuple[str, int, int]]:
    """The definition G103 had before the automaton: every term and pattern searched on its own."""
    expressions = [(term, re.compile(r"(?<!\w)" + re.escape(term) + r"(?!\w)", re.IGNORECASE)) for term in terms]
    expressions += [(pattern, re.compile(pattern, re.IGNORECASE)) for pattern in patterns]
    found = sorted((hit.start(), hit.start() - hit.end(), order, needle, hit.end())
                   for order, (needle, expression) in enumerate(expressions)
                   for hit in expression.finditer(text) if hit.end() > hit.start())
    chosen: list[tuple[str, int, int]] = []
    for start, _, _, needle, end in found:
        if not chosen or start >= chosen[-1][2]:
            chosen.append((needle, start, end))
    return chosen


def matches(terms: list[str], patterns: list[str], text: str, defaults: bool = False) -> list[tuple[str, int, int]]:
    compiled = CompiledWatchlist(Watchlist(terms, patterns, defaults))
    return [(match.needle, match.start, match.end) for match in compiled.matches(text)]


def test_every_match_in_order_terms_before_patterns_at_a_tie():
    text = "castle in the style of Studio Ghibli, PIXAR lighting, shot on Kodak film"
    found = matches(list(DEFAULT_TERMS), [r"\bshot on \w+ film\b", "pixar"], text)
    assert [needle for needle, _, _ in found] == ["in the style of", "Studio Ghibli", "Pixar", r"\bshot on \w+ film\b"]
    assert found == reference(list(DEFAULT_TERMS), [r"\bshot on \w+ film\b", "pixar"], text)


def test_whole_words_and_every_script():
    terms = ["Pokémon", "Ghibli", "東京タワー", "Σίσυφος", "straße"]
    text = "POKÉMON ghiblix ghibli 東京タワー ΣΊΣΥΦΟΣ Straße xpokémon"
    found = matches(terms, [], text)
    assert [text[start:end] for _, start, end in found] == ["POKÉMON", "ghibli", "東京タワー", "ΣΊΣΥΦΟΣ", "Straße"]
    assert found == reference(terms, [], text)


def test_case_pairs_that_python_matches_are_found():
    """Dotless i, long s, Kelvin sign, final sigma: the fold keeps every pair the regex treats as equal."""
    for term, text in [("pixar", "PıXAR"), ("banksy", "Bankſy"), ("kodak", "\u212aodak"), ("σος", "ΣΟΣ"), ("ios", "İOS")]:
        assert matches([term], [], text) == reference([term], [], text), (term, text)
    assert len(fold("İstanbul ǅ ẞ ŉ")) == len("İstanbul ǅ ẞ ŉ")  # one character to one: positions carry over


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="abAB ıİſsSσςΣéÉ-", min_size=1, max_size=6).filter(str.strip), min_size=1, max_size=6),
       st.text(alphabet="abAB ıİſsSσςΣéÉ-.x", max_size=40))
def test_same_matches_as_one_regex_per_term(terms, text):
    assert matches(terms, [], text) == reference(terms, [], text)


def test_catastrophic_pattern_is_linear_work():
    """`(a+)+$` backtracks for minutes on 40 characters under Python's engine; RE2 reads each prompt once."""
    compiled = CompiledWatchlist(Watchlist([], ["(a+)+$"], defaults=False))
    prompt = "a" * 40 + "!"
    assert compiled.matches(prompt) == []
    assert compiled.scanned <= 2 * len(prompt)  # one set pass; a search only for patterns that occur
    many = CompiledWatchlist(Watchlist([f"term{index}" for index in range(1000)], ["(a+)+$"] * 50, defaults=False))
    many.matches(prompt)
    assert many.scanned <= 2 * len(prompt)  # whatever the length of the list


def test_catastrophic_pattern_through_the_cli(tmp_path):
    prompted = CLEAN.replace("    approvals: [APR-1]\n", '    approvals: [APR-1]\n    prompt: "' + "a" * 40 + '!"\n')
    root = write_project(tmp_path / "prod", {"genai-manifest.yaml": prompted, "a.png": ASSET_BYTES},
                         "watchlist:\n  patterns: ['(a+)+$', 'a{40}!']\n")
    result = check_json(root)
    assert [finding["code"] for finding in result.findings] == ["G103"]
    assert "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!'" in result.findings[0]["message"]


def test_backreferences_and_lookaround_are_refused_where_written(tmp_path):
    for pattern, expected in [(r"(\w+) \1", "invalid escape sequence"), ("(?<=a)b", "invalid perl operator")]:
        root = write_project(tmp_path / str(len(pattern)), {"genai-manifest.yaml": CLEAN},
                             f"fail-on: error\nwatchlist:\n  terms: [Moebius]\n  patterns: [ok, '{pattern}']\n")
        result = check_json(root)
        assert result.exit_code == 2
        error = result.stderr.strip()
        assert error.startswith(f"genai-lint: error: {root / '.genai-lint.yaml'}:4:18: watchlist.patterns[1]: ")
        assert expected in error and "RE2" in error and "\n" not in error
