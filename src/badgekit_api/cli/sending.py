"""`badgekit-api request` at work: build the body, sign exactly those bytes, send, show.

The token's `body` claim is the sha256 of the bytes on the wire, so the body (a multipart
one too, with the boundary httpx picks) is encoded first, then hashed, then sent as it is.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import httpx

from badgekit_api.cli.files import read_file
from badgekit_api.cli.output import colour_wanted, fail

# A multipart part: (form name, (file name or None for a text part, content, content type)).
Part = tuple[str, tuple[str | None, bytes, str | None]]


def name_and_value(given: str, option: str) -> tuple[str, str]:
    name, separator, value = given.partition("=")
    if not separator or not name:
        raise fail(f"{option} wants name=value, not {given!r}.")
    return name, value


def part(given: str) -> Part:
    """`name=@path` is a file part (named after the file), `name=value` a text part."""
    name, value = name_and_value(given, "-F")
    if value.startswith("@"):
        path = value[1:]
        return name, (Path(path).name or name, read_file(path, "-F"), None)
    return name, (None, value.encode(), None)


@dataclass(frozen=True)
class Body:
    content: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(
        cls, *, json_body: str | bytes | None, fields: list[tuple[str, str]], parts: list[Part]
    ) -> Body:
        if json_body is not None:
            content = json_body.encode() if isinstance(json_body, str) else json_body
            return cls(content, {"Content-Type": "application/json"})
        if not fields and not parts:
            return cls()
        form: dict[str, list[str]] = {}
        for name, value in fields:
            form.setdefault(name, []).append(value)
        # httpx encodes (and picks the boundary); what it made is what gets signed and sent.
        encoded = httpx.Request("POST", "http://body.invalid", data=form, files=parts or None)
        return cls(encoded.read(), {"Content-Type": encoded.headers["Content-Type"]})


def full_url(base: str, path: str) -> str:
    if not path.startswith("/"):
        raise fail(f"PATH must start with /, e.g. /systems (got {path!r}).")
    try:
        parsed = httpx.URL(base)
    except httpx.InvalidURL as error:
        raise fail(f"Bad server URL {base!r} (--url or BADGEKIT_URL): {error}.") from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise fail(
            f"Bad server URL {base!r} (--url or BADGEKIT_URL): "
            "it should look like http://127.0.0.1:8080."
        )
    return base.rstrip("/") + path


def send(
    method: str,
    url: str,
    body: Body,
    *,
    sign: Callable[[str, bytes | None], str],
    timeout: float,
) -> httpx.Response:
    """Send `body` signed by `sign(path as sent, body bytes)`."""
    try:
        request = httpx.Request(method, url, content=body.content, headers=body.headers)
    except httpx.InvalidURL as error:
        raise fail(f"Bad URL {url!r}: {error}.") from None
    # The path exactly as it goes on the wire: the server checks the token against that.
    signed_path = request.url.raw_path.decode("ascii")
    request.headers["Authorization"] = sign(signed_path, body.content)
    origin = f"{request.url.scheme}://{request.url.netloc.decode('ascii')}"
    try:
        with httpx.Client(timeout=timeout) as client:
            return client.send(request)
    except httpx.TimeoutException:
        raise fail(f"No answer from {origin} within {timeout:g} s.") from None
    except httpx.ConnectError as error:
        raise fail(f"Cannot connect to {origin}: {_reason(error)}.") from None
    except httpx.HTTPError as error:
        raise fail(f"Request to {origin} failed: {_reason(error)}.") from None


def _reason(error: Exception) -> str:
    # httpx passes on the socket's message, e.g. "[Errno 111] Connection refused".
    text = str(error) or type(error).__name__
    return text.split("] ", 1)[-1] if text.startswith("[Errno") else text


def exit_code(status: int) -> int:
    """0 for 2xx; 3, 4 or 5 for 3xx, 4xx, 5xx, so scripts can tell a refusal from a success."""
    return 0 if 200 <= status < 300 else min(status // 100, 5)


def show(answer: httpx.Response) -> None:
    """The status (and Location) on stderr, in colour on a terminal; the body on stdout."""
    from rich.console import Console  # only here: the answer is all that needs colour

    status_colour = (
        "green" if answer.is_success else "yellow" if answer.status_code < 400 else "red"
    )
    # Rich leaves colour out when the stream is not a terminal; without a colour system it
    # leaves out bold too, so NO_COLOR output is plain text even on a terminal.
    colours: Literal["auto"] | None = "auto" if colour_wanted() else None
    errors = Console(stderr=True, highlight=False, color_system=colours, soft_wrap=True)
    errors.print(f"[bold {status_colour}]{answer.status_code} {answer.reason_phrase}[/]")
    if location := answer.headers.get("Location"):
        errors.print(f"Location: {location}", markup=False)
    content_type = answer.headers.get("Content-Type", "")
    if not answer.content:
        return
    if "json" in content_type:
        try:
            json.loads(answer.content)
        except ValueError:
            pass  # not JSON after all: shown as text below
        else:
            Console(color_system=colours).print_json(answer.text, ensure_ascii=False)
            return
    if content_type.startswith("text/") or "json" in content_type:
        sys.stdout.write(answer.text if answer.text.endswith("\n") else answer.text + "\n")
    elif sys.stdout.isatty():
        errors.print(
            f"({len(answer.content)} bytes of {content_type or 'data'}; "
            "redirect standard output to keep them)",
            markup=False,
        )
    else:
        sys.stdout.buffer.write(answer.content)
