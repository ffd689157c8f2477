"""What GitHub's deploy sources share: their repositories and services, first sync, state."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any

import structlog

from data.config import OrgConfig
from data.source_config import GitHubSourceConfig
from data.sources.github.client import GitHubClient
from data.sources.github.rest import (
    BadItem,
    ConditionalRest,
    Fetched,
    get_time,
)
from data.sync import SyncRun
from data.tables import utcnow

__all__ = [
    "BATCH",
    "PER_PAGE",
    "RECHECK_WINDOW",
    "RUN_CONCLUSIONS",
    "SHA",
    "TERMINAL",
    "Clock",
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


_WORD_SPLIT = re.compile(r"[-_/ .]+")


TERMINAL = frozenset({"success", "failure", "error"})


RUN_CONCLUSIONS = {
    "success": "success",
    "failure": "failure",
    "timed_out": "failure",
    "startup_failure": "failure",
}


SHA = re.compile(r"^[0-9a-f]{40}$")


# Where "now" comes from: a seam for tests.
Clock = Callable[[], datetime]


def github_repositories(org: OrgConfig, config: GitHubSourceConfig) -> tuple[str, ...]:
    """The repositories GitHub is read for: ``repositories``, else those without a local path."""
    if config.repositories:
        return config.repositories
    return tuple(r.name for r in org.repositories if r.path is None)


def repository_services(org: OrgConfig, repository: str) -> tuple[str, ...]:
    """Keys of the services declared with ``repository = "owner/repo"``."""
    return tuple(s.key for s in org.services if s.repository == repository)


def _words(name: str) -> list[str]:
    return [w for w in _WORD_SPLIT.split(name.lower()) if w]


def _contains(words: Sequence[str], part: Sequence[str]) -> bool:
    n = len(part)
    return n > 0 and any(list(words[i : i + n]) == list(part) for i in range(len(words) - n + 1))


def service_for_name(
    org: OrgConfig, config: GitHubSourceConfig, repository: str, names: Iterable[str]
) -> str | None:
    """The service of a deploy named ``names`` (environment, workflow or tag), or ``None``.

    In order: the ``services`` map (exact, then ignoring case); a service of
    this repository (or of none) whose key appears as words in a name; the
    repository's only service.
    """
    candidates = [n for n in names if n]
    for name in candidates:
        if name in config.services:
            return config.services[name]
    folded = {k.casefold(): v for k, v in config.services.items()}
    for name in candidates:
        if name.casefold() in folded:
            return folded[name.casefold()]
    keys = [s.key for s in org.services if s.repository in (None, repository)]
    for name in candidates:
        words = _words(name)
        found = [k for k in keys if _contains(words, _words(k))]
        if found:
            return max(found, key=lambda k: len(_words(k)))
    only = repository_services(org, repository)
    return only[0] if len(only) == 1 else None


def first_sync_start(org: OrgConfig, config: GitHubSourceConfig, now: datetime) -> datetime:
    """How far back a first sync reads: ``since``, else ``first_sync_days`` before ``now``."""
    if config.since is not None:
        return datetime.combine(config.since, time(0), tzinfo=UTC)
    return now - timedelta(days=org.sources.first_sync_days)


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


def skip_item(run: SyncRun, source: str, repository: str, reason: str, **where: Any) -> None:
    run.tally.skipped += 1
    log.warning(
        "github_record_skipped", source=source, repository=repository, reason=reason, **where
    )


def is_production(config: GitHubSourceConfig, environment: str) -> bool:
    return re.search(config.production_environment, environment, re.IGNORECASE) is not None


@dataclass(slots=True)
class RepoSource:
    client: GitHubClient
    repository: str
    config: GitHubSourceConfig
    now: Clock = field(default=utcnow)

    def _list_until(self, run: SyncRun, watermark: datetime | None, now: datetime) -> datetime:
        """Pages are read back to here: the first sync's start, else the re-check window."""
        if watermark is None:
            return first_sync_start(run.org, self.config, now)
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
