"""What the revert rule reads of the store: each merged revert, and the change it names.

Values at the foot of ``data/``, so the ``Handoff`` that hands them to the rule
(``Handoff.reverts``) names them without reaching the store that reads them
(``data.store.reverts``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

__all__ = ["RevertedChange", "StoredRevert"]


@dataclass(frozen=True, slots=True)
class RevertedChange:
    """A merged change a revert names: its key, title, merge time, whether it is a revert itself,
    its lines by service and when the first successful production deploy of each service that
    shipped it finished."""

    key: str
    title: str
    merged_at: datetime | None
    is_revert: bool
    # Per service key, the lines its files there added and deleted plus one per file.
    lines: Mapping[str, int]
    shipped: Mapping[str, datetime]


@dataclass(frozen=True, slots=True)
class StoredRevert:
    """A merged change that reverts another, and the change it reverts (``None`` when that is
    not a merged change of the store)."""

    key: str
    title: str
    body: str | None
    merged_at: datetime | None
    target: RevertedChange | None
