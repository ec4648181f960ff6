"""An assertion's baked badge image, made on request from the stored badge image.

Two forms, as the document links ask for them: the plain `.png` / `.svg` carries the
assertion's URL, as the original baked it and as 1.0 documents link it; with `?v=2`
(where 2.0 assertions link their image) it carries the 2.0 assertion's JSON itself, as
the 2.0 baking specification says a hosted assertion is baked; with `?v=3` it carries the
signed Open Badges 3.0 credential (its JSON with the embedded proof, or its VC-JWT).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from anyio import CapacityLimiter, to_thread
from anyio.lowlevel import RunVar
from sqlalchemy.ext.asyncio import AsyncSession

from badgekit_api.errors import BadgeKitError
from badgekit_api.http.urls import PublicUrls
from badgekit_api.instances.links import assertion_url
from badgekit_api.openbadges import service
from badgekit_api.openbadges.assertions import AssertionFacts, BadgeImage, assertion_v2
from badgekit_api.openbadges.baking import BakingError, bake, stored_extension
from badgekit_api.openbadges.links import v2
from badgekit_api.openbadges.ob3.baking import credential_text
from badgekit_api.openbadges.ob3.issuing import baked_credential_image


class ImageNotBakeable(BadgeKitError):
    """The assertion exists, but its badge image has no baked form here."""

    status_code = 404
    code = "ImageNotBakeable"


# Baking reads and copies up to MAX_IMAGE_BYTES for anyone who asks, so it runs in a worker
# thread, where the event loop keeps answering other requests meanwhile; and at most this
# many at once per process, so a flood of image requests waits its turn instead of taking
# every thread (and the loop's share of the interpreter) from the rest of the server.
BAKES_AT_ONCE = 2
_bakers: RunVar[CapacityLimiter] = RunVar("bakers")


@dataclass(frozen=True, slots=True)
class BakedImage:
    extension: str
    mimetype: str
    etag: str
    url: str  # the hosted assertion baked in
    assertion_json: str | None  # the 2.0 assertion itself, for the 2.0 form
    credential: str | dict[str, Any] | None = None  # the signed 3.0 credential, for the 3.0 form


def baked_image_of(
    facts: AssertionFacts,
    urls: PublicUrls,
    *,
    version_2: bool,
    credential: str | dict[str, Any] | None = None,
) -> BakedImage:
    """What baking this assertion's image gives (its type, validator and what goes in),
    before baking it: the 3.0 form when `credential` (signed) is given."""
    image = facts.image
    extension = stored_extension(image.url, image.mimetype) if image else None
    if image is None or extension is None:
        raise ImageNotBakeable(_why_not(image))
    assert image.mimetype is not None
    url = assertion_url(facts.uid, urls)
    document = None
    if version_2:
        url = v2(url)
        document = json.dumps(assertion_v2(facts, urls), separators=(",", ":"))
    # The bytes depend only on the stored image and what is baked into it.
    stamp = f"{image.sha256}\n{url}\n{document or ''}".encode()
    if credential is not None:
        stamp += f"\n3\n{credential_text(credential)}".encode()
    etag = f'"{hashlib.sha256(stamp).hexdigest()}"'
    return BakedImage(extension, image.mimetype, etag, url, document, credential)


async def bake_image(session: AsyncSession, facts: AssertionFacts, baked: BakedImage) -> bytes:
    """The badge image with the hosted assertion (`baked_image_of`) baked in."""
    image = facts.image
    assert image is not None
    data = await service.image_bytes(session, image.slug)
    try:
        if baked.credential is not None:
            return await to_thread.run_sync(
                baked_credential_image, data, baked.mimetype, baked.credential, limiter=_limiter()
            )
        return await to_thread.run_sync(
            bake, data, baked.mimetype, baked.url, baked.assertion_json, limiter=_limiter()
        )
    except BakingError as error:
        raise ImageNotBakeable(f"The stored badge image cannot be baked: {error}") from None


def _limiter() -> CapacityLimiter:
    """This event loop's limiter (a limiter belongs to the loop it first waits on)."""
    try:
        return _bakers.get()
    except LookupError:
        limiter = CapacityLimiter(BAKES_AT_ONCE)
        _bakers.set(limiter)
        return limiter


def _why_not(image: BadgeImage | None) -> str:
    if image is None:
        return "This badge has no image to bake"
    if image.url:
        return (
            f"The badge image is hosted elsewhere ({image.url}), so it cannot be baked here: "
            "give the badge an uploaded PNG or SVG image"
        )
    return f"Only PNG and SVG images can be baked; this badge's image is {image.mimetype}"
