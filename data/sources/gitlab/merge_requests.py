"""Merge requests of one GitLab project, read incrementally into ``SourceChange``s.

What one sync does
------------------
``GET /projects/:id/merge_requests?state=all&order_by=updated_at&sort=asc&updated_after=T``
a page of 100 at a time, oldest update first, from the saved watermark minus
``lag_minutes`` (a first sync: from ``since``, or ``first_sync_days`` ago).
GitLab pages this list by offset only, so the sync pages it by key itself:
each next page asks again from the newest ``updated_at`` read, skipping the
ids already read at that instant (``updated_after`` is inclusive), and follows
GitLab's ``rel="next"`` link only while a page ends on the instant it began
with. A merge request updated while the sync runs moves to the end of the list
and is read there, never skipped.

For each page: one GraphQL query for the approvals (``approvedBy``) and the
authors' bot flags of its merge requests; then, a few at a time, each merged
merge request's diffs (files, line counts), commits (agent signatures,
``Co-authored-by``) and, when approved, its notes (the approvals' times, from
GitLab's system notes). If GraphQL cannot answer, the REST approvals API is
asked; if that is refused too (it can be Premium-only), the review is unknown,
not "merged without review".

Each page is checkpointed with its records and the watermark (the newest
``updated_at`` of the page) in one transaction, so an interrupted sync resumes
from the last page written, re-reading at most ``lag_minutes`` of it (upserts,
no duplicates). The cursor keeps the ids and updates of the MRs read inside
that lag, so one listed again unchanged is not asked about again: a sync that
finds nothing new is one request.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, time, timedelta
from typing import Any

import structlog

from data.clock import utcnow
from data.codeowners import OwnersOf
from data.config.sources.gitlab import GitLabSourceConfig
from data.handoff import Cursor, Handoff
from data.source_values import SourceChange
from data.sources.gitlab.client import GitLabClient, GitLabError, project_id
from data.sources.gitlab.mr_records import (
    Approvals,
    ListedMergeRequest,
    MalformedMergeRequest,
    MergeRequestDetails,
    MergeRequestState,
    approval_times,
    change_record,
    diff_file,
    list_item,
)
from data.tally import Tally

__all__ = ["APPROVALS_QUERY", "CURSOR_SOURCE", "STORED_STATES", "MergeRequestsSource"]

log = structlog.get_logger(__name__)

# The sync_state row of this source is (CURSOR_SOURCE, "group/sub/project").
CURSOR_SOURCE = "gitlab-merge-requests"
PER_PAGE = 100

# The states written to the store: merged ones are history; open ones are scored as of
# now (as GitHub's open pull requests are); a closed one replaces what was stored open.
STORED_STATES = frozenset(
    {MergeRequestState.MERGED, MergeRequestState.OPEN, MergeRequestState.CLOSED}
)

# A project or group access token's user: ``project_<id>_bot_<hex>`` / ``group_<id>_bot_<hex>``.
_TOKEN_BOT = re.compile(r"^(?:project|group)_\d+_bot(?:_[0-9a-f]+)?$")

APPROVALS_QUERY = """
query MergeRequestApprovals($project: ID!, $iids: [String!]) {
  project(fullPath: $project) {
    mergeRequests(iids: $iids, first: 100) {
      nodes {
        iid
        approved
        approvedBy { nodes { username bot } }
        author { username bot }
      }
    }
  }
}
""".strip()


class MergeRequestsSource:
    """Merge requests of ``project`` (``group/sub/project``), a ``data.sync.Source``.

    ``owners_of(path, merged_at)`` gives a file's CODEOWNERS owners as of the
    merge (``None`` when unknown); ``data.sources.gitlab.codeowners`` builds it.
    """

    def __init__(
        self,
        client: GitLabClient,
        project: str,
        config: GitLabSourceConfig,
        first_sync_days: int = 90,
        *,
        owners_of: OwnersOf | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.client = client
        self.project = project
        self.config = config
        self.first_sync_days = first_sync_days
        self.owners_of = owners_of
        self._clock = clock
        self._path = f"projects/{project_id(project)}/merge_requests"
        # Open merge requests read by the last sync, kept until the store can hold them.
        self.open_read = 0

    @property
    def name(self) -> str:
        """``gitlab group/sub/project MRs``."""
        return f"gitlab {self.project} MRs"

    def _start(self, saved: Cursor) -> datetime:
        if saved.watermark is not None:
            return saved.watermark - timedelta(minutes=self.config.lag_minutes)
        if self.config.since is not None:
            return datetime.combine(self.config.since, time(), tzinfo=UTC)
        return self._clock() - timedelta(days=self.first_sync_days)

    def _list(self, after: datetime) -> Any:
        return self.client.get(
            self._path,
            {
                "state": "all",
                "order_by": "updated_at",
                "sort": "asc",
                "updated_after": _iso(after),
                "per_page": PER_PAGE,
            },
        )

    def sync(self, run: Handoff) -> None:
        """Read merge requests updated since the watermark, checkpointing each page."""
        saved = run.cursor(CURSOR_SOURCE, self.project)
        anchor = self._start(saved)
        seen: set[int] = set()
        watermark = saved.watermark
        # MRs read within the lag before the watermark, by id: their update, as read.
        recent = _recent(saved.cursor)
        self.open_read = 0
        page = self._list(anchor)
        with ThreadPoolExecutor(max_workers=self.config.concurrency) as pool:
            while True:
                items = page.data if isinstance(page.data, list) else None
                if items is None:
                    raise GitLabError(
                        f"GitLab's answer listing {self.project}'s merge requests is not a "
                        "list; check base_url in [sources.gitlab].",
                    )
                listed: list[ListedMergeRequest] = []
                for item in items:
                    try:
                        mr = list_item(item)
                    except MalformedMergeRequest as exc:
                        self._skip(run, item, str(exc))
                        continue
                    if mr.updated_at == anchor and mr.id in seen:
                        continue
                    listed.append(mr)
                newest = max((mr.updated_at for mr in listed), default=None)
                # One read inside the lag already, unchanged since: nothing to ask again.
                fresh = [mr for mr in listed if recent.get(mr.id) != _iso(mr.updated_at)]
                records = self._records(pool, run, fresh)
                if newest is not None:
                    watermark = newest if watermark is None else max(watermark, newest)
                recent.update((mr.id, _iso(mr.updated_at)) for mr in listed)
                cursor = None
                if watermark is not None:
                    recent = _within(recent, watermark - timedelta(minutes=self.config.lag_minutes))
                    cursor = Cursor(json.dumps({"recent": recent}), watermark)
                run.checkpoint(CURSOR_SOURCE, self.project, cursor=cursor, changes=records)
                run.progress.advance(self.name, len(records), "MRs")
                if not page.next_url:
                    break
                if newest is None or newest == anchor:
                    # The page ended on the instant it began with: page on by offset.
                    seen.update(mr.id for mr in listed)
                    page = self.client.get(page.next_url)
                    continue
                anchor = newest
                seen = {mr.id for mr in listed if mr.updated_at == anchor}
                page = self._list(anchor)
        log.info(
            "gitlab_merge_requests_synced",
            project=self.project,
            requests=self.client.requests,
            open_read=self.open_read,
        )

    def read_one(self, iid: int) -> SourceChange:
        """Merge request ``iid`` read now as a sync reads it: approvals, diffs, commits, notes.

        ``GET /projects/:id/merge_requests/:iid`` gives the item a list would (and its
        head ``sha``); ``MalformedMergeRequest`` when GitLab's answer lacks what a record
        needs. The risk check on merge requests (``bot.gitlab``) reads one this way.
        """
        page = self.client.get(f"{self._path}/{iid}")
        mr = list_item(page.data)
        approvals, bots = self._approvals([mr.iid])
        detail = self._details(mr, approvals.get(mr.iid), bots)
        return change_record(
            mr,
            self.project,
            self.config.base_url,
            detail,
            approvals.get(mr.iid) or Approvals(None),
            owners_of=self.owners_of,
        )

    def _skip(self, run: Handoff, item: Any, reason: str) -> None:
        run.tally += Tally(skipped=1)
        iid = item.get("iid") if isinstance(item, dict) else None
        log.warning("gitlab_mr_skipped", mr=f"{self.project}!{iid}", reason=reason)

    def _records(
        self, pool: ThreadPoolExecutor, run: Handoff, listed: Sequence[ListedMergeRequest]
    ) -> list[SourceChange]:
        wanted = [mr for mr in listed if mr.state in STORED_STATES]
        self.open_read += sum(1 for mr in listed if mr.state is MergeRequestState.OPEN)
        if not wanted:
            return []
        approvals, bots = self._approvals([mr.iid for mr in wanted])
        details = list(pool.map(lambda mr: self._details(mr, approvals.get(mr.iid), bots), wanted))
        records: list[SourceChange] = []
        for mr, detail in zip(wanted, details, strict=True):
            try:
                records.append(
                    change_record(
                        mr,
                        self.project,
                        self.config.base_url,
                        detail,
                        approvals.get(mr.iid) or Approvals(None),
                        owners_of=self.owners_of,
                    )
                )
            except MalformedMergeRequest as exc:
                self._skip(run, mr.item, str(exc))
        return records

    # -- approvals ------------------------------------------------------------------

    def _approvals(self, iids: Sequence[int]) -> tuple[dict[int, Approvals], dict[str, bool]]:
        """Approvals by iid (GraphQL, else REST, else unknown) and the bot flags seen."""
        bots: dict[str, bool] = {}
        try:
            data = self.client.graphql(
                APPROVALS_QUERY, {"project": self.project, "iids": [str(i) for i in iids]}
            )
        except GitLabError as exc:
            # GraphQL's own errors (200: a field this GitLab lacks) or a refusal of the
            # endpoint: ask REST. A bad token, a spent quota or an outage ends the sync.
            if exc.status not in (200, 403, 404) or "read_api" in str(exc):
                raise
            log.info("gitlab_graphql_approvals_unavailable", project=self.project, error=str(exc))
            return self._rest_approvals(iids), bots
        project = data.get("project")
        connection = project.get("mergeRequests") if isinstance(project, dict) else None
        nodes = connection.get("nodes") if isinstance(connection, dict) else None
        if not isinstance(nodes, list):
            return self._rest_approvals(iids), bots
        out: dict[int, Approvals] = {}
        for node in nodes:
            if not isinstance(node, dict) or not str(node.get("iid", "")).isdigit():
                continue
            by = node.get("approvedBy")
            users = by.get("nodes") if isinstance(by, dict) else None
            if not isinstance(users, list):
                continue
            approvers = tuple(
                (str(u["username"]), u.get("bot") is True)
                for u in users
                if isinstance(u, dict) and isinstance(u.get("username"), str)
            )
            out[int(node["iid"])] = Approvals(approvers)
            for who, is_bot in approvers:
                bots[who] = is_bot
            author = node.get("author")
            if isinstance(author, dict) and isinstance(author.get("username"), str):
                bots[author["username"]] = author.get("bot") is True
        return out, bots

    def _rest_approvals(self, iids: Sequence[int]) -> dict[int, Approvals]:
        """``GET /merge_requests/:iid/approvals`` each; refused (Premium-only) means unknown."""
        out: dict[int, Approvals] = {}
        for iid in iids:
            try:
                page = self.client.get(f"{self._path}/{iid}/approvals")
            except GitLabError as exc:
                if exc.status in (403, 404):
                    log.info("gitlab_approvals_unknown", project=self.project, reason=str(exc))
                    return {}
                raise
            by = page.data.get("approved_by") if isinstance(page.data, dict) else None
            if not isinstance(by, list):
                continue
            approvers = []
            for entry in by:
                user = entry.get("user") if isinstance(entry, dict) else None
                if isinstance(user, dict) and isinstance(user.get("username"), str):
                    name = user["username"]
                    approvers.append((name, bool(_TOKEN_BOT.match(name))))
            out[iid] = Approvals(tuple(approvers))
        return out

    # -- details ------------------------------------------------------------------

    def _details(
        self, mr: ListedMergeRequest, approvals: Approvals | None, bots: dict[str, bool]
    ) -> MergeRequestDetails:
        base = f"{self._path}/{mr.iid}"
        files = []
        for page in self.client.pages(f"{base}/diffs", {"per_page": PER_PAGE}):
            for item in page.data if isinstance(page.data, list) else ():
                try:
                    files.append(diff_file(item))
                except MalformedMergeRequest:
                    continue
        commits = []
        for page in self.client.pages(f"{base}/commits", {"per_page": PER_PAGE}):
            for item in page.data if isinstance(page.data, list) else ():
                if isinstance(item, dict):
                    commits.append(
                        (
                            str(item.get("message") or ""),
                            str(item.get("author_name") or ""),
                            str(item.get("author_email") or ""),
                        )
                    )
        approved_at = {}
        if approvals is not None and approvals.by:
            notes: list[Any] = []
            params = {"sort": "asc", "order_by": "created_at", "per_page": PER_PAGE}
            for page in self.client.pages(f"{base}/notes", params):
                notes.extend(page.data if isinstance(page.data, list) else ())
            approved_at = approval_times(notes)
        author = mr.item.get("author")
        login = author.get("username") if isinstance(author, dict) else None
        author_is_bot = bots.get(login, False) if isinstance(login, str) else False
        if isinstance(login, str) and _TOKEN_BOT.match(login):
            author_is_bot = True
        return MergeRequestDetails(tuple(files), tuple(commits), approved_at, author_is_bot)


def _recent(raw: str | None) -> dict[int, str]:
    """The cursor's MRs read within the lag, ``{id: updated_at}``; empty when unreadable."""
    try:
        state = json.loads(raw) if raw else {}
        return {int(k): str(v) for k, v in state.get("recent", {}).items()}
    except (ValueError, TypeError, AttributeError):
        return {}


def _within(recent: dict[int, str], since: datetime) -> dict[int, str]:
    """The entries of ``recent`` updated at or after ``since``: the next sync's lag window."""
    return {k: v for k, v in recent.items() if datetime.fromisoformat(v) >= since}


def _iso(at: datetime) -> str:
    """GitLab's time parameter, to the millisecond GitLab keeps."""
    return at.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
