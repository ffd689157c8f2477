"""Merged pull requests of one GitHub repository, read through GraphQL into ``ChangeRecord``s.

What one sync does
------------------
Pages of merged pull requests, most recently updated first, each with its
files and reviews, until a pull request was last updated before the saved
watermark minus ``lag_minutes`` (on a first sync: before ``since``, or
``first_sync_days`` ago). Every page is checkpointed with its records and an
in-progress cursor (the page's ``endCursor``, the newest ``updatedAt`` seen
when the run started, and where it stops), so a crash resumes at the next page
and re-reading a page only updates rows. The last checkpoint saves that newest
``updatedAt`` as the watermark.

What it costs (GitHub's GraphQL points)
---------------------------------------
GitHub prices a query at its requests / 100, rounded, at least 1 (see
``graphql_queries``). A page of N pull requests with ``files(first: 100)``
and ``reviews(first: 100)`` needs 1 + 2N requests: 100 per page would be
201 requests, **2 points**; 74 per page is 149 requests, **1 point**. So pages
are 74 pull requests, 1.35 points per 100. Everything else per pull request
comes from fields that are not connections and so cost nothing:
``totalCommentsCount``, ``statusCheckRollup { state }`` (CI of the head
commit), ``mergeCommit { oid message }`` (the agent trailers of a squash
merge; the body's trailers and "Generated with" line count too),
``author { __typename login }`` (also of reviews: an app's GraphQL login lacks
the ``[bot]`` of REST, so the type tells bots and agents) and the branch names.
The commits of a PR merged with a merge commit are a connection and are not
read: their trailers reach the store only from a clone (``sync --git``).

Labels are a connection, and a third one per pull request would cost N more
requests per page. Instead they are read label-first: ``labels(first: L) {
pullRequests(first: 100) { number updatedAt } }`` gives, for each label, its
most recently updated merged pull requests for 1 + L requests. The first page
of a run is 50 pull requests (101 requests), leaving room under 149 for a
sweep of 47 labels: a small incremental sync costs **1 point** in all. Any
page's spare requests carry more label work; a label with more pull requests
in the window than read so far is continued with ``label(name:) {
pullRequests(after:) }`` at the top (1 request). Before a page is written its
labels are known down to its oldest pull request; when the spare room did not
suffice, a query of label work alone (1 point, up to 149 requests) finishes.

Files or reviews beyond 100 are read only when ``pageInfo.hasNextPage`` says
so, with ``pullRequest(number:) { files(first: 100, after:) }`` at the top (1
request each). They ride in the next page's query, which is one pull request
smaller per two of them: next to nothing. Such a pull request is written
with the next page (its number is in the saved cursor meanwhile, and a run
resuming after a crash reads it again by number). Only what is left after the
last page takes a query of its own: 1 point per up to 149.

``python -m bench.github_economy`` measures a first sync of 1,000 merged pull
requests (files, reviews, 1 in 3 labelled, 2% with more than 100 files):
16 points, **1.6 points per 100 PRs**; an incremental sync of 40 is 1 point.

Failures: a page that fails with a 5xx, a timeout or a cut-short answer is
asked again at half the size (down to 1, then the sync gives up with one
sentence); the size doubles back after each success. A pull request GitHub
answers with missing or malformed fields is logged and skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import structlog

from data.ingest import Tally
from data.source_config import GitHubSourceConfig
from data.sources.github.client import GitHubClient, GitHubUnavailable
from data.sources.github.graphql_queries import (
    Part,
    build_query,
    more_of_pull,
    pull_by_number,
    pull_page,
    query_cost,
    spare_requests,
)
from data.sources.github.pull_cursor import PullCursor
from data.sources.github.pull_labels import LabelReader
from data.sources.github.pull_records import (
    MalformedPull,
    OwnersOf,
    Page,
    PullDraft,
    field_of,
    parse_pull,
    pull_draft,
    pull_time,
)
from data.sources.records import ChangeRecord
from data.sync import Cursor, SyncRun
from data.tables import utcnow
from scoring.errors import SourceError

__all__ = ["CURSOR_SOURCE", "GitHubPullsSource", "OwnersOf", "parse_pull"]

log = structlog.get_logger(__name__)

# The sync_state row of this source is (CURSOR_SOURCE, "owner/repo").
CURSOR_SOURCE = "github-pulls"


# The largest page whose query still costs 1 point: 1 + 2 × 74 = 149 requests.
_MAX_PAGE = 74
# The first page of a run leaves 48 requests for a sweep of 47 labels: 101 + 48 = 149.
_SWEEP_PAGE = 50
_MAX_BATCH = 149
# Follow-ups (next pages of files or reviews) a page query carries, shrinking by one PR per two.
_CARRY = 48


# -- labels, read label-first ------------------------------------------------


class GitHubPullsSource:
    """Merged pull requests of ``repository`` (``owner/name``), a ``data.sync.Source``.

    ``owners_of(path, merged_at)`` gives a file's CODEOWNERS owners as of the
    merge (``None`` when unknown); without it ``FileRecord.owners`` stays
    ``None``. ``points_used`` and ``queries`` add up what GitHub charged.
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
        max_page: int = _MAX_PAGE,
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
        self._owner = owner
        self._repo = name
        self._clock = clock
        self.max_page = max(1, min(100, max_page))
        self.page_size = self.max_page
        self._batch = _MAX_BATCH
        self._dropped = 0
        self.points_used = 0
        self.queries = 0

    @property
    def name(self) -> str:
        """``github owner/repo PRs``."""
        return f"github {self.repository} PRs"

    # -- querying ----------------------------------------------------------

    def _query(self, name: str, parts: Sequence[Part]) -> dict[str, Any]:
        text, variables = build_query(name, parts, self._owner, self._repo)
        data = self.client.graphql(text, variables, partial=True)
        self.queries += 1
        rate = data.get("rateLimit")
        cost = rate.get("cost") if isinstance(rate, dict) else None
        # Without a rateLimit in the answer, count what GitHub would have charged.
        self.points_used += (
            cost if isinstance(cost, int) else query_cost(sum(p.requests for p in parts))
        )
        repository = data.get("repository")
        if not isinstance(repository, dict):
            raise SourceError(
                f"GitHub has no repository {self.repository}, or the token cannot see it; "
                "check the name in riskbrief.toml and the token's access."
            )
        return repository

    def _unavailable(self, what: str) -> SourceError:
        return SourceError(
            f"GitHub kept failing (5xx or timeouts) to send the {what} of {self.repository} "
            "even one at a time; the next sync resumes from the last checkpoint."
        )

    def _follow_ups(self, drafts: Sequence[PullDraft]) -> list[Part]:
        parts: list[Part] = []
        for d in drafts:
            if d.files_after is not None:
                parts.append(more_of_pull(len(parts), d.number, "files", d.files_after))
            if d.reviews_after is not None:
                parts.append(more_of_pull(len(parts), d.number, "reviews", d.reviews_after))
        return parts

    def _take_follow_ups(
        self, parts: Sequence[Part], repository: Mapping[str, Any], waiting: list[PullDraft]
    ) -> None:
        """Add the answers to ``parts`` to their drafts; drop a draft whose answer is broken."""
        by_number = {d.number: d for d in waiting}
        broken: set[int] = set()
        for part in parts:
            number = int(part.variables[f"{part.alias}n"])
            connection = "files" if part.alias.startswith("f") else "reviews"
            try:
                by_number[number].add(
                    connection, field_of(repository.get(part.alias), connection, dict)
                )
            except MalformedPull as exc:
                log.warning("github_pr_skipped", pr=f"{self.repository}#{number}", reason=str(exc))
                broken.add(number)
        if broken:
            self._dropped += len(broken)
            waiting[:] = [d for d in waiting if d.number not in broken]

    def _fetch_page(
        self, after: str | None, labels: LabelReader, stop: datetime, waiting: list[PullDraft]
    ) -> Page:
        """One page of pull requests, its size halved while GitHub cannot answer it.

        The query also carries the next pages of the ``waiting`` drafts' files
        and reviews, and what label work still fits in its point.
        """
        while True:
            cap = self.page_size if labels.swept else min(self.page_size, _SWEEP_PAGE)
            follow = self._follow_ups(waiting)[:_CARRY]
            # Two follow-ups take the room of one pull request (its files and reviews).
            size = max(1, min(cap, (_MAX_BATCH - 1 - len(follow)) // 2))
            page_part = pull_page(size, after)
            used = page_part.requests + len(follow)
            extras = labels.work(spare_requests(used), stop)
            try:
                repository = self._query("PullPage", [page_part, *follow, *extras])
            except GitHubUnavailable as exc:
                if size == 1:
                    raise self._unavailable("merged pull requests") from exc
                self.page_size = max(1, size // 2)
                log.info("github_page_halved", repository=self.repository, size=self.page_size)
                continue
            self.page_size = min(self.max_page, size * 2)
            self._take_follow_ups(follow, repository, waiting)
            labels.absorb(extras, repository)
            try:
                return Page.of(repository.get("pulls"), "pullRequests")
            except MalformedPull as exc:
                raise SourceError(
                    f"GitHub's page of pull requests of {self.repository} is malformed ({exc}); "
                    "the next sync retries."
                ) from None

    def _batches(self, parts: list[Part], name: str) -> dict[str, Any]:
        """The answers to ``parts`` by alias, sent in queries of 1 point (≤ 149 requests).

        A batch GitHub cannot answer is sent again in halves.
        """
        answers: dict[str, Any] = {}
        while parts:
            batch: list[Part] = []
            requests = 0
            for part in parts:
                if batch and (len(batch) >= self._batch or requests + part.requests > _MAX_BATCH):
                    break
                batch.append(part)
                requests += part.requests
            try:
                repository = self._query(name, batch)
            except GitHubUnavailable as exc:
                if len(batch) == 1:
                    raise self._unavailable("files and reviews") from exc
                self._batch = max(1, len(batch) // 2)
                continue
            answers.update({p.alias: repository.get(p.alias) for p in batch})
            parts = parts[len(batch) :]
            self._batch = min(_MAX_BATCH, self._batch * 2)
        return answers

    def _finish(self, waiting: list[PullDraft]) -> None:
        """Read the rest of the waiting drafts' files and reviews in queries of their own."""
        while True:
            parts = self._follow_ups(waiting)
            if not parts:
                return
            self._take_follow_ups(parts, self._batches(parts, "More"), waiting)

    def _refetch(self, numbers: Sequence[int]) -> list[PullDraft]:
        """Pull requests a crashed run had read but not written, read again by number."""
        if not numbers:
            return []
        parts = [pull_by_number(i, n) for i, n in enumerate(numbers)]
        answers = self._batches(parts, "Again")
        drafts: list[PullDraft] = []
        for part in parts:
            try:
                drafts.append(pull_draft(answers.get(part.alias)))
            except MalformedPull as exc:
                number = part.variables[f"{part.alias}n"]
                log.warning("github_pr_skipped", pr=f"{self.repository}#{number}", reason=str(exc))
                self._dropped += 1
        return drafts

    def _labels_down_to(self, labels: LabelReader, oldest: datetime | None) -> None:
        while oldest is not None and not labels.known_down_to(oldest):
            extras = labels.work(spare_requests(0), oldest)
            if not extras:
                return
            labels.absorb(extras, self._query("Labels", extras))

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

    def sync(self, run: SyncRun) -> None:
        """Read merged pull requests updated since the watermark, checkpointing each page.

        Each checkpoint writes the pull requests that are complete; one whose
        files or reviews go on waits (its number saved in the cursor) until the
        next page's query has brought the rest.
        """
        saved = run.cursor(CURSOR_SOURCE, self.repository)
        progress = self._start(saved)
        labels = LabelReader()
        self._dropped = 0
        waiting = self._refetch(progress.pending)
        first_page = progress.after is None and progress.newest is None
        while True:
            page = self._fetch_page(progress.after, labels, progress.stop, waiting)
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
                    waiting.append(pull_draft(node))
                except MalformedPull as exc:
                    self._dropped += 1
                    log.warning(
                        "github_pr_skipped", pr=_pr_name(self.repository, node), reason=str(exc)
                    )
            first_page = False
            done = reached_stop or page.next_after is None
            if done:
                self._finish(waiting)
            ready = [d for d in waiting if d.complete]
            waiting = [d for d in waiting if not d.complete]
            self._labels_down_to(labels, min((d.updated_at for d in ready), default=None))
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
            if self._dropped:
                run.tally += Tally(skipped=self._dropped)
                self._dropped = 0
            run.progress.advance(self.name, len(records), "PRs")
            if done:
                log.info(
                    "github_pulls_synced",
                    repository=self.repository,
                    points=self.points_used,
                    queries=self.queries,
                )
                return

    def _records(self, drafts: list[PullDraft], labels: LabelReader) -> list[ChangeRecord]:
        records: list[ChangeRecord] = []
        for d in drafts:
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
