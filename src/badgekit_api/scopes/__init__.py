"""Scopes: the containers a request's URL names, resolved by its start statement."""

from badgekit_api.scopes.scope import Scope
from badgekit_api.scopes.start import CurrentScope, PublicScope, current_scope, public_scope

__all__ = ["CurrentScope", "PublicScope", "Scope", "current_scope", "public_scope"]
