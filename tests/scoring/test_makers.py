"""Who made a change: one maker each, an agent's part winning over a bot's account."""

from __future__ import annotations

import pytest

from scoring.authorship import AuthorKind
from scoring.makers import ChangeMakers, maker


@pytest.mark.parametrize(
    ("agent_involved", "bot", "made_by"),
    [
        pytest.param(False, False, AuthorKind.HUMAN, id="a-person"),
        pytest.param(True, False, AuthorKind.AGENT, id="an-agent-or-its-co-author"),
        pytest.param(False, True, AuthorKind.BOT, id="a-dependency-bot"),
        pytest.param(True, True, AuthorKind.AGENT, id="an-agent-through-a-bot-account"),
    ],
)
def test_each_change_has_one_maker(agent_involved: bool, bot: bool, made_by: AuthorKind) -> None:
    """A change an agent took part in is an agent's even from a bot's account; a bot's
    otherwise when a bot authored it; else a person's."""
    assert maker(agent_involved=agent_involved, bot=bot) is made_by


def test_people_agents_and_bots_add_up_to_every_change() -> None:
    """Counted makers add up to the changes counted, none twice."""
    bot, human, agent = AuthorKind.BOT, AuthorKind.HUMAN, AuthorKind.AGENT
    made = ChangeMakers.of([bot, human, bot, agent, bot])
    assert (made.people, made.agents, made.bots, made.total) == (1, 1, 3, 5)
    assert ChangeMakers.of([]).total == 0
