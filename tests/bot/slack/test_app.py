"""The Slack app over real HTTP: signed slash commands, buttons and App Home on the sample store."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from sqlalchemy.engine import Engine

from bot.answers.parse import said
from bot.runtime.server import HEALTH_PATH, READY_PATH
from bot.slack.app import build_app
from briefing.labels import band_label
from briefing.render.escape import mrkdwn
from data.config import OrgConfig
from data.store.confirmations import confirmations_of
from data.store.engine import session_scope
from data.store.scores import load_scores
from fakes.slack_server import FakeSlack
from scoring.scored import ScoredChange
from tests import local_http
from tests.bot.slack.conftest import DELIVERED_TS, VP
from tests.bot.slack.harness import Served, serve_app, settings_for

# The Friday checkout change INC-1039 followed, reverted that night.
FRIDAY_KEY = "acme/platform#4521"


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


def _buttons(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [b["accessory"] for b in blocks if b.get("accessory", {}).get("type") == "button"]


def test_brief_is_acknowledged_empty_then_answered_on_the_response_url(served: Served) -> None:
    """`/risk brief` gets an empty 200 at once and this week so far, ephemeral, afterwards."""
    ack = served.command("brief")
    assert ack.status_code == 200
    assert ack.content == b""
    answer = served.slack.wait_for_response("r1")
    assert answer["response_type"] == "ephemeral"
    text = _texts(answer["blocks"])
    assert "This week so far" in text
    assert "Risk is concentrating in Payments" in text
    assert _buttons(answer["blocks"]), "the cards keep their Details buttons"


def test_brief_of_a_named_team_covers_only_that_team(served: Served) -> None:
    """`/risk brief discovery` shows Discovery's week, not the concentration in Payments."""
    served.command("brief Discovery")
    text = _texts(served.slack.wait_for_response("r1")["blocks"])
    assert "Discovery" in text
    assert "Payments" not in text


def _stored(engine: Engine, org: OrgConfig, kind: str, key: str) -> ScoredChange:
    """The score the store holds, so tests follow the scorer rather than copy its numbers."""
    with session_scope(engine) as session:
        return load_scores(session, kind, org.scoring_config().version, [key])[key]


def test_pr_by_url_shows_score_band_signals_and_gates(
    served: Served, sample_engine: Engine, org: OrgConfig
) -> None:
    """A PR URL maps to its change and answers its score, band, explained signals and gates."""
    row = _stored(sample_engine, org, "change", "acme/platform#4503")
    assert row.gates, "the sample's ledger PR carries a schema migration"
    served.command("pr https://github.com/acme/platform/pull/4503")
    text = _texts(served.slack.wait_for_response("r1")["blocks"])
    assert f"Risk *{row.score}*, {band_label(row.band)}" in text
    assert row.top_signals[0].explanation in text
    assert "Gates hit" in text
    assert row.gates[0].explanation in text


def test_unknown_pr_gets_one_sentence(served: Served) -> None:
    """A PR the store does not have is answered with what to do, not an error."""
    served.command("pr acme/platform#999999")
    answer = served.slack.wait_for_response("r1")
    assert answer["text"].startswith("No change `acme/platform#999999` is in the store")


def test_service_trend_covers_eight_weeks_with_mttr_and_cfr(served: Served) -> None:
    """`/risk service payments` shows eight weekly rows, its riskiest changes, MTTR and CFR."""
    served.command("service Payments")
    text = _texts(served.slack.wait_for_response("r1")["blocks"])
    assert [f"2026-W{w}" in text for w in range(40, 48)] == [True] * 8
    assert "2026-W47*  66.7%   6/9" in text
    assert "acme/platform#4503" in text
    assert "*MTTR*" in text
    assert "*Change failure rate*" in text
    # The table is in the member's zone, named.
    assert "(America/New_York; * is this week so far)" in text


def test_one_incident_is_said_in_the_singular(served: Served) -> None:
    """`/risk service search`, with one incident in eight weeks, says "(1 incident)"."""
    served.command("service search")
    text = _texts(served.slack.wait_for_response("r1")["blocks"])
    assert "over 8 weeks (1 incident)" in text


