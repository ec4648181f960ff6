"""`.../badges/{badge}/instances` and `.../instances/{email}`: awards, at every level."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from badgekit_api.badges.dependencies import ActingBadgeDep, BadgeDep
from badgekit_api.badges.queries import BADGE_IN_URL
from badgekit_api.db.database import SessionDep
from badgekit_api.http.body import Body
from badgekit_api.http.json_text import JsonText, object_response
from badgekit_api.http.pagination import PageData, PageDep, fetch_page
from badgekit_api.http.urls import PublicUrlsDep
from badgekit_api.instances import queries as instance_queries
from badgekit_api.instances import service as instance_service
from badgekit_api.instances.links import assertion_url
from badgekit_api.instances.schemas import (
    BulkInstanceCreate,
    BulkIssued,
    InstanceChanged,
    InstanceCreate,
    InstanceEnvelope,
    InstanceList,
    InstanceRead,
    RevokeInput,
)
from badgekit_api.instances.serializers import instance_read
from badgekit_api.scopes.start import StartedDep, reads
from badgekit_api.settings_dep import SettingsDep

router = APIRouter(tags=["instances"])

INSTANCES = "/badges/{badge_slug}/instances"
EarnerEmail = Annotated[str, Path(description="The earner's email (any case)")]


def _listing(shown: list[InstanceRead], page_data: PageData | None) -> InstanceList:
    listing = InstanceList(instances=shown)
    if page_data is not None:
        # Set only when paginating: `pageData` is left out of the response otherwise.
        listing.page_data = page_data
    return listing


@router.get(INSTANCES, response_model=InstanceList, response_model_exclude_unset=True)
async def list_badge_instances(
    badge: BadgeDep, session: SessionDep, page: PageDep, urls: PublicUrlsDep
) -> InstanceList:
    """The badge's standing awards, oldest first (revoked ones are left out)."""
    instances, page_data = await fetch_page(session, instance_service.list_statement(badge), page)
    return _listing([instance_read(instance, urls) for instance in instances], page_data)


@router.post(INSTANCES, response_model=InstanceChanged, status_code=201, response_class=Response)
@reads(BADGE_IN_URL)
async def create_instance(
    badge: ActingBadgeDep,
    session: SessionDep,
    urls: PublicUrlsDep,
    data: InstanceCreate = Body(InstanceCreate),
) -> Response:
    """Award the badge to an earner; `Location` is the new assertion's URL."""
    instance = await instance_service.issue(session, badge, data, urls)
    shown = await instance_queries.instances_by_id(session, [instance.id], urls.origin)
    return object_response(
        {"status": "created", "instance": JsonText(shown[instance.id])},
        status_code=201,
        headers={"Location": assertion_url(instance.slug, urls)},
    )


@router.post(
    f"{INSTANCES}/bulk", response_model=BulkIssued, status_code=201, response_class=Response
)
@reads(BADGE_IN_URL)
async def create_instances_in_bulk(
    badge: ActingBadgeDep,
    session: SessionDep,
    settings: SettingsDep,
    urls: PublicUrlsDep,
    data: BulkInstanceCreate = Body(BulkInstanceCreate),
) -> Response:
    """Award the badge to many earners in one transaction; those who hold it are skipped."""
    awarded = await instance_service.issue_bulk(
        session, badge, data, urls, max_emails=settings.max_bulk_emails
    )
    ids = [instance.id for instance in awarded.created]
    shown = await instance_queries.instances_by_id(session, ids, urls.origin)
    skipped = [
        {"email": held.email, "assertionUrl": assertion_url(held.slug, urls)}
        for held in awarded.skipped
    ]
    return object_response(
        {
            "status": "created",
            "instances": JsonText("[" + ",".join(shown[id] for id in ids) + "]"),
            "skipped": skipped,
        },
        status_code=201,
    )


@router.get(f"{INSTANCES}/{{email}}", response_model=InstanceEnvelope)
async def get_instance(
    badge: BadgeDep, email: EarnerEmail, session: SessionDep, urls: PublicUrlsDep
) -> InstanceEnvelope:
    """The earner's standing award of this badge."""
    instance = await instance_service.get(session, badge, email)
    return InstanceEnvelope(instance=instance_read(instance, urls))


@router.delete(f"{INSTANCES}/{{email}}", response_model=InstanceChanged)
async def revoke_instance(
    badge: BadgeDep,
    email: EarnerEmail,
    session: SessionDep,
    urls: PublicUrlsDep,
    reason: Annotated[
        str | None, Query(max_length=10_000, description="Why (also accepted in the body)")
    ] = None,
    data: RevokeInput = Body(RevokeInput),
) -> InstanceChanged:
    """Revoke the earner's award: gone from listings, kept as a revoked assertion."""
    instance = await instance_service.revoke(
        session, badge, email, data.reason or reason or None, urls
    )
    return InstanceChanged(status="deleted", instance=instance_read(instance, urls))


@router.get("/instances/{email}", response_model=InstanceList, response_class=Response)
@reads(instance_queries.EARNER_INSTANCES)
async def list_earner_instances(
    started: StartedDep,
    email: EarnerEmail,  # noqa: ARG001 - documented here, read by the reading
    page: PageDep,
) -> Response:
    """The earner's standing awards of badges in this container or below; `[]` if none."""
    row = started.row
    assert row is not None
    members: dict[str, object] = {"instances": JsonText(row.instances)}
    if page is not None:
        members["pageData"] = {"page": page.page, "count": page.count, "total": row.total}
    return object_response(members)
