"""An application as every endpoint (and the `review` webhook) shows it, and the loader
options that make showing a page of them cost a fixed number of queries."""

from __future__ import annotations

from sqlalchemy.orm import selectinload

from badgekit_api.applications.schemas import ApplicationEvidenceRead, ApplicationRead
from badgekit_api.badges.serializers import BADGE_LOAD_OPTIONS, badge_read
from badgekit_api.http.urls import PublicUrls
from badgekit_api.images.service import image_url
from badgekit_api.models import Application, ApplicationEvidence

APPLICATION_LOAD_OPTIONS = (
    selectinload(Application.badge).options(*BADGE_LOAD_OPTIONS),
    selectinload(Application.evidence).selectinload(ApplicationEvidence.image),
)


def evidence_read(item: ApplicationEvidence, urls: PublicUrls) -> ApplicationEvidenceRead:
    """An uploaded file shows as its public image URL; a given URL as itself."""
    url = image_url(item.image, urls) if item.image is not None else item.url
    return ApplicationEvidenceRead(url=url, media_type=item.media_type, reflection=item.reflection)


def application_read(application: Application, urls: PublicUrls) -> ApplicationRead:
    """The application with its full badge and its evidence (not its reviews)."""
    return ApplicationRead(
        id=application.id,
        slug=application.slug,
        learner=application.learner,
        created=application.created_at,
        assigned_to=application.assigned_to,
        assigned_expiration=application.assigned_expiration,
        badge=badge_read(application.badge, urls),
        processed=application.processed,
        evidence=[evidence_read(item, urls) for item in application.evidence],
    )
