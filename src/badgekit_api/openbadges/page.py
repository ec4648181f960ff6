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

from badgekit_api.badges.links import badge_class_url
from badgekit_api.http.urls import PublicUrls
from badgekit_api.images.service import image_url
from badgekit_api.instances.links import assertion_url
from badgekit_api.models import BadgeInstance, Issuer, Program, System
from badgekit_api.openbadges.assertions import baked_url, is_revoked
from badgekit_api.openbadges.links import v2
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


def status_of(instance: BadgeInstance, now: datetime) -> str:
    if is_revoked(instance):
        return "revoked"
    if instance.expires is not None and instance.expires <= now:
        return "expired"
    return "valid"


def _shown(container: System | Issuer | Program | None, urls: PublicUrls) -> Any:
    if container is None:
        return None
    return Container(
        id=container.id,
        slug=container.slug,
        url=container.url,
        name=container.name,
        description=container.description,
        email=container.email,
        image_url=image_url(container.image, urls),
    )


def render(instance: BadgeInstance, urls: PublicUrls, now: datetime | None = None) -> str:
    """The HTML page of an assertion, revoked and expired ones included."""
    badge = instance.badge
    containers = (badge.system, badge.issuer, badge.program)
    issuer = organization(Scope(*(_shown(container, urls) for container in containers)))
    plain_url = assertion_url(instance.slug, urls)
    downloads = [
        Link("Open Badges 1.0 assertion (JSON)", f"{plain_url}?v=1"),
        Link("Open Badges 2.0 assertion (JSON-LD)", v2(plain_url)),
        Link("Badge class (JSON)", badge_class_url(badge, urls)),
    ]
    baked = baked_url(instance, urls)
    if baked and not is_revoked(instance):
        downloads.append(Link(f"Baked badge image ({baked.rsplit('.', 1)[-1].upper()})", baked))
    evidence = [
        (web_link(item.url), item.narrative)
        for item in instance.evidence
        if web_link(item.url) or item.narrative
    ]
    template = _templates.get_template("assertion.html")
    return template.render(
        stylesheet=STYLESHEET_PATH,
        page_url=plain_url,
        json_ld_url=v2(plain_url),
        json_url=f"{plain_url}?v=1",
        status=status_of(instance, now or datetime.now(UTC)),
        badge=badge,
        image=image_url(badge.image, urls),
        criteria_url=web_link(badge.criteria_url),
        issuer_name=issuer.get("name", ""),
        issuer_url=web_link(issuer.get("url")),
        issued_on=Moment.of(instance.issued_on),
        expires=Moment.of(instance.expires) if instance.expires else None,
        revoked_at=Moment.of(instance.revoked_at) if instance.revoked_at else None,
        revocation_reason=instance.revocation_reason,
        evidence=evidence,
        downloads=downloads,
    )
