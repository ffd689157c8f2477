"""Card rules: what makes a card, at what severity, and what is not said twice."""

from __future__ import annotations

from scoring import Band, CardRules, ScoredChange, aggregate, build_cards
from tests.scoring.builders import scored

RULES = CardRules()


def _ids(this: list[ScoredChange], last: list[ScoredChange]) -> dict[str, str]:
    cards = build_cards(aggregate(this), aggregate(last), RULES)
    return {c.id: c.severity.value for c in cards}


def _steady(
    week: int, n: int = 8, service: str = "search", team: str = "find"
) -> list[ScoredChange]:
    return [scored(100 + i, service, team, Band.SAFE, week) for i in range(n)]


def test_quiet_week_makes_no_card() -> None:
    """The same safe week twice makes no card at all."""
    assert _ids(_steady(0), _steady(-1)) == {}


def test_concentration_at_and_below_the_thresholds() -> None:
    """A service at 50 % high risk is critical, at 37.5 % a warning, at 25 % nothing."""
    for elevated, expected in ((4, "critical"), (3, "warning"), (2, None)):
        this = [
            scored(i, "payments", "money", Band.HIGH if i < elevated else Band.SAFE, 0)
            for i in range(8)
        ]
        cards = _ids(this + _steady(0, 40), _steady(-1, 48))
        assert cards.get("concentration:payments") == expected


def test_concentration_hides_the_shift_and_its_driver() -> None:
    """When one service holds the high-risk changes, no shift card or driver card repeats it."""
    this = [scored(i, "payments", "money", Band.HIGH if i < 5 else Band.SAFE, 0) for i in range(8)]
    cards = _ids(this, [scored(i, "payments", "money", Band.SAFE, -1) for i in range(8)])
    assert cards["concentration:payments"] == "critical"
    assert "shift" not in cards
    assert not any(c.startswith("driver:") for c in cards)


def test_driver_outside_the_concentration_still_makes_a_card() -> None:
    """A signal driving high-risk changes elsewhere than the concentrated service gets a card."""
    pay = [scored(i, "payments", "money", Band.HIGH if i < 5 else Band.SAFE, 0) for i in range(8)]
    # Spread over many services so that none of them concentrates.
    rushed = [
        scored(50 + i, f"svc{i}", "other", Band.HIGH, 0, drivers=("review",)) for i in range(4)
    ]
    filler = [
        scored(60 + 2 * i + j, f"svc{i}", "other", Band.SAFE, 0) for i in range(4) for j in range(2)
    ]
    cards = _ids(pay + rushed + filler, _steady(-1, 24))
    assert cards.get("driver:review") == "warning"
    assert "driver:codeowners" not in cards


def test_agent_changes_without_review() -> None:
    """One unreviewed agent change is a warning, three are critical."""
    for count, expected in ((1, "warning"), (3, "critical")):
        agents = [
            scored(
                200 + i, "search", "find", Band.SAFE, 0, agent_involved=True, human_reviewed=False
            )
            for i in range(count)
        ]
        assert _ids(_steady(0) + agents, _steady(-1))["agent:unreviewed"] == expected


def test_improvement_is_info() -> None:
    """A team that cut its high-risk share by 15 points or more gets an info card."""
    before = [scored(i, "search", "find", Band.HIGH if i < 3 else Band.SAFE, -1) for i in range(8)]
    cards = _ids(_steady(0), before)
    assert cards == {"improvement:find": "info"}
