"""The agents' record of outcomes by kind of work over a window, recomputed from the store."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, time, timedelta

from sqlmodel import col, select

from bot.answers.access import Access
from bot.answers.records.agent import agent_activity
from bot.answers.records.agent_outcomes import agent_outcomes
from data.store.engine import session_scope
from data.store.tables import Change
from data.store.work_kinds import change_work
from tests.samples import LoadedSample


def _now(scored: LoadedSample) -> datetime:
    return datetime.combine(scored.as_of, time(23, 59), tzinfo=UTC)


def test_outcomes_add_up_and_match_the_stored_kinds_and_lines(scored: LoadedSample) -> None:
    """Per kind, all agents' and people's changes and lines are the store's own, review counts
    add up with unknown apart, and no outcome is invented for a store without any."""
    whole = Access.organisation(scored.org)
    with session_scope(scored.engine) as session:
        record = agent_outcomes(session, scored.org, whole, None, 12, None, _now(scored), {})
        keys = list(session.exec(select(Change.key).where(col(Change.merged_at).is_not(None))))
        work = change_work(session, keys)
    assert record.weeks == 12
    assert record.agent_changes > 0
    assert sum(k.agents.changes for k in record.all_agents) == record.agent_changes
    for agent in record.agents:
        for k in agent.kinds:
            whole_kind = next(a for a in record.all_agents if a.kind == k.kind)
            assert k.people == whole_kind.people
    assert {k.kind for k in record.all_agents} <= {w.kind.value for w in work.values()}
    for k in record.all_agents:
        a = k.agents
        assert a.human_reviewed + a.not_reviewed + a.review_unknown == a.changes
        known = a.human_reviewed + a.not_reviewed
        if known:
            assert a.reviewed_share == round(100.0 * a.human_reviewed / known, 1)
        # Later fixes are unknown without a clone: null, not zero.
        assert a.later_fixed is None
        assert a.later_fixed_per_kloc is None
    # The sample's agent changes carry kinds the page can show, not mostly unknown.
    kinds = Counter({k.kind: k.agents.changes for k in record.all_agents})
    assert kinds["unknown"] * 2 < record.agent_changes


def test_a_revert_of_an_agent_change_counts_per_thousand_lines(scored: LoadedSample) -> None:
    """Reverting one agent change adds one revert to its kind, and its rate is the count per
    1,000 of the kind's lines of code."""
    whole = Access.organisation(scored.org)
    now = _now(scored)
    with session_scope(scored.engine) as session:
        before = agent_outcomes(session, scored.org, whole, None, 12, None, now, {})
        activity = agent_activity(session, scored.org, whole, None, before.until_week, now)
        # An agent change of the window's last week: one no human approved.
        key = activity.unreviewed_changes[0].key
        target = session.exec(select(Change).where(Change.key == key)).one()
        session.add(
            Change(
                key="acme/platform#99001",
                repository_id=target.repository_id,
                title=f"Revert {target.title}",
                author_id=target.author_id,
                opened_at=now - timedelta(hours=2),
                merged_at=now - timedelta(hours=1),
                reverts_key=target.key,
            )
        )
        session.flush()
        kind = change_work(session, [target.key])[target.key].kind.value
        after = agent_outcomes(session, scored.org, whole, None, 12, None, now, {})
    old = next(k for k in before.all_agents if k.kind == kind).agents
    new = next(k for k in after.all_agents if k.kind == kind).agents
    assert new.reverted == old.reverted + 1
    assert new.went_wrong == old.went_wrong + 1
    assert new.reverted_per_kloc == round(1000 * new.reverted / new.lines, 2)
