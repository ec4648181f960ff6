"""A review as every endpoint (and the `review` webhook) shows it."""

from __future__ import annotations

from badgekit_api.models import Review
from badgekit_api.reviews.schemas import ReviewItemRead, ReviewRead


def review_read(review: Review) -> ReviewRead:
    """The review with its items (loaded with `selectinload(Review.items)`)."""
    return ReviewRead(
        id=review.id,
        slug=review.slug,
        author=review.author,
        comment=review.comment,
        review_items=[
            ReviewItemRead(
                criterion_id=item.criterion_id, satisfied=int(item.satisfied), comment=item.comment
            )
            for item in review.items
        ],
    )
