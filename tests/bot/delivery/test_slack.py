"""The Slack sender's 429 retries through the real slack_sdk against the fake Slack Web API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from bot.delivery import SlackSender, briefing_metadata
from briefing.render import SlackMessage
from fakes.slack_server import FakeSlack
from scoring.errors import DeliveryError

NOW = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
TOKEN = "xoxb-test-token-0123456789"
MESSAGE = SlackMessage(text="3 critical · 0 warning · 1 info", blocks=())
METADATA = briefing_metadata(1, "2026-W47", "vp-engineering")


def _sender(
    slack: FakeSlack, waited: list[float], *, retries: int = 3, cap: float = 60.0
) -> SlackSender:
    """A sender on the fake whose waits are recorded, its clock pinned at ``NOW``."""
    now = NOW.timestamp()
    return SlackSender(
        TOKEN,
        slack.base_url,
        rate_limit_retries=retries,
        max_rate_limit_wait=cap,
        sleep=waited.append,
        clock=lambda: now,
    )


def test_a_retry_after_given_as_an_http_date_is_waited_until_that_time(slack: FakeSlack) -> None:
    """A 429 whose Retry-After is an HTTP date (RFC 9110) waits until then; one post lands."""
    waited: list[float] = []
    when = format_datetime(NOW + timedelta(seconds=9), usegmt=True)
    slack.fail_next("chat.postMessage", status=429, retry_after=when)
    sent = _sender(slack, waited).post("C0RISKS01", MESSAGE, METADATA)
    assert waited == [9.0]
    assert len(slack.calls_of("chat.postMessage")) == 2
    assert [m["ts"] for m in slack.messages("C0RISKS01")] == [sent.ts]


def test_the_waits_of_one_call_stop_at_the_cap_on_the_wire(slack: FakeSlack) -> None:
    """A 429 whose wait would take the call past max_rate_limit_wait fails it at once, without
    another request and in the sentence a later attempt's retry is promised in."""
    waited: list[float] = []
    sender = _sender(slack, waited, cap=30)
    slack.fail_next("chat.postMessage", status=429, retry_after=20)
    slack.fail_next("chat.postMessage", status=429, retry_after=20)
    with pytest.raises(DeliveryError) as refused:
        sender.post("C0RISKS01", MESSAGE, METADATA)
    assert (
        str(refused.value) == "Slack did not take the briefing (ratelimited); it is retried later"
    )
    assert waited == [20.0]
    assert len(slack.calls_of("chat.postMessage")) == 2
    hour = format_datetime(NOW + timedelta(hours=1), usegmt=True)
    slack.fail_next("chat.postMessage", status=429, retry_after=hour)
    with pytest.raises(DeliveryError, match=r"\(ratelimited\); it is retried later$"):
        sender.post("C0RISKS01", MESSAGE, METADATA)
    assert waited == [20.0]
    assert len(slack.calls_of("chat.postMessage")) == 3
    assert slack.messages("C0RISKS01") == []


def test_429s_past_the_retries_fail_after_waiting_each_one(slack: FakeSlack) -> None:
    """With rate_limit_retries 2, three 429s are three requests and two waits, then one
    sentence; nothing is posted."""
    waited: list[float] = []
    sender = _sender(slack, waited, retries=2)
    for _ in range(3):
        slack.fail_next("chat.postMessage", status=429, retry_after=1)
    with pytest.raises(DeliveryError, match=r"^Slack did not take the briefing \(ratelimited\)"):
        sender.post("C0RISKS01", MESSAGE, METADATA)
    assert waited == [1.0, 1.0]
    assert len(slack.calls_of("chat.postMessage")) == 3
    assert slack.messages("C0RISKS01") == []