def test_deploy_by_id_shows_risk_what_it_shipped_and_the_incident(
    served: Served, sample_engine: Engine, org: OrgConfig
) -> None:
    """A deploy id answers its risk, the changes it shipped and the incident linked to it."""
    row = _stored(sample_engine, org, "deploy", "deploy:checkout:2026-11-20T15:35")
    served.command("deploy deploy:checkout:2026-11-20T15:35")
    text = _texts(served.slack.wait_for_response("r1")["blocks"])
    assert f"Risk *{row.score}*, {band_label(row.band)}" in text
    assert "Shipped 2 changes" in text
    assert "acme/platform#4521" in text
    assert "INC-1039" in text


def test_deploy_latest_of_a_service(served: Served) -> None:
    """`/risk deploy latest checkout` answers the service's newest deploy."""
    served.command("deploy latest checkout")
    text = _texts(served.slack.wait_for_response("r1")["blocks"])
    # Named by service and the reader's local time beside its id.
    assert text.startswith("*Checkout deploy of Fri 2026-11-20 ")
    assert "`deploy:checkout:2026-11-20T15:35`" in text
    assert "Checkout" in text


def test_risk_incident_names_the_reverted_change_first_in_scope(served: Served) -> None:
    """`/risk incident INC-1039` names the Friday change its team reverted first, for the
    Commerce lead; Discovery's lead, whose scope lacks Checkout, is told it is not there."""
    served.command("incident INC-1039", user_id="U05COMLEAD", response_id="in")
    served.command("incident INC-1039", user_id="U06DISCLD1", response_id="out")
    inside = _texts(served.slack.wait_for_response("in")["blocks"])
    outside = _texts(served.slack.wait_for_response("out")["blocks"])
    assert inside.startswith("*INC-1039 in Checkout*")
    first = inside.split("\n1. ")[1].split("\n")[0]
    assert "`acme/platform#4521`" in first
    assert "reverted by acme/platform#4522" in first
    assert "Europe/Berlin" in inside
    assert "No incident `INC-1039`" in outside
    assert "acme/platform#4521" not in outside


def test_risk_pr_and_deploy_are_told_in_the_callers_scope_as_incident_is(served: Served) -> None:
    """Signed as Slack signs them, `/risk pr` and `/risk deploy` of Checkout's Friday change and
    deploy answer the Commerce lead and refuse Discovery's lead in one sentence, as `/risk
    incident` does."""
    asked = {
        "pr": f"pr {FRIDAY_KEY}",
        "deploy": "deploy deploy:checkout:2026-11-20T15:35",
        "latest": "deploy latest checkout",
    }
    for name, words in asked.items():
        served.command(words, user_id="U05COMLEAD", response_id=f"in-{name}")
        served.command(words, user_id="U06DISCLD1", response_id=f"out-{name}")
    for name in asked:
        inside = served.slack.wait_for_response(f"in-{name}")
        outside = served.slack.wait_for_response(f"out-{name}")
        assert "your scope" not in inside["text"], name
        assert "Risk *" in _texts(inside["blocks"]), name
        # `latest` names a service: one outside the scope is no service at all.
        said = "There is no service called" if name == "latest" else "your scope"
        assert said in outside["text"], name
        # One sentence, and nothing of the change or deploy: no score, title or shipped list.
        refused = _texts(outside["blocks"])
        assert refused.count(". ") == 0, refused
        assert "Risk *" not in refused, name
        assert "async payment capture" not in refused, name


def test_risk_plan_lists_the_changes_to_review_first_in_scope(served: Served) -> None:
    """`/risk plan`, signed as Slack signs it: the Commerce lead's plan is Commerce's, in their
    zone, with its headline; naming Payments, one of Commerce's services, narrows it."""
    served.command("plan", user_id="U05COMLEAD", response_id="mine")
    served.command("plan payments", user_id="U05COMLEAD", response_id="named")
    mine = _texts(served.slack.wait_for_response("mine")["blocks"])
    named = _texts(served.slack.wait_for_response("named")["blocks"])
    assert mine.startswith("*Review plan* · Commerce · open, or merged since ")
    assert "Europe/Berlin" in mine
    assert "of this week's changed code and" in mine
    assert "\n1. " in mine
    assert named.startswith("*Review plan* · Payments")


