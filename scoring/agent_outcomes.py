"""What became of agents' and people's changes, by kind of work, per 1,000 lines of code.

Issue 52: an agent's changes are judged beside people's changes of the same kind of work
(``scoring.work_kind``), since what breaks after merge depends on the kind more than on who
wrote it. Each outcome is counted and set per 1,000 lines of code (``scoring.change_files``'
``source_lines``): a kind that moves more code has more room to break.

An outcome is one of:

- **reverted**: a later merged change reverted it;
- **linked to an incident** (``ChangeOutcome.incident``): the team confirmed it as an
  incident's culprit (the members' verdict in Slack), or its revert made an incident (a
  revert after it reached production, ``data.rules.revert_incidents``);
- **later fixed**: SZZ blamed it for a bug a later fix repaired; known only for
  repositories with a local clone (``None`` otherwise, never "no").

Human review is counted as everywhere in the product: approved, not approved, or unknown
(a bare git history has no reviews), and unknown is never counted as unreviewed.

Pure: the rows come from ``data.store.agent_outcomes``; the card rule
(``scoring.card_rules.oversight.agent_outcomes``) and the agents' record count them here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from scoring.work_kind import WorkKind

__all__ = [
    "PER_LINES",
    "ChangeOutcome",
    "KindTally",
    "OutcomeGap",
    "OutcomeRow",
    "OutcomesByKind",
    "outcome_gaps",
    "outcome_leads",
    "outcomes_by_kind",
    "per_lines",
]

# Rates are per this many lines of code.
PER_LINES = 1000


@dataclass(frozen=True, slots=True)
class ChangeOutcome:
    """One merged change's kind of work, its lines of code and what became of it."""

    kind: WorkKind
    source_lines: int
    reverted: bool = False
    incident: bool = False
    # None when SZZ could not run for its repository (no local clone): not known.
    later_fixed: bool | None = None

    @property
    def went_wrong(self) -> bool:
        """Reverted, linked to an incident or (where known) later fixed: one count a change."""
        return self.reverted or self.incident or self.later_fixed is True


@dataclass(frozen=True, slots=True)
class OutcomeRow:
    """One change as the counting sees it: whose, whether a human reviewed it, its outcome.

    ``agent`` names the agent (or a co-authored change's stand-in) for an agent's change and
    is ``None`` for a person's; a bot's change (``bot``) is neither and is counted apart.
    """

    agent: str | None
    human_reviewed: bool | None
    outcome: ChangeOutcome
    bot: bool = False


def per_lines(count: int | None, lines: int) -> float | None:
    """``count`` per ``PER_LINES`` lines of code, to a hundredth; ``None`` without lines
    (documentation and tests move no code) or without the count."""
    if count is None or lines <= 0:
        return None
    return round(PER_LINES * count / lines, 2)


@dataclass(frozen=True, slots=True)
class KindTally:
    """Changes of one kind of work by one author (an agent, all agents or people), counted."""

    kind: WorkKind
    changes: int = 0
    source_lines: int = 0
    reviewed: int = 0
    not_reviewed: int = 0
    review_unknown: int = 0
    reverted: int = 0
    incident: int = 0
    later_fixed: int = 0
    # Changes whose later fixes are known (SZZ ran over their repository's clone).
    later_fixed_known: int = 0
    went_wrong: int = 0

    @property
    def reviewed_share(self) -> float | None:
        """Per cent of the changes with a known review that a human approved, to a tenth;
        ``None`` when no review is known."""
        known = self.reviewed + self.not_reviewed
        return round(100.0 * self.reviewed / known, 1) if known else None

    @property
    def later_fixed_or_unknown(self) -> int | None:
        """Later fixed, or ``None`` when no change's later fixes are known."""
        return self.later_fixed if self.later_fixed_known else None

    @property
    def went_wrong_per_lines(self) -> float | None:
        """Changes that went wrong per ``PER_LINES`` lines of code."""
        return per_lines(self.went_wrong, self.source_lines)


def _tally(kind: WorkKind, rows: Sequence[OutcomeRow]) -> KindTally:
    outcomes = [r.outcome for r in rows]
    return KindTally(
        kind=kind,
        changes=len(rows),
        source_lines=sum(o.source_lines for o in outcomes),
        reviewed=sum(1 for r in rows if r.human_reviewed is True),
        not_reviewed=sum(1 for r in rows if r.human_reviewed is False),
        review_unknown=sum(1 for r in rows if r.human_reviewed is None),
        reverted=sum(1 for o in outcomes if o.reverted),
        incident=sum(1 for o in outcomes if o.incident),
        later_fixed=sum(1 for o in outcomes if o.later_fixed is True),
        later_fixed_known=sum(1 for o in outcomes if o.later_fixed is not None),
        went_wrong=sum(1 for o in outcomes if o.went_wrong),
    )


