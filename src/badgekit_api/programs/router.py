"""`/systems/{system}/issuers/{issuer}/programs`: list, create, get, update, delete."""

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
from badgekit_api.programs.schemas import ProgramChanged, ProgramEnvelope, ProgramList
from badgekit_api.scopes import CurrentScope
from badgekit_api.scopes.scope import ProgramSlug
from badgekit_api.scopes.start import StartedDep, reads
from badgekit_api.settings_dep import SettingsDep

router = APIRouter(prefix="/programs", tags=["programs"])
PROGRAM = 2


@router.get("", response_model=ProgramList, response_class=JSONResponse)
@reads(queries.PROGRAM_PAGE)
async def list_programs(started: StartedDep, page: PageDep) -> Response:
    """The programs of an issuer."""
    return page_response("programs", started.row, page)


@router.post("", response_model=ProgramChanged, status_code=201, response_class=JSONResponse)
async def create_program(
    scope: CurrentScope,
    session: SessionDep,
    settings: SettingsDep,
    urls: PublicUrlsDep,
    data: ContainerCreate = Body(ContainerCreate),
) -> Response:
    """Create a program in the issuer."""
    assert scope.issuer is not None, "programs are mounted under an issuer scope"
    program_id = await container_service.create_container(
        session,
        PROGRAM,
        data,
        parent_id=scope.issuer.id,
        max_image_bytes=settings.max_image_bytes,
    )
    shown = await queries.container_by_id(session, PROGRAM, program_id, urls.origin)
    location = f"/systems/{scope.system.slug}/issuers/{scope.issuer.slug}/programs/{data.slug}"
    return object_response(
        {"status": "created", "program": JsonText(shown)},
        status_code=201,
        headers={"Location": location},
    )


@router.get("/{program_slug}", response_model=ProgramEnvelope, response_class=JSONResponse)
@reads(queries.ONE_PROGRAM)
async def get_program(
    program_slug: ProgramSlug,  # noqa: ARG001 - the documented path parameter
    started: StartedDep,
) -> Response:
    """One program by its slug."""
    return object_response({"program": JsonText(queries.shown_container(started.row))})


@router.put("/{program_slug}", response_model=ProgramChanged, response_class=JSONResponse)
@reads(queries.ONE_PROGRAM)
async def update_program(
    program_slug: ProgramSlug,  # noqa: ARG001 - the documented path parameter
    started: StartedDep,
    session: SessionDep,
    settings: SettingsDep,
    urls: PublicUrlsDep,
    data: ContainerUpdate = Body(ContainerUpdate),
) -> Response:
    """Update the given fields of a program."""
    current = orjson.loads(queries.shown_container(started.row))
    await container_service.update_container(
        session, PROGRAM, current, data, max_image_bytes=settings.max_image_bytes
    )
    shown = await queries.container_by_id(session, PROGRAM, current["id"], urls.origin)
    return object_response({"status": "updated", "program": JsonText(shown)})


@router.delete("/{program_slug}", response_model=ProgramChanged, response_class=JSONResponse)
@reads(queries.ONE_PROGRAM)
async def delete_program(
    program_slug: ProgramSlug,  # noqa: ARG001 - the documented path parameter
    started: StartedDep,
    session: SessionDep,
) -> Response:
    """Delete a program and everything in it."""
    shown = queries.shown_container(started.row)
    await container_service.delete_container(session, PROGRAM, orjson.loads(shown)["id"])
    return object_response({"status": "deleted", "program": JsonText(shown)})
