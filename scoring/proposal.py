"""The risk of a change not merged yet, and what would lower it, against the history as it is now.

``assess`` scores a proposed change (a branch, a diff, an open pull request) as
if it merged now: it asks the history for the change's context without recording
it (``History.context`` peeks), so the same history answers any number of
proposals. Each signal or gate that carries points gets one piece of advice, in
the signal's own words (``SignalWords.advice``); where the advice can be tried
on the facts (halve the change, add a test file, an approval by the code owner,
the migration left out), the change is scored again so that the points it would
remove are the scorer's own figure, never a guess. Splitting is advised only
where size is what drives the score and the change is large (``worth_splitting``),
never for a ten-line change whose halves would score a point lower. Pure: no I/O.
The advice is ``scoring.advice``, and the facts each is tried on ``scoring.remedies``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from scoring.advice import Advice, advice_on, peeked_score
from scoring.breakdown import Contribution, breakdown
from scoring.config import ScoringConfig
from scoring.facts import ChangeFacts
from scoring.history import History
from scoring.risk import Band
from scoring.risk_score import Gate, RiskScore
from scoring.signal import Signal

__all__ = [
    "JSON_VERSION",
    "Assessment",
    "Proposal",
    "assess",
    "assessment_json",
]

# The version of ``assessment_json``'s shape; bumped only when a field changes meaning
# or goes away (new fields may be added without a bump).
JSON_VERSION = 1


@dataclass(frozen=True, slots=True)
class Proposal:
    """A change not merged yet, as a source read it: its facts and the refs it lies between.

    ``base`` and ``head`` are what the source compared (shas of a clone, or
    ``None`` for a diff read from a file; ``head`` is ``None`` for a working tree);
    ``notes`` say what the source had to assume (an author taken from ``git
    config``, an uncommitted working tree). ``target`` is the tip of the branch it
    would merge into, whose history it is scored against when no store is known.
    """

    change: ChangeFacts
    base: str | None = None
    head: str | None = None
    notes: tuple[str, ...] = ()
    target: str | None = None


@dataclass(frozen=True, slots=True)
class Assessment:
    """A proposed change's score as of now, its parts, what is unknown and what would lower it."""

    risk: RiskScore
    # Whole-number parts that add up to the score (``scoring.breakdown``).
    contributions: tuple[Contribution, ...]
    # Signals the sources could not measure: their weight is spread over the known ones.
    unknowns: tuple[Signal, ...]
    advice: tuple[Advice, ...]
    as_of: datetime

    @property
    def key(self) -> str:
        """The proposed change's key."""
        return self.risk.key

    @property
    def score(self) -> int:
        """The 0–100 score it would get if merged now."""
        return self.risk.score

    @property
    def band(self) -> Band:
        """The band of that score."""
        return self.risk.band

    @property
    def gates(self) -> tuple[Gate, ...]:
        """The hard rules that lifted the score."""
        return self.risk.gates

    @property
    def signals(self) -> tuple[Signal, ...]:
        """Every change signal, measured or unknown, in the scorer's order."""
        return self.risk.signals


def assess(change: ChangeFacts, history: History, config: ScoringConfig) -> Assessment:
    """Score a change not merged yet as of ``change.merged_at``, without recording it.

    The history is only peeked at (``History.context``), so it stays as it was
    and answers the next proposal the same way.
    """
    now = peeked_score(change, history, config)
    unknowns = tuple(s for s in now.signals if not s.known)
    return Assessment(
        risk=now,
        contributions=breakdown(now),
        unknowns=unknowns,
        advice=advice_on(change, now, history, config),
        as_of=change.merged_at,
    )


def assessment_json(assessment: Assessment) -> dict[str, Any]:
    """The assessment as JSON values, in the stable shape docs/check.md documents."""
    risk = assessment.risk
    return {
        "version": JSON_VERSION,
        "key": risk.key,
        "score": risk.score,
        "band": risk.band.value,
        "band_label": risk.band.label,
        "scorer": risk.version,
        "as_of": assessment.as_of.isoformat(),
        "contributions": [
            {"name": c.name, "points": c.points, "explanation": c.explanation}
            for c in assessment.contributions
        ],
        "signals": [
            {
                "name": s.name,
                "known": s.known,
                "value": s.value,
                "points": round(s.points, 2),
                "explanation": s.explanation,
            }
            for s in risk.signals
        ],
        "unknowns": [{"name": s.name, "explanation": s.explanation} for s in assessment.unknowns],
        "gates": [
            {"name": g.name, "explanation": g.explanation, "floor": g.floor.value}
            for g in risk.gates
        ],
        "advice": [
            {"concerns": a.concerns, "advice": a.text, "points": a.points, "detail": a.detail}
            for a in assessment.advice
        ],
    }
