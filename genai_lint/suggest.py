"""Did-you-mean: the known name a mistyped one was most likely meant to be."""

from __future__ import annotations

from collections.abc import Iterable


def closest(word: str, options: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The option closest to ``word``, ignoring case and ``_``/``-``, if one is close enough."""
    import difflib  # only on the way to an error message

    folded: dict[str, str] = {}
    for option in options:
        folded.setdefault(option.lower().replace("_", "-"), option)
    close = difflib.get_close_matches(word.lower().replace("_", "-"), list(folded), n=1, cutoff=cutoff)
    return folded[close[0]] if close else None
