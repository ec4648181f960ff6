"""Find the root element of an SVG document and the tags baking rewrites, in linear time.

Uploads are sniffed on the event loop, and badge images are baked for anyone who asks for
`/public/assertions/<uid>.svg`, so no scan here may cost more than a pass over the bytes.
(The patterns these replace nested repetitions over comments and processing instructions:
a few hundred bytes of `<!--a-->` kept a worker busy for minutes. Issue 15, defect 1.)

The patterns below cannot backtrack: every repetition is possessive (`*+`, `++`), so
what it has matched is never given back, and the alternatives of one repetition begin
differently, so when one fails no other can match at the same place. A piece that does not
end (an unclosed comment or quote) therefore ends the match after one pass, instead of
being retried at every split of what came before. Python runs them in C, which keeps an
image at the upload limit in milliseconds.

Nothing is resolved: a DOCTYPE, its internal subset and any entity reference are stepped
over as text, so no entity is ever expanded and nothing is fetched.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

_SPACE = rb"[ \t\r\n]"
_QUOTED = rb"\"[^\"]*+\"|'[^']*+'"
_COMMENT = rb"<!--(?:[^-]++|-(?!->))*+-->"
_PI = rb"<\?(?:[^?]++|\?(?!>))*+\?>"
# The declarations of an internal subset, whose literals, comments and PIs may hold `]`.
_SUBSET = rb"\[(?:[^\]\"'<]++|" + _QUOTED + rb"|" + _COMMENT + rb"|" + _PI + rb"|<(?!!--|\?))*+\]"
_DOCTYPE = rb"<!DOCTYPE(?:[^>\[\"']++|" + _QUOTED + rb"|" + _SUBSET + rb")*+>"
# What may come before the root element: a BOM, the XML declaration and other PIs,
# comments, a DOCTYPE, whitespace.
_PROLOG = re.compile(
    rb"(?:\xef\xbb\xbf)?+(?:"
    + _SPACE
    + rb"++|"
    + _COMMENT
    + rb"|"
    + _PI
    + rb"|"
    + _DOCTYPE
    + rb")*+"
)
# A whole tag from its `<`: quoted attribute values may hold `>`.
_TAG = re.compile(rb"(?:[^>\"']++|" + _QUOTED + rb")*+>")
# What ends an element's name in its tag: XML whitespace, the `/` of an empty tag, or `>`.
_NAME_END = rb"(?=[ \t\r\n/>])"


@dataclass(frozen=True, slots=True)
class StartTag:
    """A start tag `data[start:end]`: `<name ...>`, or `<name .../>` when `empty`."""

    start: int
    end: int
    empty: bool


def root_element_offset(data: bytes) -> int:
    """Where the prolog ends: the offset of the root element's `<` in a sound document."""
    prolog = _PROLOG.match(data)
    assert prolog is not None  # an empty prolog matches too
    return prolog.end()


def starts_element(data: bytes, offset: int, name: bytes) -> bool:
    """Whether an element called exactly `name` starts at `offset`."""
    return _element_start(name).match(data, offset) is not None


def svg_root(data: bytes) -> StartTag | None:
    """The start tag of the root `<svg>` element, if the document has one and it ends."""
    offset = root_element_offset(data)
    if not starts_element(data, offset, b"svg"):
        return None
    return start_tag_at(data, offset)


def start_tag_at(data: bytes, offset: int) -> StartTag | None:
    """The start tag whose `<` is at `offset`, or None if it never ends."""
    tag = _TAG.match(data, offset)
    if tag is None:
        return None
    return StartTag(offset, tag.end(), data[tag.end() - 2] == ord("/"))


def find_element(data: bytes, name: bytes, offset: int = 0) -> int | None:
    """Where the first `<name` tag at or after `offset` starts (not one of a longer name)."""
    found = _element_start(name).search(data, offset)
    return None if found is None else found.start()


def end_of_end_tag(data: bytes, name: bytes, offset: int) -> int | None:
    """The offset just past the first `</name>` (spaces allowed before `>`) from `offset`."""
    found = _end_tag(name).search(data, offset)
    return None if found is None else found.end()


@functools.cache
def _element_start(name: bytes) -> re.Pattern[bytes]:
    return re.compile(b"<" + re.escape(name) + _NAME_END)


@functools.cache
def _end_tag(name: bytes) -> re.Pattern[bytes]:
    return re.compile(b"</" + re.escape(name) + _SPACE + rb"*+>")
