"""A replica before it serves: the store checked, the organisation synced, the scheduler started."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Engine

from bot.composition.sources import configured_sources
from bot.runtime.metrics import ProcessMetrics
from bot.settings import Settings
from data.config import OrgConfig, load_org_config
from data.store.engine import make_engine, session_scope
from data.store.migrate import is_current
from data.store.org import sync_org
from scoring.errors import StoreError

__all__ = [
    "ready_replica",
    "start_scheduler",
]


def start_scheduler(
    settings: Settings, engine: Engine, org: OrgConfig, metrics: ProcessMetrics
) -> Any:
    """The scheduler of syncs and deliveries (an APScheduler, untyped), started here."""
    # Imported here: it pulls in the senders, which the Slack app alone never needs.
    from bot.composition.sources import sync_hook
    from bot.runtime.schedule import build_scheduler

    scheduler = build_scheduler(
        engine, settings, org, sync=sync_hook(settings, metrics.synced), metrics=metrics
    )
    scheduler.start()
    return scheduler


def ready_replica(settings: Settings, *, scheduling: bool) -> tuple[Engine, OrgConfig]:
    """The store's engine, once it is migrated and holds the organisation of ``settings``."""
    org = load_org_config(settings.config)
    engine = make_engine(settings.database_url)
    if not is_current(engine):
        raise StoreError(
            "the database is not migrated to this version of riskbrief; "
            "run `riskbrief db upgrade` first"
        )
    # Replicas starting together take turns here (data.store.org holds the write lock).
    with session_scope(engine) as session:
        sync_org(session, org)
    if scheduling:
        # A source configured without its credentials ends here, before anything starts.
        configured_sources(settings, org)
    return engine, org
