"""Request bodies in any of the three encodings clients use, validated into pydantic models."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, Generic, TypeVar

import orjson
from fastapi import Depends, Request
from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError
from starlette.datastructures import UploadFile

from badgekit_api.errors import BadgeKitError, ValidationFailed
from badgekit_api.http.body_text import form_items, invalid_json_text
from badgekit_api.http.nul_guard import MESSAGE as NUL_MESSAGE
from badgekit_api.http.nul_guard import fields_with_nul
from badgekit_api.list_limits import check_max_items
from badgekit_api.security.auth import read_body

ModelT = TypeVar("ModelT", bound=BaseModel)
_KEY_PART = re.compile(r"\[([^\]]*)\]")
MAX_INDEX = 1000


class UnsupportedMediaType(BadgeKitError):
    status_code = 415
    code = "UnsupportedMediaType"


async def parse_body(request: Request) -> dict[str, Any]:
    """The body as a dict: JSON object, urlencoded form or multipart form (files included)."""
    raw = await read_body(request)
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if not raw.strip():
        return {}
    max_depth: int = request.app.state.settings.max_json_depth
    if content_type in ("", "application/json", "text/plain") or content_type.endswith("+json"):
        return _within_depth(_parse_json(raw), max_depth)
    if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        try:
            items = await form_items(request, content_type)
        except BadgeKitError:
            raise
        except Exception as exc:  # multipart parser errors have no common base class
            raise ValidationFailed.field("body", None, "Malformed form body") from exc
        return _within_depth(unflatten(items, max_depth), max_depth)
    raise UnsupportedMediaType(
        f"Unsupported Content-Type `{content_type}`: send JSON, urlencoded or multipart data"
    )


def _parse_json(raw: bytes) -> dict[str, Any]:
    try:
        data: Any = orjson.loads(raw)
    except orjson.JSONDecodeError:
        not_text = invalid_json_text(raw)
        if not_text is not None:
            raise not_text from None
        raise ValidationFailed.field("body", None, "Request body is not valid JSON") from None
    if not isinstance(data, dict):
        raise ValidationFailed.field("body", None, "Request body must be a JSON object")
    return data


def _within_depth(data: dict[str, Any], limit: int) -> dict[str, Any]:
    """`data` unless objects and lists nest in it deeper than `limit` (MAX_JSON_DEPTH)."""
    pending: list[tuple[Any, int]] = [(data, 1)]
    while pending:
        node, depth = pending.pop()
        children = node.values() if isinstance(node, dict) else node
        if depth > limit:
            raise ValidationFailed.field(
                "body", None, f"Request body nests objects and lists deeper than {limit} levels"
            )
        pending.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return data


def unflatten(items: Iterable[tuple[str, Any]], max_depth: int | None = None) -> dict[str, Any]:
    """Turn form keys like `evidence[0][url]` and `tags[]` into nested dicts and lists.

    A key deeper than `max_depth` is refused before anything is built from it: building
    (and turning indexes into lists, which recurses) 1,200 levels deep raised RecursionError.
    """
    result: dict[str, Any] = {}
    for key, value in items:
        head, _, rest = key.partition("[")
        parts = [head, *_KEY_PART.findall("[" + rest)] if rest else [head]
        if max_depth is not None and len(parts) > max_depth:
            raise ValidationFailed.field(
                head, None, f"Form field name nests deeper than {max_depth} levels"
            )
        _assign(result, parts, value)
    return {key: _lists_from_indexes(value) for key, value in result.items()}


def _assign(target: dict[str, Any], parts: list[str], value: Any) -> None:
    appending = parts[-1] == ""  # `tags[]=a&tags[]=b`
    path = parts[:-1] if appending else parts
    if not path or "" in path:
        raise ValidationFailed.field("".join(parts), None, "Malformed form field name")
    node = target
    for part in path[:-1]:
        child = node.setdefault(part, {})
        if not isinstance(child, dict):
            raise ValidationFailed.field(".".join(path), None, "Conflicting form field names")
        node = child
    name = path[-1]
    if name not in node:
        node[name] = [value] if appending else value
    elif isinstance(node[name], list):
        node[name].append(value)
    elif isinstance(node[name], dict):
        raise ValidationFailed.field(".".join(path), None, "Conflicting form field names")
    else:
        node[name] = [node[name], value]


def _lists_from_indexes(node: Any) -> Any:
    """`{"0": a, "1": b}` (from `x[0]`, `x[1]`) becomes `[a, b]`, in index order."""
    if not isinstance(node, dict):
        return node
    converted = {key: _lists_from_indexes(value) for key, value in node.items()}
    if converted and all(key.isdigit() and int(key) < MAX_INDEX for key in converted):
        return [converted[key] for key in sorted(converted, key=int)]
    return converted


def validate(model: type[ModelT], data: dict[str, Any]) -> ModelT:
    """Validate `data` into `model`, turning pydantic errors into a BadgeKit ValidationError."""
    refused = fields_with_nul(data)
    if refused:
        raise ValidationFailed(
            [{"field": field, "value": None, "message": NUL_MESSAGE} for field in refused]
        )
    try:
        return model.model_validate(data)
    except PydanticValidationError as exc:
        raise ValidationFailed(
            [
                {
                    "field": ".".join(str(part) for part in error["loc"]) or "body",
                    "value": _shown(error.get("input")),
                    "message": _message(error),
                }
                for error in exc.errors()
            ]
        ) from None


def _message(error: Any) -> str:
    if error["type"] == "string_pattern_mismatch":
        return "Must start with a letter or digit and contain only letters, digits and - . _ ~"
    if error["type"] == "missing":
        return "Missing required field"
    message: str = error["msg"]
    return message.removeprefix("Value error, ")


def _shown(value: Any) -> Any:
    if isinstance(value, UploadFile):
        return value.filename
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return None


class BodyDependency(Generic[ModelT]):
    """Parses the request body in any encoding and validates it into `model`.

    The model stays on the dependency so the OpenAPI document can describe the body
    (FastAPI sees only a dependency taking the raw request).
    """

    def __init__(self, model: type[ModelT]) -> None:
        self.model = model
        self.__name__ = f"body_of_{model.__name__}"

    async def __call__(self, request: Request) -> ModelT:
        body = validate(self.model, await parse_body(request))
        check_max_items(body, request.app.state.settings)
        return body


def body_of(model: type[ModelT]) -> BodyDependency[ModelT]:
    """A dependency that parses the request body in any encoding and validates it."""
    return BodyDependency(model)


def Body(model: type[ModelT]) -> Any:  # noqa: N802 - reads like FastAPI's own Body()
    return Depends(body_of(model))
