"""The changes a review plan weighs: the pull requests open at a span's end and the changes
merged in the span, as facts with their stored scores.

"Open at the end" is read from what the change table keeps (when a change opened, merged, and
a closed one's last update; no close time is stored), so a week's plan built again a week
later weighs the same changes: one opened before the end and merged after it was open then,
and one closed after it too (its last update is at or after its closing). A change merged
after the span is weighed as the open pull request it was (not merged, as if merging at the
end), with the reviews it had by then. Its files and stored score are today's: the store keeps
one of each, so a pull request pushed to after the span's end is weighed as it is now.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from data.store.coverage import load_coverage
from data.store.facts import facts_of
from data.store.history import with_coverage
from data.store.scores import Standing, load_standings
from data.store.tables import IS_MERGED, Change, ChangeState
from scoring.facts import ChangeFacts
from scoring.fixes import BugIssues

__all__ = ["PlanCandidate", "plan_candidates"]


@dataclass(frozen=True, slots=True)
class PlanCandidate:
    """An open or just-merged change: its facts (an open one's as if merged at the span's
    end) and its stored score and band, ``None`` until a scoring pass scored it."""

    facts: ChangeFacts
    standing: Standing | None


def plan_candidates(
    session: Session,
    version: str,
    since: datetime,
    until: datetime,
    bugs: BugIssues,
    services: Collection[str] | None = None,
) -> list[PlanCandidate]:
    """Pull requests open at ``until`` and changes merged in ``[since, until)``, by key, as they
    stood at ``until`` (``_as_of``), with their scores of
    ``version``; ``services`` keeps those touching one of these keys (``None``: all)."""
    merged = sa.and_(IS_MERGED, col(Change.merged_at) >= since, col(Change.merged_at) < until)
    opened = sa.and_(col(Change.opened_at).is_not(None), col(Change.opened_at) < until)
    open_then = sa.or_(
        # Open now, unless it opened after the end (an open one without an opening time is
        # taken as open, as it always was).
        sa.and_(
            col(Change.state) == ChangeState.OPEN,
            sa.or_(col(Change.opened_at).is_(None), col(Change.opened_at) < until),
        ),
        # Merged or closed since: a commit pushed without a pull request has no opening time
        # and was never open.
        sa.and_(opened, IS_MERGED, col(Change.merged_at) >= until),
        sa.and_(opened, col(Change.state) == ChangeState.CLOSED, col(Change.updated_at) >= until),
    )
    query = select(Change).where(sa.or_(open_then, merged))
    rows = list(session.exec(query.order_by(col(Change.key))))
    facts = [_as_of(f, until) for f in facts_of(session, rows, bugs, as_of=until)]
    # An open one is scored with the coverage report at its head, as ``score_open`` scores it.
    reports = load_coverage(session) if any(r.state is ChangeState.OPEN for r in rows) else {}
    facts = [
        with_coverage(session, f, r.head_sha or r.sha, reports=reports)
        if r.state is ChangeState.OPEN
        else f
        for f, r in zip(facts, rows, strict=True)
    ]
    if services is not None:
        wanted = set(services)
        facts = [f for f in facts if wanted & {x.service for x in f.files if x.service}]
    # Score and band only: a week holds hundreds of candidates, and reading every one's
    # signals was most of a week page's time.
    standings = load_standings(session, "change", version, [f.key for f in facts])
    return [PlanCandidate(f, standings.get(f.key)) for f in facts]


def _as_of(facts: ChangeFacts, until: datetime) -> ChangeFacts:
    """``facts`` as they stood at ``until``: a change merged later as the open pull request it
    was then, and only the reviews submitted before it."""
    if facts.merged and facts.merged_at >= until:
        facts = replace(facts, merged=False, merged_at=until)
    reviews = tuple(r for r in facts.reviews if r.submitted_at < until)
    return facts if len(reviews) == len(facts.reviews) else replace(facts, reviews=reviews)
