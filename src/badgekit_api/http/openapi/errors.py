"""The BadgeKit error bodies each operation can answer, with one shared schema."""

from __future__ import annotations

from typing import Any

from badgekit_api.http.header_limits import MAX_HEAD_BYTES, MAX_HEADERS
from badgekit_api.http.openapi.routes import RouteTraits

ERROR_BODY = "BadgeKitErrorBody"
FIELD_ERROR = "BadgeKitFieldError"

SCHEMAS: dict[str, Any] = {
    FIELD_ERROR: {
        "title": FIELD_ERROR,
        "type": "object",
        "description": "One invalid input of a `ValidationError`.",
        "properties": {
            "field": {"type": "string", "description": "The field, dotted when nested"},
            "value": {"description": "The value given, when it is a plain value"},
            "message": {"type": "string"},
        },
        "required": ["field", "message"],
    },
    ERROR_BODY: {
        "title": ERROR_BODY,
        "type": "object",
        "description": "Every error answer: a machine-readable `code` and a `message`.",
        "properties": {
            "code": {
                "type": "string",
                "description": (
                    "`ValidationError`, `InvalidParameter`, `CodeAlreadyUsed`, `BadRequest` "
                    "(400), `NotAuthorized` (403), `ResourceNotFound` (404), "
                    "`MethodNotAllowed` (405), `ResourceConflict` (409), `PayloadTooLarge` "
                    "(413), `UnsupportedMediaType` (415), `TooManyRequests` (429), "
                    "`RequestHeaderFieldsTooLarge` (431), "
                    "`InternalError` (500), "
                    "`ServiceUnavailable` (503)"
                ),
            },
            "message": {"type": "string"},
            "details": {
                "description": (
                    "`ValidationError`: the invalid fields; `ResourceConflict`: what it "
                    "conflicts with"
                ),
                "anyOf": [
                    {"type": "array", "items": {"$ref": f"#/components/schemas/{FIELD_ERROR}"}},
                    {"type": "object"},
                ],
            },
            "parameter": {
                "type": "string",
                "description": "`InvalidParameter`: the query parameter at fault",
            },
            "error": {
                "type": "string",
                "description": "`ResourceConflict`: the message again, as the reference names it",
            },
        },
        "required": ["code", "message"],
    },
}

_NOT_FOUND = "Could not find badge field: `slug`, value: `nope`"
STATUSES: dict[int, tuple[str, dict[str, Any]]] = {
    400: (
        "Invalid input: a `ValidationError` listing the fields at fault in `details` (a NUL "
        "character anywhere in the URL or the body is one), or an `InvalidParameter` naming "
        "the query `parameter`",
        {
            "code": "ValidationError",
            "message": "Could not validate required fields",
            "details": [{"field": "name", "value": None, "message": "Missing required field"}],
        },
    ),
    403: (
        "`NotAuthorized`: no token, a malformed or badly signed one, or a key not valid here",
        {"code": "NotAuthorized", "message": "Token signature is invalid"},
    ),
    404: (
        "`ResourceNotFound`: a container or resource named in the path (or the body) does "
        "not exist",
        {"code": "ResourceNotFound", "message": _NOT_FOUND},
    ),
    409: (
        "`ResourceConflict`: the change clashes with existing data (a taken slug, a badge "
        "already awarded, ...)",
        {
            "code": "ResourceConflict",
            "message": "A badge with the slug `maths` already exists in this system",
            "error": "A badge with the slug `maths` already exists in this system",
            "details": {"slug": "maths"},
        },
    ),
    413: (
        "`PayloadTooLarge`: the body is larger than the server accepts (`MAX_BODY_BYTES`)",
        {"code": "PayloadTooLarge", "message": "Request body is larger than 8388608 bytes"},
    ),
    415: (
        "`UnsupportedMediaType`: the body is neither JSON, urlencoded nor multipart",
        {"code": "UnsupportedMediaType", "message": "Unsupported Content-Type `text/csv`"},
    ),
    429: (
        "`TooManyRequests`: the request failed (a bad token, a wrong claim code) and this "
        "client or code has failed too often this minute; a request that succeeds is "
        "always served. Try again after `Retry-After` seconds",
        {"code": "TooManyRequests", "message": "Too many failed authorizations from this client"},
    ),
    431: (
        "`RequestHeaderFieldsTooLarge`: the request line and headers are larger than "
        f"{MAX_HEAD_BYTES} bytes or more than {MAX_HEADERS} fields (`badgekit-api serve` "
        "answers before the request reaches the API)",
        {
            "code": "RequestHeaderFieldsTooLarge",
            "message": f"Request headers must be at most {MAX_HEAD_BYTES} bytes and "
            f"{MAX_HEADERS} fields",
        },
    ),
    500: (
        "`InternalError`: an unexpected failure (the details are in the server's log)",
        {"code": "InternalError", "message": "Internal server error"},
    ),
    503: (
        "`ServiceUnavailable`: the database cannot be reached, or the change collided with "
        "a concurrent one; nothing was written, send it again after `Retry-After` seconds",
        {"code": "ServiceUnavailable", "message": "Database is unavailable"},
    ),
}
BODY_CHANGES = frozenset({"post", "put"})


def error_statuses(traits: RouteTraits, method: str) -> list[int]:
    """The error statuses an operation can answer, from what its route depends on."""
    # Any URL may hold a NUL (400), and any request may send too large a body (413) or
    # too large a head (431).
    statuses = {400, 413, 431, 500}
    if traits.signed:
        # The token check counts the client's failures.
        statuses |= {403, 429}
    if traits.path_params:
        statuses.add(404)
    if traits.body_model is not None:
        # A body may name other resources: a badge id, a claim code, a system.
        statuses |= {404, 415}
        if method in BODY_CHANGES:
            statuses.add(409)
    return sorted(statuses)


RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds until the client may try again",
        "schema": {"type": "integer"},
    }
}


def error_content(example: dict[str, Any]) -> dict[str, Any]:
    schema = {"$ref": f"#/components/schemas/{ERROR_BODY}"}
    return {"application/json": {"schema": schema, "example": example}}


def add_error_responses(operation: dict[str, Any], traits: RouteTraits, method: str) -> None:
    """Document each error status, keeping what a router declared (adding the body schema)."""
    responses: dict[str, Any] = operation.setdefault("responses", {})
    # FastAPI's own 422 never happens: request validation errors answer a BadgeKit 400.
    responses.pop("422", None)
    for status in error_statuses(traits, method):
        responses.setdefault(str(status), {"description": STATUSES[status][0]})
    for key, response in responses.items():
        if key.isdigit() and int(key) in STATUSES and "content" not in response:
            response["content"] = error_content(STATUSES[int(key)][1])
    if "429" in responses:
        responses["429"].setdefault("headers", RETRY_AFTER)
    operation["responses"] = dict(sorted(responses.items()))
