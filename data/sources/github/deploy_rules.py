"""What GitHub's deploy sources share: their repositories and services, first sync, state."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, ClassVar

import structlog

from data.clock import Clock, utcnow
from data.config import OrgConfig
from data.config.sources import GitHubSourceConfig
from data.handoff import Cursor, Handoff
from data.source_values import SourceDeploy
from data.sources.deploy_names import repository_services, service_from_names
from data.sources.first_sync import first_sync_start
from data.sources.github.client import GitHubClient
from data.sources.github.rest import (
    BadItem,
    ConditionalRest,
    Fetched,
    as_list,
    get_time,
)

__all__ = [
    "BATCH",
    "PER_PAGE",
    "RECHECK_WINDOW",
    "RUN_CONCLUSIONS",
    "SHA",
    "TERMINAL",
    "Clock",
    "DeployList",
    "DeployPass",
    "RepoSource",
    "first_sync_start",
    "github_repositories",
    "is_production",
    "load_state",
    "repository_services",
    "service_for_name",
    "skip_item",
    "source_fingerprint",
]

log = structlog.get_logger(__name__)


# Deployments created this recently are re-checked on every sync: their statuses still change.
RECHECK_WINDOW = timedelta(days=7)


PER_PAGE = 100


BATCH = 50


TERMINAL = frozenset({"success", "failure", "error"})


RUN_CONCLUSIONS = {
    "success": "success",
    "failure": "failure",
    "timed_out": "failure",
    "startup_failure": "failure",
}


SHA = re.compile(r"^[0-9a-f]{40}$")


def github_repositories(org: OrgConfig, config: GitHubSourceConfig) -> tuple[str, ...]:
    """The repositories GitHub is read for: ``repositories``, else those without a local path
    that no other code host reads (its table's ``repositories_read()``)."""
    if config.repositories:
        return config.repositories
    elsewhere = org.sources.repositories_read()
    return tuple(r.name for r in org.repositories if r.path is None and r.name not in elsewhere)


def service_for_name(
    org: OrgConfig, config: GitHubSourceConfig, repository: str, names: Iterable[str]
) -> str | None:
    """The service of a deploy named ``names`` (environment, workflow or tag), or ``None``.

    In order: the ``services`` map (exact, then ignoring case); a service of
    this repository (or of none) whose key appears as words in a name; the
    repository's only service.
    """
    return service_from_names(org, config.services, repository, names)


def source_fingerprint(config: GitHubSourceConfig, org: OrgConfig, repository: str) -> str:
    """What decides which records a page yields; when it changes, ETags are not trusted."""
    parts = {
        "production": config.production_environment,
        "workflow": config.deploy_workflow,
        "tags": config.release_tags,
        "map": sorted(config.services.items()),
        "services": sorted((s.key, s.repository or "") for s in org.services),
        "repository": repository,
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:16]


def load_state(raw: str | None) -> dict[str, Any]:
    if not raw:
        return {}
    try:
        state = json.loads(raw)
    except json.JSONDecodeError:
        return {}
    return state if isinstance(state, dict) else {}


def skip_item(run: Handoff, source: str, repository: str, reason: str, **where: Any) -> None:
    run.tally.skipped += 1
    log.warning(
        "github_record_skipped", source=source, repository=repository, reason=reason, **where
    )


def is_production(config: GitHubSourceConfig, environment: str) -> bool:
    return re.search(config.production_environment, environment, re.IGNORECASE) is not None


@dataclass(frozen=True, slots=True)
class DeployList:
    """One newest-first list of a repository's deploys, and how one of its items is read."""

    url: str
    # What the list is and where, as a sentence about a malformed answer names them.
    what: str
    path: str
    # The list's key in the answer's object; ``None`` for an answer that is the list.
    key: str | None
    # The deploy an item is (``None``: not one), given where the list is read back to.
    read: Callable[[Any, datetime], SourceDeploy | None]


@dataclass(frozen=True, slots=True)
class DeployPass:
    """A pass over a repository's deploy lists in progress, as a source finds its lists."""

    run: Handoff
    rest: ConditionalRest
    # The setting's pattern that picks what is a deploy (a release tag, a workflow's name).
    pattern: str
    # The cursor's state as the last pass saved it, and whether its ETags are still good.
    state: dict[str, Any]
    trusted: bool
    # Pages fetched to find the lists, whose ETags are kept when the pass is done.
    pages: list[Fetched]


@dataclass(slots=True)
class RepoSource:
    """A deploy source of one repository whose deploys are read from newest-first lists.

    ``sync`` is the one releases and workflow runs share; deployments have their
    own, with status checks, and use ``_list_until`` and ``_pages``.
    """

    client: GitHubClient
    repository: str
    config: GitHubSourceConfig
    now: Clock = field(default=utcnow)

    # The sync_state source of the cursor, an item as a skip line names it, the progress unit.
    cursor_source: ClassVar[str] = ""
    item: ClassVar[str] = ""
    unit: ClassVar[str] = ""

    @property
    def name(self) -> str:
        """``github <unit> owner/repo``, e.g. ``github releases acme/shop``."""
        return f"github {self.unit} {self.repository}"

    def _pattern(self) -> str | None:
        """The setting that turns the source on; ``None`` while it is unset."""
        raise NotImplementedError

    def _lists(self, at: DeployPass) -> tuple[list[DeployList], dict[str, Any]]:
        """The lists to read, and what the cursor keeps of them besides the fingerprint."""
        raise NotImplementedError

    def sync(self, run: Handoff) -> None:
        """Read each list back to the re-check window (first sync: to its start).

        The lists are newest first, so no point inside a pass is one to resume
        from: each page's deploys are checkpointed alone, and the cursor (the
        newest deploy, the fingerprint) only once the pass is done. An
        interrupted pass is read again from the top by the next sync; the
        upserts make that harmless. The ETags are kept after the cursor, so a
        page is never skipped as unchanged before its deploys are in the store.
        """
        pattern = self._pattern()
        if pattern is None:
            return
        rest = ConditionalRest(self.client, run)
        saved = run.cursor(self.cursor_source, self.repository)
        state = load_state(saved.cursor)
        fingerprint = source_fingerprint(self.config, run.org, self.repository)
        trusted = state.get("fingerprint") == fingerprint
        until = self._list_until(run, saved.watermark, self.now())
        pages: list[Fetched] = []
        lists, kept = self._lists(DeployPass(run, rest, pattern, state, trusted, pages))
        newest = saved.watermark
        for listed in lists:
            read = self._pages(rest, listed.url, conditional=trusted, until=until, key=listed.key)
            for page in read:
                pages.append(page)
                records = []
                for item in as_list(page.data, listed.what, listed.path, key=listed.key):
                    try:
                        record = listed.read(item, until)
                    except BadItem as exc:
                        skip_item(run, self.item, self.repository, str(exc))
                        continue
                    if record is not None:
                        records.append(record)
                        newest = max(newest or record.finished_at, record.finished_at)
                if records:
                    run.checkpoint(self.cursor_source, self.repository, deploys=records)
                run.progress.advance(self.name, len(records), self.unit)
        cursor = Cursor(json.dumps({"fingerprint": fingerprint, **kept}), newest or until)
        run.checkpoint(self.cursor_source, self.repository, cursor=cursor)
        for page in pages:
            rest.remember(page)

    def _list_until(self, run: Handoff, watermark: datetime | None, now: datetime) -> datetime:
        """Pages are read back to here: the first sync's start, else the re-check window."""
        if watermark is None:
            return first_sync_start(run.org, self.config.since, now)
        return min(watermark, now - RECHECK_WINDOW)

    def _pages(
        self,
        rest: ConditionalRest,
        url: str,
        *,
        conditional: bool,
        until: datetime,
        key: str | None = None,
    ) -> Iterable[Fetched]:
        """The 200 pages of a newest-first list back to ``until`` (by ``created_at``).

        A 304 ends the list: that page, and so the older ones, did not change.
        """
        fetched = rest.get(url, conditional=conditional)
        while not fetched.not_modified:
            yield fetched
            data = fetched.data
            items = data.get(key) if key is not None and isinstance(data, dict) else data
            times = []
            for item in items if isinstance(items, list) else ():
                try:
                    times.append(get_time(item, "created_at"))
                except BadItem:
                    continue
            if not fetched.next_url or (times and min(times) < until):
                return
            fetched = rest.get(fetched.next_url, conditional=conditional)
