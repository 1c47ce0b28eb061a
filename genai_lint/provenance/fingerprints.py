"""Generator fingerprints: text written by image generators, matched by key *and* shape."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from genai_lint.provenance.evidence import Hit, UnreadableFile
from genai_lint.provenance.xmp import dst_hit, xmp_hits

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


def _is_fooocus(text: str) -> bool:
    """Fooocus's JSON ``parameters``: its version string, or its model and prompt keys."""
    parsed = _json_object(text)
    version = parsed.get("version")
    return (isinstance(version, str) and version.startswith("Fooocus")) or {"base_model", "prompt"} <= parsed.keys()


TEXT_FINGERPRINTS: dict[str, list[tuple[str, Callable[[str], object]]]] = {
    "parameters": [("AUTOMATIC1111", _A1111.search), ("Fooocus", _is_fooocus)],
    "fooocus_scheme": [("Fooocus", lambda text: text.strip() in ("fooocus", "a1111"))],
    "prompt": [("ComfyUI", _is_comfy_prompt)],
    "workflow": [("ComfyUI", _is_comfy_workflow)],
    "invokeai_metadata": [("InvokeAI", _is_json_object)],
    "invokeai_graph": [("InvokeAI", _is_json_object)],
    "sd-metadata": [("InvokeAI", _is_json_object)],
    "Dream": [("InvokeAI", lambda text: text.startswith('"') and _DREAM_SEED.search(text))],
    "Software": [("NovelAI", lambda text: text.strip() == "NovelAI")],
    "Source": [("NovelAI", lambda text: text.startswith("NovelAI Diffusion"))],
}


def text_hits(key: str, text: str, container: str = "") -> list[Hit]:
    """A fingerprint hit when ``key`` is a known generator key and ``text`` has its shape.

    ``container`` names where the text sits, for the hit's summary ("ComfyUI workflow in EXIF Model").
    """
    tool = next((tool for tool, shaped in TEXT_FINGERPRINTS.get(key, []) if shaped(text)), None)
    if tool is None:
        return []
    value = f"{tool} {key}"
    return [Hit("generator-fingerprint", value, True, summary=f"{value} in {container}" if container else value)]


_KEYS = {key.lower(): key for key in TEXT_FINGERPRINTS}
_DST_URI = re.compile(r"digitalsourcetype/([A-Za-z]+)")


def tag_hits(name: str, value: str) -> list[Hit]:
    """Hits in one named text value (a Vorbis comment, Matroska tag, EXR attribute ...).

    The name is matched case-insensitively against the generator keys; the value may also hold
    an XMP packet or an IPTC digital source type URI.
    """
    hits = text_hits(_KEYS.get(name.lower(), name), value)
    if "xmpmeta" in value or "xpacket" in value:
        hits += xmp_hits(value.encode("utf-8", "replace"))
    elif (m := _DST_URI.search(value)) and (hit := dst_hit("iptc-digital-source-type", m[1])):
        hits.append(hit)
    return hits
