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

import json
import re
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import structlog

from data.ingest import Tally
from data.source_config import GitHubSourceConfig
from data.sources.github.client import GitHubClient, GitHubUnavailable
from data.sources.github.graphql_queries import (
    Part,
    build_query,
    label_continuation,
    label_sweep,
    more_of_pull,
    pull_by_number,
    pull_page,
    query_cost,
    spare_requests,
)
from data.sources.records import ChangeRecord, FileRecord, ReviewRecord
from data.sources.times import TimeFormatError, parse_time
from data.sync import Cursor, SyncRun
from data.tables import utcnow
from scoring.authorship import agent_in_message
from scoring.errors import SourceError
from scoring.facts import ReviewState

__all__ = ["CURSOR_SOURCE", "GitHubPullsSource", "OwnersOf", "parse_pull"]

log = structlog.get_logger(__name__)

# The sync_state row of this source is (CURSOR_SOURCE, "owner/repo").
CURSOR_SOURCE = "github-pulls"

OwnersOf = Callable[[str, datetime], tuple[str, ...] | None]

# The largest page whose query still costs 1 point: 1 + 2 × 74 = 149 requests.
_MAX_PAGE = 74
# The first page of a run leaves 48 requests for a sweep of 47 labels: 101 + 48 = 149.
_SWEEP_PAGE = 50
_MAX_BATCH = 149
# Follow-ups (next pages of files or reviews) a page query carries, shrinking by one PR per two.
_CARRY = 48
# A label sweep narrower than this is not worth a query's spare room.
_MIN_SWEEP = 10

_CHANGE_TYPES = {
    "ADDED": "added",
    "DELETED": "deleted",
    "RENAMED": "renamed",
    "COPIED": "copied",
    "MODIFIED": "modified",
    # A file whose type changed (a file becoming a symlink) is a modification to us.
    "CHANGED": "modified",
}
_REVIEW_STATES = frozenset(ReviewState)
_REVERT_BRANCH = re.compile(r"^revert-(\d+)-")
_REVERTS_BODY = re.compile(r"^\s*Reverts\s+([\w.-]+/[\w.-]+)#(\d+)\b", re.MULTILINE)
_REVERT_TITLE = re.compile(r'^\s*Revert\s+"', re.IGNORECASE)
_HOTFIX = re.compile(r"hot[-_ ]?fix", re.IGNORECASE)
_TRAILER = re.compile(r"^\s*Co-authored-by:\s*(.+?)\s*$", re.IGNORECASE | re.MULTILINE)
_GHOST = "ghost"  # GitHub's name for a deleted account


class _Malformed(ValueError):
    """A pull request in GitHub's answer lacks a field or has one of the wrong kind."""


# -- parsing -----------------------------------------------------------------


def _field(obj: Any, key: str, kind: type | tuple[type, ...]) -> Any:
    if not isinstance(obj, dict) or key not in obj:
        raise _Malformed(f"no {key}")
    value = obj[key]
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is int):
        raise _Malformed(f"{key} is {type(value).__name__}")
    return value


def _opt_str(obj: Mapping[str, Any], key: str) -> str | None:
    value = obj.get(key)
    return value if isinstance(value, str) else None


def _is_bot(actor: Any) -> bool:
    """True for an app account, whose GraphQL login lacks the ``[bot]`` REST shows."""
    return isinstance(actor, dict) and actor.get("__typename") == "Bot"


def _login(actor: Any) -> str | None:
    if isinstance(actor, dict) and isinstance(actor.get("login"), str):
        return str(actor["login"])
    return None


def _time(value: Any, key: str) -> datetime:
    try:
        return parse_time(value, key)
    except TimeFormatError as exc:
        raise _Malformed(str(exc)) from None


@dataclass(frozen=True, slots=True)
class _Page:
    """One page of a connection: its nodes and the cursor of its next page, if any."""

    nodes: tuple[Any, ...]
    next_after: str | None

    @staticmethod
    def of(conn: Any, key: str) -> _Page:
        if not isinstance(conn, dict):
            raise _Malformed(f"no {key}")
        info = _field(conn, "pageInfo", dict)
        nodes = _field(conn, "nodes", list)
        more = info.get("hasNextPage") is True
        after = info.get("endCursor")
        if more and not isinstance(after, str):
            raise _Malformed(f"{key} has a next page without a cursor")
        return _Page(tuple(nodes), after if more else None)


