"""The changes a review plan weighs: every open pull request and the changes merged in a span,
as facts with their stored scores."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from data.store.coverage import load_coverage
from data.store.facts import facts_of
from data.store.history import with_coverage
from data.store.scores import load_scores
from data.store.tables import IS_MERGED, Change, ChangeState
from scoring.facts import ChangeFacts
from scoring.fixes import BugIssues
from scoring.scored import ScoredChange

__all__ = ["PlanCandidate", "plan_candidates"]


@dataclass(frozen=True, slots=True)
class PlanCandidate:
    """An open or just-merged change: its facts (an open one's as if merged at the span's
    end) and its stored score, ``None`` until a scoring pass scored it."""

    facts: ChangeFacts
    scored: ScoredChange | None


def plan_candidates(
    session: Session,
    version: str,
    since: datetime,
    until: datetime,
    bugs: BugIssues,
    services: Collection[str] | None = None,
) -> list[PlanCandidate]:
    """Open pull requests and changes merged in ``[since, until)``, by key, with their scores of
    ``version``; ``services`` keeps those touching one of these keys (``None``: all)."""
    merged = sa.and_(IS_MERGED, col(Change.merged_at) >= since, col(Change.merged_at) < until)
    query = select(Change).where(sa.or_(col(Change.state) == ChangeState.OPEN, merged))
    rows = list(session.exec(query.order_by(col(Change.key))))
    facts = facts_of(session, rows, bugs, as_of=until)
    # An open one is scored with the coverage report at its head, as ``score_open`` scores it.
    reports = load_coverage(session) if any(not f.merged for f in facts) else {}
    facts = [
        f if f.merged else with_coverage(session, f, r.head_sha or r.sha, reports=reports)
        for f, r in zip(facts, rows, strict=True)
    ]
    if services is not None:
        wanted = set(services)
        facts = [f for f in facts if wanted & {x.service for x in f.files if x.service}]
    scores = load_scores(session, "change", version, [f.key for f in facts])
    return [PlanCandidate(f, scores.get(f.key)) for f in facts]
