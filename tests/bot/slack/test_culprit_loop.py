"""The demo's loop closed: a culprit confirmed in Slack is shown on the web view's change and
deploy pages and counted by `calibrate`, and no past briefing changes."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select
from werkzeug.test import Client

from bot.composition.calibrate import calibrate
from bot.composition.compose import went_wrong
from bot.pages.app import PagesApp, PagesConfig
from briefing.week import IsoWeek
from data.config import OrgConfig
from data.store.confirmations import confirmations_of
from data.store.engine import session_scope
from data.store.tables import Briefing
from evaluation.change_outcomes import change_outcomes
from fakes.slack_server import FakeSlack
from scoring.errors import ConfigError
from tests.bot.slack.harness import NOW, Served, serve_app

# The planted incident, the Friday change reverted that night, and the other change its
# deploy shipped.
INCIDENT = "INC-1039"
FRIDAY_KEY = "acme/platform#4521"
CART_KEY = "acme/platform#4515"
DEPLOY = "deploy:checkout:2026-11-20T15:35"
COMMERCE_LEAD = "U05COMLEAD"
DISCOVERY_LEAD = "U06DISCLD1"


@pytest.fixture
def served(sample_engine: Engine, org: OrgConfig, slack: FakeSlack) -> Iterator[Served]:
    """The Slack app on the sample store, answering through the fake Slack."""
    with serve_app(sample_engine, org, slack) as running:
        yield running


def _click(served: Served, action: str, value: str, user: str, response: str) -> httpx.Response:
    """A `/risk incident` button clicked by ``user``, signed as Slack signs it."""
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": {"id": user, "username": "someone", "team_id": "T0FAKE"},
        "api_app_id": "A0RISK",
        "team": {"id": "T0FAKE", "domain": "acme"},
        "trigger_id": "1337.42.trigger",
        "response_url": served.slack.response_url(response),
        "actions": [
            {
                "type": "button",
                "action_id": action,
                "block_id": "b1",
                "value": value,
                "action_ts": "1763967700.000200",
            }
        ],
    }
    return served.action(payload)


def _said(served: Served, response: str) -> str:
    """The text of the answer Slack received on ``response``."""
    blocks = served.slack.wait_for_response(response)["blocks"]
    return "\n".join(
        b["text"]["text"] for b in blocks if isinstance(b.get("text"), dict) and "text" in b["text"]
    )


def _page(engine: Engine, org: OrgConfig, path: str) -> str:
    """A page of the open web view through its WSGI application, as its reader reads it:
    tags dropped, entities unescaped."""
    app = PagesApp(engine, org, PagesConfig(open=True), clock=lambda: NOW)
    response = Client(app).get("/web/" + quote(path, safe="/@:"))
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return html.unescape(re.sub(r"<[^>]+>", "", response.get_data(as_text=True)))


def test_a_confirmed_culprit_is_shown_and_labelled_and_changes_no_briefing(
    served: Served, sample_engine: Engine, org: OrgConfig
) -> None:
    """The Commerce lead confirms the planted incident's first candidate and rejects the second
    with signed clicks; a second click is idempotent, Discovery's lead is refused; the change
    and deploy pages and `/risk deploy` say who said what and when; `calibrate`'s labels count
    the confirmed change and drop the rejected one from the incident's deploy link, as the
    next briefing's scorer's record does; the delivered briefing stays."""
    with session_scope(sample_engine) as session:
        before = change_outcomes(session, org)
        briefings = {b.id: b.payload for b in session.exec(select(Briefing))}
    assert CART_KEY in before.bad, "the cart change shipped in the incident's linked deploy"

    served.command(f"incident {INCIDENT}", user_id=COMMERCE_LEAD, response_id="ask")
    blocks = served.slack.wait_for_response("ask")["blocks"]
    buttons = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
    first, second = buttons[0], buttons[2]
    assert first["action_id"] == "culprit_confirm"
    assert FRIDAY_KEY in first["value"], "the reverted change is the first candidate"
    assert CART_KEY in second["value"]

    assert _click(served, "culprit_confirm", first["value"], COMMERCE_LEAD, "c1").is_success
    assert _said(served, "c1").startswith(f"Recorded: you said `{FRIDAY_KEY}` caused")
    _click(served, "culprit_confirm", first["value"], COMMERCE_LEAD, "c2")
    assert _said(served, "c2").startswith(f"Already recorded: you said `{FRIDAY_KEY}` caused")
    _click(served, "culprit_reject", second["value"], COMMERCE_LEAD, "c3")
    assert _said(served, "c3").startswith(f"Recorded: you said `{CART_KEY}` did not cause")
    _click(served, "culprit_confirm", second["value"], DISCOVERY_LEAD, "c4")
    assert f"No incident `{INCIDENT}` is in the store for your scope" in _said(served, "c4")
    with session_scope(sample_engine) as session:
        words = [(w.change_key, w.confirmed) for w in confirmations_of(session, INCIDENT)]
    assert words == [(FRIDAY_KEY, True), (CART_KEY, False)]

    change = _page(sample_engine, org, f"change/{FRIDAY_KEY}")
    assert f"Confirmed as the cause of {INCIDENT} by Lena Hoffmann on 2026-11-21" in change
    deploy = _page(sample_engine, org, f"deploy/{DEPLOY}")
    assert f"{FRIDAY_KEY}: confirmed as the cause of {INCIDENT} by Lena Hoffmann" in deploy
    assert f"{CART_KEY}: rejected as the cause of {INCIDENT} by Lena Hoffmann" in deploy
    served.command(f"deploy {DEPLOY}", user_id=COMMERCE_LEAD, response_id="d1")
    told = _said(served, "d1")
    assert f"`{FRIDAY_KEY}`: confirmed as the cause of `{INCIDENT}` by Lena Hoffmann" in told
    assert f"`{CART_KEY}`: rejected as the cause of `{INCIDENT}` by Lena Hoffmann" in told

    with session_scope(sample_engine) as session:
        after = change_outcomes(session, org)
        # The scorer's record in the next briefing reads the same outcomes.
        record = went_wrong(session, org, [IsoWeek(2026, 48)]).bad
        with pytest.raises(ConfigError) as refused:
            calibrate(session, org)
        assert {b.id: b.payload for b in session.exec(select(Briefing))} == briefings
    assert FRIDAY_KEY in after.bad
    assert FRIDAY_KEY in record
    assert CART_KEY not in record
    assert after.by_confirmation == 1
    assert CART_KEY not in after.bad, "rejected, and labelled by nothing but that deploy link"
    assert (after.by_incident, after.rejected_links) == (before.by_incident - 1, 1)
    # The sample has too few bad changes to fit to; the refusal still counts the labels.
    assert "1 confirmed in Slack as an incident's cause" in str(refused.value)
    assert "1 the team said in Slack did not cause it" in str(refused.value)
    assert str(refused.value).count(". ") == 0, "one sentence, as every refusal"
