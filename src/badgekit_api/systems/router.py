"""`/systems`: list, create, get, update, delete."""

from __future__ import annotations

import orjson
from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse

from badgekit_api.containers import queries
from badgekit_api.containers import service as container_service
from badgekit_api.containers.schemas import ContainerCreate, ContainerUpdate
from badgekit_api.db.database import SessionDep
from badgekit_api.errors import NotFound
from badgekit_api.http.body import Body
from badgekit_api.http.json_text import JsonText, object_response, page_response
from badgekit_api.http.pagination import PageDep
from badgekit_api.http.urls import PublicUrlsDep
from badgekit_api.scopes.scope import SystemSlug
from badgekit_api.scopes.start import OutsideStartedDep, Started, reads
from badgekit_api.settings_dep import SettingsDep
from badgekit_api.systems.schemas import SystemChanged, SystemEnvelope, SystemList

router = APIRouter(prefix="/systems", tags=["systems"])
SYSTEM = 0


def _system(started: Started, slug: str) -> str:
    """The JSON text of the URL's system, as the start statement read it; 404 if none."""
    assert started.row is not None
    if started.row.system is None:
        raise NotFound.for_field("system", "slug", slug)
    shown: str = started.row.system
    return shown


@router.get("", response_model=SystemList, response_class=JSONResponse)
@reads(queries.SYSTEM_PAGE)
async def list_systems(started: OutsideStartedDep, page: PageDep) -> Response:
    """All systems, each with its issuers and their programs."""
    return page_response("systems", started.row, page)


@router.post("", response_model=SystemChanged, status_code=201, response_class=JSONResponse)
async def create_system(
    settings: SettingsDep,
    session: SessionDep,
    urls: PublicUrlsDep,
    data: ContainerCreate = Body(ContainerCreate),
) -> Response:
    """Create a system."""
    system_id = await container_service.create_container(
        session, SYSTEM, data, max_image_bytes=settings.max_image_bytes
    )
    shown = await queries.container_by_id(session, SYSTEM, system_id, urls.origin)
    return object_response(
        {"status": "created", "system": JsonText(shown)},
        status_code=201,
        headers={"Location": f"/systems/{data.slug}"},
    )


@router.get("/{system_slug}", response_model=SystemEnvelope, response_class=JSONResponse)
@reads(queries.ONE_SYSTEM)
async def get_system(system_slug: SystemSlug, started: OutsideStartedDep) -> Response:
    """One system by its slug."""
    return object_response({"system": JsonText(_system(started, system_slug))})


@router.put("/{system_slug}", response_model=SystemChanged, response_class=JSONResponse)
@reads(queries.ONE_SYSTEM)
async def update_system(
    system_slug: SystemSlug,
    started: OutsideStartedDep,
    settings: SettingsDep,
    session: SessionDep,
    urls: PublicUrlsDep,
    data: ContainerUpdate = Body(ContainerUpdate),
) -> Response:
    """Update the given fields of a system."""
    current = orjson.loads(_system(started, system_slug))
    await container_service.update_container(
        session, SYSTEM, current, data, max_image_bytes=settings.max_image_bytes
    )
    shown = await queries.container_by_id(session, SYSTEM, current["id"], urls.origin)
    return object_response({"status": "updated", "system": JsonText(shown)})


@router.delete("/{system_slug}", response_model=SystemChanged, response_class=JSONResponse)
@reads(queries.ONE_SYSTEM)
async def delete_system(
    system_slug: SystemSlug, started: OutsideStartedDep, session: SessionDep
) -> Response:
    """Delete a system and everything in it."""
    shown = _system(started, system_slug)
    await container_service.delete_container(session, SYSTEM, orjson.loads(shown)["id"])
    return object_response({"status": "deleted", "system": JsonText(shown)})
