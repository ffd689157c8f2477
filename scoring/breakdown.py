"""A score told as whole-number contributions that add up to it exactly, gate lifts included.

A score is the rounded sum of its signals' points, read against its history's
typical change (an entry of its own, ``TYPICAL``), kept within 0–100 (a change that
touches no code within moderate) and lifted to a gate's floor. Each signal's points
rounded on their own need not add up to the rounded sum, and neither the cap nor a
gate's lift is a signal, so a reader adding up the points shown would not reach the
score. ``breakdown`` gives every
part of the score its own whole number: the signals by the largest-remainder
method (so they add up to their rounded sum), a gate's lift and the cap as
entries of their own, and, when only the top few are shown, the rest as one
entry. Pure: it reads the score alone, so a stored score reads back the same.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from scoring.risk import Band
from scoring.risk_score import Gate, RiskScore
from scoring.typical import TYPICAL_SIGNAL

__all__ = ["CAP", "GATE", "OTHERS", "TYPICAL", "Contribution", "breakdown", "fold"]

# Names of the entries that are not signals.
GATE = "gate"
CAP = "cap"
OTHERS = "others"
# The history's typical change: stored among the signals, shown after them, never folded.
TYPICAL = TYPICAL_SIGNAL


@dataclass(frozen=True, slots=True)
class Contribution:
    """One part of a score: whole points (negative for the cap) and what they are for."""

    name: str
    points: int
    explanation: str


def _apportioned(score: RiskScore) -> list[Contribution]:
    """The signals' points as whole numbers adding up to their rounded sum, most points first."""
    # Summed as the scorer sums them, so the rounded total is the score's own.
    total = sum([s.points for s in score.signals])
    items = [s for s in score.signals if s.points]
    target = round(total)
    whole = {s.name: math.floor(s.points) for s in items}
    missing = target - sum(whole.values())
    # The largest fractional parts get the missing points (ties: more points, then name).
    for s in sorted(items, key=lambda s: (-(s.points - whole[s.name]), -s.points, s.name)):
        if missing <= 0:
            break
        whole[s.name] += 1
        missing -= 1
    out = [Contribution(s.name, whole[s.name], s.explanation) for s in items]
    out = [c for c in out if c.points]
    return sorted(out, key=lambda c: (-c.points, c.name))


def _gate_words(gates: tuple[Gate, ...], score: int) -> str:
    """The gates at the highest floor, and the floor the score was lifted to."""
    rank = list(Band)
    top = max(rank.index(g.floor) for g in gates)
    named = "; ".join(g.explanation for g in gates if rank.index(g.floor) == top)
    return f"gate: {named}, so it is at least {rank[top].label} risk (floor {score})"


def breakdown(score: RiskScore, limit: int | None = None) -> tuple[Contribution, ...]:
    """Whole-number contributions that add up to ``score.score``, most points first.

    A gate's lift is an entry named ``GATE``; the history's typical change one named
    ``TYPICAL`` and a cap one named ``CAP`` come last. With ``limit``, only that many
    signals are listed and the rest are one ``OTHERS`` entry, so the listed points still
    add up.
    """
    every = _apportioned(score)
    signals = [c for c in every if c.name != TYPICAL]
    typical = [c for c in every if c.name == TYPICAL]
    rest = score.score - sum(c.points for c in every)
    extra: list[Contribution] = [*typical]
    if rest > 0 and score.gates:
        extra.append(Contribution(GATE, rest, _gate_words(score.gates, score.score)))
    elif rest > 0:
        # No gate: only a sum below 0, which the score stops at, is lifted.
        extra.append(Contribution(CAP, rest, "no score is below 0"))
    elif rest:
        words = "capped at 100" if score.score >= 100 else _ceiling_words(score)
        extra.append(Contribution(CAP, rest, words))
    shown, folded = (signals, []) if limit is None else (signals[:limit], signals[limit:])
    lifts = [c for c in extra if c.name == GATE]
    listed = sorted([*shown, *lifts], key=lambda c: (-c.points, c.name))
    if folded:
        n = len(folded)
        words = f"from {n} smaller signal{'' if n == 1 else 's'}"
        listed.append(Contribution(OTHERS, sum(c.points for c in folded), words))
    return (*listed, *(c for c in extra if c.name != GATE))


def _ceiling_words(score: RiskScore) -> str:
    """Why a score below 100 was taken down: its change touches no code, so it stops at the top
    of the moderate band."""
    return f"no code changed, so it is never more than moderate risk (capped at {score.score})"


def fold(full: Sequence[Contribution], limit: int) -> tuple[Contribution, ...]:
    """``breakdown(score, limit)`` from ``breakdown(score)``: the same top ``limit`` signals and
    one ``OTHERS`` entry for the rest, for a reader that holds a score's contributions (an
    answer's record) rather than the score."""
    signals = [c for c in full if c.name not in (GATE, CAP, TYPICAL)]
    lifts = [c for c in full if c.name == GATE]
    shown, folded = signals[:limit], signals[limit:]
    listed = sorted([*shown, *lifts], key=lambda c: (-c.points, c.name))
    if folded:
        n = len(folded)
        words = f"from {n} smaller signal{'' if n == 1 else 's'}"
        listed.append(Contribution(OTHERS, sum(c.points for c in folded), words))
    return (*listed, *(c for c in full if c.name in (TYPICAL, CAP)))
