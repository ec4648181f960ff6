"""Query parameters that narrow an application listing: `processed`, `assignedTo`, `email`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Query
from sqlalchemy import Select

from badgekit_api.errors import InvalidParameter
from badgekit_api.fields import normalized_email
from badgekit_api.http.query_flags import either_flag
from badgekit_api.models import Application


@dataclass(frozen=True, slots=True)
class ApplicationFilters:
    processed: bool | None = None
    assigned_to: str | None = None
    learner: str | None = None

    def apply(self, statement: Select[Any]) -> Select[Any]:
        if self.processed is True:
            statement = statement.where(Application.processed.is_not(None))
        elif self.processed is False:
            statement = statement.where(Application.processed.is_(None))
        if self.assigned_to is not None:
            statement = statement.where(Application.assigned_to == self.assigned_to)
        if self.learner is not None:
            statement = statement.where(Application.learner == self.learner)
        return statement


def _email_parameter(name: str, value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    email = normalized_email(value)
    if email is None:
        raise InvalidParameter(name, f"`{name}` must be an email address")
    return email


async def application_filters(  # async: no thread hop (see urls.py)
    processed: Annotated[
        str | None,
        Query(
            description="`true` (or `1`): only processed applications; `false` (or `0`): "
            "only pending ones; `any`: both, as when it is not given"
        ),
    ] = None,
    assigned_to: Annotated[
        str | None, Query(alias="assignedTo", description="Only those assigned to this reviewer")
    ] = None,
    email: Annotated[str | None, Query(description="Only this learner's applications")] = None,
) -> ApplicationFilters:
    """The listing filters of the query string; none given lists every application."""
    return ApplicationFilters(
        processed=None if processed is None else either_flag("processed", processed),
        assigned_to=_email_parameter("assignedTo", assigned_to),
        learner=_email_parameter("email", email),
    )


ApplicationFiltersDep = Annotated[ApplicationFilters, Depends(application_filters)]
