"""The records the web view lays out: a scope's weeks, a week's rows, a deploy, ownership and
the store's own ranking, each agreeing with the answers readers already had."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlmodel import Session, col, select

from bot.answers.access import Access
from bot.answers.changes import change_answer
from bot.answers.lookups import version_of
from bot.answers.records.agent import agent_activity, agent_weeks
from bot.answers.records.briefing import scope_briefing
from bot.answers.records.change import change_risk
from bot.answers.records.deploy import deploy_record
from bot.answers.records.ownership import DRIFT_SHARE, ownership
from bot.answers.records.ranking import store_ranking
from bot.answers.records.service import service_record
from bot.answers.records.trend import (
    MAX_WEEKS,
    MIN_WEEKS,
    week_rows,
    weekly_trend,
    weekly_trends,
)
from bot.answers.text import answer_text
from data.scope import Scope
from data.store.engine import session_scope
from data.store.scores import load_scores
from data.store.tables import (
    IS_MERGED,
    Change,
    ChangeFile,
    ChangeState,
    Deploy,
    DeployChange,
    Service,
)
from evaluation.change_outcomes import change_outcomes
from scoring.breakdown import breakdown, fold
from scoring.errors import NotFoundError
from tests.samples import LoadedSample


def _now(scored: LoadedSample) -> datetime:
    return datetime.combine(scored.as_of, time(23, 59), tzinfo=UTC)


def _last_week(scored: LoadedSample) -> str:
    iso = (scored.as_of - timedelta(days=7)).isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def test_a_trend_ends_on_the_week_the_service_answer_tells(scored: LoadedSample) -> None:
    """The trend's last two weeks are the service record's two weeks, number for number, and
    its length is held between 4 and 52."""
    whole = Access.organisation(scored.org)
    now = _now(scored)
    with session_scope(scored.engine) as session:
        trend = weekly_trend(session, scored.org, whole, ["checkout"], 12, None, now)
        record = service_record(session, scored.org, whole, "checkout", None, now)
        assert len(weekly_trend(session, scored.org, whole, None, 1, None, now).weeks) == MIN_WEEKS
        assert len(weekly_trend(session, scored.org, whole, None, 99, None, now).weeks) == MAX_WEEKS
    assert len(trend.weeks) == 12
    assert trend.weeks[-1] == record.this_week
    assert trend.weeks[-2] == record.last_week
    assert trend.services == ["checkout"]
    span = trend.span
    assert span.week == f"{trend.weeks[0].week}/{trend.weeks[-1].week}"
    for count in ("changes", "deploys", "failed_deploys", "incidents"):
        assert getattr(span, count) == sum(getattr(w, count) for w in trend.weeks), count
    assert span.deploys > 0


def test_trends_side_by_side_are_each_scopes_own(scored: LoadedSample) -> None:
    """Services, a team and the whole organisation read from one window are, week by week,
    what each reads alone; a name outside the caller's scope is refused as alone."""
    whole = Access.organisation(scored.org)
    now = _now(scored)
    scopes: list[list[str] | None] = [["checkout"], ["search"], ["commerce"], None]
    with session_scope(scored.engine) as session:
        together = weekly_trends(session, scored.org, whole, scopes, 8, None, now)
        alone = [weekly_trend(session, scored.org, whole, names, 8, None, now) for names in scopes]
        commerce = Access.of(scored.org, Scope(teams=("commerce",)), "UTC")
        with pytest.raises(NotFoundError):
            weekly_trends(session, scored.org, commerce, [["checkout"], ["search"]], 8, None, now)
    assert together == alone
    assert [t.services for t in together[:2]] == [["checkout"], ["search"]]
    assert sum(w.changes for w in together[0].weeks) > 0


