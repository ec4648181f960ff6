"""The row of a CSV award that first named each email, kept in a few flat arrays.

A CSV award answers a repeated email with "Same email as row N", so it must remember every
email it has seen with its row. As a `dict[str, int]` that cost about 150 bytes an email
(the string, the row's int, the dict's slot): 7.5 MB of a 50,000-row award, the largest
thing it held (docs/performance.md, *Bulk awards from a CSV*). Here the emails' UTF-8
bytes sit end to end in one buffer and an open-addressing table of entry numbers finds
them by hash, about 40 bytes an email. Every match is confirmed on the bytes, so a hash
collision never makes two emails one.
"""

from __future__ import annotations

from array import array

_EMPTY = -1
_FIRST_SIZE = 1024  # slots; a power of two, doubled whenever the table is half full


class FirstRows:
    """`first(email, row)`: the row that first named `email` (remembering `row` when
    none did)."""

    def __init__(self) -> None:
        self._emails = bytearray()  # every email's bytes, end to end
        self._ends = array("I")  # where each entry's email ends in `_emails`
        self._rows = array("I")  # each entry's row
        self._hashes = array("q")  # each entry's hash, so that growing needs no rehash
        self._slots = array("i", [_EMPTY]) * _FIRST_SIZE  # entry numbers, by hash

    def __len__(self) -> int:
        return len(self._rows)

    def first(self, email: str, row: int) -> int:
        key = email.encode()
        hashed = hash(key)
        slot = self._slot_of(key, hashed)
        entry = self._slots[slot]
        if entry != _EMPTY:
            return self._rows[entry]
        self._slots[slot] = len(self._rows)
        self._emails += key
        self._ends.append(len(self._emails))
        self._rows.append(row)
        self._hashes.append(hashed)
        if 2 * len(self._rows) > len(self._slots):
            self._grow()
        return row

    def _slot_of(self, key: bytes, hashed: int) -> int:
        """The slot holding `key`'s entry, or the empty slot where it belongs."""
        mask = len(self._slots) - 1
        slot = hashed & mask
        while (entry := self._slots[slot]) != _EMPTY:
            if self._hashes[entry] == hashed and self._email(entry) == key:
                return slot
            slot = (slot + 1) & mask  # linear probing: the table is at most half full
        return slot

    def _email(self, entry: int) -> bytes:
        start = self._ends[entry - 1] if entry else 0
        return bytes(self._emails[start : self._ends[entry]])

    def _grow(self) -> None:
        self._slots = array("i", [_EMPTY]) * (2 * len(self._slots))
        mask = len(self._slots) - 1
        for entry, hashed in enumerate(self._hashes):
            slot = hashed & mask
            while self._slots[slot] != _EMPTY:
                slot = (slot + 1) & mask
            self._slots[slot] = entry
