"""Properties of the Open Badges pieces that are pure functions: baking (checked with the
independent `openbadges-bakery` reader), representation choice, and recipient hashes."""

from __future__ import annotations

import hashlib
import io
import xml.etree.ElementTree as ElementTree

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openbadges_bakery import unbake

from badgekit_api.errors import InvalidParameter
from badgekit_api.openbadges.baking import BakingError, bake, bake_png, bake_svg
from badgekit_api.openbadges.formats import identity_hash
from badgekit_api.openbadges.negotiation import HTML, JSON, JSON_LD, Version, choose
from tests.factories.images import png_bytes

PROPERTY_SETTINGS = settings(max_examples=150, deadline=None)
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle r="4"/></svg>'
OPEN_BADGES = "{http://openbadges.org}assertion"

# Assertion URLs as a verifier may meet them: any printable text, XML specials included.
urls = st.builds(
    lambda path: f"https://badges.example.org/public/assertions/{path}",
    st.text(st.characters(min_codepoint=32, exclude_categories=("Cs",)), max_size=40),
)


@PROPERTY_SETTINGS
@given(first=urls, second=urls, colour=st.integers(0, 255))
def test_a_baked_png_carries_exactly_the_last_url(first: str, second: str, colour: int) -> None:
    image = png_bytes(red=colour)
    once = bake_png(image, first)
    assert unbake(io.BytesIO(once)) == first
    twice = bake_png(once, second)
    assert unbake(io.BytesIO(twice)) == second
    assert twice == bake_png(image, second)  # rebaking replaces, it never stacks


@PROPERTY_SETTINGS
@given(first=urls, second=urls)
def test_a_baked_svg_is_xml_with_one_assertion_element(first: str, second: str) -> None:
    twice = bake_svg(bake_svg(SVG, first), second)
    root = ElementTree.fromstring(twice)
    assertions = root.findall(OPEN_BADGES)
    assert [element.get("verify") for element in assertions] == [second]
    assert root.find("{http://www.w3.org/2000/svg}circle") is not None


@PROPERTY_SETTINGS
@given(
    data=st.one_of(
        st.binary(max_size=200),
        st.builds(lambda tail: png_bytes()[:-12] + tail, st.binary(max_size=40)),
        st.builds(lambda tail: b"<svg" + tail, st.binary(max_size=60)),
    ),
    mimetype=st.sampled_from(["image/png", "image/svg+xml", "image/gif"]),
    url=urls,
)
def test_baking_any_bytes_bakes_or_raises_a_baking_error(
    data: bytes, mimetype: str, url: str
) -> None:
    try:
        baked = bake(data, mimetype, url)
    except BakingError:
        return
    assert isinstance(baked, bytes)


@PROPERTY_SETTINGS
@given(
    accept=st.one_of(st.none(), st.text(max_size=80)),
    version=st.one_of(st.none(), st.sampled_from(["1", "2"]), st.text(max_size=3)),
    page=st.booleans(),
)
def test_any_accept_and_version_choose_an_offered_representation(
    accept: str | None, version: str | None, page: bool
) -> None:
    try:
        choice = choose(accept, version, page=page)
    except InvalidParameter:
        assert version not in (None, "1", "2")
        return
    offered = {JSON, JSON_LD, HTML} if page and version is None else {JSON, JSON_LD}
    assert choice.media_type in offered
    if version == "1":
        assert (choice.version, choice.media_type) == (Version.OB1, JSON)
    if version == "2":
        assert choice.version is Version.OB2


@PROPERTY_SETTINGS
@given(email=st.emails(), salt=st.text(max_size=32))
def test_identity_hashes_are_sha256_of_identity_and_salt(email: str, salt: str) -> None:
    hashed = identity_hash(email, salt)
    assert hashed == "sha256$" + hashlib.sha256((email + salt).encode()).hexdigest()
    assert hashed != identity_hash(email + "x", salt)


@pytest.mark.parametrize("version", ["0", "3", "", "v2", " 1"])
def test_other_versions_are_an_invalid_parameter(version: str) -> None:
    with pytest.raises(InvalidParameter):
        choose(None, version)
