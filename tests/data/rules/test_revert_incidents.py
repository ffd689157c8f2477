"""Reverts as incidents: opened when the reverted change reached production."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from data.config import parse_org_config
from data.rules.linking import link_all
from data.rules.revert_incidents import RevertIncidents
from data.store.engine import session_scope
from data.store.facts import load_incidents
from data.store.tables import Person, Repository, Service
from data.sync import SyncRun
from tests.data.rows import at, base, change, deploy

ORG = """
[[repositories]]
name = "acme/shop"
[[services]]
key = "payments"
repository = "acme/shop"
paths = ["p/**"]
"""

SECOND = timedelta(seconds=1)

Deploys = Callable[[Session, Service], None]


def _store(engine: Engine, deploys: Deploys) -> None:
    """Change 1 merges at 1 h and is reverted by change 2 at 5 h; a deploy at 0.5 h came before."""
    with session_scope(engine) as s:
        repo, svc, human, _ = base(s)
        target = change(s, repo, svc, human, 1, at(1))
        revert = change(s, repo, svc, human, 2, at(5))
        revert.reverts_key, revert.is_revert = target.key, True
        s.add(revert)
        deploy(s, svc, "d0", at(0.5))
        deploys(s, svc)


def _later(engine: Engine, deploys: Deploys) -> None:
    with session_scope(engine) as s:
        deploys(s, s.exec(select(Service)).one())


def _sync(engine: Engine) -> SyncRun:
    run = SyncRun(engine, parse_org_config(ORG))
    RevertIncidents().sync(run)
    with session_scope(engine) as s:
        link_all(s)
    return run


def _incidents(engine: Engine) -> list[tuple[str, datetime, datetime | None, str | None]]:
    with session_scope(engine) as s:
        return [(i.key, i.opened_at, i.resolved_at, i.deploy_key) for i in load_incidents(s)]


def _deploys(*specs: tuple[str, float, str, str]) -> Deploys:
    """Deploys ``(key, hours, status, environment)``."""

    def add(s: Session, svc: Service) -> None:
        for key, hours, status, environment in specs:
            row = deploy(s, svc, key, at(hours), status=status)
            row.environment = environment
            s.add(row)

    return add


@pytest.mark.parametrize(
    ("deploys", "opened", "linked"),
    [
        (_deploys(("d1", 2, "success", "production")), at(2) + SECOND, "d1"),
        (
            _deploys(("d1", 2, "success", "production"), ("d2", 3, "success", "production")),
            at(2) + SECOND,
            "d1",
        ),
        # Only a successful production deploy puts a change in front of users.
        (_deploys(("d1", 2, "failure", "production")), at(1), "d0"),
        (_deploys(("d1", 2, "success", "staging")), at(1), "d0"),
        # No deploy yet: the merge is the best guess.
        (_deploys(), at(1), "d0"),
    ],
    ids=["shipping-deploy", "first-of-two", "failed", "staging", "none-yet"],
)
def test_a_revert_opens_when_its_change_reached_production(
    engine: Engine, deploys: Deploys, opened: datetime, linked: str
) -> None:
    """The incident opens just after the first production deploy that shipped it, linked to it."""
    _store(engine, deploys)
    _sync(engine)
    assert _incidents(engine) == [("revert:acme/shop#2", opened, at(5), linked)]


def test_a_deploy_read_later_moves_the_incident_under_the_same_key(engine: Engine) -> None:
    """A re-sync after the shipping deploy is read updates the one incident and relinks it."""
    _store(engine, _deploys())
    first = _sync(engine)
    assert _incidents(engine) == [("revert:acme/shop#2", at(1), at(5), "d0")]
    _later(engine, _deploys(("d1", 2, "success", "production")))
    second = _sync(engine)
    third = _sync(engine)
    assert _incidents(engine) == [("revert:acme/shop#2", at(2) + SECOND, at(5), "d1")]
    assert (first.tally.added, second.tally.added, second.tally.updated) == (1, 0, 1)
    assert (third.tally.added, third.tally.updated) == (0, 0)


def test_a_change_reverted_before_any_production_deploy_makes_no_incident(engine: Engine) -> None:
    """A deploy that shipped the change and its revert together removes the incident it implied."""
    _store(engine, _deploys())
    _sync(engine)
    assert [i[0] for i in _incidents(engine)] == ["revert:acme/shop#2"]
    _later(engine, _deploys(("d1", 6, "success", "production")))
    run = _sync(engine)
    assert _incidents(engine) == []
    assert run.tally.skipped == 0


def test_the_reverts_source_links_changes_read_in_the_same_sync(engine: Engine) -> None:
    """Deploys linked before the change arrived are relinked before the incident is computed."""
    with session_scope(engine) as s:
        _, svc, _, _ = base(s)
        deploy(s, svc, "d1", at(2))
        deploy(s, svc, "d2", at(3))
    with session_scope(engine) as s:
        link_all(s)  # a score before the PRs were read: d1 and d2 ship nothing
    with session_scope(engine) as s:
        repo = s.exec(select(Repository)).one()
        svc = s.exec(select(Service)).one()
        human = s.exec(select(Person).where(col(Person.login) == "alice")).one()
        target = change(s, repo, svc, human, 1, at(1))
        revert = change(s, repo, svc, human, 2, at(5))
        revert.reverts_key = target.key
        s.add(revert)
    _sync(engine)
    assert _incidents(engine) == [("revert:acme/shop#2", at(2) + SECOND, at(5), "d1")]
