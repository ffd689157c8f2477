"""One repository's coverage from Codecov: commit totals, then merged pull requests compared.

Commits of the branch come newest first; the pass stops at the first commit no
newer than the last sync's watermark, each page stored and then its cursor saved
(a crash between them re-reads one page, which stores the same rows again).
Merged pull requests are listed whole, since Codecov does not promise their
order, and only those updated since the last watermark are compared (one
request each); that watermark is saved once the list is read.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import structlog
from sqlmodel import Session, select

from data.handoff import Cursor, Handoff
from data.sources.codecov.client import CodecovClient
from data.sources.times import TimeFormatError, parse_time
from data.store.coverage import save_totals
from data.store.tables import Change
from data.tally import Tally
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
            tally = Tally()
            done = False
            with Session(run.engine) as session:
                for commit in page:
                    at = _time(commit.get("timestamp"))
                    sha = commit.get("commitid")
                    counts = _counts(commit.get("totals"))
                    if at is None or not isinstance(sha, str):
                        tally.skipped += 1
                        continue
                    if since is not None and at <= since:
                        done = True
                        break
                    newest = at if newest is None or at > newest else newest
                    if counts is None:
                        # Still processing, or no upload for it: nothing to store yet.
                        pending = at if pending is None or at < pending else pending
                        continue
                    if save_totals(session, self.repository, sha, *counts, at):
                        tally.add("coverage report")
                    else:
                        tally.updated += 1
                session.commit()
            run.tally += tally
            run.progress.advance(self.name, len(page), "commits")
            mark = newest
            if pending is not None and mark is not None and pending <= mark:
                mark = pending - timedelta(microseconds=1)
            if mark is not None:
                run.save_cursor(self.name, scope, Cursor(None, mark))
            if done:
                return

    def _pulls(self, run: Handoff) -> None:
        scope = f"{self.repository}:pulls"
        since = run.cursor(self.name, scope).watermark
        newest = since
        path = f"{self.client.repo_path(self.repository)}/pulls/"
        params: dict[str, str | int] = {"state": "merged", "page_size": _PAGE}
        for page in self.client.pages(path, params):
            tally = Tally()
            with Session(run.engine) as session:
                for pull in page:
                    number, at = pull.get("pullid"), _time(pull.get("updatestamp"))
                    if not isinstance(number, int) or at is None:
                        tally.skipped += 1
                        continue
                    if since is not None and at <= since:
                        continue
                    newest = at if newest is None or at > newest else newest
                    key = str(self._request_key(number))
                    change = session.exec(select(Change).where(Change.key == key)).first()
                    if change is None:
                        # Not synced from the code host (yet): nothing to attach facts to.
                        tally.skipped += 1
                        continue
                    facts = compare_pull(self.client, self.repository, number)
                    change.patch_coverage = facts.patch_coverage
                    change.patch_coverable = facts.patch_coverable
                    change.line_coverage_delta = facts.line_coverage_delta
                    session.add(change)
                    if facts.head_sha and facts.head:
                        save_totals(session, self.repository, facts.head_sha, *facts.head, at)
                    tally.updated += 1
                session.commit()
            run.tally += tally
            run.progress.advance(self.name, len(page), "pull requests")
        # Saved once the whole list is read: pull requests are not listed in update order.
        if newest is not None:
            run.save_cursor(self.name, scope, Cursor(None, newest))
