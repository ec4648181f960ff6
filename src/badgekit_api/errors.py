"""Domain errors and the handlers that render them as BadgeKit error bodies."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

logger = logging.getLogger(__name__)


class BadgeKitError(Exception):
    """An error with its HTTP status and BadgeKit `code`; raised by services, never HTTP-aware."""

    status_code = 500
    code = "InternalError"

    def __init__(self, message: str, *, details: Any = None, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details
        self.extra = extra

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        body.update(self.extra)
        if self.details is not None:
            body["details"] = self.details
        return body


class NotFound(BadgeKitError):
    status_code = 404
    code = "ResourceNotFound"

    @classmethod
    def for_field(cls, model: str, field: str, value: object) -> NotFound:
        return cls(f"Could not find {model} field: `{field}`, value: `{value}`")


class ValidationFailed(BadgeKitError):
    status_code = 400
    code = "ValidationError"

    def __init__(self, details: list[dict[str, Any]], message: str | None = None) -> None:
        super().__init__(message or "Could not validate required fields", details=details)

    @classmethod
    def field(cls, field: str, value: Any, message: str) -> ValidationFailed:
        return cls([{"field": field, "value": value, "message": message}])


class InvalidParameter(BadgeKitError):
    status_code = 400
    code = "InvalidParameter"

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(message, parameter=parameter)


class Conflict(BadgeKitError):
    status_code = 409
    code = "ResourceConflict"

    def body(self) -> dict[str, Any]:
        # The docs name the message `error`, the original server sent `message`: send both.
        body = super().body()
        body["error"] = self.message
        return body


class CodeAlreadyUsed(BadgeKitError):
    status_code = 400
    code = "CodeAlreadyUsed"

    @classmethod
    def for_code(cls, code: str) -> CodeAlreadyUsed:
        return cls(f"Claim code `{code}` has already been claimed")


class NotAuthorized(BadgeKitError):
    status_code = 403
    code = "NotAuthorized"


class PayloadTooLarge(BadgeKitError):
    status_code = 413
    code = "PayloadTooLarge"


class Unavailable(BadgeKitError):
    status_code = 503
    code = "ServiceUnavailable"


def _render(exc: BadgeKitError) -> JSONResponse:
    return JSONResponse(exc.body(), status_code=exc.status_code)


async def handle_badgekit_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, BadgeKitError)
    return _render(exc)


async def handle_request_validation(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    details = [
        {
            "field": ".".join(str(part) for part in error["loc"][1:]) or str(error["loc"][0]),
            "value": error.get("input") if _is_plain(error.get("input")) else None,
            "message": error["msg"],
        }
        for error in exc.errors()
    ]
    return _render(ValidationFailed(details))


async def handle_http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 404:
        return _render(NotFound("Not found"))
    if exc.status_code == 405:
        error = BadgeKitError("Method not allowed")
        error.status_code, error.code = 405, "MethodNotAllowed"
        return JSONResponse(error.body(), status_code=405, headers=exc.headers)
    error = BadgeKitError(str(exc.detail))
    error.status_code, error.code = exc.status_code, "BadRequest"
    return _render(error)


async def handle_unexpected(request: Request, exc: Exception) -> JSONResponse:
    logger.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return _render(BadgeKitError("Internal server error"))


def _is_plain(value: Any) -> bool:
    return isinstance(value, str | int | float | bool) or value is None


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(BadgeKitError, handle_badgekit_error)
    app.add_exception_handler(RequestValidationError, handle_request_validation)
    app.add_exception_handler(StarletteHTTPException, handle_http_error)
    app.add_exception_handler(Exception, handle_unexpected)
