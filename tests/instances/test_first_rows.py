"""`FirstRows`: the first row of each email of a CSV award, held compactly."""

from __future__ import annotations

import random

import pytest

from badgekit_api.instances import first_rows
from badgekit_api.instances.first_rows import FirstRows


def test_each_email_answers_the_row_that_first_named_it() -> None:
    rows = FirstRows()
    assert rows.first("ada@example.org", 2) == 2
    assert rows.first("bob@example.org", 3) == 3
    assert rows.first("ada@example.org", 4) == 2
    assert rows.first("bob@example.org", 9) == 3
    assert len(rows) == 2


def test_emails_that_differ_by_a_character_or_a_prefix_stay_apart() -> None:
    rows = FirstRows()
    names = ["a@x.org", "a@x.or", "a@x.orgg", "b@x.org", "", "é@x.org", "e@x.org"]
    for number, name in enumerate(names, start=2):
        assert rows.first(name, number) == number
    for number, name in enumerate(names, start=2):
        assert rows.first(name, 1000 + number) == number


def test_many_emails_with_repeats_agree_with_a_dict_through_every_growth() -> None:
    chosen = random.Random(18)
    pool = [f"earner-{n}@example.org" for n in range(12_000)]
    pool += [f"ëarner-{n}@exämple.org" for n in range(3_000)]  # several bytes a character
    expected: dict[str, int] = {}
    rows = FirstRows()
    for number in range(2, 40_002):
        email = chosen.choice(pool)
        assert rows.first(email, number) == expected.setdefault(email, number)
    assert len(rows) == len(expected)
    for email, number in expected.items():
        assert rows.first(email, 10**6) == number


def test_emails_whose_hashes_are_equal_are_still_told_apart(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Every email hashes alike: each lookup walks the whole run and compares the bytes.
    monkeypatch.setattr(first_rows, "hash", lambda _key: 12345, raising=False)
    rows = FirstRows()
    names = [f"same-hash-{n}@example.org" for n in range(1500)]  # the table grows, too
    for number, name in enumerate(names, start=2):
        assert rows.first(name, number) == number
    assert rows.first(names[700], 5000) == 702
