"""Which representation of a public document a request gets.

`?v=1` / `?v=2` name the JSON document outright, and for an assertion `?v=3` its Open
Badges 3.0 credential (`&format=jwt` as a VC-JWT). Otherwise the `Accept` header decides
between the Open Badges 1.0 JSON (`application/json`), the 2.0 JSON-LD
(`application/ld+json`), for an assertion the 3.0 credential (`application/vc+ld+json`
with its embedded proof, `application/vc+jwt` as a VC-JWT) and, where there is one, the
HTML page (`text/html`). When a client
accepts several equally (`*/*`, or the validator's `application/ld+json, application/json`),
the server's preference decides: 1.0 first, as the original served, so existing backpacks
and verifiers keep getting what they always got.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from badgekit_api.errors import InvalidParameter

JSON = "application/json"
JSON_LD = "application/ld+json"
HTML = "text/html"
VC_LD = "application/vc+ld+json"
VC_JWT = "application/vc+jwt"
FORMAT_JWT = "jwt"


class Version(enum.Enum):
    OB1 = "1"
    OB2 = "2"
    OB3 = "3"
    PAGE = "html"


@dataclass(frozen=True, slots=True)
class Choice:
    version: Version
    media_type: str


@dataclass(frozen=True, slots=True)
class MediaRange:
    type: str
    subtype: str
    quality: float

    def specificity(self, media_type: str) -> int:
        """How closely this range names `media_type`: 3 exactly ... 1 for `*/*`, 0 not at all."""
        wanted_type, wanted_subtype = media_type.split("/", 1)
        if self.type == "*" and self.subtype == "*":
            return 1
        if self.type != wanted_type:
            return 0
        if self.subtype == "*":
            return 2
        return 3 if self.subtype == wanted_subtype else 0


def parse_accept(header: str) -> list[MediaRange]:
    """The media ranges of an `Accept` header; malformed parts are skipped."""
    ranges = []
    for part in header.split(","):
        media_range, *params = (piece.strip() for piece in part.split(";"))
        if media_range.count("/") != 1:
            continue
        type_, subtype = media_range.lower().split("/")
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    quality = 0.0
        ranges.append(MediaRange(type_, subtype, quality))
    return ranges


def quality_of(media_type: str, ranges: list[MediaRange]) -> float:
    """The quality the client gives `media_type`: that of the most specific range naming it."""
    best_specificity, quality = 0, 0.0
    for media_range in ranges:
        specificity = media_range.specificity(media_type)
        if specificity > best_specificity:
            best_specificity, quality = specificity, media_range.quality
    return quality


def v2_media_type(ranges: list[MediaRange] | None) -> str:
    """JSON-LD's own type, unless the client only takes `application/json`."""
    if ranges is None or quality_of(JSON_LD, ranges) > 0 or quality_of(JSON, ranges) == 0:
        return JSON_LD
    return JSON


def v3_media_type(ranges: list[MediaRange] | None, output_format: str | None) -> str:
    """The credential with its embedded proof, unless `format=jwt` or the client prefers
    the VC-JWT."""
    if output_format is not None and output_format != FORMAT_JWT:
        raise InvalidParameter("format", "Invalid `format` parameter: use `jwt` (a VC-JWT)")
    if output_format == FORMAT_JWT:
        return VC_JWT
    if ranges is not None and quality_of(VC_JWT, ranges) > quality_of(VC_LD, ranges):
        return VC_JWT
    return VC_LD


def choose(
    accept: str | None,
    version: str | None,
    *,
    page: bool = False,
    credential: bool = False,
    output_format: str | None = None,
) -> Choice:
    """The representation to send, from the `v` query parameter and the `Accept` header;
    `credential`: the document is an assertion, which has an Open Badges 3.0 form too
    (`output_format` its `format` query parameter)."""
    ranges = parse_accept(accept) if accept else None
    if version is not None:
        if version == Version.OB1.value:
            return Choice(Version.OB1, JSON)
        if version == Version.OB2.value:
            return Choice(Version.OB2, v2_media_type(ranges))
        if credential and version == Version.OB3.value:
            return Choice(Version.OB3, v3_media_type(ranges, output_format))
        if credential:
            message = (
                "Invalid `v` parameter: use `1` (Open Badges 1.0), `2` (Open Badges 2.0) "
                "or `3` (Open Badges 3.0)"
            )
        else:
            message = "Invalid `v` parameter: use `1` (Open Badges 1.0) or `2` (Open Badges 2.0)"
        raise InvalidParameter("v", message)
    if not ranges:
        return Choice(Version.OB1, JSON)
    offers = [(Version.OB1, JSON), (Version.OB2, JSON_LD)]
    if credential:
        offers += [(Version.OB3, VC_LD), (Version.OB3, VC_JWT)]
    if page:
        offers.append((Version.PAGE, HTML))
    # max() keeps the first of equals: the order of `offers` is the server's preference.
    best, media_type = max(offers, key=lambda offer: quality_of(offer[1], ranges))
    if quality_of(media_type, ranges) == 0:
        # Nothing offered is acceptable: the original answered 1.0 whatever was asked.
        return Choice(Version.OB1, JSON)
    if best is Version.OB3 and output_format is not None:
        return Choice(best, v3_media_type(None, output_format))
    return Choice(best, media_type)
