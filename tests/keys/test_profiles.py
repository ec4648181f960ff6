"""`signing_key` and `verification_methods` take a profile in each of the forms callers
hold: the ORM container, the request's Scope, a (kind, id) pair."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from badgekit_api.keys.profiles import ProfileRef, profile_ref
from badgekit_api.keys.signing import signing_key, verification_methods
from badgekit_api.models import Program
from badgekit_api.scopes import Scope
from badgekit_api.scopes.containers import Container
from tests.factories.containers import create_tree

ORIGIN = "https://badges.example.org"
DID = "did:web:badges.example.org:public:systems:chicago:issuers:library:programs:readers"


async def test_every_form_of_a_profile_names_the_same_key(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    await create_tree(client)
    async with app.state.session_factory() as session, session.begin():
        program = await session.scalar(select(Program))
        assert program is not None
        by_row = await signing_key(session, program, origin=ORIGIN)
        by_pair = await signing_key(session, ("program", program.id), origin=ORIGIN)
        methods = await verification_methods(
            session, ProfileRef("program", program.id), origin=ORIGIN
        )
    assert by_row.did == by_pair.did == DID
    assert by_row.verification_method == by_pair.verification_method == f"{DID}#key-1"
    assert methods[0]["id"] == by_row.verification_method
    assert methods[0]["publicKeyMultibase"] == by_row.public_multibase


def test_a_scope_names_its_deepest_container() -> None:
    def container(ident: int) -> Container:
        return Container(ident, f"c{ident}", "https://x.org", "X", None, None, None)

    assert profile_ref(Scope(container(1))) == ProfileRef("system", 1)
    assert profile_ref(Scope(container(1), container(2))) == ProfileRef("issuer", 2)
    assert profile_ref(Scope(container(1), container(2), container(3))) == ProfileRef("program", 3)
    with pytest.raises(ValueError, match="kind"):
        profile_ref(("badge", 1))
    with pytest.raises(TypeError):
        profile_ref(container(1))  # type: ignore[arg-type]


async def test_a_missing_profile_is_not_found(app: FastAPI) -> None:
    from badgekit_api.errors import NotFound

    async with app.state.session_factory() as session, session.begin():
        with pytest.raises(NotFound):
            await signing_key(session, ("issuer", 987654), origin=ORIGIN)
