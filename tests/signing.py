"""Content Credentials made at test time: the official C2PA SDK (c2pa-python) signs small files built here.

The signing certificate is generated here with ``cryptography`` (a throw-away CA and an end-entity
certificate with the C2PA signing profile), so no key or third-party file is committed. Each
carrier is the smallest file of its container the SDK accepts; :func:`signed` adds a manifest
whose ``c2pa.created`` action declares a generative or a capture ``digitalSourceType``.
"""

from __future__ import annotations

import datetime
import functools
import io
import struct
import zipfile
import zlib

DST = "http://cv.iptc.org/newscodes/digitalsourcetype/"
GENERATOR = "genai-lint test generator"


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I4s", len(data), kind) + data + zlib.crc32(kind + data).to_bytes(4, "big")


def _riff_chunk(kind: bytes, data: bytes) -> bytes:
    return kind + struct.pack("<I", len(data)) + data + b"\0" * (len(data) & 1)


def _riff(form: bytes, *chunks: bytes) -> bytes:
    body = form + b"".join(chunks)
    return b"RIFF" + struct.pack("<I", len(body)) + body


def _png() -> bytes:
    ihdr = _chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
    return b"\x89PNG\r\n\x1a\n" + ihdr + _chunk(b"IDAT", zlib.compress(b"\0\xff\0\0")) + _chunk(b"IEND", b"")


_JPEG = bytes.fromhex(  # a 1x1 grey baseline JPEG (arithmetic coding)
    "ffd8ffe000104a46494600010101004800480000ffdb004300030202020202030202020303030304060404040404080606"
    "050609080a0a090809090a0c0f0c0a0b0e0b09090d110d0e0f101011100a0c12131210130f101010ffc9000b0800010001"
    "01011100ffcc000600101005ffda0008010100003f00d2cf20ffd9"
)
_GIF = b"GIF89a\1\0\1\0\x80\0\0\0\0\0\xff\xff\xff,\0\0\0\0\1\0\1\0\0\2\2D\1\0;"
_WEBP_LOSSLESS = bytes.fromhex("2f00000010071011118888fe0700")


def _tiff() -> bytes:
    entries = [(256, 3, 1, 1), (257, 3, 1, 1), (258, 3, 1, 8), (259, 3, 1, 1), (262, 3, 1, 1),
               (273, 4, 1, 8 + 2 + 12 * 9 + 4), (277, 3, 1, 1), (278, 3, 1, 1), (279, 4, 1, 1)]
    ifd = struct.pack("<H", len(entries)) + b"".join(struct.pack("<HHII", *e) for e in entries) + bytes(4)
    return b"II*\0" + struct.pack("<I", 8) + ifd + b"\x80"


def _mp4(brand: bytes) -> bytes:
    matrix = struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)
    mvhd = bytes(12) + struct.pack(">IIIH", 1000, 0, 0x10000, 0x100) + bytes(10) + matrix + bytes(24)
    moov = _box(b"moov", _box(b"mvhd", mvhd + struct.pack(">I", 2)))
    return _box(b"ftyp", brand + bytes(4) + brand + b"mp41") + moov + _box(b"mdat", bytes(16))


def _heif(brand: bytes) -> bytes:
    """A HEIF/AVIF file with one (empty) coded image item whose data lies in ``mdat``."""
    hdlr = _box(b"hdlr", bytes(8) + b"pict" + bytes(12) + b"\0")
    infe = _box(b"infe", b"\x02\0\0\0" + struct.pack(">HH", 1, 0) + (b"av01" if brand == b"avif" else b"hvc1") + b"\0")
    head = _box(b"ftyp", brand + bytes(4) + b"mif1" + brand)

    def meta(data_at: int) -> bytes:
        iloc = _box(b"iloc", bytes(4) + b"\x44\x00" + struct.pack(">HHHHII", 1, 1, 0, 1, data_at, 4))
        iinf = _box(b"iinf", bytes(4) + struct.pack(">H", 1) + infe)
        return _box(b"meta", bytes(4) + hdlr + _box(b"pitm", bytes(4) + b"\0\1") + iloc + iinf)

    data_at = len(head) + len(meta(0)) + 8
    return head + meta(data_at) + _box(b"mdat", bytes(4))


def _wav() -> bytes:
    return _riff(b"WAVE", _riff_chunk(b"fmt ", struct.pack("<HHIIHH", 1, 1, 8000, 8000, 1, 8)),
                 _riff_chunk(b"data", bytes(8)))


def _avi() -> bytes:
    avih = _riff_chunk(b"avih", bytes(56))
    return _riff(b"AVI ", b"LIST" + struct.pack("<I", 4 + len(avih)) + b"hdrl" + avih,
                 b"LIST" + struct.pack("<I", 4) + b"movi")


