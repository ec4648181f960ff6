"""Webhook receivers on loopback sockets: a careful one that can go down and come back on
the same port, and misbehaving ones (hang, reset, slow, trickle, redirect, huge answer).

Plain asyncio servers speaking just enough HTTP/1.1: every answer closes its connection.
"""

from __future__ import annotations

import asyncio
import socket
import struct
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from typing import Any

from tests.live_server import free_port
from tests.webhooks.support import Received, verified_claims


@dataclass
class Call:
    """One request as it arrived, and when."""

    received: Received
    at: float

    @property
    def event_id(self) -> str:
        return self.received.event_id

    def json(self) -> Any:
        return self.received.json()


async def read_request(reader: asyncio.StreamReader, url: str) -> Received:
    head = await reader.readuntil(b"\r\n\r\n")  # at most the reader's limit, 64 KiB
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    body = await reader.readexactly(int(headers.get("content-length", "0")))
    return Received(url, headers, body)


def response(status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> bytes:
    lines = [f"HTTP/1.1 {status} Whatever", f"Content-Length: {len(body)}", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


class LoopbackServer:
    """A TCP server on 127.0.0.1 at a fixed port, answering each request with `answer`."""

    def __init__(self, path: str = "/hook") -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}{path}"
        self.calls: list[Call] = []
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.Task[None]] = set()

    async def answer(self, writer: asyncio.StreamWriter) -> None:
        writer.write(response(200, b"ok"))

    async def up(self) -> None:
        assert self._server is None, "already up"
        self._server = await asyncio.start_server(
            self._serve, "127.0.0.1", self.port, reuse_address=True
        )

    async def down(self) -> None:
        """Stop listening and drop open connections: connects are refused from now on."""
        if self._server is None:
            return
        self._server.close()
        for task in list(self._connections):
            task.cancel()
        await asyncio.gather(*self._connections, return_exceptions=True)
        await self._server.wait_closed()
        self._server = None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._connections.add(task)
        try:
            received = await read_request(reader, self.url)
            self.calls.append(Call(received, time.monotonic()))
            await self.answer(writer)
            await writer.drain()
        except (
            OSError,
            ValueError,
            asyncio.IncompleteReadError,
            asyncio.LimitOverrunError,
            asyncio.CancelledError,
        ):
            pass
        finally:
            self._connections.discard(task)
            writer.close()
            with suppress(OSError, asyncio.CancelledError):
                await writer.wait_closed()


class CarefulReceiver(LoopbackServer):
    """Checks each call's signature and handles each event id (the token's `jti`) once,
    as the webhook documentation asks receivers to."""

    def __init__(self) -> None:
        super().__init__()
        self.secret: str | None = None
        self.delay_seconds = 0.0
        self.handled: dict[str, Call] = {}
        self.duplicates = 0
        self.rejected: list[str] = []

    async def answer(self, writer: asyncio.StreamWriter) -> None:
        call = self.calls[-1]
        try:
            assert self.secret is not None, "register the webhook and set its secret first"
            jti = verified_claims(call.received, self.secret)["jti"]
            assert jti == call.event_id, "the token's jti is not the event id"
        except Exception as exc:
            self.rejected.append(repr(exc))
            writer.write(response(401, b"bad signature"))
            return
        if self.delay_seconds:
            await asyncio.sleep(self.delay_seconds)
        if jti in self.handled:
            self.duplicates += 1
        else:
            self.handled[jti] = call
        writer.write(response(200, b"ok"))

    def awards(self) -> list[tuple[str, str]]:
        """(badge slug, email) of each award event handled, once per event id."""
        return [
            (call.json()["badge"]["slug"], call.json()["email"])
            for call in self.handled.values()
            if call.json()["action"] == "award"
        ]


class MisbehavingReceiver(LoopbackServer):
    """A receiver that answers badly in one way; `kind` is one of KINDS."""

    KINDS = ("hang", "reset", "slow", "trickle", "redirect", "huge")
    SLOW_SECONDS = 1.5

    def __init__(self, kind: str, *, redirect_to: str = "http://127.0.0.1:9/elsewhere") -> None:
        assert kind in self.KINDS, kind
        super().__init__(path=f"/{kind}")
        self.kind = kind
        self.redirect_to = redirect_to

    async def answer(self, writer: asyncio.StreamWriter) -> None:
        if self.kind == "hang":
            await asyncio.Event().wait()  # accept, read, never answer
        elif self.kind == "reset":
            sock = writer.get_extra_info("socket")
            # Linger 0: close() sends a RST instead of a FIN.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            writer.transport.abort()
        elif self.kind == "slow":
            await asyncio.sleep(self.SLOW_SECONDS)  # within the sender's timeout, just
            writer.write(response(200, b"ok"))
        elif self.kind == "trickle":
            # One byte of a 500 at a time, each well within any read timeout: the answer
            # never ends, and no single read ever waits long.
            for byte in response(500, b"x" * 100_000):
                writer.write(bytes([byte]))
                await writer.drain()
                await asyncio.sleep(0.5)
        elif self.kind == "redirect":
            writer.write(response(307, headers={"Location": self.redirect_to}))
        else:
            await self._huge(writer)

    async def _huge(self, writer: asyncio.StreamWriter) -> None:
        # A 500 announcing 4 GiB, sent as fast as the client reads it.
        head = "HTTP/1.1 500 Whatever\r\nContent-Length: 4294967296\r\nConnection: close\r\n\r\n"
        writer.write(head.encode())
        chunk = b"z" * 65536
        for _ in range(65536):
            writer.write(chunk)
            await writer.drain()


@asynccontextmanager
async def receivers_up(*servers: LoopbackServer) -> AsyncIterator[None]:
    for server in servers:
        await server.up()
    try:
        yield
    finally:
        for server in servers:
            await server.down()