def _file(node: Any) -> FileRecord:
    kind = _field(node, "changeType", str)
    return FileRecord(
        path=_field(node, "path", str),
        added=_field(node, "additions", int),
        deleted=_field(node, "deletions", int),
        change_type=_CHANGE_TYPES.get(kind.upper(), "modified"),
    )


def _review(node: Any) -> ReviewRecord | None:
    state = _field(node, "state", str).lower()
    submitted = node.get("submittedAt")
    # A pending review has no submission time and is not a review yet.
    if state not in _REVIEW_STATES or submitted is None:
        return None
    author = node.get("author")
    return ReviewRecord(
        reviewer=_login(author) or _GHOST,
        state=state,
        submitted_at=_time(submitted, "submittedAt"),
        reviewer_is_bot=_is_bot(author),
    )


@dataclass(slots=True)
class _Draft:
    """A pull request read so far: its files and reviews may still have pages to come."""

    number: int
    updated_at: datetime
    node: dict[str, Any]
    files: list[FileRecord]
    reviews: list[ReviewRecord]
    files_after: str | None
    reviews_after: str | None

    @property
    def complete(self) -> bool:
        return self.files_after is None and self.reviews_after is None

    def add(self, connection: str, conn: Any) -> None:
        page = _Page.of(conn, connection)
        if connection == "files":
            self.files.extend(_file(n) for n in page.nodes)
            self.files_after = page.next_after
        else:
            self.reviews.extend(r for r in map(_review, page.nodes) if r is not None)
            self.reviews_after = page.next_after


def _draft(node: Any) -> _Draft:
    if not isinstance(node, dict):
        raise _Malformed("the pull request is null")
    number = _field(node, "number", int)
    updated = _time(node.get("updatedAt"), "updatedAt")
    _time(node.get("mergedAt"), "mergedAt")
    _field(node, "title", str)
    draft = _Draft(number, updated, node, [], [], None, None)
    draft.add("files", node.get("files"))
    draft.add("reviews", node.get("reviews"))
    return draft


def _co_authors(*texts: str | None) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for text in texts:
        for match in _TRAILER.finditer(text or ""):
            seen.setdefault(match.group(1), None)
    return tuple(seen)


def parse_pull(
    node: Mapping[str, Any],
    repository: str,
    *,
    files: Sequence[FileRecord],
    reviews: Sequence[ReviewRecord],
    labels: Sequence[str] = (),
    owners_of: OwnersOf | None = None,
) -> ChangeRecord:
    """A ``ChangeRecord`` of one pull request node as ``PullFields`` selects it.

    Raises ``ValueError`` naming the first field that is missing or malformed.
    """
    number = _field(node, "number", int)
    title = _field(node, "title", str)
    merged_at = _time(node.get("mergedAt"), "mergedAt")
    created = node.get("createdAt")
    opened_at = _time(created, "createdAt") if created is not None else None
    head = _opt_str(node, "headRefName")
    body = _opt_str(node, "body")
    author = node.get("author")
    raw_commit = node.get("mergeCommit")
    merge_commit: Mapping[str, Any] = raw_commit if isinstance(raw_commit, dict) else {}
    rollup = node.get("statusCheckRollup")
    ci = rollup.get("state") if isinstance(rollup, dict) else None
    comments = node.get("totalCommentsCount")

    reverts_key: str | None = None
    branch_match = _REVERT_BRANCH.match(head or "")
    body_match = _REVERTS_BODY.search(body or "")
    if branch_match:
        reverts_key = f"{repository}#{branch_match.group(1)}"
    elif body_match:
        reverts_key = f"{body_match.group(1)}#{body_match.group(2)}"
    is_revert = reverts_key is not None or bool(_REVERT_TITLE.match(title))
    is_hotfix = any(_HOTFIX.search(text) for text in (*labels, head or "", title))

    if owners_of is not None:
        files = [
            FileRecord(f.path, f.added, f.deleted, f.change_type, owners_of(f.path, merged_at))
            for f in files
        ]
    return ChangeRecord(
        key=f"{repository}#{number}",
        repository=repository,
        author=_login(author) or _GHOST,
        merged_at=merged_at,
        title=title,
        number=number,
        sha=_opt_str(merge_commit, "oid"),
        body=body,
        url=_opt_str(node, "url"),
        author_is_bot=_is_bot(author),
        merged_by=_login(node.get("mergedBy")),
        opened_at=opened_at,
        base_branch=_opt_str(node, "baseRefName"),
        head_branch=head,
        labels=tuple(labels),
        files=tuple(files),
        reviews=tuple(reviews),
        review_comments=comments if isinstance(comments, int) else None,
        co_authors=_co_authors(_opt_str(merge_commit, "message"), body),
        # A squash message keeps every commit's trailers; Claude Code also signs the PR body.
        made_by_agent=any(
            agent_in_message(text or "") is not None
            for text in (_opt_str(merge_commit, "message"), body)
        ),
        ci_status=ci.lower() if isinstance(ci, str) else None,
        is_revert=is_revert,
        is_hotfix=is_hotfix,
        reverts_key=reverts_key,
    )


