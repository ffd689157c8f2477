"""One repository's coverage from Codecov: commit totals, then merged pull requests compared.

Commits of the branch come newest first; the pass stops at the first commit no
newer than the last sync's watermark, each page's totals handed to the sync with
its cursor (one checkpoint). Merged pull requests are listed whole, since Codecov
does not promise their order, and only those updated since the last watermark
and stored already (``Handoff.known_changes``) are compared (one request each),
each page's facts handed to the sync; that watermark is saved once the list is read.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import structlog

from data.handoff import Cursor, Handoff
from data.source_values import SourceChangeCoverage, SourceCoverageTotals
from data.sources.codecov.client import CodecovClient
from data.sources.times import TimeFormatError, parse_time
from scoring.change_key import ChangeKey

__all__ = ["CodecovSource", "PullComparison", "compare_pull"]

log = structlog.get_logger("riskbrief.codecov")

_PAGE = 100


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return parse_time(value, "timestamp")
    except TimeFormatError:
        return None


def _counts(totals: Any) -> tuple[int, int] | None:
    """``(coverable, covered)`` lines of a Codecov totals object: lines, and hits."""
    if not isinstance(totals, dict):
        return None
    lines, hits = totals.get("lines"), totals.get("hits")
    if isinstance(lines, int) and isinstance(hits, int) and 0 <= hits <= lines:
        return lines, hits
    return None


class PullComparison:
    """What Codecov's comparison of one pull request says, reduced to riskbrief's facts."""

    def __init__(self, data: dict[str, Any]) -> None:
        totals = data.get("totals") if isinstance(data.get("totals"), dict) else {}
        assert isinstance(totals, dict)
        patch = _counts(totals.get("patch"))
        self.head_sha = (
            data.get("head_commit") if isinstance(data.get("head_commit"), str) else None
        )
        self.head = _counts(totals.get("head"))
        self.patch_coverable = patch[0] if patch else None
        self.patch_coverage = round(100.0 * patch[1] / patch[0], 2) if patch and patch[0] else None
        # The touched files' coverage before and after, from the files Codecov compared.
        before = [0, 0]
        after = [0, 0]
        for f in data.get("files") or ():
            if not isinstance(f, dict) or not isinstance(f.get("totals"), dict):
                continue
            base, head = _counts(f["totals"].get("base")), _counts(f["totals"].get("head"))
            if base and head:
                before[0] += base[0]
                before[1] += base[1]
                after[0] += head[0]
                after[1] += head[1]
        self.line_coverage_delta = (
            round(100.0 * after[1] / after[0] - 100.0 * before[1] / before[0], 2)
            if before[0] and after[0]
            else None
        )


def compare_pull(client: CodecovClient, repository: str, number: int) -> PullComparison:
    """Codecov's comparison of pull request ``number``."""
    data = client.json(f"{client.repo_path(repository)}/compare/", {"pullid": number})
    return PullComparison(data if isinstance(data, dict) else {})


class CodecovSource:
    """Coverage of one repository from Codecov, into ``coverage_report`` and its changes."""

    def __init__(
        self, client: CodecovClient, repository: str, branch: str, closes: bool = True
    ) -> None:
        self.client = client
        self.repository = repository
        self.branch = branch
        # Whether ``close`` closes the client: sources sharing one leave it to the last.
        self._closes = closes

    def close(self) -> None:
        """Close the client's connections, when this source is the one to."""
        if self._closes:
            self.client.close()

    def _request_key(self, number: int) -> ChangeKey:
        # Codecov calls every request a pull; GitLab's are stored as merge requests (``!``).
        if self.client.service.startswith("gitlab"):
            return ChangeKey.merge_request(self.repository, number)
        return ChangeKey.pull(self.repository, number)

    @property
    def name(self) -> str:
        """``codecov <repository>``."""
        return f"codecov {self.repository}"

    def sync(self, run: Handoff) -> None:
        """Commits' totals since the last sync, then merged pull requests updated since it."""
        self._commits(run)
        self._pulls(run)

    def _commits(self, run: Handoff) -> None:
        scope = f"{self.repository}:commits"
        since = run.cursor(self.name, scope).watermark
        newest = since
        # The oldest commit still processing: the watermark never passes it, so the
        # next sync reads it again once its totals exist.
        pending: datetime | None = None
        path = f"{self.client.repo_path(self.repository)}/commits/"
        params: dict[str, str | int] = {"branch": self.branch, "page_size": _PAGE}
        for page in self.client.pages(path, params):
            totals: list[SourceCoverageTotals] = []
            skipped = 0
            done = False
            for commit in page:
                at = _time(commit.get("timestamp"))
                sha = commit.get("commitid")
                counts = _counts(commit.get("totals"))
                if at is None or not isinstance(sha, str):
                    skipped += 1
                    continue
                if since is not None and at <= since:
                    done = True
                    break
                newest = at if newest is None or at > newest else newest
                if counts is None:
                    # Still processing, or no upload for it: nothing to store yet.
                    pending = at if pending is None or at < pending else pending
                    continue
                totals.append(SourceCoverageTotals(self.repository, sha, *counts, at))
            mark = newest
            if pending is not None and mark is not None and pending <= mark:
                mark = pending - timedelta(microseconds=1)
            cursor = Cursor(None, mark) if mark is not None else None
            run.checkpoint(self.name, scope, cursor=cursor, coverage=totals)
            run.tally.skipped += skipped
            run.progress.advance(self.name, len(page), "commits")
            if done:
                return

    def _pulls(self, run: Handoff) -> None:
        scope = f"{self.repository}:pulls"
        since = run.cursor(self.name, scope).watermark
        newest = since
        path = f"{self.client.repo_path(self.repository)}/pulls/"
        params: dict[str, str | int] = {"state": "merged", "page_size": _PAGE}
        for page in self.client.pages(path, params):
            skipped = 0
            updated: list[tuple[int, datetime]] = []
            for pull in page:
                number, at = pull.get("pullid"), _time(pull.get("updatestamp"))
                if not isinstance(number, int) or at is None:
                    skipped += 1
                    continue
                if since is not None and at <= since:
                    continue
                newest = at if newest is None or at > newest else newest
                updated.append((number, at))
            known = run.known_changes(str(self._request_key(n)) for n, _ in updated)
            facts: list[SourceChangeCoverage] = []
            for number, at in updated:
                key = str(self._request_key(number))
                if key not in known:
                    # Not synced from the code host (yet): nothing to attach facts to.
                    skipped += 1
                    continue
                compared = compare_pull(self.client, self.repository, number)
                head = None
                if compared.head_sha and compared.head:
                    head = SourceCoverageTotals(
                        self.repository, compared.head_sha, *compared.head, at
                    )
                facts.append(
                    SourceChangeCoverage(
                        key,
                        compared.patch_coverage,
                        compared.patch_coverable,
                        compared.line_coverage_delta,
                        head,
                    )
                )
            run.checkpoint(self.name, scope, change_coverage=facts)
            run.tally.skipped += skipped
            run.progress.advance(self.name, len(page), "pull requests")
        # Saved once the whole list is read: pull requests are not listed in update order.
        if newest is not None:
            run.save_cursor(self.name, scope, Cursor(None, newest))
