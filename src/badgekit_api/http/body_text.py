"""Text in a request body is UTF-8, strictly, in every encoding; other bytes are a 400.

Starlette decodes an urlencoded form as Latin-1 (and `%FF` as U+FFFD), and a multipart text
field that does not decode falls back to Latin-1: either way the bytes were stored as
mojibake. Here the bytes of every name and value are decoded strictly (an overlong form
such as `C0 AF`, or an encoded surrogate such as `ED A0 80`, is invalid), and a failure is
a `ValidationError` naming the field, the same one a JSON body gets (`invalid_json_text`).
Uploaded files stay bytes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote_to_bytes

from python_multipart.multipart import parse_options_header
from starlette.datastructures import FormData, UploadFile
from starlette.formparsers import MultiPartParser
from starlette.requests import Request

from badgekit_api.errors import ValidationFailed

MESSAGE = "Must be valid UTF-8 text"
UTF8 = "utf-8"
# The most fields and files one form may hold (beyond MAX_BODY_BYTES): more is a 400.
MAX_FORM_FIELDS = 2000
MAX_FORM_FILES = 20
# The lone surrogates `surrogateescape` turns undecodable bytes into.
_ESCAPES_FROM, _ESCAPES_TO = "\udc80", "\udcff"


def invalid(field: str) -> ValidationFailed:
    return ValidationFailed.field(field, None, MESSAGE)


def decoded(raw: bytes, field: str, encoding: str = UTF8) -> str:
    """`raw` as text, or a 400 naming `field`."""
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError:
        raise invalid(field) from None


def decoded_name(raw: bytes, encoding: str = UTF8) -> str:
    """A field's name as text, or a 400 naming it as well as its bytes allow."""
    return decoded(raw, raw.decode(encoding, errors="replace"), encoding)


def urlencoded_items(raw: bytes) -> list[tuple[str, str]]:
    """The fields of an `application/x-www-form-urlencoded` body, in order.

    Percent escapes and raw bytes alike are UTF-8: `%C3%A9` and a raw `é` are both `é`.
    Empty pairs (`a=1&&b=2`) are skipped and a pair without `=` is a name with an empty
    value, as python-multipart's parser (which Starlette uses) reads them."""
    items: list[tuple[str, str]] = []
    for pair in raw.split(b"&"):
        if not pair:
            continue
        if len(items) == MAX_FORM_FIELDS:
            raise ValidationFailed.field(
                "body", None, f"A form may have at most {MAX_FORM_FIELDS} fields"
            )
        name, _, value = pair.partition(b"=")
        field = decoded_name(_unquoted(name))
        items.append((field, decoded(_unquoted(value), field)))
    return items


def _unquoted(part: bytes) -> bytes:
    return unquote_to_bytes(part.replace(b"+", b" "))


class StrictMultiPartParser(MultiPartParser):
    """Starlette's multipart parser, with names and text values decoded strictly (in the
    charset the body declares, UTF-8 unless it says otherwise). It reads two attributes
    of its base, `_current_part` and `_charset`: `tests/test_body_text.py` sends every
    kind of part through it, so an upgrade that renames them fails there."""

    def on_headers_finished(self) -> None:
        super().on_headers_finished()
        _, options = parse_options_header(self._current_part.content_disposition)
        decoded_name(options[b"name"], self._charset)

    def on_part_end(self) -> None:
        part = self._current_part
        if part.file is None:
            decoded(bytes(part.data), part.field_name, self._charset)
        super().on_part_end()


async def form_items(request: Request, content_type: str) -> list[tuple[str, str | UploadFile]]:
    """The fields of an urlencoded or multipart body (already read by `read_body`)."""
    if content_type == "application/x-www-form-urlencoded":
        return list(urlencoded_items(await request.body()))
    parser = StrictMultiPartParser(
        request.headers,
        request.stream(),
        max_files=MAX_FORM_FILES,
        max_fields=MAX_FORM_FIELDS,
    )
    form: FormData = await parser.parse()
    return form.multi_items()


def invalid_json_text(raw: bytes) -> ValidationFailed | None:
    """The error for a JSON body that is not UTF-8, naming the first field whose key or
    string holds the invalid bytes (`body` when they lie elsewhere); None when it is."""
    try:
        raw.decode(UTF8)
    except UnicodeDecodeError:
        pass
    else:
        return None
    # Each invalid byte becomes one lone surrogate, which the standard parser keeps in the
    # strings it builds, where it can be found again.
    try:
        data: Any = json.loads(raw.decode(UTF8, errors="surrogateescape"))
    except (ValueError, RecursionError):
        return invalid("body")
    return invalid(next(_fields_with_escapes(data), "body"))


def _fields_with_escapes(data: Any) -> Iterator[str]:
    """The dotted names of the keys and strings in `data` holding an escaped byte, in
    document order (iteratively: the data may nest a thousand levels deep)."""
    pending: list[tuple[str, Any]] = [("", data)]
    while pending:
        field, node = pending.pop()
        if _escaped(field) or (isinstance(node, str) and _escaped(node)):
            yield _replaced(field) or "body"
            continue
        if isinstance(node, dict):
            children = [(str(key), value) for key, value in node.items()]
        elif isinstance(node, list):
            children = [(str(index), value) for index, value in enumerate(node)]
        else:
            continue
        named = [(f"{field}.{key}" if field else key, value) for key, value in children]
        pending.extend(reversed(named))


def _escaped(text: str) -> bool:
    return any(_ESCAPES_FROM <= char <= _ESCAPES_TO for char in text)


def _replaced(name: str) -> str:
    return "".join("\ufffd" if _ESCAPES_FROM <= char <= _ESCAPES_TO else char for char in name)
