"""Find the root element of an SVG document and the tags baking rewrites, in linear time.

Uploads are sniffed on the event loop, and badge images are baked for anyone who asks for
`/public/assertions/<uid>.svg`, so no scan here may cost more than a pass over the bytes:
every step moves forward from where the last one stopped, and the only regular expressions
are single character classes, which cannot backtrack. (The patterns these replace nested
repetitions over comments and processing instructions, and a few hundred bytes of
`<!--a-->` kept a worker busy for minutes: issue 15, defect 1.)

Nothing is resolved: a DOCTYPE, its internal subset and any entity reference are stepped
over as text, so no entity is ever expanded and nothing is fetched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

BOM = b"\xef\xbb\xbf"
_SPACES = re.compile(rb"[ \t\r\n]*")
# What ends an element's name in its tag: XML whitespace, `/` of an empty tag, or `>`.
_NAME_ENDS = frozenset(b" \t\r\n/>")
# Inside a tag, quoted attribute values may hold `>`; inside a DTD, literals may hold `]`.
_TAG_STOPS = re.compile(rb"[>\"']")
_DOCTYPE_STOPS = re.compile(rb"[>\[\"']")
_SUBSET_STOPS = re.compile(rb"[\]\"'<]")
_QUOTES = frozenset(b"\"'")


@dataclass(frozen=True, slots=True)
class StartTag:
    """A start tag `data[start:end]`, `<name ...>` or, when `empty`, `<name .../>`."""

    start: int
    end: int
    empty: bool


def root_element_offset(data: bytes) -> int | None:
    """Where the first element starts after the prolog (BOM, XML declaration, comments,
    processing instructions, DOCTYPE, whitespace), or None if the prolog does not end."""
    offset = len(BOM) if data.startswith(BOM) else 0
    while True:
        offset = _past_spaces(data, offset)
        if data.startswith(b"<?", offset):
            found = _past(data, b"?>", offset + 2)
        elif data.startswith(b"<!--", offset):
            found = _past(data, b"-->", offset + 4)
        elif data.startswith(b"<!DOCTYPE", offset):
            found = _past_doctype(data, offset + len(b"<!DOCTYPE"))
        else:
            return offset
        if found is None:
            return None
        offset = found


def starts_element(data: bytes, offset: int, name: bytes) -> bool:
    """Whether an element called exactly `name` starts at `offset`."""
    after = offset + 1 + len(name)
    return data.startswith(b"<" + name, offset) and len(data) > after and data[after] in _NAME_ENDS


def svg_root(data: bytes) -> StartTag | None:
    """The start tag of the root `<svg>` element, if the document has one and it ends."""
    offset = root_element_offset(data)
    if offset is None or not starts_element(data, offset, b"svg"):
        return None
    return start_tag_at(data, offset)


def start_tag_at(data: bytes, offset: int) -> StartTag | None:
    """The start tag beginning at `offset` (its `<`), or None if it never ends."""
    position = offset + 1
    while True:
        stop = _TAG_STOPS.search(data, position)
        if stop is None:
            return None
        at = stop.start()
        if data[at] == ord(">"):
            return StartTag(offset, at + 1, data[at - 1] == ord("/"))
        closing = _past_quoted(data, at)
        if closing is None:
            return None
        position = closing


def find_element(data: bytes, name: bytes, offset: int = 0) -> int | None:
    """Where the first `<name` tag at or after `offset` starts (not one of a longer name)."""
    opening = b"<" + name
    while (found := data.find(opening, offset)) >= 0:
        if starts_element(data, found, name):
            return found
        offset = found + 1
    return None


def end_of_end_tag(data: bytes, name: bytes, offset: int) -> int | None:
    """The offset just past the first `</name>` (spaces allowed before `>`) from `offset`."""
    closing = b"</" + name
    while (found := data.find(closing, offset)) >= 0:
        after = _past_spaces(data, found + len(closing))
        if data.startswith(b">", after):
            return after + 1
        offset = after
    return None


def _past_spaces(data: bytes, offset: int) -> int:
    spaces = _SPACES.match(data, offset)
    assert spaces is not None  # a run of none matches too
    return spaces.end()


def _past(data: bytes, terminator: bytes, offset: int) -> int | None:
    found = data.find(terminator, offset)
    return None if found < 0 else found + len(terminator)


def _past_doctype(data: bytes, offset: int) -> int | None:
    """Just past the `>` of a DOCTYPE whose keyword ends before `offset`."""
    while True:
        stop = _DOCTYPE_STOPS.search(data, offset)
        if stop is None:
            return None
        at = stop.start()
        if data[at] == ord(">"):
            return at + 1
        found = _past_subset(data, at + 1) if data[at] == ord("[") else _past_quoted(data, at)
        if found is None:
            return None
        offset = found


def _past_subset(data: bytes, offset: int) -> int | None:
    """Just past the `]` closing an internal subset that starts at `offset`, stepping over
    the literals, comments and processing instructions that may hold a `]`."""
    while True:
        stop = _SUBSET_STOPS.search(data, offset)
        if stop is None:
            return None
        at = stop.start()
        if data[at] == ord("]"):
            return at + 1
        if data[at] in _QUOTES:
            found = _past_quoted(data, at)
        elif data.startswith(b"<!--", at):
            found = _past(data, b"-->", at + 4)
        elif data.startswith(b"<?", at):
            found = _past(data, b"?>", at + 2)
        else:
            found = at + 1  # the `<` of a declaration: its literals are stepped over above
        if found is None:
            return None
        offset = found


def _past_quoted(data: bytes, offset: int) -> int | None:
    """Just past the quote matching the one at `offset`."""
    return _past(data, data[offset : offset + 1], offset + 1)
