"""The fake Slack Web API answers the real slack_sdk client the way Slack does."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from fakes.slack_server import FakeSlack, SlackUser
from tests import local_http


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    """A running fake with one user in Berlin."""
    with FakeSlack([SlackUser("U1", tz="Europe/Berlin")]) as fake:
        yield fake


def _client(slack: FakeSlack) -> WebClient:
    return WebClient(token="xoxb-test", base_url=slack.base_url)


def test_post_message_to_a_user_lands_in_their_dm_with_metadata(slack: FakeSlack) -> None:
    """A message posted to a user ID is stored in their D-channel and its metadata is returned."""
    client = _client(slack)
    channel = client.conversations_open(users="U1")["channel"]["id"]
    assert channel.startswith("D")
    sent = client.chat_postMessage(
        channel="U1",
        text="hello",
        blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": "hi"}}],
        metadata={"event_type": "riskbrief_briefing", "event_payload": {"week": "2026-W47"}},
    )
    assert sent["channel"] == channel
    plain = client.conversations_history(channel=channel)["messages"]
    assert "metadata" not in plain[0]
    rich = client.conversations_history(channel=channel, include_all_metadata=True)["messages"]
    assert rich[0]["metadata"]["event_payload"] == {"week": "2026-W47"}
    assert rich[0]["blocks"][0]["text"]["text"] == "hi"
    assert [m for m, _ in slack.calls] == [
        "conversations.open",
        "chat.postMessage",
        "conversations.history",
        "conversations.history",
    ]


def test_users_info_reports_the_configured_time_zone(slack: FakeSlack) -> None:
    """users.info answers a known user's tz and user_not_found for others."""
    client = _client(slack)
    assert client.users_info(user="U1")["user"]["tz"] == "Europe/Berlin"
    with pytest.raises(SlackApiError) as error:
        client.users_info(user="U404")
    assert error.value.response["error"] == "user_not_found"


def test_injected_rate_limit_is_retried_after_retry_after(slack: FakeSlack) -> None:
    """A 429 with Retry-After is honoured by the SDK's retry handler, then the call succeeds."""
    slack.fail_next("chat.postMessage", status=429, retry_after=0)
    client = WebClient(
        token="xoxb-test",
        base_url=slack.base_url,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)],
    )
    assert client.chat_postMessage(channel="C1", text="x")["ok"]
    assert len(slack.calls_of("chat.postMessage")) == 2
    assert len(slack.messages("C1")) == 1


def test_injected_error_is_ok_false(slack: FakeSlack) -> None:
    """fail_next with an error answers 200 ok:false once, then the method works again."""
    slack.fail_next("auth.test", error="invalid_auth")
    client = _client(slack)
    with pytest.raises(SlackApiError) as error:
        client.auth_test()
    assert error.value.response.status_code == 200
    assert error.value.response["error"] == "invalid_auth"
    assert client.auth_test()["user_id"] == "U0BOT"


def test_views_and_response_url_are_recorded(slack: FakeSlack) -> None:
    """views.publish keeps the Home view, and a response_url keeps what was posted to it."""
    client = _client(slack)
    client.views_publish(user_id="U1", view={"type": "home", "blocks": []})
    assert slack.view("U1") == {"type": "home", "blocks": []}
    local_http.post(slack.response_url("r1"), json={"response_type": "ephemeral", "text": "hi"})
    assert slack.wait_for_response("r1")["text"] == "hi"
    assert slack.calls_of("views.publish")[0]["user_id"] == "U1"


def test_a_stream_grows_until_it_stops_and_takes_nothing_after(slack: FakeSlack) -> None:
    """chat.startStream posts a thread reply, appendStream adds to it, stopStream adds its
    blocks and ends it: an append after that fails as Slack's does."""
    client = _client(slack)
    started = client.chat_startStream(channel="D0X", thread_ts="1.000001", markdown_text="One.")
    ts = started["ts"]
    client.chat_appendStream(channel="D0X", ts=ts, markdown_text=" Two.")
    client.chat_stopStream(channel="D0X", ts=ts, blocks=[{"type": "divider"}])
    [message] = slack.messages("D0X")
    assert (message["text"], message["thread_ts"]) == ("One. Two.", "1.000001")
    assert message["blocks"] == [{"type": "divider"}]
    assert [text for _, text in message["streamed"]] == ["One.", " Two."]
    with pytest.raises(SlackApiError) as late:
        client.chat_appendStream(channel="D0X", ts=ts, markdown_text=" Three.")
    assert late.value.response["error"] == "message_not_in_streaming_state"


def test_a_stream_outside_a_dm_needs_its_recipient_and_a_short_text(slack: FakeSlack) -> None:
    """In a channel the recipient's user and team are required; markdown_text over 12,000
    characters is refused."""
    client = _client(slack)
    with pytest.raises(SlackApiError) as nobody:
        client.chat_startStream(channel="C0GENERAL", thread_ts="1.000001", markdown_text="Hi.")
    assert nobody.value.response["error"] == "invalid_arguments"
    started = client.chat_startStream(
        channel="C0GENERAL",
        thread_ts="1.000001",
        recipient_user_id="U1",
        recipient_team_id="T0FAKE",
    )
    with pytest.raises(SlackApiError) as long:
        client.chat_appendStream(channel="C0GENERAL", ts=started["ts"], markdown_text="x" * 12_001)
    assert long.value.response["error"] == "msg_too_long"
