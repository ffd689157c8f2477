"""One Argo CD application's syncs as deploys of its service, read from its sync history.

``GET /api/v1/applications/{name}`` answers the Application with its ``status``:
``status.history`` lists the syncs that succeeded, oldest first, each a ``RevisionHistory``
(``id``, auto-incrementing; ``revision``, the git sha or chart version synced, or
``revisions`` for a multi-source application; ``deployedAt``, when the sync finished;
``deployStartedAt``), and ``status.operationState`` the latest operation (``phase``
``Running``, ``Terminating``, ``Succeeded``, ``Failed`` or ``Error``).

- Each history entry is a successful production deploy of the application's service at
  its ``deployedAt``, shipping its revision (a 40-hex git sha; a chart version ships no
  known sha, and the store links what merged since the previous deploy).
- A latest sync operation ``Failed`` or ``Error`` is a failed attempt (status
  ``failure``: it ships nothing, and no incident is tied to it) at its ``finishedAt``;
  Argo CD keeps no history of failed syncs, so one replaced by a later operation before
  riskbrief reads it is not seen. A dry run is never a deploy.
- A ``Running`` or ``Terminating`` operation is not a deploy yet: its history entry, once
  it succeeds, is.

The cursor is the last history ``id`` read (and the start of the last failed operation
stored), so a sync reads the whole application (one request) and hands on only what is
new. Argo CD keeps the newest ``revisionHistoryLimit`` entries (10 by default): a sync
that finds entries past the cursor missing says so in a note, as it does a history whose
ids start again (an application deleted and made anew), which it reads from the start.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import structlog

from data.config.sources.argocd import ArgoCDAppConfig
from data.deploy_rule import DeployRule, FoundBy
from data.handoff import Cursor, Handoff
from data.source_values import SourceDeploy
from data.sources.argocd.client import ArgoCDClient
from data.sources.times import TimeFormatError, parse_time

__all__ = [
    "ArgoCDSource",
    "ArgoOperation",
    "ArgoStatus",
    "ArgoSync",
    "read_status",
]

log = structlog.get_logger("riskbrief.argocd")

_SHA = re.compile(r"^[0-9a-f]{40}$")
# The phases of an operation that ended without deploying.
_FAILED = frozenset({"Failed", "Error"})


def _sha(revision: Any, revisions: Any = None) -> str | None:
    """The git sha synced: ``revision`` when it is one, else a multi-source application's
    first source whose revision is one; ``None`` for a chart version."""
    candidates = [revision] + (list(revisions) if isinstance(revisions, list) else [])
    for value in candidates:
        if isinstance(value, str) and _SHA.match(value.lower()):
            return value.lower()
    return None


def _revision(revision: Any, revisions: Any = None) -> str:
    """What was synced, as text: the revision, else a multi-source one's revisions."""
    if isinstance(revision, str) and revision:
        return revision
    if isinstance(revisions, list):
        return ", ".join(str(r) for r in revisions if r)
    return ""


def _ident(value: Any) -> int | None:
    # An int64, written as a number; as text where a gateway writes int64 so.
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


@dataclass(frozen=True, slots=True)
class ArgoSync:
    """One entry of an application's sync history: a sync that succeeded."""

    ident: int
    revision: str
    sha: str | None
    deployed_at: datetime
    started_at: datetime | None


@dataclass(frozen=True, slots=True)
class ArgoOperation:
    """An application's latest sync operation: its phase, what it synced and when."""

    phase: str
    revision: str
    sha: str | None
    started_at: datetime
    finished_at: datetime | None
    message: str

    @property
    def failed(self) -> bool:
        """Whether it ended without deploying (``Failed`` or ``Error``)."""
        return self.phase in _FAILED


@dataclass(frozen=True, slots=True)
class ArgoStatus:
    """What an application's status says of its syncs: the history, oldest first, the latest
    sync operation, and how many history entries were unreadable."""

    history: tuple[ArgoSync, ...]
    operation: ArgoOperation | None
    unreadable: int = 0

    @property
    def newest(self) -> ArgoSync | None:
        """The latest successful sync."""
        return self.history[-1] if self.history else None


def _sync_of(raw: Any) -> ArgoSync | None:
    if not isinstance(raw, dict):
        return None
    ident = _ident(raw.get("id"))
    try:
        deployed = parse_time(raw.get("deployedAt"), "deployedAt")
        started = raw.get("deployStartedAt")
        started_at = parse_time(started, "deployStartedAt") if started else None
    except TimeFormatError:
        return None
    if ident is None:
        return None
    revision, revisions = raw.get("revision"), raw.get("revisions")
    shipped = _sha(revision, revisions)
    return ArgoSync(ident, _revision(revision, revisions), shipped, deployed, started_at)