def _by_kind(rows: Iterable[OutcomeRow]) -> tuple[KindTally, ...]:
    """The kinds ``rows`` hold, in ``WorkKind``'s order, each counted."""
    kinds: dict[WorkKind, list[OutcomeRow]] = defaultdict(list)
    for r in rows:
        kinds[r.outcome.kind].append(r)
    return tuple(_tally(k, kinds[k]) for k in WorkKind if kinds[k])


@dataclass(frozen=True, slots=True)
class OutcomesByKind:
    """Agents' changes (each agent, and all together) and people's, by kind of work."""

    all_agents: tuple[KindTally, ...]
    # Each agent with its kinds, the agent with most changes first.
    agents: tuple[tuple[str, tuple[KindTally, ...]], ...]
    people: tuple[KindTally, ...]
    bot_changes: int = 0

    def people_of(self, kind: WorkKind) -> KindTally:
        """People's changes of ``kind`` (none counted when they made none)."""
        return next((t for t in self.people if t.kind is kind), KindTally(kind))


def outcomes_by_kind(rows: Iterable[OutcomeRow]) -> OutcomesByKind:
    """``rows`` counted per agent, for all agents and for people, by kind of work."""
    agents: dict[str, list[OutcomeRow]] = defaultdict(list)
    people: list[OutcomeRow] = []
    bots = 0
    for r in rows:
        if r.agent is not None:
            agents[r.agent].append(r)
        elif r.bot:
            bots += 1
        else:
            people.append(r)
    ordered = sorted(agents.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    return OutcomesByKind(
        all_agents=_by_kind(r for _, rs in ordered for r in rs),
        agents=tuple((name, _by_kind(rs)) for name, rs in ordered),
        people=_by_kind(people),
        bot_changes=bots,
    )


@dataclass(frozen=True, slots=True)
class OutcomeGap:
    """A kind of work whose agent changes went wrong materially more often per line of code
    than people's: the card's finding, with both sides' counts."""

    kind: WorkKind
    agents: KindTally
    people: KindTally

    @property
    def agent_rate(self) -> float:
        """Agents' changes that went wrong per ``PER_LINES`` lines of code."""
        return per_lines(self.agents.went_wrong, self.agents.source_lines) or 0.0

    @property
    def people_rate(self) -> float:
        """People's changes that went wrong per ``PER_LINES`` lines of code."""
        return per_lines(self.people.went_wrong, self.people.source_lines) or 0.0


def _compared(found: OutcomesByKind, min_changes: int) -> Iterable[OutcomeGap]:
    """Each kind where agents and people each made at least ``min_changes`` changes and both
    moved some code: the only kinds whose rates say anything."""
    for a in found.all_agents:
        p = found.people_of(a.kind)
        if min(a.changes, p.changes) >= min_changes and min(a.source_lines, p.source_lines) > 0:
            yield OutcomeGap(a.kind, a, p)


def _widest_first(
    gaps: Iterable[OutcomeGap], ratio: Callable[[OutcomeGap], float]
) -> tuple[OutcomeGap, ...]:
    return tuple(sorted(gaps, key=lambda g: (-ratio(g), list(WorkKind).index(g.kind))))


def _times(high: float, low: float) -> float:
    # A side none of whose changes went wrong is infinitely far below any that did.
    return high / low if low else float("inf")


def outcome_gaps(
    found: OutcomesByKind, min_changes: int, min_went_wrong: int, min_ratio: float
) -> tuple[OutcomeGap, ...]:
    """The kinds where agents' changes went wrong materially more often than people's.

    Material, by fixed numbers: agents and people each made at least ``min_changes``
    changes of the kind, both moved some code, at least ``min_went_wrong`` of the agents'
    changes went wrong, and agents' rate per 1,000 lines of code is at least ``min_ratio``
    times people's (any rate is, when none of people's went wrong). Widest gap first.
    """
    gaps = (
        g
        for g in _compared(found, min_changes)
        if g.agents.went_wrong >= min_went_wrong and g.agent_rate >= min_ratio * g.people_rate
    )
    return _widest_first(gaps, lambda g: _times(g.agent_rate, g.people_rate))


def outcome_leads(
    found: OutcomesByKind, min_changes: int, min_went_wrong: int, min_ratio: float
) -> tuple[OutcomeGap, ...]:
    """The kinds where people's changes went wrong materially more often than agents', by the
    same fixed numbers as ``outcome_gaps`` with the sides swapped: at least ``min_went_wrong``
    of people's changes went wrong and their rate is at least ``min_ratio`` times agents'.
    Widest lead first."""
    leads = (
        g
        for g in _compared(found, min_changes)
        if g.people.went_wrong >= min_went_wrong and g.people_rate >= min_ratio * g.agent_rate
    )
    return _widest_first(leads, lambda g: _times(g.people_rate, g.agent_rate))
