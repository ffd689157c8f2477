"""The reads of subscribers: the active ones in their stored order, and the first of them."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from data.store.engine import session_scope
from data.store.reads.subscribers import active_subscribers, first_active_subscriber
from data.store.tables import Subscriber


def test_active_subscribers_in_stored_order(engine: Engine) -> None:
    """The active subscribers come in the order stored, an inactive one left out."""
    with session_scope(engine) as s:
        for key, active in (("vp", False), ("lead", True), ("cto", True)):
            s.add(Subscriber(key=key, name=key.upper(), active=active))
            s.flush()
    with session_scope(engine) as s:
        assert [r.key for r in active_subscribers(s)] == ["lead", "cto"]
        first = first_active_subscriber(s)
        assert first is not None
        assert first.key == "lead"


def test_no_active_subscriber(engine: Engine) -> None:
    """A store whose subscribers are all inactive has no active one and no first."""
    with session_scope(engine) as s:
        s.add(Subscriber(key="vp", name="VP", active=False))
    with session_scope(engine) as s:
        assert active_subscribers(s) == []
        assert first_active_subscriber(s) is None