def test_a_weeks_rows_are_what_its_briefing_counts(scored: LoadedSample) -> None:
    """A week's changes in a team's scope number what its briefing counts, and the high-risk
    rows are exactly its high and very high ones."""
    whole = Access.organisation(scored.org)
    week, now = _last_week(scored), _now(scored)
    with session_scope(scored.engine) as session:
        facts = scope_briefing(session, scored.org, whole, ["commerce"], week, now)
        rows = week_rows(session, scored.org, whole, ["commerce"], week, None, False, now)
        high = week_rows(session, scored.org, whole, ["commerce"], week, "high_risk", False, now)
    b = facts.bands
    assert len(rows.changes) == b.low + b.moderate + b.high + b.very_high
    assert len(high.changes) == b.high + b.very_high
    assert {c.band for c in high.changes} <= {"high", "very high"}
    assert len(rows.deploys) == facts.deploys


def test_a_deploy_record_lists_what_it_shipped_and_only_in_scope(scored: LoadedSample) -> None:
    """A deploy's record lists each change it shipped; a caller of other services is told it
    is not found."""
    with session_scope(scored.engine) as session:
        deploy = session.exec(select(Deploy).order_by(col(Deploy.finished_at).desc())).first()
        assert deploy is not None
        shipped = set(
            session.exec(
                select(Change.key)
                .join(DeployChange, col(DeployChange.change_id) == col(Change.id))
                .where(DeployChange.deploy_id == deploy.id, IS_MERGED)
            )
        )
        service = session.get(Service, deploy.service_id)
        assert service is not None
        record = deploy_record(session, scored.org, Access.organisation(scored.org), deploy.key)
        others = [s.key for s in scored.org.services if s.key != service.key]
        outsider = Access.of(scored.org, Scope((), tuple(others)), "UTC")
        with pytest.raises(NotFoundError):
            deploy_record(session, scored.org, outsider, deploy.key)
    assert {c.key for c in record.changes} == shipped
    assert record.service == service.key
    assert [c.score for c in record.changes] == sorted(
        (c.score for c in record.changes), reverse=True
    )


def _owned_files(
    session: Session, service: str, since: datetime, until: datetime
) -> list[ChangeFile]:
    return list(
        session.exec(
            select(ChangeFile)
            .join(Change, col(Change.id) == col(ChangeFile.change_id))
            .join(Service, col(Service.id) == col(ChangeFile.service_id))
            .where(
                Service.key == service,
                IS_MERGED,
                col(Change.merged_at) >= since,
                col(Change.merged_at) <= until,
                col(ChangeFile.generated) == False,  # noqa: E712
            )
        )
    )


def test_ownership_counts_the_changed_files_with_an_owner(scored: LoadedSample) -> None:
    """The covered share is the changed files with a CODEOWNERS owner over those with owner
    data, and an owner is drifted exactly when under the drift share."""
    now = _now(scored)
    with session_scope(scored.engine) as session:
        health = ownership(session, ["payments"], now)
        files = _owned_files(session, "payments", now - timedelta(days=90), now)
    known = [f for f in files if f.owners is not None]
    assert health.files_with_owner_data == len(known)
    assert known, "the sample's payments files carry CODEOWNERS data"
    covered = sum(1 for f in known if f.owners)
    assert health.covered_share == round(100 * covered / len(known), 1)
    for owner in health.owners:
        assert owner.drifted == (owner.owner_share is not None and owner.owner_share < DRIFT_SHARE)
    assert {p.path for p in health.uncovered} <= {f.path for f in known if not f.owners}


def test_the_ranking_counts_the_stores_outcomes(scored: LoadedSample) -> None:
    """The ranking labels each merged change by what followed it, and its bands add up."""
    with session_scope(scored.engine) as session:
        ranking = store_ranking(session, scored.org, Access.organisation(scored.org))
        outcomes = change_outcomes(session)
        merged = set(session.exec(select(Change.key).where(IS_MERGED)))
    assert ranking.bad == len(outcomes.bad & merged)
    assert sum(b.changes for b in ranking.bands) == ranking.changes
    assert sum(b.bad for b in ranking.bands) == ranking.bad
    assert ranking.auc is not None
    assert 0.0 <= ranking.auc <= 1.0


