"""Payload builders: the documented webhook bodies (reference/webhooks.md)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from badgekit_api.webhooks import events

BADGE = {"id": 11, "slug": "badge-slug"}


def test_award_body_has_the_documented_fields_in_order() -> None:
    body = events.award(
        uid="abcdefghijkl1234567890",
        badge=BADGE,
        email="anearner@adomain.com",
        assertion_url="http://issuersite.com/public/assertions/abcdefghijkl1234567890",
        issued_on=datetime(2014, 5, 14, 19, 11, 52, 123000, tzinfo=UTC),
    )
    assert list(body) == ["action", "uid", "badge", "email", "assertionUrl", "issuedOn", "comment"]
    assert body == {
        "action": "award",
        "uid": "abcdefghijkl1234567890",
        "badge": BADGE,
        "email": "anearner@adomain.com",
        "assertionUrl": "http://issuersite.com/public/assertions/abcdefghijkl1234567890",
        "issuedOn": 1400094712,
        "comment": None,
    }


def test_award_keeps_a_comment_and_unix_seconds() -> None:
    body = events.award(
        uid="u",
        badge=BADGE,
        email="e@example.org",
        assertion_url="http://x/a/u",
        issued_on=1400094712,
        comment="Well done",
    )
    assert body["issuedOn"] == 1400094712
    assert body["comment"] == "Well done"


def test_award_refuses_a_naive_datetime() -> None:
    with pytest.raises(ValueError):
        events.award(
            uid="u",
            badge=BADGE,
            email="e@example.org",
            assertion_url="http://x/a/u",
            issued_on=datetime(2014, 5, 14),
        )


def test_revoke_body() -> None:
    assert events.revoke(uid="u1", badge=BADGE, email="e@example.org") == {
        "action": "revoke",
        "uid": "u1",
        "badge": BADGE,
        "email": "e@example.org",
    }


def test_review_body() -> None:
    application = {"id": 123, "slug": "abcdefg1234567", "learner": "earner@adomain.com"}
    review = {"id": 456, "slug": "1234567abcdefg", "author": "reviewer@adomain.com"}
    body = events.review(application=application, review=review, approved=True)
    assert list(body) == ["action", "application", "review", "approved"]
    assert body == {
        "action": "review",
        "application": application,
        "review": review,
        "approved": True,
    }
