"""An earner's instances as plain rows: each instance with its badge row (`badges/rows.py`)
in one Core query, its evidence in a second, rendered straight into the wire model.

`GET .../instances/{email}` is what an issuer's site calls to show an earner's backpack
page; loading the instances and their badges as ORM entities cost most of its CPU.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Select, Table, bindparam, select
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncSession

from badgekit_api.badges import rows as badge_rows
from badgekit_api.badges.lists import read_lists
from badgekit_api.http.urls import PublicUrls
from badgekit_api.instances.links import assertion_url
from badgekit_api.instances.schemas import AwardEvidenceRead, InstanceRead
from badgekit_api.models import BadgeInstance, InstanceEvidence
from badgekit_api.scopes import Scope
from badgekit_api.scopes.scope import SCOPE_DEPTHS, owned_at

_instances: Table = BadgeInstance.__table__  # type: ignore[assignment]
_evidence: Table = InstanceEvidence.__table__  # type: ignore[assignment]
_badges = badge_rows.BADGE_TABLE

INSTANCE_COLUMNS = ("id", "slug", "email", "expires", "issued_on", "claim_code", "comment")

# From the instances (an earner's few, by the email index) to their badges: written the
# other way round, PostgreSQL joined every badge of the system with its containers and
# images first (300 ms with 100,000 badges), since it keeps the written order of this
# many joins. The instance's columns come after the badge's, so `badge_from_row` reads
# the same positions in these rows as in `BADGE_ROWS`.
_EARNER_ROWS = badge_rows.badge_rows_from(
    _instances.join(_badges, _badges.c.id == _instances.c.badge_id)
).add_columns(*(_instances.c[name].label(f"n_{name}") for name in INSTANCE_COLUMNS))
_AT = dict(badge_rows.positions(_EARNER_ROWS, "n", INSTANCE_COLUMNS))
# Built once per scope depth (building a statement costs more CPU than running it).
_BY_EARNER = {
    depth: _EARNER_ROWS.where(
        _instances.c.email == bindparam("email"),
        _instances.c.live.is_(True),
        owned_at(depth, _badges.c.system_id, _badges.c.issuer_id, _badges.c.program_id),
    ).order_by(_instances.c.id)
    for depth in SCOPE_DEPTHS
}
_EVIDENCE = (
    select(_evidence.c.instance_id, _evidence.c.url, _evidence.c.narrative)
    .where(_evidence.c.instance_id.in_(bindparam("ids", expanding=True)))
    .order_by(_evidence.c.id)
)


async def read_evidence(
    session: AsyncSession, instance_ids: list[int]
) -> defaultdict[int, list[tuple[str | None, str | None]]]:
    """Each instance's evidence as (url, narrative), in the order it was given."""
    evidence: defaultdict[int, list[tuple[str | None, str | None]]] = defaultdict(list)
    for instance_id, url, narrative in await session.execute(_EVIDENCE, {"ids": instance_ids}):
        evidence[instance_id].append((url, narrative))
    return evidence


def earner_statement(scope: Scope, email: str) -> tuple[Select[Any], dict[str, Any]]:
    """An earner's standing awards of badges in the scope's container or below it, and the
    parameters to run it with."""
    return _BY_EARNER[scope.depth], {**scope.owner_ids(), "email": email.lower()}


async def shown(
    session: AsyncSession, rows: list[Row[Any]], urls: PublicUrls
) -> list[InstanceRead]:
    """The instances of `earner_statement` rows as the wire shows them: their badges'
    lists and their evidence read in one query each."""
    if not rows:
        return []
    lists = await read_lists(session, {row[badge_rows.ID_AT] for row in rows})
    evidence = await read_evidence(session, [row[_AT["id"]] for row in rows])
    return [
        InstanceRead(
            slug=row[_AT["slug"]],
            email=row[_AT["email"]],
            expires=row[_AT["expires"]],
            issued_on=row[_AT["issued_on"]],
            claim_code=row[_AT["claim_code"]],
            assertion_url=assertion_url(row[_AT["slug"]], urls),
            badge=badge_rows.badge_from_row(row, urls, lists[row[badge_rows.ID_AT]]),
            evidence=[
                AwardEvidenceRead(url=url, narrative=narrative)
                for url, narrative in evidence[row[_AT["id"]]]
            ],
            comment=row[_AT["comment"]],
        )
        for row in rows
    ]
