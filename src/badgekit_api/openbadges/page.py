"""The badge page: what a person sees when they open an assertion URL in a browser.

Rendered from `templates/assertion.html` with autoescaping on (every value is text, never
markup), styled by a served stylesheet, and sent with a Content-Security-Policy that allows
no script at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined

from badgekit_api.http.urls import PublicUrls
from badgekit_api.instances.links import assertion_url
from badgekit_api.openbadges.assertions import AssertionFacts
from badgekit_api.openbadges.links import v2, v3
from badgekit_api.openbadges.profiles import organization
from badgekit_api.scopes import Scope
from badgekit_api.scopes.containers import Container
from badgekit_api.timestamps import iso_millis

STYLESHEET_PATH = "/public/assets/badge-page.css"
STYLESHEET = resources.files(__package__).joinpath("static/badge-page.css").read_bytes()
# Images may live on the issuer's own site; nothing else may load, and no script may run.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self' https: http: data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)

_templates = Environment(
    loader=PackageLoader("badgekit_api.openbadges", "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass(frozen=True, slots=True)
class Moment:
    iso: str
    text: str

    @classmethod
    def of(cls, moment: datetime) -> Moment:
        moment = moment.astimezone(UTC)
        return cls(iso_millis(moment), f"{moment.day} {moment:%B %Y}")


@dataclass(frozen=True, slots=True)
class Link:
    text: str
    href: str


def web_link(url: str | None) -> str | None:
    """The URL if it is an http(s) URL a page may link to, else None."""
    if url and urlsplit(url).scheme in ("http", "https"):
        return url
    return None


def status_of(facts: AssertionFacts, now: datetime) -> str:
    if facts.revoked:
        return "revoked"
    if facts.expires is not None and facts.expires <= now:
        return "expired"
    return "valid"


def _issuer(badge: dict[str, Any]) -> dict[str, Any]:
    """The badge's issuing organization, from its containers as the badge shows them."""
    system, issuer, program = (
        Container.from_document(badge[level]) if badge[level] else None
        for level in ("system", "issuer", "program")
    )
    assert system is not None  # every badge belongs to a system
    return organization(Scope(system, issuer, program))


def render(facts: AssertionFacts, urls: PublicUrls, now: datetime | None = None) -> str:
    """The HTML page of an assertion (its facts read with the badge), revoked and expired
    ones included."""
    badge = facts.badge
    assert badge is not None, "the badge page reads the assertion with its badge"
    issuer = _issuer(badge)
    plain_url = assertion_url(facts.uid, urls)
    downloads = [
        Link("Open Badges 1.0 assertion (JSON)", f"{plain_url}?v=1"),
        Link("Open Badges 2.0 assertion (JSON-LD)", v2(plain_url)),
    ]
    if not facts.revoked:
        downloads += [
            Link("Open Badges 3.0 credential (signed JSON-LD)", v3(plain_url)),
            Link("Open Badges 3.0 credential (VC-JWT)", f"{v3(plain_url)}&format=jwt"),
        ]
    downloads.append(Link("Badge class (JSON)", facts.badge_class_url))
    baked = facts.baked_image_url
    if baked and not facts.revoked:
        downloads.append(Link(f"Baked badge image ({baked.rsplit('.', 1)[-1].upper()})", baked))
    evidence = [
        (web_link(url), narrative)
        for url, narrative in facts.evidence
        if web_link(url) or narrative
    ]
    template = _templates.get_template("assertion.html")
    return template.render(
        stylesheet=STYLESHEET_PATH,
        page_url=plain_url,
        json_ld_url=v2(plain_url),
        json_url=f"{plain_url}?v=1",
        credential_url=v3(plain_url),
        status=status_of(facts, now or datetime.now(UTC)),
        badge=badge,
        image=badge["imageUrl"],
        criteria_url=web_link(badge["criteriaUrl"]),
        issuer_name=issuer.get("name", ""),
        issuer_url=web_link(issuer.get("url")),
        issued_on=Moment.of(facts.issued_on),
        expires=Moment.of(facts.expires) if facts.expires else None,
        revoked_at=Moment.of(facts.revoked_at) if facts.revoked_at else None,
        revocation_reason=facts.revocation_reason,
        evidence=evidence,
        downloads=downloads,
    )
