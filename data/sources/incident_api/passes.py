"""Windowed, checkpointed passes over an incident API's list of incidents created in a range."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol

import structlog

from data.clock import utcnow
from data.handoff import Cursor, Handoff
from data.source_values import SourceIncident
from data.sources.times import parse_time

__all__ = ["IncidentApi", "IncidentPage", "PassState", "Seen", "WindowedSync", "iso"]

log = structlog.get_logger(__name__)

# The APIs allow at most six months between since and until; a month keeps
# each window's offset far below their pagination ceilings.
_WINDOW = timedelta(days=30)
# Incidents that opened within this much before the watermark and are still
# open are re-read by the window pass; older open ones are fetched one by one.
_RECHECK = timedelta(days=30)
# Incidents can appear in the list a little after they were created.
_LAG = timedelta(minutes=10)


@dataclass(frozen=True, slots=True)
class Seen:
    """One well-formed incident as listed; ``record`` is ``None`` when its service is unmapped."""

    id: str
    opened_at: datetime
    is_open: bool
    record: SourceIncident | None


@dataclass(frozen=True, slots=True)
class IncidentPage:
    """One page of an incident list: what was read, what was malformed, whether more follow."""

    seen: tuple[Seen, ...] = ()
    malformed: int = 0
    more: bool = False
    count: int = 0


class IncidentApi(Protocol):
    """What ``WindowedSync`` needs from an incident API."""

    @property
    def max_offset(self) -> int:
        """The largest ``offset + limit`` the API accepts."""
        ...

    def list_window(
        self, since: datetime, until: datetime, offset: int, limit: int
    ) -> IncidentPage:
        """Incidents created in ``[since, until)``, oldest first, from ``offset``."""
        ...

    def fetch_one(self, incident_id: str) -> IncidentPage:
        """One incident by id; an empty page when it no longer exists."""
        ...


def iso(value: datetime) -> str:
    """``value`` in UTC as ISO 8601 with a ``Z``, as the incident APIs write times."""
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


@dataclass(frozen=True, slots=True)
class PassState:
    """The cursor of a windowed source: incidents still open and the pass in progress.

    ``since``/``until``/``offset`` are set while a pass is under way (a crash
    resumes there); ``open`` maps the id of every incident seen open to the
    time it opened.
    """

    open: Mapping[str, datetime] = field(default_factory=dict)
    since: datetime | None = None
    until: datetime | None = None
    offset: int = 0

    def dump(self) -> str:
        """The JSON kept in ``sync_state.cursor``."""
        running = None
        if self.since is not None and self.until is not None:
            running = {"since": iso(self.since), "until": iso(self.until), "offset": self.offset}
        opened = {k: iso(v) for k, v in sorted(self.open.items())}
        return json.dumps({"v": 1, "open": opened, "pass": running}, separators=(",", ":"))

    @classmethod
    def load(cls, text: str | None) -> PassState:
        """The state ``dump`` saved; an unreadable cursor starts afresh (upserts make it safe)."""
        if not text:
            return cls()
        try:
            data = json.loads(text)
            opened = {str(k): parse_time(v, "open") for k, v in data.get("open", {}).items()}
            running = data.get("pass")
            if not running:
                return cls(open=opened)
            return cls(
                open=opened,
                since=parse_time(running["since"], "since"),
                until=parse_time(running["until"], "until"),
                offset=int(running["offset"]),
            )
        except (ValueError, TypeError, KeyError, AttributeError):
            log.warning("cursor_unreadable", reason="starting a fresh pass")
            return cls()


def _apply(open_: dict[str, datetime], seen: tuple[Seen, ...]) -> None:
    for s in seen:
        # An incident of a service no longer mapped is not worth rechecking.
        if s.is_open and s.record is not None:
            open_[s.id] = s.opened_at
        else:
            open_.pop(s.id, None)


@dataclass(frozen=True, slots=True)
class WindowedSync:
    """Runs passes of an ``IncidentApi`` over created-at windows, checkpointing every page."""

    name: str
    first_sync_start: Callable[[datetime], datetime]
    clock: Callable[[], datetime] = utcnow
    page_size: int = 100
    window: timedelta = _WINDOW
    recheck: timedelta = _RECHECK
    lag: timedelta = _LAG

    def run(self, run: Handoff, api: IncidentApi) -> None:
        """One sync: finish a pass a crash interrupted, or start a new one, page by page."""
        saved = run.cursor(self.name)
        state = PassState.load(saved.cursor)
        watermark = saved.watermark
        if state.since is not None and state.until is not None:
            open_, since, until, offset = dict(state.open), state.since, state.until, state.offset
        else:
            open_, since, until = self._start(run, api, state, watermark)
            offset = 0
        if since >= until:
            # Nothing to list (a clock that went backwards): just close the pass.
            run.checkpoint(self.name, cursor=Cursor(PassState(open_).dump(), until))
            return
        while since < until:
            end = min(since + self.window, until)
            page = api.list_window(since, end, offset, self.page_size)
            _apply(open_, page.seen)
            if page.more and page.count and offset + page.count + self.page_size > api.max_offset:
                # Past the API's offset ceiling: restart the window at the last
                # incident read (the list is oldest first); re-reading it is harmless.
                last = page.seen[-1].opened_at if page.seen else since
                since, offset = (last, 0) if last > since else (since, offset + page.count)
            elif page.more and page.count:
                offset += page.count
            else:
                since, offset = end, 0
            running = (since, until, offset) if since < until else None
            if running is None:
                # Every incident created before `until` has now been read.
                watermark = until
            self._checkpoint(run, page, open_, running, watermark)

    def _start(
        self, run: Handoff, api: IncidentApi, state: PassState, watermark: datetime | None
    ) -> tuple[dict[str, datetime], datetime, datetime]:
        """A new pass: where it starts, after fetching incidents open since before that."""
        now = self.clock()
        start = watermark - self.lag if watermark is not None else self.first_sync_start(now)
        start = min(start, now)
        open_ = dict(state.open)
        if open_:
            oldest = min(open_.values())
            start = min(start, max(oldest, now - self.recheck))
        # Incidents open since before the pass starts are read one by one.
        for incident_id, opened in sorted(open_.items(), key=lambda kv: kv[1]):
            if opened >= start:
                continue
            page = api.fetch_one(incident_id)
            if not page.seen:
                open_.pop(incident_id, None)
            _apply(open_, page.seen)
            self._checkpoint(run, page, open_, None, watermark)
        log.info("incident_pass", source=self.name, since=iso(start), until=iso(now))
        return open_, start, now

    def _checkpoint(
        self,
        run: Handoff,
        page: IncidentPage,
        open_: Mapping[str, datetime],
        running: tuple[datetime, datetime, int] | None,
        watermark: datetime | None,
    ) -> None:
        records = [s.record for s in page.seen if s.record is not None]
        unmapped = sum(1 for s in page.seen if s.record is None)
        if unmapped:
            # Services outside the map are expected (other teams' services): not a skip.
            log.debug("incidents_unmapped", source=self.name, count=unmapped)
        if running is None:
            state = PassState(dict(open_))
        else:
            state = PassState(dict(open_), running[0], running[1], running[2])
        run.checkpoint(self.name, cursor=Cursor(state.dump(), watermark), incidents=records)
        run.tally.skipped += page.malformed
        run.progress.advance(self.name, len(page.seen) + page.malformed, "incidents")
