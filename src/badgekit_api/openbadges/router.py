"""`/public/assertions/...`: hosted assertions, their baked images and the badge page.

No token is needed: these are what earners share and verifiers fetch.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from badgekit_api.db.database import SessionDep
from badgekit_api.errors import InvalidParameter
from badgekit_api.http.urls import PublicUrls, PublicUrlsDep
from badgekit_api.images.router import SVG_POLICY
from badgekit_api.instances.links import assertion_path
from badgekit_api.openbadges import page, service
from badgekit_api.openbadges.assertions import AssertionFacts, document_of, revoked_v1
from badgekit_api.openbadges.baked_images import bake_image, baked_image_of
from badgekit_api.openbadges.credentials import served_credential
from badgekit_api.openbadges.negotiation import JSON, VC_JWT, VC_LD, Choice, Version
from badgekit_api.openbadges.responses import OPEN_TO_ALL, body_response, document_response
from badgekit_api.scopes.start import PublicStartedDep, public_start, reads

router = APIRouter(prefix="/public", tags=["open badges"])

Uid = Annotated[str, Path(description="The assertion's uid (the badge instance's slug)")]
VersionQuery = Annotated[
    str | None,
    Query(
        alias="v",
        description="`1`, `2` or `3`: that Open Badges version, whatever `Accept` says",
    ),
]
FormatQuery = Annotated[
    str | None,
    Query(
        alias="format",
        description="With `v=3`: `jwt` for the credential as a VC-JWT (`application/vc+jwt`) "
        "instead of JSON with its embedded proof (`application/vc+ld+json`)",
    ),
]
PAGE_HEADERS = {
    "Content-Security-Policy": page.CONTENT_SECURITY_POLICY,
    "Referrer-Policy": "no-referrer",
    "Vary": "Accept",
}
DOCUMENT_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {
        "content": {
            "application/json": {},
            "application/ld+json": {},
            VC_LD: {},
            VC_JWT: {},
            "text/html": {},
        }
    },
    400: {"description": "`v` is not 1, 2 or 3, or `format` is not `jwt`"},
    404: {"description": "No assertion has this uid"},
    410: {"description": "The assertion was revoked: `{revoked: true, revocationReason}`"},
}
ImageVersionQuery = Annotated[
    str | None,
    Query(
        alias="v",
        description="`2`: the Open Badges 2.0 assertion itself is baked in; `3`: the Open "
        "Badges 3.0 credential with its proof (`format=jwt`: its VC-JWT); otherwise (or `1`) "
        "the assertion URL, as the original baked it",
    ),
]
IMAGE_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {"content": {"image/png": {}, "image/svg+xml": {}}},
    400: {"description": "`v` is not 1, 2 or 3"},
    302: {"description": "The badge image is in the other format: its baked form is there"},
    304: {"description": "Not modified"},
    404: {"description": "No such assertion, or `ImageNotBakeable` (e.g. the image is a link)"},
    410: {"description": "The assertion was revoked"},
}


@router.get(
    "/assertions/{uid}.png",
    response_class=Response,
    responses=IMAGE_RESPONSES,
    dependencies=[Depends(public_start)],
)
@reads(service.BAKED_PNG)
async def get_baked_png(
    uid: Uid,
    request: Request,
    session: SessionDep,
    started: PublicStartedDep,
    urls: PublicUrlsDep,
    version: ImageVersionQuery = None,
    output_format: FormatQuery = None,  # noqa: ARG001 (read by service.choose_for)
) -> Response:
    """The badge image (PNG) with this assertion baked into an `iTXt` chunk: its URL, with
    `?v=2` the 2.0 assertion's JSON, with `?v=3` the 3.0 credential (`openbadgecredential`)."""
    return await _baked_or_assertion(uid, "png", version, request, session, started, urls)


@router.get(
    "/assertions/{uid}.svg",
    response_class=Response,
    responses=IMAGE_RESPONSES,
    dependencies=[Depends(public_start)],
)
@reads(service.BAKED_SVG)
async def get_baked_svg(
    uid: Uid,
    request: Request,
    session: SessionDep,
    started: PublicStartedDep,
    urls: PublicUrlsDep,
    version: ImageVersionQuery = None,
    output_format: FormatQuery = None,  # noqa: ARG001 (read by service.choose_for)
) -> Response:
    """The badge image (SVG) with this assertion's URL in an `openbadges:assertion` element,
    with `?v=2` the 2.0 assertion's JSON inside it; with `?v=3` the 3.0 credential in an
    `openbadges:credential` element."""
    return await _baked_or_assertion(uid, "svg", version, request, session, started, urls)


