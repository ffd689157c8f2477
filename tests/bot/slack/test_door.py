"""Slack's door at the wire: signed requests that are not what Slack sends are refused, 400
with one sentence, before any work; and a fuzzer that builds them from Slack's shapes.

Every request here is signed exactly as Slack signs one (``fakes.slack_server``), so only
the shape is wrong. After each case the store is the same byte for byte, the fake Slack
received nothing, and nothing was logged with a traceback.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.engine import Engine

from data.config import OrgConfig
from fakes.slack_server import FakeSlack
from tests.bot.slack.harness import Served, serve_app
from tests.doors import JSON, WRONG, broken, door_settings, no_traceback, store_digest

COMMERCE_LEAD = "U05COMLEAD"
# A "Was it …?" button's value as riskbrief writes it.
CULPRIT = json.dumps(
    {"incident": "INC-1039", "change": "acme/platform#4521"}, separators=(",", ":")
)
# How many generated requests each shape takes in `make test` (docs/hardening.md).
COMMAND_EXAMPLES = 60
CLICK_EXAMPLES = 120
EVENT_EXAMPLES = 40


@pytest.fixture
def served(sample_engine: Engine, org: OrgConfig, slack: FakeSlack) -> Iterator[Served]:
    """The app on the sample store, answering through the fake Slack."""
    with serve_app(sample_engine, org, slack) as running:
        yield running


def _command(served: Served) -> dict[str, str]:
    return {
        "token": "legacy-unused",
        "team_id": "T0FAKE",
        "channel_id": "C0GENERAL",
        "user_id": COMMERCE_LEAD,
        "command": "/risk",
        "text": "settings",
        "response_url": served.slack.response_url("fuzz"),
        "trigger_id": "1337.42.abcd",
    }


def _click(served: Served) -> dict[str, Any]:
    return {
        "type": "block_actions",
        "user": {"id": COMMERCE_LEAD, "username": "lena", "team_id": "T0FAKE"},
        "api_app_id": "A0RISK",
        "team": {"id": "T0FAKE", "domain": "acme"},
        "trigger_id": "1337.42.trigger",
        "response_url": served.slack.response_url("fuzz"),
        "actions": [
            {
                "type": "button",
                "action_id": "culprit_confirm",
                "block_id": "b1",
                "value": CULPRIT,
                "action_ts": "1763967700.000200",
            }
        ],
    }


def _event() -> dict[str, Any]:
    return {
        "token": "legacy-unused",
        "team_id": "T0FAKE",
        "api_app_id": "A0RISK",
        "type": "event_callback",
        "event_id": "Ev0001",
        "event_time": 1763726400,
        "event": {"type": "app_home_opened", "user": COMMERCE_LEAD, "tab": "home"},
    }


def _post_click(served: Served, payload: Any) -> httpx.Response:
    return served.post(urlencode({"payload": json.dumps(payload)}).encode())


def _post_event(served: Served, body: Any) -> httpx.Response:
    return served.post(json.dumps(body).encode(), content_type="application/json")


def _refused(answer: httpx.Response) -> None:
    """A 4xx; a 400 says why in one sentence, in the chain's JSON shape."""
    assert 400 <= answer.status_code < 500, (answer.status_code, answer.text)
    if answer.status_code == 400:
        error = answer.json()["error"]
        assert error.endswith("."), error
        assert error.count(". ") == 0, error


def _nothing_happened(served: Served, calls: int, digest: str, engine: Engine) -> None:
    """A valid command afterwards is answered (anything queued before it has run by then);
    Slack received nothing else, and the store is as it was."""
    sentinel = {**_command(served), "response_url": served.slack.response_url("after")}
    assert served.post(urlencode(sentinel).encode()).status_code == 200
    served.slack.wait_for_response("after")
    assert served.slack.responses("fuzz") == []
    methods = [m for m, _ in served.slack.calls[calls:] if m != "users.info"]
    assert methods == [], methods
    assert served.slack.view(COMMERCE_LEAD) is None
    assert store_digest(engine) == digest


def _with_value(served: Served, value: Any) -> dict[str, Any]:
    payload = _click(served)
    payload["actions"][0]["value"] = value
    return payload


# The presses a probe found answered (or stored) though no member made them.
CLICKS: list[Any] = [
    pytest.param(lambda s: [_click(s)], id="a-json-array"),
    pytest.param(lambda _s: None, id="null"),
    pytest.param(lambda s: {**_click(s), "actions": []}, id="no-action"),
    pytest.param(
        lambda s: {**_click(s), "actions": {"0": _click(s)["actions"][0]}}, id="actions-object"
    ),
    pytest.param(lambda s: {k: v for k, v in _click(s).items() if k != "user"}, id="no-user"),
    pytest.param(lambda s: {**_click(s), "user": {"id": 12345}}, id="numeric-user-id"),
    pytest.param(lambda s: {**_click(s), "user": {"id": ""}}, id="empty-user-id"),
    pytest.param(lambda s: _with_value(s, CULPRIT + " " * 2001), id="value-of-2001-characters"),
    pytest.param(
        lambda s: _with_value(
            s,
            json.dumps({"incident": "INC-1039", "change": "acme/platform#4521", "pad": "x" * 1900}),
        ),
        id="value-with-a-field-riskbrief-never-writes",
    ),
    pytest.param(
        lambda s: _with_value(s, json.dumps({"incident": "INC-1039", "change": ["x"] * 100_000})),
        id="value-of-1-mb-of-json",
    ),
    pytest.param(lambda s: _with_value(s, 7), id="numeric-value"),
    pytest.param(
        lambda s: {**_click(s), "actions": [{**_click(s)["actions"][0], "action_id": "other"}]},
        id="a-button-riskbrief-never-sent",
    ),
]


