"""How far back a source's first sync reads: one rule for every source that reads by time.

A source's ``since`` (a date in its riskbrief.toml table) starts it at that midnight, UTC;
without one it reads ``[sources] first_sync_days`` back from now.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from data.config import OrgConfig

__all__ = ["first_sync_start"]


def first_sync_start(org: OrgConfig, since: date | None, now: datetime) -> datetime:
    """Where a first sync starts: ``since`` at midnight UTC, else ``first_sync_days`` back."""
    if since is not None:
        return datetime.combine(since, time(0), tzinfo=UTC)
    return now - timedelta(days=org.sources.first_sync_days)
