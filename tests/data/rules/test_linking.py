"""Linking as a recompute: late rows end up linked as if they had always been there."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from data.rules.linking import LinkCount, link_all
from data.store.engine import session_scope
from data.store.facts import load_deploys, load_incidents
from data.store.tables import ChangeFile, Deploy, Incident, Person, Repository, Service
from tests.data.rows import at, base, change, deploy, incident

Setup = Callable[[Session, Repository, Service], None]


def _shipped(engine: Engine) -> dict[str, tuple[int, ...]]:
    """Each deploy's shipped change numbers."""
    with session_scope(engine) as s:
        return {
            d.key: tuple(int(k.rsplit("#", 1)[1]) for k in d.change_keys) for d in load_deploys(s)
        }


def _linked(engine: Engine) -> dict[str, str | None]:
    with session_scope(engine) as s:
        return {i.key: i.deploy_key for i in load_incidents(s)}


def _store(engine: Engine, setup: Setup) -> None:
    with session_scope(engine) as s:
        repo, svc, human, _ = base(s)
        for number, hours in ((1, 1), (3, 5)):
            change(s, repo, svc, human, number, at(hours))
        deploy(s, svc, "d1", at(2))
        deploy(s, svc, "d3", at(6))
        setup(s, repo, svc)


def _later(engine: Engine, setup: Setup) -> None:
    with session_scope(engine) as s:
        repo = s.exec(select(Repository)).one()
        svc = s.exec(select(Service)).one()
        setup(s, repo, svc)


@pytest.fixture
def writes(engine: Engine) -> Iterator[list[str]]:
    """The INSERT, UPDATE and DELETE statements sent to the database while the test runs."""
    sent: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().split(None, 1)[0].upper() in {"INSERT", "UPDATE", "DELETE"}:
            sent.append(statement)

    sa.event.listen(engine, "before_cursor_execute", record)
    yield sent
    sa.event.remove(engine, "before_cursor_execute", record)


def _nothing(_s: Session, _repo: Repository, _svc: Service) -> None:
    pass


def _human(s: Session) -> Person:
    return s.exec(select(Person).where(col(Person.login) == "alice")).one()


@pytest.mark.parametrize(
    ("merged_hours", "expected"),
    [
        (0.5, {"d1": (2, 1), "d3": (3,)}),  # in merge order
        (3, {"d1": (1,), "d3": (2, 3)}),
        (6, {"d1": (1,), "d3": (3, 2)}),  # merged at d3's finish: d3 shipped it
        (7, {"d1": (1,), "d3": (3,)}),  # after every deploy: not shipped yet
    ],
)
def test_a_change_read_late_joins_the_deploy_that_shipped_it(
    engine: Engine, merged_hours: float, expected: dict[str, tuple[int, ...]]
) -> None:
    """A change stored after its deploy was linked is added to that deploy's changes."""
    _store(engine, _nothing)
    with session_scope(engine) as s:
        link_all(s)

    def late(s: Session, repo: Repository, svc: Service) -> None:
        change(s, repo, svc, _human(s), 2, at(merged_hours))

    _later(engine, late)
    with session_scope(engine) as s:
        summary = link_all(s)
    assert _shipped(engine) == expected
    assert summary.deploy_changes == LinkCount(added=1 if merged_hours < 7 else 0, removed=0)


@pytest.mark.parametrize(
    ("status", "expected", "count"),
    [
        ("success", {"d1": (1,), "d2": (2,), "d3": (3,)}, LinkCount(1, 1)),
        # A failed deploy shipped nothing for good: d3 ships change 2 again.
        ("failure", {"d1": (1,), "d2": (2,), "d3": (2, 3)}, LinkCount(1, 0)),
    ],
)
def test_a_deploy_read_between_two_linked_deploys_takes_what_it_shipped_first(
    engine: Engine, status: str, expected: dict[str, tuple[int, ...]], count: LinkCount
) -> None:
    """A deploy stored between two linked ones takes its changes from the later deploy."""

    def change_2(s: Session, repo: Repository, svc: Service) -> None:
        change(s, repo, svc, _human(s), 2, at(3))

    def deploy_2(s: Session, _repo: Repository, svc: Service) -> None:
        deploy(s, svc, "d2", at(4), status=status)

    _store(engine, change_2)
    with session_scope(engine) as s:
        link_all(s)
    assert _shipped(engine) == {"d1": (1,), "d3": (2, 3)}
    _later(engine, deploy_2)
    with session_scope(engine) as s:
        summary = link_all(s)
    assert _shipped(engine) == expected
    assert summary.deploy_changes == count


