"""Sending a rendered briefing to Microsoft Teams through a Workflows webhook, with httpx.

(``msteams``: "teams" in the code is an organisation's teams; this is Microsoft's product.)

A subscriber (a person's chat or a team's channel) is reached by the URL of a
Teams workflow "When a Teams webhook request is received" that posts the card it
is sent. The URL is the only credential: it is never logged or stored whole
(``redact`` keeps its host), and the delivery row records only that host.

A webhook answers 202 (or 200) once the workflow has the message and cannot be
asked afterwards what it posted, so Teams delivery is at least once, as email's
is: if riskbrief crashes after the webhook took the card and before the delivery
row says ``sent``, or the connection drops after the body went out, the retry
posts it again. Answers that mean the card was not taken (429, and 5xx) are
retried here by the one retry policy of every HTTP client (``data.http.retry``, on
tenacity): after the answer's ``Retry-After`` (seconds or an HTTP date), else a
backoff, with every wait of one send within ``max_wait``; a longer wait fails the
attempt, which the scheduler retries after its back-off.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx

from bot.delivery.channel import Attempt, ChannelKind, SendGate, Sent
from bot.settings import Settings
from briefing.narrative import Narrative
from briefing.payload import BriefingPayload
from briefing.render.msteams import MsTeamsMessage, render_msteams
from data.http.client import http_client
from data.http.retry import Retryable, RetryPolicy, retry_after
from data.store.deliveries import step
from data.store.tables import ChannelName, Subscriber
from scoring.errors import DeliveryError, SendWithheld

__all__ = ["KIND", "MSTeamsSender", "redact", "webhook_problem"]

# Answers that mean the workflow did not take the card: worth trying again.
_RETRIED = frozenset({408, 429, 500, 502, 503, 504})
# A workflow's run id, when Power Automate names it; the delivery's external id.
_RUN_HEADER = "x-ms-workflow-run-id"


def redact(url: str) -> str:
    """``url`` without its path and query (where a webhook's signature is): ``https://host/…``."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or '?'}/…"


@dataclass(frozen=True, slots=True)
class MSTeamsSender:
    """Posts briefings to Teams Workflows webhooks; raises ``DeliveryError`` in one sentence.

    ``retries``: how many more times a 429 (and, apart, a 5xx) is tried; ``backoff``: the
    first wait (doubled each time) when the answer names none; ``max_wait``: the most one
    send waits in all, ``Retry-After`` included. ``sleep`` and ``clock`` are ``time.sleep``
    and ``time.time`` (tests pass their own).
    """

    timeout: float = 30.0
    retries: int = 3
    backoff: float = 1.0
    max_wait: float = 60.0
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.time

    @property
    def name(self) -> ChannelName:
        """Teams."""
        return ChannelName.MSTEAMS

    def address(self, subscriber: Subscriber) -> str | None:
        """The subscriber's Workflows webhook URL."""
        return subscriber.address_on(ChannelName.MSTEAMS)

    def render(self, payload: BriefingPayload, narrative: Narrative) -> MsTeamsMessage:
        """The briefing as an Adaptive Card."""
        return render_msteams(payload, narrative)

    def find_sent(self, attempt: Attempt) -> Sent | None:
        """Never known: a webhook cannot be asked what it posted (see the module's docstring)."""
        return None

    def send_briefing(self, attempt: Attempt, message: MsTeamsMessage, gate: SendGate) -> Sent:
        """POST the card to the subscriber's webhook, retrying answers that mean "not taken"."""
        url = attempt.subscriber.address_on(ChannelName.MSTEAMS)
        assert url is not None
        where = redact(url)
        gate.open(where)
        body = message.to_json()
        policy = RetryPolicy(
            sleep=self.sleep,
            clock=self.clock,
            budget=self.max_wait,
            attempts=self.retries + 1,
            limit_waits=self.retries,
            backoff=self.backoff,
        )
        tries = 0
        with http_client(timeout=self.timeout) as client:

            def once() -> httpx.Response:
                nonlocal tries
                tries += 1
                # The card was not taken; the lead may have gone while waiting.
                if tries > 1 and not gate.holds():
                    raise SendWithheld("this process may no longer send; the card was not posted")
                response = self._post(client, url, body, where)
                status = response.status_code
                if status in _RETRIED:
                    raise Retryable(
                        _not_taken(where, status),
                        limited=status == 429,
                        wait=retry_after(response.headers.get("retry-after"), self.clock()),
                        status=status,
                    )
                return response

            try:
                # The policy's log lines and sentences name the host alone, never the URL.
                response = policy.run(url, once)
            except Retryable as exc:
                # One sentence whether the tries ran out or a wait was past ``max_wait``.
                raise DeliveryError(_not_taken(where, exc.status)) from None
        if response.status_code not in (200, 202):
            raise _refused(response.status_code, where)
        step("send.teams.posted")
        run = response.headers.get(_RUN_HEADER)
        return Sent(run or f"teams-{attempt.claim.id}", where)

    @staticmethod
    def _post(client: httpx.Client, url: str, body: object, where: str) -> httpx.Response:
        try:
            return client.post(url, json=body)
        except httpx.HTTPError as exc:
            # Never str(exc): httpx puts the whole URL, signature and all, in its messages.
            # Not retried here: the body may have gone out, and the retry is the scheduler's.
            raise DeliveryError(
                f"cannot reach Teams at {where} ({type(exc).__name__}); check the network "
                "and the subscriber's teams_webhook_url; it is retried later"
            ) from None


def _not_taken(where: str, status: int | None) -> str:
    """The one sentence for answers that mean the card was not taken, once retries end."""
    return f"Teams did not take the briefing at {where} (HTTP {status}); it is retried later"


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


def _configure(_settings: Settings) -> MSTeamsSender:
    # Nothing to set: each subscriber's webhook URL is their own, in riskbrief.toml.
    return MSTeamsSender()


# Hosts Teams gives Workflows webhook URLs on: Logic Apps' regional endpoints
# (prod-NN.<region>.logic.azure.com) and Power Platform's environment endpoints
# (<env>.environment.api.powerplatform.com), and Power Automate's own.
_WORKFLOW_HOSTS = re.compile(
    r"(?:[a-z0-9-]+\.)+(?:logic\.azure\.com|api\.powerplatform\.com|powerautomate\.com)"
    r"|(?:[a-z0-9-]+\.)*flow\.microsoft\.com",
)
# The Office 365 connectors' incoming webhooks, which Microsoft retired.
_RETIRED_HOSTS = re.compile(r"(?:[a-z0-9-]+\.)*(?:webhook\.office\.com|outlook\.office\.com)")


def webhook_problem(url: str) -> tuple[str, str] | None:
    """What is wrong with ``url`` as a Workflows webhook and its fix, or ``None``."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme != "https":
        return (
            "is not an https:// URL",
            "copy the URL Teams shows for the workflow's webhook trigger, which is https://",
        )
    if _RETIRED_HOSTS.fullmatch(host):
        return (
            "is an Office 365 connector's incoming webhook, which Microsoft retired",
            "in Teams, add the Workflows template 'Send webhook alerts to a chat' (or to a "
            "channel) and use its URL",
        )
    if not _WORKFLOW_HOSTS.fullmatch(host):
        return (
            "is not on a Teams Workflows host (logic.azure.com, api.powerplatform.com or "
            "powerautomate.com)",
            "use the URL of a Teams workflow's 'When a Teams webhook request is received' trigger",
        )
    if "/workflows/" not in parts.path or "sig" not in parse_qs(parts.query):
        return (
            "is not a workflow trigger's URL with its signature (…/workflows/…?…&sig=…)",
            "copy the whole URL again from the workflow's trigger; it was cut short",
        )
    return None


def _check(subscriber: str, url: str, config: Path) -> tuple[str, str] | None:
    """The doctor's look at a webhook URL: its shape and host only, never a request.

    A request would run the workflow, which posts a message to the chat or channel; and
    nothing said here repeats the URL past its host (``redact``).
    """
    problem = webhook_problem(url)
    if problem is None:
        return None
    return (
        f"subscriber {subscriber}'s teams_webhook_url ({redact(url)}) {problem[0]}.",
        f"{problem[1]}, into {config}.",
    )


# This channel's entry of the registry (``bot.delivery.registry`` finds it by the module's name).
KIND = ChannelKind(ChannelName.MSTEAMS, _configure, _check)