def test_the_rankings_record_covers_the_90_days_to_the_newest_change_in_scope(
    scored: LoadedSample,
) -> None:
    """The ranking's record counts the merged changes of the 90 days up to the store's newest
    one (a stale store still has a record), and a team's reader only their services'."""
    with session_scope(scored.engine) as session:
        whole = store_ranking(session, scored.org, Access.organisation(scored.org))
        commerce = store_ranking(
            session, scored.org, Access.of(scored.org, Scope.of(("commerce",), ()), "UTC")
        )
        stamps = [
            at.replace(tzinfo=UTC)
            for at in session.exec(select(Change.merged_at).where(IS_MERGED))
            if at is not None
        ]
    newest = max(stamps)
    record = whole.record
    assert record is not None
    assert record.until == newest.date()
    assert record.changes == sum(newest - timedelta(days=90) <= at <= newest for at in stamps)
    assert record.went_wrong <= whole.bad
    assert commerce.record is not None
    assert 0 < commerce.record.changes < record.changes


def test_agent_weeks_count_what_the_weeks_activity_counts(scored: LoadedSample) -> None:
    """Each of the last weeks' agent counts from the stored scores equal that week's activity
    read from the window, and a reverted agent change counts as gone wrong."""
    whole = Access.organisation(scored.org)
    now = _now(scored)
    with session_scope(scored.engine) as session:
        weeks = agent_weeks(session, scored.org, whole, None, 6, None, now)
        assert len(weeks) == 6
        for week in weeks:
            activity = agent_activity(session, scored.org, whole, None, week.week, now)
            assert week.agent_changes == activity.agent_changes, week.week
            assert week.agent_unreviewed == len(activity.unreviewed_changes), week.week
            bad = change_outcomes(session, keys=[c.key for c in activity.unreviewed_changes])
            assert bad.bad <= change_outcomes(session).bad
    assert sum(w.agent_changes for w in weeks) > 0


def test_a_records_contributions_fold_as_the_score_folds(scored: LoadedSample) -> None:
    """Folding a record's full breakdown gives what ``breakdown(score, limit)`` gives, for every
    scored change of the sample and several limits: `/risk pr` words the record, not the row."""
    with session_scope(scored.engine) as session:
        rows = load_scores(session, "change", version_of(scored.org))
    assert len(rows) > 100
    for row in rows.values():
        full = breakdown(row)
        for limit in (1, 2, 5):
            assert fold(full, limit) == breakdown(row, limit), (row.key, limit)


def test_risk_pr_tells_the_changes_record(scored: LoadedSample) -> None:
    """The text answer to `/risk pr` shows the record's score and its folded contributions."""
    whole = Access.organisation(scored.org)
    with session_scope(scored.engine) as session:
        key = week_rows(session, scored.org, whole, None, _last_week(scored)).changes[0].key
        risk = change_risk(session, scored.org, whole, key)
        text = answer_text(change_answer(session, scored.org, key))
    assert f"Risk *{risk.score}*" in text
    for c in risk.signals[:2]:
        assert f"{c.points:+d} {c.explanation}" in text


def test_risk_pr_of_a_pick_tells_the_change_it_is_the_same_patch_as(
    scored: LoadedSample,
) -> None:
    """A backport stored as a pick answers with the original's record, saying it is a pick."""
    whole = Access.organisation(scored.org)
    with session_scope(scored.engine) as session:
        key = week_rows(session, scored.org, whole, None, _last_week(scored)).changes[0].key
        original = session.exec(select(Change).where(col(Change.key) == key)).one()
        session.add(
            Change(
                key="acme/backport@0123456789ab",
                repository_id=original.repository_id,
                sha="0123456789ab" * 3 + "0123",
                title=original.title,
                author_id=original.author_id,
                merged_at=original.merged_at,
                state=ChangeState.PICKED,
                picked_from_key=key,
            )
        )
        session.flush()
        risk = change_risk(session, scored.org, whole, key)
        text = answer_text(change_answer(session, scored.org, "acme/backport@0123456789ab"))
    assert f"`acme/backport@0123456789ab` is a pick of `{key}`" in text
    assert f"Risk *{risk.score}*" in text
