"""Declarative base, naming convention and the column types shared by every table."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Integer, LargeBinary, MetaData, PrimaryKeyConstraint
from sqlalchemy.dialects import mysql
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

# Named constraints let Alembic alter and drop them on SQLite (batch mode) and MySQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


@compiles(PrimaryKeyConstraint, "mysql", "mariadb")
def _unnamed_primary_key(constraint: PrimaryKeyConstraint, compiler: Any, **kw: Any) -> str:
    """`PRIMARY KEY (...)` without its name on MySQL and MariaDB: they call every primary key
    `PRIMARY` and answer each named one with a warning (1280, "Name 'pk_...' ignored"), which
    the driver logs, once per table a migration creates."""
    ddl: str = compiler.visit_primary_key_constraint(constraint, **kw)
    start = ddl.find("PRIMARY KEY")
    return ddl[start:] if start > 0 else ddl


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored as naive UTC (MySQL has no zone type) and read back as aware UTC."""

    impl = DateTime
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> Any:
        if dialect.name == "mysql":
            return dialect.type_descriptor(mysql.DATETIME(fsp=6))
        return dialect.type_descriptor(DateTime())

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


# BLOB on MySQL stops at 64 KiB; images and baked badges need more.
Binary = LargeBinary().with_variant(mysql.LONGBLOB(), "mysql", "mariadb")


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime()}


class IdMixin:
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)


class CreatedMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
