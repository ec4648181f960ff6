"""Responses for public documents: JSON with the negotiated type, readable from any origin."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import Response

# Public, credential-free documents: backpacks and verifiers read them from their own pages.
OPEN_TO_ALL = {"Access-Control-Allow-Origin": "*", "X-Content-Type-Options": "nosniff"}


def document_response(
    document: dict[str, Any], media_type: str, status_code: int = 200, *, negotiated: bool = True
) -> Response:
    headers = dict(OPEN_TO_ALL)
    if negotiated:
        headers["Vary"] = "Accept"
    return Response(
        orjson.dumps(document), status_code=status_code, media_type=media_type, headers=headers
    )
