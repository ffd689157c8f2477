"""Deploys of a Bitbucket repository, read by its edition, stored with a watermark.

Each edition says how it reads them (``cloud.cloud_deploys`` and ``cloud_tags``,
``datacenter.dc_tags``): a function from the run and the floor (the watermark
less a week, as a deployment finishing late or a tag pushed late is read again)
to records. A deploy's service is the ``services`` entry of its environment or
tag name, a service whose key is a word of that name, else the repository's
only service; otherwise it is skipped with a log line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import structlog

from data.clock import utcnow
from data.config import OrgConfig
from data.sources.first_sync import first_sync_start
from data.sources.records import DeployRecord
from data.sync import Cursor, SyncRun

__all__ = ["DeployReader", "DeploysSource", "service_for"]

log = structlog.get_logger(__name__)

# An edition's reading of one repository's deploys: the run and the floor to records.
DeployReader = Callable[[SyncRun, datetime], list[DeployRecord]]

_WORDS = re.compile(r"[-_/ .:]+")
# Deploys are read again this far below the watermark: one finishing late still lands.
_RECHECK = timedelta(days=7)


def _words(name: str) -> list[str]:
    return [w for w in _WORDS.split(name.lower()) if w]


def service_for(
    org: OrgConfig, services: Mapping[str, str], repository: str, names: Iterable[str]
) -> str | None:
    """The service a name says (``services``, then a key among its words), else the only one."""
    candidates = [n for n in names if n]
    folded = {k.casefold(): v for k, v in services.items()}
    for name in candidates:
        if name.casefold() in folded:
            return folded[name.casefold()]
    keys = [s.key for s in org.services if s.repository in (None, repository)]
    for name in candidates:
        words = _words(name)
        found = [
            k
            for k in keys
            if any(words[i : i + len(_words(k))] == _words(k) for i in range(len(words)))
        ]
        if found:
            return max(found, key=lambda k: len(_words(k)))
    only = [s.key for s in org.services if s.repository == repository]
    return only[0] if len(only) == 1 else None


@dataclass(slots=True)
class DeploysSource:
    """One repository's deploys as its edition reads them, checkpointed with their watermark."""

    label: str
    repository: str
    cursor_source: str
    read: DeployReader
    since: date | None = None
    now: Callable[[], datetime] = field(default=utcnow)

    @property
    def name(self) -> str:
        """``bitbucket deploys workspace/repo``."""
        return f"{self.label} deploys {self.repository}"

    def sync(self, run: SyncRun) -> None:
        """Read deploys finished since the watermark less a week and store them."""
        saved = run.cursor(self.cursor_source, self.repository)
        if saved.watermark is not None:
            floor = saved.watermark - _RECHECK
        else:
            floor = first_sync_start(run.org, self.since, self.now())
        records = self.read(run, floor)
        newest = max((r.finished_at for r in records), default=saved.watermark)
        if saved.watermark is not None and newest is not None:
            newest = max(newest, saved.watermark)
        run.checkpoint(
            self.cursor_source,
            self.repository,
            cursor=Cursor(saved.cursor, newest) if newest is not None else None,
            deploys=records,
        )
        run.progress.advance(self.name, len(records), "deploys")
