"""A Bitbucket pull request event worked through: fetch, store, score as of now, report.

The pull request is read again from Bitbucket (the source's own reader,
``CloudReader`` or ``DataCenterReader``, and ``change_record``, with CODEOWNERS
history) rather than trusted from the event: what Bitbucket says now is what gets
scored. An event older than what the store holds (its update earlier and its head
another one) is answered without any work; and the head is read once more just
before the report is written, so a push that landed while the change was scored does
not get the older head's report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import structlog

from bot.bitbucket.insights import publish, report_of
from bot.checks.change import BadEvent, Outcome, assess_stored, field_of, store_change
from bot.checks.host import RestHostCheck
from bot.checks.verdict import verdict_of
from data.config.sources.bitbucket import BitbucketCloudConfig, BitbucketDataCenterConfig
from data.sources.bitbucket import cloud, datacenter
from data.sources.bitbucket.client import BitbucketClient, Edition
from data.sources.bitbucket.codeowners import load_history
from data.sources.bitbucket.keys import pull_key
from data.sources.bitbucket.pull import MalformedPull, dig
from data.sources.bitbucket.records import change_record
from data.sources.times import TimeFormatError, parse_time
from data.store.tables import ChangeState
from data.sync import SyncRun
from scoring.errors import SourceError

__all__ = [
    "CLOUD_EVENTS",
    "DC_EVENTS",
    "BadEvent",
    "BitbucketCheck",
    "BitbucketEvent",
    "cloud_event",
    "dc_event",
]

log = structlog.get_logger("riskbrief.bitbucket")

# The events after which a head gets a report: opened, and pushed to or edited.
CLOUD_EVENTS = frozenset({"pullrequest:created", "pullrequest:updated"})
DC_EVENTS = frozenset({"pr:opened", "pr:from_ref_updated", "pr:modified"})
# Cloud's events carry 12-hex abbreviations; Data Center's the full SHA-1 (or SHA-256).
_SHA = re.compile(r"[0-9a-f]{7,64}")
_OWNER = re.compile(r"~?[A-Za-z0-9_.\-]+")
_SLUG = re.compile(r"[A-Za-z0-9_.\-]+")
# The source name a webhook's writes are checkpointed under (no cursor: one pull request).
_SOURCE = {"cloud": "bitbucket-webhook", "dc": "bitbucket-dc-webhook"}

Config = BitbucketCloudConfig | BitbucketDataCenterConfig


@dataclass(frozen=True, slots=True)
class BitbucketEvent:
    """The parts of a pull request event the check reads; the rest is fetched."""

    edition: Edition
    repository: str
    number: int
    head_sha: str
    updated_at: datetime

    @property
    def key(self) -> str:
        """The pull request's change key, ``workspace/repo#N`` or ``PROJECT/repo#N``."""
        return pull_key(self.repository, self.number)

    @property
    def checked(self) -> bool:
        """True: only the events after which a head gets a report are read."""
        return True


