"""What the incident APIs share: a JSON client with retries, and windowed, checkpointed paging.

PagerDuty (``data.sources.pagerduty``) and Opsgenie (``data.sources.opsgenie``)
both list incidents *created* in a time range, page with ``offset``/``limit``,
and fail the same ways (401/403, 404, 429, 5xx, bad JSON). ``WindowedSync``
runs one *pass* over ``[start, now)`` in windows of 30 days:

- ``start`` is the end of the last completed pass (the watermark) less a few
  minutes of lag, or ``since``/``first_sync_days`` on a first sync;
- incidents still open at the last sync are re-read so that a later resolution
  is picked up: the pass starts at the oldest of them when it opened within
  30 days, and older ones are fetched one by one, which costs one request per
  long-open incident instead of re-reading months of history every half hour.

Every page is checkpointed with the cursor (the pass's window and offset and
the ids of incidents still open), so a crash loses at most the page in flight
and the next sync resumes at the same offset; the upserts make re-reading a
page harmless.
"""

from __future__ import annotations

import email.utils
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, ClassVar, Protocol

import httpx
import structlog
import tenacity

from data.sources.records import IncidentRecord
from data.sources.times import parse_time
from data.sync import Cursor, SyncRun
from data.tables import utcnow
from scoring.errors import ConfigError, SourceError

__all__ = [
    "ApiNames",
    "IncidentApi",
    "IncidentPage",
    "JsonApi",
    "PassState",
    "Seen",
    "WindowedIncidentSource",
    "WindowedSync",
    "day_start",
    "iso",
    "parse_items",
]

log = structlog.get_logger(__name__)

# The APIs allow at most six months between since and until; a month keeps
# each window's offset far below their pagination ceilings.
_WINDOW = timedelta(days=30)
# Incidents that opened within this much before the watermark and are still
# open are re-read by the window pass; older open ones are fetched one by one.
_RECHECK = timedelta(days=30)
# Incidents can appear in the list a little after they were created.
_LAG = timedelta(minutes=10)


# -- shared HTTP --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ApiNames:
    """How error sentences name an API and the settings that fix it."""

    product: str
    key_var: str
    url_var: str
    key_hint: str
    region_hint: str = ""


class _Transient(Exception):
    """A failure worth retrying: 429, 5xx, a timeout or a dropped connection."""

    def __init__(self, sentence: str, retry_after: float | None = None) -> None:
        super().__init__(sentence)
        self.sentence = sentence
        self.retry_after = retry_after


def _retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: a number, or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - now)


def _error_message(response: httpx.Response) -> str | None:
    """The API's own explanation in an error body (PagerDuty nests it, Opsgenie does not)."""
    try:
        body = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None
    if not isinstance(body, dict):
        return None
    nested = body.get("error")
    inner: dict[str, Any] = nested if isinstance(nested, dict) else body
    message = inner.get("message")
    errors = inner.get("errors")
    if isinstance(errors, list) and errors:
        message = f"{message}: {'; '.join(str(e) for e in errors)}" if message else str(errors[0])
    return str(message) if message else None