def _operation_of(raw: Any) -> ArgoOperation | None:
    """The latest operation, when it is a sync that is not a dry run and has a start."""
    if not isinstance(raw, dict):
        return None
    operation = raw.get("operation")
    sync = operation.get("sync") if isinstance(operation, dict) else None
    if not isinstance(sync, dict) or sync.get("dryRun") is True:
        return None
    result = raw.get("syncResult") if isinstance(raw.get("syncResult"), dict) else {}
    assert isinstance(result, dict)
    revision = result.get("revision") or sync.get("revision")
    revisions = result.get("revisions") or sync.get("revisions")
    try:
        started = parse_time(raw.get("startedAt"), "startedAt")
        finished = raw.get("finishedAt")
        finished_at = parse_time(finished, "finishedAt") if finished else None
    except TimeFormatError:
        return None
    return ArgoOperation(
        str(raw.get("phase") or ""),
        _revision(revision, revisions),
        _sha(revision, revisions),
        started,
        finished_at,
        str(raw.get("message") or ""),
    )


def read_status(application: dict[str, Any]) -> ArgoStatus:
    """The sync history and latest operation in an Application as Argo CD's API answers it."""
    status = application.get("status")
    status = status if isinstance(status, dict) else {}
    raw_history = status.get("history")
    raw_history = raw_history if isinstance(raw_history, list) else []
    history = [_sync_of(h) for h in raw_history]
    readable = sorted((h for h in history if h is not None), key=lambda h: h.ident)
    return ArgoStatus(
        tuple(readable),
        _operation_of(status.get("operationState")),
        len(history) - len(readable),
    )


class ArgoCDSource:
    """One Argo CD application's syncs, as deploys of its service (see the module docstring)."""

    def __init__(self, client: ArgoCDClient, app: ArgoCDAppConfig) -> None:
        self.client = client
        self.app = app

    @property
    def name(self) -> str:
        """``argocd <application>``."""
        return f"argocd {self.app.name}"

    def _found_by(self) -> FoundBy:
        return FoundBy(DeployRule.ARGOCD_APPLICATION, self.app.name)

    def _deploy(self, entry: ArgoSync) -> SourceDeploy:
        return SourceDeploy(
            key=f"argocd:{self.app.name}:{entry.ident}",
            service=self.app.service,
            finished_at=entry.deployed_at,
            environment="production",
            sha=entry.sha,
            started_at=entry.started_at,
            status="success",
            source="argocd",
            found_by=self._found_by(),
        )

    def _failed(self, operation: ArgoOperation) -> SourceDeploy:
        return SourceDeploy(
            # The operation's start names it: a retry of it keeps the one start.
            key=f"argocd:{self.app.name}:failed:{operation.started_at.isoformat()}",
            service=self.app.service,
            finished_at=operation.finished_at or operation.started_at,
            environment="production",
            sha=operation.sha,
            started_at=operation.started_at,
            status="failure",
            source="argocd",
            found_by=self._found_by(),
        )

    def sync(self, run: Handoff) -> None:
        """The history entries past the cursor, and a failed latest sync not stored yet."""
        saved = run.cursor(self.name)
        last = _ident(saved.cursor)
        failed_mark = saved.watermark
        status = read_status(self.client.application(self.app.name, self.app.project))
        if last is not None and status.newest is not None and status.newest.ident < last:
            run.note(
                f"Argo CD's history of {self.app.name} starts again (its newest id "
                f"{status.newest.ident} is below {last}: the application was made anew); "
                "read from its start"
            )
            last = None
        new = [h for h in status.history if last is None or h.ident > last]
        if last is not None and new and new[0].ident > last + 1:
            missed = new[0].ident - last - 1
            run.note(
                f"Argo CD no longer keeps {missed} sync(s) of {self.app.name} after history "
                f"id {last} (it keeps the newest revisionHistoryLimit, 10 by default); sync "
                "riskbrief more often, or raise the application's revisionHistoryLimit"
            )
        deploys = [self._deploy(h) for h in new]
        operation = status.operation
        if (
            operation is not None
            and operation.failed
            and (failed_mark is None or operation.started_at > failed_mark)
        ):
            deploys.append(self._failed(operation))
            failed_mark = operation.started_at
        ident = new[-1].ident if new else last
        cursor = Cursor(str(ident) if ident is not None else None, failed_mark)
        run.checkpoint(self.name, cursor=cursor, deploys=deploys)
        if status.unreadable:
            # Each has no id or no RFC 3339 deployedAt: nothing to key or date a deploy by.
            log.warning(
                "argocd_history_unreadable", application=self.app.name, count=status.unreadable
            )
            run.tally.skipped += status.unreadable
        run.progress.advance(self.name, len(status.history), "syncs")
