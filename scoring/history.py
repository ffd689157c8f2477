"""A time-ordered index of earlier changes and incidents, queried *as of* a change.

The caller feeds changes in merge order: ask ``context`` for a change first, then
``record`` it. Incidents are added up front and only those opened before the
asked-for time count, so nothing from the future ever reaches a signal.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from scoring.facts import ChangeFacts, IncidentFacts

__all__ = ["History", "HistoryContext"]


@dataclass(frozen=True, slots=True)
class HistoryContext:
    """What the history knew about a change's author, files and services just before it merged."""

    author_prior_changes: int
    # Touched files that had earlier changes, and how many of those the author had changed.
    files_with_history: int
    files_known_to_author: int
    # Earlier fixes or reverts that touched any of the files.
    prior_fixes_on_files: int
    # Incidents of the touched services opened within the lookback window before the change.
    recent_incidents: int
    lookback_days: int


class History:
    """Incrementally built index of who changed which file, and when incidents happened."""

    def __init__(self, lookback_days: int = 30) -> None:
        self._lookback = timedelta(days=lookback_days)
        self._lookback_days = lookback_days
        self._file_authors: dict[str, set[str]] = defaultdict(set)
        self._file_fixes: dict[str, int] = defaultdict(int)
        self._author_changes: dict[str, int] = defaultdict(int)
        self._incidents: dict[str, list[datetime]] = defaultdict(list)
        self._last_recorded: datetime | None = None

    def add_incidents(self, incidents: list[IncidentFacts]) -> None:
        """Make incidents known; each counts only for changes after it opened."""
        for incident in incidents:
            bisect.insort(self._incidents[incident.service], incident.opened_at)

    def context(self, change: ChangeFacts) -> HistoryContext:
        """The history as of ``change.merged_at``, not counting the change itself."""
        paths = {f.path for f in change.files}
        with_history = [p for p in paths if p in self._file_authors]
        known = sum(1 for p in with_history if change.author in self._file_authors[p])
        fixes = sum(self._file_fixes.get(p, 0) for p in paths)
        since = change.merged_at - self._lookback
        recent = 0
        for service in change.services:
            opened = self._incidents.get(service, [])
            recent += bisect.bisect_left(opened, change.merged_at) - bisect.bisect_left(
                opened, since
            )
        return HistoryContext(
            author_prior_changes=self._author_changes.get(change.author, 0),
            files_with_history=len(with_history),
            files_known_to_author=known,
            prior_fixes_on_files=fixes,
            recent_incidents=recent,
            lookback_days=self._lookback_days,
        )

    def record(self, change: ChangeFacts) -> None:
        """Add a change to the history; changes must arrive in merge order."""
        if self._last_recorded is not None and change.merged_at < self._last_recorded:
            raise ValueError(
                f"change {change.key} merged at {change.merged_at.isoformat()} arrived after "
                f"a change merged at {self._last_recorded.isoformat()}; feed changes in merge order"
            )
        self._last_recorded = change.merged_at
        self._author_changes[change.author] += 1
        is_fix = change.is_revert or change.is_hotfix
        for f in change.files:
            self._file_authors[f.path].add(change.author)
            if is_fix:
                self._file_fixes[f.path] += 1
