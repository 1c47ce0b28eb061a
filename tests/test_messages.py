"""Issue 12: findings that say what to type, located precisely, through the real CLI."""

from __future__ import annotations

from conftest import CLEAN, check_json, position

ASSET_END = "    approvals: [APR-1]\n"


def with_asset_fields(text: str) -> str:
    return CLEAN.replace(ASSET_END, ASSET_END + text)


def test_g103_reports_every_watchlist_match_in_a_prompt(project):
    manifest = with_asset_fields('    prompt: "castle in the style of Studio Ghibli, Pixar lighting"\n')
    found = [f for f in check_json(project(manifest)).findings if f["code"] == "G103"]
    line, column = position(manifest, "prompt:", "in the style of")
    assert [(f["line"], f["column"], f["end_column"]) for f in found] == [
        (line, column, column + len("in the style of")),
        (line, column + len("in the style of "), column + len("in the style of Studio Ghibli")),
        (line, column + len("in the style of Studio Ghibli, "), column + len("in the style of Studio Ghibli, Pixar")),
    ]
    assert all("A-1" in f["message"] for f in found)
    assert "'Pixar'" in found[2]["message"]