class JsonApi:
    """GETs of one JSON API over ``httpx``, with retries and one-sentence refusals.

    429 answers wait ``Retry-After`` (capped at ``max_wait``) or back off
    exponentially; 5xx answers, timeouts and dropped connections back off and
    retry; after ``attempts`` tries the last failure becomes a ``SourceError``.
    ``sleep`` is a seam for tests; ``waits`` records every wait taken.
    """

    def __init__(
        self,
        names: ApiNames,
        base_url: str,
        headers: Mapping[str, str],
        *,
        http: httpx.Client | None = None,
        timeout: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
        attempts: int = 5,
        max_wait: float = 300.0,
    ) -> None:
        self.names = names
        self.base_url = base_url.rstrip("/")
        self._headers = dict(headers)
        self._http = http or httpx.Client(timeout=timeout)
        self._sleep = sleep
        self._attempts = attempts
        self._max_wait = max_wait
        self._backoff = tenacity.wait_exponential(multiplier=1, min=1, max=60)
        self.waits: list[float] = []

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def _wait(self, state: tenacity.RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome is not None else None
        if isinstance(exc, _Transient) and exc.retry_after is not None:
            return min(exc.retry_after, self._max_wait)
        return float(self._backoff(state))

    def _before_sleep(self, state: tenacity.RetryCallState) -> None:
        # Called only for waits actually taken (tenacity computes one after the last try too).
        exc = state.outcome.exception() if state.outcome is not None else None
        seconds = state.upcoming_sleep
        log.info(
            "incident_api_retry",
            api=self.names.product,
            wait_seconds=round(seconds, 1),
            reason=str(exc) if exc else None,
        )
        self.waits.append(seconds)

    def _send(self, url: str, params: Any, path: str) -> httpx.Response:
        product = self.names.product
        try:
            response = self._http.get(url, params=params, headers=self._headers)
        except httpx.TimeoutException:
            raise _Transient(
                f"{product} did not answer {path} in time; "
                "the next sync resumes from the last checkpoint."
            ) from None
        except httpx.TransportError as exc:
            raise _Transient(
                f"{product} at {self.base_url} cannot be reached ({type(exc).__name__}); "
                f"check {self.names.url_var} and the network."
            ) from None
        status = response.status_code
        if status == 429:
            raise _Transient(
                f"{product} kept answering that the rate limit is exceeded; "
                "the next sync resumes from the last checkpoint.",
                _retry_after(response.headers.get("retry-after"), time.time()),
            )
        if status >= 500:
            raise _Transient(
                f"{product} kept answering {status} for {path}; "
                "the next sync resumes from the last checkpoint."
            )
        return response

    def _refusal(self, response: httpx.Response, path: str) -> SourceError:
        n = self.names
        status = response.status_code
        if status in (401, 403):
            verb = "refused the key" if status == 401 else "denied access"
            return SourceError(
                f"{n.product} {verb} ({status}); check {n.key_var}: it must be {n.key_hint}"
                f"{n.region_hint}."
            )
        if status == 404:
            return SourceError(
                f"{n.product} has no {path} at {self.base_url} (404); check {n.url_var}"
                f"{n.region_hint}."
            )
        detail = _error_message(response)
        said = f": {detail}" if detail else ""
        return SourceError(f"{n.product} answered {status} for {path}{said}; see the log.")

    def get(
        self, path: str, params: Any = None, *, missing_ok: bool = False
    ) -> dict[str, Any] | None:
        """The JSON object answered to ``GET path``; ``None`` on 404 when ``missing_ok``."""
        url = f"{self.base_url}/{path.lstrip('/')}"
        retrying = tenacity.Retrying(
            retry=tenacity.retry_if_exception_type(_Transient),
            stop=tenacity.stop_after_attempt(self._attempts),
            wait=self._wait,
            before_sleep=self._before_sleep,
            sleep=self._sleep,
            reraise=True,
        )
        try:
            for attempt in retrying:
                with attempt:
                    response = self._send(url, params, path)
        except _Transient as exc:
            raise SourceError(exc.sentence) from None
        if response.status_code == 404 and missing_ok:
            return None
        if response.status_code >= 400:
            raise self._refusal(response, path)
        try:
            body = response.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            body = None
        if not isinstance(body, dict):
            raise SourceError(
                f"{self.names.product}'s answer to {path} is not a JSON object; "
                "the next sync retries."
            )
        return body


# -- shared paging ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Seen:
    """One well-formed incident as listed; ``record`` is ``None`` when its service is unmapped."""

    id: str
    opened_at: datetime
    is_open: bool
    record: IncidentRecord | None


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

    def run(self, run: SyncRun, api: IncidentApi) -> None:
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
            run.save_cursor(self.name, "", Cursor(PassState(open_).dump(), until))
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
        self, run: SyncRun, api: IncidentApi, state: PassState, watermark: datetime | None
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
        run: SyncRun,
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


def day_start(day: date) -> datetime:
    """Midnight UTC at the start of ``day``."""
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def parse_items(
    items: Any, parse: Callable[[Any], Seen], api: str, path: str
) -> tuple[tuple[Seen, ...], int]:
    """Parse a page's items; a malformed one is logged and counted, never fatal."""
    if not isinstance(items, list):
        raise SourceError(f"{api}'s answer to {path} has no list of incidents; see the log.")
    seen: list[Seen] = []
    malformed = 0
    for raw in items:
        try:
            seen.append(parse(raw))
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            malformed += 1
            ident = raw.get("id") if isinstance(raw, dict) else None
            log.warning("incident_skipped", api=api, id=ident, reason=str(exc))
    return tuple(seen), malformed


class WindowedIncidentSource:
    """An incident API read by ``WindowedSync``: what PagerDuty and Opsgenie sources share.

    A subclass names its API (``name``, ``max_offset``, the two sentences for a
    missing key and an empty service map) and answers ``list_window`` and
    ``fetch_one``; this class holds the key, the client, the service map and
    the first-sync start.
    """

    missing_key: ClassVar[str]
    missing_services: ClassVar[str]

    def __init__(
        self,
        key: str | None,
        api: JsonApi,
        services: Mapping[str, str],
        since: date | None,
        *,
        clock: Callable[[], datetime],
        page_size: int,
    ) -> None:
        self._key = key or ""
        self.api = api
        self._services = services
        self._since = since
        self._clock = clock
        self._page_size = page_size

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.api.base_url!r}, key=***)"

    @property
    def name(self) -> str:
        """The source's name on its summary line."""
        raise NotImplementedError

    @property
    def max_offset(self) -> int:
        """How deep the API pages before ``WindowedSync`` restarts the window."""
        raise NotImplementedError

    def list_window(
        self, since: datetime, until: datetime, offset: int, limit: int
    ) -> IncidentPage:
        """One page of the incidents created in ``[since, until)``."""
        raise NotImplementedError

    def fetch_one(self, incident_id: str) -> IncidentPage:
        """One incident by id (open since before this pass's window)."""
        raise NotImplementedError

    def close(self) -> None:
        """Close the HTTP connection pool (the composition root calls this after the sync)."""
        self.api.close()

    def sync(self, run: SyncRun) -> None:
        """Read incidents created since the last pass, and re-read those still open."""
        if not self._key:
            raise ConfigError(self.missing_key)
        if not self._services:
            raise ConfigError(self.missing_services)
        days = run.org.sources.first_sync_days
        since = self._since

        def first_start(now: datetime) -> datetime:
            return day_start(since) if since else now - timedelta(days=days)

        WindowedSync(self.name, first_start, self._clock, self._page_size).run(run, self)
