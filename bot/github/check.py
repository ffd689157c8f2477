"""A pull request event worked through: fetch, store, score as of now, publish the verdict.

The pull request is read again from GitHub's GraphQL API (the same query and
parser as the sync, with its files and reviews, CODEOWNERS as of now) rather
than trusted from the event: what GitHub says now is what gets scored, and an
event delivered late cannot bring back an older head. An event older than what
the store holds (its ``updated_at`` earlier and its head another one) is
answered without any work at all.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import structlog
from sqlalchemy.engine import Engine

from bot.checks.change import BadEvent, Outcome, assess_stored, field_of, store_change
from bot.checks.host import HostCheck
from bot.checks.verdict import policy_of, verdict_of
from bot.github.check_run import check_run_of, publish
from data.clock import utcnow
from data.config import OrgConfig
from data.sources.github.client import GitHubClient, GitHubUnavailable
from data.sources.github.codeowners import load_codeowners_history
from data.sources.github.pull_pages import MAX_PAGE, PullReader
from data.sources.github.pull_records import MalformedPull, parse_pull
from data.sources.times import TimeFormatError, parse_time
from data.store.history import HistoryCache
from data.store.tables import ChangeState
from data.sync import SyncRun
from scoring.change_key import ChangeKey
from scoring.errors import SourceError

__all__ = ["CHECKED_ACTIONS", "USED_ACTIONS", "GitHubCheck", "GitHubEvent", "github_event"]

log = structlog.get_logger("riskbrief.github")

# Actions after which the head commit gets a verdict; "closed" only updates the store.
CHECKED_ACTIONS = frozenset({"opened", "synchronize", "reopened", "ready_for_review"})
USED_ACTIONS = CHECKED_ACTIONS | {"closed"}
_SHA = re.compile(r"[0-9a-f]{40}")
_REPOSITORY = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")
# The source name a webhook's writes are checkpointed under (no cursor: one pull request).
_SOURCE = "github-webhook"


@dataclass(frozen=True, slots=True)
class GitHubEvent:
    """The parts of a ``pull_request`` event the check reads; the rest is fetched."""

    action: str
    repository: str
    number: int
    head_sha: str
    updated_at: datetime
    labels: tuple[str, ...]

    @property
    def key(self) -> str:
        """The pull request's change key, ``owner/repo#N``."""
        return str(ChangeKey.pull(self.repository, self.number))

    @property
    def checked(self) -> bool:
        """True when the head gets a verdict after this event ("closed" only updates the store)."""
        return self.action in CHECKED_ACTIONS


def github_event(payload: Any) -> GitHubEvent:
    """The ``pull_request`` event ``payload`` read, or ``BadEvent`` naming the field at fault."""
    action = field_of(payload, "action")
    repository = field_of(payload, "repository", "full_name")
    number = field_of(payload, "pull_request", "number")
    head = field_of(payload, "pull_request", "head", "sha")
    if not isinstance(action, str):
        raise BadEvent("the event's action is not text")
    if not isinstance(repository, str) or not _REPOSITORY.fullmatch(repository):
        raise BadEvent("the event's repository.full_name is not owner/name")
    if not isinstance(number, int) or isinstance(number, bool) or not 0 < number < 2**31:
        raise BadEvent("the event's pull_request.number is not a pull request number")
    if not isinstance(head, str) or not _SHA.fullmatch(head):
        raise BadEvent("the event's pull_request.head.sha is not a commit sha")
    try:
        updated = parse_time(field_of(payload, "pull_request", "updated_at"), "updated_at")
    except TimeFormatError:
        raise BadEvent("the event's pull_request.updated_at is not a time") from None
    raw_labels = field_of(payload, "pull_request").get("labels") or []
    labels = tuple(
        str(label["name"])
        for label in (raw_labels if isinstance(raw_labels, list) else [])
        if isinstance(label, dict) and isinstance(label.get("name"), str)
    )
    return GitHubEvent(action, repository, number, head, updated, labels)


class GitHubCheck(HostCheck[GitHubEvent]):
    """Works through ``pull_request`` events of the organisation's repositories.

    ``app`` says the client authenticates as a GitHub App (check runs); otherwise
    the verdict is a commit status. ``clock`` is a seam for tests.
    """

    host = "github"

    def __init__(
        self,
        engine: Engine,
        org: OrgConfig,
        client: GitHubClient,
        *,
        app: bool,
        repositories: frozenset[str],
        clock: Callable[[], datetime] = utcnow,
        history: HistoryCache | None = None,
    ) -> None:
        config = org.sources.github
        details = config.check_details_url if config is not None else None
        super().__init__(engine, org, policy_of(config, details), clock=clock, history=history)
        self.client = client
        self.app = app
        self.repositories = repositories
        self.conclusion = config.check_conclusion if config is not None else "action_required"

    def knows(self, repository: str) -> bool:
        """True for a repository riskbrief.toml lists for GitHub."""
        return repository.lower() in self.repositories

    def _handle(self, event: GitHubEvent) -> Outcome:
        owner, _, name = event.repository.partition("/")
        reader = PullReader(self.client, event.repository, owner, name, MAX_PAGE)
        try:
            partials = reader.refetch([event.number])
            reader.finish(partials)
        except SourceError as exc:
            # A refusal (credentials, access) keeps its own sentence; an outage says retry.
            if not isinstance(exc, GitHubUnavailable) and not isinstance(
                exc.__cause__, GitHubUnavailable
            ):
                raise
            raise SourceError(
                f"GitHub failed (5xx or a timeout) while reading {event.key}; "
                "redelivering the event retries."
            ) from exc
        if not partials:
            raise SourceError(
                f"GitHub sent {event.key} malformed or not at all; the redelivery retries."
            )
        run = SyncRun(self.engine, self.org)
        owners = load_codeowners_history(self.client, run, event.repository)
        pull = partials[0]
        try:
            record = parse_pull(
                pull.node,
                event.repository,
                files=pull.files,
                reviews=pull.reviews,
                labels=sorted(event.labels),
                owners_of=owners.owners_of,
            )
        except MalformedPull as exc:
            raise SourceError(f"GitHub sent {event.key} malformed ({exc}).") from None
        store_change(run, _SOURCE, event.repository, record)
        if record.state != ChangeState.OPEN or not event.checked:
            return Outcome(record.state, event.key)
        head = record.head_sha or event.head_sha
        now = self.clock()
        assessment = assess_stored(self.engine, self.org, self.history, event.key, now)
        verdict = verdict_of(assessment, head_sha=head, change_url=record.url, policy=self.policy)
        check_run = check_run_of(
            verdict, title=record.title, head_branch=record.head_branch, conclusion=self.conclusion
        )
        published = publish(self.client, event.repository, check_run, app=self.app, now=now)
        log.info("github_check_published", key=event.key, score=check_run.score, how=published)
        return Outcome("checked", event.key, head, check_run.score, published)
