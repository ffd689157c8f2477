"""What every answer reads by: the organisation's names for the parser, the merge that landed
a commit, the scorer version and local time (with its date).

Changes, deploys and subscribers are found in the store by ``data.store.reads.lookups``,
which every reader shares: ``/risk pr`` and the MCP ``change_risk`` tool find a change the
same way.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.answers.parse import Catalog
from data.config import OrgConfig
from data.sources.local_git.landing import landing_commit
from data.sources.registry import read_change
from data.store.reads.lookups import same_repository
from scoring.change_key import ChangeKey

__all__ = ["catalog_of", "dated_local_time", "landing_ref", "version_of"]


def catalog_of(org: OrgConfig) -> Catalog:
    """The organisation's teams and services for the parser, and its sources' keys."""

    def reader(text: str) -> ChangeKey | None:
        return read_change(text, org)

    return Catalog(
        teams={t.key: t.display_name for t in org.teams},
        services={s.key: s.display_name for s in org.services},
        read_change=reader,
    )


def dated_local_time(when: datetime, timezone: str, day: bool = True) -> str:
    """``when`` as the reader reads it: ``Fri 2026-11-20 10:35 America/New_York``."""
    zone = "UTC" if timezone in ("UTC", "Etc/UTC") else timezone
    local = when.astimezone(ZoneInfo(timezone))
    return f"{local:%a %Y-%m-%d %H:%M} {zone}" if day else f"{local:%Y-%m-%d %H:%M} {zone}"


def version_of(org: OrgConfig) -> str:
    """The scorer version whose stored scores answers read."""
    return org.scoring_config().version


def landing_ref(org: OrgConfig, ref: str) -> str | None:
    """The change ``ref`` is part of when it names a commit a pull request brought in: the
    merge that landed it on a configured clone's branch, written as ``ref`` was; else ``None``.

    Such a commit is no change of its own (its merge is); the clone's git says which merge.
    """
    key = ChangeKey.parse(ref)
    if key is None or key.sha is None:
        return None
    for repo in org.repositories:
        if repo.path is None or not same_repository(repo.name, key.repository):
            continue
        landed = landing_commit(Path(repo.path), key.sha, repo.default_branch)
        if landed is not None:
            return f"{key.repository}@{landed}" if key.repository else landed
    return None
