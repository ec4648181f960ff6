"""Baking: an assertion embedded in the badge image (Open Badges Baking Specification).

PNG: one uncompressed `iTXt` chunk with keyword `openbadges`, placed before `IEND`, whose
text is the 2.0 assertion's JSON (or, for 1.0, its URL).
SVG: an `<openbadges:assertion verify="URL">` element first inside the root `<svg>`, the
2.0 assertion's JSON in it as CDATA, with the `openbadges` namespace declared there. Any
earlier Open Badges data is replaced (the spec allows one per image).

The same chunk and element, under other names, carry an Open Badges 3.0 credential
(`ob3/baking.py`); reading them back (`unbake_*`) serves the verify endpoint.
"""

from __future__ import annotations

import html
import re
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
CREDENTIAL = b"openbadges:credential"
BAKED_ELEMENTS = (ASSERTION, CREDENTIAL)
# ` xmlns:openbadges="..."` in a root start tag. A match starts only where a run of spaces
# does, so a long run is scanned once, not once per space in it.
_PREFIX_DECLARATION = re.compile(
    rb"(?<![ \t\r\n])[ \t\r\n]++xmlns:openbadges[ \t\r\n]*+=[ \t\r\n]*+(?:\"[^\"]*+\"|'[^']*+')"
)
_VERIFY = re.compile(rb"[ \t\r\n]verify[ \t\r\n]*+=[ \t\r\n]*+(?:\"([^\"]*+)\"|'([^']*+)')")
# An element body: CDATA sections, and the character data between them.
_BODY_PART = re.compile(rb"<!\[CDATA\[((?:[^\]]++|\](?!\]>))*+)\]\]>|([^<]++|<(?!!\[CDATA\[))")


class BakingError(Exception):
    """The stored image is not a well-formed PNG or SVG."""


def stored_extension(url: str | None, mimetype: str | None) -> str | None:
    """`png` or `svg` when we hold the bytes of an image with this link (None when we hold
    its bytes) and media type in a format that can be baked."""
    return None if url else EXTENSIONS.get(mimetype or "")


def bake(data: bytes, mimetype: str, url: str, assertion_json: str | None = None) -> bytes:
    """The image with the hosted assertion at `url` baked in: its JSON itself when given
    (Open Badges 2.0 baking), else only the URL (as the original baked 1.0 assertions)."""
    if mimetype == PNG:
        return bake_png(data, assertion_json if assertion_json is not None else url)
    if mimetype == SVG:
        return bake_svg(data, url, assertion_json)
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


def _is_text_chunk(kind: bytes, body: bytes, keyword: bytes) -> bool:
    return kind in (b"iTXt", b"tEXt", b"zTXt") and body.startswith(keyword + b"\x00")


def bake_png(data: bytes, text: str, keyword: bytes = KEYWORD) -> bytes:
    """The PNG with `text` in one uncompressed `iTXt` chunk called `keyword`, before IEND,
    in place of any earlier text chunk of that keyword."""
    chunks = _png_chunks(data)
    if not chunks or chunks[0][0] != b"IHDR":
        raise BakingError("PNG does not start with IHDR")
    # keyword NUL, compression flag 0 and method 0, empty language tag NUL, empty
    # translated keyword NUL, then the UTF-8 text.
    chunk = keyword + b"\x00\x00\x00\x00\x00" + text.encode("utf-8")
    kept = [chunk for chunk in chunks[:-1] if not _is_text_chunk(*chunk, keyword)]
    return (
        PNG_SIGNATURE
        + b"".join(_png_chunk(kind, body) for kind, body in kept)
        + _png_chunk(b"iTXt", chunk)
        + _png_chunk(b"IEND", b"")
    )


def unbake_png(data: bytes, keyword: bytes = KEYWORD) -> str | None:
    """The text of the first `iTXt` (or `tEXt`) chunk called `keyword`, if there is one."""
    for kind, body in _png_chunks(data):
        if not _is_text_chunk(kind, body, keyword):
            continue
        rest = body[len(keyword) + 1 :]
        if kind == b"tEXt":
            return rest.decode("latin-1")
        if kind == b"iTXt" and len(rest) >= 2:
            compressed, rest = rest[0], rest[2:]
            _language, _, rest = rest.partition(b"\x00")
            _translated, _, text = rest.partition(b"\x00")
            if compressed:
                text = _inflate(text)
            try:
                return text.decode("utf-8")
            except UnicodeDecodeError:
                raise BakingError("the baked text is not UTF-8") from None
    return None


