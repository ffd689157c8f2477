"""The read of the sources' syncs: each source's least recently synced scope."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.engine import Engine

from data.store.engine import session_scope
from data.store.reads.syncs import oldest_syncs
from data.store.tables import SyncState
from tests.data.rows import T0


def test_oldest_sync_per_source(engine: Engine) -> None:
    """Each source is read once, with the time of its scope synced longest ago."""
    with session_scope(engine) as s:
        for source, scope, hours in (
            ("github", "acme/shop", 5),
            ("github", "acme/web", 2),
            ("pagerduty", "all", 7),
        ):
            s.add(SyncState(source=source, scope=scope, updated_at=T0 + timedelta(hours=hours)))
    with session_scope(engine) as s:
        got = {source: at.replace(tzinfo=None) for source, at in oldest_syncs(s)}
    naive = T0.replace(tzinfo=None)
    assert got == {"github": naive + timedelta(hours=2), "pagerduty": naive + timedelta(hours=7)}
