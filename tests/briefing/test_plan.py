"""The review plan in the weekly briefing: built from the store for the briefing's scope and
week, its figures recomputable from its rows, the same when the week is built again later, and
one computation with `/risk plan`."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from bot.answers.access import Access
from bot.answers.records.plan import review_plan
from briefing.build import Recipient, build_payload
from briefing.payload import BriefingPayload
from briefing.week import IsoWeek
from data.scope import Scope
from data.store.bug_issues import known_bug_issues
from data.store.engine import session_scope
from data.store.history import read_history
from data.store.plan_changes import plan_candidates
from data.store.tables import IS_MERGED, Change, Person, ReviewRow, RiskScoreRow
from data.store.week_plan import stored_plan
from scoring.facts import ReviewState
from scoring.review_plan import MAX_ITEMS, percent
from tests.samples import LoadedSample


def _week(scored: LoadedSample, back: int = 1) -> IsoWeek:
    """The sample's last complete week (``back`` 1), or the one before it (2)."""
    return IsoWeek.of(scored.as_of - timedelta(days=7 * back))


_WHOLE = Scope()


def _payload(
    session: Session, scored: LoadedSample, week: IsoWeek, scope: Scope = _WHOLE
) -> BriefingPayload:
    """The briefing payload of ``scope`` (default the organisation) for ``week``, in UTC."""
    return build_payload(session, scored.org, Recipient("vp", "VP", "UTC", scope), week)


def test_the_plan_s_figures_are_its_rows_recomputed(scored: LoadedSample) -> None:
    """Every change merged in the week is weighed, each item's predicted risk is its stored
    score above the typical score, and both shares are the items' sums over the week's."""
    week = _week(scored)
    start, end = week.bounds("UTC")
    with session_scope(scored.engine) as session:
        plan = _payload(session, scored, week).plan
        merged = set(
            session.exec(
                select(Change.key).where(
                    IS_MERGED, col(Change.merged_at) >= start, col(Change.merged_at) < end
                )
            )
        )
        scores = {
            r.subject_key: r.score
            for r in session.exec(
                select(RiskScoreRow).where(col(RiskScoreRow.subject_key).in_(merged))
            )
        }
    assert plan is not None
    assert plan.changes == len(merged) > 0, "the sample has no open change: the week's merges"
    assert plan.predicted_risk == sum(max(0, s - plan.typical) for s in scores.values())
    assert 0 < len(plan.items) <= MAX_ITEMS
    for item in plan.items:
        assert item.id in merged
        assert item.state == "merged"
        assert item.predicted_risk == scores[item.id] - plan.typical > 0
    assert plan.plan_risk == sum(i.predicted_risk for i in plan.items)
    assert plan.plan_lines == sum(i.lines for i in plan.items)
    assert plan.risk_percent == percent(plan.plan_risk, plan.predicted_risk)
    assert plan.line_percent == percent(plan.plan_lines, plan.lines)


def test_a_team_s_plan_weighs_only_its_services(scored: LoadedSample) -> None:
    """The Commerce lead's plan weighs fewer changes than the organisation's, all of them in
    Commerce's services."""
    week = _week(scored)
    with session_scope(scored.engine) as session:
        whole = _payload(session, scored, week).plan
        team = _payload(session, scored, week, Scope(("commerce",), ())).plan
    assert whole is not None
    assert team is not None
    assert 0 < team.changes < whole.changes


def test_the_briefing_and_risk_plan_share_one_computation(scored: LoadedSample) -> None:
    """`/risk plan` asked at the week's end over its 7 days lists what the briefing's plan
    lists, with the same figures: there is one computation, not two."""
    week = _week(scored)
    _, end = week.bounds("UTC")
    with session_scope(scored.engine) as session:
        plan = _payload(session, scored, week).plan
        record = review_plan(session, scored.org, Access.organisation(scored.org), None, end)
    assert plan is not None
    assert [i.id for i in plan.items] == [r.key for r in record.items]
    assert (plan.typical, plan.risk_percent, plan.line_percent) == (
        record.typical,
        record.risk_percent,
        record.line_percent,
    )
    for item, row in zip(plan.items, record.items, strict=True):
        assert item.action == (row.lower_it.action if row.lower_it else None)
        assert list(item.owners) == row.uncovered_owners


def test_a_past_week_built_again_later_gives_the_same_plan(scored: LoadedSample) -> None:
    """A change opened in the week before last and merged last week is weighed as open then;
    later scores and an approval given after the week's end change none of its choices or
    figures (each item's action is scored again against the history as read, so only it may
    move)."""
    week = _week(scored, back=2)
    start, end = week.bounds("UTC")
    with session_scope(scored.engine) as session:
        found = plan_candidates(
            session,
            scored.org.scoring_config().version,
            start,
            end,
            known_bug_issues(session, scored.org),
        )
        before = _payload(session, scored, week).plan
    carried = [c for c in found if not c.facts.merged]
    assert carried, "a change open at the week's end that merged after it"
    assert all(c.facts.merged_at == end for c in carried)
    assert before is not None
    assert before.items
    with session_scope(scored.engine) as session:
        # Everything opened after the week earns 1,000 points now: today's typical score moves
        # (the typical change is the running mean of what changes' own signals earn, and it
        # moves the numbers' scale only once it is more than 28 points above the anchor). (A
        # change open at the week's end keeps its one stored score, whatever it became.)
        later = select(Change.key).where(IS_MERGED, col(Change.opened_at) >= end)
        huge = [{"name": "size", "value": 1.0, "points": 1000.0, "explanation": "x", "share": 1.0}]
        session.execute(
            sa.update(RiskScoreRow)
            .where(col(RiskScoreRow.subject_key).in_(later))
            .values(score=100, signals=huge)
        )
        # An owner approves the first item a day after the week's end.
        first = session.exec(select(Change).where(col(Change.key) == before.items[0].id)).one()
        owner = session.exec(select(Person)).first()
        assert owner is not None
        assert owner.id is not None
        assert first.id is not None
        session.add(
            ReviewRow(
                change_id=first.id,
                reviewer_id=owner.id,
                state=ReviewState.APPROVED.value,
                submitted_at=end + timedelta(days=1),
            )
        )
    with session_scope(scored.engine) as session:
        after = _payload(session, scored, week).plan
        today = stored_plan(
            session,
            read_history(session, scored.org),
            scored.org.scoring_config().version,
            start,
            datetime.combine(scored.as_of, time(12), UTC),
            known_bug_issues(session, scored.org),
        )
    unscored = {"action", "action_points", "action_text"}
    assert after is not None
    assert after.model_dump(exclude={"items"}) == before.model_dump(exclude={"items"})
    assert [i.model_dump(exclude=unscored) for i in after.items] == [
        i.model_dump(exclude=unscored) for i in before.items
    ]
    assert today.typical > before.typical, "the later scores did move today's typical score"


def test_a_stored_payload_without_a_plan_still_reads(scored: LoadedSample) -> None:
    """A briefing stored before plans were briefed (no ``plan`` key) reads back with none."""
    with session_scope(scored.engine) as session:
        payload = _payload(session, scored, _week(scored))
    stored = payload.model_dump(mode="json")
    del stored["plan"]
    assert BriefingPayload.model_validate(stored).plan is None
