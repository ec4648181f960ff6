"""`/systems/{system}/issuers`: list, create, get, update, delete."""

from __future__ import annotations

from fastapi import APIRouter, Response

from badgekit_api.containers import service as container_service
from badgekit_api.containers.schemas import ContainerCreate, ContainerUpdate
from badgekit_api.containers.serializers import issuer_read
from badgekit_api.db.database import SessionDep
from badgekit_api.http.body import Body
from badgekit_api.http.pagination import PageDep, fetch_page
from badgekit_api.http.urls import PublicUrlsDep
from badgekit_api.issuers import service as issuer_service
from badgekit_api.issuers.schemas import IssuerChanged, IssuerEnvelope, IssuerList
from badgekit_api.models import Issuer
from badgekit_api.scopes import CurrentScope
from badgekit_api.scopes.scope import IssuerSlug
from badgekit_api.settings_dep import SettingsDep

router = APIRouter(prefix="/issuers", tags=["issuers"])


@router.get("", response_model=IssuerList, response_model_exclude_unset=True)
async def list_issuers(
    scope: CurrentScope, session: SessionDep, page: PageDep, urls: PublicUrlsDep
) -> IssuerList:
    """The issuers of a system, each with its programs."""
    statement = issuer_service.list_statement(scope.system)
    issuers, page_data = await fetch_page(session, statement, page)
    listing = IssuerList(issuers=[issuer_read(issuer, urls) for issuer in issuers])
    if page_data is not None:
        listing.pageData = page_data
    return listing


@router.post("", response_model=IssuerChanged, status_code=201)
async def create_issuer(
    scope: CurrentScope,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    urls: PublicUrlsDep,
    data: ContainerCreate = Body(ContainerCreate),
) -> IssuerChanged:
    """Create an issuer in the system."""
    issuer = await container_service.create(
        session,
        Issuer(system_id=scope.system.id),
        data,
        kind="issuer",
        siblings=issuer_service.in_system(scope.system),
        max_image_bytes=settings.max_image_bytes,
    )
    issuer = await issuer_service.get_tree(session, scope.system, issuer.slug)
    response.headers["Location"] = f"/systems/{scope.system.slug}/issuers/{issuer.slug}"
    return IssuerChanged(status="created", issuer=issuer_read(issuer, urls))


@router.get("/{issuer_slug}", response_model=IssuerEnvelope)
async def get_issuer(
    issuer_slug: IssuerSlug, scope: CurrentScope, session: SessionDep, urls: PublicUrlsDep
) -> IssuerEnvelope:
    """One issuer by its slug."""
    issuer = await issuer_service.get_tree(session, scope.system, issuer_slug)
    return IssuerEnvelope(issuer=issuer_read(issuer, urls))


@router.put("/{issuer_slug}", response_model=IssuerChanged)
async def update_issuer(
    issuer_slug: IssuerSlug,
    scope: CurrentScope,
    session: SessionDep,
    settings: SettingsDep,
    urls: PublicUrlsDep,
    data: ContainerUpdate = Body(ContainerUpdate),
) -> IssuerChanged:
    """Update the given fields of an issuer."""
    issuer = await issuer_service.get_tree(session, scope.system, issuer_slug)
    await container_service.update(
        session,
        issuer,
        data,
        kind="issuer",
        siblings=issuer_service.in_system(scope.system),
        max_image_bytes=settings.max_image_bytes,
    )
    issuer = await issuer_service.get_tree(session, scope.system, issuer.slug)
    return IssuerChanged(status="updated", issuer=issuer_read(issuer, urls))


@router.delete("/{issuer_slug}", response_model=IssuerChanged)
async def delete_issuer(
    issuer_slug: IssuerSlug, scope: CurrentScope, session: SessionDep, urls: PublicUrlsDep
) -> IssuerChanged:
    """Delete an issuer and everything in it."""
    issuer = await issuer_service.get_tree(session, scope.system, issuer_slug)
    shown = issuer_read(issuer, urls)
    await container_service.delete(session, issuer)
    return IssuerChanged(status="deleted", issuer=shown)