def test_a_team_or_service_outside_the_callers_scope_is_refused_as_not_there(
    served: Served,
) -> None:
    """Signed as Slack signs them, `/risk brief`, `plan`, `agents` and `service` naming
    Discovery's team or service answer the VP (no subscription scope: the organisation) and
    refuse the Commerce lead in one sentence that offers only Commerce's own names."""
    asked = {
        "brief": "brief Discovery",
        "plan": "plan search",
        "agents": "agents search",
        "service": "service search",
    }
    for name, words in asked.items():
        served.command(words, response_id=f"in-{name}")
        served.command(words, user_id="U05COMLEAD", response_id=f"out-{name}")
    for name in asked:
        inside = served.slack.wait_for_response(f"in-{name}")
        outside = served.slack.wait_for_response(f"out-{name}")
        assert "There is no" not in inside["text"], name
        assert "Search" in _texts(inside["blocks"]) or "Discovery" in _texts(inside["blocks"])
        refused = _texts(outside["blocks"])
        assert refused.startswith("There is no "), (name, refused)
        assert "search" not in refused.lower().split("”")[-1], (name, refused)
        assert "Discovery" not in refused.split("”")[-1], (name, refused)
        assert "`Checkout`" in refused, (name, refused)


# A name of another team's scope, one that exists nowhere, and look-alikes of another
# team's names (full-width, Cyrillic, zero-width and bidi characters, a soft hyphen).
_OTHER_SCOPE = ["Discovery", "search", "notifications", "Platform", "identity"]
_NOWHERE = [
    "zzq",
    "Ｄiscovery",
    "Disc\u043every",
    "Disco\u200bvery",
    "se\u00adarch",
    "\u202esearch",
    "ＳＥＡＲＣＨ",
]


def _bytes_of(served: Served, words: str, rid: str) -> bytes:
    """What Slack receives for ``words`` from the Commerce lead: the ack and the answer."""
    ack = served.command(words, user_id="U05COMLEAD", response_id=rid)
    assert ack.status_code == 200
    answer = served.slack.wait_for_response(rid)
    return ack.content + json.dumps(answer, sort_keys=True).encode()


@pytest.mark.parametrize("verb", ["brief", "plan", "agents", "service", "deploy latest"])
def test_an_outside_name_gets_the_very_bytes_of_a_name_that_exists_nowhere(
    served: Served, verb: str
) -> None:
    """Signed as Slack signs them, every name outside the Commerce lead's scope and every
    look-alike is answered in the same bytes as the name `zzq` (the name itself aside), and
    those bytes name only Commerce's own teams and services."""
    kinds = "service" if verb in ("service", "deploy latest") else "team or service"
    words = {name: f"{verb} {name}" for name in [*_OTHER_SCOPE, *_NOWHERE]}
    answers = {
        name: _bytes_of(served, w, f"{verb.replace(' ', '-')}-{i}")
        for i, (name, w) in enumerate(words.items())
    }
    reference = answers["zzq"]
    assert f"There is no {kinds} called".encode() in reference, reference
    for name, got in answers.items():
        # The name comes back as typed (escaped, invisible characters removed), and only there.
        echoed = json.dumps(mrkdwn(said(name)))[1:-1].encode()
        assert got.replace(echoed, b"zzq") == reference, (name, got, reference)
    listed = reference.split(b"zzq")[-1].decode()
    for outside in ("Discovery", "Search", "Notifications", "Platform", "Identity", "Infra"):
        assert outside.lower() not in listed.lower(), (outside, listed)
    assert "Checkout" in listed
    assert "Payments" in listed


