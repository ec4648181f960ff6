"""`/consumers`: per-system API keys, managed with the master key only."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response

from badgekit_api.consumers import service as consumer_service
from badgekit_api.consumers.schemas import (
    ConsumerCreate,
    ConsumerCreated,
    ConsumerEnvelope,
    ConsumerList,
    ConsumerRead,
    ConsumerRevoked,
    ConsumerWithSecret,
)
from badgekit_api.db.database import SessionDep
from badgekit_api.http.body import Body
from badgekit_api.http.pagination import PageDep, fetch_page
from badgekit_api.scopes.start import require_master
from badgekit_api.settings_dep import SettingsDep

router = APIRouter(prefix="/consumers", tags=["consumers"], dependencies=[Depends(require_master)])

ConsumerKey = Annotated[str, Path(description="The consumer key")]
# A revoked key stays revoked: it can be neither rotated nor revoked again.
REVOKED_ALREADY: dict[int | str, dict[str, str]] = {
    409: {"description": "`ResourceConflict`: the key has been revoked"}
}


@router.get("", response_model=ConsumerList, response_model_exclude_unset=True)
async def list_consumers(
    session: SessionDep,
    page: PageDep,
    system: Annotated[str | None, Query(description="Only the keys of this system")] = None,
) -> ConsumerList:
    """Every key, revoked ones included, oldest first; secrets are never shown here."""
    consumers, page_data = await fetch_page(session, consumer_service.list_statement(system), page)
    listing = ConsumerList(consumers=[ConsumerRead.of(consumer) for consumer in consumers])
    if page_data is not None:
        listing.pageData = page_data
    return listing


@router.post(
    "",
    response_model=ConsumerCreated,
    status_code=201,
    responses={404: {"description": "There is no system with that slug"}},
)
async def create_consumer(
    session: SessionDep, response: Response, data: ConsumerCreate = Body(ConsumerCreate)
) -> ConsumerCreated:
    """A new key for one system; the answer holds its secret, shown this once only."""
    consumer = await consumer_service.create(session, data.system)
    response.headers["Location"] = f"/consumers/{consumer.key}"
    return ConsumerCreated(status="created", consumer=ConsumerWithSecret.of(consumer))


@router.get("/{key}", response_model=ConsumerEnvelope)
async def get_consumer(key: ConsumerKey, session: SessionDep) -> ConsumerEnvelope:
    """One key, without its secret."""
    return ConsumerEnvelope(consumer=ConsumerRead.of(await consumer_service.get(session, key)))


@router.post("/{key}/rotate", response_model=ConsumerCreated, responses=REVOKED_ALREADY)
async def rotate_consumer(
    key: ConsumerKey, session: SessionDep, settings: SettingsDep
) -> ConsumerCreated:
    """A new secret, shown this once; the old one works for CONSUMER_ROTATION_OVERLAP_SECONDS."""
    consumer = await consumer_service.get(session, key)
    overlap = timedelta(seconds=settings.consumer_rotation_overlap_seconds)
    await consumer_service.rotate(session, consumer, overlap)
    return ConsumerCreated(status="updated", consumer=ConsumerWithSecret.of(consumer))


@router.delete("/{key}", response_model=ConsumerRevoked, responses=REVOKED_ALREADY)
async def revoke_consumer(key: ConsumerKey, session: SessionDep) -> ConsumerRevoked:
    """Refuse the key from now on (the record stays, marked revoked)."""
    consumer = await consumer_service.get(session, key)
    await consumer_service.revoke(session, consumer)
    return ConsumerRevoked(status="revoked", consumer=ConsumerRead.of(consumer))
