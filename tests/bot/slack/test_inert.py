"""Outside text is inert in every Slack answer: a title's `*`, `_`, `~` and backticks format
nothing, and every mrkdwn text object is ``verbatim``, asked over signed HTTP."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from data.config import OrgConfig
from data.store.engine import session_scope
from data.store.tables import Change, Incident
from fakes.slack_server import FakeSlack
from tests.bot.slack.harness import Served, serve_app
from tests.samples import SampleTemplate

COMMERCE_LEAD = "U05COMLEAD"
FRIDAY_KEY = "acme/platform#4521"
INCIDENT = "INC-1039"
# Every formatting character Slack's mrkdwn reads, each where it would format.
HOSTILE = "*Bolded* _slanted_ ~struck~ `coded` Fix"
FORMATTED = ("*Bolded*", "_slanted_", "~struck~", "`coded`")


@pytest.fixture
def hostile(
    tmp_path: Path, scored_sample: SampleTemplate, org: OrgConfig, slack: FakeSlack
) -> Iterator[Served]:
    """The sample store with the Friday change and its incident titled ``HOSTILE``, served."""
    engine: Engine = scored_sample.copy(tmp_path / "hostile.db").engine
    with session_scope(engine) as session:
        for change in session.exec(select(Change)):
            change.title = f"{HOSTILE} {change.id}"
            session.add(change)
        for incident in session.exec(select(Incident)):
            incident.title = HOSTILE
            session.add(incident)
    with serve_app(engine, org, slack) as served:
        yield served
    engine.dispose()


def _mrkdwn(node: Any) -> Iterator[dict[str, Any]]:
    """Every mrkdwn text object in a Block Kit structure."""
    if isinstance(node, dict):
        if node.get("type") == "mrkdwn":
            yield node
        for value in node.values():
            yield from _mrkdwn(value)
    elif isinstance(node, list):
        for value in node:
            yield from _mrkdwn(value)


def test_every_readers_slack_answer_shows_a_hostile_title_as_text(hostile: Served) -> None:
    """`/risk brief`, `plan`, `pr`, `service`, `deploy`, `incident` (its "Was it …?"
    sections), Details and the Home tab: the title is there, its formatting characters
    shown as look-alikes, and every mrkdwn object is verbatim."""
    asked = {
        "brief": "brief",
        "plan": "plan",
        "pr": f"pr {FRIDAY_KEY}",
        "service": "service checkout",
        "deploy": "deploy deploy:checkout:2026-11-20T15:35",
        "incident": f"incident {INCIDENT}",
    }
    for rid, words in asked.items():
        assert hostile.command(words, user_id=COMMERCE_LEAD, response_id=rid).status_code == 200
    answers = {rid: hostile.slack.wait_for_response(rid) for rid in asked}
    button = next(
        b["accessory"]
        for b in answers["brief"]["blocks"]
        if b.get("accessory", {}).get("action_id") == "card_details"
    )
    click = {
        "type": "block_actions",
        "user": {"id": COMMERCE_LEAD, "username": "lena", "team_id": "T0FAKE"},
        "team": {"id": "T0FAKE", "domain": "acme"},
        "trigger_id": "1337.42.trigger",
        "response_url": hostile.slack.response_url("details"),
        "actions": [{**button, "block_id": "b1", "action_ts": "1763967700.000200"}],
    }
    assert hostile.post(urlencode({"payload": json.dumps(click)}).encode()).status_code == 200
    answers["details"] = hostile.slack.wait_for_response("details")
    home = {"type": "app_home_opened", "user": COMMERCE_LEAD, "channel": "D1", "tab": "home"}
    assert hostile.event(home).status_code == 200
    deadline = time.monotonic() + 10
    while hostile.slack.view(COMMERCE_LEAD) is None and time.monotonic() < deadline:
        time.sleep(0.01)
    answers["home"] = {"blocks": (hostile.slack.view(COMMERCE_LEAD) or {}).get("blocks")}
    assert answers["home"]["blocks"], "the Home tab was published"

    reached = []
    for name, answer in answers.items():
        objects = list(_mrkdwn(answer.get("blocks")))
        assert objects, name
        for text in objects:
            assert text.get("verbatim") is True, (name, text)
            for formatted in FORMATTED:
                assert formatted not in text["text"], (name, formatted, text["text"])
        shown = json.dumps(answer, ensure_ascii=False)
        for formatted in FORMATTED:
            assert formatted not in answer.get("text", ""), (name, formatted)
        if "\u2217Bolded\u2217 \u02cdslanted\u02cd \u223cstruck\u223c \u02cbcoded\u02cb" in shown:
            reached.append(name)
    assert set(reached) >= {"pr", "deploy", "incident", "service", "plan"}, reached
