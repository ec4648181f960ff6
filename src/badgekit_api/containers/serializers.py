"""Containers from eager-loaded rows, for `badges/serializers.py` alone (the containers'
own endpoints answer through `containers/queries.py`): it goes when that file goes."""

from __future__ import annotations

from badgekit_api.containers.schemas import IssuerRead, ProgramRead, SystemRead
from badgekit_api.http.urls import PublicUrls
from badgekit_api.images.service import image_url
from badgekit_api.models import Issuer, Program, System


def _common(container: System | Issuer | Program, urls: PublicUrls) -> dict[str, object]:
    return {
        "id": container.id,
        "slug": container.slug,
        "url": container.url,
        "name": container.name,
        "description": container.description,
        "email": container.email,
        "imageUrl": image_url(container.image, urls),
    }


def program_read(program: Program, urls: PublicUrls) -> ProgramRead:
    return ProgramRead.model_validate(_common(program, urls))


def issuer_read(issuer: Issuer, urls: PublicUrls, *, nested: bool = True) -> IssuerRead:
    """The issuer with its programs; `nested=False` gives `programs: []` (embedded in a badge)."""
    programs = [program_read(program, urls) for program in issuer.programs] if nested else []
    return IssuerRead.model_validate({**_common(issuer, urls), "programs": programs})


def system_read(system: System, urls: PublicUrls, *, nested: bool = True) -> SystemRead:
    """The system with its issuers; `nested=False` gives `issuers: []` (embedded in a badge)."""
    issuers = [issuer_read(issuer, urls) for issuer in system.issuers] if nested else []
    return SystemRead.model_validate({**_common(system, urls), "issuers": issuers})
