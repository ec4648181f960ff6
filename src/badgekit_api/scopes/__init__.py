"""The container a scoped request works in: a system, an issuer in it, or a program."""

from badgekit_api.scopes.dependencies import CurrentScope, Scope, current_scope

__all__ = ["CurrentScope", "Scope", "current_scope"]
