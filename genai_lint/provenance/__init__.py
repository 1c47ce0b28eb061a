"""Byte-level scanner for provenance markers that declare generative-AI origin.

:func:`scan` reads a media file's container structure with bounded seeks and reads, using the
standard library only, and reports every marker it finds:

* IPTC ``DigitalSourceType`` values in XMP (JPEG APP1 and extended XMP, PNG iTXt/tEXt/zTXt,
  RIFF ``XMP ``/``_PMX``, ISO-BMFF XMP ``uuid`` and ``moov/udta/XMP_``, TIFF tag 700,
  ID3v2 ``PRIV``, PDF XMP packets, SVG ``<metadata>``, standalone ``.xmp`` files), in element,
  attribute or ``rdf:resource`` form, spelled as http/https URI, QCode or bare term;
* C2PA manifest stores (JPEG APP11 JUMBF across segments, PNG ``caBX``, RIFF ``C2PA``,
  BMFF ``uuid`` D8FEC3D6-..., TIFF tag 52545, ID3v2 ``GEOB``, PDF embedded manifests,
  SVG ``<c2pa:manifest>``, ``.c2pa`` sidecars). Every manifest is read (ingredients too);
  only ``digitalSourceType`` values in ``c2pa.actions`` and IPTC assertions count, so a
  store holding only capture or ordinary edit actions yields nothing: camera originals pass;
* generator fingerprints, matched by key *and* shape: AUTOMATIC1111 ``parameters`` text
  (PNG text chunks, EXIF UserComment), ComfyUI ``prompt``/``workflow`` graph JSON, InvokeAI
  metadata keys, NovelAI ``Software``/``Source``;
* references to manifests outside the file (XMP ``dcterms:provenance``).

``trainedAlgorithmicMedia``, ``compositeWithTrainedAlgorithmicMedia`` and C2PA
``trainedAlgorithmicData`` are generative; ``compositeSynthetic`` is reported for human
review; ``algorithmicMedia`` (procedural, no training data) and capture terms are ignored.

What it cannot do: no marker does **not** mean no AI. Metadata is stripped by most
re-encodes, exports and platforms; unsigned markers (XMP, text chunks) can be forged or
removed; C2PA signatures are not validated. Pixel or audio watermarks (Google SynthID,
OpenAI's watermark) are invisible to container parsing. Compressed (Brotli) C2PA manifests,
PDF object streams, HEIF XMP items and generator names in ``Software``/``CreatorTool``/
``/Producer`` are not decoded; the first two are reported as ``c2pa-undecoded`` when seen.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import stat
from dataclasses import dataclass

from genai_lint.provenance.evidence import Marker, UnreadableFile
from genai_lint.provenance.registry import HEAD, identify
from genai_lint.provenance.source import MiB, Source

__all__ = ["Marker", "Scan", "UnreadableFile", "scan"]

for _module in pkgutil.iter_modules(__path__):  # every module registers the formats it reads
    importlib.import_module(f"{__name__}.{_module.name}")


@dataclass(frozen=True, slots=True)
class Scan:
    """What the scanner learnt about one file.

    ``format`` is the format identified from the content ("PNG", "MP4", ...; "unknown" when no
    registered format matches), ``reader`` the reader module that scanned it (``None`` when none
    did), ``markers`` the provenance markers found, in order, and ``problem`` the one-line reason
    the file could not be read (``None`` when it was read to the end).
    """

    format: str
    reader: str | None
    markers: tuple[Marker, ...] = ()
    problem: str | None = None


def scan(path: str | os.PathLike[str], *, max_payload: int = 16 * MiB) -> Scan:
    """Identify the file at ``path`` by its content and read its provenance markers, without duplicates.

    Reads only container headers and metadata payloads, each capped at ``max_payload`` bytes.
    Never raises for a bad file: a file that cannot be opened or whose structure is corrupt has
    a ``problem``.
    """
    if max_payload < 1:
        raise ValueError("max_payload must be positive")
    fmt = None
    try:
        mode = os.stat(path).st_mode
        if not stat.S_ISREG(mode):
            raise UnreadableFile("is a directory" if stat.S_ISDIR(mode) else "not a regular file")
        with open(path, "rb", buffering=0) as f:
            src = Source(f, os.fstat(f.fileno()).st_size, max_payload)
            fmt = identify(src.read(0, min(src.size, HEAD), "file header"), src.size)
            if fmt is None:
                return Scan("unknown", None)
            return Scan(fmt.name, fmt.reader, tuple(dict.fromkeys(fmt.read(src))))
    except UnreadableFile as exc:
        return Scan(fmt.name if fmt else "unknown", fmt.reader if fmt else None, problem=str(exc))
    except OSError as exc:
        return Scan("unknown", None, problem=exc.strerror.lower() if exc.strerror else str(exc))
