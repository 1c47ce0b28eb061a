"""The organisation that signed a C2PA claim: the subject ``O=`` of the first certificate of the COSE signature.

A minimal DER walk (no validation: the scanner does not verify signatures) over the certificate
the signature carries in its ``x5chain`` header.
"""

from __future__ import annotations

from genai_lint.provenance import cbor
from genai_lint.provenance.evidence import UnreadableFile

_X5CHAIN = 33
_ORGANISATION = b"\x06\x03\x55\x04\x0a"  # OID 2.5.4.10
_STRING_TAGS = {0x0C, 0x13, 0x14, 0x16, 0x1E}


def _tlv(der: bytes, pos: int) -> tuple[int, int, int]:
    """``(tag, content start, content end)`` of the DER element at ``pos``; tag 0 when malformed."""
    if pos + 2 > len(der):
        return 0, pos, pos
    tag, first = der[pos], der[pos + 1]
    if first < 0x80:
        start, length = pos + 2, first
    elif 1 <= first & 0x7F <= 4:
        start = pos + 2 + (first & 0x7F)
        length = int.from_bytes(der[pos + 2 : start], "big")
    else:
        return 0, pos, pos
    return (tag, start, start + length) if start + length <= len(der) else (0, pos, pos)


def _subject(der: bytes) -> bytes:
    """The subject Name of a DER certificate (empty when it cannot be found)."""
    tag, cert, _ = _tlv(der, 0)
    tag_tbs, tbs, tbs_end = _tlv(der, cert) if tag == 0x30 else (0, 0, 0)
    if tag_tbs != 0x30:
        return b""
    fields: list[tuple[int, int, int]] = []
    pos = tbs
    while pos < tbs_end and len(fields) < 6:
        tag, start, end = _tlv(der, pos)
        if not tag:
            return b""
        fields.append((tag, start, end))
        pos = end
    if fields and fields[0][0] == 0xA0:  # explicit version
        fields = fields[1:]
    return der[fields[4][1] : fields[4][2]] if len(fields) > 4 else b""


def _organisation(name: bytes) -> str:
    at = name.find(_ORGANISATION)
    if at < 0:
        return ""
    tag, start, end = _tlv(name, at + len(_ORGANISATION))
    return name[start:end].decode("utf-8", "replace") if tag in _STRING_TAGS else ""


def signer_organisation(cose: object) -> str:
    """The signer's organisation from a decoded COSE_Sign1 structure, or an empty string."""
    if not isinstance(cose, list) or len(cose) < 2:
        return ""
    headers = [cose[1]] if isinstance(cose[1], dict) else []
    if isinstance(cose[0], bytes):
        try:
            protected = cbor.decode(cose[0]) if cose[0] else {}
        except UnreadableFile:
            protected = {}
        if isinstance(protected, dict):
            headers.insert(0, protected)
    for header in headers:
        chain = header.get(_X5CHAIN)
        first = chain[0] if isinstance(chain, list) and chain else chain
        if isinstance(first, bytes):
            return _organisation(_subject(first))
    return ""
