"""Field types shared by request schemas: slugs, URLs, emails, strings with limits."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import AfterValidator, BeforeValidator, EmailStr, Field, StringConstraints

SLUG_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._~-]*$"


def _blank_to_none(value: Any) -> Any:
    # Form posts send empty inputs as "": for an optional field that means "not given".
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _check_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in value:
        raise ValueError("Must be a fully qualified http(s) URL, e.g. https://www.example.org")
    return value


Slug = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=50, pattern=SLUG_PATTERN),
]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)]
Url = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=2048), AfterValidator(_check_url)
]
OptionalUrl = Annotated[Url | None, BeforeValidator(_blank_to_none)]
OptionalEmail = Annotated[EmailStr | None, BeforeValidator(_blank_to_none)]
Description = Annotated[str | None, Field(max_length=255)]
