"""Images: uploaded bytes kept in the database, or a link to an image elsewhere."""

from __future__ import annotations

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from badgekit_api.models.base import Base, Binary, CreatedMixin, IdMixin


class Image(IdMixin, CreatedMixin, Base):
    __tablename__ = "images"

    slug: Mapped[str] = mapped_column(String(64), unique=True)
    url: Mapped[str | None] = mapped_column(String(2048))
    mimetype: Mapped[str | None] = mapped_column(String(64))
    data: Mapped[bytes | None] = mapped_column(Binary, deferred=True)
    size: Mapped[int | None] = mapped_column(Integer)
    sha256: Mapped[str | None] = mapped_column(String(64))
