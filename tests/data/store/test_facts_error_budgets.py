"""Spent error budgets read from the store as the scorer's spans."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from data.store.engine import session_scope
from data.store.facts import load_error_budgets
from data.store.tables import ErrorBudget, Service
from tests.data.rows import at, base


def test_budgets_load_as_service_spans_in_time_order(engine: Engine) -> None:
    """Each stored budget is ``(service key, exhausted_at, restored_at)``, earliest first."""
    with session_scope(engine) as s:
        _, svc, _, _ = base(s)
        other = Service(key="search", name="search")
        s.add(other)
        s.flush()
        assert svc.id is not None
        assert other.id is not None
        s.add(ErrorBudget(key="late", service_id=other.id, exhausted_at=at(20)))
        s.add(ErrorBudget(key="early", service_id=svc.id, exhausted_at=at(3), restored_at=at(5)))
    with session_scope(engine) as s:
        spans = load_error_budgets(s)
    assert spans == [(svc.key, at(3), at(5)), ("search", at(20), None)]
