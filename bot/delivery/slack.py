"""Sending a rendered briefing to Slack with the real slack_sdk ``WebClient``.

Each message carries Slack message metadata naming its delivery. Slack gives no
idempotency key for ``chat.postMessage``, so when a retried delivery's earlier
attempt may have reached Slack (it crashed or timed out after posting), the sender
first looks for that metadata in the channel's recent history and, if found,
reports the earlier message instead of posting a second one.

A 429 (Slack did not act on the call) is retried by the one retry policy of every
HTTP client (``data.http.retry``, on tenacity), after its ``Retry-After`` (seconds or
an HTTP date) with every wait of one call within ``max_rate_limit_wait``; a longer
wait fails the attempt, which the scheduler retries after its back-off instead of
holding the claim. Nothing else is retried inside a call: after a dropped connection
Slack may have posted, so the next attempt looks in the history first.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse

from bot.delivery.channel import Attempt, ChannelKind, SendGate, Sent
from bot.settings import Settings
from briefing.narrative import Narrative
from briefing.payload import BriefingPayload
from briefing.render import SlackMessage, render_slack
from data.http.retry import Retryable, RetryPolicy, retry_after
from data.store.deliveries import step
from data.store.tables import ChannelName, Subscriber
from scoring.errors import DeliveryError

__all__ = ["BRIEFING_EVENT", "KIND", "SlackSender", "SlackSent", "briefing_metadata"]

BRIEFING_EVENT = "riskbrief_briefing"

# Errors that only the person running riskbrief can fix, and what to tell them.
_TOKEN_ERRORS = frozenset(
    {"invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired"}
)
_FIXES = {
    "missing_scope": "the Slack app lacks a scope it needs (chat:write, im:write, im:history or "
    "channels:history); add it from slack/manifest.yml and reinstall the app",
    "channel_not_found": "Slack cannot find the channel; check the subscriber's slack_user_id in "
    "riskbrief.toml, or RISKBRIEF_SLACK_CHANNEL",
    "not_in_channel": "the Slack app is not in the channel; invite it to the channel named by "
    "RISKBRIEF_SLACK_CHANNEL",
    "is_archived": "the Slack channel is archived; set RISKBRIEF_SLACK_CHANNEL to a live channel",
    "user_not_found": "Slack does not know the subscriber's slack_user_id; fix it in "
    "riskbrief.toml",
    "user_disabled": "the subscriber's Slack account is deactivated; remove their "
    "slack_user_id from riskbrief.toml",
    "cannot_dm_bot": "the subscriber's slack_user_id is a bot; use a person's member id",
}
# How far before the claim a retry looks back for an earlier attempt's message: the
# Slack ts comes from Slack's clock, not ours.
_CLOCK_SKEW = timedelta(minutes=10)
_HISTORY_PAGES = 5


@dataclass(frozen=True, slots=True)
class SlackSent:
    """Where a briefing is in Slack; ``earlier`` when an earlier attempt had posted it."""

    channel: str
    ts: str
    earlier: bool = False


def briefing_metadata(delivery_id: int, week: str, subscriber: str) -> dict[str, Any]:
    """The message metadata that marks a briefing message as one delivery's."""
    return {
        "event_type": BRIEFING_EVENT,
        "event_payload": {"delivery_id": delivery_id, "week": week, "subscriber": subscriber},
    }


def _user_error(exc: SlackApiError) -> DeliveryError | None:
    """The one-sentence error for a Slack refusal the user must fix, or ``None``."""
    code = str(exc.response.get("error") or "")
    if code in _TOKEN_ERRORS:
        return DeliveryError(
            f"Slack refused the bot token ({code}); set SLACK_BOT_TOKEN to the app's "
            "bot token (xoxb-…) from its OAuth & Permissions page"
        )
    fix = _FIXES.get(code)
    return DeliveryError(f"Slack said {code}: {fix}") if fix else None


def _transient(exc: SlackApiError) -> DeliveryError:
    code = str(exc.response.get("error") or f"HTTP {exc.response.status_code}")
    return DeliveryError(f"Slack did not take the briefing ({code}); it is retried later")


