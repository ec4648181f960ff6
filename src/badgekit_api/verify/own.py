"""Our own did:web identifiers and status lists, read from the database (never over HTTP
to ourselves)."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlsplit

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from badgekit_api.errors import BadgeKitError
from badgekit_api.http.urls import PublicUrls
from badgekit_api.keys.did import did_web
from badgekit_api.keys.lookup import profile_by_slugs
from badgekit_api.keys.profiles import ProfileRef
from badgekit_api.keys.signing import did_and_methods
from badgekit_api.models import Badge, BadgeInstance
from badgekit_api.status_lists.entries import LIST_SIZE, MAX_LIST_NUMBER

Slugs = tuple[str, str | None, str | None]


def profile_slugs(segments: list[str]) -> Slugs | None:
    """(system, issuer, program) from the path segments after `/public/systems/`."""
    if len(segments) == 1:
        return segments[0], None, None
    if len(segments) == 3 and segments[1] == "issuers":
        return segments[0], segments[2], None
    if len(segments) == 5 and segments[1] == "issuers" and segments[3] == "programs":
        return segments[0], segments[2], segments[4]
    return None


def own_did_slugs(did: str, urls: PublicUrls) -> Slugs | None:
    """The profile one of our DIDs names, or None when the DID is not ours."""
    prefix = did_web(urls.origin, "/public/systems") + ":"
    if not did.startswith(prefix):
        return None
    return profile_slugs([unquote(part) for part in did.removeprefix(prefix).split(":")])


async def own_methods(
    session: AsyncSession, slugs: Slugs, urls: PublicUrls
) -> list[dict[str, Any]] | None:
    """The verification methods of one of our profiles, None if it does not exist."""
    try:
        ref = await profile_by_slugs(session, *slugs)
    except BadgeKitError:
        return None
    _did, methods = await did_and_methods(session, ref, origin=urls.origin)
    return methods


def own_list(url: str, urls: PublicUrls) -> tuple[Slugs, int] | None:
    """The profile and list number of one of our status list URLs, else None."""
    base = urls.absolute("/public/systems/")
    if not url.startswith(base) or urlsplit(url).query:
        return None
    segments = [unquote(part) for part in url.removeprefix(base).split("/")]
    if len(segments) < 3 or segments[-2] != "status" or not segments[-1].isdigit():
        return None
    number = int(segments[-1])
    slugs = profile_slugs(segments[:-2])
    if slugs is None or number > MAX_LIST_NUMBER:
        return None
    return slugs, number


async def own_bit(session: AsyncSession, slugs: Slugs, number: int, index: int) -> bool | None:
    """Whether bit `index` of one of our profile's list `number` is set (its award revoked);
    None if there is no such profile."""
    try:
        ref = await profile_by_slugs(session, *slugs)
    except BadgeKitError:
        return None
    statement = (
        select(BadgeInstance.id)
        .join(Badge, BadgeInstance.badge_id == Badge.id)
        .where(
            _issued_by(ref),
            BadgeInstance.id == number * LIST_SIZE + index,
            or_(BadgeInstance.revoked_at.is_not(None), BadgeInstance.live.is_(None)),
        )
    )
    return (await session.scalar(statement)) is not None


def _issued_by(ref: ProfileRef) -> Any:
    """Badges the profile itself issues (`openbadges.service.issued_by`, by id)."""
    if ref.kind == "program":
        return Badge.program_id == ref.id
    if ref.kind == "issuer":
        return and_(Badge.issuer_id == ref.id, Badge.program_id.is_(None))
    return and_(Badge.system_id == ref.id, Badge.issuer_id.is_(None))


def did_of(slugs: Slugs, urls: PublicUrls) -> str:
    """Our DID of the profile these slugs name."""
    system, issuer, program = slugs
    path = f"/public/systems/{system}"
    if issuer is not None:
        path += f"/issuers/{issuer}"
    if program is not None:
        path += f"/programs/{program}"
    return did_web(urls.origin, path)
