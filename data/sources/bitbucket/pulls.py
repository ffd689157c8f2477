"""Pull requests of one Bitbucket repository, read incrementally and resumably, either edition.

What one sync does
------------------
Each edition lists a repository's pull requests newest update first (Cloud:
``sort=-updated_on`` with a ``q`` on ``updated_on``; Data Center:
``order=NEWEST``), a page at a time, down to the floor: the saved watermark
less ``lag_minutes``, or on a first sync ``since`` or ``first_sync_days`` ago.
For each pull request not read already the edition reads its details (files
and line counts, commits, approvals and their times) a few at a time, and each
page's records go to ``Handoff.checkpoint`` in one transaction.

Why newest first, and how an interrupted sync resumes: neither edition filters
Data Center's list by time, and both list newest first by default, so a pass
reads from the top down. The watermark moves only when a pass reaches the
floor: then everything updated up to the pass's newest is stored. Until then
each checkpoint saves, in the cursor, the span of updates the pass has read
(``done``: from the page's oldest to the pass's newest). A sync that starts
again after an interruption walks the list from the top, reads what is newer
than those spans (updated since), skips the pull requests whose update lies in
a span (already stored, unchanged since; those at a span's oldest instant
are kept by id, as the next page may hold more of that instant), and goes on
below them: nothing is lost and nothing stored is read twice. The pull
requests read within the lag of the watermark are kept by id and update
(``recent``), so a sync that finds nothing new reads one page and no details.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any, Protocol

import structlog

from data.clock import utcnow
from data.codeowners import OwnersOf
from data.handoff import Cursor, Handoff
from data.source_values import SourceChange, SourcePerson
from data.sources.bitbucket.pull import Listed, MalformedPull, Pull
from data.sources.bitbucket.records import change_record
from data.sources.first_sync import first_sync_start
from data.tally import Tally

__all__ = ["EditionPulls", "PullsSource", "Spans"]

log = structlog.get_logger(__name__)

Spans = list[tuple[datetime, datetime]]


class EditionPulls(Protocol):
    """What an edition supplies: its list, newest update first, and a pull request's details."""

    @property
    def cursor_source(self) -> str:
        """The sync_state row's source (``bitbucket-pulls``, ``bitbucket-dc-pulls``)."""
        ...

    def pages(self, floor: datetime) -> Iterator[list[Any]]:
        """The list's pages, newest update first, at least down to ``floor``."""
        ...

    def listed(self, item: Any) -> Listed:
        """A list item's number, state and update; ``MalformedPull`` if it lacks them."""
        ...

    def pull(self, listed: Listed) -> Pull:
        """The pull request with its files, commits and approvals."""
        ...


