"""Issue 40: every week with a very-high-risk change or deploy names it in its Slack text (and
its email), never "quiet", and named even when the week has other cards."""

from __future__ import annotations

from datetime import UTC, datetime

from briefing.payload import BriefingPayload, DeployView, ServiceView
from briefing.render import render_slack
from briefing.render.email import render_email
from tests.briefing.render.factory import make_narrative, make_payload

_TAG = "v2.1.0"


def _with_deploys(payload: BriefingPayload, n: int) -> BriefingPayload:
    deploys = tuple(
        DeployView(
            id=f"git-tag:acme/shop:{_TAG if i == 0 else f'v2.0.{i}'}:checkout",
            service="checkout",
            finished_at=datetime(2026, 11, 20, 10, 35 - i, tzinfo=UTC),
            score=95 - i,
            band="critical",
        )
        for i in range(n)
    )
    service = ServiceView(
        id="checkout",
        name="Checkout",
        team=None,
        changes=3,
        high_risk=1,
        high_risk_share=33.3,
        high_risk_share_last_week=0.0,
    )
    metrics = payload.metrics.model_copy(update={"deploys_very_high": n})
    return payload.model_copy(
        update={"risky_deploys": deploys, "services": (service,), "metrics": metrics}
    )


def test_a_week_with_cards_names_its_very_high_deploy_in_the_slack_text() -> None:
    """The cards fill the headline, yet the very-high deploy is named by tag and service in the
    message's text, the line a notification shows."""
    payload = _with_deploys(make_payload(), 1)
    assert payload.cards
    narrative = make_narrative(payload)
    assert _TAG not in narrative.headline  # the headline is the cards' ("Risk is ...")
    message = render_slack(payload, narrative)
    assert _TAG in message.text
    assert "the deploy of Checkout v2.1.0" in message.text
    assert "pr-42" in message.text  # the very-high change too
    assert "quiet" not in message.text.lower()


def test_many_very_high_deploys_are_a_short_list_with_how_many_more() -> None:
    payload = _with_deploys(make_payload(), 16)
    message = render_slack(payload, make_narrative(payload))
    assert _TAG in message.text
    assert "16 deploys ran at very high risk" in message.text
    assert "more" in message.text
    assert len(message.text) < 1000


def test_a_week_without_cards_names_a_very_high_deploy_the_header_cuts() -> None:
    """A header is cut at Slack's 150 characters; the deploys it cut are still named."""
    payload = _with_deploys(make_payload(cards=()), 3)
    message = render_slack(payload, make_narrative(payload))
    assert _TAG in message.text


def test_the_email_names_the_very_high_deploy_by_its_tag() -> None:
    payload = _with_deploys(make_payload(), 1)
    email = render_email(payload, make_narrative(payload))
    assert _TAG in email.text
    assert _TAG in email.html
