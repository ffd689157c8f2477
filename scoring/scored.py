"""A scored change as it is kept and read back: its score, why, and what it was scored as."""

from __future__ import annotations

from dataclasses import dataclass, replace

from scoring.change_files import change_files
from scoring.config import ScoringConfig
from scoring.facts import ChangeFacts
from scoring.risk_score import RiskScore, top_signals
from scoring.score_scale import score_without
from scoring.signal import Signal
from scoring.signals.exposure import context_points
from scoring.work_kind import WorkKind, work_kind

__all__ = ["TOP_SIGNALS", "ScoredChange", "scored_change"]

# How many signals a change is said to be driven by, in briefings and answers.
TOP_SIGNALS = 3


@dataclass(frozen=True, slots=True)
class ScoredChange(RiskScore):
    """A scored change or deploy with its top signals and what it was scored as.

    ``service``, the CODEOWNERS counts and the review and agent flags are what
    the change was scored as, kept beside the score so a week's briefing reads
    one row per change; a deploy has none of them. ``human_reviewed`` is
    ``None`` when no source could see the review: unknown, never "not reviewed".
    """

    top_signals: tuple[Signal, ...] = ()
    service: str | None = None
    owner_files_known: int = 0
    owner_files_covered: int = 0
    agent_involved: bool = False
    human_reviewed: bool | None = None
    # The change's kind of work and lines of hand-written code added and deleted, found once
    # here so that a week's readers (the agent card, the agents page) read them stored rather
    # than classify thousands of changes' titles and files on every page. ``None``: a deploy,
    # or a score stored before they were kept.
    work: WorkKind | None = None
    source_lines: int | None = None
    # The points of its number that what it lands in added (``CONTEXT_SIGNALS``): its number
    # less the number it would be without them, so a gate's floor that held it anyway leaves
    # none. The card rules that judge the changes themselves take them off.
    context_points: float = 0.0

    @property
    def drivers(self) -> tuple[str, ...]:
        """The names of the top signals, most points first."""
        return tuple(s.name for s in self.top_signals)


def scored_change(
    score: RiskScore, facts: ChangeFacts | None = None, config: ScoringConfig | None = None
) -> ScoredChange:
    """``score`` with its top signals and, given the change's ``facts``, what it was scored as;
    given the ``config`` it was scored with, the points of its number its context added
    (``ScoredChange.context_points``; without it, its context signals' points)."""
    top = top_signals(score.signals, TOP_SIGNALS, score.typical_points)
    context = context_points(score.signals)
    if context and config is not None:
        context = float(score.score - score_without(score, context, config))
    scored = ScoredChange(
        score.key,
        score.score,
        score.band,
        score.signals,
        score.gates,
        score.version,
        score.typical,
        score.typical_points,
        top,
        context_points=context,
    )
    if facts is None:
        return scored
    known = [f for f in facts.files if f.owners is not None]
    return replace(
        scored,
        service=facts.primary_service,
        owner_files_known=len(known),
        owner_files_covered=sum(1 for f in known if f.owners),
        agent_involved=facts.agent_involved,
        human_reviewed=bool(facts.human_approvals) if facts.reviews_known else None,
        work=work_kind(facts).kind,
        source_lines=change_files(facts).source_lines,
    )
