"""Badge images for Open Badges tests: a round PNG badge drawn pixel by pixel, and an SVG."""

from __future__ import annotations

import math
import struct
import zlib

# The badge's colours: a blue disc in a gold ring on a transparent square.
DISC = (36, 86, 199)
RING = (232, 176, 35)


def png_chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def badge_png(size: int = 96) -> bytes:
    """An RGBA PNG of a round badge, with a tEXt chunk like image editors write."""
    centre, rows = (size - 1) / 2, []
    for y in range(size):
        row = bytearray([0])  # filter type: none
        for x in range(size):
            distance = math.hypot(x - centre, y - centre) / (size / 2)
            if distance <= 0.78:
                row += bytes([*DISC, 255])
            elif distance <= 0.98:
                row += bytes([*RING, 255])
            else:
                row += bytes([0, 0, 0, 0])
        rows.append(bytes(row))
    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"tEXt", b"Software\x00badgekit tests")
        + png_chunk(b"IDAT", zlib.compress(b"".join(rows)))
        + png_chunk(b"IEND", b"")
    )


BADGE_SVG = b"""<?xml version="1.0" encoding="UTF-8"?>
<!-- a test badge -->
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100" width="100" height="100">
  <circle cx="50" cy="50" r="48" fill="#e8b023"/>
  <circle cx="50" cy="50" r="38" fill="#2456c7"/>
  <text x="50" y="58" font-size="24" text-anchor="middle" fill="#fff">OB</text>
</svg>
"""
