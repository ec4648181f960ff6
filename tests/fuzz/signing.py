"""Sign `requests` calls the BadgeKit way, on the request exactly as it will be sent."""

from __future__ import annotations

import requests
from requests.auth import AuthBase

from badgekit_api.security.signing import sign_request
from tests.support import TEST_SECRET


class BadgeKitAuth(AuthBase):
    """Signs each prepared request: method, path with its query string, sha256 of the body.

    `requests` applies auth after it has encoded the body (JSON, form or multipart), so the
    hash covers the bytes that go on the wire.
    """

    def __init__(self, key: str = "master", secret: str = TEST_SECRET) -> None:
        self.key = key
        self.secret = secret

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        body = request.body
        if isinstance(body, str):
            # http.client would send a str body as latin-1; send (and hash) UTF-8 bytes.
            body = body.encode("utf-8")
            request.body = body
            request.headers["Content-Length"] = str(len(body))
        method = (request.method or "GET").upper()
        has_body = method in ("POST", "PUT") or bool(body)
        request.headers["Authorization"] = sign_request(
            method,
            request.path_url,
            body if has_body else None,
            key=self.key,
            secret=self.secret,
        )
        return request