def test_look_alikes_of_an_own_name_resolve_to_it_and_nothing_else(served: Served) -> None:
    """A full-width or zero-width spelling of the lead's own team is their team; a Cyrillic
    look-alike is no name, and is offered only their own."""
    served.command("brief Ｃommerce", user_id="U05COMLEAD", response_id="wide")
    served.command("brief Com\u200bmerce", user_id="U05COMLEAD", response_id="zw")
    served.command("brief C\u043emmerce", user_id="U05COMLEAD", response_id="cyr")
    for rid in ("wide", "zw"):
        assert "There is no" not in served.slack.wait_for_response(rid)["text"], rid
    cyrillic = served.slack.wait_for_response("cyr")["text"]
    assert "did you mean `Commerce`?" in cyrillic


def test_answers_show_times_in_the_slack_members_zone(served: Served) -> None:
    """The same deploy is 10:35 for the New York VP and 16:35 for the Berlin lead, zone named."""
    served.command("deploy deploy:checkout:2026-11-20T15:35", response_id="ny")
    served.command(
        "/risk deploy deploy:checkout:2026-11-20T15:35", user_id="U05COMLEAD", response_id="be"
    )
    new_york = _texts(served.slack.wait_for_response("ny")["blocks"])
    berlin = _texts(served.slack.wait_for_response("be")["blocks"])
    assert "Checkout deploy of Fri 2026-11-20 10:35 America/New_York" in new_york
    assert "Checkout deploy of Fri 2026-11-20 16:35 Europe/Berlin" in berlin
    assert " UTC" not in berlin.split("*Why*")[0]


def test_help_and_malformed_text_are_answered_in_the_ack(served: Served) -> None:
    """Help and usage come back in the acknowledgement itself, with the user's text escaped."""
    help_ack = served.command("help")
    shown = "/risk pr &lt;url | owner/repo#123 | group/project!123 | sha&gt;"
    assert shown in help_ack.json()["text"]
    bad = served.command("frobnicate <!channel> <@U123>", response_id="r2")
    body = bad.json()
    assert body["response_type"] == "ephemeral"
    assert "&lt;!channel&gt; &lt;@U123&gt;" in body["text"]
    assert "<!channel>" not in body["text"]
    assert "<@U123>" not in body["text"]
    assert "Usage:" in body["text"]
    time.sleep(0.2)
    assert served.slack.responses("r1") == served.slack.responses("r2") == []


def test_unknown_team_gets_the_closest_names(served: Served) -> None:
    """A misspelt team or service is answered, after the ack, with the closest known names."""
    ack = served.command("brief comerce")
    assert ack.content == b""
    assert "did you mean `Commerce`" in served.slack.wait_for_response("r1")["text"]


def test_forged_signature_is_refused(served: Served) -> None:
    """A request signed with another secret gets 401 and runs nothing."""
    response = served.command("brief", secret="not-the-secret")
    assert response.status_code == 401
    time.sleep(0.2)
    assert served.slack.responses("r1") == []


def test_stale_timestamp_is_refused(served: Served) -> None:
    """A correctly signed request more than five minutes old gets 401 (no replays)."""
    response = served.command("brief", timestamp=int(time.time()) - 6 * 60)
    assert response.status_code == 401
    time.sleep(0.2)
    assert served.slack.responses("r1") == []


def test_healthz_and_readyz(served: Served) -> None:
    """GET /healthz says the process is alive; GET /readyz that the store answers, migrated."""
    response = local_http.get(served.url + HEALTH_PATH)
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    ready = local_http.get(served.url + READY_PATH)
    assert ready.status_code == 200
    assert ready.json() == {"status": "ok", "database": "ok"}
    assert local_http.get(served.url + "/nowhere").status_code == 404


def _click(served: Served, value: str, **extra: Any) -> httpx.Response:
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": {"id": VP, "username": "dana", "team_id": "T0FAKE"},
        "api_app_id": "A0RISK",
        "team": {"id": "T0FAKE", "domain": "acme"},
        "trigger_id": "1337.42.trigger",
        "actions": [
            {
                "type": "button",
                "action_id": "card_details",
                "block_id": "b1",
                "value": value,
                "action_ts": "1763967700.000200",
            }
        ],
        **extra,
    }
    return served.action(payload)


