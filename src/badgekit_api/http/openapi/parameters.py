"""The true type of query parameters that their dependencies read as plain strings.

They are read as strings on purpose: a bad value is BadgeKit's 400 `InvalidParameter`
naming the parameter, not FastAPI's validation error. The document says what the server
takes, so clients and fuzzers send numbers, versions, flags and addresses.
"""

from __future__ import annotations

from typing import Any

from badgekit_api.http.pagination import last_page
from badgekit_api.http.query_flags import FLAG_PATTERN


def query_schemas(max_page_count: int) -> dict[str, dict[str, Any]]:
    """The schema of each such parameter, for a server allowing `max_page_count` per page."""
    flag = {"type": "string", "pattern": FLAG_PATTERN}
    address = {"type": "string", "format": "email"}
    return {
        "page": {"type": "integer", "minimum": 1, "maximum": last_page(max_page_count)},
        "count": {"type": "integer", "minimum": 1, "maximum": max_page_count},
        "v": {"type": "string", "enum": ["1", "2"]},
        "archived": {**flag, "default": "false"},
        "processed": flag,
        "assignedTo": address,
        "email": address,
    }


def type_query_parameters(operation: dict[str, Any], schemas: dict[str, dict[str, Any]]) -> None:
    for parameter in operation.get("parameters", []):
        schema = schemas.get(parameter["name"]) if parameter["in"] == "query" else None
        if schema is not None:
            kept = {k: v for k, v in parameter["schema"].items() if k in ("title", "description")}
            parameter["schema"] = {**schema, **kept}
