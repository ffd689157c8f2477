"""Ask riskbrief in the assistant pane and a DM, over real HTTP with events signed as Slack
signs them, answered through the fake Slack."""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from bot.slack.assistant import STATUS
from data.config import OrgConfig
from data.store.engine import session_scope
from data.store.feedback import feedback_on
from fakes.slack_server import FakeSlack
from tests.bot.slack.conftest import VP
from tests.bot.slack.harness import Served, serve_app

COMMERCE_LEAD = "U05COMLEAD"
_IDS = itertools.count(1)


@pytest.fixture
def served(sample_engine: Engine, org: OrgConfig, slack: FakeSlack) -> Iterator[Served]:
    """The app on the sample store, answering through the fake Slack."""
    with serve_app(sample_engine, org, slack) as running:
        yield running


def _texts(node: Any) -> str:
    """All ``text`` strings in a Block Kit structure, joined by newlines."""
    if isinstance(node, dict):
        own = [node["text"]] if isinstance(node.get("text"), str) else []
        return "\n".join(own + [_texts(v) for v in node.values() if isinstance(v, dict | list)])
    if isinstance(node, list):
        return "\n".join(_texts(v) for v in node)
    return ""


def _wait(found: Callable[[], list[Any]], count: int = 1, timeout: float = 15.0) -> list[Any]:
    """``found()`` once it holds ``count`` items, waiting up to ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if len(items := found()) >= count:
            return items
        time.sleep(0.02)
    raise AssertionError(f"waited for {count}, found {found()!r}")


def _ts() -> str:
    """A message ts no other test's message has."""
    return f"1763726400.{next(_IDS):06d}"


def _dm(served: Served, text: str, *, user: str, channel: str, **sent: Any) -> dict[str, Any]:
    """Send ``text`` as ``user``'s message in their DM ``channel``; the event it was."""
    event = {
        "type": "message",
        "channel": channel,
        "channel_type": "im",
        "user": user,
        "text": text,
        "ts": _ts(),
        "event_ts": _ts(),
    }
    sent.setdefault("event_id", f"EvDM{next(_IDS)}")
    assert served.event(event, **sent).status_code == 200
    return event


def test_opening_the_pane_suggests_questions_from_the_weeks_cards(served: Served) -> None:
    """`assistant_thread_started` greets the VP with what riskbrief answers and suggests the
    week's critical card (Payments, where risk concentrates) as the `/risk` words that answer
    it, the latest deploy of a service and the review plan: four at most."""
    thread_ts = _ts()
    started = {
        "type": "assistant_thread_started",
        "assistant_thread": {
            "user_id": VP,
            "context": {"channel_id": "C0GENERAL", "team_id": "T0FAKE"},
            "channel_id": "D0VPPANE1",
            "thread_ts": thread_ts,
        },
        "event_ts": _ts(),
    }
    assert served.event(started, event_id="EvStart1").status_code == 200
    call = _wait(lambda: served.slack.calls_of("assistant.threads.setSuggestedPrompts"))[0]
    assert (call["channel_id"], call["thread_ts"]) == ("D0VPPANE1", thread_ts)
    prompts = {p["title"]: p["message"] for p in call["prompts"]}
    assert 1 <= len(prompts) <= 4
    assert prompts["Why is Payments high this week?"] == "/risk service payments"
    assert prompts["What should we review first?"] == "/risk plan"
    assert any(m.startswith("/risk deploy latest ") for m in prompts.values())
    greeting = _wait(lambda: served.slack.messages("D0VPPANE1"))[0]
    assert greeting["thread_ts"] == thread_ts
    assert "I answer questions about delivery risk" in greeting["text"]
    assert "type one as you would after `/risk`" in greeting["text"]
    # No Anthropic key: nothing promises plain words.
    assert "own words" not in greeting["text"]


