"""Limits on a request's head (request line and headers), enforced while uvicorn reads it.

uvicorn's httptools protocol takes a head of any size with any number of headers (a
200 KB header, 5,000 headers): all of it is held in memory and handed to the app before
anything can refuse it. `serve` runs this subclass instead, which answers
`431 RequestHeaderFieldsTooLarge` (in the BadgeKit error format) and closes the connection
as soon as a head grows past `MAX_HEAD_BYTES` or `MAX_HEADERS`, before the app is called.

The largest legitimate head is far below both: the longest BadgeKit token (a JWT carrying
the method, the full path with its query, a body hash, `exp`, `iat` and `jti`) is under
2 KB, and a browser or proxy adds a few dozen headers at most.
"""

from __future__ import annotations

import orjson
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

MAX_HEAD_BYTES = 16 * 1024
MAX_HEADERS = 100
# What uvicorn is given as its `http` protocol (an import string, for worker processes).
PROTOCOL = f"{__name__}:HeadLimitedProtocol"

_BODY = orjson.dumps(
    {
        "code": "RequestHeaderFieldsTooLarge",
        "message": f"Request headers must be at most {MAX_HEAD_BYTES} bytes "
        f"and {MAX_HEADERS} fields",
    }
)


class _HeadTooLarge(Exception):
    """Raised in a parser callback, which makes the parser stop with an error."""


class HeadLimitedProtocol(HttpToolsProtocol):
    # The parser only calls `on_header` once a header is complete, holding its bytes until
    # then: what arrives while a head is being read is counted here too, so that a header
    # that never ends cannot grow without bound either.
    _in_head = True
    _head_bytes_received = 0
    _head_bytes = 0
    _headers = 0
    _too_large = False

    def data_received(self, data: bytes) -> None:
        if self._in_head:
            self._head_bytes_received += len(data)
        super().data_received(data)
        if self._in_head and self._head_bytes_received > MAX_HEAD_BYTES:
            self._too_large = True
            self.send_400_response("")

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._head_bytes = self._headers = 0

    def on_url(self, url: bytes) -> None:
        self._count(len(url))
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._headers += 1
        self._count(len(name) + len(value) + 4)  # with ": " and CRLF
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self._in_head = False
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        # A connection kept alive reads the next request's head from here on.
        self._in_head, self._head_bytes_received = True, 0
        super().on_message_complete()

    def send_400_response(self, msg: str) -> None:
        # uvicorn answers any parser error with a 400; the one raised by `_count` is a 431.
        if not self._too_large:
            super().send_400_response(msg)
            return
        if self.transport.is_closing():
            return
        content = [STATUS_LINE[431]]
        for name, value in self.server_state.default_headers:
            content.extend([name, b": ", value, b"\r\n"])
        content.extend(
            [
                b"content-type: application/json\r\n",
                b"content-length: " + str(len(_BODY)).encode("ascii") + b"\r\n",
                b"x-content-type-options: nosniff\r\n",
                b"connection: close\r\n",
                b"\r\n",
                _BODY,
            ]
        )
        self.transport.write(b"".join(content))
        self.transport.close()

    def _count(self, size: int) -> None:
        self._head_bytes += size
        if self._head_bytes > MAX_HEAD_BYTES or self._headers > MAX_HEADERS:
            self._too_large = True
            raise _HeadTooLarge
