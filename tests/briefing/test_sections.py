"""The payload's sections built from a week: here, its changes counted by who made them."""

from __future__ import annotations

from briefing.sections import agents
from scoring.risk import Band
from scoring.weekly import aggregate
from tests.scoring.card_builders import change


def test_the_agents_section_counts_people_agents_and_bots_adding_up() -> None:
    """People's, agents' and bots' changes add up to the week's, a bot's account an agent
    worked through counted as the agent's, and the agents' share is of every change."""
    week = aggregate(
        [
            change("a#1", "svc", Band.SAFE),
            change("a#2", "svc", Band.SAFE),
            change("a#3", None, Band.SAFE, bot=True),
            change("a#4", None, Band.SAFE, bot=True),
            change("a#5", "svc", Band.HIGH, bot=True, agent_involved=True, human_reviewed=False),
        ]
    )
    view = agents(week)
    assert (view.human_changes, view.changes, view.bot_changes) == (2, 1, 2)
    assert view.human_changes + view.changes + view.bot_changes == week.distribution.total
    assert (view.share_of_changes, view.unreviewed, view.high_risk) == (20.0, 1, 1)
