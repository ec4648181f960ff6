"""`X-Content-Type-Options: nosniff` on every response.

Every answer declares its type (JSON, an Open Badges document, an image, the badge page):
a browser must not guess another one from the bytes, which would let a JSON body or an
uploaded file that looks like HTML run as a page of this origin. The edge layer
(`http/edge.py`) is the outermost one, and every answer passes through it, its own 500s
too, so it adds these headers as it adds the request id.
"""

from __future__ import annotations

# As ASGI sends them: lower-case names, bytes. They replace any the app set itself.
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = ((b"x-content-type-options", b"nosniff"),)
