"""Responses for public documents: JSON with the negotiated type, readable from any origin.

Each document carries an `ETag` (a hash of its bytes) and `Cache-Control: no-cache`: a
backpack or proxy may keep it, but must ask again before each use, and gets a bodiless 304
while it has not changed. Nothing is cached on our side, so a revoked assertion answers as
revoked on the very next request, whichever process or host serves it.
"""

from __future__ import annotations

import hashlib
from typing import Any

import orjson
from fastapi import Request, Response

# Public, credential-free documents: backpacks and verifiers read them from their own pages.
OPEN_TO_ALL = {"Access-Control-Allow-Origin": "*"}
REVALIDATE = "public, no-cache"


def document_response(
    document: dict[str, Any],
    media_type: str,
    status_code: int = 200,
    *,
    negotiated: bool = True,
    request: Request | None = None,
) -> Response:
    return body_response(
        orjson.dumps(document), media_type, status_code, negotiated=negotiated, request=request
    )


def body_response(
    body: bytes,
    media_type: str,
    status_code: int = 200,
    *,
    negotiated: bool = True,
    request: Request | None = None,
) -> Response:
    """`document_response` for a body already written (a VC-JWT, say)."""
    headers = dict(OPEN_TO_ALL)
    if negotiated:
        headers["Vary"] = "Accept"
    if status_code == 200:
        # The media type is part of the tag: the same JSON sent as another type differs.
        etag = hashlib.sha256(media_type.encode() + b"\n" + body).hexdigest()[:32]
        headers["ETag"] = f'"{etag}"'
        headers["Cache-Control"] = REVALIDATE
        if request is not None and _matches(request.headers.get("if-none-match"), etag):
            return Response(status_code=304, headers=headers)
    return Response(body, status_code=status_code, media_type=media_type, headers=headers)


def _matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    given = {tag.strip().removeprefix("W/").strip('"') for tag in if_none_match.split(",")}
    return etag in given
