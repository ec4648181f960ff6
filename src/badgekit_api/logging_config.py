"""Structured logs: one JSON object per line, for the server, uvicorn and the worker.

Only our own loggers (and uvicorn's) follow `LOG_LEVEL`; every other library stays at
WARNING whatever it says, because at DEBUG some of them write SQL parameters or request
data (SQLAlchemy's engine, aiosqlite, httpx, python-multipart), and those hold emails and
secrets. Uvicorn's access log is off: `request_log.py` writes one line per request itself,
without query strings.
"""

from __future__ import annotations

import contextvars
import logging
import logging.config
import re
from datetime import UTC, datetime
from typing import Any

import orjson

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "badgekit_request_id", default=None
)

# Attributes every LogRecord has; anything else was passed with `extra=` and is kept.
_STANDARD_ATTRIBUTES = frozenset(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {
    "message",
    "asctime",
    "taskName",
    "color_message",
}
# A last guard for what code does not control, such as an exception's message: anything
# that looks like an email or a JWT is masked in every line.
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+(@|%40)[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
QUIET_LIBRARIES = (
    *("sqlalchemy", "aiosqlite", "asyncpg", "asyncmy", "redis", "alembic"),
    *("httpx", "httpcore", "multipart", "python_multipart", "asyncio"),
)


class JsonFormatter(logging.Formatter):
    """time, level, logger, message, process id, request id, then any `extra=` fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "pid": record.process,
        }
        request_id = request_id_var.get()
        if request_id is not None:
            entry["request_id"] = request_id
        for name, value in record.__dict__.items():
            if name not in _STANDARD_ATTRIBUTES and not name.startswith("_"):
                entry[name] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return mask_secrets(orjson.dumps(entry, default=str).decode())


def mask_secrets(line: str) -> str:
    """The line with emails and JWTs masked. The email pattern backtracks over every run of
    address characters (tens of microseconds a line), so it only runs on a line that holds
    an `@`, which every email does."""
    if "@" in line or "%40" in line:
        line = _EMAIL.sub("[email]", line)
    if "eyJ" in line:
        line = _JWT.sub("[token]", line)
    return line


def logging_config(level: str = "INFO") -> dict[str, Any]:
    """A `logging.config.dictConfig` dict; uvicorn takes it as `log_config` too."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": f"{__name__}.JsonFormatter"}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"handlers": ["stderr"], "level": "WARNING"},
        "loggers": {
            "badgekit_api": {"level": level, "propagate": True},
            "uvicorn": {"level": level, "propagate": True},
            "uvicorn.error": {"level": level, "propagate": True},
            "uvicorn.access": {"level": "WARNING", "propagate": True},
            **{name: {"level": "WARNING"} for name in QUIET_LIBRARIES},
        },
    }


def configure_logging(level: str = "INFO") -> None:
    logging.config.dictConfig(logging_config(level))
