"""Baking: an assertion URL embedded in the badge image (Open Badges Baking Specification).

PNG: one uncompressed `iTXt` chunk with keyword `openbadges`, placed before `IEND`.
SVG: an `<openbadges:assertion verify="...">` element first inside the root `<svg>`, with the
`openbadges` namespace declared there. Any earlier Open Badges data is replaced (the spec
allows one per image).
"""

from __future__ import annotations

import struct
import zlib
from xml.sax.saxutils import quoteattr

from badgekit_api.images.svg_scan import end_of_end_tag, find_element, start_tag_at, svg_root

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG = "image/png"
SVG = "image/svg+xml"
EXTENSIONS = {PNG: "png", SVG: "svg"}
KEYWORD = b"openbadges"
ASSERTION = b"openbadges:assertion"
NAMESPACE = "http://openbadges.org"


class BakingError(Exception):
    """The stored image is not a well-formed PNG or SVG."""


def stored_extension(url: str | None, mimetype: str | None) -> str | None:
    """`png` or `svg` when we hold the bytes of an image with this link (None when we hold
    its bytes) and media type in a format that can be baked."""
    return None if url else EXTENSIONS.get(mimetype or "")


def bake(data: bytes, mimetype: str, assertion_url: str) -> bytes:
    if mimetype == PNG:
        return bake_png(data, assertion_url)
    if mimetype == SVG:
        return bake_svg(data, assertion_url)
    raise BakingError(f"{mimetype} images cannot be baked")


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def _png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """The (type, data) chunks of a PNG, checked for length and CRC, up to IEND."""
    if not data.startswith(PNG_SIGNATURE):
        raise BakingError("not a PNG file")
    chunks, offset = [], len(PNG_SIGNATURE)
    while True:
        if offset + 12 > len(data):
            raise BakingError("PNG ends before its IEND chunk")
        (length,) = struct.unpack_from(">I", data, offset)
        kind = data[offset + 4 : offset + 8]
        body = data[offset + 8 : offset + 8 + length]
        if len(body) != length or offset + 12 + length > len(data):
            raise BakingError("PNG chunk runs past the end of the file")
        (crc,) = struct.unpack_from(">I", data, offset + 8 + length)
        if crc != zlib.crc32(kind + body) & 0xFFFFFFFF:
            raise BakingError(f"PNG chunk {kind!r} has a bad CRC")
        chunks.append((kind, body))
        offset += 12 + length
        if kind == b"IEND":
            return chunks


def _is_open_badges_chunk(kind: bytes, body: bytes) -> bool:
    return kind in (b"iTXt", b"tEXt", b"zTXt") and body.startswith(KEYWORD + b"\x00")


def bake_png(data: bytes, assertion_url: str) -> bytes:
    chunks = _png_chunks(data)
    if not chunks or chunks[0][0] != b"IHDR":
        raise BakingError("PNG does not start with IHDR")
    # keyword NUL, compression flag 0 and method 0, empty language tag NUL, empty
    # translated keyword NUL, then the UTF-8 text.
    text = KEYWORD + b"\x00\x00\x00\x00\x00" + assertion_url.encode("utf-8")
    kept = [chunk for chunk in chunks[:-1] if not _is_open_badges_chunk(*chunk)]
    return (
        PNG_SIGNATURE
        + b"".join(_png_chunk(kind, body) for kind, body in kept)
        + _png_chunk(b"iTXt", text)
        + _png_chunk(b"IEND", b"")
    )


def _without_assertion(data: bytes) -> bytes:
    start = find_element(data, ASSERTION)
    if start is None:
        return data
    tag = start_tag_at(data, start)
    if tag is None:
        raise BakingError("unclosed <openbadges:assertion> tag")
    if tag.empty:
        return data[:start] + data[tag.end :]
    end = end_of_end_tag(data, ASSERTION, tag.end)
    if end is None:
        raise BakingError("unclosed <openbadges:assertion> element")
    return data[:start] + data[end:]


def bake_svg(data: bytes, assertion_url: str) -> bytes:
    root = svg_root(data)
    if root is None:
        raise BakingError("no <svg> root element")
    head, rest = data[: root.start], _without_assertion(data[root.end :])
    opening = data[root.start : root.end - (2 if root.empty else 1)].rstrip()
    if b"xmlns:openbadges" not in opening:
        opening += b' xmlns:openbadges="' + NAMESPACE.encode() + b'"'
    element = f"<openbadges:assertion verify={quoteattr(assertion_url)}/>".encode()
    if root.empty:
        return head + opening + b">" + element + b"</svg>" + rest
    return head + opening + b">" + element + rest