# -- labels, read label-first ------------------------------------------------


@dataclass(slots=True)
class _Track:
    """How far one label's merged pull requests (newest updates first) have been read."""

    name: str
    after: str | None = None
    more: bool = True
    oldest: datetime | None = None


@dataclass(slots=True)
class _Labels:
    """Which labels each pull request carries, learnt from the labels' side."""

    tracks: dict[str, _Track] = field(default_factory=dict)
    sweep_after: str | None = None
    swept: bool = False
    of_pull: defaultdict[int, set[str]] = field(default_factory=lambda: defaultdict(set))

    def known_down_to(self, when: datetime) -> bool:
        """Every label of every pull request updated at ``when`` or later is known."""
        return self.swept and not any(self._behind(t, when) for t in self.tracks.values())

    @staticmethod
    def _behind(track: _Track, when: datetime) -> bool:
        return track.more and (track.oldest is None or track.oldest >= when)

    def work(self, budget: int, floor: datetime) -> list[Part]:
        """Label reading within ``budget`` requests, for pull requests updated since ``floor``."""
        parts: list[Part] = []
        if not self.swept and budget >= 1 + _MIN_SWEEP:
            size = min(100, budget - 1)
            parts.append(label_sweep(size, self.sweep_after))
            budget -= 1 + size
        behind = [t for t in self.tracks.values() if self._behind(t, floor)]
        for i, track in enumerate(behind[: max(0, budget)]):
            parts.append(label_continuation(i, track.name, track.after))
        return parts

    def absorb(self, parts: Sequence[Part], repository: Mapping[str, Any]) -> None:
        """Take in what GitHub answered for ``parts``."""
        for part in parts:
            answer = repository.get(part.alias)
            try:
                if part.alias == "sweep":
                    self._sweep(answer)
                elif part.alias.startswith("l"):
                    self._continue(str(part.variables[f"{part.alias}n"]), answer)
            except _Malformed as exc:
                # Labels are a nicety; a broken answer about them must not stop the sync.
                log.warning("github_labels_malformed", part=part.alias, reason=str(exc))
                if part.alias == "sweep":
                    self.swept = True
                else:
                    self.tracks[str(part.variables[f"{part.alias}n"])].more = False

    def _sweep(self, answer: Any) -> None:
        page = _Page.of(answer, "labels")
        for node in page.nodes:
            name = _field(node, "name", str)
            track = self.tracks.setdefault(name, _Track(name))
            self._pulls(track, node.get("pullRequests"))
        self.sweep_after = page.next_after
        self.swept = page.next_after is None

    def _continue(self, name: str, answer: Any) -> None:
        track = self.tracks[name]
        if answer is None:  # the label was deleted since the sweep
            track.more = False
            return
        self._pulls(track, _field(answer, "pullRequests", dict))

    def _pulls(self, track: _Track, conn: Any) -> None:
        page = _Page.of(conn, "pullRequests")
        for node in page.nodes:
            self.of_pull[_field(node, "number", int)].add(track.name)
            track.oldest = _time(node.get("updatedAt"), "updatedAt")
        track.after = page.next_after
        track.more = page.next_after is not None


# -- the cursor --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Progress:
    """A run in progress: where it goes on, where it stops, and its watermark-to-be.

    ``pending`` are pull requests read but not yet written (their files or
    reviews go on); a resumed run reads them again by number.
    """

    after: str | None
    stop: datetime
    newest: datetime | None
    pending: tuple[int, ...] = ()

    def encode(self) -> str:
        return json.dumps(
            {
                "after": self.after,
                "stop": self.stop.isoformat(),
                "newest": self.newest.isoformat() if self.newest else None,
                "pending": list(self.pending),
            }
        )

    @staticmethod
    def decode(text: str | None) -> _Progress | None:
        if not text:
            return None
        try:
            raw = json.loads(text)
            newest = raw.get("newest")
            return _Progress(
                after=raw.get("after"),
                stop=datetime.fromisoformat(raw["stop"]),
                newest=datetime.fromisoformat(newest) if newest else None,
                pending=tuple(int(n) for n in raw.get("pending") or ()),
            )
        except (ValueError, TypeError, KeyError, AttributeError):
            log.warning("github_cursor_unreadable", cursor=text[:80])
            return None


