"""What an export holds: one record type per table, in an order where every row comes after
the rows it points at, and which rows of each table belong to one system.

A record is `{"type": ..., "row": {...}}`: its type, and a table's row column for column
(the column names are the keys). Deriving records from the tables, rather than writing a
schema per type, keeps the export whole when a migration adds a column:
`tests/portability` checks that every exported table's rows survive a round trip.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Table, select, union

from badgekit_api.models import (
    Alignment,
    Application,
    ApplicationEvidence,
    Badge,
    BadgeCategory,
    BadgeInstance,
    BadgeTag,
    ClaimCode,
    Consumer,
    Criterion,
    Image,
    InstanceEvidence,
    Issuer,
    Milestone,
    Program,
    Review,
    ReviewItem,
    System,
    Webhook,
    milestone_support_badges,
)

FORMAT = "badgekit-api-export"
VERSION = 1


def _table(model: Any) -> Table:
    return model.__table__  # type: ignore[no-any-return]


SYSTEMS = _table(System)
ISSUERS = _table(Issuer)
PROGRAMS = _table(Program)
BADGES = _table(Badge)
INSTANCES = _table(BadgeInstance)
MILESTONES = _table(Milestone)
APPLICATIONS = _table(Application)
REVIEWS = _table(Review)
IMAGES = _table(Image)
APPLICATION_EVIDENCE = _table(ApplicationEvidence)

# Each takes the bound system id and gives the WHERE clause of that system's rows.
Owned = Callable[[Any], ColumnElement[bool]]


def _badge_ids(system: Any) -> Any:
    return select(BADGES.c.id).where(BADGES.c.system_id == system)


def _system_images(system: Any) -> Any:
    """Every image the system's rows show: its containers', its badges', its evidence's."""
    issuers = select(ISSUERS.c.id).where(ISSUERS.c.system_id == system)
    applications = select(APPLICATIONS.c.id).where(APPLICATIONS.c.badge_id.in_(_badge_ids(system)))
    return union(
        select(SYSTEMS.c.image_id).where(SYSTEMS.c.id == system),
        select(ISSUERS.c.image_id).where(ISSUERS.c.system_id == system),
        select(PROGRAMS.c.image_id).where(PROGRAMS.c.issuer_id.in_(issuers)),
        select(BADGES.c.image_id).where(BADGES.c.system_id == system),
        select(APPLICATION_EVIDENCE.c.image_id).where(
            APPLICATION_EVIDENCE.c.application_id.in_(applications)
        ),
    )


def _instance_ids(system: Any) -> Any:
    return select(INSTANCES.c.id).where(INSTANCES.c.badge_id.in_(_badge_ids(system)))


def _application_ids(system: Any) -> Any:
    return select(APPLICATIONS.c.id).where(APPLICATIONS.c.badge_id.in_(_badge_ids(system)))


def _review_ids(system: Any) -> Any:
    return select(REVIEWS.c.id).where(REVIEWS.c.application_id.in_(_application_ids(system)))


@dataclass(frozen=True, slots=True)
class RecordType:
    name: str
    table: Table
    owned: Owned


def _by_badge(model: Any) -> Owned:
    return lambda system: _table(model).c.badge_id.in_(_badge_ids(system))


# Parents first: a record may point only at rows of the types above it.
RECORD_TYPES: tuple[RecordType, ...] = (
    RecordType("image", IMAGES, lambda system: IMAGES.c.id.in_(_system_images(system))),
    RecordType("system", SYSTEMS, lambda system: SYSTEMS.c.id == system),
    RecordType("issuer", ISSUERS, lambda system: ISSUERS.c.system_id == system),
    RecordType(
        "program",
        PROGRAMS,
        lambda system: PROGRAMS.c.issuer_id.in_(
            select(ISSUERS.c.id).where(ISSUERS.c.system_id == system)
        ),
    ),
    RecordType("badge", BADGES, lambda system: BADGES.c.system_id == system),
    RecordType("criterion", _table(Criterion), _by_badge(Criterion)),
    RecordType("tag", _table(BadgeTag), _by_badge(BadgeTag)),
    RecordType("category", _table(BadgeCategory), _by_badge(BadgeCategory)),
    RecordType("alignment", _table(Alignment), _by_badge(Alignment)),
    RecordType(
        "claim_code", _table(ClaimCode), lambda system: _table(ClaimCode).c.system_id == system
    ),
    RecordType("instance", INSTANCES, _by_badge(BadgeInstance)),
    RecordType(
        "instance_evidence",
        _table(InstanceEvidence),
        lambda system: _table(InstanceEvidence).c.instance_id.in_(_instance_ids(system)),
    ),
    RecordType("milestone", MILESTONES, lambda system: MILESTONES.c.system_id == system),
    RecordType(
        "milestone_support_badge",
        milestone_support_badges,
        lambda system: milestone_support_badges.c.milestone_id.in_(
            select(MILESTONES.c.id).where(MILESTONES.c.system_id == system)
        ),
    ),
    RecordType("application", APPLICATIONS, _by_badge(Application)),
    RecordType(
        "application_evidence",
        APPLICATION_EVIDENCE,
        lambda system: APPLICATION_EVIDENCE.c.application_id.in_(_application_ids(system)),
    ),
    RecordType(
        "review", REVIEWS, lambda system: REVIEWS.c.application_id.in_(_application_ids(system))
    ),
    RecordType(
        "review_item",
        _table(ReviewItem),
        lambda system: _table(ReviewItem).c.review_id.in_(_review_ids(system)),
    ),
    RecordType("webhook", _table(Webhook), lambda system: _table(Webhook).c.system_id == system),
    RecordType("consumer", _table(Consumer), lambda system: _table(Consumer).c.system_id == system),
)

BY_NAME = {record_type.name: record_type for record_type in RECORD_TYPES}
BY_TABLE = {record_type.table.name: record_type for record_type in RECORD_TYPES}
