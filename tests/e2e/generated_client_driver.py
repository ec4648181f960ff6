"""Run inside the openapi-python-client virtualenv: drive the client generated from
`/openapi.json` against a live server and print what each step answered, as JSON.

Usage: generated_client_driver.py <directory holding the generated package> <base url>
<master secret>. Only the standard library, httpx and the generated package are imported:
the BadgeKit token is signed here by hand (HS256 over method, path and body hash).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import sys
from collections.abc import Generator
from typing import Any

import httpx


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class BadgeKitAuth(httpx.Auth):
    """Signs each request as sent: httpx hands over the encoded body first."""

    requires_request_body = True

    def __init__(self, secret: str) -> None:
        self.secret = secret.encode()

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response]:
        claims: dict[str, Any] = {
            "key": "master",
            "method": request.method,
            "path": request.url.raw_path.decode(),
        }
        if request.method in ("POST", "PUT") or request.content:
            claims["body"] = {"alg": "sha256", "hash": hashlib.sha256(request.content).hexdigest()}
        header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
        payload = _b64(json.dumps(claims).encode())
        signature = hmac.new(self.secret, f"{header}.{payload}".encode(), hashlib.sha256)
        token = f"{header}.{payload}.{_b64(signature.digest())}"
        request.headers["Authorization"] = f'JWT token="{token}"'
        yield request


def main(package_dir: str, base_url: str, secret: str) -> None:
    sys.path.insert(0, package_dir)
    from badge_kit_api_client import Client  # type: ignore[import-not-found]
    from badge_kit_api_client.api.badges import (  # type: ignore[import-not-found]
        create_badge_systems_system_slug_badges_post as create_badge,
    )
    from badge_kit_api_client.api.instances import (  # type: ignore[import-not-found]
        create_instance_systems_system_slug_badges_badge_slug_instances_post as award,
    )
    from badge_kit_api_client.api.instances import (
        get_instance_systems_system_slug_badges_badge_slug_instances_email_get as get_instance,
    )
    from badge_kit_api_client.api.systems import (  # type: ignore[import-not-found]
        create_system_systems_post as create_system,
    )
    from badge_kit_api_client.models import (  # type: ignore[import-not-found]
        BadgeCreate,
        ContainerCreate,
        InstanceCreate,
    )

    client = Client(base_url=base_url, httpx_args={"auth": BadgeKitAuth(secret)})
    steps: dict[str, Any] = {}

    def record(step: str, response: Any) -> None:
        steps[step] = {"status": int(response.status_code), "body": json.loads(response.content)}

    record(
        "create_system",
        create_system.sync_detailed(
            client=client,
            body=ContainerCreate(slug="chicago", name="City of Chicago", url="https://c.example"),
        ),
    )
    badge = BadgeCreate(
        slug="reader",
        name="Reader",
        earner_description="Reads",
        consumer_description="Has read",
        criteria_url="https://c.example/criteria",
        unique=True,
        type_="skill",
        image_url="https://c.example/reader.png",
    )
    record("create_badge", create_badge.sync_detailed("chicago", client=client, body=badge))
    earner = InstanceCreate(email="earner@example.org")
    record("award", award.sync_detailed("chicago", "reader", client=client, body=earner))
    record(
        "get_instance",
        get_instance.sync_detailed("chicago", "reader", "earner@example.org", client=client),
    )
    sys.stdout.write(json.dumps(steps))


if __name__ == "__main__":
    main(*sys.argv[1:4])
