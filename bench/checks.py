"""Wrong results that only the data can show: a single-use claim code won more than once."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from bench.scenarios import CLAIMERS_PER_CODE
from bench.seed import Seeded, signed_client


@dataclass(frozen=True, slots=True)
class ClaimCheck:
    codes_tried: int
    codes_fully_answered: int
    won_more_than_once: int
    fully_answered_without_winner: int
    won_but_not_claimed: int

    @property
    def wrong(self) -> int:
        return (
            self.won_more_than_once + self.fully_answered_without_winner + self.won_but_not_claimed
        )


async def check_claims(
    seeded: Seeded, tagged: Iterable[tuple[int, int]], base_url: str, *, key: str, secret: str
) -> ClaimCheck:
    """Each code's claimers got exactly one 200 between them (at most one when some answers
    were cut off at the end of the run), and the API shows every won code as claimed."""
    wins: Counter[int] = Counter()
    answers: Counter[int] = Counter()
    for index, status in tagged:
        answers[index] += 1
        if status == 200:
            wins[index] += 1
    claimed = await _claimed_codes(seeded, base_url, key=key, secret=secret)
    full = [index for index, count in answers.items() if count == CLAIMERS_PER_CODE]
    return ClaimCheck(
        codes_tried=len(answers),
        codes_fully_answered=len(full),
        won_more_than_once=sum(1 for count in wins.values() if count > 1),
        fully_answered_without_winner=sum(1 for index in full if wins[index] == 0),
        won_but_not_claimed=sum(1 for index in wins if seeded.claim_codes[index][1] not in claimed),
    )


async def _claimed_codes(seeded: Seeded, base_url: str, *, key: str, secret: str) -> set[str]:
    """Every claimed code, as the API lists them badge by badge."""
    claimed: set[str] = set()
    badges = {badge for badge, _ in seeded.claim_codes}
    async with signed_client(base_url, key, secret) as client:
        for badge in badges:
            response = await client.get(f"{badge.path}/codes")
            response.raise_for_status()
            claimed |= {item["code"] for item in response.json()["claimCodes"] if item["claimed"]}
    return claimed
