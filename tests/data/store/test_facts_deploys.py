"""Deploys read from the store as facts: the previous successful deploy behind the gap signal."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from data.store.engine import session_scope
from data.store.facts import load_deploys
from data.store.tables import Deploy
from tests.data.rows import at, base, deploy


def test_a_deploy_knows_the_previous_success_of_its_service_and_environment(
    engine: Engine,
) -> None:
    """The previous finish is the last earlier success in the same environment, in window or not."""
    with session_scope(engine) as s:
        _, svc, _, _ = base(s)
        deploy(s, svc, "d1", at(1))
        deploy(s, svc, "d2", at(10), status="failure")
        assert svc.id is not None
        s.add(Deploy(key="s1", service_id=svc.id, environment="staging", finished_at=at(15)))
        s.flush()
        deploy(s, svc, "d3", at(20))
        deploy(s, svc, "d4", at(30))
    with session_scope(engine) as s:
        everything = {d.key: d.previous_finished_at for d in load_deploys(s)}
        window = {d.key: d.previous_finished_at for d in load_deploys(s, since=at(25))}
    assert everything == {"d1": None, "d2": at(1), "s1": None, "d3": at(1), "d4": at(20)}
    assert window == {"d4": at(20)}
