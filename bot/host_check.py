"""What GitLab's and Bitbucket's checks share: their settings, their turns, an outage told apart.

Both are read from a table of riskbrief.toml (``check_enforce``, ``check_threshold``)
and a REST client (``data.http.rest``), link their verdict to the web view's change
page, and work a delivery through in its change's turn; a refusal on the way keeps
its own sentence, while an outage (5xx, no answer) says the redelivery retries. How a
host's change is read and where its verdict is written stay in its own module
(``bot.gitlab.mr_check``, ``bot.bitbucket.pr_check``).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from datetime import datetime
from typing import Generic, Protocol, TypeVar

from sqlalchemy.engine import Engine

from bot.change_check import ChangeTurns, Outcome
from bot.github.check_run import CheckPolicy
from data.clock import utcnow
from data.config import OrgConfig
from data.http.rest import RestClient
from data.store.history import HistoryCache
from scoring.errors import SourceError

__all__ = ["CheckSettings", "HostCheck", "HostEvent", "policy_of"]


class HostEvent(Protocol):
    """An event a check works through: it names its change."""

    @property
    def key(self) -> str:
        """The change's key, whose deliveries take turns."""
        ...


class CheckSettings(Protocol):
    """A host's table of riskbrief.toml, as far as the check's verdict reads it."""

    @property
    def check_enforce(self) -> bool:
        """True when a score at or above the threshold fails the verdict."""
        ...

    @property
    def check_threshold(self) -> int:
        """The score from which an enforced verdict fails."""
        ...


EventT = TypeVar("EventT", bound=HostEvent)
SettingsT = TypeVar("SettingsT", bound=CheckSettings)
ClientT = TypeVar("ClientT", bound=RestClient)


def policy_of(settings: CheckSettings, web_url: str | None) -> CheckPolicy:
    """The enforcement of a host table's ``check_*`` settings, as GitHub's check reads its
    own, linking to the web view's change page when ``web_url`` is set."""
    details = f"{web_url.rstrip('/')}/change/{{key}}" if web_url else None
    return CheckPolicy(settings.check_enforce, settings.check_threshold, "failure", details)


class HostCheck(ABC, Generic[EventT, SettingsT, ClientT]):
    """Works through one host's change events: ``handle`` takes the turn, ``_handle`` the work.

    ``web_url`` is the web view's address (``RISKBRIEF_WEB_URL``) the verdict links to;
    ``clock`` is a seam for tests.
    """

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
        self.engine = engine
        self.org = org
        self.config = config
        self.client = client
        self.policy = policy_of(config, web_url)
        self.clock = clock
        # Kept between deliveries, as GitHub's check keeps it: the history takes seconds.
        self.history = history or HistoryCache()
        self._turns = ChangeTurns(engine)

    @abstractmethod
    def _as_listed(self, event: EventT) -> EventT:
        """``event`` with its project or repository spelt as riskbrief.toml spells it."""

    @abstractmethod
    def _handle(self, event: EventT) -> Outcome:
        """Fetch, store, score and publish, within the change's turn."""

    def handle(self, event: EventT) -> Outcome:
        """Fetch, store, score and publish; ``SourceError`` when the host fails on the way.

        Deliveries of one change take turns, in this process and, on PostgreSQL, across
        replicas; other changes' go on at once.
        """
        event = self._as_listed(event)
        with self._turns.turn(event.key):
            try:
                return self._handle(event)
            except self.client.error as exc:
                # A refusal keeps its own sentence; an outage (5xx, no answer) says retry.
                if exc.status is not None and exc.status < 500:
                    raise
                raise SourceError(
                    f"{self.client.name} failed (5xx or a timeout) while checking "
                    f"{event.key}; redelivering the event retries."
                ) from exc