class PullsSource:
    """Pull requests of ``repository`` (``workspace/repo`` or ``PROJECT/repo``), a ``Source``.

    ``owners_of(path, when)`` gives a file's CODEOWNERS owners as of the merge
    (``None`` when unknown); ``data.sources.bitbucket.codeowners`` builds it.
    """

    def __init__(
        self,
        reader: EditionPulls,
        repository: str,
        *,
        label: str,
        lag_minutes: int,
        since: Any = None,
        concurrency: int = 4,
        owners_of: OwnersOf | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.reader = reader
        self.repository = repository
        self.label = label
        self.lag = timedelta(minutes=lag_minutes)
        self.since = since
        self.concurrency = concurrency
        self.owners_of = owners_of
        self._clock = clock

    @property
    def name(self) -> str:
        """``bitbucket workspace/repo PRs``."""
        return f"{self.label} {self.repository} PRs"

    def sync(self, run: Handoff) -> None:
        """Read pull requests updated since the watermark, newest first, a checkpoint a page."""
        saved = run.cursor(self.reader.cursor_source, self.repository)
        state = _state(saved.cursor)
        recent: dict[str, str] = state["recent"]
        done: Spans = state["done"]
        watermark = saved.watermark
        if watermark is not None:
            floor = watermark - self.lag
        else:
            floor = first_sync_start(run.org, self.since, self._clock())
        top: datetime | None = None
        seen: set[int] = set()
        read_now: dict[str, str] = {}
        with ThreadPoolExecutor(max_workers=self.concurrency) as pool:
            for items in self.reader.pages(floor):
                listed: list[Listed] = []
                below = False
                for item in items:
                    try:
                        pr = self.reader.listed(item)
                    except MalformedPull as exc:
                        self._skip(run, item, str(exc))
                        continue
                    if pr.updated_at < floor:
                        below = True
                        continue
                    if pr.number in seen:
                        continue
                    seen.add(pr.number)
                    listed.append(pr)
                if not listed and not below:
                    continue
                fresh = [
                    pr
                    for pr in listed
                    if recent.get(str(pr.number)) != pr.updated_at.isoformat()
                    and not _inside(done, pr.updated_at)
                ]
                records, people = self._records(pool, run, fresh)
                for pr in listed:
                    read_now[str(pr.number)] = pr.updated_at.isoformat()
                if listed:
                    newest = max(pr.updated_at for pr in listed)
                    oldest = min(pr.updated_at for pr in listed)
                    top = newest if top is None else max(top, newest)
                    done = _merge([*done, (oldest, top)])
                    # A span's oldest instant is open (the next page may hold more of it):
                    # the ones read at it are remembered by id instead.
                    recent.update(
                        (str(pr.number), pr.updated_at.isoformat())
                        for pr in listed
                        if pr.updated_at == oldest
                    )
                cursor = Cursor(json.dumps({"recent": recent, "done": _dump(done)}), watermark)
                run.checkpoint(
                    self.reader.cursor_source,
                    self.repository,
                    cursor=cursor,
                    people=people,
                    changes=records,
                )
                run.progress.advance(self.name, len(records), "PRs")
                if below:
                    break
        # The pass reached the floor: everything up to its newest is stored.
        if top is not None:
            watermark = top if watermark is None else max(watermark, top)
        if watermark is not None:
            keep = watermark - self.lag
            recent = {
                k: v for k, v in {**recent, **read_now}.items() if datetime.fromisoformat(v) >= keep
            }
        run.checkpoint(
            self.reader.cursor_source,
            self.repository,
            cursor=Cursor(json.dumps({"recent": recent, "done": []}), watermark),
        )
        log.info("bitbucket_pulls_synced", repository=self.repository, label=self.label)

    def _skip(self, run: Handoff, item: Any, reason: str) -> None:
        run.tally += Tally(skipped=1)
        number = item.get("id") if isinstance(item, dict) else None
        log.warning("bitbucket_pr_skipped", pr=f"{self.repository}#{number}", reason=reason)

    def _records(
        self, pool: ThreadPoolExecutor, run: Handoff, listed: Sequence[Listed]
    ) -> tuple[list[SourceChange], list[SourcePerson]]:
        """The pull requests' records, and the people they name with their display names."""
        pulls = list(pool.map(self.reader.pull, listed))
        out: list[SourceChange] = []
        people: dict[str, SourcePerson] = {}
        for listed_pr, pull in zip(listed, pulls, strict=True):
            try:
                out.append(change_record(pull, self.repository, owners_of=self.owners_of))
            except MalformedPull as exc:
                self._skip(run, listed_pr.item, str(exc))
                continue
            people.update((p.login, p) for p in pull.people)
        return out, list(people.values())


def _inside(spans: Spans, at: datetime) -> bool:
    """Whether ``at`` lies in a span an interrupted pass read (its oldest end open: a page
    may have stopped among pull requests updated at one instant)."""
    return any(low < at <= high for low, high in spans)


def _merge(spans: Spans) -> Spans:
    out: Spans = []
    for low, high in sorted(spans):
        if out and low <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], high))
        else:
            out.append((low, high))
    return out


def _dump(spans: Spans) -> list[list[str]]:
    return [[low.isoformat(), high.isoformat()] for low, high in spans]


def _state(raw: str | None) -> dict[str, Any]:
    """The cursor's ``recent`` and ``done``; empty when unreadable."""
    try:
        data = json.loads(raw) if raw else {}
        recent = {str(k): str(v) for k, v in data.get("recent", {}).items()}
        done = [
            (datetime.fromisoformat(low), datetime.fromisoformat(high))
            for low, high in data.get("done", [])
        ]
    except (ValueError, TypeError, AttributeError):
        return {"recent": {}, "done": []}
    return {"recent": recent, "done": done}