def _finish_moves_earlier(s: Session, _repo: Repository, _svc: Service) -> None:
    d3 = s.exec(select(Deploy).where(col(Deploy.key) == "d3")).one()
    d3.finished_at = at(4)  # before change 3 merged
    s.add(d3)


def _first_deploy_failed(s: Session, _repo: Repository, _svc: Service) -> None:
    d1 = s.exec(select(Deploy).where(col(Deploy.key) == "d1")).one()
    d1.status = "failure"
    s.add(d1)


def _file_leaves_the_service(s: Session, _repo: Repository, _svc: Service) -> None:
    f = s.exec(select(ChangeFile).where(col(ChangeFile.path) == "p/f3.py")).one()
    f.service_id = None
    s.add(f)


@pytest.mark.parametrize(
    ("update", "expected", "count"),
    [
        (_finish_moves_earlier, {"d1": (1,), "d3": ()}, LinkCount(0, 1)),
        (_first_deploy_failed, {"d1": (1,), "d3": (1, 3)}, LinkCount(1, 0)),
        (_file_leaves_the_service, {"d1": (1,), "d3": ()}, LinkCount(0, 1)),
    ],
    ids=["finish-moved-earlier", "first-deploy-failed", "file-left-the-service"],
)
def test_links_follow_updated_rows_and_stale_ones_are_removed(
    engine: Engine, update: Setup, expected: dict[str, tuple[int, ...]], count: LinkCount
) -> None:
    """A re-read deploy or remapped file changes the links; links the rule no longer gives go."""
    _store(engine, _nothing)
    with session_scope(engine) as s:
        link_all(s)
    assert _shipped(engine) == {"d1": (1,), "d3": (3,)}
    _later(engine, update)
    with session_scope(engine) as s:
        summary = link_all(s)
    assert _shipped(engine) == expected
    assert summary.deploy_changes == count


def _newer_deploy(hours: float = 4, **fields: Any) -> Setup:
    def add(s: Session, _repo: Repository, svc: Service) -> None:
        row = deploy(s, svc, "d2", at(hours))
        for name, value in fields.items():
            setattr(row, name, value)
        s.add(row)

    return add


def _incident_opens_later(s: Session, _repo: Repository, _svc: Service) -> None:
    row = s.exec(select(Incident).where(col(Incident.key) == "INC-1")).one()
    row.opened_at = at(7) + timedelta(hours=30)  # 31 hours after d3: out of the window
    s.add(row)


@pytest.mark.parametrize(
    ("update", "expected", "count"),
    [
        (_newer_deploy(), "d2", LinkCount(1, 0)),
        (_newer_deploy(status="failure"), "d1", LinkCount(0, 0)),
        (_newer_deploy(environment="staging"), "d1", LinkCount(0, 0)),
        (_newer_deploy(hours=5.5), "d1", LinkCount(0, 0)),  # after the incident opened
        (_incident_opens_later, None, LinkCount(0, 1)),
    ],
    ids=["newer-deploy", "newer-failed", "newer-staging", "after-incident", "out-of-window"],
)
def test_an_incident_moves_to_the_latest_deploy_before_it(
    engine: Engine, update: Setup, expected: str | None, count: LinkCount
) -> None:
    """An incident linked before a later-read deploy moves to it when that deploy is the cause."""

    def opened(s: Session, _repo: Repository, svc: Service) -> None:
        incident(s, svc, "INC-1", at(5), 30)

    _store(engine, opened)
    with session_scope(engine) as s:
        link_all(s)
    assert _linked(engine) == {"INC-1": "d1"}
    _later(engine, update)
    with session_scope(engine) as s:
        summary = link_all(s)
    assert _linked(engine) == {"INC-1": expected}
    assert summary.incidents == count


def test_a_second_pass_writes_nothing(engine: Engine, writes: list[str]) -> None:
    """Linking an already linked store sends no INSERT, UPDATE or DELETE at all."""

    def more(s: Session, repo: Repository, svc: Service) -> None:
        change(s, repo, svc, _human(s), 2, at(3))
        deploy(s, svc, "d2", at(4), status="failure")
        incident(s, svc, "INC-1", at(6.5), 30)
        incident(s, svc, "INC-2", at(100), None)

    _store(engine, more)
    with session_scope(engine) as s:
        first = link_all(s)
    writes.clear()
    with session_scope(engine) as s:
        again = link_all(s)
    assert first.writes == 5  # d1: 1; d2: 2; d3: 2, 3; INC-1 → d3
    assert again.writes == 0
    assert writes == []
