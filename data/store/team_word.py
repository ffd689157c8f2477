"""The team's verdict on each (incident, change) it answered in Slack, from its members' words.

Members may disagree: the verdict is what most of them said, and on a tie the word said last
(a member who changes their mind replaces their own word, ``data.store.confirmations``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from data.store.tables import CulpritConfirmation

__all__ = ["TeamWord", "team_word"]


@dataclass(frozen=True, slots=True)
class TeamWord:
    """The (incident, change) pairs the team confirmed as cause, and those it rejected."""

    confirmed: frozenset[tuple[str, str]] = frozenset()
    rejected: frozenset[tuple[str, str]] = frozenset()


def team_word(words: Iterable[CulpritConfirmation]) -> TeamWord:
    """Each pair's verdict: the majority of its members' words, a tie going to the latest."""
    said: dict[tuple[str, str], list[CulpritConfirmation]] = defaultdict(list)
    for word in words:
        said[(word.incident_key, word.change_key)].append(word)
    confirmed: set[tuple[str, str]] = set()
    rejected: set[tuple[str, str]] = set()
    for pair, rows in said.items():
        yes = sum(1 for r in rows if r.confirmed)
        no = len(rows) - yes
        if yes == no:
            # Ids break a tie of times: two words stored in the same instant, the later row.
            latest = max(rows, key=lambda r: (r.said_at, r.id or 0))
            verdict = latest.confirmed
        else:
            verdict = yes > no
        (confirmed if verdict else rejected).add(pair)
    return TeamWord(frozenset(confirmed), frozenset(rejected))
