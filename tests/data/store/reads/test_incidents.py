"""The answers' reads of incidents: by key in either order, and by the deploys they follow."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from data.store.engine import session_scope
from data.store.reads.incidents import incidents_by_key, incidents_of_deploys
from tests.data.rows import at, base, deploy, incident


def test_incidents_by_key_oldest_or_newest_first(engine: Engine) -> None:
    """The incidents asked for by key, oldest first unless asked newest first; others left out."""
    with session_scope(engine) as s:
        _, svc, _, _ = base(s)
        for key, hours in (("inc-b", 5), ("inc-a", 1), ("inc-c", 9)):
            incident(s, svc, key, at(hours), 30)
    with session_scope(engine) as s:
        asked = ["inc-a", "inc-b", "inc-none"]
        assert [i.key for i in incidents_by_key(s, asked)] == ["inc-a", "inc-b"]
        assert [i.key for i in incidents_by_key(s, asked, newest_first=True)] == ["inc-b", "inc-a"]


def test_incidents_of_deploys_are_the_linked_ones(engine: Engine) -> None:
    """An incident linked to one of the deploys asked about is read; an unlinked one is not."""
    with session_scope(engine) as s:
        _, svc, _, _ = base(s)
        shipped = deploy(s, svc, "deploy:payments:1", at(1))
        linked = incident(s, svc, "inc-linked", at(2), 10)
        incident(s, svc, "inc-alone", at(3), 10)
        linked.deploy_id = shipped.id
        s.add(linked)
        deploy_id = shipped.id
    with session_scope(engine) as s:
        assert [i.key for i in incidents_of_deploys(s, [deploy_id])] == ["inc-linked"]
        assert incidents_of_deploys(s, []) == []
