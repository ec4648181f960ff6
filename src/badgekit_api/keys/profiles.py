"""Which profile a key belongs to: a system, issuer or program, by kind and id."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from badgekit_api.models import Issuer, Program, System
from badgekit_api.scopes import Scope

Kind = Literal["system", "issuer", "program"]
KINDS: tuple[Kind, ...] = ("system", "issuer", "program")


@dataclass(frozen=True, slots=True)
class ProfileRef:
    kind: Kind
    id: int

    @property
    def owner(self) -> str:
        """The `signing_keys.owner` of this profile's keys."""
        return f"{self.kind}:{self.id}"


ProfileLike = System | Issuer | Program | Scope | ProfileRef | tuple[str, int]


def profile_ref(profile: ProfileLike) -> ProfileRef:
    """The profile an ORM container, a request's scope (its deepest container) or a
    (kind, id) pair names."""
    if isinstance(profile, ProfileRef):
        return profile
    if isinstance(profile, System):
        return ProfileRef("system", profile.id)
    if isinstance(profile, Issuer):
        return ProfileRef("issuer", profile.id)
    if isinstance(profile, Program):
        return ProfileRef("program", profile.id)
    if isinstance(profile, Scope):
        if profile.program is not None:
            return ProfileRef("program", profile.program.id)
        if profile.issuer is not None:
            return ProfileRef("issuer", profile.issuer.id)
        return ProfileRef("system", profile.system.id)
    if not isinstance(profile, tuple):
        # A bare `scopes.containers.Container` does not say which level it is.
        raise TypeError(f"not a profile: {type(profile).__name__} (pass a Scope or (kind, id))")
    kind, ident = profile
    if kind not in KINDS:
        raise ValueError(f"not a profile kind: {kind!r}")
    return ProfileRef(kind, int(ident))
