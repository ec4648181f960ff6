"""`.../badges/{badge}/instances` and `.../instances/{email}`: awards, at every level."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from badgekit_api.badges.dependencies import ActingBadgeDep, BadgeSlug
from badgekit_api.badges.queries import BADGE_IN_URL, acting_badge_of
from badgekit_api.db.database import SessionDep
from badgekit_api.db.driver import ResultRow
from badgekit_api.errors import NotFound
from badgekit_api.http.body import Body, BodyDependency
from badgekit_api.http.json_text import JsonText, JsonTextResponse, listing_members, object_response
from badgekit_api.http.pagination import PageDep
from badgekit_api.http.urls import PublicUrlsDep
from badgekit_api.instances import queries as instance_queries
from badgekit_api.instances import service as instance_service
from badgekit_api.instances.csv_answer import csv_answer
from badgekit_api.instances.csv_rows import CSV_MEDIA_TYPE, CsvAwards, read_csv
from badgekit_api.instances.links import assertion_url
from badgekit_api.instances.schemas import (
    BulkInstanceCreate,
    BulkIssued,
    CsvBulkIssued,
    InstanceChanged,
    InstanceCreate,
    InstanceEnvelope,
    InstanceList,
    RevokeInput,
)
from badgekit_api.scopes.start import Started, StartedDep, reads
from badgekit_api.security.auth import read_body
from badgekit_api.settings_dep import SettingsDep

router = APIRouter(tags=["instances"])

INSTANCES = "/badges/{badge_slug}/instances"
EarnerEmail = Annotated[str, Path(description="The earner's email (any case)")]


@router.get(INSTANCES, response_model=InstanceList, response_class=JsonTextResponse)
@reads(instance_queries.BADGE_INSTANCES)
async def list_badge_instances(
    started: StartedDep, badge_slug: BadgeSlug, page: PageDep
) -> Response:
    """The badge's standing awards, oldest first (revoked ones are left out)."""
    row = started.row
    assert row is not None
    if row.badge_id is None:
        raise NotFound.for_field("badge", "slug", badge_slug)
    return object_response(listing_members(row, "instances", page))


def _held(started: Started, badge_slug: str, email: str) -> ResultRow:
    """The start row of a route that `@reads(EARNERS_INSTANCE)`; 404 without the badge
    or without the earner's standing award of it."""
    row = started.row
    acting_badge_of(row, badge_slug)
    assert row is not None
    if row.instance is None:
        raise NotFound.for_field("badgeInstance", "email", email)
    return row


@router.post(
    INSTANCES, response_model=InstanceChanged, status_code=201, response_class=JsonTextResponse
)
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


class _BulkBody(BodyDependency[BulkInstanceCreate]):
    """The JSON (or form) body of a bulk award, or its `text/csv` form (its shape checked)."""

    async def __call__(self, request: Request) -> BulkInstanceCreate | CsvAwards:  # type: ignore[override]
        media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media_type == CSV_MEDIA_TYPE:
            settings = request.app.state.settings
            return read_csv(await read_body(request), settings.max_bulk_csv_rows)
        return await super().__call__(request)


_CSV_BODY = {
    "schema": {
        "type": "string",
        "description": (
            "A header row naming `email` (required) and any of `issuedOn`, `expires`,"
            " `comment`, `evidenceUrl`, `evidenceNarrative`; one earner a row"
            " (MAX_BULK_CSV_ROWS at most). The answer has a result per row: `created`,"
            " `skipped` (the earner holds the badge: its assertion) or `invalid` (with the"
            " reason); `?mode=all-or-nothing` makes one invalid row a 400 that writes nothing."
        ),
    },
    "example": "email,issuedOn,comment\nada@example.org,2024-05-01,Summer camp\n",
}
BulkMode = Annotated[
    Literal["each-row", "all-or-nothing"],
    Query(description="text/csv only: `all-or-nothing` rejects the file if one row is invalid"),
]


@router.post(
    f"{INSTANCES}/bulk",
    # The JSON body's answer, or the CSV body's (a result per row).
    response_model=BulkIssued | CsvBulkIssued,
    status_code=201,
    response_class=JsonTextResponse,
    openapi_extra={"requestBody": {"content": {CSV_MEDIA_TYPE: _CSV_BODY}}},
)
@reads(BADGE_IN_URL)
async def create_instances_in_bulk(
    badge: ActingBadgeDep,
    session: SessionDep,
    settings: SettingsDep,
    urls: PublicUrlsDep,
    mode: BulkMode = "each-row",
    data: BulkInstanceCreate | CsvAwards = Depends(_BulkBody(BulkInstanceCreate)),
) -> Response:
    """Award the badge to many earners in one transaction; those who hold it are skipped.
    A `text/csv` body is one earner a row, each row reported on its own."""
    if isinstance(data, CsvAwards):
        outcomes = await instance_service.issue_csv(
            session, badge, data, all_or_nothing=mode == "all-or-nothing", urls=urls
        )
        return csv_answer(outcomes, urls)
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


@router.get(
    f"{INSTANCES}/{{email}}", response_model=InstanceEnvelope, response_class=JsonTextResponse
)
@reads(instance_queries.EARNERS_INSTANCE)
async def get_instance(started: StartedDep, badge_slug: BadgeSlug, email: EarnerEmail) -> Response:
    """The earner's standing award of this badge."""
    row = _held(started, badge_slug, email)
    return object_response({"instance": JsonText(row.instance)})


@router.delete(
    f"{INSTANCES}/{{email}}", response_model=InstanceChanged, response_class=JsonTextResponse
)
@reads(instance_queries.EARNERS_INSTANCE)
async def revoke_instance(
    started: StartedDep,
    badge_slug: BadgeSlug,
    email: EarnerEmail,
    session: SessionDep,
    reason: Annotated[
        str | None, Query(max_length=10_000, description="Why (also accepted in the body)")
    ] = None,
    data: RevokeInput = Body(RevokeInput),
) -> Response:
    """Revoke the earner's award: gone from listings, kept as a revoked assertion."""
    row = _held(started, badge_slug, email)
    badge = acting_badge_of(row, badge_slug)
    await instance_service.revoke(
        session, badge, row.instance_id, row.instance, data.reason or reason or None
    )
    return object_response({"status": "deleted", "instance": JsonText(row.instance)})


@router.get("/instances/{email}", response_model=InstanceList, response_class=JsonTextResponse)
@reads(instance_queries.EARNER_INSTANCES)
async def list_earner_instances(
    started: StartedDep,
    email: EarnerEmail,  # noqa: ARG001 - documented here, read by the reading
    page: PageDep,
) -> Response:
    """The earner's standing awards of badges in this container or below; `[]` if none."""
    assert started.row is not None
    return object_response(listing_members(started.row, "instances", page))
