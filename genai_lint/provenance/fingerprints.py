"""Generator fingerprints: text written by image generators, matched by key *and* shape."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from genai_lint.provenance.evidence import Hit, UnreadableFile

_A1111 = re.compile(r"(?:^|\n)Steps: \d+")
_DREAM_SEED = re.compile(r"\s-S\s*-?\d+")


def parse_json(text: str | bytes) -> object:
    """``text`` parsed as JSON, or :class:`UnreadableFile`."""
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        raise UnreadableFile("malformed JSON") from None


def _json_object(text: str) -> dict[str, object]:
    """``text`` parsed as a JSON object, or an empty dict when it is not one."""
    try:
        parsed = parse_json(text)
    except UnreadableFile:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def _is_comfy_prompt(text: str) -> bool:
    return any(isinstance(node, dict) and "class_type" in node for node in _json_object(text).values())


def _is_comfy_workflow(text: str) -> bool:
    return isinstance(_json_object(text).get("nodes"), list)


def _is_json_object(text: str) -> bool:
    return bool(_json_object(text))


TEXT_FINGERPRINTS: dict[str, tuple[str, Callable[[str], object]]] = {
    "parameters": ("AUTOMATIC1111", _A1111.search),
    "prompt": ("ComfyUI", _is_comfy_prompt),
    "workflow": ("ComfyUI", _is_comfy_workflow),
    "invokeai_metadata": ("InvokeAI", _is_json_object),
    "invokeai_graph": ("InvokeAI", _is_json_object),
    "sd-metadata": ("InvokeAI", _is_json_object),
    "Dream": ("InvokeAI", lambda text: text.startswith('"') and _DREAM_SEED.search(text)),
    "Software": ("NovelAI", lambda text: text.strip() == "NovelAI"),
    "Source": ("NovelAI", lambda text: text.startswith("NovelAI Diffusion")),
}


def text_hits(key: str, text: str) -> list[Hit]:
    """A fingerprint hit when ``key`` is a known generator key and ``text`` has its shape."""
    tool, shaped = TEXT_FINGERPRINTS.get(key, ("", None))
    return [Hit("generator-fingerprint", f"{tool} {key}", True)] if shaped and shaped(text) else []