def test_details_on_a_delivered_briefing_shows_the_cards_evidence(served: Served) -> None:
    """Details on the delivered Monday message answers that card's facts and evidence, ephemeral."""
    response = _click(
        served,
        "incident:INC-1039",
        container={"type": "message", "message_ts": DELIVERED_TS, "channel_id": "D04VPENG01"},
        channel={"id": "D04VPENG01"},
        message={"ts": DELIVERED_TS, "type": "message"},
        response_url=served.slack.response_url("details"),
    )
    assert response.status_code == 200
    answer = served.slack.wait_for_response("details")
    assert answer["response_type"] == "ephemeral"
    assert answer["replace_original"] is False
    text = _texts(answer["blocks"])
    assert "Incident in Checkout followed a deploy of a risky change" in text
    assert "minutes to resolve: 255 min" in text
    # The deploy in the briefing's words and the reader's time, its id beside it to ask about.
    assert "• deploy of Checkout, Fri 10:35 EST (`deploy:checkout:2026-11-20T15:35`) · " in text
    assert "2026-11-20 15:35" not in text.replace("deploy:checkout:2026-11-20T15:35", "")


def test_details_from_a_brief_answer_names_its_week_and_scope(served: Served) -> None:
    """The Details button of a `/risk brief` answer opens that card's changes and signals."""
    served.command("brief")
    blocks = served.slack.wait_for_response("r1")["blocks"]
    value = next(b["value"] for b in _buttons(blocks) if "concentration:payments" in b["value"])
    assert json.loads(value)["week"] == "2026-W47"
    _click(
        served,
        value,
        container={"type": "message", "is_ephemeral": True},
        response_url=served.slack.response_url("d2"),
    )
    text = _texts(served.slack.wait_for_response("d2")["blocks"])
    assert "acme/platform#4503" in text
    assert "no CODEOWNERS owner" in text


def test_details_from_app_home_opens_a_modal(served: Served) -> None:
    """App Home has no response_url, so Details opens the evidence in a modal."""
    _click(served, "incident:INC-1039", container={"type": "view", "view_id": "V1"})
    deadline = time.monotonic() + 10
    while not served.slack.opened_views and time.monotonic() < deadline:
        time.sleep(0.01)
    (modal,) = served.slack.opened_views
    assert modal["type"] == "modal"
    assert "INC-1039" in _texts(modal["blocks"])


def test_app_home_shows_settings_and_this_week_so_far(served: Served) -> None:
    """Opening App Home publishes the user's settings and this week so far for their scope."""
    response = served.event({"type": "app_home_opened", "user": VP, "channel": "D1", "tab": "home"})
    assert response.status_code == 200
    deadline = time.monotonic() + 10
    while served.slack.view(VP) is None and time.monotonic() < deadline:
        time.sleep(0.01)
    view = served.slack.view(VP)
    assert view is not None
    assert view["type"] == "home"
    assert len(view["blocks"]) <= 100
    text = _texts(view["blocks"])
    assert "whole organisation · every Monday at 09:00 America/New_York" in text
    assert "managed in riskbrief.toml" in text
    assert "Risk is concentrating in Payments" in text
    (call,) = served.slack.calls_of("views.publish")
    assert call["user_id"] == VP


def test_brief_without_a_name_uses_the_callers_own_scope(served: Served) -> None:
    """The Commerce lead's `/risk brief` covers Commerce, in their own time zone."""
    served.command("brief", user_id="U05COMLEAD")
    blocks = served.slack.wait_for_response("r1")["blocks"]
    intro = blocks[0]["elements"][0]["text"]
    assert intro.startswith("*This week so far* · Commerce · ")
    assert intro.endswith("(Europe/Berlin)")
    assert "Discovery" not in _texts(blocks)


