"""Query parameters that narrow an application listing: `processed`, `assignedTo`, `email`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Query
from sqlalchemy import ColumnElement, Table, bindparam

from badgekit_api.errors import InvalidParameter
from badgekit_api.fields import normalized_email
from badgekit_api.http.query_flags import either_flag


@dataclass(frozen=True, slots=True)
class ApplicationFilters:
    processed: bool | None = None
    assigned_to: str | None = None
    learner: str | None = None

    def shape(self) -> tuple[bool | None, bool, bool]:
        """What the statement's text depends on (the emails are its parameters)."""
        return self.processed, self.assigned_to is not None, self.learner is not None

    def params(self) -> dict[str, Any]:
        values = {"assigned_to": self.assigned_to, "learner": self.learner}
        return {name: value for name, value in values.items() if value is not None}


def conditions(applications: Table, shape: tuple[bool | None, bool, bool]) -> list[Any]:
    """The WHERE clauses of filters of this `shape`, their emails left to bind."""
    processed, assigned, learner = shape
    found: list[ColumnElement[bool]] = []
    if processed is True:
        found.append(applications.c.processed.is_not(None))
    elif processed is False:
        found.append(applications.c.processed.is_(None))
    if assigned:
        found.append(applications.c.assigned_to == bindparam("assigned_to"))
    if learner:
        found.append(applications.c.learner == bindparam("learner"))
    return found


def _email_parameter(name: str, value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    email = normalized_email(value)
    if email is None:
        raise InvalidParameter(name, f"`{name}` must be an email address")
    return email


def filters_of(query: Mapping[str, str]) -> ApplicationFilters:
    """The listing filters of a query string; none given lists every application."""
    processed = query.get("processed")
    return ApplicationFilters(
        processed=None if processed is None else either_flag("processed", processed),
        assigned_to=_email_parameter("assignedTo", query.get("assignedTo")),
        learner=_email_parameter("email", query.get("email")),
    )


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
    """The listing filters of the query string (the route's reading applies them; this
    documents them and refuses bad values)."""
    given = {"processed": processed, "assignedTo": assigned_to, "email": email}
    return filters_of({name: value for name, value in given.items() if value is not None})


ApplicationFiltersDep = Annotated[ApplicationFilters, Depends(application_filters)]
