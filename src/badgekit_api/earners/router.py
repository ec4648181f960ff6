"""`/systems/{system}/earners/{email}`: what the system holds about one earner, and its
erasure (the master key or the system's own key)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from badgekit_api.db.database import SessionDep
from badgekit_api.earners import service as earner_service
from badgekit_api.earners.queries import earner_data
from badgekit_api.earners.schemas import EarnerEnvelope, EarnerErased
from badgekit_api.errors import ValidationFailed
from badgekit_api.fields import normalized_email
from badgekit_api.http.urls import PublicUrlsDep
from badgekit_api.scopes import CurrentScope

router = APIRouter(prefix="/earners", tags=["earners"])

EmailPath = Annotated[str, Path(description="The earner's email address")]


def _stored_form(email: str) -> str:
    address = normalized_email(email)
    if address is None:
        raise ValidationFailed.field("email", email, "Invalid email")
    return address


@router.get("/{email}", response_model=EarnerEnvelope)
async def get_earner(
    email: EmailPath, scope: CurrentScope, session: SessionDep, urls: PublicUrlsDep
) -> EarnerEnvelope:
    """Everything the system holds about one email: its awards (revoked ones too), its
    applications with their reviews, and the claim codes it claimed. Empty lists when the
    system holds nothing about it."""
    data = await earner_data(session, scope.system, _stored_form(email), urls)
    return EarnerEnvelope(earner=data)


@router.delete("/{email}", response_model=EarnerErased)
async def erase_earner(email: EmailPath, scope: CurrentScope, session: SessionDep) -> EarnerErased:
    """Erase the email from everything the system stores. Each award stays verifiable as
    revoked (a tombstone: the recipient hash stays, the email goes; its assertion answers
    410); applications go with their evidence and reviews; claimed codes stay claimed.
    No webhook event is sent: it would carry the email."""
    address = _stored_form(email)
    erased = await earner_service.erase(session, scope.system, address)
    return EarnerErased(status="deleted", email=address, erased=erased)
