"""What an import did with each row: imported, there already, kept with a fallback, or
skipped, and why."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any


@dataclass
class TableReport:
    name: str
    read: int = 0
    imported: int = 0
    already: int = 0
    # rule -> legacy ids, for rows kept with a fallback value and for rows skipped
    fallbacks: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    skips: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))

    @property
    def skipped(self) -> int:
        return sum(len(ids) for ids in self.skips.values())

    @property
    def kept_with_fallback(self) -> int:
        return len({i for ids in self.fallbacks.values() for i in ids})


class Report:
    def __init__(self) -> None:
        self.tables: dict[str, TableReport] = {}

    def table(self, name: str) -> TableReport:
        if name not in self.tables:
            self.tables[name] = TableReport(name)
        return self.tables[name]

    def skip(self, table: str, legacy_id: int, reason: str) -> None:
        self.table(table).skips[reason].append(legacy_id)

    def fallback(self, table: str, legacy_id: int, rule: str) -> None:
        self.table(table).fallbacks[rule].append(legacy_id)

    def as_json(self) -> dict[str, Any]:
        return {
            name: {
                "read": t.read,
                "imported": t.imported,
                "alreadyImported": t.already,
                "keptWithFallback": dict(t.fallbacks),
                "skipped": dict(t.skips),
            }
            for name, t in self.tables.items()
        }
