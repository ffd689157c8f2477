"""Who made a change, people, AI agents or bots, counted one way by every reader.

The rule (docs/briefing.md, "Which changes a week counts"): a change an AI agent authored or
co-authored is an agent's, even when a bot's account committed it (an agent working through
a CI app is still an agent's work to review); else a change a bot authored (Dependabot,
Renovate, a release robot) is a bot's; every other change is a person's. Each change is
exactly one of the three, so people, agents and bots add up to the week's changes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from scoring.authorship import AuthorKind

__all__ = ["ChangeMakers", "maker"]


def maker(*, agent_involved: bool, bot: bool) -> AuthorKind:
    """The one maker of a change an agent did or did not take part in, authored by a bot or
    not: an agent's part wins over a bot's account, and a change neither made is a person's
    (``AuthorKind.HUMAN``)."""
    if agent_involved:
        return AuthorKind.AGENT
    return AuthorKind.BOT if bot else AuthorKind.HUMAN


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
    def of(makers: Iterable[AuthorKind]) -> ChangeMakers:
        """Count each change's maker."""
        c = Counter(makers)
        return ChangeMakers(
            people=c[AuthorKind.HUMAN], agents=c[AuthorKind.AGENT], bots=c[AuthorKind.BOT]
        )
