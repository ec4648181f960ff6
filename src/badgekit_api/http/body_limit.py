"""`MAX_BODY_BYTES` for every route, public ones included, and for chunked bodies too.

A declared `Content-Length` over the limit is answered 413 before the app runs
(`http/edge.py`). A body without one is counted as it is read: the read that crosses the
limit raises PayloadTooLarge, which the app's error handler turns into the same 413, and
nothing more of the body is taken in.
"""

from __future__ import annotations

from starlette.types import Message, Receive

from badgekit_api.errors import PayloadTooLarge


def too_large(max_bytes: int) -> PayloadTooLarge:
    return PayloadTooLarge(f"Request body is larger than {max_bytes} bytes")


def declared_length(value: bytes) -> int | None:
    """A `Content-Length` header's value, None when it is not a plain number."""
    return int(value) if value.isdigit() else None


def counting(receive: Receive, max_bytes: int) -> Receive:
    """`receive`, raising PayloadTooLarge at the read that takes the body past the limit."""
    received = 0

    async def counting_receive() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > max_bytes:
                raise too_large(max_bytes)
        return message

    return counting_receive
