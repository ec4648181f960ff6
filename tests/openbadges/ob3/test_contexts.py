"""The JSON-LD contexts come from the package, pinned, and nothing else is ever loaded."""

from __future__ import annotations

import pytest

from badgekit_api.openbadges.ob3 import contexts
from badgekit_api.openbadges.ob3.contexts import (
    PINNED,
    ContextChanged,
    UnknownContext,
    context_document,
    document_loader,
)
from badgekit_api.openbadges.ob3.proofs import ProofError, canonical_nquads


@pytest.mark.parametrize("url", sorted(PINNED))
def test_each_shipped_context_matches_its_pin(url: str) -> None:
    document = context_document(url)

    assert isinstance(document["@context"], dict)
    assert document_loader(url)["document"] is document


def test_a_context_that_is_not_shipped_is_refused_not_fetched() -> None:
    with pytest.raises(UnknownContext, match="not shipped"):
        document_loader("https://example.org/context.json")
    credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://example.org/context.json"],
        "type": ["VerifiableCredential"],
    }
    with pytest.raises(ProofError, match="not valid JSON-LD here"):
        canonical_nquads(credential)


def test_a_shipped_context_that_changed_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    url = contexts.OB_V3
    monkeypatch.setitem(PINNED, url, (PINNED[url][0], "0" * 64))
    context_document.cache_clear()
    try:
        with pytest.raises(ContextChanged, match="pinned SHA-256"):
            context_document(url)
    finally:
        monkeypatch.undo()
        context_document.cache_clear()
    assert context_document(url)["@context"]["OpenBadgeCredential"]
