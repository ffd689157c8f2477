"""Sending a rendered briefing to Microsoft Teams through a Workflows webhook, with httpx.

A subscriber (a person's chat or a team's channel) is reached by the URL of a
Teams workflow "When a Teams webhook request is received" that posts the card it
is sent. The URL is the only credential: it is never logged or stored whole
(``redact`` keeps its host), and the delivery row records only that host.

A webhook answers 202 (or 200) once the workflow has the message and cannot be
asked afterwards what it posted, so Teams delivery is at least once, as email's
is: if riskbrief crashes after the webhook took the card and before the delivery
row says ``sent``, or the connection drops after the body went out, the retry
posts it again. Answers that mean the card was not taken (429, and 5xx) are
retried here with backoff, honouring ``Retry-After`` up to ``max_wait``; a
longer wait fails the attempt, which the scheduler retries after its back-off.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
import structlog

from bot.delivery.channel import Attempt, ChannelKind, Gate, Sent
from bot.settings import Settings
from briefing.narrative import Narrative
from briefing.payload import BriefingPayload
from briefing.render.teams import TeamsMessage, render_teams
from data.http.client import http_client
from data.store.deliveries import step
from data.store.tables import ChannelName, Subscriber
from scoring.errors import DeliveryError, SendWithheld

__all__ = ["TEAMS", "TeamsSender", "redact"]

log = structlog.get_logger("riskbrief.delivery")

# Answers that mean the workflow did not take the card: worth trying again.
_RETRIED = frozenset({408, 429, 500, 502, 503, 504})
# A workflow's run id, when Power Automate names it; the delivery's external id.
_RUN_HEADER = "x-ms-workflow-run-id"


def redact(url: str) -> str:
    """``url`` without its path and query (where a webhook's signature is): ``https://host/…``."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or '?'}/…"


def _address(subscriber: Subscriber) -> str | None:
    """A subscriber is reached on Teams by their workflow's webhook URL."""
    return subscriber.teams_webhook_url


def _wait_of(response: httpx.Response, backoff: float) -> float:
    """How long to wait before trying again: the answer's Retry-After, else ``backoff``."""
    value = response.headers.get("retry-after")
    if value is None:
        return backoff
    try:
        return max(float(value), 0.0)
    except ValueError:
        # An HTTP date, or noise: the backoff is as good a guess.
        return backoff


@dataclass(frozen=True, slots=True)
class TeamsSender:
    """Posts briefings to Teams Workflows webhooks; raises ``DeliveryError`` in one sentence.

    ``retries``: how many more times a 429/5xx is tried; ``backoff``: the first wait
    (doubled each time) when the answer names none; ``max_wait``: the longest
    ``Retry-After`` waited out here. ``sleep`` is ``time.sleep`` (tests pass their own).
    """

    timeout: float = 30.0
    retries: int = 3
    backoff: float = 1.0
    max_wait: float = 60.0
    sleep: Callable[[float], None] = time.sleep

    @property
    def name(self) -> ChannelName:
        """Teams."""
        return ChannelName.TEAMS

    def address(self, subscriber: Subscriber) -> str | None:
        """The subscriber's Workflows webhook URL."""
        return _address(subscriber)

    def render(self, payload: BriefingPayload, narrative: Narrative) -> TeamsMessage:
        """The briefing as an Adaptive Card."""
        return render_teams(payload, narrative)

    def find_sent(self, attempt: Attempt) -> Sent | None:
        """Never known: a webhook cannot be asked what it posted (see the module's docstring)."""
        return None

    def send_briefing(self, attempt: Attempt, message: TeamsMessage, gate: Gate) -> Sent:
        """POST the card to the subscriber's webhook, retrying answers that mean "not taken"."""
        url = _address(attempt.subscriber)
        assert url is not None
        where = redact(url)
        gate.open(where)
        body = message.to_json()
        wait = self.backoff
        with http_client(timeout=self.timeout) as client:
            for tries_left in range(self.retries, -1, -1):
                response = self._post(client, url, body, where)
                if response.status_code in (200, 202):
                    step("send.teams.posted")
                    run = response.headers.get(_RUN_HEADER)
                    return Sent(run or f"teams-{attempt.claim.id}", where)
                if response.status_code not in _RETRIED:
                    raise _refused(response.status_code, where)
                pause = _wait_of(response, wait)
                if tries_left == 0 or pause > self.max_wait:
                    break
                log.info("teams.retry", host=where, status=response.status_code, wait=pause)
                self.sleep(pause)
                wait *= 2
                # The card was not taken; the lead may have gone while waiting.
                if not gate.holds():
                    raise SendWithheld("this process may no longer send; the card was not posted")
        raise DeliveryError(
            f"Teams did not take the briefing at {where} (HTTP {response.status_code}); "
            "it is retried later"
        )

    @staticmethod
    def _post(client: httpx.Client, url: str, body: object, where: str) -> httpx.Response:
        try:
            return client.post(url, json=body)
        except httpx.HTTPError as exc:
            # Never str(exc): httpx puts the whole URL, signature and all, in its messages.
            raise DeliveryError(
                f"cannot reach Teams at {where} ({type(exc).__name__}); check the network "
                "and the subscriber's teams_webhook_url; it is retried later"
            ) from None


def _refused(status: int, where: str) -> DeliveryError:
    """The one sentence for an answer the user must fix."""
    if status in (401, 403, 404):
        return DeliveryError(
            f"Teams refused the briefing at {where} (HTTP {status}): the workflow is off, "
            "deleted or its URL is wrong; copy its URL again into teams_webhook_url in "
            "riskbrief.toml"
        )
    if status == 413:
        return DeliveryError(
            f"Teams refused the briefing at {where} as too large (HTTP 413); report this, "
            "the card is meant to stay under Teams' limit"
        )
    return DeliveryError(
        f"Teams refused the briefing at {where} (HTTP {status}); check that the workflow "
        "posts the Adaptive Card it is sent"
    )


def _configure(_settings: Settings) -> TeamsSender:
    # Nothing to set: each subscriber's webhook URL is their own, in riskbrief.toml.
    return TeamsSender()


TEAMS = ChannelKind(ChannelName.TEAMS, _address, _configure)
