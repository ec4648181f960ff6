"""The import's quick check of plain addresses agrees with the validator the API uses."""

from __future__ import annotations

import pytest

from badgekit_api.fields import normalized_email
from badgekit_api.importing.values import _plain_email, earner, normalized

ADDRESSES = [
    "ada@example.org",
    "Ada.Lovelace@Example.ORG",
    "a+tag@sub.example.co.uk",
    "under_score%pct-dash@example.com",
    "x@a.b.c.example.museum",
    "a@1.2.3.com",
    "a@ab--c.com",
    "a@xn--bcher-kva.example.com",
    "a..b@example.com",
    ".a@example.com",
    "a.@example.com",
    "a@b.test",
    "a@b.local",
    "a@sub.invalid",
    "a@localhost",
    "a@example",
    "a@-example.com",
    "a@example-.com",
    "a@example.c0m",
    "l" * 64 + "@example.org",
    "l" * 65 + "@example.org",
    "a@" + "d" * 63 + ".org",
    "a@" + "d" * 64 + ".org",
    "a@" + ("d" * 60 + ".") * 4 + "org",
    "l" * 64 + "@" + ("d" * 60 + ".") * 3 + "d" * 2 + ".org",  # 254 characters
    "l" * 64 + "@" + ("d" * 60 + ".") * 3 + "d" * 3 + ".org",  # 255
    "l" * 64 + "@" + ("d" * 60 + ".") * 3 + "d" * 4 + ".org",  # 256
    " ada@example.org",
    "ünï@exämple.org",
    "not-an-email",
    "",
]


@pytest.mark.parametrize("address", ADDRESSES)
def test_the_quick_check_never_disagrees_with_the_validator(address: str) -> None:
    quick = _plain_email(address)
    if quick is not None:
        assert quick == normalized_email(address)
    assert normalized(address) == normalized_email(address)


def test_an_address_stored_otherwise_keeps_the_original_hash() -> None:
    assert earner("ada@example.org").published_identity is None
    mixed = earner("Ada@Example.org")
    assert mixed.email == "ada@example.org" and mixed.published_identity is not None
    refused = earner("Not An Email ")
    assert (refused.email, refused.valid) == ("not an email", False)
