"""Deploys of a Bitbucket repository, read by its edition, stored with a watermark.

Each edition says how it reads them (``cloud.cloud_deploys`` and ``cloud_tags``,
``datacenter.dc_tags``): a function from the run and the floor (the watermark
less a week, as a deployment finishing late or a tag pushed late is read again)
to records. A deploy's service is the ``services`` entry of its environment or
tag name, a service whose key is a word of that name, else the repository's
only service; otherwise it is skipped with a log line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import structlog

from data.clock import utcnow
from data.handoff import Cursor, Handoff
from data.source_values import SourceDeploy
from data.sources.first_sync import first_sync_start

__all__ = ["DeployReader", "DeploysSource"]

log = structlog.get_logger(__name__)

# An edition's reading of one repository's deploys: the run and the floor to records.
DeployReader = Callable[[Handoff, datetime], list[SourceDeploy]]

# Deploys are read again this far below the watermark: one finishing late still lands.
_RECHECK = timedelta(days=7)


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

    def sync(self, run: Handoff) -> None:
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
