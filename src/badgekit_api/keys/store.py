"""The signing_keys table: a profile's keys with the path of its public documents in one
statement, the first key made on first use, rotation and revocation.

Races are the database's: (owner, number) is unique, so two first uses insert key 1 once
(`ON CONFLICT DO NOTHING`, then both read the one that stands), and of two rotations to
the same number one is a 409.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Select, Table, and_, exc, insert, select, update
from sqlalchemy.dialects import mysql, postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from badgekit_api.badges.links import container_path
from badgekit_api.db.database import write_transaction
from badgekit_api.errors import Conflict, NotFound
from badgekit_api.keys import material
from badgekit_api.keys.encryption import KeyEncryption
from badgekit_api.keys.profiles import ProfileRef
from badgekit_api.models import Issuer, Program, SigningKey, System
from badgekit_api.models.base import utcnow

KEYS: Table = SigningKey.__table__  # type: ignore[assignment]


@dataclass(frozen=True, slots=True)
class StoredKey:
    """One row of signing_keys, its private key still encrypted."""

    number: int
    algorithm: str
    public_jwk: dict[str, Any]
    public_multibase: str
    encrypted_private_key: bytes | None
    created_at: datetime
    retired_at: datetime | None
    revoked_at: datetime | None

    @property
    def fragment(self) -> str:
        return f"key-{self.number}"


@dataclass(frozen=True, slots=True)
class ProfileKeys:
    """A profile's public path (`/public/systems/...`) and its keys, newest first."""

    path: str
    keys: list[StoredKey]

    @property
    def current(self) -> StoredKey | None:
        return next((key for key in self.keys if key.revoked_at is None), None)

    @property
    def published(self) -> list[StoredKey]:
        """The keys the DID document lists: every one not revoked, current first."""
        return [key for key in self.keys if key.revoked_at is None]


def _owner_columns(profile: ProfileRef) -> dict[str, int]:
    return {f"{profile.kind}_id": profile.id}


def _profile_statement(profile: ProfileRef) -> Select[Any]:
    """The profile's slugs, each of its keys beside them (one row with NULL keys when it
    has none, no row when the profile does not exist)."""
    systems, issuers, programs = System.__table__, Issuer.__table__, Program.__table__
    owner_table = {"system": systems, "issuer": issuers, "program": programs}[profile.kind]
    on_keys = and_(KEYS.c.owner == profile.owner, KEYS.c[f"{profile.kind}_id"] == owner_table.c.id)
    if profile.kind == "system":
        base = systems
        slugs = [systems.c.slug.label("system_slug")]
        where = systems.c.id == profile.id
    elif profile.kind == "issuer":
        base = issuers.join(systems, systems.c.id == issuers.c.system_id)
        slugs = [systems.c.slug.label("system_slug"), issuers.c.slug.label("issuer_slug")]
        where = issuers.c.id == profile.id
    else:
        base = programs.join(issuers, issuers.c.id == programs.c.issuer_id).join(
            systems, systems.c.id == issuers.c.system_id
        )
        slugs = [
            systems.c.slug.label("system_slug"),
            issuers.c.slug.label("issuer_slug"),
            programs.c.slug.label("program_slug"),
        ]
        where = programs.c.id == profile.id
    columns = [
        KEYS.c.number,
        KEYS.c.algorithm,
        KEYS.c.public_jwk,
        KEYS.c.public_multibase,
        KEYS.c.encrypted_private_key,
        KEYS.c.created_at,
        KEYS.c.retired_at,
        KEYS.c.revoked_at,
    ]
    return (
        select(*slugs, *columns)
        .select_from(base.outerjoin(KEYS, on_keys))
        .where(where)
        .order_by(KEYS.c.number.desc())
    )


async def profile_keys(session: AsyncSession, profile: ProfileRef) -> ProfileKeys:
    """The profile's path and keys (revoked ones too); NotFound when it does not exist."""
    rows = (await session.execute(_profile_statement(profile))).mappings().all()
    if not rows:
        raise NotFound(f"Could not find {profile.kind} with id `{profile.id}`")
    first = rows[0]
    path = "/public" + container_path(
        first["system_slug"], first.get("issuer_slug"), first.get("program_slug")
    )
    keys = [
        StoredKey(
            number=row["number"],
            algorithm=row["algorithm"],
            public_jwk=orjson.loads(row["public_jwk"]),
            public_multibase=row["public_multibase"],
            encrypted_private_key=row["encrypted_private_key"],
            created_at=row["created_at"],
            retired_at=row["retired_at"],
            revoked_at=row["revoked_at"],
        )
        for row in rows
        if row["number"] is not None
    ]
    return ProfileKeys(path, keys)


