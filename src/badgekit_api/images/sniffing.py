"""Tell an image's type from its bytes, never from the client's word."""

from __future__ import annotations

from badgekit_api.images.svg_scan import root_element_offset, start_tag_at, starts_element

# An SVG's root element must start this early (past its prolog) to be recognised.
SVG_HEAD_BYTES = 4096


def sniff_image_type(data: bytes) -> str | None:
    """The MIME type of a PNG, JPEG, GIF or SVG image, or None for anything else."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if _is_svg(data):
        return "image/svg+xml"
    return None


def _is_svg(data: bytes) -> bool:
    """Whether the root element is `<svg>`, starting early and with a start tag that ends
    (an image whose root tag never ends can be neither shown nor baked)."""
    head = data[:SVG_HEAD_BYTES]
    root = root_element_offset(head)
    return starts_element(head, root, b"svg") and start_tag_at(data, root) is not None
