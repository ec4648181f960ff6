"""`/systems/{system}/issuers/{issuer}/programs`: list, create, get, update, delete."""

from __future__ import annotations

from fastapi import APIRouter, Response

from badgekit_api.containers import service as container_service
from badgekit_api.containers.schemas import ContainerCreate, ContainerUpdate
from badgekit_api.containers.serializers import program_read
from badgekit_api.db.database import SessionDep
from badgekit_api.http.body import Body
from badgekit_api.http.pagination import PageDep, fetch_page
from badgekit_api.http.urls import PublicUrlsDep
from badgekit_api.models import Program
from badgekit_api.programs import service as program_service
from badgekit_api.programs.schemas import ProgramChanged, ProgramEnvelope, ProgramList
from badgekit_api.scopes import CurrentScope, Scope
from badgekit_api.scopes.containers import Container
from badgekit_api.scopes.scope import ProgramSlug
from badgekit_api.settings_dep import SettingsDep

router = APIRouter(prefix="/programs", tags=["programs"])


def _issuer(scope: Scope) -> Container:
    assert scope.issuer is not None, "programs are mounted under an issuer scope"
    return scope.issuer


@router.get("", response_model=ProgramList, response_model_exclude_unset=True)
async def list_programs(
    scope: CurrentScope, session: SessionDep, page: PageDep, urls: PublicUrlsDep
) -> ProgramList:
    """The programs of an issuer."""
    statement = program_service.list_statement(_issuer(scope))
    programs, page_data = await fetch_page(session, statement, page)
    listing = ProgramList(programs=[program_read(program, urls) for program in programs])
    if page_data is not None:
        listing.pageData = page_data
    return listing


@router.post("", response_model=ProgramChanged, status_code=201)
async def create_program(
    scope: CurrentScope,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    urls: PublicUrlsDep,
    data: ContainerCreate = Body(ContainerCreate),
) -> ProgramChanged:
    """Create a program in the issuer."""
    issuer = _issuer(scope)
    program = await container_service.create(
        session,
        Program(issuer_id=issuer.id),
        data,
        kind="program",
        siblings=program_service.in_issuer(issuer),
        max_image_bytes=settings.max_image_bytes,
    )
    program = await program_service.get(session, issuer, program.slug)
    response.headers["Location"] = (
        f"/systems/{scope.system.slug}/issuers/{issuer.slug}/programs/{program.slug}"
    )
    return ProgramChanged(status="created", program=program_read(program, urls))


@router.get("/{program_slug}", response_model=ProgramEnvelope)
async def get_program(
    program_slug: ProgramSlug, scope: CurrentScope, session: SessionDep, urls: PublicUrlsDep
) -> ProgramEnvelope:
    """One program by its slug."""
    program = await program_service.get(session, _issuer(scope), program_slug)
    return ProgramEnvelope(program=program_read(program, urls))


@router.put("/{program_slug}", response_model=ProgramChanged)
async def update_program(
    program_slug: ProgramSlug,
    scope: CurrentScope,
    session: SessionDep,
    settings: SettingsDep,
    urls: PublicUrlsDep,
    data: ContainerUpdate = Body(ContainerUpdate),
) -> ProgramChanged:
    """Update the given fields of a program."""
    issuer = _issuer(scope)
    program = await program_service.get(session, issuer, program_slug)
    await container_service.update(
        session,
        program,
        data,
        kind="program",
        siblings=program_service.in_issuer(issuer),
        max_image_bytes=settings.max_image_bytes,
    )
    program = await program_service.get(session, issuer, program.slug)
    return ProgramChanged(status="updated", program=program_read(program, urls))


@router.delete("/{program_slug}", response_model=ProgramChanged)
async def delete_program(
    program_slug: ProgramSlug, scope: CurrentScope, session: SessionDep, urls: PublicUrlsDep
) -> ProgramChanged:
    """Delete a program and everything in it."""
    program = await program_service.get(session, _issuer(scope), program_slug)
    shown = program_read(program, urls)
    await container_service.delete(session, program)
    return ProgramChanged(status="deleted", program=shown)
