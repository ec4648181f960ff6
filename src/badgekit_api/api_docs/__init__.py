"""The interactive API reference (/docs, /redoc), served without any network access."""

from badgekit_api.api_docs.router import install_api_docs

__all__ = ["install_api_docs"]