@pytest.mark.parametrize("payload", CLICKS)
def test_a_signed_click_that_is_not_slacks_is_refused_before_any_work(
    served: Served,
    sample_engine: Engine,
    payload: Any,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A signed "Was it …?" press that is a JSON array, null, has no action or no user, a
    numeric user id, or a value longer than Slack allows or not riskbrief's: 400 in one
    sentence, no confirmation stored, nothing sent, no traceback."""
    calls, digest = len(served.slack.calls), store_digest(sample_engine)
    _refused(_post_click(served, payload(served)))
    _nothing_happened(served, calls, digest, sample_engine)
    no_traceback(caplog, capsys)


EVENTS: list[Any] = [
    pytest.param(lambda: [], id="a-json-array"),
    pytest.param(lambda: None, id="null"),
    pytest.param(lambda: {**_event(), "event": None}, id="no-event"),
    pytest.param(lambda: {**_event(), "event": {"type": "app_home_opened"}}, id="no-user"),
    pytest.param(
        lambda: {**_event(), "event": {"type": "app_home_opened", "user": 7}}, id="numeric-user"
    ),
]


@pytest.mark.parametrize("body", EVENTS)
def test_a_signed_event_that_is_not_slacks_is_refused_before_any_work(
    served: Served,
    sample_engine: Engine,
    body: Any,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A signed event without its member, or not an object at all, publishes no Home tab."""
    calls, digest = len(served.slack.calls), store_digest(sample_engine)
    _refused(_post_event(served, body()))
    _nothing_happened(served, calls, digest, sample_engine)
    no_traceback(caplog, capsys)


def test_a_signed_command_without_its_member_is_refused(
    served: Served,
    sample_engine: Engine,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A signed `/risk subscribe` with no user_id, or a number for one, subscribes nobody."""
    calls, digest = len(served.slack.calls), store_digest(sample_engine)
    for user in (None, "12345"):
        form = {**_command(served), "text": "subscribe"}
        if user is None:
            del form["user_id"]
        else:
            form["user_id"] = user
        _refused(served.post(urlencode(form).encode()))
    _nothing_happened(served, calls, digest, sample_engine)
    no_traceback(caplog, capsys)


def _not(pattern: str) -> st.SearchStrategy[str]:
    return st.text(max_size=40).filter(lambda s: re.fullmatch(pattern, s) is None)


_USER = r"[UW][A-Z0-9]{1,40}"
# Values no riskbrief button carries: not a card id, not its JSON, or past Slack's 2,000.
_NOT_A_VALUE = st.one_of(
    _not(r"[a-z_]{1,40}:[^\x00-\x1f\x7f]{1,500}"),
    st.integers(2001, 4000).map(lambda n: "card:" + "x" * n),
    JSON.map(json.dumps).filter(lambda s: s.startswith("{")),
    WRONG,
)


def test_signed_malformed_requests_of_every_shape_are_refused(
    served: Served,
    sample_engine: Engine,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Commands, clicks and events built from Slack's documented shapes with one part broken,
    each signed as Slack signs it: every one a 4xx, the store unchanged, nothing sent."""
    calls, digest = len(served.slack.calls), store_digest(sample_engine)
    sent = {"command": 0, "click": 0, "event": 0}

    command_fields = {
        "user_id": _not(_USER),
        "command": st.text(max_size=10).filter(lambda s: s != "/risk"),
        "response_url": _not(r"https?://\S{1,2000}"),
        "text": st.nothing(),
    }

    @door_settings(COMMAND_EXAMPLES)
    @given(field=st.sampled_from(sorted(command_fields)), data=st.data())
    def commands(field: str, data: st.DataObject) -> None:
        form = _command(served)
        bad = data.draw(st.one_of(st.none(), command_fields[field]))
        if bad is None:
            del form[field]
        else:
            form[field] = bad
        sent["command"] += 1
        _refused(served.post(urlencode(form).encode()))

    click_paths: dict[tuple[Any, ...], st.SearchStrategy[Any]] = {
        ("type",): _not("block_actions") | WRONG,
        ("user",): WRONG,
        ("user", "id"): _not(_USER) | WRONG,
        ("actions",): st.sampled_from([[], {}]) | WRONG,
        ("actions", 0, "action_id"): _not("card_details|culprit_confirm|culprit_reject") | WRONG,
        ("actions", 0, "value"): _NOT_A_VALUE,
    }

    @door_settings(CLICK_EXAMPLES)
    @given(payload=broken(_click(served), click_paths))
    def clicks(payload: Any) -> None:
        sent["click"] += 1
        _refused(_post_click(served, payload))

    event_paths: dict[tuple[Any, ...], st.SearchStrategy[Any]] = {
        ("type",): _not("event_callback|url_verification") | WRONG,
        ("event",): WRONG,
        ("event", "type"): _not("app_home_opened") | WRONG,
        ("event", "user"): _not(_USER) | WRONG,
    }

    @door_settings(EVENT_EXAMPLES)
    @given(body=broken(_event(), event_paths))
    def events(body: Any) -> None:
        sent["event"] += 1
        _refused(_post_event(served, body))

    commands()
    clicks()
    events()
    _nothing_happened(served, calls, digest, sample_engine)
    no_traceback(caplog, capsys)
    assert sent["click"] >= CLICK_EXAMPLES
