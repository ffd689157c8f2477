"""What would lower a proposed change's score: one ``Advice`` per signal or gate carrying points."""

from __future__ import annotations

from dataclasses import dataclass

from scoring.config import ScoringConfig
from scoring.facts import ChangeFacts
from scoring.history import History
from scoring.remedies import REMEDIES, Remedy, approved_by, code_owner, largest_part
from scoring.risk import score_change
from scoring.risk_score import RiskScore, top_signals
from scoring.signals import SIGNAL_WORDS

__all__ = [
    "GATE_ADVICE",
    "SPLIT_LINES",
    "Advice",
    "advice_on",
    "peeked_score",
    "worth_splitting",
]

# What the author could do about each gate, as ``SignalWords.advice`` says it for signals.
GATE_ADVICE: dict[str, str] = {
    "schema_migration": "ship the schema migration as a change of its own",
    "error_budget": "hold it until the service's error budget recovers",
    "large_change": "split it into smaller changes",
}


@dataclass(frozen=True, slots=True)
class Advice:
    """One thing that would lower the score, tied to the signal or gate that carries the points.

    ``points`` is how many points lower the score would be, worked out by scoring the
    change again with the advice applied; ``None`` where no honest re-score exists
    (the service's incidents, the files' past). ``detail`` says how it was worked out.
    """

    concerns: str
    text: str
    points: int | None
    detail: str


def peeked_score(change: ChangeFacts, history: History, config: ScoringConfig) -> RiskScore:
    """The score of ``change`` against ``history`` as of its time, without recording it."""
    return score_change(change, history.context(change), config)


# Below this many lines of code (added and deleted) no change is told to split itself: a
# reviewer takes it in at one sitting (reviews find fewer defects per line only beyond a
# few hundred lines), and halving it moves its score by a point or two at most.
SPLIT_LINES = 200


def worth_splitting(risk: RiskScore) -> bool:
    """Whether "split it" is advice worth giving on ``risk``: the large-change gate lifted it,
    or size is what drives it (the signal earning most beyond a typical change of its history,
    ``top_signals``) and the change is large, ``SPLIT_LINES`` lines of code or more."""
    if any(g.name == "large_change" for g in risk.gates):
        return True
    size = next((s for s in risk.signals if s.name == "size"), None)
    if size is None or size.value is None or size.value < SPLIT_LINES:
        return False
    return [s.name for s in top_signals(risk.signals, 1, risk.typical_points)] == ["size"]


def _split_applies(name: str, change: ChangeFacts, risk: RiskScore, config: ScoringConfig) -> bool:
    """Whether the advice of signal ``name`` may be given: "split it" (size) only where
    ``worth_splitting``; "split it by service or directory" (diffusion) only for a change
    spanning more than one, where the split is worth it or the spread drives the score."""
    if name == "size":
        return worth_splitting(risk)
    if name == "diffusion":
        if largest_part(change, config) is None:
            return False
        top = [s.name for s in top_signals(risk.signals, 1, risk.typical_points)]
        return worth_splitting(risk) or top == ["diffusion"]
    return True


def _signal_sum(risk: RiskScore) -> int:
    """What the signals alone add up to (capped at 100), before any gate lifts the score."""
    total = sum([s.points for s in risk.signals])
    return round(total if total < 100.0 else 100.0)


def _compared(how: str, now: RiskScore, then: RiskScore) -> str:
    """How a re-score came out; when a gate holds the score, what the signals alone did."""
    text = f"{how}: {then.score} instead of {now.score}"
    before, after = _signal_sum(now), _signal_sum(then)
    if then.score == now.score and then.gates and after < before:
        names = " and ".join(g.name.replace("_", " ") for g in then.gates)
        holds = "gates hold" if len(then.gates) > 1 else "gate holds"
        text += f" (the signals add up to {after} instead of {before}, but the {names} {holds} it)"
    return text


def _advice_for(
    name: str,
    text: str,
    change: ChangeFacts,
    now: RiskScore,
    history: History,
    config: ScoringConfig,
    remedy: tuple[Remedy, str] | None,
) -> Advice:
    """One advice, its points worked out by the remedy's re-score when it has one."""
    if remedy is None:
        return Advice(name, text, None, "no re-score can show what this would change")
    fn, how = remedy
    tried = fn(change, config)
    if tried is None:
        return Advice(name, text, None, "it cannot be tried on this change's facts")
    then = peeked_score(tried, history, config)
    return Advice(name, text, max(0, now.score - then.score), _compared(how, now, then))


def _review_advice(
    change: ChangeFacts, now: RiskScore, history: History, config: ScoringConfig
) -> Advice | None:
    """Ask the code owner (a human) to review: tied to the agent signal or the review signal."""
    by_name = {s.name: s for s in now.signals}
    agent = by_name.get("agent")
    review = by_name.get("review")
    owner = code_owner(change)
    then = peeked_score(approved_by(change, owner), history, config)
    lower = now.score - then.score
    if agent is not None and agent.points > 0:
        concerns, text = "agent", SIGNAL_WORDS["agent"].advice
        if owner:
            text += f", such as {owner} (the code owner)"
    elif review is not None and (review.points > 0 or (not review.known and lower > 0)):
        concerns = "review"
        text = f"ask {owner} (the code owner) to review it" if owner else "get a human review"
    else:
        return None
    who = f"an approval by {owner}" if owner else "a human approval"
    return Advice(concerns, text, max(0, lower), _compared(f"re-scored with {who}", now, then))


def advice_on(
    change: ChangeFacts, now: RiskScore, history: History, config: ScoringConfig
) -> tuple[Advice, ...]:
    """Advice for every signal and gate that carries points, most points removed first.

    Advice whose re-score removes no point is left out; advice that cannot be re-scored
    stays, after the rest, without points.
    """
    out: list[Advice] = []
    done: set[str] = set()
    review = _review_advice(change, now, history, config)
    if review is not None:
        out.append(review)
        done |= {"agent", "review"}
    for s in now.signals:
        # The history's typical change is no signal of the change: nothing to advise.
        if s.points <= 0 or s.name in done or s.name not in SIGNAL_WORDS:
            continue
        if not _split_applies(s.name, change, now, config):
            continue
        words = SIGNAL_WORDS[s.name].advice
        out.append(_advice_for(s.name, words, change, now, history, config, REMEDIES.get(s.name)))
        done.add(s.name)
    for g in now.gates:
        if g.name in done:
            continue
        text = GATE_ADVICE.get(g.name, f"clear the {g.name.replace('_', ' ')} gate")
        if g.name == "large_change" and "size" in done:
            # One split answers both the size signal and the large-change gate.
            continue
        out.append(_advice_for(g.name, text, change, now, history, config, REMEDIES.get(g.name)))
        done.add(g.name)
    # Advice a re-score shows would remove nothing is noise (splitting a one-line change),
    # unless a gate holds the score up: then it says what the signals alone would give.
    if not now.gates:
        out = [a for a in out if a.points != 0]
    order = {a.concerns: i for i, a in enumerate(out)}
    return tuple(sorted(out, key=lambda a: (a.points is None, -(a.points or 0), order[a.concerns])))