MAX_INFLATED = 4 * 1024 * 1024


def _inflate(data: bytes) -> bytes:
    """Compressed iTXt text (which bakers must not write, but may), bounded in size."""
    inflater = zlib.decompressobj()
    try:
        text = inflater.decompress(data, MAX_INFLATED)
    except zlib.error:
        raise BakingError("the baked text does not decompress") from None
    if inflater.unconsumed_tail:
        raise BakingError("the baked text decompresses to more than 4 MiB")
    return text


def _without_element(data: bytes, name: bytes) -> bytes:
    """The document without its first `<name>` element (the spec allows one)."""
    start = find_element(data, name)
    if start is None:
        return data
    tag = start_tag_at(data, start)
    if tag is None:
        raise BakingError(f"unclosed <{name.decode()}> tag")
    if tag.empty:
        return data[:start] + data[tag.end :]
    end = end_of_end_tag(data, name, tag.end)
    if end is None:
        raise BakingError(f"unclosed <{name.decode()}> element")
    return data[:start] + data[end:]


def bake_svg(
    data: bytes,
    verify: str | None,
    content: str | None = None,
    *,
    element: bytes = ASSERTION,
    namespace: str = NAMESPACE,
) -> bytes:
    """The SVG with `<element verify="...">` (when `verify` is given) first in its root,
    holding `content` as CDATA when given, and the `openbadges` prefix bound to
    `namespace`. Earlier Open Badges elements of either version go (the prefix can name
    only one namespace)."""
    root = svg_root(data)
    if root is None:
        raise BakingError("no <svg> root element")
    rest = data[root.end :]
    for name in BAKED_ELEMENTS:
        rest = _without_element(rest, name)
    opening = data[root.start : root.end - (2 if root.empty else 1)].rstrip()
    opening = _PREFIX_DECLARATION.sub(b"", opening)
    opening += b" xmlns:openbadges=" + quoteattr(namespace).encode()
    tag = b"<" + element + (b" verify=" + quoteattr(verify).encode() if verify else b"")
    if content is None:
        baked = tag + b"/>"
    else:
        baked = tag + b">" + _cdata(content) + b"</" + element + b">"
    head = data[: root.start]
    if root.empty:
        return head + opening + b">" + baked + b"</svg>" + rest
    return head + opening + b">" + baked + rest


def _cdata(text: str) -> bytes:
    """`text` as CDATA; a `]]>` inside it is split across two sections."""
    return b"<![CDATA[" + text.encode("utf-8").replace(b"]]>", b"]]]]><![CDATA[>") + b"]]>"


def unbake_svg(data: bytes, element: bytes = ASSERTION) -> tuple[str | None, str | None]:
    """The `verify` attribute and the text (CDATA or escaped) of the first `<element>`,
    each None when absent; (None, None) when there is no such element."""
    start = find_element(data, element)
    if start is None:
        return None, None
    tag = start_tag_at(data, start)
    if tag is None:
        raise BakingError(f"unclosed <{element.decode()}> tag")
    attribute = _VERIFY.search(data, start, tag.end)
    verify = None
    if attribute:
        quoted = attribute.group(1) if attribute.group(1) is not None else attribute.group(2)
        verify = _xml_text(quoted)
    if tag.empty:
        return verify, None
    end = end_of_end_tag(data, element, tag.end)
    if end is None:
        raise BakingError(f"unclosed <{element.decode()}> element")
    body = data[tag.end : data.rindex(b"</", tag.end, end)]
    text = "".join(
        part.group(1).decode("utf-8") if part.group(1) is not None else _xml_text(part.group(2))
        for part in _BODY_PART.finditer(body)
    ).strip()
    return verify, text or None


def _xml_text(raw: bytes) -> str:
    """Character data with its five entities and numeric references resolved."""
    return html.unescape(raw.decode("utf-8"))