def _number(value: Any, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value < 2**31:
        raise BadEvent(f"the event's {where} is not a pull request number")
    return value


def _sha(value: Any, where: str) -> str:
    if not isinstance(value, str) or not _SHA.fullmatch(value):
        raise BadEvent(f"the event's {where} is not a commit sha")
    return value


def cloud_event(payload: Any) -> BitbucketEvent:
    """A Cloud ``pullrequest:*`` event read, or ``BadEvent`` naming the field at fault."""
    full_name = field_of(payload, "repository", "full_name")
    parts = full_name.split("/") if isinstance(full_name, str) else []
    if len(parts) != 2 or not _OWNER.fullmatch(parts[0]) or not _SLUG.fullmatch(parts[1]):
        raise BadEvent("the event's repository.full_name is not workspace/repo")
    number = _number(field_of(payload, "pullrequest", "id"), "pullrequest.id")
    head = _sha(field_of(payload, "pullrequest", "source", "commit", "hash"), "source commit")
    try:
        updated = parse_time(field_of(payload, "pullrequest", "updated_on"), "updated_on")
    except TimeFormatError:
        raise BadEvent("the event's pullrequest.updated_on is not a time") from None
    return BitbucketEvent("cloud", full_name, number, head, updated)


_MAX_MILLIS = 253_402_300_800_000


def dc_event(payload: Any) -> BitbucketEvent:
    """A Data Center ``pr:*`` event read, or ``BadEvent`` naming the field at fault."""
    project = field_of(payload, "pullRequest", "toRef", "repository", "project", "key")
    slug = field_of(payload, "pullRequest", "toRef", "repository", "slug")
    if not isinstance(project, str) or not _OWNER.fullmatch(project):
        raise BadEvent("the event's toRef.repository.project.key is not a project key")
    if not isinstance(slug, str) or not _SLUG.fullmatch(slug):
        raise BadEvent("the event's toRef.repository.slug is not a repository slug")
    number = _number(field_of(payload, "pullRequest", "id"), "pullRequest.id")
    head = _sha(field_of(payload, "pullRequest", "fromRef", "latestCommit"), "fromRef commit")
    millis = field_of(payload, "pullRequest", "updatedDate")
    # Milliseconds since the epoch, before the year 10000 (Python's last).
    if not isinstance(millis, int) or isinstance(millis, bool) or not 0 <= millis < _MAX_MILLIS:
        raise BadEvent("the event's pullRequest.updatedDate is not a time")
    updated = datetime.fromtimestamp(millis / 1000, UTC)
    return BitbucketEvent("dc", f"{project}/{slug}", number, head, updated)


def same_commit(a: str, b: str) -> bool:
    """True when two SHAs, either abbreviated (Cloud's 12 hex), name one commit."""
    return a.startswith(b) or b.startswith(a)


class BitbucketCheck(RestHostCheck[BitbucketEvent, Config, BitbucketClient]):
    """Works through pull request events of one Bitbucket edition's repositories.

    ``web_url`` is the web view's address (``RISKBRIEF_WEB_URL``) the report links to;
    ``clock`` is a seam for tests.
    """

    host = "bitbucket"

    @property
    def edition(self) -> Edition:
        """The edition of the repositories: its client's."""
        return self.client.edition

    def repository(self, name: str) -> str | None:
        """The repository as riskbrief.toml spells it, or ``None`` when it is not listed."""
        return next((r for r in self.config.repositories if r.lower() == name.lower()), None)

    def knows(self, name: str) -> bool:
        """True for a repository riskbrief.toml lists in this edition's table."""
        return self.repository(name) is not None

    def _as_listed(self, event: BitbucketEvent) -> BitbucketEvent:
        return replace(event, repository=self.repository(event.repository) or event.repository)

    def _reader(self, repository: str) -> cloud.CloudReader | datacenter.DataCenterReader:
        if isinstance(self.config, BitbucketDataCenterConfig):
            return datacenter.DataCenterReader(self.client, repository, self.config.base_url)
        return cloud.CloudReader(self.client, repository)

    def _pr_path(self, event: BitbucketEvent) -> str:
        if self.edition == "cloud":
            return f"repositories/{event.repository}/pullrequests/{event.number}"
        return f"{datacenter.repo_path(event.repository)}/pull-requests/{event.number}"

    def _handle(self, event: BitbucketEvent) -> Outcome:
        run = SyncRun(self.engine, self.org)
        client, repo = self.client, event.repository
        module = cloud if self.edition == "cloud" else datacenter
        owners = load_history(
            run,
            repo,
            self.edition,
            lambda: module.codeowners_commits(client, repo),
            lambda sha: module.codeowners_text(client, repo, sha),
        )
        reader = self._reader(repo)
        try:
            listed = reader.listed(client.get(self._pr_path(event)).data)
            record = change_record(reader.pull(listed), repo, owners_of=owners.owners_of)
        except MalformedPull as exc:
            raise SourceError(f"{client.name} sent {event.key} malformed ({exc}).") from None
        store_change(run, _SOURCE[self.edition], repo, record)
        if record.state != ChangeState.OPEN or record.head_sha is None:
            return Outcome(record.state, event.key)
        head = record.head_sha
        assessment = assess_stored(self.engine, self.org, self.history, event.key, self.clock())
        verdict = verdict_of(assessment, head_sha=head, change_url=record.url, policy=self.policy)
        report = report_of(verdict, files=record.files)
        now_head = self._head_now(event)
        if now_head is None or not same_commit(now_head, head):
            # Pushed to while it was scored: that push's own event writes the newer report.
            log.info("bitbucket_head_moved", key=event.key, scored=head, now=now_head)
            return Outcome("stale", event.key, head, report.score)
        published = publish(client, self.edition, repo, report)
        log.info("bitbucket_report_set", key=event.key, score=report.score)
        return Outcome("checked", event.key, head, report.score, published)

    def _head_now(self, event: BitbucketEvent) -> str | None:
        data = self.client.get(self._pr_path(event)).data
        if self.edition == "cloud":
            sha = dig(data, "source", "commit", "hash")
        else:
            sha = dig(data, "fromRef", "latestCommit")
        return sha if isinstance(sha, str) else None