def _flac() -> bytes:
    info = struct.pack(">HH", 4096, 4096) + bytes(6) + (44100 << 44 | 15 << 36).to_bytes(8, "big") + bytes(16)
    return b"fLaC\x80" + len(info).to_bytes(3, "big") + info


def _pdf() -> bytes:
    objects = [b"<</Type/Catalog/Pages 2 0 R>>", b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
               b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 10 10]>>"]
    out, offsets = b"%PDF-1.7\n", []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (n, body)
    xref = b"".join(b"%010d 00000 n \n" % o for o in offsets)
    trailer = b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, len(out))
    return out + b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1) + xref + trailer


def _zip(*members: tuple[str, str]) -> bytes:
    out = io.BytesIO()  # stored, not deflated: the SDK rewrites only stored archives
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        for name, text in members:
            z.writestr(name, text)
    return out.getvalue()


_XML = '<?xml version="1.0"?>'
CARRIERS: dict[str, tuple[str, bytes]] = {  # extension -> (MIME type, unsigned file)
    "jpg": ("image/jpeg", _JPEG),
    "png": ("image/png", _png()),
    "gif": ("image/gif", _GIF),
    "webp": ("image/webp", _riff(b"WEBP", _riff_chunk(b"VP8L", _WEBP_LOSSLESS))),
    "tif": ("image/tiff", _tiff()),
    "heic": ("image/heic", _heif(b"heic")),
    "avif": ("image/avif", _heif(b"avif")),
    "jxl": ("image/jxl", b"\0\0\0\x0cJXL \r\n\x87\n" + _box(b"ftyp", b"jxl \0\0\0\0jxl ")
            + _box(b"jxlc", bytes.fromhex("ff0afa1f009000100200"))),
    "svg": ("image/svg+xml", b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"><rect width="1" height="1"/></svg>\n'),
    "mp4": ("video/mp4", _mp4(b"isom")),
    "mov": ("video/quicktime", _mp4(b"qt  ")),
    "m4a": ("audio/mp4", _mp4(b"M4A ")),
    "avi": ("video/avi", _avi()),
    "wav": ("audio/wav", _wav()),
    "mp3": ("audio/mpeg", (b"\xff\xfb\x90\x64" + bytes(413)) * 3),
    "flac": ("audio/flac", _flac()),
    "pdf": ("application/pdf", _pdf()),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", _zip(
        ("[Content_Types].xml", _XML + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'),
        ("word/document.xml", _XML + '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>'))),
    "epub": ("application/epub+zip", _zip(
        ("mimetype", "application/epub+zip"),
        ("META-INF/container.xml", _XML + '<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container"/>'))),
    "odt": ("application/vnd.oasis.opendocument.text", _zip(
        ("mimetype", "application/vnd.oasis.opendocument.text"),
        ("content.xml", _XML + '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"/>'))),
}


@functools.cache
def _signer() -> object:
    """A C2PA signer with a certificate chain generated for this test run."""
    import c2pa
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = datetime.datetime.now(datetime.timezone.utc)

    def certificate(name: str, key: ec.EllipticCurvePrivateKey, issuer: x509.Name | None,
                    issuer_key: ec.EllipticCurvePrivateKey, ca: bool) -> x509.Certificate:
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name),
                             x509.NameAttribute(NameOID.ORGANIZATION_NAME, "genai-lint tests")])
        builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer or subject)
                   .public_key(key.public_key()).serial_number(x509.random_serial_number())
                   .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=7))
                   .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
                   .add_extension(x509.KeyUsage(not ca, False, False, False, False, ca, ca, False, False), critical=True))
        if not ca:
            builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
            builder = builder.add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False)
        return builder.sign(issuer_key, hashes.SHA256())

    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca = certificate("genai-lint test CA", ca_key, None, ca_key, True)
    leaf = certificate("genai-lint test signer", key, ca.subject, ca_key, False)
    chain = leaf.public_bytes(serialization.Encoding.PEM) + ca.public_bytes(serialization.Encoding.PEM)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return c2pa.Signer.from_info(c2pa.C2paSignerInfo(b"es256", chain, private, None))


def signed(extension: str, *, generative: bool) -> bytes:
    """The carrier for ``extension`` signed by the SDK with a generative or a capture ``c2pa.created`` action."""
    import c2pa

    mime, data = CARRIERS[extension]
    source_type = "trainedAlgorithmicMedia" if generative else "digitalCapture"
    manifest = {
        "claim_generator_info": [{"name": GENERATOR, "version": "1.0"}],
        "title": f"fixture.{extension}",
        "assertions": [{"label": "c2pa.actions.v2", "data": {"actions": [
            {"action": "c2pa.created", "digitalSourceType": DST + source_type}]}}],
    }
    out = io.BytesIO()
    c2pa.Builder(manifest).sign(_signer(), mime, io.BytesIO(data), out)
    return out.getvalue()
