"""Where an award's status bit is: derived from the instance's own id.

A profile's lists form one family, `<profile>/status/0`, `/status/1`, ..., each of
LIST_SIZE bits (the spec's minimum, so that a list hides which of its entries are in use).
Instance `i` is bit `i % LIST_SIZE` of list `i // LIST_SIZE` of the profile that issues its
badge. Instance ids are unique across the whole database, so two awards never share a bit
(whatever the database, however many servers award at once) and no statement allocates
one: an award costs what it cost before. A profile's lists are sparse (other profiles'
awards take the ids between its own), which costs nothing: 16 KiB of mostly zeros
compresses to about 50 bytes. The family grows past its first list by itself.

The bit itself is derived too: it is set while the instance is revoked (its `revoked_at`
row, `instances/service.revoke`), so it is set in the very transaction that records the
revocation and cannot disagree with the 410 and the 2.0 revocation list.
"""

from __future__ import annotations

from typing import Any

LIST_SIZE = 131_072
STATUS_PURPOSE = "revocation"
# The largest list number an id (a 32-bit signed integer on every database) can reach.
MAX_LIST_NUMBER = (2**31 - 1) // LIST_SIZE


def position(instance_id: int) -> tuple[int, int]:
    """(list number, index in it) of the instance's status bit."""
    return divmod(instance_id, LIST_SIZE)


def list_path(profile_path: str, list_number: int) -> str:
    """`/public/systems/:s[...]/status/N` under the profile's public path."""
    return f"{profile_path}/status/{list_number}"


def status_entry(instance_id: int, profile_url: str) -> dict[str, Any]:
    """The credential's `credentialStatus`: a BitstringStatusListEntry pointing at its bit
    of the list of the profile that issues it (`profile_url`: that profile's public URL,
    `openbadges.links.profile_url`)."""
    list_number, index = position(instance_id)
    list_url = list_path(profile_url, list_number)
    return {
        "id": f"{list_url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": STATUS_PURPOSE,
        "statusListIndex": str(index),
        "statusListCredential": list_url,
    }
