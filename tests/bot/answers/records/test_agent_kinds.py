"""The agents answer by kind of work: each agent's changes per kind, beside people's."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, time, timedelta

from sqlmodel import Session, col, select

from bot.answers.access import Access
from bot.answers.asked import asked_week, narrowed
from bot.answers.lookups import version_of
from bot.answers.records.agent import agent_activity
from data.store.engine import session_scope
from data.store.tables import Change
from data.store.window import load_window
from data.store.work_kinds import change_work_kinds
from scoring.work_kind import WorkKind
from tests.samples import LoadedSample


def _weeks(scored: LoadedSample) -> list[str]:
    """The sample's last six complete weeks, as ISO week ids."""
    out = []
    for back in range(1, 7):
        iso = (scored.as_of - timedelta(days=7 * back)).isocalendar()
        out.append(f"{iso.year}-W{iso.week:02d}")
    return out


def _kinds_of(session: Session, keys: list[str]) -> Counter[str]:
    """The kinds of ``keys`` as the store's titles, labels and files give them."""
    kinds = change_work_kinds(session, keys)
    return Counter(kinds.get(k, WorkKind.UNKNOWN).value for k in keys)


def test_each_agent_and_all_agents_count_their_changes_by_kind(scored: LoadedSample) -> None:
    """Per agent the kinds add up to its changes, all agents' to the agent changes, and
    people's count beside each kind is the people's changes of that kind that week."""
    whole = Access.organisation(scored.org)
    now = datetime.combine(scored.as_of, time(23, 59), tzinfo=UTC)
    seen: Counter[str] = Counter()
    with session_scope(scored.engine) as session:
        for week in _weeks(scored):
            activity = agent_activity(session, scored.org, whole, None, week, now)
            if not activity.agent_changes:
                continue
            assert sum(k.changes for k in activity.agent_kinds) == activity.agent_changes
            for row in activity.agents:
                assert sum(k.changes for k in row.kinds) == row.changes, (week, row.agent)
                assert [k.kind for k in row.kinds] == [
                    w.value for w in WorkKind if w.value in {k.kind for k in row.kinds}
                ]
            # People's changes that week, read as the answer reads them, kind by kind.
            scope = narrowed(scored.org, whole, None)
            since, until = asked_week(week, scope, now, current=False).bounds(scope.timezone)
            window = load_window(session, since, until, version_of(scored.org))
            people = [
                c.key
                for c in window.slice(since, until, list(scope.visible(scored.org))).changes
                if not c.agent_involved and not c.bot
            ]
            assert len(people) == activity.human_changes
            expected = _kinds_of(session, people)
            for k in activity.agent_kinds:
                seen[k.kind] += k.changes
                assert k.human_changes == expected[k.kind], (week, k.kind)
    assert sum(seen.values()) > 0


def test_a_stored_changes_kind_reads_its_title_labels_and_files(scored: LoadedSample) -> None:
    """``change_work_kinds`` gives every stored key a kind and leaves out keys it lacks."""
    with session_scope(scored.engine) as session:
        keys = list(session.exec(select(Change.key).order_by(col(Change.key)).limit(200)))
        kinds = change_work_kinds(session, [*keys, "acme/none#0"])
        assert set(kinds) == set(keys)
        # The sample's titles name several kinds, not one for everything.
        assert len(_kinds_of(session, keys)) >= 3
