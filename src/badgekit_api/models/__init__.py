"""All tables, on one metadata (imported here so Alembic sees every model)."""

from badgekit_api.models.applications import (
    Application,
    ApplicationEvidence,
    Review,
    ReviewItem,
)
from badgekit_api.models.badges import Alignment, Badge, BadgeCategory, BadgeTag, Criterion
from badgekit_api.models.base import Base
from badgekit_api.models.claim_codes import ClaimCode
from badgekit_api.models.consumers import Consumer
from badgekit_api.models.containers import Issuer, Program, System
from badgekit_api.models.images import Image
from badgekit_api.models.imports import ImportedRow
from badgekit_api.models.instances import BadgeInstance, InstanceEvidence
from badgekit_api.models.keys import SigningKey
from badgekit_api.models.milestones import Milestone, milestone_support_badges
from badgekit_api.models.security import FailureCounter, SeenToken
from badgekit_api.models.webhooks import DeliveryStatus, Webhook, WebhookEvent

__all__ = [
    "Application",
    "ApplicationEvidence",
    "BadgeInstance",
    "InstanceEvidence",
    "Milestone",
    "Review",
    "SeenToken",
    "SigningKey",
    "ReviewItem",
    "milestone_support_badges",
    "Alignment",
    "Badge",
    "BadgeCategory",
    "BadgeTag",
    "Base",
    "ClaimCode",
    "Consumer",
    "Criterion",
    "DeliveryStatus",
    "FailureCounter",
    "Image",
    "ImportedRow",
    "Issuer",
    "Program",
    "System",
    "Webhook",
    "WebhookEvent",
]
