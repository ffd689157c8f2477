"""The tone check: severities as the rules set them, and no calm week that is not one."""

from __future__ import annotations

from briefing.tone import severity_problems
from tests.briefing.payloads import busy_payload
from tests.briefing.render.factory import make_incident, make_payload


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
    outage = week.model_copy(update={"incidents": (make_incident("INC-7"),)})
    (problem,) = severity_problems("the headline", quiet, outage)
    assert "1 incident opened in it" in problem
    revert = week.model_copy(update={"incidents": (make_incident("revert:acme/shop#9"),)})
    assert list(severity_problems("the headline", quiet, revert)) == []