def _new_row(
    profile: ProfileRef, number: int, algorithm: material.Algorithm, encryption: KeyEncryption
) -> dict[str, Any]:
    private = material.generate(algorithm)
    public = private.public_key()
    return {
        "owner": profile.owner,
        **_owner_columns(profile),
        "number": number,
        "algorithm": algorithm,
        "public_jwk": orjson.dumps(material.public_jwk(public)).decode(),
        "public_multibase": material.public_multibase(public),
        "encrypted_private_key": encryption.encrypt(
            material.private_bytes(private), bound_to=f"{profile.owner}#{number}"
        ),
        "created_at": utcnow(),
    }


def _insert_unless_there(session: AsyncSession, row: dict[str, Any]) -> Any:
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(KEYS).values(row).on_conflict_do_nothing()
    if dialect == "sqlite":
        return sqlite.insert(KEYS).values(row).on_conflict_do_nothing()
    # MySQL / MariaDB: a no-op update on the duplicate (INSERT IGNORE would also swallow a
    # foreign key failure).
    statement = mysql.insert(KEYS).values(row)
    return statement.on_duplicate_key_update(owner=statement.inserted.owner)


async def _insert_first(
    session: AsyncSession, profile: ProfileRef, encryption: KeyEncryption
) -> ProfileKeys:
    row = _new_row(profile, 1, material.DEFAULT_ALGORITHM, encryption)
    await session.execute(_insert_unless_there(session, row))
    return await profile_keys(session, profile)


def _holds_sqlite_write_lock(session: AsyncSession) -> bool:
    bind = session.bind
    if not isinstance(bind, AsyncEngine):
        return False
    return bind.get_execution_options().get("sqlite_begin") == "IMMEDIATE"


async def ensure_key(
    session: AsyncSession, profile: ProfileRef, encryption: KeyEncryption
) -> ProfileKeys:
    """The profile's keys, its first one made now if it has none."""
    found = await profile_keys(session, profile)
    if found.current is not None:
        return found
    if session.get_bind().dialect.name == "sqlite" and not _holds_sqlite_write_lock(session):
        # A reading request's SQLite transaction cannot take the write lock once it has
        # read (another writer may have moved the database on: SQLITE_BUSY_SNAPSHOT), so
        # the key is made in a short transaction of its own, which waits its turn.
        factory = async_sessionmaker(session.bind, expire_on_commit=False)
        async with write_transaction(factory) as own:
            return await _insert_first(own, profile, encryption)
    return await _insert_first(session, profile, encryption)


async def rotate(
    session: AsyncSession,
    profile: ProfileRef,
    encryption: KeyEncryption,
    algorithm: material.Algorithm = material.DEFAULT_ALGORITHM,
) -> ProfileKeys:
    """Add a new current key; the one before is retired (its public key stays published,
    its private key is erased: it never signs again)."""
    found = await profile_keys(session, profile)
    number = max((key.number for key in found.keys), default=0) + 1
    try:
        await session.execute(insert(KEYS).values(_new_row(profile, number, algorithm, encryption)))
    except exc.IntegrityError:
        # The request's transaction is over either way: the error rolls it back.
        raise Conflict("Another rotation of this profile's key happened at the same time") from None
    await session.execute(
        update(KEYS)
        .where(KEYS.c.owner == profile.owner, KEYS.c.number < number, KEYS.c.retired_at.is_(None))
        .values(retired_at=utcnow(), encrypted_private_key=None)
    )
    return await profile_keys(session, profile)


async def revoke(session: AsyncSession, profile: ProfileRef, number: int) -> ProfileKeys:
    """Take a retired key out of the DID document: what it signed stops verifying."""
    found = await profile_keys(session, profile)
    key = next((key for key in found.keys if key.number == number), None)
    if key is None:
        raise NotFound.for_field("key", "number", number)
    if key.revoked_at is not None:
        return found
    if key is found.current:
        raise Conflict(
            f"Key {number} is the current key: rotate first, then revoke the retired one"
        )
    await session.execute(
        update(KEYS)
        .where(and_(KEYS.c.owner == profile.owner, KEYS.c.number == number))
        .values(revoked_at=utcnow(), encrypted_private_key=None)
    )
    return await profile_keys(session, profile)


def stored_private_key(key: StoredKey, profile: ProfileRef, encryption: KeyEncryption) -> Any:
    """The current key's private key, decrypted."""
    assert key.encrypted_private_key is not None, "only the current key has its private key"
    der = encryption.decrypt(key.encrypted_private_key, bound_to=f"{profile.owner}#{key.number}")
    return material.load_private(der)