def test_a_dm_question_is_answered_in_its_thread_with_the_status_set(served: Served) -> None:
    """A DM of `service payments` (no `/risk`) sets the thread's status and title, then
    answers the service's weeks in the thread, as `/risk service payments` would, with 👍/👎
    under it."""
    asked = _dm(served, "service payments", user=VP, channel="D0VPDM001")
    answer = _wait(lambda: served.slack.messages("D0VPDM001"))[0]
    assert answer["thread_ts"] == asked["ts"]
    # The status is set first, then the one answer is posted.
    in_thread = [
        (method, params.get("status") or params.get("title"))
        for method, params in served.slack.calls
        if "D0VPDM001" in (params.get("channel"), params.get("channel_id"))
        and asked["ts"] in (params.get("thread_ts"), params.get("ts"))
    ]
    assert in_thread == [
        ("assistant.threads.setStatus", STATUS),
        ("assistant.threads.setTitle", "service payments"),
        ("chat.postMessage", None),
    ]
    text = _texts(answer["blocks"])
    assert "*MTTR*" in text
    assert "2026-W47*" in text
    feedback = answer["blocks"][-1]
    assert [b["action_id"] for b in feedback["elements"]] == [
        "answer_helpful",
        "answer_unhelpful",
    ]
    assert json.loads(feedback["elements"][0]["value"]) == {"asked": "service payments"}


def test_a_leading_risk_and_a_link_as_slack_writes_it_are_read(served: Served) -> None:
    """`/risk pr <https://…/pull/4503>`, as Slack writes a pasted URL in a message, answers
    that change's score."""
    url = "https://github.com/acme/platform/pull/4503"
    _dm(served, f"/risk pr <{url}|{url}>", user=VP, channel="D0VPDM002")
    answer = _wait(lambda: served.slack.messages("D0VPDM002"))[0]
    assert "Risk *" in _texts(answer["blocks"])


def test_an_out_of_scope_question_gets_the_refusal_risk_gives(served: Served) -> None:
    """The Commerce lead asking about Discovery's `search` in a DM is refused in the very
    words `/risk service search` refuses them with, naming only Commerce's own services."""
    _dm(served, "service search", user=COMMERCE_LEAD, channel="D0COMDM01")
    answer = _wait(lambda: served.slack.messages("D0COMDM01"))[0]
    served.command("service search", user_id=COMMERCE_LEAD, response_id="slash")
    slash = served.slack.wait_for_response("slash")
    assert answer["text"] == slash["text"]
    assert answer["text"].startswith("There is no service called")
    assert "Discovery" not in _texts(answer["blocks"])


def test_words_no_question_reads_get_the_help_and_the_missing_key_plainly(
    served: Served,
) -> None:
    """Plain words are answered once: the questions riskbrief answers (`/risk help`'s lines)
    and that plain-words questions need an Anthropic API key, which is not configured."""
    asked = _dm(served, "why is everything on fire?", user=VP, channel="D0VPDM003")
    answer = _wait(lambda: served.slack.messages("D0VPDM003"))[0]
    time.sleep(0.3)
    assert len(served.slack.messages("D0VPDM003")) == 1
    assert answer["thread_ts"] == asked["ts"]
    text = _texts(answer["blocks"])
    assert "`/risk brief [team|service]`" in text
    assert "answers questions about delivery risk" in text
    assert "Questions in plain words need an Anthropic API key" in answer["text"]
    assert "none is" in answer["text"]


def test_a_feedback_click_is_stored_once(served: Served, sample_engine: Engine) -> None:
    """👍 clicked twice on one answer is one row, acknowledged as noted then already noted;
    👎 afterwards changes that row."""
    message_ts = _ts()

    def click(action: str, response_id: str) -> dict[str, Any]:
        payload = {
            "type": "block_actions",
            "user": {"id": VP},
            "team": {"id": "T0FAKE"},
            "response_url": served.slack.response_url(response_id),
            "container": {
                "type": "message",
                "channel_id": "D0VPDM004",
                "message_ts": message_ts,
            },
            "actions": [
                {
                    "type": "button",
                    "action_id": action,
                    "value": json.dumps({"asked": "service payments"}),
                    "block_id": "answer_feedback",
                    "action_ts": "1763726500.1",
                }
            ],
        }
        assert served.action(payload).status_code == 200
        return served.slack.wait_for_response(response_id)

    assert click("answer_helpful", "fb1")["text"] == "Thanks: noted that this answer helped."
    assert click("answer_helpful", "fb2")["text"] == "Already noted that this answer helped."
    with session_scope(sample_engine) as session:
        rows = feedback_on(session, "D0VPDM004", message_ts)
        assert [(r.slack_user_id, r.helpful, r.asked) for r in rows] == [
            (VP, True, "service payments")
        ]
    assert "did not help" in click("answer_unhelpful", "fb3")["text"]
    with session_scope(sample_engine) as session:
        assert [r.helpful for r in feedback_on(session, "D0VPDM004", message_ts)] == [False]