# -- the source --------------------------------------------------------------


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

    def _follow_ups(self, drafts: Sequence[_Draft]) -> list[Part]:
        parts: list[Part] = []
        for d in drafts:
            if d.files_after is not None:
                parts.append(more_of_pull(len(parts), d.number, "files", d.files_after))
            if d.reviews_after is not None:
                parts.append(more_of_pull(len(parts), d.number, "reviews", d.reviews_after))
        return parts

    def _take_follow_ups(
        self, parts: Sequence[Part], repository: Mapping[str, Any], waiting: list[_Draft]
    ) -> None:
        """Add the answers to ``parts`` to their drafts; drop a draft whose answer is broken."""
        by_number = {d.number: d for d in waiting}
        broken: set[int] = set()
        for part in parts:
            number = int(part.variables[f"{part.alias}n"])
            connection = "files" if part.alias.startswith("f") else "reviews"
            try:
                by_number[number].add(
                    connection, _field(repository.get(part.alias), connection, dict)
                )
            except _Malformed as exc:
                log.warning("github_pr_skipped", pr=f"{self.repository}#{number}", reason=str(exc))
                broken.add(number)
        if broken:
            self._dropped += len(broken)
            waiting[:] = [d for d in waiting if d.number not in broken]

    def _fetch_page(
        self, after: str | None, labels: _Labels, stop: datetime, waiting: list[_Draft]
    ) -> _Page:
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
                return _Page.of(repository.get("pulls"), "pullRequests")
            except _Malformed as exc:
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

    def _finish(self, waiting: list[_Draft]) -> None:
        """Read the rest of the waiting drafts' files and reviews in queries of their own."""
        while True:
            parts = self._follow_ups(waiting)
            if not parts:
                return
            self._take_follow_ups(parts, self._batches(parts, "More"), waiting)

    def _refetch(self, numbers: Sequence[int]) -> list[_Draft]:
        """Pull requests a crashed run had read but not written, read again by number."""
        if not numbers:
            return []
        parts = [pull_by_number(i, n) for i, n in enumerate(numbers)]
        answers = self._batches(parts, "Again")
        drafts: list[_Draft] = []
        for part in parts:
            try:
                drafts.append(_draft(answers.get(part.alias)))
            except _Malformed as exc:
                number = part.variables[f"{part.alias}n"]
                log.warning("github_pr_skipped", pr=f"{self.repository}#{number}", reason=str(exc))
                self._dropped += 1
        return drafts

    def _labels_down_to(self, labels: _Labels, oldest: datetime | None) -> None:
        while oldest is not None and not labels.known_down_to(oldest):
            extras = labels.work(spare_requests(0), oldest)
            if not extras:
                return
            labels.absorb(extras, self._query("Labels", extras))

    # -- the sync ----------------------------------------------------------

    def _start(self, saved: Cursor) -> _Progress:
        resumed = _Progress.decode(saved.cursor)
        if resumed is not None:
            log.info("github_sync_resumed", repository=self.repository, stop=str(resumed.stop))
            return resumed
        if saved.watermark is not None:
            stop = saved.watermark - timedelta(minutes=self.config.lag_minutes)
        elif self.config.since is not None:
            stop = _since_date(self.config.since)
        else:
            stop = self._clock() - timedelta(days=self.first_sync_days)
        return _Progress(after=None, stop=stop, newest=None)

    def sync(self, run: SyncRun) -> None:
        """Read merged pull requests updated since the watermark, checkpointing each page.

        Each checkpoint writes the pull requests that are complete; one whose
        files or reviews go on waits (its number saved in the cursor) until the
        next page's query has brought the rest.
        """
        saved = run.cursor(CURSOR_SOURCE, self.repository)
        progress = self._start(saved)
        labels = _Labels()
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
                    waiting.append(_draft(node))
                except _Malformed as exc:
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
            progress = _Progress(
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

    def _records(self, drafts: list[_Draft], labels: _Labels) -> list[ChangeRecord]:
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
            except _Malformed as exc:
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
        return _time(node.get("updatedAt") if isinstance(node, dict) else None, "updatedAt")
    except _Malformed:
        return None


def _pr_name(repository: str, node: Any) -> str:
    number = node.get("number") if isinstance(node, dict) else None
    return f"{repository}#{number}" if isinstance(number, int) else f"{repository}#?"


def _since_date(value: date) -> datetime:
    return datetime.combine(value, time(), tzinfo=UTC)
