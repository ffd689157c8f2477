"""The query planner's statistics of a SQLite store, refreshed after the store is written.

Without them SQLite guesses each index's selectivity and, on a big store, picks the wrong
one: the score of a dozen changes read by walking every change's score (0.3 s on 100,000
changes, where the right index takes a millisecond). PostgreSQL's autovacuum keeps its own.
"""

from __future__ import annotations

import sqlalchemy as sa
import structlog
from sqlalchemy.engine import Engine

__all__ = ["refresh_statistics"]

log = structlog.get_logger("riskbrief.store")

# Rows each index is sampled on: SQLite's advice for ANALYZE on big databases; a 100,000-change
# store takes about a quarter of a second.
_SAMPLE_ROWS = 1000


def refresh_statistics(engine: Engine) -> None:
    """Sample a SQLite store's indexes for the planner; nothing on PostgreSQL.

    Statistics only speed reads up, so a store that cannot take them now (read-only, or
    held by another writer past the busy timeout) is left as it is, with a log line.
    """
    if engine.dialect.name != "sqlite":
        return
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql(f"PRAGMA analysis_limit={_SAMPLE_ROWS}")
            conn.exec_driver_sql("ANALYZE")
    except sa.exc.OperationalError as exc:
        log.warning("store.statistics_not_refreshed", error=str(exc.orig))