def test_details_of_a_card_no_briefing_has_is_one_sentence(served: Served) -> None:
    """A Details value that matches no stored briefing says what to run instead."""
    _click(served, "card:gone", response_url=served.slack.response_url("gone"))
    answer = served.slack.wait_for_response("gone")
    assert answer["text"] == (
        "That card is no longer in a briefing I have; run `/risk brief` for this week so far."
    )


def test_a_normal_start_logs_no_warning(
    sample_engine: Engine,
    org: OrgConfig,
    slack: FakeSlack,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """With SLACK_BOT_TOKEN in the environment, as `serve` runs, building the app warns nothing."""
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test-token")
    with caplog.at_level(logging.WARNING):
        build_app(settings_for(slack), sample_engine, org)
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []


def _culprit_click(
    served: Served, action: str, value: str, user_id: str, response_id: str, **sign: Any
) -> httpx.Response:
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": {"id": user_id, "username": "someone", "team_id": "T0FAKE"},
        "api_app_id": "A0RISK",
        "team": {"id": "T0FAKE", "domain": "acme"},
        "trigger_id": "1337.42.trigger",
        "response_url": served.slack.response_url(response_id),
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
    body = urlencode({"payload": json.dumps(payload)}).encode()
    return served.post(body, **sign)


def test_a_culprit_is_confirmed_once_by_a_member_who_may_see_it(
    served: Served, sample_engine: Engine
) -> None:
    """The Commerce lead confirms #4521 from `/risk incident`'s button, signed as Slack signs:
    stored with who and when and counted in the next answer; a second click changes nothing;
    Discovery's lead is told the incident is not there; an unsigned click is refused; the
    other button changes the word."""
    served.command("incident INC-1039", user_id="U05COMLEAD", response_id="ask")
    blocks = served.slack.wait_for_response("ask")["blocks"]
    buttons = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
    confirm = next(
        b for b in buttons if b["action_id"] == "culprit_confirm" and FRIDAY_KEY in b["value"]
    )
    assert [b["action_id"] for b in buttons[:2]] == ["culprit_confirm", "culprit_reject"]

    assert _culprit_click(
        served, "culprit_confirm", confirm["value"], "U05COMLEAD", "c1"
    ).is_success
    first = _texts(served.slack.wait_for_response("c1")["blocks"])
    _culprit_click(served, "culprit_confirm", confirm["value"], "U05COMLEAD", "c2")
    again = _texts(served.slack.wait_for_response("c2")["blocks"])
    _culprit_click(served, "culprit_confirm", confirm["value"], "U06DISCLD1", "c3")
    outsider = _texts(served.slack.wait_for_response("c3")["blocks"])
    forged = _culprit_click(
        served, "culprit_confirm", confirm["value"], "U06DISCLD1", "c4", secret="not-the-secret"
    )
    assert first.startswith(f"Recorded: you said `{FRIDAY_KEY}` caused `INC-1039` (")
    assert "Europe/Berlin" in first
    assert again.startswith(f"Already recorded: you said `{FRIDAY_KEY}` caused `INC-1039`")
    assert "No incident `INC-1039` is in the store for your scope" in outsider
    assert forged.status_code == 401
    with session_scope(sample_engine) as session:
        rows = confirmations_of(session, "INC-1039")
    assert [(r.change_key, r.confirmed, r.slack_user_id, r.subscriber_key) for r in rows] == [
        (FRIDAY_KEY, True, "U05COMLEAD", "commerce-lead")
    ]

    served.command("incident INC-1039", user_id="U04VPENG01", response_id="after")
    listed = _texts(served.slack.wait_for_response("after")["blocks"])
    assert "confirmed by 1" in listed.split("\n1. ")[1].split("\n")[0]

    _culprit_click(served, "culprit_reject", confirm["value"], "U05COMLEAD", "c5")
    changed = _texts(served.slack.wait_for_response("c5")["blocks"])
    assert changed.startswith(f"Changed: you said `{FRIDAY_KEY}` did not cause `INC-1039`")
    with session_scope(sample_engine) as session:
        assert [r.confirmed for r in confirmations_of(session, "INC-1039")] == [False]
