"""Systems, issuers and programs: the three levels badges are organised in."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from badgekit_api.models.base import Base, CreatedMixin, IdMixin
from badgekit_api.models.images import Image


class ContainerColumns(IdMixin, CreatedMixin):
    """Columns every container level has."""

    slug: Mapped[str] = mapped_column(String(50))
    name: Mapped[str] = mapped_column(String(255))
    url: Mapped[str] = mapped_column(String(2048))
    description: Mapped[str | None] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(String(255))
    image_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("images.id", ondelete="SET NULL")
    )


class System(ContainerColumns, Base):
    __tablename__ = "systems"
    __table_args__ = (UniqueConstraint("slug"),)

    image: Mapped[Image | None] = relationship(lazy="raise")
    issuers: Mapped[list[Issuer]] = relationship(
        back_populates="system",
        lazy="raise",
        order_by="Issuer.id",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class Issuer(ContainerColumns, Base):
    __tablename__ = "issuers"
    __table_args__ = (UniqueConstraint("system_id", "slug"),)

    system_id: Mapped[int] = mapped_column(ForeignKey("systems.id", ondelete="CASCADE"))
    system: Mapped[System] = relationship(back_populates="issuers", lazy="raise")
    image: Mapped[Image | None] = relationship(lazy="raise")
    programs: Mapped[list[Program]] = relationship(
        back_populates="issuer",
        lazy="raise",
        order_by="Program.id",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class Program(ContainerColumns, Base):
    __tablename__ = "programs"
    __table_args__ = (UniqueConstraint("issuer_id", "slug"),)

    issuer_id: Mapped[int] = mapped_column(ForeignKey("issuers.id", ondelete="CASCADE"))
    issuer: Mapped[Issuer] = relationship(back_populates="programs", lazy="raise")
    image: Mapped[Image | None] = relationship(lazy="raise")
