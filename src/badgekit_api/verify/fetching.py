"""Reading another issuer's DID document or status list over HTTPS, with the webhooks'
refusal of private addresses, a short timeout and a size limit: a verify request must not
make the server reach into its own network, wait long or read much."""

from __future__ import annotations

import httpx

from badgekit_api.webhooks.addresses import AddressPolicy, UnsafeWebhookAddress

TIMEOUT_SECONDS = 5.0
MAX_DOCUMENT_BYTES = 256 * 1024


class NotFetched(Exception):
    """The document could not be read (the message says why)."""


async def fetch(url: str, policy: AddressPolicy) -> bytes:
    if not url.startswith("https://"):
        raise NotFetched(f"{url} is not an https URL")
    transport = policy.transport()
    try:
        async with (
            httpx.AsyncClient(
                transport=transport, timeout=TIMEOUT_SECONDS, follow_redirects=False
            ) as client,
            client.stream("GET", url, headers={"Accept": "application/json, */*"}) as response,
        ):
            if response.status_code != 200:
                raise NotFetched(f"{url} answered {response.status_code}")
            body = bytearray()
            async for chunk in response.aiter_bytes():
                body += chunk
                if len(body) > MAX_DOCUMENT_BYTES:
                    raise NotFetched(f"{url} is larger than {MAX_DOCUMENT_BYTES} bytes")
            return bytes(body)
    except (httpx.HTTPError, UnsafeWebhookAddress, OSError) as error:
        raise NotFetched(f"{url} could not be read: {error}") from None
