"""Pages of one repository's pull requests (every state), read through GitHub's GraphQL API.

``PullReader`` asks for pages of pull requests, carries the follow-ups and
label work that fit in each query's point, reads what is left in queries of
their own, and adds up what GitHub charged. Where a sync stands and what it
writes is ``data.sources.github.pulls``'s.

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

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import structlog

from data.sources.github.client import GitHubClient, GitHubUnavailable
from data.sources.github.graphql_queries import (
    QueryPart,
    build_query,
    more_of_pull,
    pull_by_number,
    pull_page,
    query_cost,
    spare_requests,
)
from data.sources.github.pull_labels import LabelReader
from data.sources.github.pull_records import (
    ConnectionPage,
    MalformedPull,
    PartialPull,
    field_of,
    partial_pull,
)
from scoring.errors import SourceError

__all__ = ["MAX_PAGE", "PullReader"]

log = structlog.get_logger(__name__)

# The largest page whose query still costs 1 point: 1 + 2 × 74 = 149 requests.
MAX_PAGE = 74
# The first page of a run leaves 48 requests for a sweep of 47 labels: 101 + 48 = 149.
_SWEEP_PAGE = 50
_MAX_BATCH = 149
# Follow-ups (next pages of files or reviews) a page query carries, shrinking by one PR per two.
_CARRY = 48


class PullReader:
    """The GraphQL queries of one repository's pull-request sync, sized to cost 1 point each.

    ``points_used`` and ``queries`` add up what GitHub charged; ``dropped``
    counts the pull requests skipped because GitHub sent them malformed.
    """

    def __init__(
        self, client: GitHubClient, repository: str, owner: str, name: str, max_page: int
    ) -> None:
        self.client = client
        self.repository = repository
        self._owner = owner
        self._repo = name
        self.max_page = max(1, min(100, max_page))
        self.page_size = self.max_page
        self._batch = _MAX_BATCH
        self.dropped = 0
        self.points_used = 0
        self.queries = 0

    def take_dropped(self) -> int:
        """The pull requests dropped since the last call, counting again from zero."""
        dropped, self.dropped = self.dropped, 0
        return dropped

    def query(self, name: str, parts: Sequence[QueryPart]) -> dict[str, Any]:
        """One query of ``parts``, answered as its ``repository`` object; its cost is counted."""
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

    def _follow_ups(self, partials: Sequence[PartialPull]) -> list[QueryPart]:
        parts: list[QueryPart] = []
        for d in partials:
            if d.files_after is not None:
                parts.append(more_of_pull(len(parts), d.number, "files", d.files_after))
            if d.reviews_after is not None:
                parts.append(more_of_pull(len(parts), d.number, "reviews", d.reviews_after))
        return parts

    def _take_follow_ups(
        self, parts: Sequence[QueryPart], repository: Mapping[str, Any], waiting: list[PartialPull]
    ) -> None:
        """Add the answers to ``parts`` to their partial pulls; drop one whose answer is broken."""
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
            self.dropped += len(broken)
            waiting[:] = [d for d in waiting if d.number not in broken]

    def page(
        self, after: str | None, labels: LabelReader, stop: datetime, waiting: list[PartialPull]
    ) -> ConnectionPage:
        """One page of pull requests, its size halved while GitHub cannot answer it.

        The query also carries the next pages of the ``waiting`` partials' files
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
                repository = self.query("PullPage", [page_part, *follow, *extras])
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
                return ConnectionPage.of(repository.get("pulls"), "pullRequests")
            except MalformedPull as exc:
                raise SourceError(
                    f"GitHub's page of pull requests of {self.repository} is malformed ({exc}); "
                    "the next sync retries."
                ) from None

    def _batches(self, parts: list[QueryPart], name: str) -> dict[str, Any]:
        """The answers to ``parts`` by alias, sent in queries of 1 point (≤ 149 requests).

        A batch GitHub cannot answer is sent again in halves.
        """
        answers: dict[str, Any] = {}
        while parts:
            batch: list[QueryPart] = []
            requests = 0
            for part in parts:
                if batch and (len(batch) >= self._batch or requests + part.requests > _MAX_BATCH):
                    break
                batch.append(part)
                requests += part.requests
            try:
                repository = self.query(name, batch)
            except GitHubUnavailable as exc:
                if len(batch) == 1:
                    raise self._unavailable("files and reviews") from exc
                self._batch = max(1, len(batch) // 2)
                continue
            answers.update({p.alias: repository.get(p.alias) for p in batch})
            parts = parts[len(batch) :]
            self._batch = min(_MAX_BATCH, self._batch * 2)
        return answers

    def finish(self, waiting: list[PartialPull]) -> None:
        """Read the rest of the waiting partials' files and reviews in queries of their own."""
        while True:
            parts = self._follow_ups(waiting)
            if not parts:
                return
            self._take_follow_ups(parts, self._batches(parts, "More"), waiting)

    def refetch(self, numbers: Sequence[int]) -> list[PartialPull]:
        """Pull requests a crashed run had read but not written, read again by number."""
        if not numbers:
            return []
        parts = [pull_by_number(i, n) for i, n in enumerate(numbers)]
        answers = self._batches(parts, "Again")
        partials: list[PartialPull] = []
        for part in parts:
            try:
                partials.append(partial_pull(answers.get(part.alias)))
            except MalformedPull as exc:
                number = part.variables[f"{part.alias}n"]
                log.warning("github_pr_skipped", pr=f"{self.repository}#{number}", reason=str(exc))
                self.dropped += 1
        return partials

    def labels_down_to(self, labels: LabelReader, oldest: datetime | None) -> None:
        """Read labels until they are known down to ``oldest``, in queries of label work alone."""
        while oldest is not None and not labels.known_down_to(oldest):
            extras = labels.work(spare_requests(0), oldest)
            if not extras:
                return
            labels.absorb(extras, self.query("Labels", extras))