@router.get(
    "/assertions/{uid}",
    response_class=Response,
    responses=DOCUMENT_RESPONSES,
    dependencies=[Depends(public_start)],
)
@reads(service.ASSERTION_FACTS)
async def get_assertion(
    uid: Uid,
    request: Request,
    session: SessionDep,
    started: PublicStartedDep,
    urls: PublicUrlsDep,
    version: VersionQuery = None,  # noqa: ARG001 (read by service.choose_for)
    output_format: FormatQuery = None,  # noqa: ARG001 (read by service.choose_for)
) -> Response:
    """The hosted assertion: Open Badges 1.0 JSON by default, 2.0 JSON-LD with `?v=2` or
    `Accept: application/ld+json`, the 3.0 credential with `?v=3` or `Accept:
    application/vc+ld+json` (its embedded Data Integrity proof) or `application/vc+jwt`
    (`?v=3&format=jwt`: a VC-JWT), the badge page for browsers (`Accept: text/html`).

    A revoked assertion answers 410 in every form.
    """
    choice = service.choose_for(request)
    assert started.row is not None
    facts = service.assertion_facts(started.row.facts, uid, urls)
    return await _assertion(facts, choice, urls, session, request)


@router.get(page.STYLESHEET_PATH.removeprefix("/public"), response_class=Response)
async def get_badge_page_stylesheet() -> Response:
    """The badge page's stylesheet (served, so the page's policy can forbid inline styles)."""
    return Response(
        page.STYLESHEET,
        media_type="text/css",
        headers={"Cache-Control": "public, max-age=86400"},
    )


def _page(facts: AssertionFacts, urls: PublicUrls) -> Response:
    status_code = 410 if facts.revoked else 200
    return HTMLResponse(page.render(facts, urls), status_code, headers=PAGE_HEADERS)


async def _assertion(
    facts: AssertionFacts,
    choice: Choice,
    urls: PublicUrls,
    session: SessionDep,
    request: Request | None = None,
) -> Response:
    if choice.version is Version.PAGE:
        return _page(facts, urls)
    if choice.version is Version.OB3:
        return await _credential(facts, choice.media_type, urls, session, request)
    document = document_of(facts, urls, version_2=choice.version is Version.OB2)
    status_code = 410 if facts.revoked else 200
    return document_response(document, choice.media_type, status_code, request=request)


async def _credential(
    facts: AssertionFacts,
    media_type: str,
    urls: PublicUrls,
    session: SessionDep,
    request: Request | None,
) -> Response:
    if facts.revoked:
        return document_response(revoked_v1(facts), JSON, 410)
    credential = await served_credential(session, facts, urls, as_jwt=media_type == VC_JWT)
    if isinstance(credential, str):
        return body_response(credential.encode(), media_type, request=request)
    return document_response(credential, media_type, request=request)


async def _baked_or_assertion(
    uid: str,
    extension: str,
    version: str | None,
    request: Request,
    session: SessionDep,
    started: PublicStartedDep,
    urls: PublicUrls,
) -> Response:
    assert started.row is not None
    # Slugs may contain dots: an instance named `x.png` is an assertion, not an image of `x`.
    whole = f"{uid}.{extension}"
    if started.row.whole is not None:
        choice = service.choose_for(request)
        facts = service.assertion_facts(started.row.whole, whole, urls)
        return await _assertion(facts, choice, urls, session)
    if version not in (None, Version.OB1.value, Version.OB2.value, Version.OB3.value):
        raise InvalidParameter(
            "v",
            "Invalid `v` parameter: use `1` (the assertion URL), `2` (the 2.0 assertion) "
            "or `3` (the 3.0 credential)",
        )
    facts = service.assertion_facts(started.row.facts, uid, urls)
    if facts.revoked:
        return document_response(revoked_v1(facts), JSON, 410, negotiated=False)
    credential = None
    if version == Version.OB3.value:
        choice = service.choose_for(request)  # a bad `format` is a 400
        # The credential embeds the achievement: read the award again, with its badge.
        facts = await service.read_assertion_facts(session, uid, urls)
        as_jwt = choice.media_type == VC_JWT
        credential = await served_credential(session, facts, urls, as_jwt=as_jwt)
    baked = baked_image_of(
        facts, urls, version_2=version == Version.OB2.value, credential=credential
    )
    if baked.extension != extension:
        query = f"?{request.url.query}" if request.url.query else ""
        location = f"{assertion_path(uid)}.{baked.extension}{query}"
        return RedirectResponse(location, status_code=302)
    headers = {**OPEN_TO_ALL, "ETag": baked.etag, "Cache-Control": "public, no-cache"}
    if baked.mimetype == "image/svg+xml":
        headers["Content-Security-Policy"] = SVG_POLICY
    if baked.etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    data = await bake_image(session, facts, baked)
    return Response(data, media_type=baked.mimetype, headers=headers)
