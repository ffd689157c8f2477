"""The tone check: severities as the rules set them, and no calm week that is not one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from briefing.tone import severity_problems
from briefing.views import IncidentView
from tests.briefing.payloads import busy_payload
from tests.briefing.render.factory import make_payload


def _incident(key: str) -> IncidentView:
    opened = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)
    return IncidentView(
        id=key,
        service="checkout",
        title="Checkout 500s",
        opened_at=opened,
        resolved_at=opened + timedelta(minutes=40),
        minutes_to_resolve=40.0,
        deploy=None,
        deploy_band=None,
        after_high_risk_deploy=False,
    )


def test_a_count_of_a_severity_must_be_the_payloads() -> None:
    """ "Two critical" of a week with another number of critical cards is refused; the true
    count passes."""
    payload = busy_payload()
    n = payload.severity_counts.critical
    assert list(severity_problems("the headline", f"{n} critical cards.", payload)) == []
    (wrong,) = severity_problems("the headline", f"{n + 1} critical cards.", payload)
    assert f"the briefing has {n} critical cards" in wrong


def test_no_calm_week_while_an_outage_opened_in_it() -> None:
    """No card, but an incident opened: a quiet week is refused; a revert alone leaves it quiet."""
    week = make_payload(cards=(), changes=())
    quiet = "A quiet week in Team Checkout."
    assert list(severity_problems("the headline", quiet, week)) == []
    outage = week.model_copy(update={"incidents": (_incident("INC-7"),)})
    (problem,) = severity_problems("the headline", quiet, outage)
    assert "1 incident opened in it" in problem
    revert = week.model_copy(update={"incidents": (_incident("revert:acme/shop#9"),)})
    assert list(severity_problems("the headline", quiet, revert)) == []
