"""Signing keys of the issuer profiles (systems, issuers, programs): what their DID
documents list and what signs their credentials and status lists."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from badgekit_api.models.base import Base, CreatedMixin, IdMixin, UTCDateTime


class SigningKey(IdMixin, CreatedMixin, Base):
    """One key of one profile; `number` N makes its verification method `#key-N`.

    `owner` ("system:3", "issuer:7", "program:9") carries the uniqueness: (owner, number)
    settles concurrent first uses and rotations on every database, where a constraint over
    the three nullable foreign keys would not (NULLs never collide). The foreign keys are
    there for the cascade: a deleted container takes its keys with it, so a later container
    given the same id (SQLite reuses the highest) never inherits them.

    The private key is kept while the key is current only (AES-GCM with KEY_ENCRYPTION_KEY,
    bound to owner and number); a rotation retires it and erases it, since a retired key
    never signs again. A revoked key leaves the DID document: what it signed stops verifying.
    """

    __tablename__ = "signing_keys"
    __table_args__ = (
        UniqueConstraint("owner", "number"),
        CheckConstraint(
            "(CASE WHEN system_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN issuer_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN program_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_owner",
        ),
    )

    owner: Mapped[str] = mapped_column(String(32))
    system_id: Mapped[int | None] = mapped_column(
        ForeignKey("systems.id", ondelete="CASCADE"), index=True
    )
    issuer_id: Mapped[int | None] = mapped_column(
        ForeignKey("issuers.id", ondelete="CASCADE"), index=True
    )
    program_id: Mapped[int | None] = mapped_column(
        ForeignKey("programs.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    algorithm: Mapped[str] = mapped_column(String(16))
    public_jwk: Mapped[str] = mapped_column(Text)
    public_multibase: Mapped[str] = mapped_column(String(128))
    encrypted_private_key: Mapped[bytes | None] = mapped_column(LargeBinary)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
