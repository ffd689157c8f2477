"""Reading a GitLab list incrementally by ``updated_after``, checkpointed page by page.

Deployments, pipelines and issues are listed ``order_by=updated_at&sort=asc``
from the saved watermark minus ``lag_minutes``; each page's records and the
newest ``updated_at`` read go to ``Handoff.checkpoint`` in one transaction, so
an interrupted sync resumes from the last page written, and a status that
changes later (a deployment finishing) bumps ``updated_at`` and is read again.

These lists are paged by offset, and an item updated while the sync runs moves
to the end of the list, shifting every later page by one: following
``rel="next"`` would skip an item, and the saved watermark would then be past
it for good. So, as the merge request sync does, each next page asks again from
the newest ``updated_at`` read (``updated_after`` is inclusive), skipping the
ids already read at that instant, and follows the offset link only while a page
ends on the instant it began with.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

import structlog

from data.clock import utcnow
from data.config import OrgConfig
from data.config.sources.gitlab import GitLabSourceConfig
from data.handoff import Cursor, Handoff
from data.source_values import SourceDeploy, SourceIncident
from data.sources.deploy_names import repository_services, service_from_names
from data.sources.first_sync import first_sync_start
from data.sources.gitlab.client import GitLabClient, RestResponse, project_id
from data.sources.gitlab.mr_records import MalformedMergeRequest, gitlab_time
from data.tally import Tally

__all__ = [
    "BadItem",
    "Record",
    "UpdatedList",
    "UpdatedListSource",
    "item_time",
    "project_services",
    "service_for_names",
    "start_of",
]

log = structlog.get_logger(__name__)

Record = SourceDeploy | SourceIncident


class BadItem(ValueError):
    """One item of a list lacks a field or has a malformed one; it is logged and skipped."""


def project_services(org: OrgConfig, project: str) -> tuple[str, ...]:
    """Keys of the services declared with ``repository = "group/sub/project"``."""
    return repository_services(org, project)


def service_for_names(
    org: OrgConfig, config: GitLabSourceConfig, project: str, names: Iterable[str]
) -> str | None:
    """The service a name says (an environment, ref, tag or label), else the project's only one.

    In order: the ``services`` map (exact, then ignoring case); a service of
    this project (or of none) whose key appears as words in a name
    (``checkout-production``, ``service::checkout``); the project's only service.
    """
    return service_from_names(org, config.services, project, names)


def start_of(
    config: GitLabSourceConfig, org: OrgConfig, watermark: datetime | None, now: datetime
) -> datetime:
    """Where a list is read from: the watermark minus the lag, else ``since``, else the default."""
    if watermark is not None:
        return watermark - timedelta(minutes=config.lag_minutes)
    return first_sync_start(org, config.since, now)


def item_time(item: Any, name: str) -> datetime:
    """The timestamp ``name`` of ``item``, or ``BadItem``."""
    value = item.get(name) if isinstance(item, dict) else None
    try:
        return gitlab_time(value, name)
    except MalformedMergeRequest as exc:
        raise BadItem(str(exc)) from None


@dataclass(frozen=True, slots=True)
class UpdatedList:
    """One project list read by ``updated_after``: where, under which cursor, each item's record."""

    client: GitLabClient
    project: str
    config: GitLabSourceConfig
    cursor_source: str
    path: str
    params: Mapping[str, str]
    # A page's records (an item that is no deploy or incident makes none).
    read: Callable[[Handoff, Sequence[Any]], list[Record]]
    unit: str
    now: Callable[[], datetime]

    def _list(self, after: datetime) -> RestResponse:
        return self.client.get(
            self.path,
            {
                **self.params,
                "order_by": "updated_at",
                "sort": "asc",
                "updated_after": after.astimezone(UTC)
                .isoformat(timespec="milliseconds")
                .replace("+00:00", "Z"),
                "per_page": "100",
            },
        )

    def sync(self, run: Handoff, source_name: str) -> None:
        """Read the list from the watermark, checkpointing each page with the newest update."""
        saved = run.cursor(self.cursor_source, self.project)
        anchor = start_of(self.config, run.org, saved.watermark, self.now())
        watermark = saved.watermark
        # Ids read at ``anchor``: asked again from it, GitLab lists them again.
        seen: set[int | str] = set()
        page = self._list(anchor)
        while True:
            items = page.data if isinstance(page.data, list) else []
            good: list[tuple[Any, datetime]] = []
            for item in items:
                try:
                    updated = item_time(item, "updated_at")
                except BadItem as exc:
                    self.skip(run, str(exc))
                    continue
                if updated == anchor and _ident(item) in seen:
                    continue
                good.append((item, updated))
            newest = max((updated for _, updated in good), default=None)
            if newest is not None:
                watermark = newest if watermark is None else max(watermark, newest)
            records = self.read(run, [item for item, _ in good])
            deploys = [r for r in records if isinstance(r, SourceDeploy)]
            incidents = [r for r in records if isinstance(r, SourceIncident)]
            run.checkpoint(
                self.cursor_source,
                self.project,
                cursor=Cursor(None, watermark) if watermark is not None else None,
                deploys=deploys,
                incidents=incidents,
            )
            run.progress.advance(source_name, len(records), self.unit)
            if not page.next_url:
                return
            if newest is None or newest == anchor:
                # The page ended on the instant it began with: page on by offset.
                seen.update(_ident(item) for item, _ in good)
                page = self.client.get(page.next_url)
                continue
            anchor = newest
            seen = {_ident(item) for item, updated in good if updated == anchor}
            page = self._list(anchor)

    def skip(self, run: Handoff, reason: str, **where: Any) -> None:
        """Count and log an item that is skipped."""
        run.tally += Tally(skipped=1)
        log.warning(
            "gitlab_record_skipped", source=self.unit, project=self.project, reason=reason, **where
        )


def _ident(item: Any) -> int | str:
    """An item's id (deployments, pipelines and issues all have one), else the item itself."""
    ident = item.get("id") if isinstance(item, dict) else None
    return ident if isinstance(ident, int) else repr(item)


@dataclass(slots=True)
class UpdatedListSource:
    """A source of one project's list read by ``updated_after``; a subclass names the list.

    Deployments, pipelines and incident issues differ only in these names, the
    list's query parameters and how a page's items become records (``_read``).
    """

    client: GitLabClient
    project: str
    config: GitLabSourceConfig
    now: Callable[[], datetime] = field(default=utcnow)
    # The list's word: in the source's name, its cursor (``gitlab-<noun>``) and its progress.
    noun: ClassVar[str]
    # The list's path below the project's (``deployments``, ``issues``).
    path: ClassVar[str]

    @property
    def name(self) -> str:
        """``gitlab <noun> group/project``."""
        return f"gitlab {self.noun} {self.project}"

    def sync(self, run: Handoff) -> None:
        """Read the items updated since the watermark, a page per checkpoint."""
        listed = UpdatedList(
            self.client,
            self.project,
            self.config,
            f"gitlab-{self.noun}",
            f"projects/{project_id(self.project)}/{self.path}",
            self.params(),
            lambda r, items: self._read(r, items, listed),
            self.noun,
            self.now,
        )
        listed.sync(run, self.name)

    def params(self) -> Mapping[str, str]:
        """The list's own query parameters; none unless a subclass says."""
        return {}

    def _read(self, run: Handoff, items: Sequence[Any], listed: UpdatedList) -> list[Record]:
        """A page's records (an item that is no deploy or incident makes none)."""
        raise NotImplementedError
