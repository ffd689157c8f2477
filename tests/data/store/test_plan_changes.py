"""The changes a review plan weighs: open at the span's end (opened before it, and merged or closed
after it, or still open) or merged in it, as they stood at its end."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from data.store.bug_issues import known_bug_issues
from data.store.engine import session_scope
from data.store.plan_changes import plan_candidates
from data.store.tables import IS_MERGED, Change, ChangeState
from tests.samples import LoadedSample


def _keys(
    session: Session, scored: LoadedSample, since: datetime, until: datetime
) -> dict[str, bool]:
    """Each candidate's key and whether it is weighed as merged."""
    found = plan_candidates(
        session,
        scored.org.scoring_config().version,
        since,
        until,
        known_bug_issues(session, scored.org),
    )
    return {c.facts.key: c.facts.merged for c in found}


def test_what_was_open_at_the_end_is_read_from_the_stored_times(scored: LoadedSample) -> None:
    """A span ending inside the sample: a change merged after it but opened before is weighed as
    open; one closed after the end is too, one closed before it is not; a change with no
    opening time (a pushed commit) merged after the end never was open."""
    with session_scope(scored.engine) as session:
        rows = list(session.exec(select(Change).where(IS_MERGED).order_by(col(Change.merged_at))))
    # The end: the merge time of a change opened well before it, in the middle of the history.
    middle = next(
        r
        for r in rows[len(rows) // 2 :]
        if r.opened_at is not None
        and r.merged_at is not None
        and r.merged_at - r.opened_at > timedelta(hours=2)
    )
    assert middle.merged_at is not None
    assert middle.opened_at is not None
    until = middle.merged_at - timedelta(hours=1)
    since = until - timedelta(days=7)
    later = [
        r
        for r in rows
        if r.merged_at is not None
        and r.merged_at >= until + timedelta(days=1)
        and r.key != middle.key
    ]
    closed_late, closed_early, pushed = later[:3]
    with session_scope(scored.engine) as session:
        for row, updated in ((closed_late, until + timedelta(hours=3)), (closed_early, since)):
            stored = session.get(Change, row.id)
            assert stored is not None
            stored.state = ChangeState.CLOSED
            stored.opened_at = since - timedelta(days=1)
            stored.updated_at = updated
            stored.merged_at = None
        bare = session.get(Change, pushed.id)
        assert bare is not None
        bare.opened_at = None
    with session_scope(scored.engine) as session:
        keys = _keys(session, scored, since, until)
    assert keys[middle.key] is False, "merged after the end, open at it"
    assert keys[closed_late.key] is False, "closed after the end, open at it"
    assert closed_early.key not in keys
    assert pushed.key not in keys
    assert any(keys.values()), "the span's own merges are weighed as merged"
