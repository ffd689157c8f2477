"""Who made a change, people, AI agents or bots, counted one way by every reader.

The rule (docs/briefing.md, "Who made the week's changes"): a change an AI agent authored or
co-authored is an agent's, even when a bot's account committed it (an agent working through
a CI app is still an agent's work to review); else a change a bot authored (Dependabot,
Renovate, a release robot) is a bot's; every other change is a person's. Each change is
exactly one of the three, so people, agents and bots add up to the week's changes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

__all__ = ["ChangeMakers", "Maker", "maker"]


class Maker(StrEnum):
    """Who made a change."""

    PERSON = "person"
    AGENT = "agent"
    BOT = "bot"


def maker(*, agent_involved: bool, bot: bool) -> Maker:
    """The one maker of a change an agent did or did not take part in, authored by a bot or
    not: an agent's part wins over a bot's account."""
    if agent_involved:
        return Maker.AGENT
    return Maker.BOT if bot else Maker.PERSON


@dataclass(frozen=True, slots=True)
class ChangeMakers:
    """A set of changes counted by who made them; the three add up to ``total``."""

    people: int = 0
    agents: int = 0
    bots: int = 0

    @property
    def total(self) -> int:
        """Every change counted."""
        return self.people + self.agents + self.bots

    @staticmethod
    def of(makers: Iterable[Maker]) -> ChangeMakers:
        """Count each change's maker."""
        c = Counter(makers)
        return ChangeMakers(people=c[Maker.PERSON], agents=c[Maker.AGENT], bots=c[Maker.BOT])
