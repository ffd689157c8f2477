"""One page of tracker issues handed to the sync: the issues, the incidents they make, the cursor.

``Handoff.checkpoint`` writes them and the cursor in one transaction (the issues
before the incidents), so a crash re-reads the whole page on the next sync.
"""

from __future__ import annotations

from collections.abc import Sequence

from data.handoff import Cursor, Handoff
from data.source_values import SourceIncident
from data.tracker_issue import TrackerIssueRecord

__all__ = ["checkpoint_issues"]


def checkpoint_issues(
    run: Handoff,
    source: str,
    scope: str,
    *,
    cursor: Cursor | None,
    issues: Sequence[TrackerIssueRecord],
    incidents: Sequence[SourceIncident] = (),
) -> None:
    """Hand ``issues``, the incidents they make and the cursor to the sync, one checkpoint."""
    run.checkpoint(source, scope, cursor=cursor, issues=issues, incidents=incidents)
