"""Facts read from the store, scores written back, and the linking rules, on both backends."""

from __future__ import annotations

from datetime import UTC

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from data.rules.linking import link_all
from data.store.engine import session_scope
from data.store.facts import load_changes, load_deploys, load_incidents
from data.store.tables import Incident, Person
from scoring.fixes import BugIssues
from tests.data.rows import at, base, change, deploy, incident


def test_changes_round_trip_as_facts(engine: Engine) -> None:
    """A stored PR comes back as facts with aware UTC times, agent flags and CODEOWNERS state."""
    with session_scope(engine) as s:
        repo, svc, human, agent = base(s)
        reviewer = Person(login="bob")
        s.add(reviewer)
        s.flush()
        change(s, repo, svc, agent, 1, at(1), owners=[], approver=None)
        change(s, repo, svc, human, 2, at(2), owners=None, approver=reviewer)
    with session_scope(engine) as s:
        facts = load_changes(s)
    assert [f.key for f in facts] == ["acme/shop#1", "acme/shop#2"]
    first, second = facts
    assert first.merged_at == at(1)
    assert first.merged_at.tzinfo is UTC
    assert first.author_is_agent
    assert not first.human_approvals
    assert first.files[0].owners == ()
    assert first.files[0].service == "payments"
    assert second.files[0].owners is None
    assert [r.reviewer for r in second.human_approvals] == ["bob"]


@pytest.mark.parametrize(
    ("title", "labels", "bugs", "expected"),
    [
        ("SHOP-1: add a cart", [], frozenset(), False),
        ("SHOP-1: add a cart", [], frozenset({"SHOP-1"}), True),
        ("SHOP-2: fix the cart", [], frozenset({"SHOP-1"}), False),
        ("Fix the cart", [], frozenset({"SHOP-1"}), True),
        ("Add a cart", ["bug"], frozenset(), True),
    ],
)
def test_stored_changes_are_fixes_by_labels_bug_issues_or_words(
    engine: Engine, title: str, labels: list[str], bugs: frozenset[str], expected: bool
) -> None:
    """A stored change is a fix by a bug label, a tracker bug key in its title, or its words."""
    with session_scope(engine) as s:
        repo, svc, human, _agent = base(s)
        row = change(s, repo, svc, human, 1, at(1))
        row.title, row.labels = title, labels
    with session_scope(engine) as s:
        (facts,) = load_changes(s, bugs=BugIssues(bugs))
    assert facts.is_fix is expected


def test_deploy_ships_changes_since_previous_successful_deploy(engine: Engine) -> None:
    """A deploy ships what merged after the last *successful* deploy; failures ship again."""
    with session_scope(engine) as s:
        repo, svc, human, _ = base(s)
        change(s, repo, svc, human, 1, at(1))
        deploy(s, svc, "d1", at(2))
        change(s, repo, svc, human, 2, at(3))
        deploy(s, svc, "d2", at(4), status="failure")
        change(s, repo, svc, human, 3, at(5))
        deploy(s, svc, "d3", at(6))
        incident(s, svc, "INC-1", at(7), 30)
        incident(s, svc, "INC-2", at(6 + 100), 30)
        summary = link_all(s, window_hours=72)
        again = link_all(s, window_hours=72)
    assert (summary.deploy_changes.added, summary.incidents.added) == (4, 1)
    assert again.writes == 0
    with session_scope(engine) as s:
        shipped = {d.key: d.change_keys for d in load_deploys(s)}
        linked = {i.key: i.deploy_key for i in load_incidents(s)}
        open_rows = list(s.exec(select(Incident).where(Incident.deploy_id == None)))  # noqa: E711
    assert shipped == {
        "d1": ("acme/shop#1",),
        "d2": ("acme/shop#2",),
        "d3": ("acme/shop#2", "acme/shop#3"),
    }
    assert linked == {"INC-1": "d3", "INC-2": None}
    assert [i.key for i in open_rows] == ["INC-2"]
