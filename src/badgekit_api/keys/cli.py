"""`badgekit-api keys ...`: list, rotate and revoke a profile's signing keys.

Imports the server's stack only when a command runs (see `badgekit_api.cli`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from badgekit_api.keys.store import ProfileKeys

keys_app = typer.Typer(
    help="Signing keys of the issuer profiles (their DID documents).", no_args_is_help=True
)

SystemOption = Annotated[str, typer.Option(help="The system's slug")]
IssuerOption = Annotated[str | None, typer.Option(help="An issuer of the system (its slug)")]
ProgramOption = Annotated[str | None, typer.Option(help="A program of the issuer (its slug)")]


def _show(found: ProfileKeys) -> None:
    typer.echo(f"profile: {found.path}")
    current = found.current
    for key in found.keys:
        state = "revoked" if key.revoked_at else "current" if key is current else "retired"
        typer.echo(f"#{key.fragment}\t{key.algorithm}\t{state}\t{key.public_multibase}")


def _on_profile(
    system: str, issuer: str | None, program: str | None, action: str, **options: object
) -> None:
    from badgekit_api.cli.database import in_transaction, load_settings
    from badgekit_api.cli.output import fail
    from badgekit_api.keys import store
    from badgekit_api.keys.encryption import KeyEncryption
    from badgekit_api.keys.lookup import profile_by_slugs

    settings = load_settings()
    if problem := settings.key_encryption_key_problem(required=True):
        raise fail(problem)
    assert settings.key_encryption_key is not None
    encryption = KeyEncryption.from_setting(settings.key_encryption_key)

    async def work(session: AsyncSession) -> ProfileKeys:
        profile = await profile_by_slugs(session, system, issuer, program)
        if action == "rotate":
            return await store.rotate(session, profile, encryption, options["algorithm"])  # type: ignore[arg-type]
        if action == "revoke":
            return await store.revoke(session, profile, int(options["number"]))  # type: ignore[call-overload]
        return await store.ensure_key(session, profile, encryption)

    _show(in_transaction(work, settings))


@keys_app.command("list")
def keys_list(
    system: SystemOption, issuer: IssuerOption = None, program: ProgramOption = None
) -> None:
    """A profile's keys, newest first (its first key is made now if it has none)."""
    _on_profile(system, issuer, program, "list")


@keys_app.command("rotate")
def keys_rotate(
    system: SystemOption,
    issuer: IssuerOption = None,
    program: ProgramOption = None,
    algorithm: Annotated[str, typer.Option(help="EdDSA (Ed25519) or ES256 (P-256)")] = "EdDSA",
) -> None:
    """Add a new current key; the old public keys stay in the DID document, so what they
    signed still verifies."""
    from badgekit_api.cli.output import fail

    if algorithm not in ("EdDSA", "ES256"):
        raise fail(f"--algorithm must be EdDSA or ES256, not {algorithm!r}.")
    _on_profile(system, issuer, program, "rotate", algorithm=algorithm)


@keys_app.command("revoke")
def keys_revoke(
    number: Annotated[int, typer.Argument(help="The retired key's number N (`#key-N`)", min=1)],
    system: SystemOption,
    issuer: IssuerOption = None,
    program: ProgramOption = None,
) -> None:
    """Revoke a retired key: it leaves the DID document, and every credential it signed
    stops verifying. The current key cannot be revoked (rotate first)."""
    _on_profile(system, issuer, program, "revoke", number=number)


@keys_app.command("new-encryption-key")
def keys_new_encryption_key() -> None:
    """Print a fresh KEY_ENCRYPTION_KEY value (32 random bytes, base64url)."""
    from badgekit_api.keys.encryption import new_key_encryption_key

    typer.echo(new_key_encryption_key())