class SlackSender:
    """Posts briefings through one ``WebClient``; raises ``DeliveryError`` in one sentence.

    The Slack ``Channel``: a retry finds an earlier attempt's post by its metadata.
    """

    def __init__(
        self,
        token: str,
        base_url: str = "https://slack.com/api/",
        *,
        channel: str | None = None,
        timeout: int = 30,
        rate_limit_retries: int = 3,
        max_rate_limit_wait: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        # No retry handler of slack_sdk's: its default retries a dropped connection, which
        # could post twice; only a 429 is retried, by ``_retry`` (see the module's docstring).
        self._client = WebClient(token=token, base_url=base_url, timeout=timeout, retry_handlers=[])
        self._channel = channel
        self._clock = clock
        self._retry = RetryPolicy(
            sleep=sleep,
            clock=clock,
            budget=max_rate_limit_wait,
            limit_waits=rate_limit_retries,
        )

    def _call(self, method: Callable[..., SlackResponse], **params: Any) -> dict[str, Any]:
        refused: list[SlackApiError] = []

        def once() -> SlackResponse:
            try:
                return method(**params)
            except SlackApiError as exc:
                if exc.response.status_code != 429:
                    raise (_user_error(exc) or _transient(exc)) from None
                refused.append(exc)
                # slack_sdk gives a 429's Retry-After under its lower-case name too.
                asked = exc.response.headers.get("retry-after")
                raise Retryable(
                    str(_transient(exc)),
                    limited=True,
                    wait=retry_after(asked, self._clock()),
                    status=429,
                ) from None
            except OSError as exc:
                # URLError, timeouts, refused connections: Slack may or may not have acted.
                reason = getattr(exc, "reason", None) or type(exc).__name__
                raise DeliveryError(
                    f"cannot reach Slack at {self._client.base_url} ({reason}); check the "
                    "network and SLACK_API_URL; it is retried later"
                ) from None

        try:
            response = self._retry.run(self._client.base_url, once)
        except Retryable:
            # The 429s ran out, or one asked for a wait past the budget: the same sentence.
            raise _transient(refused[-1]) from None
        data = response.data
        assert isinstance(data, dict)
        return data

    def destination(self, slack_user_id: str) -> str:
        """The channel a subscriber's briefing goes to: the configured one, or their DM."""
        if self._channel is not None:
            return self._channel
        opened = self._call(self._client.conversations_open, users=slack_user_id)
        return str(opened["channel"]["id"])

    def find_earlier(self, channel: str, delivery_id: int, since: datetime) -> str | None:
        """The ts of a message in ``channel`` posted for ``delivery_id`` since ``since``."""
        oldest = f"{(since - _CLOCK_SKEW).timestamp():.6f}"
        cursor: str | None = None
        for _ in range(_HISTORY_PAGES):
            params: dict[str, Any] = {
                "channel": channel,
                "oldest": oldest,
                "include_all_metadata": True,
                "limit": 200,
            }
            if cursor:
                params["cursor"] = cursor
            page = self._call(self._client.conversations_history, **params)
            for message in page.get("messages") or []:
                meta = message.get("metadata") or {}
                payload = meta.get("event_payload") or {}
                if meta.get("event_type") == BRIEFING_EVENT and str(
                    payload.get("delivery_id")
                ) == str(delivery_id):
                    return str(message["ts"])
            cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
            if not page.get("has_more") or not cursor:
                return None
        return None

    def post(self, channel: str, message: SlackMessage, metadata: dict[str, Any]) -> SlackSent:
        """Post ``message`` (blocks and a text fallback) to ``channel`` with ``metadata``."""
        body = message.to_json()
        posted = self._call(
            self._client.chat_postMessage,
            channel=channel,
            text=body["text"],
            blocks=body["blocks"],
            metadata=metadata,
            unfurl_links=False,
            unfurl_media=False,
        )
        return SlackSent(channel=str(posted["channel"]), ts=str(posted["ts"]))

    # The Channel protocol (bot.delivery.channel).

    @property
    def name(self) -> ChannelName:
        """Slack."""
        return ChannelName.SLACK

    def address(self, subscriber: Subscriber) -> str | None:
        """The subscriber's Slack member id."""
        return subscriber.address_on(ChannelName.SLACK)

    def render(self, payload: BriefingPayload, narrative: Narrative) -> SlackMessage:
        """The briefing as Block Kit."""
        return render_slack(payload, narrative)

    def find_sent(self, attempt: Attempt) -> Sent | None:
        """The earlier attempt's post, found by its metadata where that attempt sent."""
        claimed = attempt.claim
        earlier_in = claimed.previous.destination if claimed.previous else None
        if earlier_in is None:
            return None
        ts = self.find_earlier(earlier_in, claimed.id, claimed.claimed_at)
        return None if ts is None else Sent(ts, earlier_in)

    def send_briefing(self, attempt: Attempt, message: SlackMessage, gate: SendGate) -> Sent:
        """Post to the configured channel or the subscriber's DM, marked with the delivery."""
        user = attempt.subscriber.address_on(ChannelName.SLACK)
        assert user is not None
        channel = self.destination(user)
        gate.open(channel)
        claimed = attempt.claim
        metadata = briefing_metadata(claimed.id, claimed.week, attempt.subscriber.key)
        sent = self.post(channel, message, metadata)
        step("send.slack.posted")
        return Sent(sent.ts, sent.channel)


def _configure(settings: Settings) -> SlackSender | str:
    if settings.slack_bot_token is None:
        return "set SLACK_BOT_TOKEN to the Slack app's bot token (xoxb-…) to send to Slack"
    return SlackSender(
        settings.slack_bot_token.get_secret_value(),
        settings.slack_api_url,
        channel=settings.slack_channel,
    )


# This channel's entry of the registry (``bot.delivery.registry`` finds it by the module's name).
KIND = ChannelKind(ChannelName.SLACK, _configure)
