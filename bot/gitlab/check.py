"""A merge request event worked through: fetch, store, score as of now, set the status.

The merge request is read again from GitLab's REST API (``MergeRequestsSource.read_one``:
the same requests and parser as the sync, with CODEOWNERS as of now) rather than
trusted from the event: what GitLab says now is what gets scored, and an event
delivered late cannot bring back an older head. An event older than what the store
holds (its ``updated_at`` earlier and its head another one) is answered without any
work; and the head is read once more just before the status is written, so a push
that landed while the change was scored does not get the older head's verdict.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import structlog

from bot.checks.change import BadEvent, Outcome, assess_stored, field_of, store_change
from bot.checks.host import RestHostCheck
from bot.checks.verdict import verdict_of
from bot.gitlab.commit_status import set_status, status_of
from data.config.sources.gitlab import GitLabSourceConfig
from data.sources.gitlab.client import GitLabClient, project_id
from data.sources.gitlab.codeowners import load_gitlab_codeowners_history
from data.sources.gitlab.keys import merge_request_key
from data.sources.gitlab.merge_requests import MergeRequestsSource
from data.sources.gitlab.mr_records import MalformedMergeRequest
from data.sources.times import TimeFormatError, parse_time
from data.store.tables import ChangeState
from data.sync import SyncRun
from scoring.errors import SourceError

__all__ = ["CHECKED", "BadEvent", "GitLabCheck", "GitLabEvent", "gitlab_event"]

log = structlog.get_logger("riskbrief.gitlab")

# GitLab's actions after which the head gets a verdict ("update" only with new commits or
# when a draft is marked ready); "close" and "merge" only update the store.
CHECKED = frozenset({"open", "reopen", "update"})
_STORED_ONLY = frozenset({"close", "merge"})
# SHA-1, or SHA-256 for a project in GitLab's SHA-256 format.
_SHA = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
_PROJECT = re.compile(r"[A-Za-z0-9_.][A-Za-z0-9_.\-]*(?:/[A-Za-z0-9_.][A-Za-z0-9_.\-]*)+")
# The source name a webhook's writes are checkpointed under (no cursor: one merge request).
_SOURCE = "gitlab-webhook"


@dataclass(frozen=True, slots=True)
class GitLabEvent:
    """The parts of a merge request event the check reads; the rest is fetched."""

    action: str
    project: str
    iid: int
    head_sha: str
    updated_at: datetime
    # New commits were pushed ("update" with ``oldrev``), or a draft was marked ready.
    new_head: bool = False
    ready: bool = False

    @property
    def key(self) -> str:
        """The merge request's change key, ``group/sub/project!iid``."""
        return merge_request_key(self.project, self.iid)

    @property
    def checked(self) -> bool:
        """True when the head gets a verdict after this event."""
        if self.action == "update":
            return self.new_head or self.ready
        return self.action in CHECKED

    @property
    def used(self) -> bool:
        """True when the check does anything at all with this event."""
        return self.checked or self.action in _STORED_ONLY


def _time(value: Any) -> datetime:
    # GitLab writes "2026-11-23T13:55:00Z" now, and "2026-11-23 13:55:00 UTC" in older versions.
    if isinstance(value, str) and value.endswith(" UTC"):
        value = value[: -len(" UTC")] + "+00:00"
    try:
        return parse_time(value, "updated_at")
    except TimeFormatError:
        raise BadEvent("the event's object_attributes.updated_at is not a time") from None


def gitlab_event(payload: Any) -> GitLabEvent:
    """The merge request event ``payload`` read, or ``BadEvent`` naming the field at fault."""
    if field_of(payload, "object_kind") != "merge_request":
        raise BadEvent("the event's object_kind is not merge_request")
    attributes = field_of(payload, "object_attributes")
    project = field_of(payload, "project", "path_with_namespace")
    iid = field_of(attributes, "iid")
    action = attributes.get("action") if isinstance(attributes, dict) else None
    head = field_of(attributes, "last_commit", "id")
    if not isinstance(project, str) or not _PROJECT.fullmatch(project):
        raise BadEvent("the event's project.path_with_namespace is not a project path")
    if not isinstance(iid, int) or isinstance(iid, bool) or not 0 < iid < 2**31:
        raise BadEvent("the event's object_attributes.iid is not a merge request number")
    if not isinstance(action, str):
        raise BadEvent("the event's object_attributes.action is not text")
    if not isinstance(head, str) or not _SHA.fullmatch(head):
        raise BadEvent("the event's object_attributes.last_commit.id is not a commit sha")
    updated = _time(field_of(attributes, "updated_at"))
    changes = payload.get("changes")
    draft = changes.get("draft") if isinstance(changes, dict) else None
    ready = (
        isinstance(draft, dict) and draft.get("previous") is True and draft.get("current") is False
    )
    new_head = isinstance(attributes.get("oldrev"), str)
    return GitLabEvent(action, project, iid, head, updated, new_head, ready)


class GitLabCheck(RestHostCheck[GitLabEvent, GitLabSourceConfig, GitLabClient]):
    """Works through merge request events of the organisation's GitLab projects.

    ``web_url`` is the web view's address (``RISKBRIEF_WEB_URL``) the status links to;
    ``clock`` is a seam for tests.
    """

    host = "gitlab"

    def knows(self, project: str) -> bool:
        """True for a project riskbrief.toml lists in ``[sources.gitlab]``."""
        return any(p.lower() == project.lower() for p in self.config.projects)

    def _as_listed(self, event: GitLabEvent) -> GitLabEvent:
        # GitLab's paths ignore case; the store keys the change as riskbrief.toml spells it.
        listed = (p for p in self.config.projects if p.lower() == event.project.lower())
        return replace(event, project=next(listed, event.project))

    def _handle(self, event: GitLabEvent) -> Outcome:
        run = SyncRun(self.engine, self.org)
        owners = load_gitlab_codeowners_history(self.client, run, event.project)
        source = MergeRequestsSource(
            self.client, event.project, self.config, owners_of=owners.owners_of
        )
        try:
            record = source.read_one(event.iid)
        except MalformedMergeRequest as exc:
            raise SourceError(f"GitLab sent {event.key} malformed ({exc}).") from None
        store_change(run, _SOURCE, event.project, record)
        if record.state != ChangeState.OPEN or not event.checked or record.head_sha is None:
            return Outcome(record.state, event.key)
        head = record.head_sha
        assessment = assess_stored(self.engine, self.org, self.history, event.key, self.clock())
        verdict = status_of(
            verdict_of(assessment, head_sha=head, change_url=record.url, policy=self.policy)
        )
        now_head = self._head_now(event)
        if now_head != head:
            # Pushed to while it was scored: that push's own event sets the newer verdict.
            log.info("gitlab_head_moved", key=event.key, scored=head, now=now_head)
            return Outcome("stale", event.key, head, verdict.score)
        published = set_status(self.client, event.project, verdict)
        log.info("gitlab_status_set", key=event.key, score=verdict.score, how=published)
        return Outcome("checked", event.key, head, verdict.score, published)

    def _head_now(self, event: GitLabEvent) -> str | None:
        page = self.client.get(f"projects/{project_id(event.project)}/merge_requests/{event.iid}")
        sha = page.data.get("sha") if isinstance(page.data, dict) else None
        return sha if isinstance(sha, str) else None
