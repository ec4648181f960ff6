"""Keep webhooks away from private networks: no private, loopback or link-local receivers.

A receiver is checked twice: its URL when the webhook is registered (an IP literal, or a
name that resolves to such an address, is a 400) and the address actually connected to at
delivery time, because DNS can change in between. The delivery check sits in the HTTP
client's network backend, so the address that is checked is the address that is used.
`WEBHOOK_ALLOW_PRIVATE=true` turns both off (receivers on the same host or network).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlsplit

import httpcore
import httpx
from fastapi import Depends, Request

from badgekit_api.config import Settings
from badgekit_api.errors import ValidationFailed

Resolver = Callable[[str, int], Awaitable[list[str]]]
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
REGISTRATION_LOOKUP_SECONDS = 3.0


class UnsafeWebhookAddress(Exception):
    """Refused to connect: the receiver's host is (or resolves to) a non-public address."""


async def resolve(host: str, port: int) -> list[str]:
    """Every address `host` resolves to (the system resolver)."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


# IPv6 ranges that carry an IPv4 address in their low (or, for 6to4, high) bits: the
# packet reaches that IPv4 address, so it is the one to judge.
_EMBEDDING_LOW_32 = [
    ipaddress.IPv6Network("::/96"),  # IPv4-compatible (deprecated, still routed by some stacks)
    ipaddress.IPv6Network("::ffff:0:0:0/96"),  # SIIT
    ipaddress.IPv6Network("64:ff9b::/96"),  # NAT64, well-known prefix
    ipaddress.IPv6Network("64:ff9b:1::/48"),  # NAT64, local-use prefix
]


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if any(address in network for network in _EMBEDDING_LOW_32):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def is_public(address: IPAddress) -> bool:
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            return is_public(embedded)
    return address.is_global and not address.is_multicast


def ip_literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class AddressPolicy:
    allow_private: bool = False
    resolver: Resolver = resolve

    @classmethod
    def from_settings(cls, settings: Settings) -> AddressPolicy:
        return cls(allow_private=settings.webhook_allow_private)

    async def public_addresses(self, host: str, port: int) -> list[str]:
        """The addresses to connect to; UnsafeWebhookAddress when any of them is not public."""
        literal = ip_literal(host)
        addresses = [str(literal)] if literal is not None else await self.resolver(host, port)
        if not addresses:
            raise UnsafeWebhookAddress(f"Host `{host}` has no address")
        if not self.allow_private and not all(_public_text(address) for address in addresses):
            raise UnsafeWebhookAddress(
                f"Refused to connect: host `{host}` is or resolves to a private, loopback or "
                "link-local address (set WEBHOOK_ALLOW_PRIVATE=true to allow it)"
            )
        return addresses

    async def check_url(self, url: str, field: str = "url") -> None:
        """Refuse (400) a receiver URL whose host is or resolves to a non-public address.

        A name that does not resolve (yet) is accepted: delivery checks it again.
        """
        parts = urlsplit(url)
        host = parts.hostname or ""
        if not host:
            raise ValidationFailed.field(field, url, "Must name a host")
        if "@" in parts.netloc:
            # Credentials in the URL would make the client send Basic auth instead of
            # the signature header (whatever the address policy).
            raise ValidationFailed.field(field, url, "Must not carry a user name or password")
        if self.allow_private:
            return
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            raise ValidationFailed.field(field, url, "Invalid port") from None
        try:
            async with asyncio.timeout(REGISTRATION_LOOKUP_SECONDS):
                await self.public_addresses(host, port)
        except UnsafeWebhookAddress:
            raise ValidationFailed.field(
                field,
                url,
                "Must not point at a private, loopback or link-local address",
            ) from None
        except (OSError, TimeoutError):
            return

    def transport(self, **options: Any) -> httpx.AsyncHTTPTransport:
        """An httpx transport that connects only to addresses this policy allows."""
        transport = httpx.AsyncHTTPTransport(**options)
        if not self.allow_private:
            # httpx has no public way to give its connection pool a network backend.
            pool = transport._pool
            pool._network_backend = _CheckedBackend(pool._network_backend, self)
        return transport


def _public_text(address: str) -> bool:
    literal = ip_literal(address.split("%")[0])
    return literal is not None and is_public(literal)


class _CheckedBackend(httpcore.AsyncNetworkBackend):
    """Resolves the host itself, checks every address, then connects to a checked one."""

    def __init__(self, inner: httpcore.AsyncNetworkBackend, policy: AddressPolicy) -> None:
        self.inner = inner
        self.policy = policy

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await self.policy.public_addresses(host, port)
        last_error: Exception | None = None
        for address in addresses:
            try:
                return await self.inner.connect_tcp(
                    address,
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last_error = exc
        assert last_error is not None
        raise last_error

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise UnsafeWebhookAddress("Refused to connect to a unix socket")

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


def address_policy(request: Request) -> AddressPolicy:
    policy: AddressPolicy = request.app.state.webhook_addresses
    return policy


AddressPolicyDep = Annotated[AddressPolicy, Depends(address_policy)]
