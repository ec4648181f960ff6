"""`/systems`: list, create, get, update, delete."""

from __future__ import annotations

from fastapi import APIRouter, Response

from badgekit_api.containers import service as container_service
from badgekit_api.containers.schemas import ContainerCreate, ContainerUpdate
from badgekit_api.containers.serializers import system_read
from badgekit_api.db.database import SessionDep
from badgekit_api.http.body import Body
from badgekit_api.http.pagination import PageDep, fetch_page
from badgekit_api.http.urls import PublicUrlsDep
from badgekit_api.models import System
from badgekit_api.scopes.scope import SystemSlug
from badgekit_api.settings_dep import SettingsDep
from badgekit_api.systems import service as system_service
from badgekit_api.systems.schemas import SystemChanged, SystemEnvelope, SystemList

router = APIRouter(prefix="/systems", tags=["systems"])


@router.get("", response_model=SystemList, response_model_exclude_unset=True)
async def list_systems(session: SessionDep, page: PageDep, urls: PublicUrlsDep) -> SystemList:
    """All systems, each with its issuers and their programs."""
    systems, page_data = await fetch_page(session, system_service.list_statement(), page)
    listing = SystemList(systems=[system_read(system, urls) for system in systems])
    if page_data is not None:
        listing.pageData = page_data
    return listing


@router.post("", response_model=SystemChanged, status_code=201)
async def create_system(
    settings: SettingsDep,
    response: Response,
    session: SessionDep,
    urls: PublicUrlsDep,
    data: ContainerCreate = Body(ContainerCreate),
) -> SystemChanged:
    """Create a system."""
    system = await container_service.create(
        session,
        System(),
        data,
        kind="system",
        siblings=system_service.ALL_SYSTEMS,
        max_image_bytes=settings.max_image_bytes,
    )
    system = await system_service.get_tree(session, system.slug)
    response.headers["Location"] = f"/systems/{system.slug}"
    return SystemChanged(status="created", system=system_read(system, urls))


@router.get("/{system_slug}", response_model=SystemEnvelope)
async def get_system(
    system_slug: SystemSlug, session: SessionDep, urls: PublicUrlsDep
) -> SystemEnvelope:
    """One system by its slug."""
    system = await system_service.get_tree(session, system_slug)
    return SystemEnvelope(system=system_read(system, urls))


@router.put("/{system_slug}", response_model=SystemChanged)
async def update_system(
    system_slug: SystemSlug,
    settings: SettingsDep,
    session: SessionDep,
    urls: PublicUrlsDep,
    data: ContainerUpdate = Body(ContainerUpdate),
) -> SystemChanged:
    """Update the given fields of a system."""
    system = await system_service.get_tree(session, system_slug)
    await container_service.update(
        session,
        system,
        data,
        kind="system",
        siblings=system_service.ALL_SYSTEMS,
        max_image_bytes=settings.max_image_bytes,
    )
    system = await system_service.get_tree(session, system.slug)
    return SystemChanged(status="updated", system=system_read(system, urls))


@router.delete("/{system_slug}", response_model=SystemChanged)
async def delete_system(
    system_slug: SystemSlug, session: SessionDep, urls: PublicUrlsDep
) -> SystemChanged:
    """Delete a system and everything in it."""
    system = await system_service.get_tree(session, system_slug)
    shown = system_read(system, urls)
    await container_service.delete(session, system)
    return SystemChanged(status="deleted", system=shown)
