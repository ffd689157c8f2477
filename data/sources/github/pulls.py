"""Pull requests of one GitHub repository, read through GraphQL into ``SourceChange``s.

Every state is read in the same pages (``states: [OPEN, MERGED, CLOSED]``): a
merged one is history, an open one is stored to be scored as of now, and one
closed unmerged only updates a row that listed it open (``data.ingest``).

What one sync does
------------------
Pages of pull requests, most recently updated first, each with its
files and reviews, until a pull request was last updated before the saved
watermark minus ``lag_minutes`` (on a first sync: before ``since``, or
``first_sync_days`` ago). Every page is checkpointed with its records and an
in-progress cursor (the page's ``endCursor``, the newest ``updatedAt`` seen
when the run started, and where it stops), so a crash resumes at the next page
and re-reading a page only updates rows. The last checkpoint saves that newest
``updatedAt`` as the watermark.

The queries (their cost in GitHub's points, and what happens when GitHub
fails) are ``data.sources.github.pull_pages``'s; a pull request's payload
becomes a record in ``pull_records``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import structlog

from data.clock import utcnow
from data.config.sources import GitHubSourceConfig
from data.handoff import Cursor, Handoff
from data.source_values import SourceChange
from data.sources.github.client import GitHubClient
from data.sources.github.pull_cursor import PullCursor
from data.sources.github.pull_labels import LabelReader
from data.sources.github.pull_pages import MAX_PAGE, PullReader
from data.sources.github.pull_records import (
    MalformedPull,
    OwnersOf,
    PartialPull,
    parse_pull,
    partial_pull,
    pull_time,
)
from data.tally import Tally
from scoring.errors import SourceError

__all__ = ["CURSOR_SOURCE", "GitHubPullsSource", "OwnersOf", "parse_pull"]

log = structlog.get_logger(__name__)

# The sync_state row of this source is (CURSOR_SOURCE, "owner/repo").
CURSOR_SOURCE = "github-pulls"


class GitHubPullsSource:
    """Merged pull requests of ``repository`` (``owner/name``), a ``data.sync.Source``.

    ``owners_of(path, merged_at)`` gives a file's CODEOWNERS owners as of the
    merge (``None`` when unknown); without it ``SourceChangeFile.owners`` stays
    ``None``. ``reader`` sends the queries; ``points_used`` and ``queries``
    add up what GitHub charged.
    """

    def __init__(
        self,
        client: GitHubClient,
        repository: str,
        config: GitHubSourceConfig,
        first_sync_days: int = 90,
        *,
        owners_of: OwnersOf | None = None,
        clock: Callable[[], datetime] = utcnow,
        max_page: int = MAX_PAGE,
    ) -> None:
        owner, _, name = repository.partition("/")
        if not owner or not name or "/" in name:
            raise SourceError(
                f"{repository!r} is not a GitHub repository name; write it as owner/name "
                "in riskbrief.toml."
            )
        self.client = client
        self.repository = repository
        self.config = config
        self.first_sync_days = first_sync_days
        self.owners_of = owners_of
        self._clock = clock
        self.reader = PullReader(client, repository, owner, name, max_page)
        self._dropped = 0

    @property
    def points_used(self) -> int:
        """GitHub's points this source's queries cost."""
        return self.reader.points_used

    @property
    def queries(self) -> int:
        """The GraphQL queries this source sent."""
        return self.reader.queries

    @property
    def name(self) -> str:
        """``github owner/repo PRs``."""
        return f"github {self.repository} PRs"

    # -- the sync ----------------------------------------------------------

    def _start(self, saved: Cursor) -> PullCursor:
        resumed = PullCursor.decode(saved.cursor)
        if resumed is not None:
            log.info("github_sync_resumed", repository=self.repository, stop=str(resumed.stop))
            return resumed
        if saved.watermark is not None:
            stop = saved.watermark - timedelta(minutes=self.config.lag_minutes)
        elif self.config.since is not None:
            stop = _since_date(self.config.since)
        else:
            stop = self._clock() - timedelta(days=self.first_sync_days)
        return PullCursor(after=None, stop=stop, newest=None)

    def sync(self, run: Handoff) -> None:
        """Read merged pull requests updated since the watermark, checkpointing each page.

        Each checkpoint writes the pull requests that are complete; one whose
        files or reviews go on waits (its number saved in the cursor) until the
        next page's query has brought the rest.
        """
        saved = run.cursor(CURSOR_SOURCE, self.repository)
        progress = self._start(saved)
        labels = LabelReader()
        self._dropped = 0
        self.reader.take_dropped()
        waiting = self.reader.refetch(progress.pending)
        first_page = progress.after is None and progress.newest is None
        while True:
            page = self.reader.page(progress.after, labels, progress.stop, waiting)
            newest = progress.newest
            reached_stop = False
            for node in page.nodes:
                updated = _updated_at(node)
                if updated is not None and first_page and (newest is None or updated > newest):
                    newest = updated
                if updated is not None and updated < progress.stop:
                    reached_stop = True
                    continue
                try:
                    waiting.append(partial_pull(node))
                except MalformedPull as exc:
                    self._dropped += 1
                    log.warning(
                        "github_pr_skipped", pr=_pr_name(self.repository, node), reason=str(exc)
                    )
            first_page = False
            done = reached_stop or page.next_after is None
            if done:
                self.reader.finish(waiting)
            ready = [d for d in waiting if d.complete]
            waiting = [d for d in waiting if not d.complete]
            self.reader.labels_down_to(labels, min((d.updated_at for d in ready), default=None))
            records = self._records(ready, labels)
            progress = PullCursor(
                page.next_after, progress.stop, newest, tuple(d.number for d in waiting)
            )
            cursor = (
                Cursor(None, _later(newest, saved.watermark))
                if done
                else Cursor(progress.encode(), saved.watermark)
            )
            run.checkpoint(CURSOR_SOURCE, self.repository, cursor=cursor, changes=records)
            self._dropped += self.reader.take_dropped()
            if self._dropped:
                run.tally += Tally(skipped=self._dropped)
                self._dropped = 0
            run.progress.advance(self.name, len(records), "PRs")
            if done:
                log.info(
                    "github_pulls_synced",
                    repository=self.repository,
                    points=self.reader.points_used,
                    queries=self.reader.queries,
                )
                return

    def _records(self, partials: list[PartialPull], labels: LabelReader) -> list[SourceChange]:
        records: list[SourceChange] = []
        for d in partials:
            try:
                records.append(
                    parse_pull(
                        d.node,
                        self.repository,
                        files=d.files,
                        reviews=d.reviews,
                        labels=sorted(labels.of_pull.get(d.number, ())),
                        owners_of=self.owners_of,
                    )
                )
            except MalformedPull as exc:
                self._dropped += 1
                log.warning(
                    "github_pr_skipped", pr=f"{self.repository}#{d.number}", reason=str(exc)
                )
        return records


def _later(a: datetime | None, b: datetime | None) -> datetime | None:
    # The watermark never moves back, even if the newest PR GitHub shows is older than it.
    return max(a, b) if a is not None and b is not None else a or b


def _updated_at(node: Any) -> datetime | None:
    try:
        return pull_time(node.get("updatedAt") if isinstance(node, dict) else None, "updatedAt")
    except MalformedPull:
        return None


def _pr_name(repository: str, node: Any) -> str:
    number = node.get("number") if isinstance(node, dict) else None
    return f"{repository}#{number}" if isinstance(number, int) else f"{repository}#?"


def _since_date(value: date) -> datetime:
    return datetime.combine(value, time(), tzinfo=UTC)
