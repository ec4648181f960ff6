"""The URL tree: public routes, signed routes, and scoped routers mounted at every level.

This is the only module that knows how containers nest. A scoped router is written once,
relative to its container, and mounted below each of the three scope prefixes.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends

from badgekit_api.applications.router import router as applications_router
from badgekit_api.badges.public_router import router as public_badges_router
from badgekit_api.badges.router import router as badges_router
from badgekit_api.claim_codes.lookup_router import router as claim_code_lookup_router
from badgekit_api.claim_codes.router import router as claim_codes_router
from badgekit_api.consumers.router import router as consumers_router
from badgekit_api.earners.router import router as earners_router
from badgekit_api.health.router import router as health_router
from badgekit_api.http.routing.flat import mount
from badgekit_api.images.router import router as images_router
from badgekit_api.instances.router import router as instances_router
from badgekit_api.issuers.router import router as issuers_router
from badgekit_api.keys.public_router import router as did_documents_router
from badgekit_api.keys.router import router as keys_router
from badgekit_api.milestones.router import router as milestones_router
from badgekit_api.openbadges.container_router import router as open_badges_container_router
from badgekit_api.openbadges.router import router as open_badges_router
from badgekit_api.programs.router import router as programs_router
from badgekit_api.reviews.router import router as reviews_router
from badgekit_api.scopes.start import public_start, signed_outside, signed_start
from badgekit_api.status_lists.router import router as status_lists_router
from badgekit_api.systems.router import router as systems_router
from badgekit_api.verify.router import router as verify_router
from badgekit_api.webhooks.router import router as webhooks_router

SYSTEM = "/systems/{system_slug}"
ISSUER = f"{SYSTEM}/issuers/{{issuer_slug}}"
PROGRAM = f"{ISSUER}/programs/{{program_slug}}"

# Resources that live at every level (badges, claim codes, instances, applications, ...).
SCOPED_ROUTERS: list[APIRouter] = [
    badges_router,
    claim_codes_router,
    claim_code_lookup_router,
    instances_router,
    applications_router,
    keys_router,
    reviews_router,
]

# Resources that belong to one level only: the containers directly below it.
LEVELS: tuple[tuple[str, list[APIRouter]], ...] = (
    (SYSTEM, [issuers_router, webhooks_router, milestones_router, earners_router]),
    (ISSUER, [programs_router]),
    (PROGRAM, []),
)


def install_routes(target: APIRouter) -> None:
    """Every route of the API, mounted flat into `target` (see `routing.flat`)."""
    routers = (health_router, images_router, public_badges_router, open_badges_router)
    for router in (*routers, verify_router):
        mount(target, router)
    for prefix, _ in LEVELS:
        # Each container's issuer profile, badge classes, DID document and status lists,
        # for anyone, without a token.
        for router in (open_badges_container_router, did_documents_router, status_lists_router):
            mount(target, router, prefix=f"/public{prefix}", dependencies=[Depends(public_start)])

    # Every signed request starts with one statement: its key, its URL's containers (a
    # missing one is a 404 even for handlers that don't ask) and what its route reads.
    signed = [Depends(signed_outside)]
    mount(target, systems_router, dependencies=signed)
    mount(target, consumers_router, dependencies=signed)
    for prefix, own_routers in LEVELS:
        for router in [*own_routers, *SCOPED_ROUTERS]:
            mount(target, router, prefix=prefix, dependencies=[Depends(signed_start)])
