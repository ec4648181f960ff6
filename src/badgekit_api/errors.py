"""Domain errors and the handlers that render them as BadgeKit error bodies."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import exc as sa_exc
from starlette.exceptions import HTTPException as StarletteHTTPException

from badgekit_api.http.request_log import loggable_path

logger = logging.getLogger(__name__)


class BadgeKitError(Exception):
    """An error with its HTTP status and BadgeKit `code`; raised by services, never HTTP-aware."""

    status_code = 500
    code = "InternalError"
    headers: dict[str, str] | None = None

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


# A refused value is echoed back so the client sees what was wrong (a 256-character name
# whole), but only its start: a 5 MB description came back as a 5 MB error.
MAX_SHOWN_VALUE_CHARS = 300


def shown_value(value: Any) -> Any:
    """`value` as an error detail echoes it: strings cut to MAX_SHOWN_VALUE_CHARS."""
    if isinstance(value, str) and len(value) > MAX_SHOWN_VALUE_CHARS:
        return value[:MAX_SHOWN_VALUE_CHARS] + "..."
    return value


class ValidationFailed(BadgeKitError):
    status_code = 400
    code = "ValidationError"

    def __init__(self, details: list[dict[str, Any]], message: str | None = None) -> None:
        shown = [{**detail, "value": shown_value(detail.get("value"))} for detail in details]
        super().__init__(message or "Could not validate required fields", details=shown)

    @classmethod
    def field(cls, field: str, value: Any, message: str) -> ValidationFailed:
        return cls([{"field": field, "value": value, "message": message}])


class InvalidParameter(BadgeKitError):
    status_code = 400
    code = "InvalidParameter"

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(message, parameter=parameter)


class NotAcceptable(BadgeKitError):
    """The resource exists but not in the form asked for (the message says which it has)."""

    status_code = 406
    code = "NotAcceptable"


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


class _RetryLater(BadgeKitError):
    """An error the client should simply repeat, after `Retry-After` seconds."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.headers = {"Retry-After": str(retry_after)}


class TooManyRequests(_RetryLater):
    status_code = 429
    code = "TooManyRequests"


class Unavailable(_RetryLater):
    status_code = 503
    code = "ServiceUnavailable"


class DatabaseUnavailable(Unavailable):
    def __init__(self) -> None:
        super().__init__("Database is unavailable", retry_after=5)


class DatabaseBusy(Unavailable):
    def __init__(self) -> None:
        super().__init__(
            "The change collided with another one at the same time: try it again", retry_after=1
        )


# PostgreSQL SQLSTATEs and MySQL/MariaDB error numbers of a transaction that lost a race
# for locks and was rolled back: nothing was written, and the same request will very
# likely succeed when sent again.
_CONFLICT_SQLSTATES = frozenset({"40001", "40P01", "55P03"})  # serialization, deadlock, nowait
_CONFLICT_MYSQL_ERRORS = frozenset({1205, 1213})  # lock wait timeout, deadlock


def is_transient_conflict(exc: BaseException) -> bool:
    """Whether `exc` is a deadlock or lock timeout, or an error raised while handling one:
    the transaction was rolled back whole.

    The chain matters on MariaDB: InnoDB rolls a deadlocked transaction back with its
    savepoints, so the ROLLBACK TO SAVEPOINT that ends a failed `begin_nested()` raises
    1305 ("SAVEPOINT does not exist") with the deadlock only in its context."""
    seen: set[int] = set()
    link: BaseException | None = exc
    while link is not None and id(link) not in seen:
        if _is_lost_lock_race(link):
            return True
        seen.add(id(link))
        link = link.__cause__ or link.__context__
    return False


def _is_lost_lock_race(exc: BaseException) -> bool:
    if not isinstance(exc, sa_exc.DBAPIError) or exc.orig is None:
        return False
    cause = exc.orig
    sqlstate = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
    if sqlstate in _CONFLICT_SQLSTATES:
        return True
    if isinstance(exc, sa_exc.OperationalError):
        args = getattr(cause, "args", ())
        if args and args[0] in _CONFLICT_MYSQL_ERRORS:
            return True
        # SQLite's busy timeout ran out while another process held the write lock, or a
        # writer waited as long for its turn (db/sqlite_write_queue.py).
        return "database is locked" in str(cause)
    return False


def is_database_unavailable(exc: BaseException) -> bool:
    """Whether `exc` says the database cannot be reached or used right now.

    A pool with no free connection times out; a failed connect has no statement (and is an
    OperationalError on every driver, see database.py); a connection lost mid-request is
    marked invalidated; InterfaceError is the driver's own "connection closed". An
    OperationalError from a statement on a live connection (a deadlock, a lock wait
    timeout) is not an outage: see `is_transient_conflict`.
    """
    if isinstance(exc, sa_exc.TimeoutError):
        return True
    return isinstance(exc, sa_exc.DBAPIError) and (
        exc.connection_invalidated
        or exc.statement is None
        or isinstance(exc, sa_exc.InterfaceError)
    )


def _render(exc: BadgeKitError) -> JSONResponse:
    return JSONResponse(exc.body(), status_code=exc.status_code, headers=exc.headers)


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
    # The path as request_log shows it: no query string, no emails or claim codes.
    logger.exception(
        "unhandled error on %s %s", request.method, loggable_path(request.scope), exc_info=exc
    )
    return _render(BadgeKitError("Internal server error"))


async def handle_database_error(request: Request, exc: Exception) -> JSONResponse:
    cause = exc.orig if isinstance(exc, sa_exc.DBAPIError) else exc
    if is_transient_conflict(exc):
        logger.warning(
            "transaction lost a lock race on %s %s: %s",
            request.method,
            loggable_path(request.scope),
            type(cause).__name__,
        )
        return _render(DatabaseBusy())
    if not is_database_unavailable(exc):
        return await handle_unexpected(request, exc)
    # One line, no traceback: during an outage every request lands here.
    logger.warning(
        "database unavailable on %s %s: %s: %s",
        request.method,
        loggable_path(request.scope),
        type(cause).__name__,
        str(cause).strip().splitlines()[0] if str(cause).strip() else "",
    )
    return _render(DatabaseUnavailable())


def _is_plain(value: Any) -> bool:
    return isinstance(value, str | int | float | bool) or value is None


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(BadgeKitError, handle_badgekit_error)
    app.add_exception_handler(RequestValidationError, handle_request_validation)
    app.add_exception_handler(StarletteHTTPException, handle_http_error)
    app.add_exception_handler(sa_exc.DBAPIError, handle_database_error)
    app.add_exception_handler(sa_exc.TimeoutError, handle_database_error)
    app.add_exception_handler(Exception, handle_unexpected)
