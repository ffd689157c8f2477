"""What every code host's check does with an event: take its change's turn, skip a stale head.

``HostCheck.handle`` spells the change as riskbrief.toml does, holds the change's turn
(``bot.checks.change.ChangeTurns``), answers an event older than the stored head
without any work, and lets the host's ``_handle`` fetch, store, score and publish. An
outage of the host on the way (5xx, no answer) says the redelivery retries, while a
refusal keeps its own sentence. How a host's change is read and where its verdict is
written stay in its own module (``bot.<host>.check``).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from datetime import datetime
from typing import ClassVar, Generic, Protocol, TypeVar

import structlog
from sqlalchemy.engine import Engine

from bot.checks.change import ChangeTurns, Outcome, stale_head
from bot.checks.verdict import CheckPolicy, policy_of
from data.clock import utcnow
from data.config import OrgConfig
from data.config.sources.checks import CheckSettings
from data.http.rest import RestClient
from data.store.history import HistoryCache
from scoring.errors import SourceError

__all__ = ["HostCheck", "HostEvent", "RestHostCheck"]

log = structlog.get_logger("riskbrief.checks")


class HostEvent(Protocol):
    """An event a check works through: its change, its head, and whether it gets a verdict."""

    @property
    def key(self) -> str:
        """The change's key, whose deliveries take turns."""
        ...

    @property
    def head_sha(self) -> str:
        """The head commit the event names."""
        ...

    @property
    def updated_at(self) -> datetime:
        """When the host last updated the change, as the event says."""
        ...

    @property
    def checked(self) -> bool:
        """True when the head gets a verdict after this event (else the store is updated)."""
        ...


EventT = TypeVar("EventT", bound=HostEvent)


class HostCheck(ABC, Generic[EventT]):
    """Works through one host's change events: ``handle`` takes the turn, ``_handle`` the work.

    ``host`` names the host in log lines (``<host>_event_stale``); ``clock`` is a seam for
    tests, and ``history`` is kept between deliveries: reading a large store's history
    takes seconds, and a change stored or scored here does not change what it reads.
    """

    host: ClassVar[str]

    def __init__(
        self,
        engine: Engine,
        org: OrgConfig,
        policy: CheckPolicy,
        *,
        clock: Callable[[], datetime] = utcnow,
        history: HistoryCache | None = None,
    ) -> None:
        self.engine = engine
        self.org = org
        self.policy = policy
        self.clock = clock
        self.history = history or HistoryCache.of(engine)
        self._turns = ChangeTurns(engine)

    def _as_listed(self, event: EventT) -> EventT:
        """``event`` with its project or repository spelt as riskbrief.toml spells it."""
        return event

    def _outage(self, error: SourceError) -> str | None:
        """The host's name when ``error`` is an outage (5xx, no answer) to retry, else ``None``."""
        return None

    @abstractmethod
    def _handle(self, event: EventT) -> Outcome:
        """Fetch, store, score and publish, within the change's turn."""

    def handle(self, event: EventT) -> Outcome:
        """Fetch, store, score and publish; ``SourceError`` when the host fails on the way.

        Deliveries of one change take turns (finding then writing its verdict is not
        atomic on the host's side), in this process and, on PostgreSQL, across replicas;
        other changes' go on at once.
        """
        event = self._as_listed(event)
        with self._turns.turn(event.key):
            if event.checked and stale_head(
                self.engine, event.key, event.head_sha, event.updated_at
            ):
                log.info(f"{self.host}_event_stale", key=event.key, head=event.head_sha)
                return Outcome("stale", event.key, event.head_sha)
            try:
                return self._handle(event)
            except SourceError as exc:
                # A refusal keeps its own sentence; an outage (5xx, no answer) says retry.
                name = self._outage(exc)
                if name is None:
                    raise
                raise SourceError(
                    f"{name} failed (5xx or a timeout) while checking {event.key}; "
                    "redelivering the event retries."
                ) from exc


SettingsT = TypeVar("SettingsT", bound=CheckSettings)
ClientT = TypeVar("ClientT", bound=RestClient)


class RestHostCheck(HostCheck[EventT], Generic[EventT, SettingsT, ClientT]):
    """A check whose host speaks through a REST client (``data.http.rest``) and whose
    verdict links to the web view's change page when ``web_url`` (``RISKBRIEF_WEB_URL``)
    is set, else to the change on its host."""

    def __init__(
        self,
        engine: Engine,
        org: OrgConfig,
        config: SettingsT,
        client: ClientT,
        *,
        web_url: str | None = None,
        clock: Callable[[], datetime] = utcnow,
        history: HistoryCache | None = None,
    ) -> None:
        details = f"{web_url.rstrip('/')}/change/{{key}}" if web_url else None
        super().__init__(engine, org, policy_of(config, details), clock=clock, history=history)
        self.config = config
        self.client = client

    def _outage(self, error: SourceError) -> str | None:
        if isinstance(error, self.client.error) and (error.status is None or error.status >= 500):
            return self.client.name
        return None
