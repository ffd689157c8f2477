"""A card's evidence in words: incidents and deploys described at the reader's time, reverts
linked to their change, every incident of the week accounted for."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from types import SimpleNamespace

from briefing.deterministic import write_deterministic
from briefing.incidents import incident_url
from briefing.payload import BriefingPayload, ChangeView, DeployView, IncidentView
from briefing.render import render_email, render_slack
from briefing.render.text import deploy_line, week_local_time
from scoring.card_terms import Evidence, EvidenceKind, FactKey
from tests.briefing.payloads import busy_payload

INCIDENT = EvidenceKind.INCIDENT

_DEPLOY_AT = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
_REVERT_URL = "https://github.com/acme/shop/pull/77"


def _payload() -> BriefingPayload:
    """The busy week read in New York: INC-1042 and a revert after one deploy, INC-1043 alone."""
    base = busy_payload()
    week = base.week.model_copy(update={"timezone": "America/New_York"})
    first = base.incidents[0].model_copy(update={"deploy_finished_at": _DEPLOY_AT})
    revert = first.model_copy(
        update={
            "id": "revert:acme/shop#77",
            "title": "Reverted: retries",
            "opened_at": datetime(2026, 11, 20, 12, 0, tzinfo=UTC),
        }
    )
    alone = IncidentView(
        id="INC-1043",
        service="search",
        title="Slow search",
        opened_at=datetime(2026, 11, 18, 15, 30, tzinfo=UTC),
        resolved_at=datetime(2026, 11, 18, 16, 0, tzinfo=UTC),
        minutes_to_resolve=30.0,
        deploy=None,
        deploy_band=None,
        after_high_risk_deploy=False,
    )
    cards = []
    for card in base.cards:
        if card.id == "incident:INC-1042":
            facts = tuple(
                f.model_copy(update={"value": 3.0}) if f.key is FactKey.INCIDENTS_THIS_WEEK else f
                for f in card.facts
            )
            card = card.model_copy(
                update={
                    "facts": facts,
                    "evidence": (
                        *card.evidence,
                        *(Evidence.parse(i.id, INCIDENT) for i in (revert, alone)),
                    ),
                }
            )
        cards.append(card)
    change = ChangeView(
        id="acme/shop#77",
        title="Revert retries",
        url=_REVERT_URL,
        service="payments",
        score=20,
        band="safe",
        signals=(),
    )
    return base.model_copy(
        update={
            "week": week,
            "incidents": (first, revert, alone),
            "cards": tuple(cards),
            "top_changes": (*base.top_changes, change),
        }
    )


def test_incident_evidence_is_words_at_the_readers_time_in_every_medium() -> None:
    """Text, Slack and email name the incident with its local opening time, the deploy by its
    service and local time, and the revert linked to its change; no raw deploy id is shown."""
    payload = _payload()
    narrative = write_deterministic(payload)
    email = render_email(payload, narrative)
    slack = json.dumps(render_slack(payload, narrative).to_json(), ensure_ascii=False)
    for shown in (email.text, email.html, slack):
        assert "INC-1042 (opened Fri 06:00 EST)" in shown
        assert "deploy of Payments, Fri 04:00 EST" in shown
        assert "deploy:payments:1" not in shown
    assert f"  > revert acme/shop#77 {_REVERT_URL}" in email.text
    assert re.search(
        rf'<a href="{re.escape(_REVERT_URL)}"[^>]*>revert acme/shop#77</a>', email.html
    )
    assert f"<{_REVERT_URL}|revert acme/shop#77>" in slack
    assert "  > INC-1043 (in search, opened Wed 10:30 EST)" in email.text


def test_the_incident_card_accounts_for_every_incident_of_the_week() -> None:
    """The card's paragraph says how many of the week's incidents followed the deploy and names
    the other, so no bare "incidents this week: 3" is left to explain itself."""
    payload = _payload()
    narrative = write_deterministic(payload)
    paragraph = narrative.paragraph("incident:INC-1042")
    assert paragraph is not None
    assert "acme/shop#77 reverted a change that deploy shipped." in paragraph
    assert (
        "2 of the week's 3 incidents followed it; the other: INC-1043 in search with no "
        "deploy before it." in paragraph
    )
    assert "With it" not in paragraph
    assert "incidents this week: 3" not in render_email(payload, narrative).text


def test_deploys_are_named_by_service_and_local_time() -> None:
    """A riskiest deploy's line carries the reader's zone, and its incidents in words; a time
    outside the briefing's week carries its date."""
    payload = _payload()
    deploy = DeployView(
        id="deploy:payments:1",
        service="payments",
        finished_at=_DEPLOY_AT,
        score=82,
        band="critical",
        incidents=("INC-1042", "revert:acme/shop#77"),
    )
    assert deploy_line(deploy, "Payments", payload.week) == (
        "Payments, Fri 04:00 EST: score 82, very high risk; followed by INC-1042 and "
        "revert acme/shop#77"
    )
    earlier = datetime(2026, 11, 13, 9, 0, tzinfo=UTC)
    assert week_local_time(earlier, "Europe/Berlin", payload.week) == "Fri 13 Nov 10:00 CET"


def test_an_incident_a_source_keys_internally_is_named_by_title_and_linked() -> None:
    """A GitLab incident is named by its title and reference, linked, never by its store key."""
    key = "gitlab-incident:group/p#50"
    url = incident_url(key, SimpleNamespace(gitlab=SimpleNamespace(base_url="https://git.ex")))
    assert url == "https://git.ex/group/p/-/issues/50"
    base = busy_payload()
    incident = base.incidents[0].model_copy(update={"id": key, "url": url})
    cards = tuple(
        c.model_copy(
            update={
                "id": f"incident:{key}",
                "evidence": (Evidence(INCIDENT, key), *c.evidence[1:]),
            }
        )
        if c.id == "incident:INC-1042"
        else c
        for c in base.cards
    )
    payload = base.model_copy(update={"incidents": (incident,), "cards": cards})
    narrative = write_deterministic(payload)
    email = render_email(payload, narrative)
    slack = json.dumps(render_slack(payload, narrative).to_json(), ensure_ascii=False)
    # A Details button's value carries the card's id; no reader sees it.
    seen = slack.replace(f'"value": "incident:{key}"', "")
    for shown in (email.text, seen):
        assert key not in shown
        assert "Checkout 500s (group/p#50)" in shown
    assert f"<{url}|Checkout 500s (group/p#50) (opened" in slack
    paragraph = narrative.paragraph(f"incident:{key}")
    assert paragraph is not None
    assert paragraph.startswith("Checkout 500s (group/p#50) hit")
    jira = incident_url(
        "jira-incident:KEY-20",
        SimpleNamespace(jira=SimpleNamespace(base_url="https://acme.atlassian.net")),
    )
    assert jira == "https://acme.atlassian.net/browse/KEY-20"
