"""The OpenAPI document, completed centrally from the routes' dependencies."""

from badgekit_api.http.openapi.document import install_openapi

__all__ = ["install_openapi"]
