"""Brute-force limit on claiming: failed claims (unknown or used code) per client and code."""

from __future__ import annotations

from collections.abc import AsyncIterator

from fastapi import Request

from badgekit_api.config import Settings
from badgekit_api.db.database import SessionDep
from badgekit_api.errors import CodeAlreadyUsed, NotFound
from badgekit_api.security.auth import client_address
from badgekit_api.security.ratelimit import FailureLimit
from badgekit_api.security.shared_state import SharedState


def claim_failure_limits(
    settings: Settings, request: Request, code: str
) -> tuple[tuple[FailureLimit, str], tuple[FailureLimit, str]]:
    per_minute = settings.claim_failures_per_minute
    system = request.path_params.get("system_slug", "")
    return (
        (
            FailureLimit("claim-client", per_minute, "Too many failed claims from this client"),
            client_address(request),
        ),
        (
            FailureLimit("claim-code", per_minute, "Too many failed claims of this code"),
            f"{system}\x00{code}",
        ),
    )


async def limit_failed_claims(
    request: Request, session: SessionDep, code: str
) -> AsyncIterator[None]:
    """Count each failed claim against the client and the code; once either has used up its
    failures, a failed claim is a 429 instead. The claim of a real, unclaimed code is served
    whatever the counters say (and never reads them): the limit slows guessing down, it
    must not keep an earner from a code they were given."""
    try:
        yield
    except (NotFound, CodeAlreadyUsed):
        # End the request's transaction first: on SQLite it holds the write lock that the
        # count (a transaction of its own, so that it survives the rollback) needs.
        await session.rollback()
        shared: SharedState = request.app.state.shared
        limits = claim_failure_limits(request.app.state.settings, request, code)
        await shared.limiter.count_failure(*limits)
        raise
