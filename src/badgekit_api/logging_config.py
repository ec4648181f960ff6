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
# A last guard for what code does not control, such as an exception's message or a webhook
# receiver's answer: anything that looks like an email or a JWT is masked in every line.
#
# What looks like an email is a superset of every address the server accepts (`fields.py`:
# email-validator, internationalised addresses allowed), found in the JSON text of the line:
# - a domain is two or more labels of ASCII letters, digits, `-`, `_`, `%` or any non-ASCII
#   character (an IDN such as `exämple.org`, or its `xn--` form);
# - an unquoted local part is a run of any characters but spaces and the few that cannot
#   be in one (`@ " < > ( ) [ ] , ; :`), so `ünï`, `o'brien`, `a/b{c}` and percent-encoded
#   forms are caught; it never starts right after a backslash, so that a mask never splits
#   one of the line's own escapes (`\n`, `\\`);
# - a quoted local part (`"a b"@`, which the server refuses but an answer it logs may hold)
#   reaches the line as `\"a b\"`, its own escapes doubled.
# A local part has at most 64 octets; 256 characters leave room for them percent-encoded.
# Each `@` is looked at on its own, the text before it read backwards: a pattern searched
# through the whole line would backtrack over every run of address characters, which costs
# the square of the run's length (seconds for a 30 KB run).
_AT = re.compile(r"@|%40", re.IGNORECASE)
_LOCAL_PART_CHARS = 256
_LABEL = r"(?:[A-Za-z0-9_%-]|[^\x00-\x7f\s])+"
_DOMAIN = re.compile(rf"{_LABEL}(?:\.{_LABEL})+")
# The local part written backwards: a quoted one, or an unquoted run not led by a backslash.
_LOCAL_PART_BACKWARDS = re.compile(
    rf'"\\(?:[^"\\]|.\\){{0,{_LOCAL_PART_CHARS}}}"\\'
    rf'|[^\s@"<>()\[\],;:]{{1,{_LOCAL_PART_CHARS}}}(?!\\)'
)
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
    """The line (a JSON object) with emails and JWTs masked."""
    if "@" in line or "%40" in line:
        line = _mask_emails(line)
    if "eyJ" in line:
        line = _JWT.sub("[token]", line)
    return line


def _mask_emails(line: str) -> str:
    pieces: list[str] = []
    done = 0  # the line up to here is in `pieces`
    for at in _AT.finditer(line):
        if at.start() < done:
            continue
        domain = _DOMAIN.match(line, at.end())
        if domain is None:
            continue
        # Twice the longest local part: a quoted one has its escapes doubled in JSON.
        before = line[max(done, at.start() - 2 * _LOCAL_PART_CHARS) : at.start()]
        local_part = _LOCAL_PART_BACKWARDS.match(before[::-1])
        if local_part is None:
            continue
        pieces += [line[done : at.start() - local_part.end()], "[email]"]
        done = domain.end()
    return "".join([*pieces, line[done:]])


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
