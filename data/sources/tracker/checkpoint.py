"""One page of tracker issues into the store: the issues, the incidents they make, the cursor.

``SyncRun.checkpoint`` writes records and the cursor in one transaction; tracker
issues are not among its records, so they are written first in a transaction
of their own. A crash between the two re-reads the page on the next sync, and
both writes are upserts: nothing is lost or doubled.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session

from data.sources.values import SourceIncident
from data.store.tracker import upsert_issues
from data.sync import Cursor, SyncRun
from data.tracker_issue import TrackerIssueRecord

__all__ = ["checkpoint_issues"]


def checkpoint_issues(
    run: SyncRun,
    source: str,
    scope: str,
    *,
    cursor: Cursor | None,
    issues: Sequence[TrackerIssueRecord],
    incidents: Sequence[SourceIncident] = (),
) -> None:
    """Upsert ``issues``, then the incidents with the cursor; counted in ``run.tally``."""
    if issues:
        with Session(run.engine) as session:
            page = upsert_issues(session, issues)
            session.commit()
        run.tally += page
    run.checkpoint(source, scope, cursor=cursor, incidents=incidents)
