"""Budget samples in the store, on both backends: written once per (source, service, time),
updated when read again, pruned past what is kept, and read back per service."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from alembic import command
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from data.source_values import SourceBudgetSample
from data.store.budget_samples import KEPT, save_budget_samples
from data.store.engine import make_engine, session_scope
from data.store.migrate import alembic_config, upgrade
from data.store.reads.budgets import budget_series
from data.store.tables import BudgetSampleRow, Service
from scoring.budget_burn import BudgetPoint
from tests.data.rows import at, base


def _sample(
    hours: float, left: float, source: str = "prometheus", service: str = "payments"
) -> SourceBudgetSample:
    return SourceBudgetSample(service, at(hours), left, source, window_days=30)


def _stored(engine: Engine) -> list[tuple[str, float, float, int]]:
    """Every stored sample as ``(source, hours after T0, remaining, window_days)``."""
    with session_scope(engine) as s:
        rows = s.exec(
            select(BudgetSampleRow).order_by(col(BudgetSampleRow.source), col(BudgetSampleRow.at))
        ).all()
        return [
            (r.source, (r.at - at(0)).total_seconds() / 3600, r.remaining, r.window_days)
            for r in rows
        ]


def test_samples_are_stored_once_and_a_second_read_updates_them(engine: Engine) -> None:
    """The same samples again add nothing; one read anew with another value updates its row;
    a sample of a service riskbrief.toml lacks is skipped."""
    with session_scope(engine) as s:
        base(s)
    first = [_sample(0, 0.9), _sample(1, 0.8), _sample(1, 0.5, "gremlins", "nowhere")]
    with session_scope(engine) as s:
        tally = save_budget_samples(s, first)
    assert (tally.added_kinds, tally.updated, tally.skipped) == ({"budget_sample": 2}, 0, 1)
    with session_scope(engine) as s:
        again = save_budget_samples(s, [_sample(0, 0.9), _sample(1, 0.75), _sample(2, 0.7)])
    assert (again.added, again.updated) == (1, 1)
    assert _stored(engine) == [
        ("prometheus", 0.0, 0.9, 30),
        ("prometheus", 1.0, 0.75, 30),
        ("prometheus", 2.0, 0.7, 30),
    ]


def test_samples_older_than_kept_are_pruned_per_source(engine: Engine) -> None:
    """A series' samples more than ``KEPT`` before its newest go; another source's stay."""
    with session_scope(engine) as s:
        base(s)
    kept_hours = KEPT / timedelta(hours=1)
    with session_scope(engine) as s:
        save_budget_samples(s, [_sample(0, 0.9), _sample(0, 0.9, "datadog"), _sample(5, 0.8)])
    with session_scope(engine) as s:
        save_budget_samples(s, [_sample(kept_hours + 1, 0.7)])
    assert _stored(engine) == [
        ("datadog", 0.0, 0.9, 30),
        ("prometheus", 5.0, 0.8, 30),
        ("prometheus", kept_hours + 1, 0.7, 30),
    ]


def test_a_read_gives_each_service_the_source_with_most_samples(engine: Engine) -> None:
    """Two sources sample payments: the one with more samples in the span is read; a service
    outside the services asked for is not."""
    with session_scope(engine) as s:
        base(s)
        s.add(Service(key="search", name="Search"))
    samples = [_sample(h, 1 - h / 100) for h in range(4)]
    samples += [_sample(0, 0.5, "datadog"), _sample(6, 0.4, "datadog")]
    samples += [_sample(1, 0.3, service="search")]
    with session_scope(engine) as s:
        save_budget_samples(s, samples)
    with session_scope(engine) as s:
        both = budget_series(s, at(0), at(10))
        payments = budget_series(s, at(0), at(10), ["payments"])
        late = budget_series(s, at(5), at(10), ["payments"])
    assert [(b.service, b.source, len(b.points)) for b in both] == [
        ("payments", "prometheus", 4),
        ("search", "prometheus", 1),
    ]
    assert payments[0].points[:2] == (BudgetPoint(at(0), 1.0), BudgetPoint(at(1), 0.99))
    assert [(b.source, b.window_days, b.points) for b in payments] == [
        ("prometheus", 30, tuple(BudgetPoint(at(h), 1 - h / 100) for h in range(4)))
    ]
    assert [(b.source, b.points) for b in late] == [("datadog", (BudgetPoint(at(6), 0.4),))]


def test_migration_0031_makes_the_table_and_a_downgrade_drops_it(database_url: str) -> None:
    """At head the store has budget_sample with its one row per (source, service, time); back
    at 0030 it has none, and upgrading again makes it anew."""
    engine = make_engine(database_url)
    upgrade(engine)

    def tables() -> set[str]:
        with engine.connect() as conn:
            return set(sa.inspect(conn).get_table_names())

    with engine.connect() as conn:
        unique = sa.inspect(conn).get_unique_constraints("budget_sample")
    assert [sorted(u["column_names"]) for u in unique] == [["at", "service_id", "source"]]
    with engine.begin() as conn:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0030")
    assert "budget_sample" not in tables()
    upgrade(engine)
    assert "budget_sample" in tables()
    engine.dispose()