def test_a_feedback_value_riskbrief_did_not_write_is_refused(served: Served) -> None:
    """A signed click whose 👍 value is not riskbrief's JSON is a 400 before any handler."""
    payload = {
        "type": "block_actions",
        "user": {"id": VP},
        "actions": [{"type": "button", "action_id": "answer_helpful", "value": "not json"}],
    }
    response = served.action(payload)
    assert response.status_code == 400
    assert response.json() == {"error": "That button's value is not one riskbrief wrote."}


def test_a_retried_event_is_answered_once(served: Served) -> None:
    """Slack's retry of a DM (the same event id, `X-Slack-Retry-Num: 1`) is acknowledged
    and not answered again, whether it comes while the answer is made or after."""
    asked = _dm(served, "plan", user=VP, channel="D0VPDM005", event_id="EvRetry1")
    retried = served.event(asked, event_id="EvRetry1", retry=1)
    assert retried.status_code == 200
    _wait(lambda: served.slack.messages("D0VPDM005"))
    again = served.event(asked, event_id="EvRetry1", retry=2)
    assert again.status_code == 200
    time.sleep(0.5)
    assert len(served.slack.messages("D0VPDM005")) == 1


def test_riskbriefs_own_messages_and_edits_are_not_questions(served: Served) -> None:
    """A bot's message (riskbrief's answer coming back as `message.im`) and an edit are
    acknowledged and never answered."""
    for extra in ({"bot_id": "B0BOT"}, {"subtype": "message_changed"}):
        event = {
            "type": "message",
            "channel": "D0VPDM006",
            "channel_type": "im",
            "user": VP,
            "text": "plan",
            "ts": _ts(),
            **extra,
        }
        assert served.event(event, event_id=f"EvOwn{next(_IDS)}").status_code == 200
    time.sleep(0.5)
    assert served.slack.messages("D0VPDM006") == []


def test_an_event_of_another_shape_is_refused(served: Served) -> None:
    """A signed `message` from a public channel (riskbrief subscribes to DMs only) and an
    `assistant_thread_started` without its thread are 400s, answered by nothing."""
    channel = {
        "type": "message",
        "channel": "C0GENERAL",
        "channel_type": "channel",
        "user": VP,
        "text": "plan",
        "ts": _ts(),
    }
    threadless = {"type": "assistant_thread_started", "assistant_thread": {"user_id": VP}}
    for event in (channel, threadless):
        response = served.event(event, event_id=f"EvBad{next(_IDS)}")
        assert response.status_code == 400
        assert response.json() == {"error": "That is not an event riskbrief subscribes to."}


def test_mentions_and_links_in_a_question_are_echoed_inert(served: Served) -> None:
    """A question naming `<!channel>`, a member and a link, as Slack writes them in a message,
    is answered with its words escaped: no mention, no broadcast, no link."""
    words = "service <!channel> <@U0BOT> <https://evil.example/x|payments> &lt;!here&gt;"
    _dm(served, words, user=VP, channel="D0VPDM007")
    answer = _wait(lambda: served.slack.messages("D0VPDM007"))[0]
    posted = answer["text"] + _texts(answer["blocks"])
    assert posted.startswith("There is no service called")
    for live in ("<!channel>", "<@U0BOT>", "<!here>", "<https://"):
        assert live not in posted, live
