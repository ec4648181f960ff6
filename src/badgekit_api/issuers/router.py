"""`/systems/{system}/issuers`: list, create, get, update, delete."""

from __future__ import annotations

import orjson
from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse

from badgekit_api.containers import queries
from badgekit_api.containers import service as container_service
from badgekit_api.containers.schemas import ContainerCreate, ContainerUpdate
from badgekit_api.db.database import SessionDep
from badgekit_api.http.body import Body
from badgekit_api.http.json_text import JsonText, object_response, page_response
from badgekit_api.http.pagination import PageDep
from badgekit_api.http.urls import PublicUrlsDep
from badgekit_api.issuers.schemas import IssuerChanged, IssuerEnvelope, IssuerList
from badgekit_api.scopes import CurrentScope
from badgekit_api.scopes.scope import IssuerSlug
from badgekit_api.scopes.start import StartedDep, reads
from badgekit_api.settings_dep import SettingsDep

router = APIRouter(prefix="/issuers", tags=["issuers"])
ISSUER = 1


@router.get("", response_model=IssuerList, response_class=JSONResponse)
@reads(queries.ISSUER_PAGE)
async def list_issuers(started: StartedDep, page: PageDep) -> Response:
    """The issuers of a system, each with its programs."""
    return page_response("issuers", started.row, page)


@router.post("", response_model=IssuerChanged, status_code=201, response_class=JSONResponse)
async def create_issuer(
    scope: CurrentScope,
    session: SessionDep,
    settings: SettingsDep,
    urls: PublicUrlsDep,
    data: ContainerCreate = Body(ContainerCreate),
) -> Response:
    """Create an issuer in the system."""
    issuer_id = await container_service.create_container(
        session,
        ISSUER,
        data,
        parent_id=scope.system.id,
        max_image_bytes=settings.max_image_bytes,
    )
    shown = await queries.container_by_id(session, ISSUER, issuer_id, urls.origin)
    return object_response(
        {"status": "created", "issuer": JsonText(shown)},
        status_code=201,
        headers={"Location": f"/systems/{scope.system.slug}/issuers/{data.slug}"},
    )


@router.get("/{issuer_slug}", response_model=IssuerEnvelope, response_class=JSONResponse)
@reads(queries.ONE_ISSUER)
async def get_issuer(
    issuer_slug: IssuerSlug,  # noqa: ARG001 - the documented path parameter
    started: StartedDep,
) -> Response:
    """One issuer by its slug."""
    return object_response({"issuer": JsonText(queries.shown_container(started.row))})


@router.put("/{issuer_slug}", response_model=IssuerChanged, response_class=JSONResponse)
@reads(queries.ONE_ISSUER)
async def update_issuer(
    issuer_slug: IssuerSlug,  # noqa: ARG001 - the documented path parameter
    started: StartedDep,
    session: SessionDep,
    settings: SettingsDep,
    urls: PublicUrlsDep,
    data: ContainerUpdate = Body(ContainerUpdate),
) -> Response:
    """Update the given fields of an issuer."""
    current = orjson.loads(queries.shown_container(started.row))
    await container_service.update_container(
        session, ISSUER, current, data, max_image_bytes=settings.max_image_bytes
    )
    shown = await queries.container_by_id(session, ISSUER, current["id"], urls.origin)
    return object_response({"status": "updated", "issuer": JsonText(shown)})


@router.delete("/{issuer_slug}", response_model=IssuerChanged, response_class=JSONResponse)
@reads(queries.ONE_ISSUER)
async def delete_issuer(
    issuer_slug: IssuerSlug,  # noqa: ARG001 - the documented path parameter
    started: StartedDep,
    session: SessionDep,
) -> Response:
    """Delete an issuer and everything in it."""
    shown = queries.shown_container(started.row)
    await container_service.delete_container(session, ISSUER, orjson.loads(shown)["id"])
    return object_response({"status": "deleted", "issuer": JsonText(shown)})
