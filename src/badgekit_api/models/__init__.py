"""All tables, on one metadata (imported here so Alembic sees every model)."""

from badgekit_api.models.base import Base
from badgekit_api.models.consumers import Consumer
from badgekit_api.models.containers import Issuer, Program, System
from badgekit_api.models.images import Image

__all__ = ["Base", "Consumer", "Image", "Issuer", "Program", "System"]
