"""The services that burned their error budget fastest, as the briefing carries, grounds and
renders them: quiet below 1×, the fastest three named, every number in the model's payload."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from briefing.budget_burns import BurnView, burn_line, burn_views
from briefing.deterministic import write_deterministic
from briefing.grounding import check_narrative
from briefing.narrative import Narrative
from briefing.payload import BriefingPayload
from briefing.prompt import payload_json
from briefing.render import render_email, render_slack
from briefing.render.msteams import render_msteams
from data.store.reads.budgets import BudgetSeries
from scoring.budget_burn import BudgetPoint
from tests.briefing.payloads import busy_payload
from tests.briefing.render.factory import make_narrative, make_payload

MONDAY = datetime(2026, 11, 16, tzinfo=UTC)
SUNDAY_NIGHT = MONDAY + timedelta(days=7)


def _series(service: str, start: float, end: float, window_days: int = 30) -> BudgetSeries:
    """A budget falling evenly from ``start`` on Monday to ``end`` on Sunday night."""
    daily = [
        BudgetPoint(MONDAY + timedelta(days=d), start + (end - start) * d / 7) for d in range(7)
    ]
    points = (*daily, BudgetPoint(SUNDAY_NIGHT - timedelta(seconds=1), end))
    return BudgetSeries(service, "prometheus", window_days, points)


def _burn(service: str, name: str, burned: int, rate: float) -> BurnView:
    return BurnView(
        service=service,
        name=name,
        burned_percent=burned,
        burn_rate=rate,
        start_left_percent=90,
        end_left_percent=90 - burned,
        window_days=30,
    )


def test_the_views_name_the_fastest_burns_at_one_or_more_in_whole_figures() -> None:
    """Search burned 38 points of a 90-day budget in the week (4.9×), Checkout 25 of a 30-day
    one (1.1×); Payments' 5 points (0.2×) is below its even pace and is not news."""
    series = [
        _series("payments", 0.95, 0.90),
        _series("search", 0.80, 0.42, window_days=90),
        _series("checkout", 0.50, 0.25),
    ]
    names = {"search": "Search", "checkout": "Checkout", "payments": "Payments"}
    views = burn_views(series, names, MONDAY, SUNDAY_NIGHT)
    assert [(v.name, v.burned_percent, v.burn_rate) for v in views] == [
        ("Search", 38, 4.9),
        ("Checkout", 25, 1.1),
    ]
    assert (views[0].start_left_percent, views[0].end_left_percent) == (80, 42)
    assert burn_views(series[:1], names, MONDAY, SUNDAY_NIGHT) == ()


def test_the_line_gives_the_fastest_in_full_and_the_rest_short() -> None:
    """One sentence: the first service with its budget and rate spelt out, the others brief;
    none when nothing burned at 1× or faster."""
    burns = (_burn("search", "Search", 38, 4.9), _burn("checkout", "Checkout", 12, 1.6))
    assert burn_line(burns) == (
        "Error budgets this week: Search burned 38% of its budget (burn rate 4.9×), "
        "Checkout 12% (1.6×)."
    )
    assert burn_line(burns[1:]) == (
        "Error budgets this week: Checkout burned 12% of its budget (burn rate 1.6×)."
    )
    assert burn_line(()) is None


def _headed(payload: BriefingPayload, headline: str) -> Narrative:
    """The deterministic narrative with ``headline`` in place of its own."""
    return write_deterministic(payload).model_copy(update={"headline": headline})


def _burning(payload: BriefingPayload) -> BriefingPayload:
    return payload.model_copy(update={"budget_burns": (_burn("search", "Search", 38, 4.9),)})


def test_the_burns_are_in_the_models_payload_and_a_narrative_citing_them_is_grounded() -> None:
    """The figures go to the model, so a headline citing them passes the check, and one that
    makes up a figure does not."""
    payload = _burning(busy_payload())
    sent = json.loads(payload_json(payload))
    assert sent["error_budget_burns"] == [
        {
            "service": "search",
            "name": "Search",
            "burned_percent": 38,
            "burn_rate": 4.9,
            "left_at_start_percent": 90,
            "left_at_end_percent": 52,
            "slo_window_days": 30,
        }
    ]
    said = "Search burned 38% of its error budget at 4.9 times its even pace"
    assert check_narrative(payload, _headed(payload, said), ["Search"]) == ()
    invented = _headed(payload, "Search burned 45% of its error budget at 7.7 times")
    problems = check_narrative(payload, invented, ["Search"])
    assert any("says 45" in p for p in problems), problems
    assert any("says 7.7" in p for p in problems), problems
    assert "error_budget_burns" not in json.loads(payload_json(busy_payload()))


def test_every_medium_shows_the_line_with_the_name_escaped() -> None:
    """Slack's small print, Teams', the email's HTML and text carry the line; a service name
    with markup is escaped in each; a week with no fast burn shows none."""
    burns = (_burn("search", "<b>Search</b> & co", 38, 4.9),)
    payload = make_payload().model_copy(update={"budget_burns": burns})
    narrative = make_narrative(payload)
    slack = json.dumps(render_slack(payload, narrative).blocks, ensure_ascii=False)
    assert "Error budgets this week: &lt;b&gt;Search&lt;/b&gt; &amp; co burned 38%" in slack
    email = render_email(payload, narrative)
    assert "&lt;b&gt;Search&lt;/b&gt; &amp; co burned 38% of its budget (burn rate 4.9×)" in (
        email.html
    )
    assert "<b>Search" not in email.html
    assert "Error budgets this week: <b>Search</b> & co burned 38%" in email.text
    teams = json.dumps(render_msteams(payload, narrative).card, ensure_ascii=False)
    assert "Error budgets this week: <b>Search</b> & co burned 38%" in teams
    quiet = make_payload()
    assert "Error budgets" not in json.dumps(render_slack(quiet, make_narrative(quiet)).blocks)
    assert "Error budgets" not in render_email(quiet, make_narrative(quiet)).text
