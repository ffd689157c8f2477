"""The read of whether the store already holds an organisation's data."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from data.store.engine import session_scope
from data.store.reads.stored import holds_organisation
from data.store.tables import Subscriber
from tests.data.rows import at, base, change


def test_an_empty_store_holds_no_organisation(engine: Engine) -> None:
    """A migrated store with no change and no subscriber holds none."""
    with session_scope(engine) as s:
        assert holds_organisation(s) is False


def test_a_subscriber_alone_is_an_organisation(engine: Engine) -> None:
    """A stored subscriber with no change is an organisation's data."""
    with session_scope(engine) as s:
        s.add(Subscriber(key="lead", name="Lead"))
    with session_scope(engine) as s:
        assert holds_organisation(s) is True


def test_a_change_alone_is_an_organisation(engine: Engine) -> None:
    """A stored change with no subscriber is an organisation's data."""
    with session_scope(engine) as s:
        repo, svc, human, _ = base(s)
        change(s, repo, svc, human, 1, at(1))
    with session_scope(engine) as s:
        assert holds_organisation(s) is True
