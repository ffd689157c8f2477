"""How many rows one source added, updated and skipped."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Tally", "snapshot"]


@dataclass(slots=True)
class Tally:
    """Rows one source added, updated and skipped in a sync."""

    added: int = 0
    updated: int = 0
    skipped: int = 0
    # Rows added by kind ("change", "deploy", …): one source can bring several kinds.
    added_kinds: dict[str, int] = field(default_factory=dict)

    def __iadd__(self, other: Tally) -> Tally:
        self.added += other.added
        self.updated += other.updated
        self.skipped += other.skipped
        for kind, n in other.added_kinds.items():
            self.added_kinds[kind] = self.added_kinds.get(kind, 0) + n
        return self

    def add(self, kind: str) -> None:
        """One new row of ``kind``."""
        self.added += 1
        self.added_kinds[kind] = self.added_kinds.get(kind, 0) + 1


def snapshot(row: Any, names: Iterable[str]) -> tuple[Any, ...]:
    """The values of ``names`` on ``row``, to tell afterwards whether an upsert changed it."""
    return tuple(getattr(row, n) for n in names)
