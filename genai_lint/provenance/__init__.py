"""Byte-level scanner for provenance markers that declare generative-AI origin.

:func:`scan` identifies a file by its content (magic bytes, :mod:`.registry`), reads its
container structure with the reader registered for that format (one module per container
family: :mod:`.jpeg`, :mod:`.png`, :mod:`.bmff`, :mod:`.riff`, :mod:`.tiff`, :mod:`.gif`,
:mod:`.zip`, :mod:`.pdf`, :mod:`.text`, ...) with bounded reads and work budgets
(:mod:`.budget`), and reports every marker it finds:

* IPTC ``DigitalSourceType`` values in XMP (:mod:`.xmp`), in element, attribute or
  ``rdf:resource`` form, spelled as http/https URI, QCode or bare term;
* C2PA manifest stores (:mod:`.c2pa`): every manifest is read (ingredients too); only
  ``digitalSourceType`` values in ``c2pa.actions`` and IPTC assertions count, so a store holding
  only capture or ordinary edit actions yields nothing: camera originals pass;
* generator fingerprints (:mod:`.fingerprints`), matched by key *and* shape: AUTOMATIC1111 and
  Fooocus ``parameters``, ComfyUI ``prompt``/``workflow`` graphs, InvokeAI and NovelAI keys;
* references to manifests outside the file (XMP ``dcterms:provenance``), unless an embedded
  store was read.

``trainedAlgorithmicMedia``, ``compositeWithTrainedAlgorithmicMedia`` and C2PA
``trainedAlgorithmicData`` are generative; ``compositeSynthetic`` is reported for human
review; ``algorithmicMedia`` (procedural, no training data) and capture terms are ignored.

What it cannot do: no marker does **not** mean no AI. Metadata is stripped by most
re-encodes, exports and platforms; unsigned markers (XMP, text chunks) can be forged or
removed; C2PA signatures are not validated. Pixel or audio watermarks (Google SynthID,
OpenAI's watermark) are invisible to container parsing. PDF object streams and generator
names in ``Software``/``CreatorTool``/``/Producer`` are not decoded; Brotli-compressed
metadata needs the optional ``brotli`` package.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import stat
from dataclasses import dataclass, field, replace

from genai_lint.provenance.budget import Limits, MiB, Unjudged, Work, budgeted
from genai_lint.provenance.evidence import Marker, UnreadableFile
from genai_lint.provenance.registry import Format, claimed_by, identify
from genai_lint.provenance.source import Source

__all__ = ["Limits", "Marker", "Scan", "UnreadableFile", "Work", "scan"]

for _module in pkgutil.iter_modules(__path__):  # every module registers the formats it reads
    importlib.import_module(f"{__name__}.{_module.name}")


@dataclass(frozen=True, slots=True)
class Scan:
    """What the scanner learnt about one file.

    ``format`` is the format identified from the content ("PNG", "MP4", ...; "unknown" when no
    registered format matches), ``reader`` the reader module that scanned it (``None`` when none
    did), ``markers`` the provenance markers found, in order, and ``problem`` the one-line reason
    the file could not be verified (``None`` when it was read to the end and is what its name says).
    ``work`` is what reading it cost (bytes inflated, container items walked, bytes examined).
    """

    format: str
    reader: str | None
    markers: tuple[Marker, ...] = ()
    problem: str | None = None
    work: Work = field(default_factory=Work, compare=False)


def scan(path: str | os.PathLike[str], *, max_payload: int = 16 * MiB, limits: Limits | None = None) -> Scan:
    """Identify the file at ``path`` by its content and read its provenance markers, without duplicates.

    Reads only container headers and metadata payloads, each capped at ``max_payload`` bytes,
    within the work budgets of ``limits`` (past one, the problem is "too complex to verify").
    Never raises for a bad file: a file that cannot be opened, whose structure is corrupt, whose
    format has no reader or whose content is not what its extension says has a ``problem``.
    """
    if max_payload < 1:
        raise ValueError("max_payload must be positive")
    with budgeted(limits or Limits()) as budget:
        try:
            mode = os.stat(path).st_mode
            if not stat.S_ISREG(mode):
                raise UnreadableFile("is a directory" if stat.S_ISDIR(mode) else "not a regular file")
            with open(path, "rb", buffering=0) as f:
                src = Source(f, os.fstat(f.fileno()).st_size, max_payload)
                fmt = identify(src)
                result = replace(_read(src, fmt), work=budget.work)
        except (OSError, UnreadableFile) as exc:
            reason = exc.strerror.lower() if isinstance(exc, OSError) and exc.strerror else str(exc)
            return Scan("unknown", None, problem=reason, work=budget.work)
    mismatch = _mismatch(os.fspath(path), fmt, src.size)
    if mismatch is None:
        return result
    return replace(result, problem=f"{mismatch}; {result.problem}" if result.reader and result.problem else mismatch)


def _read(src: Source, fmt: Format | None) -> Scan:
    if src.size == 0:
        return Scan("empty", None)  # nothing to carry provenance: read
    if fmt is None:
        return Scan("unknown", None, problem="format not recognised from its content: no reader")
    if fmt.read is None:
        return Scan(fmt.name, None, problem=f"{fmt.name}: no reader")
    try:
        markers = tuple(dict.fromkeys(fmt.read(src)))
    except UnreadableFile as exc:
        said = f"{fmt.name}: {exc}" if isinstance(exc, Unjudged) else f"{fmt.name} could not be read: {exc}"
        return Scan(fmt.name, fmt.reader, problem=said)
    if src.budget.work.stores:  # an embedded store was read: a pointer to a remote copy adds nothing to judge
        markers = tuple(m for m in markers if m.kind != "external-manifest")
    return Scan(fmt.name, fmt.reader, markers)


def _mismatch(path: str, fmt: Format | None, size: int) -> str | None:
    """Why the content is not what the file's extension says, or ``None`` when it is (or says nothing)."""
    extension = os.path.splitext(path)[1].lower()
    expected = claimed_by(extension)
    if not expected or (fmt is not None and any(fmt.reader == other.reader for other in expected)):
        return None
    if size == 0 and any(other.reader == "text" for other in expected):
        return None  # an empty text file is a text file
    content = "an empty file" if size == 0 else (f"content is {fmt.name}" if fmt else "content not recognised")
    return f"not {_article(expected[0].name)} although named {extension} ({content})"


def _article(name: str) -> str:
    spoken_vowel = name[0] in "AEIOU" or name.startswith(("MP", "MOV", "M4A", "MXF", "SVG", "SRT", "XML"))
    return f"an {name}" if spoken_vowel else f"a {name}"
